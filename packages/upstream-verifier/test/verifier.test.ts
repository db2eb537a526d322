/**
 * @partnergate/upstream-verifier against a real gateway: a test app whose GATEWAY_ROUTES proxy to a real
 * HTTP upstream that trusts only what the package verifies. What the gateway sends passes, with the
 * identity it decided; the same request tampered with — another tenant, another path, another body, no
 * assertion, an old one — is refused.
 */
import http from 'node:http';
import type net from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { apiToken, gw, link } from '../../../test/api/gateway/helpers.ts';
import { formatUpstreamKey, identityHeaderValues, signAssertion, upstreamKeyFor, type GatewayIdentity } from '../../../src/modules/gateway/index.ts';
import { ASSERTION_HEADER, CONTENT_SHA256_HEADER, contentSha256, createVerifier, IDENTITY_HEADERS, verifyAssertion, type VerifyResult } from '../src/index.ts';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  result: VerifyResult;
}

/** A resource service written the way the package's README says. */
async function resourceService(key: () => string) {
  const received: Received[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const result = createVerifier({ key: key() })({ method: req.method!, url: req.url!, headers: req.headers, body });
    received.push({ method: req.method!, url: req.url!, headers: req.headers, body, result });
    res.setHeader('content-type', 'application/json');
    if (!result.ok) {
      res.statusCode = 401;
      res.end(JSON.stringify({ refused: result.reason }));
      return;
    }
    res.end(JSON.stringify({ tenant_id: result.identity.tenantId, user_id: result.identity.userId, partner_id: result.identity.partnerId, permission: result.identity.permission, body: body.toString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  /** Send a request straight to the service (what an attacker who got past the gateway could do). */
  const direct = async (method: string, target: string, headers: http.IncomingHttpHeaders, body?: Buffer | string) => {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection', 'transfer-encoding'].includes(k)) h[k] = v;
    const r = await fetch(url + target, { method, headers: h, body: body === undefined || body.length === 0 ? undefined : body });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  return { url, received, direct, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let t: TestApp;
let svc: Awaited<ReturnType<typeof resourceService>>;
let key = '';

beforeAll(async () => {
  svc = await resourceService(() => key);
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-verifier-'));
  const configFile = path.join(dir, 'partnergate.json');
  writeFileSync(configFile, JSON.stringify({
    GATEWAY_ROUTES: [{
      name: 'notes',
      prefix: '/resources/v1/notes',
      upstream: `${svc.url}/api`,
      tenant_scoped: true,
      rules: [
        { method: 'GET', path: '/items', permission: 'support.tickets.read', rate_class: 'read' },
        { method: 'POST', path: '/items', permission: 'support.tickets.create', rate_class: 'write' },
      ],
    }],
  }));
  t = await startTestApp({ config: { CONFIG_FILE: configFile } });
  // what `partnergate gateway upstream-key notes` prints
  key = formatUpstreamKey(upstreamKeyFor(t.services.config, 'notes'));
}, 60_000);
afterAll(async () => {
  await t?.close();
  await svc?.close();
});

async function mspCaller() {
  const p = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, p, tenant, { role: 'MSP_SUPPORT' });
  const token = await apiToken(t, p.staff);
  return { p, tenant, call: (method: string, url: string, body?: unknown) => gw(t, method, url, { token, headers: { 'x-active-tenant-id': tenant.id }, body }) };
}

describe('a resource service using @partnergate/upstream-verifier behind a real gateway', () => {
  it('accepts what the gateway sends and reads the identity the gateway decided', async () => {
    const w = await mspCaller();
    const got = await w.call('GET', '/resources/v1/notes/items?limit=5');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ tenant_id: w.tenant.id, user_id: w.p.staff.id, partner_id: w.p.id, permission: 'support.tickets.read', body: '' });
    const note = { text: 'Router replaced on site.' };
    const posted = await w.call('POST', '/resources/v1/notes/items', note);
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ permission: 'support.tickets.create', body: JSON.stringify(note) });
    expect(svc.received.at(-1)!.headers[CONTENT_SHA256_HEADER]).toBe(contentSha256(JSON.stringify(note)));
  });

  it('refuses the same request tampered with: another body, tenant, path or method, no assertion', async () => {
    const w = await mspCaller();
    const note = JSON.stringify({ text: 'Call back tomorrow.' });
    expect((await w.call('POST', '/resources/v1/notes/items', JSON.parse(note))).status).toBe(200);
    const captured = svc.received.at(-1)!;
    expect(captured.result.ok).toBe(true);
    // replayed as is (within the assertion's minute), it verifies — so each refusal below is the tampering's
    expect((await svc.direct('POST', captured.url, captured.headers, note)).status).toBe(200);

    const refused = async (method: string, target: string, headers: http.IncomingHttpHeaders, body?: string) => {
      const r = await svc.direct(method, target, headers, body);
      return [r.status, r.body.refused];
    };
    expect(await refused('POST', captured.url, captured.headers, JSON.stringify({ text: 'Cancel every order.' }))).toEqual([401, 'body_mismatch']);
    expect(await refused('POST', captured.url, { ...captured.headers, [IDENTITY_HEADERS.tenantId]: (await t.world.tenant()).id }, note)).toEqual([401, 'bad_signature']);
    expect(await refused('POST', '/api/items?all=true', captured.headers, note)).toEqual([401, 'bad_signature']);
    expect(await refused('PUT', captured.url, captured.headers, note)).toEqual([401, 'bad_signature']);
    const { [ASSERTION_HEADER]: _dropped, ...unsigned } = captured.headers;
    expect(await refused('POST', captured.url, unsigned, note)).toEqual([401, 'missing']);
    // a bodyless request's assertion does not carry a body
    await w.call('GET', '/resources/v1/notes/items');
    const get = svc.received.at(-1)!;
    expect((await svc.direct('GET', get.url, get.headers)).status).toBe(200);
    expect(await refused('POST', get.url, { ...get.headers }, note)).toEqual([401, 'bad_signature']);
  });

  it('refuses an assertion older than maxAgeSec, and one signed with another upstream’s key', async () => {
    const w = await mspCaller();
    await w.call('GET', '/resources/v1/notes/items');
    const got = svc.received.at(-1)!;
    const later = createVerifier({ key, now: () => Date.now() + 61_000 });
    expect(later({ method: got.method, url: got.url, headers: got.headers })).toEqual({ ok: false, reason: 'expired' });
    const other = createVerifier({ key: formatUpstreamKey(upstreamKeyFor(t.services.config, 'reference-resources')) });
    expect(other({ method: got.method, url: got.url, headers: got.headers })).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('the package and the gateway agree on the format', () => {
  it('verifies whatever the gateway signs, identity for identity', () => {
    const id = fc.option(fc.stringMatching(/^[a-z]{3}_[0-9a-z]{4,26}$/), { nil: null });
    const keyBuf = upstreamKeyFor(t.services.config, 'notes');
    fc.assert(
      fc.property(
        fc.record({
          requestId: fc.stringMatching(/^req_[A-Za-z0-9]{8,16}$/), partnerId: id, userId: id, clientId: id, tenantId: id, ban: id,
          bans: fc.option(fc.array(fc.stringMatching(/^ban_[0-9a-z]{6}$/), { maxLength: 3 }), { nil: null }), billTo: id, delegationId: id,
          scopes: fc.option(fc.array(fc.stringMatching(/^[a-z]+\.[a-z]+$/), { minLength: 1, maxLength: 3 }), { nil: null }), persona: id, permission: id,
        }),
        fc.constantFrom('GET', 'POST', 'PATCH'),
        fc.stringMatching(/^\/[a-z0-9/]{0,20}(\?[a-z]=[0-9])?$/),
        (identity, method, p) => {
          const now = 1_750_000_000_000;
          const headers = { ...identityHeaderValues(identity as GatewayIdentity), [ASSERTION_HEADER]: signAssertion(keyBuf, identity as GatewayIdentity, method, p, now) };
          const r = verifyAssertion(keyBuf, headers, method, p, now);
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.identity).toEqual({ ...identity, bans: identity.tenantId === null ? null : identity.bans });
        },
      ),
      { numRuns: 200 },
    );
  });
});
