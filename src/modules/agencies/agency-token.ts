/**
 * The agency embed token format: `pgagt_` + 43 base62 characters (256 random bits) + 6 base62
 * characters of CRC32 over the random part, e.g. `pgagt_3bX…Q9k0aZ1c`.
 *  - the prefix lets secret scanners (GitHub push protection, trufflehog, gitleaks) recognise a
 *    leaked token, as `ghp_` / `sk_live_` do, and lets us refuse it on routes it does not belong to
 *    without looking anything up;
 *  - the checksum lets a scanner (and our verifier) reject a typo or a random string offline,
 *    before any hashing (GitHub's token format does the same);
 *  - base62 keeps the token one double-clickable word.
 * Only SecretHasher.hash(token) is ever stored; `token_prefix` keeps the first 12 characters so
 * an admin can tell tokens apart in a list.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const AGENCY_TOKEN_PREFIX = 'pgagt_';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY = 43; // ceil(256 / log2(62))
const CHECK = 6; // ceil(32 / log2(62))
export const AGENCY_TOKEN_LENGTH = AGENCY_TOKEN_PREFIX.length + BODY + CHECK;
const SHAPE = new RegExp(`^${AGENCY_TOKEN_PREFIX}[0-9A-Za-z]{${BODY + CHECK}}$`);

function base62(n: bigint, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

function checksum(body: string): string {
  return base62(BigInt(crc32(body)), CHECK);
}

/** A token from 32 bytes of entropy (random by default). */
export function newAgencyToken(entropy: Buffer = randomBytes(32)): string {
  if (entropy.length < 32) throw new RangeError('an agency token needs 256 bits of entropy');
  const body = base62(BigInt('0x' + entropy.subarray(0, 32).toString('hex')), BODY);
  return AGENCY_TOKEN_PREFIX + body + checksum(body);
}

/** Right shape and checksum: worth hashing and looking up. */
export function isWellFormedAgencyToken(s: string): boolean {
  if (s.length !== AGENCY_TOKEN_LENGTH || !SHAPE.test(s)) return false;
  const body = s.slice(AGENCY_TOKEN_PREFIX.length, AGENCY_TOKEN_PREFIX.length + BODY);
  return s.slice(AGENCY_TOKEN_PREFIX.length + BODY) === checksum(body);
}

/** Looks like an agency token at all (any route can refuse it by its prefix alone). */
export function looksLikeAgencyToken(s: string): boolean {
  return s.startsWith(AGENCY_TOKEN_PREFIX);
}

export function agencyTokenDisplayPrefix(token: string): string {
  return token.slice(0, AGENCY_TOKEN_PREFIX.length + 6);
}

/**
 * The demo world's token for one tenant: derived from the installation secret (like
 * demoPassword), so `seed demo --json` can print it again while only its hash is stored.
 */
export function demoAgencyToken(secret: string, label: string): string {
  return newAgencyToken(createHmac('sha256', secret).update('demo-agency-token:' + label).digest());
}
