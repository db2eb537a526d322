/**
 * Which addresses and host names a request to a URL someone else chose (a webhook endpoint) may
 * reach: the rule behind server-side request forgery protection (OWASP SSRF prevention cheat
 * sheet). Pure: it judges text, it never resolves or connects; outbound-http.ts applies it twice,
 * to the URL before any connection and to every address DNS answers inside the connection.
 *
 * Addresses are judged on their parsed form (ipaddr.js), never on how they are spelled: an
 * address is allowed only if it is ordinary public unicast (`range()` is 'unicast'). Every
 * special-purpose range — loopback, private, link-local, unique local, shared (CGNAT), multicast,
 * broadcast, unspecified, reserved, documentation, benchmarking, AMT, AS112, ORCHID, discard … —
 * is refused. An IPv6 address that carries an IPv4 address is judged on what it reaches:
 * IPv4-mapped `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2) is that IPv4 address; NAT64 `64:ff9b::/96`
 * (RFC 6052), 6to4 `2002::/16` (RFC 3056) and Teredo `2001::/32` (RFC 4380) are allowed only when
 * every IPv4 address inside is public; the deprecated IPv4-compatible `::a.b.c.d` (RFC 4291
 * §2.5.5.1), SIIT's `::ffff:0:a.b.c.d` (RFC 6145) and local-use NAT64 `64:ff9b:1::/48`
 * (RFC 8215) are refused outright. The operator's allow-private setting lifts all of this.
 *
 * Host names are normalised the way the connection will use them — WHATWG URL parsing (lower
 * case, IDNA to punycode, IPv4 in any numeric spelling written as a.b.c.d), then one trailing
 * dot dropped — and `localhost` and every `*.localhost` name are refused (RFC 6761 §6.3). A name
 * that looks public is judged again on the addresses it resolves to when it is dialled.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type AddressVerdict =
  /** an ordinary public address */
  | { allowed: true }
  /** `range`: the special-purpose range (ipaddr.js's name, or ours for the forms it calls unicast); `reaches`: the IPv4 address inside, when that decided it */
  | { allowed: false; range: string; reaches?: string };

/** ::/96 without :: and ::1 — IPv4-compatible IPv6, deprecated; ipaddr.js counts it as unicast */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
/** the well-known NAT64 prefix; its /48 neighbour 64:ff9b:1:: is for local use only */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

function v4(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
}

/** The IPv4 addresses a NAT64, 6to4 or Teredo address leads to; null for any other IPv6 address. */
function embeddedIPv4(a: ipaddr.IPv6, range: string): ipaddr.IPv4[] | null {
  const p = a.parts;
  if (range === 'rfc6052' && a.match(NAT64_WELL_KNOWN)) return [v4(p[6], p[7])];
  if (range === '6to4') return [v4(p[1], p[2])];
  // Teredo: the server at bits 32–63, the client's public address inverted in the last 32 bits
  if (range === 'teredo') return [v4(p[2], p[3]), v4(p[6] ^ 0xffff, p[7] ^ 0xffff)];
  return null;
}

/**
 * IPv6 text in hex groups only. ipaddr.js reads any dotted tail as IPv4-mapped (`::8.8.8.8` as
 * `::ffff:8.8.8.8`), but `::8.8.8.8` is the IPv4-compatible `::808:808`; the WHATWG IPv6 parser
 * reads the tail as the low 32 bits, as the kernel does. A zone (`%eth0`) changes no range.
 */
