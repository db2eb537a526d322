/**
 * KYC documents download under the name they were sent with, whatever its characters: the
 * Content-Disposition carries it as `filename*=UTF-8''…` (RFC 8187) with an ASCII `filename=`
 * beside it (RFC 6266), instead of a raw header Node refuses (a 500) or a quote that cuts it.
 */
import { parse } from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { PDF, PNG, kycBody, planWorld } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('downloading a KYC document', () => {
  it('a name with non-Latin-1 characters, a quote or a line break downloads (200) with filename* and an ASCII fallback, the bytes unchanged', async () => {
    const w = await planWorld(t);
    const files = [
      { filename: 'Ausweis-Jürgen-王.pdf', content_type: 'application/pdf', bytes: PDF },
      { filename: 'Vertrag "final" 2026.pdf', content_type: 'application/pdf', bytes: PDF },
      { filename: 'Scan\r\nSeite 2 – ÖRSTED.png', content_type: 'image/png', bytes: PNG },
    ];
    const k = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody({ documents: files.map((f) => ({ filename: f.filename, content_type: f.content_type, content_base64: f.bytes.toString('base64') })) }));
    expect(k.status, JSON.stringify(k.body)).toBe(201);
    const docs = k.body.documents as { id: string; filename: string }[];
    expect(docs.map((d) => d.filename)).toEqual(files.map((f) => f.filename));

    const download = (id: string) => t.app.inject({ method: 'GET', url: `/api/v1/partners/${w.wholesaler.id}/kyc-cases/${k.body.case.id}/documents/${id}`, headers: { cookie: w.owner.cookie ?? '' } });

    const jurgen = await download(docs[0].id);
    expect(jurgen.statusCode, jurgen.body).toBe(200);
    const header = String(jurgen.headers['content-disposition']);
    expect(header).toBe("attachment; filename=Ausweis-Jurgen-_.pdf; filename*=UTF-8''Ausweis-J%C3%BCrgen-%E7%8E%8B.pdf");
    expect(parse(header).parameters.filename).toBe('Ausweis-Jürgen-王.pdf');
    expect(jurgen.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(jurgen.rawPayload, PDF)).toBe(0);

    const quoted = await download(docs[1].id);
    expect(quoted.statusCode).toBe(200);
    expect(quoted.headers['content-disposition']).toBe('attachment; filename="Vertrag \\"final\\" 2026.pdf"');
    expect(parse(String(quoted.headers['content-disposition'])).parameters.filename).toBe('Vertrag "final" 2026.pdf');
    expect(Buffer.compare(quoted.rawPayload, PDF)).toBe(0);

    // the line break is no part of the name sent; the dash and Ö are, through filename*
    const scan = await download(docs[2].id);
    expect(scan.statusCode).toBe(200);
    const scanHeader = String(scan.headers['content-disposition']);
    expect(scanHeader).toMatch(/^attachment; filename="Scan__Seite 2 _ ORSTED\.png"; filename\*=UTF-8''/);
    expect(parse(scanHeader).parameters.filename).toBe('Scan__Seite 2 – ÖRSTED.png');
    expect(scan.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(scan.rawPayload, PNG)).toBe(0);
  });
});
