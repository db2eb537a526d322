/** Wire shapes of access templates, access requests and approval policies. */
import { Id, Nullable, PageQuery, Slug, Strict, Timestamp, Type } from '../../platform/http/schemas.ts';

const Days = (what: string, max = 730) => Type.Integer({ minimum: 1, maximum: max, description: what });
/** Permission names are checked by the service (400 invalid_permission), so a bad name gets that code. */
const Grants = Type.Array(Type.String({ maxLength: 128 }), { maxItems: 50, description: 'permissions granted on top of the role, e.g. billing.invoices.read or support.*' });
const Role = Type.String({ minLength: 1, maxLength: 64, description: 'a delegation role (GET /api/v1/roles?catalog=delegation), e.g. MSP_SUPPORT' });
const BanRef = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'billing account id (ban_…) or account number' });
const Sentence = Type.Object({ name: Type.String(), sentence: Type.String({ description: 'the permission in words, e.g. "read invoices"' }) });
const Person = Type.Object({ id: Type.String(), name: Nullable(Type.String()) });

export const TemplateParams = Strict({ template_id: Id('atpl') });
export const PartnerParams = Strict({ partner_id: Id('ptr') });
export const PartnerTemplateParams = Strict({ partner_id: Id('ptr'), template_id: Id('atpl') });
export const PartnerRequestParams = Strict({ partner_id: Id('ptr'), request_id: Id('areq') });
export const TenantParams = Strict({ tenant_id: Id('tnt') });
export const TenantRequestParams = Strict({ tenant_id: Id('tnt'), request_id: Id('areq') });

export const TemplateBody = Strict({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  description: Type.String({ minLength: 1, maxLength: 500 }),
  role: Role,
  grants: Type.Optional(Grants),
  max_days: Days('the longest a partner may ask for with this template, in days'),
  default_days: Type.Optional(Days('what the request form proposes (default max_days)')),
});

export const TemplatePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    role: Type.Optional(Role),
    grants: Type.Optional(Grants),
    max_days: Type.Optional(Days('the longest a partner may ask for, in days')),
    default_days: Type.Optional(Days('what the request form proposes')),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')], { description: 'archived: no new request may use it' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TemplateStatusQuery = Strict({ status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])) });

export const TemplateDto = Type.Object(
  {
    id: Type.String(),
    owner: Type.String({ description: 'platform (the operator’s, offered to every partner) or partner (one partner’s own)' }),
    partner_id: Nullable(Type.String()),
    name: Type.String(),
    description: Type.String(),
    role: Type.String(),
    role_name: Type.String(),
    grants: Type.Array(Type.String()),
    permissions: Type.Array(Sentence, { description: 'every permission the template gives, in words' }),
    max_days: Type.Integer(),
    default_days: Type.Integer(),
    status: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'AccessTemplate' },
);
export const TemplateList = Type.Object({ data: Type.Array(TemplateDto) }, { title: 'AccessTemplateList' });

export const RequestBody = Strict({
  template_id: Id('atpl'),
  tenant_slug: Type.Optional(Slug),
  invite_code: Type.Optional(Type.String({ minLength: 4, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' })),
  ban_ids: Type.Optional(Nullable(Type.Array(BanRef, { minItems: 1, maxItems: 200, description: 'null or absent: every billing account of the tenant' }))),
  duration_days: Days('how long the access lasts once approved, at most the template’s max_days'),
  justification: Type.String({ minLength: 3, maxLength: 1000, description: 'why: the tenant’s admins read it in the request' }),
});

export const RejectBody = Strict({ reason: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))) });

const Status = Type.Union(['pending', 'approved', 'rejected', 'expired', 'withdrawn'].map((s) => Type.Literal(s)));
export const RequestListQuery = Strict({ status: Type.Optional(Status), ...PageQuery });

export const RequestDto = Type.Object(
  {
    id: Type.String(),
    tenant: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }),
    partner: Type.Object({ id: Type.String(), name: Type.String() }),
    template: Type.Object({ id: Type.String(), name: Type.String() }),
    role: Type.String(),
    role_name: Type.String(),
    grants: Type.Array(Type.String()),
    permissions: Type.Array(Sentence),
    ban_ids: Nullable(Type.Array(Type.String())),
    ban_numbers: Nullable(Type.Array(Type.String(), { description: 'the billing accounts by number; null: all of them' })),
    duration_days: Type.Integer(),
    justification: Type.String(),
    sentence: Type.String({ description: 'the request in words: "Acme Support asks to read invoices … on BAN 1002 for 30 days because …"' }),
    status: Type.String({ description: 'pending, approved, rejected, expired or withdrawn' }),
    approvals_required: Type.Integer({ description: 'approvers the tenant’s policy asked for when the request was made' }),
    approvals: Type.Array(Type.Object({ user_id: Type.String(), name: Nullable(Type.String()), approved_at: Timestamp }), { description: 'who approved so far (tenant side only; empty for the partner)' }),
    requested_by: Person,
    requested_at: Timestamp,
    expires_at: Timestamp,
    decided_by: Nullable(Person),
    decided_at: Nullable(Timestamp),
    decision_reason: Nullable(Type.String()),
    delegation_id: Nullable(Type.String({ description: 'the delegation approval created' })),
  },
  { title: 'AccessRequest' },
);
export const RequestPage = Type.Object({ data: Type.Array(RequestDto), next_cursor: Nullable(Type.String()) }, { title: 'AccessRequestPage' });

export const PolicyBody = Strict({
  approvals_required: Type.Union([Type.Literal(1), Type.Literal(2)], { description: 'approvers every request needs' }),
  high_risk_roles: Type.Array(Role, { maxItems: 20, description: 'roles whose requests need two approvers whatever approvals_required says' }),
  expiry_days: Type.Integer({ minimum: 1, maximum: 30, description: 'days a request waits for an answer before it expires' }),
  reminder_days: Type.Integer({ minimum: 0, maximum: 29, description: 'days before expiry the approvers still to answer are e-mailed (0: no reminder)' }),
});
export const PolicyDto = Type.Object(
  {
    approvals_required: Type.Integer(),
    high_risk_roles: Type.Array(Type.String()),
    expiry_days: Type.Integer(),
    reminder_days: Type.Integer(),
    customized: Type.Boolean({ description: 'false while the tenant keeps the default policy' }),
    updated_at: Nullable(Timestamp),
  },
  { title: 'ApprovalPolicy' },
);
