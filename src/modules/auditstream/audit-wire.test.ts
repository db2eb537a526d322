/** The shapes that leave the building, and the export check, as tables of cases. */
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH, type ChainedRow } from '../audit/index.ts';
import { verifyExport } from './audit-proof.ts';
import { octetFrame, otlpLogsRequest, syslogMessage, toWireEvents, type StreamOrg } from './audit-wire.ts';
import { otlpUrl, parseHostPort, refuseSyslogAddress } from './audit-senders.ts';

function chain(n: number, over: Partial<ChainedRow> = {}): ChainedRow[] {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const base = {
      seq: i + 1, id: `evt_${i}`, occurred_at: `2026-11-26T10:00:0${i}.000Z`, actor_type: 'user', actor_user_id: 'usr_a', actor_partner_id: null, actor_client_id: null,
      partner_agency_id: null, tenant_id: 'tnt_a', partner_id: 'ptr_p', ban: null, action: 'billing_account.created', target_type: null, target_id: null, outcome: 'success',
      request_id: null, ip: '203.0.113.9', user_agent: 'Browser "quoted" ]', details: '{"name":"Ünïcode ✓"}', ...over,
    } as unknown as ChainedRow;
    const hash = chainHash(prev, base);
    const row = { ...base, chain_seq: i + 1, prev_hash: prev, hash };
    prev = hash;
    return row;
  });
}
const tenant: StreamOrg = { type: 'tenant', id: 'tnt_a' };

describe('syslog (RFC 5424 in RFC 5425 framing)', () => {
  it('writes the header, escapes structured data and counts octets, not characters', () => {
    const [e] = toWireEvents(chain(1), tenant, GENESIS_HASH);
    const m = syslogMessage({ ...e, id: 'evt_"x]' }, tenant, 'pg.example');
    expect(m.startsWith('<110>1 2026-11-26T10:00:00.000Z pg.example partnergate - billing_account.created [audit@32473 id="evt_\\"x\\]" seq="1" org="tenant:tnt_a"')).toBe(true);
    expect(m).toContain('] \uFEFF{');
    const f = octetFrame(m);
    const len = Number(f.slice(0, f.indexOf(' ')));
    expect(len).toBe(Buffer.byteLength(m, 'utf8'));
    expect(len).toBeGreaterThan(m.length);
    expect(syslogMessage({ ...e, outcome: 'denied' }, tenant, 'h').startsWith('<108>1 ')).toBe(true);
  });

  it.each([
    ['siem.example.com:6514', { host: 'siem.example.com', port: 6514 }],
    ['[2001:db8::1]:6514', { host: '2001:db8::1', port: 6514 }],
    ['siem.example.com', null],
    ['siem.example.com:0', null],
    ['siem.example.com:70000', null],
    ['a b:1', null],
  ])('parses %s', (address, want) => expect(parseHostPort(address)).toEqual(want));

  it.each([
    ['10.0.0.5:6514', false, true],
    ['127.0.0.1:6514', false, true],
    ['localhost:6514', false, true],
    ['localhost:6514', true, false],
    ['siem.example.com:6514', false, false],
  ])('refuses %s (private allowed: %s): %s', (address, allowPrivate, refused) => expect(refuseSyslogAddress(address, allowPrivate) !== null).toBe(refused));
});

describe('OTLP logs (JSON)', () => {
  it('one resource, one scope, a record per event with nanosecond times as strings', () => {
    const body = otlpLogsRequest(toWireEvents(chain(2), tenant, GENESIS_HASH), tenant, new Date('2026-11-26T10:00:05.000Z'));
    const records = body.resourceLogs[0].scopeLogs[0].logRecords;
    expect(records).toHaveLength(2);
    expect(records[1].timeUnixNano).toBe(`${Date.parse('2026-11-26T10:00:01.000Z')}000000`);
    expect(records[0].observedTimeUnixNano).toBe(`${Date.parse('2026-11-26T10:00:05.000Z')}000000`);
    expect(body.resourceLogs[0].resource.attributes).toContainEqual({ key: 'partnergate.organization', value: { stringValue: 'tenant:tnt_a' } });
  });

  it.each([
    ['https://c.example', 'https://c.example/v1/logs'],
    ['https://c.example:4318/', 'https://c.example:4318/v1/logs'],
    ['https://c.example/otel/v1/logs', 'https://c.example/otel/v1/logs'],
  ])('posts %s to %s', (address, url) => expect(otlpUrl(address)).toBe(url));
});

describe('the export check', () => {
  const events = toWireEvents(chain(4), tenant, GENESIS_HASH);
  it.each([
    ['the page as sent', events, true],
    ['an event taken out', events.filter((_, i) => i !== 1), false],
    ['the first taken out', events.slice(1), false],
    ['two swapped', [events[0], events[2], events[1], events[3]], false],
    ['one altered', events.map((e, i) => (i === 2 ? { ...e, action: 'tenant.deleted' } : e)), false],
    ['an empty page', [], true],
  ])('%s', (_name, list, ok) => expect(verifyExport({ prev_hash: GENESIS_HASH, events: list }).ok).toBe(ok));

  it('a partner sees a customer’s person as redacted: the links verify, the content is not recomputed', () => {
    const partner: StreamOrg = { type: 'partner', id: 'ptr_p' };
    const seen = toWireEvents(chain(3), partner, GENESIS_HASH);
    expect(seen.every((e) => e.redacted && e.actor_user_id === null && e.ip === null && e.user_agent === null)).toBe(true);
    expect(verifyExport({ prev_hash: GENESIS_HASH, events: seen }).ok).toBe(true);
    expect(verifyExport({ prev_hash: GENESIS_HASH, events: [seen[0], seen[2]] }).ok).toBe(false);
  });
});
