/**
 * Password hashing (scrypt), opaque secrets with readable prefixes, keyed hashes
 * for high-entropy secrets, and envelope encryption for keys at rest.
 */
import { scrypt, randomBytes, randomFillSync, timingSafeEqual, createHash, createHmac, hash as oneShotHash, createCipheriv, createDecipheriv } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

// OWASP 2023 minimum for scrypt: N=2^17, r=8, p=1. The cost is a setting (SCRYPT_COST) only so
// that test suites can lower it; the parameters are stored with each hash, so a change of the
// setting never breaks existing passwords.
const MAXMEM = 256 * 1024 * 1024;
const KEYLEN = 32;
export const DEFAULT_SCRYPT_COST = 17;

export async function hashPassword(password: string, log2N: number = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** log2N;
  const hash = await scryptAsync(password.normalize('NFKC'), salt, KEYLEN, { N, r: 8, p: 1, maxmem: MAXMEM });
  return `scrypt$${N}$8$1$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, hashB64] = parts;
  const expected = Buffer.from(hashB64, 'base64url');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(saltB64, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to spend the same time on unknown users as on known ones (login timing). */
const dummyHashes = new Map<number, Promise<string>>();
export function dummyPasswordHash(log2N: number = DEFAULT_SCRYPT_COST): Promise<string> {
  let h = dummyHashes.get(log2N);
  if (!h) dummyHashes.set(log2N, (h = hashPassword(randomBytes(16).toString('hex'), log2N)));
  return h;
}

export function sha256(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

export function hmacSha256(key: string | Buffer, input: string): string {
  return createHmac('sha256', key).update(input).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * An opaque secret: `<prefix>_<43 chars of base64url>` (256 bits). The prefix makes a
 * leaked secret recognisable by secret scanners (like `ghp_`, `sk_live_`).
 */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${pooledRandom(bytes).toString('base64url')}`;
}

export function randomToken(bytes = 32): string {
  return pooledRandom(bytes).toString('base64url');
}

// Request ids, record ids and secrets are made on every request; one CSPRNG call per 4 KiB
// instead of one per value (what crypto.randomUUID does internally). The bytes are the same
// CSPRNG output, each handed out once.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

/**
 * `n` fresh random bytes from the pool. The view is only valid until the next call: copy it or
 * consume it at once (toString, set) — every caller in this codebase does.
 */
export function pooledRandom(n: number): Buffer {
  if (n > 256) return randomBytes(n);
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

/** AES-256-GCM with a key derived from the master secret; output is `v1.<iv>.<tag>.<ciphertext>`. */
export function encryptWithSecret(secret: string, plaintext: string): string {
  const key = createHash('sha256').update('partnergate:kek:' + secret).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

export function decryptWithSecret(secret: string, payload: string): string {
  const [v, iv, tag, ct] = payload.split('.');
  if (v !== 'v1') throw new Error('unknown encryption version');
  const key = createHash('sha256').update('partnergate:kek:' + secret).digest();
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * Hashes high-entropy secrets (API tokens, client secrets, agency tokens, invitation tokens)
 * with HMAC-SHA256 under a key derived from the master secret: one fast keyed hash, constant
 * cost per request (a slow password hash buys nothing for 256-bit random values), and a stolen
 * database alone does not allow an offline check of a guessed token.
 */
/**
 * HMAC-SHA256 (RFC 2104) under a fixed key, computed as H((K ^ opad) || H((K ^ ipad) || m)) with
 * the padded keys precomputed: two one-shot hashes instead of an Hmac object (and a KeyObject)
 * per call. Used on every request by agency-token and client-secret checks and the gateway's
 * signed assertion; the output is exactly createHmac's (crypto.test.ts checks it).
 */
export class HmacSha256Key {
  readonly #ipad: Buffer;
  /** opad || inner digest: the outer hash's whole input, rewritten per call */
  readonly #outer: Buffer;
  constructor(key: Buffer) {
    const k = key.length > 64 ? createHash('sha256').update(key).digest() : key;
    this.#ipad = Buffer.alloc(64, 0x36);
    this.#outer = Buffer.alloc(96, 0x5c);
    for (let i = 0; i < k.length; i++) {
      this.#ipad[i] ^= k[i];
      this.#outer[i] ^= k[i];
    }
  }
  digest(data: string | Buffer): Buffer;
  digest(data: string | Buffer, encoding: 'hex' | 'base64url'): string;
  digest(data: string | Buffer, encoding?: 'hex' | 'base64url'): Buffer | string {
    let inner: Buffer;
    // A string that surely fits (UTF-8 takes at most 3 bytes per UTF-16 unit) is encoded
    // straight behind the ipad in one shared scratch buffer: no allocation but the digest.
    // Safe to share: hash() is synchronous.
    if (typeof data === 'string' && data.length * 3 <= SCRATCH_BYTES - 64) {
      SCRATCH.set(this.#ipad, 0);
      const n = SCRATCH.write(data, 64, 'utf8');
      inner = oneShotHash('sha256', SCRATCH.subarray(0, 64 + n), 'buffer');
    } else {
      const msg = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      inner = oneShotHash('sha256', Buffer.concat([this.#ipad, msg]), 'buffer');
    }
    inner.copy(this.#outer, 64);
    return encoding ? oneShotHash('sha256', this.#outer, encoding) : oneShotHash('sha256', this.#outer, 'buffer');
  }
}

const SCRATCH_BYTES = 16 * 1024;
const SCRATCH = Buffer.alloc(SCRATCH_BYTES);

export class SecretHasher {
  readonly #mac: HmacSha256Key;
  constructor(masterSecret: string) {
    this.#mac = new HmacSha256Key(createHash('sha256').update('partnergate:secret-hash:' + masterSecret).digest());
  }
  hash(secret: string): string {
    return this.#mac.digest(secret, 'hex');
  }
}
