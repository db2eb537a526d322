import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateBody, newSpCredentials, selfSignedCertificate } from './sp-credentials.ts';

describe('SP credentials', () => {
  it('makes a self-signed certificate that Node parses and that verifies with its own key', async () => {
    const now = new Date('2026-11-26T07:00:00Z');
    const c = await newSpCredentials('sso.partnergate.example', now);
    const cert = new X509Certificate(c.certificatePem);
    expect(cert.subject).toBe('CN=sso.partnergate.example');
    expect(cert.issuer).toBe('CN=sso.partnergate.example');
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-11-26T07:00:00.000Z');
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2036);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(c.privateKeyPem))).toBe(true);
    expect(Buffer.from(certificateBody(c.certificatePem), 'base64').equals(cert.raw)).toBe(true);
  });

  it('writes dates from 2050 as GeneralizedTime', async () => {
    const c = await newSpCredentials('x', new Date('2049-06-01T00:00:00Z'), 400);
    const cert = new X509Certificate(c.certificatePem);
    expect(new Date(cert.validTo).toISOString()).toBe('2050-07-06T00:00:00.000Z');
    expect(() => selfSignedCertificate('not a key', 'x', new Date(), new Date())).toThrow();
    expect(createPublicKey(c.privateKeyPem).asymmetricKeyType).toBe('rsa');
  });
});
