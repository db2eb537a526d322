/**
 * The signed gateway assertion: how an upstream knows the identity headers it receives were
 * set by the gateway and not by a client. The gateway strips every `x-partnergate-*` header a
 * client sent, sets the verified ones, and signs them together with the method, the path, the
 * body's SHA-256 and a timestamp: `x-partnergate-assertion: v1.<unix seconds>.<HMAC-SHA256,
 * base64url>`. Unsigned, forged, altered or stale (older than maxAgeSec) → rejected.
 *
 * Keys: one per upstream, HMAC-SHA256(GATEWAY_ASSERTION_SECRET, "partnergate:upstream-key:v1:" +
 * upstream name) — the reference service's name is `reference-resources`, an operator upstream's
 * its GATEWAY_ROUTES name. An upstream holds only its own key (`partnergate gateway upstream-key
 * <name>` prints it): it never needs the master secret, and it cannot forge requests to another
 * upstream. GATEWAY_ASSERTION_SECRET defaults to a value derived from SECRET_KEY.
 *
 * The body: `x-partnergate-content-sha256` carries the hex SHA-256 of the request body, and the
 * assertion signs it, so a captured request cannot be replayed with another body. No header and
 * an empty line in the signed text: the request had no body. `UNSIGNED-PAYLOAD` (AWS SigV4's
 * word for it): the signer did not see the body — a forward-auth check, where the proxy keeps the
 * body, unless the client sent an RFC 9530 `Content-Digest: sha-256=:…:`, which is then signed —
 * and the upstream decides whether it accepts unbound bodies.
 *
 * The signed text, one line each: `v1`, unix seconds, METHOD, path with query as the upstream
 * receives it, the 12 identity header values in IDENTITY_HEADERS order ('' when absent), then
 * the content SHA-256 line.
 *
 * HMAC rather than a JWS: one keyed hash per request on both sides (~2 µs), and the parties
 * share the key anyway. Pure: time is an argument.
 */
import { createHash, createHmac } from 'node:crypto';
import { HmacSha256Key } from '../../platform/crypto.ts';
// The upstream's side of the format — the headers, the identity, verification, the body check — lives in the
// package resource services use (packages/upstream-verifier), so there is one verifier; this file signs.
import {
  ASSERTION_HEADER,
  CONTENT_SHA256_HEADER,
  IDENTITY_HEADERS,
  UNSIGNED_PAYLOAD,
  contentSha256,
  verifyAssertionWith,
  type AssertionCheck,
  type GatewayIdentity,
} from '../../../packages/upstream-verifier/src/index.ts';

export { ASSERTION_HEADER, CONTENT_SHA256_HEADER, IDENTITY_HEADERS, UNSIGNED_PAYLOAD, checkBody, contentSha256, parseUpstreamKey } from '../../../packages/upstream-verifier/src/index.ts';
export type { AssertionCheck, BodyCheck, GatewayIdentity } from '../../../packages/upstream-verifier/src/index.ts';

export const IDENTITY_HEADER_PREFIX = 'x-partnergate-';

type Field = keyof typeof IDENTITY_HEADERS;
const FIELDS = Object.keys(IDENTITY_HEADERS) as Field[];

/** Header values of an identity (absent = null). `bans` is `*` for every account, `-` for none. */
export function identityHeaderValues(id: GatewayIdentity): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = encodeField(id, f);
    if (v !== '') out[IDENTITY_HEADERS[f]] = v;
  }
  return out;
}

function encodeField(id: GatewayIdentity, f: Field): string {
  switch (f) {
    case 'bans':
      return id.tenantId === null ? '' : id.bans === null ? '*' : id.bans.length === 0 ? '-' : id.bans.join(',');
    case 'scopes':
      return id.scopes === null ? '' : id.scopes.join(' ');
    default:
      return (id[f] as string | null) ?? '';
  }
}

/** A key from a secret (a single key for all parties: tests and the legacy setup; see deriveUpstreamKey). */
export function deriveAssertionKey(masterSecret: string): Buffer {
  return createHash('sha256').update('partnergate:gateway-assertion:' + masterSecret).digest();
}

/** GATEWAY_ASSERTION_SECRET's default: derived from the master secret (never the secret itself). */
export function defaultAssertionSecret(masterSecret: string): string {
  return deriveAssertionKey(masterSecret).toString('base64url');
}

