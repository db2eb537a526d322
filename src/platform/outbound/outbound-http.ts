/**
 * Outbound HTTP to addresses someone else chose (webhook endpoints): the request goes only to a
 * public address, within a time limit, and reads at most a bounded answer.
 *
 * Server-side request forgery (OWASP SSRF prevention cheat sheet): a tenant who registers
 * `http://10.0.0.5/admin` or a name that resolves to 127.0.0.1 must not make Partnergate call its
 * own network. What may be reached is decided in address-policy.ts, on the parsed address, unless
 * the operator allows private targets (`WEBHOOK_ALLOW_PRIVATE_TARGETS`, for a test bench or an
 * internal integration). It is applied twice: to the URL before anything else, and in the
 * connection itself — to an IP literal before the socket is opened, and to every address DNS
 * gives for a name *inside the connection's own lookup*, so the address checked is the address
 * connected to (no second resolution for a rebinding DNS server to answer differently).
 * Redirects are not followed: a 3xx is an answer like any other.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { describeRefusal, judgeAddress, refuseUrl, type OutboundFailure } from './address-policy.ts';

export { isBlockedAddress, judgeAddress, refuseUrl, type OutboundFailure } from './address-policy.ts';

export interface OutboundPolicy {
  /** let requests reach private and loopback addresses (tests, internal integrations) */
  allowPrivate: boolean;
  /** the whole exchange: connect, headers and body */
  timeoutMs: number;
  /** answer bytes kept; the rest is not read (the connection is dropped) */
  maxResponseBytes: number;
}

export type OutboundResult =
  | { ok: true; status: number; latencyMs: number; body: string; truncated: boolean }
  | { ok: false; failure: OutboundFailure; detail: string; latencyMs: number };

class AddressRefused extends Error {
  readonly code = 'PG_ADDRESS_REFUSED';
}

/** What `OutboundClient.fetch` throws when the policy refuses a URL or the address it resolves to. */
export class OutboundRefused extends Error {
  readonly code = 'PG_OUTBOUND_REFUSED';
  readonly failure: OutboundFailure;
  readonly detail: string;
  constructor(failure: OutboundFailure, detail: string) {
    super(detail);
    this.failure = failure;
    this.detail = detail;
  }
}

/** A DNS lookup for net.connect that passes on only the addresses the policy allows. */
function guardedLookup(): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed = addresses.filter((a) => judgeAddress(a.address).allowed);
      if (allowed.length === 0) {
        const why = addresses.map((a) => describeRefusal(a.address, judgeAddress(a.address))).join('; ');
        return callback(new AddressRefused(`${hostname} resolves only to refused addresses: ${why}`), []);
      }
      if (options.all) return callback(null, allowed);
      return callback(null, allowed[0].address, allowed[0].family);
    });
  }) as LookupFunction;
}

/**
 * undici's connector with the address policy inside the connection: an IP literal is judged before
 * a socket is opened (net.connect does no lookup for one), a name in the connection's own DNS
 * lookup. This holds whatever URL reaches the dispatcher, checked beforehand or not.
 */
export function guardedConnector(timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs, lookup: guardedLookup() });
  return (opts, callback) => {
    if (isIP(opts.hostname) !== 0) {
      const v = judgeAddress(opts.hostname);
      if (!v.allowed) {
        const refused = new AddressRefused(describeRefusal(opts.hostname, v));
        process.nextTick(() => callback(refused, null));
        return;
      }
    }
    connect(opts, callback);
  };
}

/** The dispatcher of one delivery policy: reuse it (it pools connections). */
export class OutboundClient {
  readonly policy: OutboundPolicy;
  readonly #agent: Agent;

  constructor(policy: OutboundPolicy) {
    this.policy = policy;
    this.#agent = new Agent({
      connect: policy.allowPrivate ? { timeout: policy.timeoutMs } : guardedConnector(policy.timeoutMs),
      headersTimeout: policy.timeoutMs,
      bodyTimeout: policy.timeoutMs,
      keepAliveTimeout: 4_000,
      connections: 16,
    });
  }

  /** POST `body` to `url` with `headers`; never throws for what the other side does. */
  post(url: string, headers: Record<string, string>, body: string): Promise<OutboundResult> {
    return this.#exchange('POST', url, { 'content-type': 'application/json', ...headers }, body);
  }

  /** GET `url` (an identity provider's metadata) with `headers`; never throws for what the other side does. */
  get(url: string, headers: Record<string, string>): Promise<OutboundResult> {
    return this.#exchange('GET', url, headers, undefined);
  }

  /**
   * A WHATWG fetch under this client's policy, for a library that takes one (openid-client's
   * customFetch): the URL is judged first, the address inside the connection, and redirects are
   * not followed. A refusal throws OutboundRefused; anything else is fetch's own error.
   */
  readonly fetch = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal }): Promise<Response> => {
    const refused = refuseUrl(url, this.policy.allowPrivate);
    if (refused) throw new OutboundRefused(refused.failure, refused.detail);
    try {
      const options = { ...init, redirect: 'manual', dispatcher: this.#agent, signal: init.signal ?? AbortSignal.timeout(this.policy.timeoutMs) };
      return (await undiciFetch(url, options as Parameters<typeof undiciFetch>[1])) as unknown as Response;
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause;
      if (cause instanceof AddressRefused) throw new OutboundRefused('address_not_allowed', cause.message);
      throw e;
    }
  };

  async #exchange(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string | undefined): Promise<OutboundResult> {
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    const refused = refuseUrl(url, this.policy.allowPrivate);
    if (refused) return { ok: false, ...refused, latencyMs: 0 };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.policy.timeoutMs);
    try {
      const res = await this.#agent.request({
        origin: new URL(url).origin,
        path: new URL(url).pathname + new URL(url).search,
        method,
        headers: { 'user-agent': 'Partnergate-Webhooks/1', ...headers },
        body,
        signal: abort.signal,
      });
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const room = this.policy.maxResponseBytes - kept;
        if (chunk.length > room) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          kept += Math.max(0, room);
          truncated = true;
          res.body.destroy();
          break;
        }
        chunks.push(chunk);
        kept += chunk.length;
      }
      return { ok: true, status: res.statusCode, latencyMs: ms(), body: Buffer.concat(chunks).toString('utf8'), truncated };
    } catch (e) {
      const err = e as { code?: string; name?: string; cause?: { code?: string; message?: string }; message?: string };
      const code = err.code ?? err.cause?.code ?? '';
      if (code === 'PG_ADDRESS_REFUSED' || err.cause instanceof AddressRefused || e instanceof AddressRefused) {
        return { ok: false, failure: 'address_not_allowed', detail: (err.cause as Error | undefined)?.message ?? err.message ?? 'private address', latencyMs: ms() };
      }
      if (abort.signal.aborted || code.includes('TIMEOUT') || err.name === 'AbortError') return { ok: false, failure: 'timeout', detail: `no complete answer within ${this.policy.timeoutMs} ms`, latencyMs: ms() };
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ok: false, failure: 'dns_failed', detail: 'the host name does not resolve', latencyMs: ms() };
      return { ok: false, failure: 'connection_failed', detail: code || 'the connection failed', latencyMs: ms() };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
