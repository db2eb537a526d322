/** Which addresses and host names an outbound request (a webhook delivery) may reach, as tables of cases. */
import { describe, expect, it } from 'vitest';
import { isBlockedAddress, judgeAddress, judgeHost, refuseUrl } from './address-policy.ts';

/** Addresses, and the range each is refused as (null: allowed). */
const ADDRESS_CASES: [string, string | null][] = [
  // public
  ['8.8.8.8', null],
  ['1.1.1.1', null],
  ['172.32.0.1', null],
  ['100.128.0.1', null],
  ['2606:4700:4700::1111', null],
  ['2a00:1450:4001:82b::200e', null],
  // IPv4 special-purpose ranges
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.10', 'private'],
  ['127.0.0.1', 'loopback'],
  ['127.8.9.10', 'loopback'],
  ['169.254.169.254', 'linkLocal'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['192.0.0.9', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.7', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['192.31.196.1', 'as112'],
  ['192.52.193.1', 'amt'],
  // IPv6 special-purpose ranges
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['fe80::1', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['ff02::1', 'multicast'],
  ['fec0::1', 'deprecatedSiteLocal'],
  ['100::1', 'discard'],
  ['2001:db8::1', 'reserved'],
  ['2001:2::1', 'benchmarking'],
  ['2001:3::1', 'amt'],
  ['2001:20::1', 'orchid2'],
  ['2001:4:112::1', 'as112v6'],
  ['3fff::1', 'reserved'],
  // IPv4 inside IPv6: judged on the IPv4 address it reaches
  ['::ffff:8.8.8.8', null],
  ['::ffff:808:808', null],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::FFFF:10.0.0.1', 'private'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', 'linkLocal'],
  // the deprecated IPv4-compatible form (::/96) is refused whatever it carries
  ['::127.0.0.1', 'ipv4Compatible'],
  ['::7f00:1', 'ipv4Compatible'],
  ['::10.0.0.1', 'ipv4Compatible'],
  ['::8.8.8.8', 'ipv4Compatible'],
  ['::ffff:0:127.0.0.1', 'rfc6145'],
  // NAT64, 6to4 and Teredo: refused when an IPv4 address inside is not public
  ['64:ff9b::10.0.0.1', 'rfc6052'],
  ['64:ff9b::a00:1', 'rfc6052'],
  ['64:ff9b::127.0.0.1', 'rfc6052'],
  ['64:ff9b::8.8.8.8', null],
  ['64:ff9b:1::8.8.8.8', 'rfc6052'],
  ['2002:7f00:1::', '6to4'],
  ['2002:c0a8:101::1', '6to4'],
  ['2002:808:808::1', null],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'], // the client inside is 192.0.2.45 (documentation)
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', null], // client 8.8.8.8 through server 65.54.227.120
  ['2001:0:7f00:1:8000:63bf:f7f7:f7f7', 'teredo'], // the server inside is 127.0.0.1
  // not an address: never dialled on a guess
  ['not-an-address', 'not_an_address'],
  ['127.1', 'not_an_address'],
  ['0x7f000001', 'not_an_address'],
  ['', 'not_an_address'],
];

describe('judgeAddress: only ordinary public unicast is allowed', () => {
  it.each(ADDRESS_CASES)('%s → %s', (address, refusedAs) => {
    const v = judgeAddress(address);
    expect(v.allowed ? null : v.range).toBe(refusedAs);
    expect(isBlockedAddress(address)).toBe(refusedAs !== null);
  });

  it('names the IPv4 address a refused IPv6 address reaches', () => {
    expect(judgeAddress('::127.0.0.1')).toEqual({ allowed: false, range: 'ipv4Compatible', reaches: '127.0.0.1' });
    expect(judgeAddress('::ffff:7f00:1')).toEqual({ allowed: false, range: 'loopback', reaches: '127.0.0.1' });
    expect(judgeAddress('64:ff9b::a00:1')).toEqual({ allowed: false, range: 'rfc6052', reaches: '10.0.0.1' });
    expect(judgeAddress('2002:c0a8:101::1')).toEqual({ allowed: false, range: '6to4', reaches: '192.168.1.1' });
  });
});

describe('refuseUrl: the host as the connection will use it', () => {
  it.each([
    // public names and addresses pass (a name is judged again on its addresses when dialled)
    ['https://hooks.example.com/in', null],
    ['https://hooks.example.com./in', null],
    ['http://Bücher.example/x', null],
    ['http://8.8.8.8/x', null],
    ['http://[2606:4700:4700::1111]:8443/x', null],
    ['http://[::ffff:8.8.8.8]/x', null],
    // loopback in every spelling
    ['http://[::127.0.0.1]/', 'address_not_allowed'],
    ['http://[::ffff:127.0.0.1]/', 'address_not_allowed'],
    ['http://[::ffff:7f00:1]/', 'address_not_allowed'],
    ['http://[0:0:0:0:0:0:0:1]/', 'address_not_allowed'],
    ['http://127.1/', 'address_not_allowed'],
    ['http://0x7f000001/', 'address_not_allowed'],
    ['http://2130706433/', 'address_not_allowed'],
    ['http://0177.0.0.1/', 'address_not_allowed'],
    ['http://127.0.0.1./', 'address_not_allowed'],
    ['http://localhost/', 'address_not_allowed'],
    ['http://localhost./', 'address_not_allowed'],
    ['http://LOCALHOST/', 'address_not_allowed'],
    ['http://LocalHost.:8080/', 'address_not_allowed'],
    ['http://ｌｏｃａｌｈｏｓｔ/', 'address_not_allowed'], // full-width letters, mapped by IDNA
    ['http://localhost%2E/', 'address_not_allowed'],
    ['http://localhost\u3002/', 'address_not_allowed'], // ideographic full stop
    ['http://api.localhost/', 'address_not_allowed'],
    ['http://a.b.LOCALHOST./', 'address_not_allowed'],
    // other special-purpose addresses
    ['http://[64:ff9b::10.0.0.1]/', 'address_not_allowed'],
    ['http://[2002:a00:1::]/', 'address_not_allowed'],
    ['http://[fe80::1]/', 'address_not_allowed'],
    ['http://10.1.2.3/admin', 'address_not_allowed'],
    ['http://169.254.169.254/latest/meta-data', 'address_not_allowed'],
    ['http://0.0.0.0/', 'address_not_allowed'],
    // not a name a connection could use, not http(s), credentials
    ['http://localhost../', 'url_not_allowed'],
    ['http://a..example.com/', 'url_not_allowed'],
    ['ftp://example.com/x', 'url_not_allowed'],
    ['file:///etc/passwd', 'url_not_allowed'],
    ['https://user:pw@example.com/hook', 'url_not_allowed'],
    ['not a url', 'url_not_allowed'],
  ])('%s → %s', (url, failure) => {
    expect(refuseUrl(url, false)?.failure ?? null).toBe(failure);
  });

  it('names what it refused', () => {
    expect(refuseUrl('http://[::127.0.0.1]/', false)?.detail).toBe('::7f00:1 is in a private or special-purpose range: ipv4Compatible (it reaches 127.0.0.1)');
    expect(refuseUrl('http://localhost./', false)?.detail).toBe('localhost. names this machine');
  });

  it('with private targets allowed, only what is not a usable http(s) URL is refused', () => {
    for (const url of ['http://[::127.0.0.1]/', 'http://localhost./', 'http://127.1:8080/', 'http://[fe80::1]/', 'http://10.0.0.1/']) expect(refuseUrl(url, true), url).toBeNull();
    expect(refuseUrl('http://localhost../', true)?.failure).toBe('url_not_allowed');
    expect(refuseUrl('ftp://10.0.0.1/', true)?.failure).toBe('url_not_allowed');
  });

  it('judgeHost drops one trailing dot and tells a name from an address', () => {
    expect(judgeHost('example.com.', false)).toEqual({ ok: true, kind: 'name', host: 'example.com' });
    expect(judgeHost('[2606:4700:4700::1111]', false)).toEqual({ ok: true, kind: 'ip', host: '2606:4700:4700::1111' });
    expect(judgeHost('', false)).toMatchObject({ ok: false, failure: 'url_not_allowed' });
  });
});
