/**
 * Which request a forward-auth check is about, and who says so.
 *
 * The proxy in front names the original method and URI: NGINX `auth_request` in headers its
 * configuration sets (X-Original-Method + X-Original-URI), Traefik ForwardAuth in headers it sets
 * itself (X-Forwarded-Method + X-Forwarded-Uri), Envoy `ext_authz` by appending the original path
 * to the check's path, with the original method. A client can send any of these header names too,
 * and NGINX and Traefik pass the client's headers on to the check. So only the pair the calling
 * proxy owns is read (`/authz/forward-auth/nginx`, `/authz/forward-auth/traefik`; the plain
 * endpoint accepts exactly one of the three forms), and a check is refused when
 *  - another form is present as well (a client's copy: which one the upstream gets is unknowable),
 *  - a header the decision reads is repeated (two parties set it),
 *  - a header asks the upstream to take another method or URL than the one checked
 *    (X-HTTP-Method-Override and friends, X-Original-URL / X-Rewrite-URL, as many frameworks honour),
 * because the decision and the signed assertion must be about the very request the upstream receives.
 * Header names are compared with `_` read as `-`, as CGI-style stacks read them.
 *
 * Pure: no I/O; the routes turn a refusal into the problem answer.
 */

export type ForwardAuthSource = 'nginx' | 'traefik' | 'envoy';
/** the endpoint called: one proxy's, or the plain one that accepts any single form */
export type ForwardAuthEndpoint = ForwardAuthSource | 'any';

export type ForwardAuthRefusal = { ok: false; code: 'forward_auth_request_invalid' | 'forward_auth_request_conflict'; reason: string };
export type OriginalRequest = { ok: true; source: ForwardAuthSource; method: string; uri: string } | ForwardAuthRefusal;

/** The header pair each proxy sets (Envoy names the request by the check's own method and path). */
export const SOURCE_HEADERS = {
  nginx: ['x-original-method', 'x-original-uri'],
  traefik: ['x-forwarded-method', 'x-forwarded-uri'],
} as const;

/** Headers some upstream frameworks take the request's method from instead of the request line. */
export const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;
/** Headers some upstream frameworks (IIS, Symfony, Zend) route by instead of the request line. */
export const URL_OVERRIDE_HEADERS = ['x-original-url', 'x-rewrite-url'] as const;

/** Read once by the decision (or by the upstream instead of the request line): a second copy is refused. */
const SINGLE = new Set<string>([
  ...SOURCE_HEADERS.nginx,
  ...SOURCE_HEADERS.traefik,
  ...METHOD_OVERRIDE_HEADERS,
  ...URL_OVERRIDE_HEADERS,
  'x-forwarded-host',
  'x-forwarded-proto',
  'authorization',
  'dpop',
  'x-active-tenant-id',
  'content-digest',
]);

const METHOD = /^[A-Za-z]{1,20}$/;
// a request target in origin form (RFC 9112 §3.2.1): no spaces or controls
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters in a forwarded URI is the point
const BAD_URI = /[\s\x00-\x1f\x7f]/;
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** SINGLE's names by their slot in the scan's scratch. */
const NAMES = [...SINGLE];
const SLOT = new Map<string, number>(NAMES.map((n, i) => [n, i]));
// a raw name is lower-cased and looked up only when its first letter and length could be a watched one's
const FIRST = new Set(NAMES.map((n) => n.charCodeAt(0)));
const MIN_LEN = Math.min(...NAMES.map((n) => n.length));
const MAX_LEN = Math.max(...NAMES.map((n) => n.length));
// The scan runs on every check: its tallies live in one scratch, reset per scan, instead of a Map
// and an object per watched header. Safe to share: originalRequest() reads them before it returns.
const counts = new Uint8Array(SLOT.size);
const values: (string | null)[] = new Array<string | null>(SLOT.size).fill(null);
/** which watched headers were sent (whatever the spelling) and the value of the canonical (dashed) spelling */
const seen = {
  has(name: string): boolean {
    const i = SLOT.get(name);
    return i !== undefined && counts[i] !== 0;
  },
  value(name: string): string | null {
    const i = SLOT.get(name)!;
    return counts[i] === 0 ? null : values[i];
  },
  /** the first header sent more than once, or null */
  repeated(): string | null {
    for (let i = 0; i < NAMES.length; i++) if (counts[i] > 1) return NAMES[i];
    return null;
  },
};