/** One upstream's key, from the assertion secret and the upstream's name. */
export function deriveUpstreamKey(assertionSecret: string, upstreamName: string): Buffer {
  return createHmac('sha256', assertionSecret).update('partnergate:upstream-key:v1:' + upstreamName).digest();
}

/** The printed form of an upstream key (base64url, 43 characters); parseUpstreamKey reads it back. */
export function formatUpstreamKey(key: Buffer): string {
  return key.toString('base64url');
}

/**
 * The body digest a client declared with RFC 9530 `Content-Digest: sha-256=:<base64>:`, as hex;
 * null when it sent none, or none with sha-256. A forward-auth check signs it; the upstream then
 * holds the body to it.
 */
export function declaredContentSha256(headers: Record<string, string | string[] | undefined>): string | null {
  const h = headers['content-digest'];
  if (typeof h !== 'string') return null;
  const m = /(?:^|,)\s*sha-256\s*=\s*:([A-Za-z0-9+/]{43}=):/i.exec(h);
  return m ? Buffer.from(m[1], 'base64').toString('hex') : null;
}

// The key's padded forms, computed once per key (the gateway and the upstream each hold one).
const macs = new WeakMap<Buffer, HmacSha256Key>();
function macFor(key: Buffer): HmacSha256Key {
  let m = macs.get(key);
  if (!m) macs.set(key, (m = new HmacSha256Key(key)));
  return m;
}

function canonical(ts: number, method: string, path: string, values: (f: Field) => string, content: string): string {
  let s = `v1\n${ts}\n${method.toUpperCase()}\n${path}`;
  for (const f of FIELDS) s += '\n' + values(f);
  return s + '\n' + content;
}

/**
 * Sign an identity for one request (`path` includes the query string, as the upstream sees it).
 * `content`: the x-partnergate-content-sha256 value sent with it ('' or omitted = no body).
 */
export function signAssertion(key: Buffer, id: GatewayIdentity, method: string, path: string, nowMs: number, content = ''): string {
  const ts = Math.floor(nowMs / 1000);
  const mac = macFor(key).digest(canonical(ts, method, path, (f) => encodeField(id, f), content), 'base64url');
  return `v1.${ts}.${mac}`;
}

/**
 * What an identity contributes to a request beyond its request id: the signed text of the other
 * 11 fields (each on its own line, in IDENTITY_HEADERS order) and their header name/value pairs.
 * The same for every request of a caller with the same access, so the gateway keeps it with the
 * admission it reuses (gateway.service.ts).
 */
export interface IdentityParts {
  /** '\n' + partner id + '\n' + user id + … + '\n' + permission ('' for an absent field) */
  block: string;
  /** the non-empty fields as a flat header list: name, value, name, value, … */
  pairs: string[];
  /** a forward-auth answer's headers for these parts, built on its first use (see forwardAuthHeaders) */
  answer?: { headers: readonly string[]; tail: string };
}

export function identityParts(id: Omit<GatewayIdentity, 'requestId'>): IdentityParts {
  const pairs: string[] = [];
  const bans = id.tenantId === null ? '' : id.bans === null ? '*' : id.bans.length === 0 ? '-' : id.bans.length === 1 ? id.bans[0] : id.bans.join(',');
  const scopes = id.scopes === null ? '' : id.scopes.join(' ');
  // The fields written out in IDENTITY_HEADERS order (the signing order).
  const block =
    '\n' + put(pairs, 'x-partnergate-partner-id', id.partnerId) +
    '\n' + put(pairs, 'x-partnergate-user-id', id.userId) +
    '\n' + put(pairs, 'x-partnergate-client-id', id.clientId) +
    '\n' + put(pairs, 'x-partnergate-tenant-id', id.tenantId) +
    '\n' + put(pairs, 'x-partnergate-ban', id.ban) +
    '\n' + put(pairs, 'x-partnergate-bans', bans) +
    '\n' + put(pairs, 'x-partnergate-bill-to', id.billTo) +
    '\n' + put(pairs, 'x-partnergate-delegation-id', id.delegationId) +
    '\n' + put(pairs, 'x-partnergate-scopes', scopes) +
    '\n' + put(pairs, 'x-partnergate-persona', id.persona) +
    '\n' + put(pairs, 'x-partnergate-permission', id.permission);
  return { block, pairs };
}

