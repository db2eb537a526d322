/**
 * Outbound HTTP to addresses someone else chose (webhook endpoints): the request goes only to a
 * public address, within a time limit, and reads at most a bounded answer.
 *
 * Server-side request forgery (OWASP SSRF prevention cheat sheet): a tenant who registers
 * `http://10.0.0.5/admin` or a name that resolves to 127.0.0.1 must not make Partnergate call its
 * own network. Every address a request would connect to is checked against the private,
 * loopback, link-local, shared, documentation, multicast and reserved ranges (IPv4 and IPv6,
 * IPv4-mapped IPv6 included), unless the operator allows private targets
 * (`WEBHOOK_ALLOW_PRIVATE_TARGETS`, for a test bench or an internal integration). The check runs
 * on the literal address of the URL, and on every address DNS gives for a name *inside the
 * connection's own lookup*, so the address checked is the address connected to (no second
 * resolution for a rebinding DNS server to answer differently). Redirects are not followed: a
 * 3xx is an answer like any other.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';

export interface OutboundPolicy {
  /** let requests reach private and loopback addresses (tests, internal integrations) */
  allowPrivate: boolean;
  /** the whole exchange: connect, headers and body */
  timeoutMs: number;
  /** answer bytes kept; the rest is not read (the connection is dropped) */
  maxResponseBytes: number;
}

export type OutboundFailure =
  | 'url_not_allowed' // not http(s), credentials in the URL, or no host
  | 'address_not_allowed' // a private, loopback or reserved address (SSRF)
  | 'dns_failed'
  | 'timeout'
  | 'connection_failed';

export type OutboundResult =
  | { ok: true; status: number; latencyMs: number; body: string; truncated: boolean }
  | { ok: false; failure: OutboundFailure; detail: string; latencyMs: number };

const BLOCKED = new BlockList();
// IPv4: "this network", private, shared (CGNAT), loopback, link-local, IETF protocol assignments,
// documentation, benchmarking, multicast, reserved and broadcast (RFC 6890).
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(net, bits, 'ipv4');
// IPv6: unspecified, loopback, NAT64 (it reaches IPv4 behind it), discard, documentation, 6to4 and
// Teredo (both embed IPv4), unique local, link-local, site-local and multicast.
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 32], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) BLOCKED.addSubnet(net, bits, 'ipv6');

/** true for an address no webhook may reach unless private targets are allowed. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: never connect to it
  const mapped = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  // ::ffff:7f00:1 — the same mapping written in hex
  const hex = /^::ffff:(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return BLOCKED.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return BLOCKED.check(address, 'ipv6');
}

/** Why a URL may not be called at all (before any connection), or null. */
export function refuseUrl(raw: string, allowPrivate: boolean): { failure: OutboundFailure; detail: string } | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { failure: 'url_not_allowed', detail: 'not a URL' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { failure: 'url_not_allowed', detail: 'only http and https URLs can be called' };
  if (u.username || u.password) return { failure: 'url_not_allowed', detail: 'a URL with a user name or password in it is not allowed' };
  if (!u.hostname) return { failure: 'url_not_allowed', detail: 'the URL has no host' };
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  if (!allowPrivate && isIP(host) !== 0 && isBlockedAddress(host)) return { failure: 'address_not_allowed', detail: `${host} is a private or reserved address` };
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) return { failure: 'address_not_allowed', detail: `${host} is this machine` };
  return null;
}

class AddressRefused extends Error {
  readonly code = 'PG_ADDRESS_REFUSED';
}

/** A DNS lookup for net.connect that passes on only public addresses. */
function guardedLookup(): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed = addresses.filter((a) => !isBlockedAddress(a.address));
      if (allowed.length === 0) {
        return callback(new AddressRefused(`${hostname} resolves to ${addresses.map((a) => a.address).join(', ')}: private or reserved`), []);
      }
      if (options.all) return callback(null, allowed);
      return callback(null, allowed[0].address, allowed[0].family);
    });
  }) as LookupFunction;
}

/** The dispatcher of one delivery policy: reuse it (it pools connections). */
export class OutboundClient {
  readonly policy: OutboundPolicy;
  readonly #agent: Agent;

  constructor(policy: OutboundPolicy) {
    this.policy = policy;
    this.#agent = new Agent({
      connect: { ...(policy.allowPrivate ? {} : { lookup: guardedLookup() }), timeout: policy.timeoutMs },
      headersTimeout: policy.timeoutMs,
      bodyTimeout: policy.timeoutMs,
      keepAliveTimeout: 4_000,
      connections: 16,
    });
  }

  /** POST `body` to `url` with `headers`; never throws for what the other side does. */
  async post(url: string, headers: Record<string, string>, body: string): Promise<OutboundResult> {
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
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Partnergate-Webhooks/1', ...headers },
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
