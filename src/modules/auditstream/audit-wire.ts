/**
 * What leaves the building, pure: an audit event as a receiver gets it (the fields the hash chain
 * covers, so it can recompute each hash, plus its chain position, both hashes and the link to the
 * organization's previous event), and the three ways it is framed — a signed webhook's JSON, an
 * RFC 5424 syslog message in RFC 5425 octet-counting framing, and an OTLP logs request (JSON).
 */
import type { ChainedFields, ChainedRow } from '../audit/index.ts';

export type StreamOrg = { type: 'tenant'; id: string } | { type: 'partner'; id: string } | { type: 'platform' };

/** The fields the chain hash covers (audit-chain.ts), and where the event stands in the chain. */
export type WireEvent = ChainedFields & {
  chain_seq: number;
  /** the previous event of the whole chain (what this hash continues from) */
  prev_hash: string;
  hash: string;
  /** the hash of this organization's previous event: a gap here is a missing event */
  org_prev_hash: string;
  /** a person outside the partner acted: who, from where and with what are left out, so the content hash cannot be recomputed (the links still hold) */
  redacted: boolean;
};

/**
 * The organization's events as it may see them, each linked to the one before it (`link` is the
 * hash the first one continues from). A partner sees a person outside it (the customer's, the
 * operator) as its organization only — no user id, address or browser — as in its audit log.
 */
export function toWireEvents(rows: readonly ChainedRow[], org: StreamOrg, link: string): WireEvent[] {
  let prev = link;
  return rows.map((r) => {
    const outsider = org.type === 'partner' && r.actor_user_id !== null && r.actor_partner_id !== org.id;
    const e: WireEvent = {
      chain_seq: r.chain_seq,
      id: r.id,
      occurred_at: r.occurred_at,
      actor_type: r.actor_type,
      actor_user_id: outsider ? null : r.actor_user_id,
      actor_partner_id: r.actor_partner_id,
      actor_client_id: r.actor_client_id,
      partner_agency_id: r.partner_agency_id,
      tenant_id: r.tenant_id,
      partner_id: r.partner_id,
      ban: r.ban,
      action: r.action,
      target_type: r.target_type,
      target_id: r.target_id,
      outcome: r.outcome,
      request_id: r.request_id,
      ip: outsider ? null : r.ip,
      user_agent: outsider ? null : r.user_agent,
      details: r.details,
      prev_hash: r.prev_hash,
      hash: r.hash,
      org_prev_hash: prev,
      redacted: outsider,
    };
    prev = r.hash;
    return e;
  });
}

export function orgLabel(org: StreamOrg): string {
  return org.type === 'platform' ? 'platform' : `${org.type}:${org.id}`;
}

// ---- syslog (RFC 5424 message, RFC 5425 framing) ---------------------------------------------

/** RFC 5424 §6.2.1: facility 13 is "log audit"; severity 6 informational, 4 warning (a refusal or failure). */
const FACILITY_LOG_AUDIT = 13;
/** The SD-ID of Partnergate's structured data; 32473 is the enterprise number RFC 5612 sets aside for examples. */
export const SYSLOG_SD_ID = 'audit@32473';

const printable = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';
/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped in a PARAM-VALUE. */
const sdValue = (s: string) => s.replace(/[\\"\]]/g, (c) => `\\${c}`);

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM MSG`, MSG the event's JSON. */
export function syslogMessage(e: WireEvent, org: StreamOrg, hostname: string): string {
  const pri = FACILITY_LOG_AUDIT * 8 + (e.outcome === 'success' ? 6 : 4);
  const params: [string, string][] = [
    ['id', e.id],
    ['seq', String(e.chain_seq)],
    ['org', orgLabel(org)],
    ['outcome', e.outcome],
    ['hash', e.hash],
    ['prev', e.prev_hash],
    ['org_prev', e.org_prev_hash],
  ];
  const sd = `[${SYSLOG_SD_ID} ${params.map(([k, v]) => `${k}="${sdValue(v)}"`).join(' ')}]`;
  return `<${pri}>1 ${e.occurred_at} ${printable(hostname, 255)} partnergate - ${printable(e.action, 32)} ${sd} \uFEFF${JSON.stringify(e)}`;
}

/** RFC 5425 §4.3 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes of the UTF-8 message. */
export function octetFrame(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}

// ---- OTLP logs (OpenTelemetry protocol, JSON encoding) -------------------------------------

const str = (key: string, v: string | null) => (v === null ? [] : [{ key, value: { stringValue: v } }]);

/** An ExportLogsServiceRequest (opentelemetry-proto logs/v1) in the OTLP/HTTP JSON encoding: one resource, one scope. */
export function otlpLogsRequest(events: readonly WireEvent[], org: StreamOrg, observedAt: Date) {
  const observed = `${BigInt(observedAt.getTime()) * 1_000_000n}`;
  return {
    resourceLogs: [
      {
        resource: { attributes: [...str('service.name', 'partnergate'), ...str('partnergate.organization', orgLabel(org))] },
        scopeLogs: [
          {
            scope: { name: 'partnergate.audit', version: '1' },
            logRecords: events.map((e) => ({
              timeUnixNano: `${BigInt(Date.parse(e.occurred_at)) * 1_000_000n}`,
              observedTimeUnixNano: observed,
              severityNumber: e.outcome === 'success' ? 9 : 13,
              severityText: e.outcome === 'success' ? 'INFO' : 'WARN',
              eventName: e.action,
              body: { stringValue: JSON.stringify(e) },
              attributes: [
                ...str('event.id', e.id),
                ...str('partnergate.audit.action', e.action),
                ...str('partnergate.audit.outcome', e.outcome),
                { key: 'partnergate.audit.chain_seq', value: { intValue: String(e.chain_seq) } },
                ...str('partnergate.audit.hash', e.hash),
                ...str('partnergate.audit.org_prev_hash', e.org_prev_hash),
                ...str('partnergate.tenant_id', e.tenant_id),
                ...str('partnergate.partner_id', e.partner_id),
              ],
            })),
          },
        ],
      },
    ],
  };
}
