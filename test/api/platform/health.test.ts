import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

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
