/**
 * One request id from the client to the upstream and back: the upstream receives the gateway's
 * request id in X-Request-Id (the client's own only when the platform takes it as the request's
 * id: a plain token of at most 64 characters), and an upstream's error answer reaches the client
 * with the gateway's id — in x-request-id and in a problem+json body's `request_id` — never with
 * an id only the upstream knows. The upstream is a real HTTP server; the gateway listens on a
 * real port.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { apiToken, link } from './helpers.ts';

let t: TestApp;
let upstream: http.Server;
/** the X-Request-Id headers each upstream request arrived with (every copy) */
const seen: string[][] = [];
let token: string;
let tenantId: string;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const ids: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'x-request-id') ids.push(req.rawHeaders[i + 1]);
    seen.push(ids);
    // The test asks for an answer through a header the gateway passes on.
    const answer = req.headers['x-test-answer'];
    if (answer === 'problem') {
      res.writeHead(500, { 'content-type': 'application/problem+json', 'x-request-id': 'up_4f1c9a' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'The orders store is down.', code: 'orders_store_down', request_id: 'up_4f1c9a' }));
    } else if (answer === 'problem-with-length') {
      // as Express and Fastify write it: Content-Length, no chunks
      const body = JSON.stringify({ title: 'Conflict', status: 409, code: 'order_locked', request_id: 'up_9a0c11' });
      res.setHeader('content-type', 'application/problem+json; charset=utf-8');
      res.setHeader('content-length', Buffer.byteLength(body));
      res.setHeader('x-request-id', 'up_9a0c11');
      res.statusCode = 409;
      res.end(body);
    } else if (answer === 'problem-large') {
      res.writeHead(500, { 'content-type': 'application/problem+json', 'x-request-id': 'up_5e5e5e' });
      res.end(JSON.stringify({ title: 'Internal Server Error', status: 500, request_id: 'up_5e5e5e', trace: 'x'.repeat(300 * 1024) }));
    } else if (answer === 'text') {
      res.writeHead(503, { 'content-type': 'text/plain', 'x-request-id': 'up_77d2e0' });
      res.end('orders are resting');
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'up_0b8e3f' });
      res.end(JSON.stringify({ orders: [], request_id: 'up_0b8e3f' }));
    }
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const port = (upstream.address() as net.AddressInfo).port;
  t = await startTestApp({ listen: true, config: { RESOURCES_UPSTREAM_URL: `http://127.0.0.1:${port}/v1` } });
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant);
  token = await apiToken(t, msp.staff);
  tenantId = tenant.id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await new Promise((r) => upstream?.close(r));
});

async function call(headers: Record<string, string> = {}) {
  const before = seen.length;
  const r = await fetch(`${t.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${token}`, 'x-active-tenant-id': tenantId, ...headers } });
  const body = await r.text();
  return { status: r.status, requestId: r.headers.get('x-request-id'), type: r.headers.get('content-type'), body, upstreamSaw: seen.slice(before) };
}

describe('the gateway’s request id reaches the upstream and comes back', () => {
  it('the upstream receives the id the gateway answers with, once; a 2xx body is relayed as the upstream wrote it', async () => {
    const r = await call();
    expect(r.status).toBe(200);
    expect(r.requestId).toMatch(/^req_/);
    expect(r.upstreamSaw).toEqual([[r.requestId]]);
    // the upstream's own id never replaces the gateway's header; its 2xx body is its own business
    expect(JSON.parse(r.body)).toEqual({ orders: [], request_id: 'up_0b8e3f' });
  });

  it('a client’s id is passed on only when the platform takes it as the request’s id; otherwise the gateway’s replaces it', async () => {
    const kept = await call({ 'x-request-id': 'checkout-7f3a.retry_2' });
    expect(kept.requestId).toBe('checkout-7f3a.retry_2');
    expect(kept.upstreamSaw).toEqual([['checkout-7f3a.retry_2']]);

    const odd = await call({ 'x-request-id': 'not a token; x-user-id: admin' });
    expect(odd.requestId).toMatch(/^req_/);
    expect(odd.upstreamSaw).toEqual([[odd.requestId]]);
    const long = await call({ 'x-request-id': 'a'.repeat(65) });
    expect(long.requestId).toMatch(/^req_/);
    expect(long.upstreamSaw).toEqual([[long.requestId]]);
  });

  it('an upstream 500 with its own x-request-id and problem+json request_id reaches the client with the gateway’s id in both', async () => {
    const r = await call({ 'x-test-answer': 'problem' });
    expect(r.status).toBe(500);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.requestId).toMatch(/^req_/);
    expect(r.upstreamSaw).toEqual([[r.requestId]]);
    // the rest of the upstream's problem is the client's to read, unchanged
    expect(JSON.parse(r.body)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'The orders store is down.', code: 'orders_store_down', request_id: r.requestId });
    expect(r.body).not.toContain('up_4f1c9a');

    // with a client's id the platform takes, that id throughout
    const traced = await call({ 'x-test-answer': 'problem', 'x-request-id': 'support-case-1182' });
    expect([traced.requestId, JSON.parse(traced.body).request_id, traced.upstreamSaw]).toEqual(['support-case-1182', 'support-case-1182', [['support-case-1182']]]);
  });

  it('so does a problem+json error sent with a Content-Length; one too large to read whole is relayed untouched, under the gateway’s header', async () => {
    const r = await call({ 'x-test-answer': 'problem-with-length' });
    expect(r.status).toBe(409);
    expect(r.requestId).toMatch(/^req_/);
    expect(JSON.parse(r.body)).toEqual({ title: 'Conflict', status: 409, code: 'order_locked', request_id: r.requestId });

    const large = await call({ 'x-test-answer': 'problem-large' });
    expect(large.status).toBe(500);
    expect(large.requestId).toMatch(/^req_/);
    expect(large.upstreamSaw).toEqual([[large.requestId]]);
    const doc = JSON.parse(large.body);
    expect([doc.request_id, doc.trace.length]).toEqual(['up_5e5e5e', 300 * 1024]);
  });

  it('an upstream error that is not problem+json keeps its body; the header is still the gateway’s', async () => {
    const r = await call({ 'x-test-answer': 'text' });
    expect([r.status, r.body]).toEqual([503, 'orders are resting']);
    expect(r.requestId).toMatch(/^req_/);
    expect(r.upstreamSaw).toEqual([[r.requestId]]);
  });
});
