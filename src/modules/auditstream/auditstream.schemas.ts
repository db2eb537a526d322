/** Wire shapes of audit streaming destinations, the audit export and retention. */
import type { TSchema } from 'typebox';
import { Id, Name, Nullable, Strict, Timestamp, Type } from '../../platform/http/schemas.ts';

const Kind = Type.Union([Type.Literal('webhook'), Type.Literal('syslog'), Type.Literal('otlp')], {
  description: 'webhook: signed HTTPS POST (Standard Webhooks); syslog: RFC 5424 over TLS (RFC 5425); otlp: OpenTelemetry logs over HTTP (JSON)',
});

export const AuditDestinationDto = Type.Object(
  {
    id: Type.String(),
    kind: Kind,
    name: Type.String(),
    address: Type.String({ description: 'webhook and otlp: a URL; syslog: host:port' }),
    ca_pinned: Type.Boolean({ description: 'syslog: a CA certificate was given for the receiver' }),
    has_authorization: Type.Boolean({ description: 'otlp: an Authorization header is sent (its value is never returned)' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('paused')]),
    backlog: Type.Integer({ description: 'events waiting for this destination' }),
    delivered_count: Type.Integer(),
    last_delivered_at: Nullable(Timestamp),
    last_error: Nullable(Type.String({ description: 'why the last send failed, in words; null after a success' })),
    last_error_at: Nullable(Timestamp),
    failures: Type.Integer({ description: 'failed sends in a row' }),
    next_attempt_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'AuditDestination' },
);

export const CreatedAuditDestinationDto = Type.Object(
  {
    destination: AuditDestinationDto,
    secret: Nullable(Type.String({ description: 'webhook: the signing secret (whsec_…), shown this once' })),
  },
  { title: 'CreatedAuditDestination' },
);

export const CreateAuditDestinationBody = Strict({
  kind: Kind,
  name: Name,
  address: Type.String({ minLength: 3, maxLength: 2000 }),
  ca_pem: Type.Optional(Type.String({ maxLength: 20_000, description: "syslog: the receiver's CA certificate in PEM, when it is not publicly trusted" })),
  authorization: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'otlp: the Authorization header value the collector expects (stored encrypted, never returned)' })),
});

export const UpdateAuditDestinationBody = Strict({
  name: Type.Optional(Name),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')])),
});

export const AuditTestResult = Type.Object(
  { delivered: Type.Boolean(), error: Nullable(Type.String()) },
  { title: 'AuditDestinationTestResult' },
);

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const WireEventDto = Type.Object(
  {
    chain_seq: Type.Integer(),
    id: Type.String(),
    occurred_at: Type.String(),
    actor_type: Type.String(),
    actor_user_id: Nullable(Type.String()),
    actor_partner_id: Nullable(Type.String()),
    actor_client_id: Nullable(Type.String()),
    partner_agency_id: Nullable(Type.String()),
    tenant_id: Nullable(Type.String()),
    partner_id: Nullable(Type.String()),
    ban: Nullable(Type.String()),
    action: Type.String(),
    target_type: Nullable(Type.String()),
    target_id: Nullable(Type.String()),
    outcome: Type.String(),
    request_id: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    user_agent: Nullable(Type.String()),
    details: Type.String({ description: 'the JSON text the hash covers, exactly as stored' }),
    prev_hash: Hash,
    hash: Hash,
    org_prev_hash: Hash,
    redacted: Type.Boolean(),
  },
  { title: 'ExportedAuditEvent' },
);

const Org = Type.Union([
  Type.Object({ type: Type.Literal('tenant'), id: Type.String() }),
  Type.Object({ type: Type.Literal('partner'), id: Type.String() }),
  Type.Object({ type: Type.Literal('platform') }),
]);

export const AuditExportPage = Type.Object(
  {
    organization: Org,
    prev_hash: Hash,
    events: Type.Array(WireEventDto),
    last_hash: Hash,
    next_cursor: Nullable(Type.String()),
  },
  { title: 'AuditExportPage' },
);

export const AuditExportQuery = Strict({
  since: Timestamp,
  until: Timestamp,
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const AuditRetentionDto = Type.Object(
  {
    days: Nullable(Type.Integer({ description: 'null: kept for ever' })),
    checkpoint_seq: Nullable(Type.Integer()),
    checkpoint_hash: Nullable(Hash),
    deleted_count: Type.Integer(),
    swept_at: Nullable(Timestamp),
  },
  { title: 'AuditRetention' },
);

export const AuditRetentionBody = Strict({ days: Nullable(Type.Integer({ minimum: 1, maximum: 3650 })) });

const scopeParam = (scope: 'tenant' | 'partner' | 'platform'): Record<string, TSchema> =>
  scope === 'tenant' ? { tenant_id: Id('tnt') } : scope === 'partner' ? { partner_id: Id('ptr') } : {};
export const ScopeParams = (scope: 'tenant' | 'partner' | 'platform') => Strict(scopeParam(scope));
export const DestinationParams = (scope: 'tenant' | 'partner' | 'platform') => Strict({ ...scopeParam(scope), destination_id: Id('ads') });
