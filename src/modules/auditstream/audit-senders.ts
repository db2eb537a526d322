/**
 * Sending a batch of audit events to a destination, and what counts as the receiver's
 * acknowledgement (the cursor moves only after it):
 *  - webhook: a Standard Webhooks signed POST (the notifications module's signing and address
 *    rules); a 2xx answer acknowledges.
 *  - OTLP logs over HTTP: POST <address>/v1/logs with the JSON encoding; a 2xx answer acknowledges.
 *  - syslog over TLS (RFC 5425): one connection per batch, every message octet-counted, then our
 *    end of the stream; the receiver closing its end after reading ours (TLS close, then TCP FIN)
 *    acknowledges. Syslog has no per-message answer: a batch cut off by a broken connection is
 *    sent again whole (at least once; each message carries its event id and chain position).
 * Never throws for what the other side does: the outcome is a value with the reason in words.
 */
import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { OutboundClient } from '../../platform/outbound/outbound-http.ts';
import { describeRefusal, judgeAddress, judgeHost } from '../../platform/outbound/address-policy.ts';
import { webhookHeaders } from '../../platform/outbound/webhook-signature.ts';
import { octetFrame, otlpLogsRequest, syslogMessage, type StreamOrg, type WireEvent } from './audit-wire.ts';

export type SendResult = { ok: true } | { ok: false; error: string };

export interface SendTarget {
  kind: 'webhook' | 'syslog' | 'otlp';
  id: string;
  address: string;
  caPem: string | null;
  /** webhook: the signing secret; OTLP: the Authorization header value, or null */
  secret: string | null;
}

export interface SendContext {
  outbound: OutboundClient;
  /** the HOSTNAME of syslog messages */
  hostname: string;
  now: Date;
}

export async function sendBatch(t: SendTarget, org: StreamOrg, events: readonly WireEvent[], c: SendContext): Promise<SendResult> {
  if (t.kind === 'syslog') return sendSyslog(t, org, events, c);
  // a destination kept from before addresses had to be https:// is not sent to in clear either
  const plain = refusePlainHttp(t.address, c.outbound.policy.allowPrivate);
  if (plain) return { ok: false, error: plain };
  return t.kind === 'otlp' ? sendOtlp(t, org, events, c) : sendWebhook(t, org, events, c);
}

function answered(r: Awaited<ReturnType<OutboundClient['post']>>): SendResult {
  if (r.ok && r.status >= 200 && r.status < 300) return { ok: true };
  return { ok: false, error: r.ok ? `the receiver answered ${r.status}` : `${r.failure.replace(/_/g, ' ')}: ${r.detail}` };
}

async function sendWebhook(t: SendTarget, org: StreamOrg, events: readonly WireEvent[], c: SendContext): Promise<SendResult> {
  const body = JSON.stringify({ type: 'audit.events', organization: org, events });
  // the same message id when the same batch is sent again, so a receiver can drop a repeat
  const messageId = `${t.id}_${events[0]?.chain_seq ?? 0}`;
  return answered(await c.outbound.post(t.address, webhookHeaders(t.secret ?? '', messageId, c.now, body), body));
}

/** The OTLP/HTTP logs path: `/v1/logs` unless the address names it already. */
export function otlpUrl(address: string): string {
  const u = new URL(address);
  if (!u.pathname.endsWith('/v1/logs')) u.pathname = `${u.pathname.replace(/\/+$/, '')}/v1/logs`;
  return u.toString();
}

async function sendOtlp(t: SendTarget, org: StreamOrg, events: readonly WireEvent[], c: SendContext): Promise<SendResult> {
  const headers: Record<string, string> = {};
  if (t.secret) headers.authorization = t.secret;
  return answered(await c.outbound.post(otlpUrl(t.address), headers, JSON.stringify(otlpLogsRequest(events, org, c.now))));
}

/** `host:port` (an IPv6 address in brackets); null when it is not one. */
export function parseHostPort(address: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1].startsWith('[') ? m[1].slice(1, -1) : m[1].toLowerCase(), port };
}

/** Why a syslog address may not be used (before any connection), or null. */
export function refuseSyslogAddress(address: string, allowPrivate: boolean): string | null {
  const hp = parseHostPort(address);
  if (!hp) return 'write the address as host:port (for example siem.example.com:6514)';
  const j = judgeHost(isIP(hp.host) === 6 ? `[${hp.host}]` : hp.host, allowPrivate);
  return j.ok ? null : j.detail;
}

/** The address policy inside the connection: only allowed addresses are dialled (no second lookup to rebind). */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed = allowPrivate ? addresses : addresses.filter((a) => judgeAddress(a.address).allowed);
      if (allowed.length === 0) return callback(new Error(addresses.map((a) => describeRefusal(a.address, judgeAddress(a.address))).join('; ')), []);
      if (options.all) return callback(null, allowed);
      return callback(null, allowed[0].address, allowed[0].family);
    });
  }) as LookupFunction;
}

function sendSyslog(t: SendTarget, org: StreamOrg, events: readonly WireEvent[], c: SendContext): Promise<SendResult> {
  const refused = refuseSyslogAddress(t.address, c.outbound.policy.allowPrivate);
  if (refused) return Promise.resolve({ ok: false, error: refused });
  const { host, port } = parseHostPort(t.address)!;
  const payload = events.map((e) => octetFrame(syslogMessage(e, org, c.hostname))).join('');
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const done = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = tlsConnect({
      host,
      port,
      servername: isIP(host) === 0 ? host : undefined,
      ca: t.caPem ?? undefined,
      lookup: guardedLookup(c.outbound.policy.allowPrivate),
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => done({ ok: false, error: `no acknowledgement within ${c.outbound.policy.timeoutMs} ms` }), c.outbound.policy.timeoutMs);
    socket.on('secureConnect', () => socket.end(payload));
    socket.on('data', () => {}); // a receiver's words are not read (RFC 5425 defines none)
    socket.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: syslogError(e) }));
    socket.on('end', () => done(socket.writableFinished ? { ok: true } : { ok: false, error: 'the receiver closed the connection before taking every message' }));
    socket.on('close', () => done(socket.writableFinished ? { ok: true } : { ok: false, error: 'the connection closed before every message was sent' }));
  });
}

function syslogError(e: NodeJS.ErrnoException): string {
  if (e.code === 'ECONNREFUSED') return 'connection refused: nothing listens at that address';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return 'the receiver dropped the connection';
  if (e.code?.startsWith('ERR_TLS') || /certificate|self.signed|UNABLE_TO_VERIFY/i.test(`${e.code} ${e.message}`)) return `the receiver's TLS certificate is not trusted (${e.code ?? e.message}); paste its CA certificate`;
  return `connection failed (${e.code ?? e.message})`;
}

/**
 * Audit events leave only over TLS: a webhook or OTLP address is `https://`. Plain `http://` is
 * taken only where the operator allowed private targets (WEBHOOK_ALLOW_PRIVATE_TARGETS, a test
 * bench) and only to a loopback or private address, which never crosses a network it does not own.
 */
export function refusePlainHttp(address: string, allowPrivate: boolean): string | null {
  const u = URL.parse(address);
  if (!u || u.protocol === 'https:') return null;
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const local = host === 'localhost' || (isIP(host) !== 0 && !judgeAddress(host).allowed);
  return allowPrivate && local ? null : 'only https:// addresses are accepted (the events are sent over TLS)';
}
