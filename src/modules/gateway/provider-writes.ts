/**
 * Writes to the provider's system of record: an order or ticket change the portal, the partner API
 * or the reference service takes is sent to the operator's gateway route for that kind, the way the
 * gateway forwards a partner's request — the route's own rule (method + path → permission), the
 * verified identity headers signed with that upstream's key, the request id, the upstream pools and
 * their timeouts — with an Idempotency-Key so the provider can take a retry as the same change.
 *
 * Outcomes are values for the caller (the resources service stores the record as provisional), or
 * the gateway's own refusals: the provider refusing (4xx) → 422 provider_refused with its words; not
 * reachable, 5xx or a route that is not configured → 502 upstream_unavailable; too slow → 504
 * upstream_timeout. Never a 500, never the provider's headers.
 */
import type { Clock } from '../../platform/clock.ts';
import { appendSigned, identityParts, type GatewayIdentity } from './assertion.ts';
import { gatewayErrors as E } from './gateway.errors.ts';
import type { HeaderList, UpstreamPools } from './proxy.ts';
import type { RouteTable } from './route-table.ts';

export interface ProviderWrite {
  /** the GATEWAY_ROUTES name */
  routeName: string;
  /** the provider's system in words (the data source's name), for the refusals */
  providerName: string;
  method: 'POST' | 'PATCH';
  /** relative to the route's prefix, e.g. /tickets or /orders/ORD-1/cancel */
  path: string;
  body: Record<string, unknown>;
  identity: Omit<GatewayIdentity, 'requestId' | 'permission'>;
  requestId: string;
  idempotencyKey: string;
}

export interface ProviderAnswer {
  status: number;
  /** the provider's id of the record: `external_id`, else `id`, of its JSON answer; null when it named none */
  externalId: string | null;
}

export type ProviderForwarder = (w: ProviderWrite) => Promise<ProviderAnswer>;

/** A configured route's prefix by name (GATEWAY_ROUTES). */
export type RoutePrefixes = ReadonlyMap<string, string>;

const MAX_ANSWER = 64 * 1024;

function idOf(doc: unknown): string | null {
  if (doc === null || typeof doc !== 'object') return null;
  const o = doc as Record<string, unknown>;
  for (const k of ['external_id', 'id']) {
    const v = o[k];
    if ((typeof v === 'string' && v.length > 0 && v.length <= 200) || typeof v === 'number') return String(v);
  }
  return null;
}

/** The provider's own words for a refusal: a problem's detail or title, a message, or its status. */
function refusalWords(doc: unknown, status: number): string {
  if (doc !== null && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    for (const k of ['detail', 'title', 'message', 'error']) if (typeof o[k] === 'string' && o[k]) return (o[k] as string).slice(0, 500);
  }
  return `It answered ${status}.`;
}

export function providerForwarder(d: { table: RouteTable; pools: UpstreamPools; prefixes: RoutePrefixes; clock: Clock }): ProviderForwarder {
  return async (w) => {
    const prefix = d.prefixes.get(w.routeName);
    const m = prefix === undefined ? null : d.table.match(w.method, prefix + w.path);
    if (m === null || m.kind !== 'rule' || m.rule.upstream.name !== w.routeName || m.rule.upstream.baseUrl === null) {
      throw E.upstream_unavailable(`${w.providerName} cannot take this change: the gateway route ${w.routeName} has no rule for ${w.method} ${w.path}. Nothing was saved.`);
    }
    const rule = m.rule;
    const url = new URL(rule.upstream.baseUrl!);
    const path = url.pathname.replace(/\/+$/, '') + w.path;
    const body = Buffer.from(JSON.stringify(w.body));
    const headers: HeaderList = ['content-type', 'application/json', 'accept', 'application/json', 'idempotency-key', w.idempotencyKey, 'x-request-id', w.requestId];
    appendSigned(headers as string[], rule.upstream.assertionKey, w.requestId, identityParts({ ...w.identity, permission: rule.permission }), w.method, path, d.clock.nowMs(), body);
    let res;
    try {
      res = await d.pools.request(url.origin, { method: w.method, path, headers, body });
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (code.includes('TIMEOUT')) throw E.upstream_timeout(`${w.providerName} did not answer in time; nothing was saved. Try again.`);
      throw E.upstream_unavailable(`${w.providerName} could not be reached; nothing was saved. Try again.`);
    }
    let doc: unknown = null;
    const len = Number(res.headers['content-length']);
    if (!(len > MAX_ANSWER)) {
      const text = await res.body.text();
      try {
        doc = text.length <= MAX_ANSWER ? JSON.parse(text) : null;
      } catch {
        doc = null;
      }
    } else await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, externalId: idOf(doc) };
    if (res.statusCode >= 400 && res.statusCode < 500) throw E.provider_refused(`${w.providerName} refused it: ${refusalWords(doc, res.statusCode)}`);
    throw E.upstream_unavailable(`${w.providerName} could not take it (it answered ${res.statusCode}); nothing was saved. Try again.`);
  };
}
