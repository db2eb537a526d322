/**
 * Forwarding to an upstream: one keep-alive undici Pool per upstream origin, request headers
 * filtered (hop-by-hop, credentials, and every identity header a client may have sent itself),
 * verified identity headers and the signed gateway assertion added by the caller.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { Pool, type Dispatcher } from 'undici';
import { IDENTITY_HEADER_PREFIX } from './assertion.ts';

/** RFC 9110 §7.6.1 hop-by-hop fields, plus what the proxy sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect', 'http2-settings']);

/**
 * Credentials, identity assertions and request rewrites a client could try to smuggle to the upstream. The
 * `x-partnergate-*` namespace is stripped whole; these are the names other gateways and
 * auth proxies use, which an upstream behind several layers might trust.
 */
const CLIENT_IDENTITY = new Set([
  'authorization',
  'cookie',
  'x-csrf-token',
  'x-active-tenant-id',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-real-ip',
  'x-remote-user',
  'remote-user',
  'x-user-id',
  'x-tenant-id',
  'x-partner-id',
  'x-client-id',
  'x-customer-ban',
  'x-ban',
  'x-bill-to',
  'x-delegation-id',
  'x-scopes',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-userinfo',
  'x-jwt-payload',
  'x-consumer-id',
  'x-consumer-username',
  'x-credential-identifier',
  'x-request-id',
  // The request's method and URL are the ones decided and signed: headers many frameworks take
  // another method or URL from instead of the request line (Symfony, IIS, method-override
  // middleware, a forward-auth upstream) would make the upstream serve a request not decided.
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-url',
  'x-rewrite-url',
  'x-original-method',
  'x-original-uri',
  'x-forwarded-method',
  'x-forwarded-uri',
  'x-forwarded-prefix',
  'x-forwarded-path',
  'x-forwarded-port',
]);

export function isStrippedRequestHeader(name: string): boolean {
  if (HOP_BY_HOP.has(name) || CLIENT_IDENTITY.has(name) || name.startsWith(IDENTITY_HEADER_PREFIX)) return true;
  // CGI-style stacks (PHP, WSGI, Rack) read `x_user_id` as `x-user-id`: strip those spellings too.
  if (name.includes('_')) {
    const dashed = name.replaceAll('_', '-');
    return CLIENT_IDENTITY.has(dashed) || dashed.startsWith(IDENTITY_HEADER_PREFIX);
  }
  return false;
}

/** Only the hop-by-hop fields (a proxy that trusts its clients' identity headers: the bench's bare proxy). */
export function isHopByHopHeader(name: string): boolean {
  return HOP_BY_HOP.has(name);
}

/** The fields a client's Connection header names (hop-by-hop for this request, RFC 9110 §7.6.1); null for none. */
function connectionListed(headers: Record<string, string | string[] | undefined>): Set<string> | null {
  const conn = headers.connection;
  return typeof conn === 'string' && conn !== 'keep-alive' && conn !== 'close' ? new Set(conn.split(',').map((s) => s.trim().toLowerCase())) : null;
}

/** Request headers as undici takes them: a flat list name, value, name, value, … (no per-request object shapes). */
export type HeaderList = (string | string[])[];

/**
 * Append the client's headers that may reach the upstream to `out` — all but what `strip`
 * says and what the client's own Connection header lists (RFC 9110 §7.6.1) — then the proxy's
 * own: the request id and X-Forwarded-For/-Proto/-Host (names are lowercase in Node).
 */
export function appendForwardedHeaders(
  req: { headers: Record<string, string | string[] | undefined>; ip: string; protocol: string },
  requestId: string,
  out: HeaderList,
  strip: (name: string) => boolean = isStrippedRequestHeader,
): void {
  const headers = req.headers;
  const listed = connectionListed(headers);
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined || strip(name) || (listed !== null && listed.has(name))) continue;
    out.push(name, v);
  }
  out.push('x-request-id', requestId, 'x-forwarded-for', req.ip, 'x-forwarded-proto', req.protocol);
  const host = headers.host;
  if (typeof host === 'string') out.push('x-forwarded-host', host);
}

/**
 * With tracing on: the upstream call's trace context replaces any the client sent (the upstream's
 * spans become children of the gateway's). Called only when there is a span: tracing off, the
 * client's own `traceparent` passes through untouched and this costs nothing.
 */
export function setTraceContext(out: HeaderList, traceparent: string, tracestate: string | null): void {
  for (let i = out.length - 2; i >= 0; i -= 2) {
    if (out[i] === 'traceparent' || out[i] === 'tracestate') out.splice(i, 2);
  }
  out.push('traceparent', traceparent);
  if (tracestate !== null) out.push('tracestate', tracestate);
}