function canonicalIPv6(text: string): string {
  const address = text.split('%')[0];
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function judgeIPv4(a: ipaddr.IPv4): AddressVerdict {
  const range = a.range();
  return range === 'unicast' ? { allowed: true } : { allowed: false, range };
}

/**
 * The verdict on one IP address given as text (IPv4 dotted decimal or IPv6, brackets and a zone
 * allowed). Text that is not an address is refused: nothing is ever dialled on a guess.
 */
export function judgeAddress(text: string): AddressVerdict {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(bare);
  if (family === 0) return { allowed: false, range: 'not_an_address' };
  if (family === 4) return judgeIPv4(ipaddr.IPv4.parse(bare));
  let a: ipaddr.IPv6;
  try {
    a = ipaddr.IPv6.parse(canonicalIPv6(bare));
  } catch {
    return { allowed: false, range: 'not_an_address' };
  }
  const range: string = a.range();
  if (range === 'ipv4Mapped') {
    const inner = a.toIPv4Address();
    const v = judgeIPv4(inner);
    return v.allowed ? v : { ...v, reaches: inner.toString() };
  }
  if (range === 'unicast') {
    if (a.match(IPV4_COMPATIBLE)) return { allowed: false, range: 'ipv4Compatible', reaches: v4(a.parts[6], a.parts[7]).toString() };
    return { allowed: true };
  }
  const inner = embeddedIPv4(a, range);
  if (inner) {
    const refused = inner.find((x) => !judgeIPv4(x).allowed);
    return refused ? { allowed: false, range, reaches: refused.toString() } : { allowed: true };
  }
  return { allowed: false, range };
}

/** true for an address no outbound request may reach unless private targets are allowed */
export function isBlockedAddress(address: string): boolean {
  return !judgeAddress(address).allowed;
}

/** plain words for a refused address, for a problem's detail and a delivery's log */
export function describeRefusal(address: string, v: AddressVerdict): string {
  if (v.allowed) return `${address} is a public address`;
  if (v.range === 'not_an_address') return `${address} is not an IP address`;
  const via = v.reaches ? ` (it reaches ${v.reaches})` : '';
  return `${address} is in a private or special-purpose range: ${v.range}${via}`;
}

export type OutboundFailure =
  | 'url_not_allowed' // not http(s), credentials in the URL, or no valid host
  | 'address_not_allowed' // a private, loopback or special-purpose address, or this machine's name (SSRF)
  | 'dns_failed'
  | 'timeout'
  | 'connection_failed';

export type HostJudgement =
  | { ok: true; kind: 'ip'; host: string }
  | { ok: true; kind: 'name'; host: string }
  | { ok: false; failure: 'url_not_allowed' | 'address_not_allowed'; detail: string };

/**
 * A host name as `new URL` wrote it (already lower case, punycode, IPv4 as a.b.c.d, IPv6 in
 * brackets), normalised once more and judged: an IP literal on its address, a name on its
 * spelling (its addresses are judged when it is dialled).
 */
export function judgeHost(hostname: string, allowPrivate: boolean): HostJudgement {
  if (!hostname) return { ok: false, failure: 'url_not_allowed', detail: 'the URL has no host' };
  // `localhost.` is `localhost`: a fully qualified name ends in one dot, which changes nothing it names
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname.endsWith('.') ? hostname.slice(0, -1).toLowerCase() : hostname.toLowerCase();
  if (isIP(host) !== 0) {
    if (allowPrivate) return { ok: true, kind: 'ip', host };
    const v = judgeAddress(host);
    return v.allowed ? { ok: true, kind: 'ip', host } : { ok: false, failure: 'address_not_allowed', detail: describeRefusal(host, v) };
  }
  if (host === '' || host.split('.').some((label) => label === '')) return { ok: false, failure: 'url_not_allowed', detail: `${hostname} is not a valid host name` };
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) return { ok: false, failure: 'address_not_allowed', detail: `${hostname} names this machine` };
  return { ok: true, kind: 'name', host };
}

/** Why a URL may not be called at all (before any connection), or null. */
export function refuseUrl(raw: string, allowPrivate: boolean): { failure: OutboundFailure; detail: string } | null {
  let u: URL;
  try {
    // WHATWG URL parsing does the host's normalisation: lower case, IDNA (UTS #46) to punycode,
    // IPv4 in decimal, octal, hex or short form (127.1, 0x7f000001) written as a.b.c.d, IPv6 compressed
    u = new URL(raw);
  } catch {
    return { failure: 'url_not_allowed', detail: 'not a URL' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { failure: 'url_not_allowed', detail: 'only http and https URLs can be called' };
  if (u.username || u.password) return { failure: 'url_not_allowed', detail: 'a URL with a user name or password in it is not allowed' };
  const host = judgeHost(u.hostname, allowPrivate);
  return host.ok ? null : { failure: host.failure, detail: host.detail };
}
