/**
 * Logs never hold secrets. Every logger of this service (the app's, the stand-alone upstream's)
 * is built from `secureLoggerOptions`, which adds, whatever the caller asked for:
 *  1. serializers: a request logs its method, its URL with every credential-bearing query value
 *     and path segment replaced (`redactUrl`), and its address — never its headers or body; an
 *     error logs its type, message, stack, code and cause only — never the other fields libraries
 *     hang on errors (request options with headers, a database error's `detail` that quotes the
 *     row's key, …);
 *  2. pino's `redact` for header objects, should one ever be logged (authorization, cookie, …);
 *  3. a last net on the written line (`scrubLogLine`): token shapes (pgpat_/pgagt_/pgcs_/pginv_
 *     secrets, JWTs, `Bearer …` credentials), `name=value` pairs of credential names inside any
 *     text (a message quoting a URL), and JSON members named like a credential.
 * A bearer token sent as `?access_token=` is ignored for authentication (RFC 6750 §2.3 is not
 * supported) — and it is not written down either.
 */
import type { Writable } from 'node:stream';

export const REDACTED = '[redacted]';

/** Request and response headers that carry credentials, in lower case. */
export const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'dpop',
  'x-api-key',
  'x-partnergate-assertion',
] as const;

/** Query parameters that carry a credential, by exact (lower-case) name… */
const SECRET_PARAMS = new Set(['code', 'state', 'otp', 'pwd', 'pass', 'sig', 'jwt', 'auth', 'request', 'request_uri', 'ticket']);
/** …or by how the name ends (access_token, client_secret, id_token_hint, api_key, code_verifier, …). */
const SECRET_NAME_END = /(?:token|secret|password|passwd|passphrase|assertion|credentials?|csrf|cookie|authorization|session|sessionid|key|signature|verifier|hint)$/;
/** JSON members worth hiding wherever they appear in a log line (narrower: `code` is a problem code there). */
const SECRET_MEMBER = /"((?:[^"\\]{0,60}?(?:token|secret|password|passwd|passphrase|assertion|credentials?|csrf|cookie|authorization|api[_-]?key))|dpop|session|x-partnergate-[a-z0-9-]+)"(\s*:\s*)("(?:[^"\\]|\\.)*"|\[(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*\s*\])/gi;

/** Is a query or form parameter of this name a credential? */
export function isSecretParam(name: string): boolean {
  let n = name;
  if (n.includes('%')) {
    try {
      n = decodeURIComponent(n);
    } catch {
      // keep the raw name
    }
  }
  n = n.toLowerCase();
  if (n.includes('[')) {
    // `a[access_token]`, `access_token[]`: the last bracketed name counts.
    n = n.replace(/\[\]$/, '');
    const inner = /\[([^\]]*)\]$/.exec(n);
    if (inner) n = inner[1];
  }
  return SECRET_PARAMS.has(n) || SECRET_NAME_END.test(n);
}

// Secrets Partnergate issues carry a readable prefix; JWTs start with the base64url of `{"`.
const TOKEN_SHAPES = /\b(pgpat|pgagt|pgcs|pginv)_[A-Za-z0-9_-]+|\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*|\b(Bearer|Basic|DPoP|Digest)(\s+)[A-Za-z0-9._~+/=-]{16,}/g;
// `name=value` after `?`, `&` or `;`: a query string anywhere in a text.
const QUERY_PAIR = /([?&;])([^=&;#?\s"'\\]{1,100})=([^&;#\s"'\\]*)/g;
// Path segments that are themselves secrets: invitation links.
const SECRET_SEGMENT = /(\/invite\/|\/invitations\/)(?!accept\b)[^/?#\s"']+/g;

// Cheap tests first: most lines hold none of these, and the full patterns cost far more to run.
const MAYBE_TOKEN = /pg(?:pat|agt|cs|inv)_|eyJ|Bearer|Basic|DPoP|Digest/;
const MAYBE_MEMBER = /token|secret|passw|assertion|credential|csrf|cookie|authorization|api[_-]?key|dpop|session|x-partnergate-/i;

function scrubTokens(s: string): string {
  if (!MAYBE_TOKEN.test(s)) return s;
  return s.replace(TOKEN_SHAPES, (_m, prefix: string | undefined, scheme: string | undefined, space: string | undefined) => {
    if (prefix) return `${prefix}_${REDACTED}`;
    if (scheme) return `${scheme}${space}${REDACTED}`;
    return REDACTED;
  });
}

function scrubQueryPairs(s: string): string {
  return s.replace(QUERY_PAIR, (m, sep: string, name: string, value: string) => (value !== '' && isSecretParam(name) ? `${sep}${name}=${REDACTED}` : m));
}

/** Any text (a message, an error's message or stack): token shapes and credential query pairs hidden. */
export function redactText(s: string): string {
  if (s.length === 0) return s;
  let out = s;
  if (out.includes('=')) out = scrubQueryPairs(out);
  return scrubTokens(out);
}

/** A request URL as it may be logged: credential query values and secret path segments hidden. */
export function redactUrl(url: string): string {
  return redactText(url.includes('/invit') ? url.replace(SECRET_SEGMENT, `$1${REDACTED}`) : url);
}

/** One serialized log line, the last net before it is written. */
export function scrubLogLine(line: string): string {
  let out = redactUrl(line);
  if (MAYBE_MEMBER.test(out)) out = out.replace(SECRET_MEMBER, (_m, key: string, colon: string) => `"${key}"${colon}"${REDACTED}"`);
  return out;
}

// ---- serializers ----------------------------------------------------------------------------

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
}

function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return { method: req.method, url: typeof req.url === 'string' ? redactUrl(req.url) : undefined, ip: req.ip };
}

/** Fields of an error that describe it without quoting what it was handling. */
const ERROR_FIELDS = ['message', 'stack', 'code', 'errno', 'syscall', 'statusCode', 'status', 'error', 'error_description', 'constraint', 'table', 'column', 'routine'] as const;

export function serializeError(err: unknown, depth = 0): unknown {
  if (err === null || typeof err !== 'object') return typeof err === 'string' ? redactText(err) : err;
  const e = err as Record<string, unknown>;
  const out: Record<string, unknown> = { type: (err as { constructor?: { name?: string } }).constructor?.name ?? 'Error' };
  for (const k of ERROR_FIELDS) {
    const v = e[k];
    if (typeof v === 'string') out[k] = redactText(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  if (depth < 3) {
    if (e.cause !== undefined) out.cause = serializeError(e.cause, depth + 1);
    if (Array.isArray(e.errors)) out.errors = e.errors.slice(0, 5).map((x) => serializeError(x, depth + 1));
  }
  return out;
}

// ---- logger options ---------------------------------------------------------------------------

/** pino `redact` paths: the credential headers of any header object a log line may hold. */
function redactPaths(): string[] {
  const out: string[] = [];
  for (const h of SECRET_HEADERS) {
    const k = `["${h}"]`;
    out.push(`headers${k}`, `req.headers${k}`, `res.headers${k}`, `request.headers${k}`, `*.headers${k}`);
  }
  for (const f of ['password', 'current_password', 'new_password', 'token', 'access_token', 'refresh_token', 'client_secret', 'secret']) out.push(f, `*.${f}`);
  return out;
}

interface LineSink {
  write(chunk: string): unknown;
  flushSync?: () => void;
}

/** A destination that scrubs each line before handing it to `target`. */
export function scrubbingStream(target: LineSink | Writable): LineSink {
  const t = target as LineSink;
  const sink: LineSink = { write: (chunk: string) => t.write(scrubLogLine(String(chunk))) };
  if (typeof t.flushSync === 'function') sink.flushSync = () => t.flushSync!();
  return sink;
}

export type LoggerSetting = boolean | Record<string, unknown>;

/**
 * The pino options of a Fastify logger with the redaction above, built over what the caller
 * gave (level, stream, …). `false` stays false: no logger.
 */
export function secureLoggerOptions(setting: LoggerSetting | undefined): false | Record<string, unknown> {
  if (!setting) return false;
  const base: Record<string, unknown> = setting === true ? {} : { ...setting };
  const serializers = { ...(base.serializers as Record<string, unknown> | undefined), req: serializeRequest, err: serializeError };
  const out: Record<string, unknown> = { ...base, serializers, redact: { paths: redactPaths(), censor: REDACTED } };
  // A transport writes in a worker of its own; the serializers and `redact` still apply to it.
  if (!base.transport && !base.file) out.stream = scrubbingStream((base.stream as LineSink | undefined) ?? process.stdout);
  return out;
}
