/**
 * Type-prefixed, time-sortable identifiers (`tnt_01j...`), in the spirit of TypeID/ULID:
 * 48 bits of milliseconds then 80 random bits, Crockford base32, lowercase.
 */
import { pooledRandom } from './crypto.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export const ID_PREFIXES = {
  user: 'usr',
  tenant: 'tnt',
  billingAccount: 'ban',
  partner: 'ptr',
  apiToken: 'pat',
  invitation: 'inv',
  audit: 'evt',
  delegation: 'dlg',
  app: 'app',
  agency: 'agy',
  agencyToken: 'agt',
  order: 'ord',
  request: 'req',
} as const;

export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES];

function encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function newId(prefix: IdPrefix | string, now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  let t = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes.set(pooledRandom(10), 6);
  return `${prefix}_${encode(bytes)}`;
}

const ID_BODY = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** True when `id` has the given prefix and a well-formed body. */
export function isId(id: string, prefix: string): boolean {
  return id.startsWith(prefix + '_') && ID_BODY.test(id.slice(prefix.length + 1));
}

/** JSON-schema pattern for an id of one type (used in route params). */
export function idPattern(prefix: string): string {
  return `^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`;
}
