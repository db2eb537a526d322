import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { buildApp } from '../../../src/app/build-app.ts';
import { createTestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('health and docs', () => {
  it('answers /healthz and /readyz', async () => {
    const c = t.client();
    expect((await c.get('/healthz')).status).toBe(200);
    expect((await c.get('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('/readyz is 503 when the database does not answer', async () => {
    const c = t.client();
    const original = t.services.db.ping;
    (t.services.db as { ping: () => Promise<boolean> }).ping = async () => false;
    try {
      const r = await c.get('/readyz');
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('service_unavailable');
    } finally {
      (t.services.db as { ping: () => Promise<boolean> }).ping = original;
    }
  });

  it('while the snapshots load (serve listens first): alive, not ready, and every other request 503', async () => {
    const testDb = await createTestDb();
    const app = await buildApp({ config: testConfig({}, testDb.dataDir), db: testDb.db, logger: false, deferStart: true });
    try {
      await app.ready();
      expect(app.startup.ready).toBe(false);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
      const readyz = await app.inject({ method: 'GET', url: '/readyz' });
      expect(readyz.statusCode).toBe(503);
      expect(readyz.headers['content-type']).toContain('application/problem+json');
      expect(readyz.headers['retry-after']).toBe('2');
      expect(readyz.json()).toMatchObject({ status: 503, code: 'service_unavailable', detail: expect.stringContaining('still loading') });
      // no answer from a half-built snapshot: an API route and the login are refused, not decided
      for (const url of ['/api/v1/me', '/api/v1/auth/login']) {
        const r = await app.inject({ method: url.endsWith('login') ? 'POST' : 'GET', url, payload: url.endsWith('login') ? { email: 'a@example.com', password: 'x' } : undefined });
        expect(r.statusCode, url).toBe(503);
        expect(r.json().code, url).toBe('service_unavailable');
      }
      await app.startup.start();
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
      expect((await app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    } finally {
      await app.close();
      await testDb.drop();
    }
  });

  it('publishes an OpenAPI 3.1 document with the API routes and a browsable reference', async () => {
    const c = t.client();
    const doc = (await c.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/tenants/{tenant_id}', '/api/v1/partners/{partner_id}/approve']));
    const docs = await c.get('/docs/');
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('Scalar.createApiReference');
    // the reader is served from this process, not a CDN
    expect(String(docs.body)).toContain('src="js/scalar.js"');
    expect((await c.get('/docs/js/scalar.js')).status).toBe(200);
  });
});
