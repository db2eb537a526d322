/**
 * Outbound webhook calls (src/platform/outbound): signed per Standard Webhooks and verified by the
 * specification's own verifier in a real HTTP receiver; never to a private, loopback or reserved
 * address unless allowed (checked on the literal address and inside the connection's DNS lookup);
 * bounded in time and in how much of the answer is read.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { OutboundClient, isBlockedAddress, refuseUrl } from '../../../src/platform/outbound/outbound-http.ts';
import { newWebhookSecret, webhookHeaders } from '../../../src/platform/outbound/webhook-signature.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  url: string;
}

let server: Server;
let base: string;
const received: Received[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), url: req.url ?? '' });
      if (req.url === '/silent') return; // never answers
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(1024 * 1024));
        return;
      }
      if (req.url === '/fail') return void res.writeHead(500).end('try again');
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const local = new OutboundClient({ allowPrivate: true, timeoutMs: 2_000, maxResponseBytes: 4096 });
const guarded = new OutboundClient({ allowPrivate: false, timeoutMs: 2_000, maxResponseBytes: 4096 });
afterAll(async () => {
  await local.close();
  await guarded.close();
});

describe('Standard Webhooks signatures', () => {
  it('a delivery carries webhook-id, -timestamp and -signature that the standardwebhooks verifier accepts, and a tampered body it refuses', async () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'delegation.requested', data: { partner: { name: 'Fabrikam' } } });
    const at = new Date();
    const r = await local.post(`${base}/hook`, webhookHeaders(secret, 'msg_2Kq9', at, body), body);
    expect(r).toMatchObject({ ok: true, status: 204 });
    const got = received.at(-1)!;
    expect(got.headers['webhook-id']).toBe('msg_2Kq9');
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(got.headers['webhook-signature']).toMatch(/^v1,/);
    const hdrs = { 'webhook-id': String(got.headers['webhook-id']), 'webhook-timestamp': String(got.headers['webhook-timestamp']), 'webhook-signature': String(got.headers['webhook-signature']) };
    expect(new Webhook(secret).verify(got.body, hdrs)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(got.body.replace('Fabrikam', 'Contoso'), hdrs)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(got.body, hdrs)).toThrow();
  });

  it('a 500 is an answer, reported with its status, not a transport failure', async () => {
    expect(await local.post(`${base}/fail`, {}, '{}')).toMatchObject({ ok: true, status: 500, body: 'try again' });
  });
});

describe('no request to a private or reserved address (SSRF)', () => {
  it.each([
    ['8.8.8.8', false], ['1.1.1.1', false], ['172.32.0.1', false], ['2606:4700:4700::1111', false], ['::ffff:8.8.8.8', false],
    ['10.0.0.1', true], ['172.16.0.1', true], ['172.31.255.255', true], ['192.168.1.10', true], ['127.0.0.1', true], ['127.8.9.10', true],
    ['100.64.0.1', true], ['169.254.169.254', true], ['0.0.0.0', true], ['224.0.0.1', true], ['255.255.255.255', true], ['198.18.0.1', true],
    ['::1', true], ['::', true], ['fd00::1', true], ['fe80::1', true], ['ff02::1', true], ['::ffff:10.0.0.1', true], ['::ffff:7f00:1', true],
    ['64:ff9b::a00:1', true], ['2002:7f00:1::', true], ['not-an-address', true],
  ])('%s blocked: %s', (address, blocked) => {
    expect(isBlockedAddress(address)).toBe(blocked);
  });

  it('refuses private and loopback targets before connecting, and the receiver hears nothing', async () => {
    const port = (server.address() as AddressInfo).port;
    const before = received.length;
    for (const url of [`http://127.0.0.1:${port}/x`, `http://[::1]:${port}/x`, `http://[::ffff:127.0.0.1]:${port}/x`, `http://localhost:${port}/x`, 'http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/admin']) {
      expect(await guarded.post(url, {}, '{}'), url).toMatchObject({ ok: false, failure: 'address_not_allowed' });
    }
    expect(received.length).toBe(before);
  });

  it('refuses a host name whose DNS answer is private, in the connection\'s own lookup', async () => {
    const port = (server.address() as AddressInfo).port;
    const before = received.length;
    // this machine's own name passes the literal check; its address is only known from the lookup
    const name = hostname();
    const { address } = await lookup(name);
    expect(isBlockedAddress(address), `${name} → ${address}`).toBe(true);
    expect(refuseUrl(`http://${name}:${port}/x`, false)).toBeNull();
    expect(await guarded.post(`http://${name}:${port}/x`, {}, '{}')).toMatchObject({ ok: false, failure: 'address_not_allowed' });
    expect(received.length).toBe(before);
    // the same name is called when private targets are allowed (the guard, not the name, refused it)
    expect(await local.post(`http://${name}:${port}/hook`, {}, '{}')).toMatchObject({ ok: true, status: 204 });
  });

  it('refuses URLs that are not plain http(s) or that carry credentials', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'https://user:pw@example.com/hook', 'not a url']) {
      expect(await guarded.post(url, {}, '{}'), url).toMatchObject({ ok: false, failure: 'url_not_allowed' });
    }
  });

  it('the operator may allow private targets', async () => {
    expect(await local.post(`${base}/hook`, {}, '{}')).toMatchObject({ ok: true, status: 204 });
  });
});

describe('bounded calls', () => {
  it('a receiver that never answers is a timeout after the policy\'s limit', async () => {
    const quick = new OutboundClient({ allowPrivate: true, timeoutMs: 300, maxResponseBytes: 4096 });
    try {
      const r = await quick.post(`${base}/silent`, {}, '{}');
      expect(r).toMatchObject({ ok: false, failure: 'timeout' });
      expect(r.latencyMs).toBeGreaterThanOrEqual(250);
    } finally {
      await quick.close();
    }
  });

  it('reads at most the cap of an answer and says it was cut', async () => {
    const r = await local.post(`${base}/big`, {}, '{}');
    expect(r).toMatchObject({ ok: true, status: 200, truncated: true });
    if (r.ok) expect(r.body.length).toBe(4096);
  });
});
