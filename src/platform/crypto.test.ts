import { describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { SecretHasher } from './crypto.ts';

describe('SecretHasher', () => {
  it('computes exactly HMAC-SHA256 under the derived key, so stored hashes stay valid', () => {
    const master = 'test-master-secret-0123456789-abcdefghij';
    const key = createHash('sha256').update('partnergate:secret-hash:' + master).digest();
    const hasher = new SecretHasher(master);
    for (const secret of ['', 'pgagt_abc', 'pgpat_' + 'x'.repeat(200), 'ünïcødé ✓ secret']) {
      expect(hasher.hash(secret)).toBe(createHmac('sha256', key).update(secret).digest('hex'));
    }
  });

  it('gives different hashes for different secrets and different master secrets', () => {
    const a = new SecretHasher('master-one-0123456789-0123456789-abc');
    const b = new SecretHasher('master-two-0123456789-0123456789-abc');
    expect(a.hash('s1')).not.toBe(a.hash('s2'));
    expect(a.hash('s1')).not.toBe(b.hash('s1'));
  });
});
