/**
 * Password hashing (scrypt), opaque secrets with readable prefixes, keyed hashes
 * for high-entropy secrets, and envelope encryption for keys at rest.
 */
import { scrypt, randomBytes, timingSafeEqual, createHash, createHmac, hash as oneShotHash, createCipheriv, createDecipheriv } from 'node:crypto';
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
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
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
export class SecretHasher {
  // HMAC-SHA256 (RFC 2104) computed as H((K ^ opad) || H((K ^ ipad) || m)) with the padded keys
  // precomputed: two one-shot hashes instead of an Hmac object per call. This runs on every
  // agency-token and client-secret check, where it halves the cost; the output is exactly
  // createHmac('sha256', key).update(m).digest('hex') (checked by crypto.test.ts).
  readonly #ipad: Buffer;
  readonly #opad: Buffer;
  constructor(masterSecret: string) {
    const key = createHash('sha256').update('partnergate:secret-hash:' + masterSecret).digest();
    this.#ipad = Buffer.alloc(64, 0x36);
    this.#opad = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.#ipad[i] ^= key[i];
      this.#opad[i] ^= key[i];
    }
  }
  hash(secret: string): string {
    const inner = oneShotHash('sha256', Buffer.concat([this.#ipad, Buffer.from(secret, 'utf8')]), 'buffer');
    return oneShotHash('sha256', Buffer.concat([this.#opad, inner]), 'hex');
  }
}