/** The client's headers minus what must not reach the upstream, as an object (tests, diagnostics). */
export function forwardableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const listed = connectionListed(headers);
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined || isStrippedRequestHeader(name) || (listed !== null && listed.has(name))) continue;
    out[name] = v;
  }
  return out;
}

const RESPONSE_SKIP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'trailer', 'upgrade', 'te', 'x-request-id', 'content-length']);

export function isSkippedResponseHeader(name: string): boolean {
  return RESPONSE_SKIP.has(name);
}

const PROBLEM_JSON = /^application\/problem\+json\b/i;

/**
 * An upstream's RFC 9457 error body, its `request_id` made the gateway's: the client reports the
 * id the gateway answered with (x-request-id) and logged, which the upstream also received as
 * X-Request-Id, not an id only the upstream knows. Anything else (not JSON, no `request_id`, the
 * same id already) is relayed byte for byte.
 */
export function withGatewayRequestId(body: Buffer, requestId: string): Buffer {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return body;
  const o = doc as Record<string, unknown>;
  if (!('request_id' in o) || o.request_id === requestId) return body;
  o.request_id = requestId;
  return Buffer.from(JSON.stringify(o));
}

/**
 * Relay an upstream's answer to the client: status, headers (minus hop-by-hop ones and the
 * upstream's request id: the answer's x-request-id is the gateway's, set for every request in
 * build-app.ts), `extra` headers, then the body — buffered when it is small and its length
 * known, streamed otherwise. A buffered problem+json error carries the gateway's request id too
 * (withGatewayRequestId); a 2xx answer is never parsed.
 */
export async function relayResponse(reply: FastifyReply, res: Dispatcher.ResponseData, method: string, extra: Record<string, string> | null): Promise<FastifyReply> {
  const status = res.statusCode;
  reply.code(status);
  const rh = res.headers;
  for (const name in rh) {
    const v = rh[name];
    if (v !== undefined && !RESPONSE_SKIP.has(name)) reply.header(name, v);
  }
  if (extra !== null) for (const k in extra) reply.header(k, extra[k]);
  if (method === 'HEAD') {
    await res.body.dump();
    return reply.send();
  }
  const len = Number(rh['content-length']);
  if (status >= 400) {
    const type = rh['content-type'];
    if (typeof type === 'string' && PROBLEM_JSON.test(type)) return relayProblem(reply, res.body, rh['content-length'] === undefined ? -1 : len);
  }
  if (len >= 0 && len <= RELAY_BUFFER) return reply.send(Buffer.from(await res.body.arrayBuffer()));
  return reply.send(res.body);
}

const RELAY_BUFFER = 256 * 1024;

/**
 * An upstream's problem+json error, with the gateway's request id (withGatewayRequestId): read
 * whole when it is at most RELAY_BUFFER bytes, a declared length or chunked; a larger one is
 * relayed as it comes, untouched.
 */
async function relayProblem(reply: FastifyReply, body: Dispatcher.ResponseData['body'], len: number): Promise<FastifyReply> {
  if (len > RELAY_BUFFER || Number.isNaN(len)) return reply.send(body);
  const chunks: Buffer[] = [];
  let size = 0;
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    const chunk = next.value as Buffer;
    chunks.push(chunk);
    size += chunk.length;
    if (size > RELAY_BUFFER) {
      // too large to rewrite: what was read, then the rest as it comes
      return reply.send(
        Readable.from(
          (async function* () {
            yield* chunks;
            for (let n = await it.next(); !n.done; n = await it.next()) yield n.value as Buffer;
          })(),
        ),
      );
    }
  }
  return reply.send(withGatewayRequestId(Buffer.concat(chunks, size), String(reply.request.id)));
}

export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  readonly #opts: Pool.Options;

  constructor(opts: { connections?: number; headersTimeoutMs?: number; bodyTimeoutMs?: number } = {}) {
    this.#opts = {
      connections: opts.connections ?? 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: opts.headersTimeoutMs ?? 30_000,
      bodyTimeout: opts.bodyTimeoutMs ?? 30_000,
    };
  }

  pool(origin: string): Pool {
    let p = this.#pools.get(origin);
    if (!p) {
      p = new Pool(origin, this.#opts);
      this.#pools.set(origin, p);
    }
    return p;
  }

  request(origin: string, opts: { method: string; path: string; headers: HeaderList; body: Buffer | null }): Promise<Dispatcher.ResponseData> {
    return this.pool(origin).request({
      method: opts.method as Dispatcher.HttpMethod,
      path: opts.path,
      // undici reads a flat list pair by pair, string[] values included (processHeader)
      headers: opts.headers as string[],
      body: opts.body && opts.body.length > 0 ? opts.body : null,
    });
  }

  async close(): Promise<void> {
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(all.map((p) => p.close().catch(() => {})));
  }
}
