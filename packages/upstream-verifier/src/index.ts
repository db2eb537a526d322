/**
 * @partnergate/upstream-verifier — the resource service's side of the Partnergate gateway assertion.
 *
 * The gateway strips every `x-partnergate-*` header a client sent, sets the verified identity headers,
 * and signs them with the method, the path (with its query, as the upstream receives it), a timestamp and
 * the body's SHA-256:
 *
 *   x-partnergate-assertion:      v1.<unix seconds>.<HMAC-SHA256, base64url>
 *   x-partnergate-content-sha256: <hex SHA-256 of the body> | UNSIGNED-PAYLOAD   (absent: no body)
 *
 * The signed text, one line each: `v1`, the unix seconds, the METHOD, the path, the 12 identity header
 * values in IDENTITY_HEADERS order ('' when absent), then the content line. The key is the upstream's
 * own: `partnergate gateway upstream-key <name>` prints it (43 base64url characters).
 *
 * No dependencies: node:crypto only.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Every identity header, in the order they are signed. */
export const IDENTITY_HEADERS = {
  requestId: 'x-partnergate-request-id',
  partnerId: 'x-partnergate-partner-id',
  userId: 'x-partnergate-user-id',
  clientId: 'x-partnergate-client-id',
  tenantId: 'x-partnergate-tenant-id',
  ban: 'x-partnergate-ban',
  bans: 'x-partnergate-bans',
  billTo: 'x-partnergate-bill-to',
  delegationId: 'x-partnergate-delegation-id',
  scopes: 'x-partnergate-scopes',
  persona: 'x-partnergate-persona',
  permission: 'x-partnergate-permission',
} as const;

export const ASSERTION_HEADER = 'x-partnergate-assertion';
export const CONTENT_SHA256_HEADER = 'x-partnergate-content-sha256';
/** The signer did not see the body (a forward-auth check whose client sent no Content-Digest). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

type Field = keyof typeof IDENTITY_HEADERS;
const FIELDS = Object.keys(IDENTITY_HEADERS) as Field[];
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ASSERTION = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** Who the gateway admitted, and on what terms. */
export interface GatewayIdentity {
  requestId: string;
  /** the partner organization acting */
  partnerId: string | null;
  /** the acting user (a person, or the user behind an app token) */
  userId: string | null;
  /** the acting partner app (OAuth client), when an app acts */
  clientId: string | null;
  /** the customer tenant acted upon */
  tenantId: string | null;
  /** the billing account the request names, when it names one */
  ban: string | null;
  /** billing account ids the access covers; null = every account of the tenant */
  bans: readonly string[] | null;
  /** the billing account charged for what the request orders (a wholesaler's: its own) */
  billTo: string | null;
  /** the delegation that authorizes the access */
  delegationId: string | null;
  scopes: readonly string[] | null;
  persona: string | null;
  /** the permission the route needed and the decision granted */
  permission: string | null;
}

export type Headers = Record<string, string | string[] | undefined>;

