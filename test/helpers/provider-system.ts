/**
 * The provider's own system of record, played on loopback for the tests of writes routed to it: it
 * verifies the gateway's signed identity with its own upstream key, takes orders and tickets (the same
 * Idempotency-Key twice is the same record, as a real system would), answers with its own id, or
 * refuses in its own words when told to.
 */
import http from 'node:http';
import type net from 'node:net';
import { checkBody, verifyAssertion, type GatewayIdentity } from '../../src/modules/gateway/index.ts';

export interface ProviderCall {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** 'ok', or why the signed identity did not hold */
  verdict: string;
  identity: GatewayIdentity | null;
  /** the id it answered with */
  externalId: string | null;
}

export interface ProviderSystem {
  url: string;
  calls: ProviderCall[];
  /** accept: 201 with its id; refuse: 422 problem+json */
  mode: 'accept' | 'refuse';
  close(): Promise<void>;
}

export async function startProviderSystem(o: { key: () => Buffer; nowMs: () => number; prefix?: string }): Promise<ProviderSystem> {
  const byKey = new Map<string, string>();
  let n = 0;
  const sys: ProviderSystem = {
    url: '',
    calls: [],
    mode: 'accept',
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const v = verifyAssertion(o.key(), req.headers, req.method!, req.url!, o.nowMs());
    const why = !v.ok ? v.reason : checkBody(v.content, raw.length ? raw : null, { acceptUnsigned: false });
    const call: ProviderCall = { method: req.method!, url: req.url!, headers: req.headers, body: raw.length ? JSON.parse(raw.toString()) : {}, verdict: why ?? 'ok', identity: v.ok ? v.identity : null, externalId: null };
    sys.calls.push(call);
    if (why) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: why }));
      return;
    }
    if (sys.mode === 'refuse') {
      res.writeHead(422, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: 'Not accepted', status: 422, detail: 'Billing account is on hold in our system.' }));
      return;
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    const kind = req.url!.includes('/orders') ? 'SO' : 'HD';
    let id = byKey.get(key);
    if (!id) byKey.set(key, (id = `${kind}-${++n}-${Math.random().toString(36).slice(2, 8)}`));
    call.externalId = id;
    res.writeHead(req.method === 'POST' && !req.url!.endsWith('/cancel') ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ external_id: id, status: 'received' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sys.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${o.prefix ?? '/api'}`;
  return sys;
}

/** A loopback address nothing listens on (connection refused): a provider that is down. */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** GATEWAY_ROUTES entries for a provider's system taking orders and tickets at `upstream`. */
export function providerRoute(name: string, prefix: string, upstream: string) {
  return {
    name,
    prefix,
    upstream,
    tenant_scoped: true,
    rules: [
      { method: 'POST', path: '/orders', permission: 'orders.create' },
      { method: 'POST', path: '/orders/:order_id/cancel', permission: 'orders.cancel' },
      { method: 'POST', path: '/tickets', permission: 'support.tickets.create' },
      { method: 'PATCH', path: '/tickets/:ticket_id', permission: 'support.tickets.update' },
    ],
  };
}
