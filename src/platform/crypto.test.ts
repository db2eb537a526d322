import { describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { HmacSha256Key, SecretHasher, pooledRandom, randomToken } from './crypto.ts';

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

describe('HmacSha256Key', () => {
  it('equals createHmac for short, 64-byte and long keys, string and Buffer messages', () => {
    for (const key of [Buffer.from('k'), Buffer.alloc(64, 7), Buffer.alloc(100, 9)]) {
      const mac = new HmacSha256Key(key);
      // the scratch-buffer path, astral characters, and a message too long for it (the fallback)
      for (const m of ['', 'v1\n123\nGET\n/v1/orders', 'é'.repeat(300), '😀/ü'.repeat(1000), 'x'.repeat(6000)]) {
        expect(mac.digest(m, 'base64url')).toBe(createHmac('sha256', key).update(m).digest('base64url'));
        expect(mac.digest(Buffer.from(m)).equals(createHmac('sha256', key).update(m).digest())).toBe(true);
      }
    }
  });

  it('keeps each digest its own: later calls, with this key or another, change no earlier result', () => {
    const a = new HmacSha256Key(Buffer.from('key a'));
    const b = new HmacSha256Key(Buffer.from('key b'));
    const first = a.digest('one');
    const copy = Buffer.from(first);
    b.digest('two');
    a.digest('three');
    expect(first.equals(copy)).toBe(true);
    expect(a.digest('one').equals(createHmac('sha256', 'key a').update('one').digest())).toBe(true);
  });
});

describe('pooledRandom', () => {
  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(pooledRandom(16).toString('hex'));
    expect(seen.size).toBe(5_000);
    const tokens = new Set(Array.from({ length: 2_000 }, () => randomToken(12)));
    expect(tokens.size).toBe(2_000);
  });
});