/** Tally the watched headers of a raw header list (name, value, name, value, …). */
function scan(rawHeaders: readonly string[]): typeof seen {
  counts.fill(0);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const r = rawHeaders[i];
    if (r.length < MIN_LEN || r.length > MAX_LEN || !FIRST.has(r.charCodeAt(0) | 0x20)) continue;
    const raw = r.toLowerCase();
    const name = raw.includes('_') ? raw.replaceAll('_', '-') : raw;
    const slot = SLOT.get(name);
    if (slot === undefined) continue;
    // a count past 2 says no more than 2 does (repeated); saturate rather than wrap
    if (counts[slot] < 2) counts[slot]++;
    if (counts[slot] === 1) values[slot] = null;
    if (raw === name) values[slot] = rawHeaders[i + 1];
  }
  return seen;
}

function invalid(reason: string): ForwardAuthRefusal {
  return { ok: false, code: 'forward_auth_request_invalid', reason };
}

function conflict(reason: string): ForwardAuthRefusal {
  return { ok: false, code: 'forward_auth_request_conflict', reason };
}

const HOW = {
  nginx: 'X-Original-Method and X-Original-URI',
  traefik: 'X-Forwarded-Method and X-Forwarded-Uri',
  envoy: 'the path after /authz/forward-auth',
} as const;

/**
 * The original request of a forward-auth check.
 * @param endpoint which proxy the endpoint called belongs to ('any': the plain endpoint)
 * @param checkMethod the method of the check request itself (Envoy's original method)
 * @param suffix the path and query after /authz/forward-auth (Envoy's original request), or null
 */
export function originalRequest(endpoint: ForwardAuthEndpoint, rawHeaders: readonly string[], checkMethod: string, suffix: string | null): OriginalRequest {
  const seen = scan(rawHeaders);
  const repeated = seen.repeated();
  if (repeated !== null) return conflict(`The ${repeated} header is sent more than once.`);
  const has = (name: string) => seen.has(name);
  const present: ForwardAuthSource[] = [];
  if (has(SOURCE_HEADERS.nginx[0]) || has(SOURCE_HEADERS.nginx[1])) present.push('nginx');
  if (has(SOURCE_HEADERS.traefik[0]) || has(SOURCE_HEADERS.traefik[1])) present.push('traefik');
  if (suffix !== null) present.push('envoy');

  let source: ForwardAuthSource;
  if (endpoint === 'any') {
    if (present.length > 1) return conflict(`The check names the original request more than once (${present.map((s) => HOW[s]).join('; ')}); the proxy must set its own and remove the others.`);
    if (present.length === 0) {
      return invalid('Name the original request: X-Original-Method and X-Original-URI (NGINX, /authz/forward-auth/nginx), X-Forwarded-Method and X-Forwarded-Uri (Traefik, /authz/forward-auth/traefik), or its path after /authz/forward-auth (Envoy).');
    }
    source = present[0];
  } else {
    const others = present.filter((s) => s !== endpoint);
    if (others.length > 0) return conflict(`This endpoint reads the original request from ${HOW[endpoint]} only; the check also carries ${others.map((s) => HOW[s]).join('; ')}, which the proxy must remove.`);
    if (!present.includes(endpoint)) return invalid(`Send the original request as ${HOW[endpoint]}.`);
    source = endpoint;
  }

  let method: string | null;
  let uri: string | null;
  if (source === 'envoy') {
    method = checkMethod;
    uri = suffix;
  } else {
    const [m, u] = SOURCE_HEADERS[source];
    method = seen.value(m);
    uri = seen.value(u);
  }
  if (!method || !METHOD.test(method)) return invalid(`Send the original method as ${HOW[source]} (a method name).`);
  if (!uri || !uri.startsWith('/') || BAD_URI.test(uri)) return invalid(`Send the original URI as ${HOW[source]} (a path starting with /, with its query).`);
  method = method.toUpperCase();

  for (const name of METHOD_OVERRIDE_HEADERS) {
    if (seen.has(name) && (seen.value(name) ?? '').trim().toUpperCase() !== method) return conflict(`The ${name} header asks for another method than the ${method} being checked.`);
  }
  for (const name of URL_OVERRIDE_HEADERS) {
    if (seen.has(name) && seen.value(name) !== uri) return conflict(`The ${name} header names another URL than the one being checked.`);
  }
  return { ok: true, source, method, uri };
}

/**
 * scheme://host the client called at the proxy (the URL its DPoP proof names), from
 * X-Forwarded-Host/-Proto; null when the proxy sends no host (PUBLIC_URL is that URL then).
 */
export function forwardedOrigin(headers: Record<string, string | string[] | undefined>): { ok: true; origin: string | null } | ForwardAuthRefusal {
  const host = headers['x-forwarded-host'];
  if (host === undefined || host === '') return { ok: true, origin: null };
  if (typeof host !== 'string' || !HOST.test(host)) return invalid('X-Forwarded-Host must be one host name, with an optional port.');
  const proto = headers['x-forwarded-proto'];
  return { ok: true, origin: `${proto === 'http' ? 'http' : 'https'}://${host}` };
}