export type AssertionCheck =
  | { ok: true; identity: GatewayIdentity; /** the hex SHA-256 the body must have; '' = no body; UNSIGNED-PAYLOAD */ content: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' };

export type BodyCheck = null | 'body_mismatch' | 'body_unsigned';

/** An upstream key as `partnergate gateway upstream-key <name>` prints it (43 base64url characters). */
export function parseUpstreamKey(text: string): Buffer {
  const t = text.trim();
  if (!/^[A-Za-z0-9_-]{43}$/.test(t)) throw new Error('an upstream key is 43 base64url characters (partnergate gateway upstream-key <name>)');
  return Buffer.from(t, 'base64url');
}

/** The hex SHA-256 of a body, as x-partnergate-content-sha256 carries it. */
export function contentSha256(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Verify the assertion and the identity headers of a request. `path` is the request target as this
 * service received it (path and query, e.g. Node's `req.url`). A timestamp more than `maxAgeSec` away
 * from `nowMs` is refused as expired.
 */
export function verifyAssertion(key: Buffer, headers: Headers, method: string, path: string, nowMs: number = Date.now(), maxAgeSec = 60): AssertionCheck {
  return verifyAssertionWith((text) => createHmac('sha256', key).update(text).digest(), headers, method, path, nowMs, maxAgeSec);
}

/** verifyAssertion() with the HMAC-SHA256 of the key given as a function (a precomputed key schedule). */
export function verifyAssertionWith(hmac: (text: string) => Buffer, headers: Headers, method: string, path: string, nowMs: number, maxAgeSec = 60): AssertionCheck {
  const a = headers[ASSERTION_HEADER];
  if (a === undefined) return { ok: false, reason: 'missing' };
  if (typeof a !== 'string') return { ok: false, reason: 'malformed' };
  const m = ASSERTION.exec(a);
  if (!m) return { ok: false, reason: 'malformed' };
  const ts = Number(m[1]);
  const raw = {} as Record<Field, string>;
  for (const f of FIELDS) {
    const v = headers[IDENTITY_HEADERS[f]];
    if (Array.isArray(v)) return { ok: false, reason: 'malformed' };
    raw[f] = v ?? '';
  }
  const c = headers[CONTENT_SHA256_HEADER];
  if (c !== undefined && (typeof c !== 'string' || (c !== UNSIGNED_PAYLOAD && !SHA256_HEX.test(c)))) return { ok: false, reason: 'malformed' };
  const content = c ?? '';
  let text = `v1\n${ts}\n${method.toUpperCase()}\n${path}`;
  for (const f of FIELDS) text += '\n' + raw[f];
  text += '\n' + content;
  const expected = hmac(text);
  const got = Buffer.from(m[2], 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, reason: 'bad_signature' };
  const age = nowMs / 1000 - ts;
  if (age > maxAgeSec || age < -maxAgeSec) return { ok: false, reason: 'expired' };
  const n = (f: Field) => (raw[f] === '' ? null : raw[f]);
  return {
    ok: true,
    content,
    identity: {
      requestId: raw.requestId,
      partnerId: n('partnerId'),
      userId: n('userId'),
      clientId: n('clientId'),
      tenantId: n('tenantId'),
      ban: n('ban'),
      bans: raw.bans === '' || raw.bans === '*' ? null : raw.bans === '-' ? [] : raw.bans.split(','),
      billTo: n('billTo'),
      delegationId: n('delegationId'),
      scopes: raw.scopes === '' ? null : raw.scopes.split(' '),
      persona: n('persona'),
      permission: n('permission'),
    },
  };
}

/**
 * Hold the received body to the digest the assertion signed: a body where the assertion said "none", or
 * whose SHA-256 differs, is refused. UNSIGNED-PAYLOAD passes only with `acceptUnsigned` (a forward-auth
 * deployment whose clients send no RFC 9530 Content-Digest) or when there is no body.
 */
export function checkBody(content: string, body: Buffer | null, opts: { acceptUnsigned?: boolean } = {}): BodyCheck {
  if (content === UNSIGNED_PAYLOAD) return opts.acceptUnsigned || body === null || body.length === 0 ? null : 'body_unsigned';
  const got = body === null || body.length === 0 ? '' : contentSha256(body);
  if (got.length !== content.length) return 'body_mismatch';
  return timingSafeEqual(Buffer.from(got), Buffer.from(content)) ? null : 'body_mismatch';
}

export type VerifyResult =
  | { ok: true; identity: GatewayIdentity }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'body_mismatch' | 'body_unsigned' };

export interface VerifierOptions {
  /** the upstream's key: a Buffer, or the text `partnergate gateway upstream-key <name>` printed */
  key: Buffer | string;
  /** how far the assertion's timestamp may be from now (seconds); default 60 */
  maxAgeSec?: number;
  /** accept a body the signer did not see (UNSIGNED-PAYLOAD); default false */
  acceptUnsignedBody?: boolean;
  /** the clock (ms); default Date.now */
  now?: () => number;
}

/**
 * One call per request: the assertion, then the body. `body` is the raw bytes received (null or empty:
 * none). Answer a refusal with 401 and do not act on the request.
 *
 *   const verify = createVerifier({ key: process.env.PARTNERGATE_UPSTREAM_KEY! });
 *   const r = verify({ method: req.method, url: req.url, headers: req.headers, body });
 *   if (!r.ok) return refuse(401, r.reason);
 *   r.identity.tenantId // the customer, as the gateway decided it
 */
export function createVerifier(opts: VerifierOptions): (req: { method: string; url: string; headers: Headers; body?: Buffer | null }) => VerifyResult {
  const key = typeof opts.key === 'string' ? parseUpstreamKey(opts.key) : opts.key;
  const now = opts.now ?? Date.now;
  const maxAge = opts.maxAgeSec ?? 60;
  const acceptUnsigned = opts.acceptUnsignedBody ?? false;
  return (req) => {
    const v = verifyAssertion(key, req.headers, req.method, req.url, now(), maxAge);
    if (!v.ok) return v;
    const why = checkBody(v.content, req.body ?? null, { acceptUnsigned });
    return why ? { ok: false, reason: why } : { ok: true, identity: v.identity };
  };
}