/**
 * The identity headers and their assertion (the gateway's per-request path): appended to `out` —
 * a flat header list (name, value, name, value, …) as undici takes it — together with
 * `x-partnergate-assertion`. Same bytes as identityHeaderValues() + signAssertion().
 *
 * `body`: the request body (a Buffer; null or empty = none), or the hex SHA-256 the client
 * declared (forward-auth), or undefined when the caller does not see the body — then the
 * assertion says UNSIGNED-PAYLOAD. Without a body nothing is hashed and nothing allocated.
 */
export function appendSignedIdentity(out: string[], key: Buffer, id: GatewayIdentity, method: string, path: string, nowMs: number, body?: Buffer | string | null): void {
  appendSigned(out, key, id.requestId, identityParts(id), method, path, nowMs, body);
}

/** appendSignedIdentity() with the identity's parts already known (the same bytes). */
export function appendSigned(out: string[], key: Buffer, requestId: string, parts: IdentityParts, method: string, path: string, nowMs: number, body?: Buffer | string | null): void {
  const ts = Math.floor(nowMs / 1000);
  const s = 'v1\n' + ts + '\n' + method.toUpperCase() + '\n' + path + '\n' + put(out, 'x-partnergate-request-id', requestId) + parts.block;
  const p = parts.pairs;
  for (let i = 0; i < p.length; i++) out.push(p[i]);
  let content = '';
  if (body === undefined) content = UNSIGNED_PAYLOAD;
  else if (body !== null && body.length > 0) content = typeof body === 'string' ? body : contentSha256(body);
  if (content !== '') out.push(CONTENT_SHA256_HEADER, content);
  out.push(ASSERTION_HEADER, `v1.${ts}.${macFor(key).digest(s + '\n' + content, 'base64url')}`);
}

// the unix seconds of the last assertion and their text (a second holds thousands of answers)
let lastTs = -1;
let lastTsText = '';

/**
 * A forward-auth answer's signed headers, as a new flat list: x-request-id, then what
 * appendSigned() appends for an unseen body (UNSIGNED-PAYLOAD) — the same bytes. Everything of
 * the identity (its header names and values, its signed lines) is joined once per parts — per
 * kept admission, which the snapshot version and the token's live state invalidate
 * (steps/decision.ts, steps/identity.ts) — so a request costs a copy of that list, its request
 * id, and the keyed hash of its own facts (time, method, URI, request id) with that text.
 */
export function forwardAuthHeaders(key: Buffer, requestId: string, parts: IdentityParts, method: string, uri: string, nowMs: number): string[] {
  let a = parts.answer;
  if (a === undefined) {
    const headers = ['x-request-id', '', 'x-partnergate-request-id', ''];
    for (let i = 0; i < parts.pairs.length; i++) headers.push(parts.pairs[i]);
    headers.push(CONTENT_SHA256_HEADER, UNSIGNED_PAYLOAD, ASSERTION_HEADER, '');
    a = parts.answer = { headers, tail: parts.block + '\n' + UNSIGNED_PAYLOAD };
  }
  const ts = Math.floor(nowMs / 1000);
  if (ts !== lastTs) {
    lastTs = ts;
    lastTsText = String(ts);
  }
  const out = a.headers.slice();
  out[1] = requestId;
  out[3] = requestId;
  const s = 'v1\n' + lastTsText + '\n' + method.toUpperCase() + '\n' + uri + '\n' + requestId + a.tail;
  out[out.length - 1] = 'v1.' + lastTsText + '.' + macFor(key).digest(s, 'base64url');
  return out;
}

/** appendSignedIdentity() into a header object (a forward-auth answer, tests). */
export function writeSignedIdentity(
  into: Record<string, string | string[]>,
  key: Buffer,
  id: GatewayIdentity,
  method: string,
  path: string,
  nowMs: number,
  body?: Buffer | string | null,
): void {
  const list: string[] = [];
  appendSignedIdentity(list, key, id, method, path, nowMs, body);
  for (let i = 0; i < list.length; i += 2) into[list[i]] = list[i + 1];
}

/** Append a header when it has a value; the value ('' for none) is what the assertion signs. */
function put(out: string[], name: string, v: string | null): string {
  if (v === null || v === '') return '';
  out.push(name, v);
  return v;
}

/** Verify the assertion and the identity headers of an incoming request (the upstream side), with this key's precomputed MAC. */
export function verifyAssertion(
  key: Buffer,
  headers: Record<string, string | string[] | undefined>,
  method: string,
  path: string,
  nowMs: number,
  maxAgeSec = 60,
): AssertionCheck {
  return verifyAssertionWith((text) => macFor(key).digest(text), headers, method, path, nowMs, maxAgeSec);
}
