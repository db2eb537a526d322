/**
 * Forwarding to an upstream: one keep-alive undici Pool per upstream origin, request headers
 * filtered (hop-by-hop, credentials, and every identity header a client may have sent itself),
 * verified identity headers and the signed gateway assertion added by the caller.
 */
import { Pool, type Dispatcher } from 'undici';
import { IDENTITY_HEADER_PREFIX } from './assertion.ts';

/** RFC 9110 §7.6.1 hop-by-hop fields, plus what the proxy sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect', 'http2-settings']);

/**
 * Credentials and identity assertions a client could try to smuggle to the upstream. The
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
]);

export function isStrippedRequestHeader(name: string): boolean {
  return HOP_BY_HOP.has(name) || CLIENT_IDENTITY.has(name) || name.startsWith(IDENTITY_HEADER_PREFIX);
}

/** The client's headers minus what must not reach the upstream (names are lowercase in Node). */
export function forwardableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const conn = headers.connection;
  const listed = typeof conn === 'string' && conn.includes(',') ? new Set(conn.split(',').map((s) => s.trim().toLowerCase())) : null;
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

  request(origin: string, opts: { method: string; path: string; headers: Record<string, string | string[]>; body: Buffer | null }): Promise<Dispatcher.ResponseData> {
    return this.pool(origin).request({
      method: opts.method as Dispatcher.HttpMethod,
      path: opts.path,
      headers: opts.headers,
      body: opts.body && opts.body.length > 0 ? opts.body : null,
    });
  }

  async close(): Promise<void> {
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(all.map((p) => p.close().catch(() => {})));
  }
}
