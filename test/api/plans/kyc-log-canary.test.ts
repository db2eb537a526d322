/**
 * KYC details and documents never reach the logs: a canary. The app logs at trace level into
 * memory while a customer submits KYC (accepted, refused for size, type and schema), a reviewer
 * reads the case and downloads the file; the distinctive values (and the file's base64) must not
 * appear in any line.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOAuthApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { kycBody, planWorld } from './helpers.ts';

const lines: string[] = [];
let t: OAuthTestApp;
beforeAll(async () => {
  t = await startOAuthApp({ logger: { level: 'trace', stream: { write: (line: string) => lines.push(line) } } });
});
afterAll(async () => {
  await t?.close();
});

it('never logs KYC details or document contents', async () => {
  const NAME = 'Zorblax Quintessa Vandermeer';
  const ID = 'CANARY-ID-7Q4X9Z';
  const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`canary-file-${ID}-`.repeat(40))]);
  const b64 = file.toString('base64');
  const w = await planWorld(t as never);
  const url = `/api/v1/tenants/${w.customer.id}/kyc`;
  const details = { full_name: NAME, id_number: ID, country: 'FR' };
  const doc = { filename: 'identity.pdf', content_type: 'application/pdf', content_base64: b64 };

  // refused: schema (an unknown field holding the canary), wrong type, too large
  expect((await w.customerAdmin.post(url, kycBody({ kind: 'individual', details: { ...details, secret_note: NAME } }))).status).toBe(400);
  expect((await w.customerAdmin.post(url, kycBody({ kind: 'individual', details: { ...details, country: NAME } }))).status).toBe(400);
  expect((await w.customerAdmin.post(url, kycBody({ kind: 'individual', details, documents: [{ ...doc, content_type: 'image/png' }] }))).status).toBe(415);
  const big = Buffer.concat([file, Buffer.alloc(1024 * 1024)]).toString('base64');
  expect((await w.customerAdmin.post(url, kycBody({ kind: 'individual', details, documents: [{ ...doc, content_base64: big }] }))).status).toBe(413);
  // accepted, read and downloaded by the reviewer
  const k = await w.customerAdmin.post(url, kycBody({ kind: 'individual', details, documents: [doc] }));
  expect(k.status).toBe(201);
  const base = `/api/v1/partners/${w.wholesaler.id}/kyc-cases/${k.body.case.id}`;
  expect((await w.owner.get(base)).body.details.full_name).toBe(NAME);
  const dl = await t.app.inject({ method: 'GET', url: `${base}/documents/${k.body.documents[0].id}`, headers: { cookie: w.owner.cookie ?? '' } });
  expect(dl.rawPayload.includes(Buffer.from(ID))).toBe(true);
  await w.owner.post(`${base}/review`, { decision: 'reject', reason: 'Please send a clearer scan.' });

  expect(lines.length).toBeGreaterThan(20);
  const all = lines.join('\n');
  for (const canary of [NAME, ID, b64.slice(0, 40), b64.slice(400, 440), 'Zorblax']) expect(all).not.toContain(canary);
});
