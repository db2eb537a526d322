/** Wire shapes of eligible (just-in-time) access: link settings, activations, approvals. */
import { Type, Strict, Id, Nullable, Timestamp } from '../../platform/http/schemas.ts';

const RoleId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Z][A-Z0-9_]*$' });

export const AccessSettingsDto = Type.Object(
  {
    eligible: Type.Boolean({ description: "true: the link's own role grants nothing until a partner member activates it for a while" }),
    eligible_roles: Type.Array(Type.String(), { description: "roles granted on top of the link's standing role only while a partner member's activation is open" }),
    max_activation_minutes: Type.Integer({ description: 'the longest activation the tenant allows' }),
    approval_required: Type.Boolean({ description: 'an activation waits for a tenant admin to approve it' }),
    auto_extend: Type.Boolean({ description: 'the link is extended by auto_extend_days when it reaches its end date (on unless the tenant opts out)' }),
    auto_extend_days: Type.Integer(),
    privileged_roles: Type.Array(Type.String(), { description: 'roles the tenant calls privileged: a link with one of them never auto-extends' }),
  },
  { title: 'AccessSettings' },
);

export const AccessSettingsList = Type.Object(
  { data: Type.Array(Type.Object({ delegation_id: Type.String(), ...AccessSettingsDto.properties }, { title: 'LinkAccessSettings' })), defaults: AccessSettingsDto },
  { title: 'AccessSettingsList' },
);

export const AccessSettingsBody = Strict(
  {
    eligible: Type.Optional(Type.Boolean()),
    eligible_roles: Type.Optional(Type.Array(RoleId, { maxItems: 20 })),
    max_activation_minutes: Type.Optional(Type.Integer({ minimum: 15, maximum: 1440 })),
    approval_required: Type.Optional(Type.Boolean()),
    auto_extend: Type.Optional(Type.Boolean()),
    auto_extend_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    privileged_roles: Type.Optional(Type.Array(RoleId, { maxItems: 50 })),
  },
  { title: 'AccessSettingsChange' },
);

export const ActivateBody = Strict(
  {
    minutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'how long the access stays active (at most what the tenant allows)' }),
    justification: Type.String({ minLength: 1, maxLength: 500, description: 'why the access is needed (the tenant sees it)' }),
  },
  { title: 'Activate' },
);

export const DecideActivationBody = Strict({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { title: 'ActivationDecision' });

export const ActivationDto = Type.Object(
  {
    id: Type.String(),
    delegation_id: Type.String(),
    tenant: Type.Object({ id: Type.String(), name: Type.String() }),
    partner: Type.Object({ id: Type.String(), name: Type.String() }),
    user: Type.Object({ id: Type.String(), name: Nullable(Type.String()), email: Nullable(Type.String()) }),
    role: Type.String(),
    status: Type.String({ description: 'waiting (for approval), active, ended, rejected or cancelled' }),
    justification: Type.String(),
    minutes: Type.Integer(),
    requested_at: Timestamp,
    starts_at: Nullable(Timestamp),
    ends_at: Nullable(Timestamp),
    decided_by: Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) })),
    decided_at: Nullable(Timestamp),
    decision_reason: Nullable(Type.String()),
  },
  { title: 'Activation' },
);

export const ActivationList = Type.Object({ data: Type.Array(ActivationDto), waiting: Type.Integer({ description: 'activations waiting for approval' }) }, { title: 'ActivationList' });

export const EligibleAccessDto = Type.Object(
  {
    delegation_id: Type.String(),
    tenant: Type.Object({ id: Type.String(), name: Type.String() }),
    role: Type.String({ description: "the link's own role" }),
    standing: Type.Boolean({ description: "the link's own role works without activation" }),
    eligible_roles: Type.Array(Type.String(), { description: 'roles an activation turns on (besides the link role when it is not standing)' }),
    link_ends_at: Timestamp,
    max_activation_minutes: Type.Integer(),
    approval_required: Type.Boolean(),
    my_activation: Nullable(ActivationDto),
  },
  { title: 'EligibleAccess' },
);
export const EligibleAccessList = Type.Object({ data: Type.Array(EligibleAccessDto) }, { title: 'EligibleAccessList' });

export const ActivationStatusQuery = Strict({ status: Type.Optional(Type.Union(['pending', 'active', 'rejected', 'cancelled'].map((s) => Type.Literal(s)))) });
export const TenantActivationParams = Strict({ tenant_id: Id('tnt'), activation_id: Id('act') });
export const PartnerActivationParams = Strict({ partner_id: Id('ptr'), activation_id: Id('act') });
