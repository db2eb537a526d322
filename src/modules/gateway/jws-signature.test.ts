import { constants, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkJwsSignature, p1363ToDer } from './jws-signature.ts';

describe('JWS signature check', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('reads ES256 r || s exactly as node:crypto does with ieee-p1363, leading zeros and high bits included', () => {
    let zeros = 0;
    let high = 0;
    for (let i = 0; i < 600; i++) {
      const input = `header.payload-${i}`;
      const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      if (sig[0] === 0 || sig[32] === 0) zeros++;
      if (sig[0] & 0x80 || sig[32] & 0x80) high++;
      expect(checkJwsSignature('ES256', publicKey, input, sig)).toBe(true);
      expect(checkJwsSignature('ES256', publicKey, input + 'x', sig)).toBe(false);
      // and the DER form is the one OpenSSL itself would write
      expect(verify('sha256', Buffer.from(input), publicKey, p1363ToDer(sig))).toBe(true);
    }
    expect(zeros).toBeGreaterThan(0); // ~1 in 128 signatures has a leading zero byte
    expect(high).toBeGreaterThan(200);
  });

  it('treats garbage, a wrong size, all zeros and a key of another type as invalid, never as an error', () => {
    const input = 'a.b';
    expect(checkJwsSignature('ES256', publicKey, input, randomBytes(64))).toBe(false);
    expect(checkJwsSignature('ES256', publicKey, input, Buffer.alloc(64))).toBe(false);
    expect(checkJwsSignature('ES256', publicKey, input, randomBytes(72))).toBe(false);
    const ed = generateKeyPairSync('ed25519');
    const edSig = sign(null, Buffer.from(input), ed.privateKey);
    expect(checkJwsSignature('EdDSA', ed.publicKey, input, edSig)).toBe(true);
    expect(checkJwsSignature('EdDSA', publicKey, input, edSig)).toBe(false);
    expect(checkJwsSignature('ES256', ed.publicKey, input, edSig)).toBe(false);
  });

  it('checks RS256 (RSASSA-PKCS1-v1_5, SHA-256) with an RSA key only', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = 'header.payload';
    const sig = sign('sha256', Buffer.from(input), rsa.privateKey);
    expect(sig.length).toBe(256);
    expect(checkJwsSignature('RS256', rsa.publicKey, input, sig)).toBe(true);
    expect(checkJwsSignature('RS256', rsa.publicKey, input + 'x', sig)).toBe(false);
    expect(checkJwsSignature('RS256', rsa.publicKey, input, randomBytes(256))).toBe(false);
    expect(checkJwsSignature('RS256', rsa.publicKey, input, sig.subarray(0, 255))).toBe(false);
    // a PS256 signature by the same key is not an RS256 one
    const pss = sign('sha256', Buffer.from(input), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING });
    expect(checkJwsSignature('RS256', rsa.publicKey, input, pss)).toBe(false);
    // the algorithm and the key type must agree, either way round
    expect(checkJwsSignature('RS256', publicKey, input, sig)).toBe(false);
    expect(checkJwsSignature('ES256', rsa.publicKey, input, sig)).toBe(false);
    expect(checkJwsSignature('EdDSA', rsa.publicKey, input, sig)).toBe(false);
  });
});
