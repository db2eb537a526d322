/**
 * Voucher codes people read aloud and type: `VCH-` and three groups of four Crockford base32
 * characters (60 random bits; no I, L, O or U). Lookups forgive case, spaces, missing dashes and
 * the usual misreadings (O→0, I/L→1), so a code typed from paper still matches.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY_LENGTH = 12;

export function newVoucherCode(): string {
  const bytes = randomBytes(BODY_LENGTH);
  let body = '';
  for (const b of bytes) body += ALPHABET[b & 31];
  return `VCH-${body.slice(0, 4)}-${body.slice(4, 8)}-${body.slice(8, 12)}`;
}

/** The canonical form of a typed code, or null when it cannot be one. */
export function normalizeVoucherCode(input: string): string | null {
  let s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.startsWith('VCH')) s = s.slice(3);
  s = s.replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== BODY_LENGTH) return null;
  for (const c of s) if (!ALPHABET.includes(c)) return null;
  return `VCH-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}
