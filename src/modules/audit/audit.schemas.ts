import { Type, Strict, Nullable } from '../../platform/http/schemas.ts';

export const AuditEventDto = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  occurred_at: Type.String(),
  action: Type.String(),
  outcome: Type.String(),
  actor: Type.Object({
    type: Type.String(),
    user_id: Nullable(Type.String()),
    partner_id: Nullable(Type.String()),
    client_id: Nullable(Type.String()),
    agency_id: Nullable(Type.String()),
    name: Nullable(Type.String({ description: 'the app or agency that acted, named when the reader may know it' })),
  }),
  tenant_id: Nullable(Type.String()),
  partner_id: Nullable(Type.String()),
  ban: Nullable(Type.String()),
  target: Type.Object({
    type: Nullable(Type.String()),
    id: Nullable(Type.String()),
    name: Nullable(Type.String({ description: 'the target named, when the reader may know the name: a tenant, partner, app or agency by its name, a delegation by its other party (both for the operator), an invitation by the address it went to' })),
  }),
  tenant_name: Nullable(Type.String({ description: 'the tenant the event is about, named when the reader may know the name' })),
  request_id: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  hash: Nullable(Type.String({ description: 'the event\'s link in the hash chain; null for the moment (well under a second) between its commit and its sealing into the chain' })),
  actor_name: Type.Optional(Nullable(Type.String({ description: 'the acting person, named (tenant view)' }))),
  actor_email: Type.Optional(Nullable(Type.String())),
  actor_org: Type.Optional(
    Nullable(
      Type.Object({
        kind: Type.Union([Type.Literal('platform'), Type.Literal('tenant')]),
        name: Nullable(Type.String()),
      }, { description: "a partner's view: who acted when it was not one of the partner's people — the platform's operators, or a person of the tenant named here" }),
    ),
  ),
  partner_name: Type.Optional(Nullable(Type.String({ description: 'the partner the event is about or acted, named (tenant view)' }))),
}, { title: 'AuditEvent' });

const common = {
  action: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z_]+(\\.[a-z_]+)*(\\.\\*)?$', description: 'exact action, or a prefix ending in .*' })),
  actor_user_id: Type.Optional(Type.String({ maxLength: 40 })),
  target_id: Type.Optional(Type.String({ maxLength: 64 })),
  agency_id: Type.Optional(Type.String({ maxLength: 40, description: 'events done by or about this agency' })),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')])),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
};

/** Filters for the operator's view. */
export const AuditQuery = Strict({
  ...common,
  tenant_id: Type.Optional(Type.String({ maxLength: 40 })),
  partner_id: Type.Optional(Type.String({ maxLength: 40 })),
});

/** Filters inside a tenant's or a partner's own view. */
export const ScopedAuditQuery = Strict(common);

/** The tenant's view also filters by partner ("which partner person did what"). */
export const TenantAuditQuery = Strict({ ...common, partner_id: Type.Optional(Type.String({ pattern: '^ptr_[0-9a-z]{26}$', description: 'only events of this partner (about it or done by its people)' })) });

export const AuditPage = Type.Object({ data: Type.Array(AuditEventDto), next_cursor: Nullable(Type.String()) });
