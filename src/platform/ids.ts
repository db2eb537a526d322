/**
 * Partnergate ids: a type prefix, `_`, and 26 characters (`tnt_01jd9x0a8q4m7w2k3v5b6c8d9e`).
 *
 * The format is Partnergate's own. It looks like a TypeID or a ULID but is neither, and their tools
 * cannot decode it:
 *   - the 128 bits are 48 bits of Unix time in milliseconds (big-endian), then 80 random bits;
 *   - they are written most significant bit first in Crockford's base32, lowercase
 *     (`0123456789abcdefghjkmnpqrstvwxyz`), five bits a character: 25 full characters and a 26th
 *     holding the last 3 bits followed by 2 zero bits.
 * ULID and TypeID put their 2 spare bits at the front instead (their first character is 0-7), and
 * TypeID's 128 bits are a UUIDv7 (version and variant bits inside the random part), so a ULID or
 * TypeID parser reads another time and another random part from these ids. `idTime()` decodes ours.
 *
 * Why not switch to TypeID: ids order the lists (`order by id desc` is "newest first", the authz
 * snapshot pages by `id > after`). TypeID's leading spare bits would make every new id sort before
 * every id already stored (for today's times its second character is `1`, ours `6`), so an existing
 * installation's lists would put all new records after all old ones. Time order is what this format
 * guarantees, to the millisecond; within one millisecond the order is random.
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
  domainEvent: 'msg',
  webhookEndpoint: 'whk',
  webhookDelivery: 'whd',
  notification: 'ntf',
  mail: 'mail',
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

/** The creation time written in an id (milliseconds since the epoch), or null when `id` is not one. */
export function idTime(id: string): number | null {
  const body = id.slice(id.lastIndexOf('_') + 1);
  if (!ID_BODY.test(body)) return null;
  // the first 48 bits: 9 characters hold 45 of them, the 10th character's top 3 the rest
  let ms = 0;
  for (let i = 0; i < 9; i++) ms = ms * 32 + ALPHABET.indexOf(body[i]);
  return ms * 8 + (ALPHABET.indexOf(body[9]) >> 2);
}

/** True when `id` has the given prefix and a well-formed body. */
export function isId(id: string, prefix: string): boolean {
  return id.startsWith(prefix + '_') && ID_BODY.test(id.slice(prefix.length + 1));
}

/** JSON-schema pattern for an id of one type (used in route params). */
export function idPattern(prefix: string): string {
  return `^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`;
}
