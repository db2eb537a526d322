import { Type, Strict, Email, Name, Id, Slug, Nullable, Language } from '../../platform/http/schemas.ts';
import { CAPABILITIES } from './partners.service.ts';
import { InvitationIdParam } from '../identity/index.ts';

export const Capability = Type.Union(CAPABILITIES.map((c) => Type.Literal(c)));
export const PartnerRole = Type.Union([Type.Literal('PARTNER_OWNER'), Type.Literal('PARTNER_STAFF')]);
const Url = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 });

export const PartnerDto = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  website: Nullable(Type.String()),
  contact_email: Type.String(),
  description: Nullable(Type.String()),
  status: Type.String({ description: 'applied | active | suspended | terminated | rejected' }),
  status_reason: Nullable(Type.String()),
  capabilities: Type.Array(Type.String()),
  requested_capabilities: Type.Array(Type.String()),
  feature_toggles: Type.Record(Type.String(), Type.Boolean()),
  home_tenant_id: Nullable(Type.String()),
  applied_at: Type.String(),
  approved_at: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  locale: Nullable(Type.String({ description: "the default language of the organization's people; null = each person's browser's" })),
}, { title: 'Partner' });

export const PartnerMemberDto = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  member_status: Type.String({ description: 'active or inactive membership' }),
  status: Type.String({ description: 'the user account status' }),
  created_at: Type.String(),
  member_role: Type.Union([Type.String(), Type.Null()], { description: 'the role inside the MSP (partner_msp_full, partner_msp_billing, partner_msp_support, partner_auditor); null = full' }),
}, { title: 'PartnerMember' });

export const MEMBER_ROLES = ['partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const MemberRoleBody = Strict({
  member_role: Type.Union(MEMBER_ROLES.map((r) => Type.Literal(r)), { description: 'full: everything the link allows · billing: invoices and billing alerts · support: tickets and SLA · auditor: read only' }),
});

export const PartnerParams = Strict({ partner_id: Id('ptr') });
export const PartnerMemberParams = Strict({ partner_id: Id('ptr'), user_id: Id('usr') });

export const ApplicationBody = Strict({
  name: Name,
  slug: Type.Optional(Slug),
  website: Type.Optional(Url),
  contact_email: Email,
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  requested_capabilities: Type.Optional(Type.Array(Capability, { maxItems: 4 })),
  owner: Strict({ name: Name, email: Email, password: Type.String({ minLength: 1, maxLength: 200 }) }),
});

/** A partner the operator makes, active at once (partner-creation.ts); also one line of an NDJSON import. */
export const CreatePartnerBody = Strict({
  name: Name,
  slug: Type.Optional(Slug),
  website: Type.Optional(Url),
  contact_email: Email,
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  capabilities: Type.Array(Capability, { minItems: 1, maxItems: 4, description: 'what the partner may do; granted as an approval grants them' }),
  owner: Strict({ email: Email }, { description: 'its first owner, invited by e-mail (the invitation link is returned once)' }),
  configuration_template: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the id or slug of a partner whose configuration the new partner starts from' })),
  plans: Type.Optional(
    Type.Array(
      Strict({
        plan: Type.String({ minLength: 1, maxLength: 200, description: 'a plan of the catalog, by id or name' }),
        min_price_minor: Type.Optional(Type.Integer({ minimum: 0 })),
        max_price_minor: Type.Optional(Type.Integer({ minimum: 0 })),
      }),
      { maxItems: 50, description: 'the plans it may offer, each within a price range (the plan’s price when none is given)' },
    ),
  ),
});

export const ListPartnersQuery = Strict({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.Union(['applied', 'active', 'suspended', 'terminated', 'rejected'].map((s) => Type.Literal(s)))),
  capability: Type.Optional(Capability),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Id('ptr')),
});

export const UpdatePartnerBody = Strict({
  name: Type.Optional(Name),
  website: Type.Optional(Nullable(Url)),
  contact_email: Type.Optional(Email),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  locale: Type.Optional(Nullable(Language("the default language of the partner's people (each may choose their own); null = their browser's"))),
});

export const ApproveBody = Strict({ capabilities: Type.Array(Capability, { minItems: 1, maxItems: 4 }) });
export const ReasonBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
export const OptionalReasonBody = Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) });
export const CapabilitiesBody = Strict({ capabilities: Type.Array(Capability, { maxItems: 4 }) });
export const FeatureTogglesBody = Strict({
  // every key is matched here (its value must be a boolean); the service checks each name against the permissions (400 invalid_permission)
  feature_toggles: Type.Record(Type.String(), Type.Boolean(), {
    maxProperties: 100,
    description: 'Feature name → on/off. A name is a permission or a dotted prefix of known permissions (e.g. `orders`, `billing.invoices.export`); switched off, it refuses every permission it covers.',
  }),
});

export const AddPartnerMemberBody = Strict({ email: Email, role: PartnerRole });
export const PartnerInvitationParams = Strict({ partner_id: Id('ptr'), ...InvitationIdParam });
export const UpdatePartnerMemberBody = Strict({
  role: Type.Optional(PartnerRole),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')])),
});
export type CapabilityT = (typeof import('./partners.service.ts').CAPABILITIES)[number];

/** The CSV (or NDJSON) of partners the operator imports, sent as text. */
export const PARTNER_IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const PartnerImportBody = Strict({
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { description: 'csv: a header row, then one partner per row (GET /api/v1/partner-imports/template); ndjson: one POST /api/v1/partners body per line' }),
  content: Type.String({ minLength: 1, maxLength: PARTNER_IMPORT_MAX_BYTES, description: 'the file’s text' }),
});
const ImportRowDto = Type.Object({
  row: Type.Integer({ description: 'the row’s number in the file (CSV: the header is row 1; NDJSON: the line)' }),
  name: Nullable(Type.String()),
  slug: Nullable(Type.String({ description: 'the short name the partner gets (made from the name when the row has none)' })),
  owner_email: Nullable(Type.String()),
  status: Type.String({ description: 'preview: ready | invalid; apply: created | invalid (not made: nothing of the row was kept)' }),
  partner_id: Nullable(Type.String()),
  errors: Type.Array(Type.Object({ field: Nullable(Type.String()), reason: Type.String() })),
});
export const PartnerImportReport = Type.Object(
  {
    format: Type.String(),
    rows: Type.Integer(),
    ready: Type.Integer(),
    invalid: Type.Integer(),
    created: Type.Integer(),
    results: Type.Array(ImportRowDto),
  },
  { title: 'PartnerImportReport' },
);
