import { ListQueryCommon } from '../../platform/http/list-params.ts';
import { Type, Strict, Id, Slug, Nullable, Timestamp, PageQuery } from '../../platform/http/schemas.ts';

const Origin = Type.Union(['link', 'consent', 'wholesale'].map((s) => Type.Literal(s)));

/** Permission names are checked by the service (400 invalid_permission), not by the schema, so a bad name gets that code. */
const PermissionList = Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100 });

export const OverridesBody = Strict(
  { grant: Type.Optional(PermissionList), deny: Type.Optional(PermissionList) },
  { description: 'Permission grants added to the role, and denies that always win. Names like billing.invoices.read or billing.*' },
);

const BanRef = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'billing account id (ban_…) or account number' });
const BanList = Nullable(Type.Array(BanRef, { minItems: 1, maxItems: 200, description: 'null or absent: every billing account of the tenant' }));

export const DelegationDto = Type.Object({
  id: Type.String(),
  partner: Type.Object({ id: Type.String(), name: Nullable(Type.String()), slug: Nullable(Type.String()) }),
  tenant: Type.Object({ id: Type.String(), name: Nullable(Type.String()), slug: Nullable(Type.String()) }),
  origin: Type.String(),
  role: Type.String(),
  scopes: Nullable(Type.Array(Type.String())),
  purposes: Nullable(Type.Array(Type.String(), { description: 'the purposes (catalog ids, GET /api/v1/purposes) the access is granted for and not revoked; null: none recorded' })),
  ban_ids: Nullable(Type.Array(Type.String())),
  overrides: Type.Object({ grant: Type.Array(Type.String()), deny: Type.Array(Type.String()) }),
  status: Type.String(),
  justification: Nullable(Type.String()),
  starts_at: Type.String(),
  ends_at: Type.String(),
  renewal_ends_at: Nullable(Type.String()),
  renewal_requested_by: Nullable(Type.String({ description: 'who asked for the pending renewal: they can never approve it, another tenant admin must' })),
  client_id: Nullable(Type.String()),
  bill_to_ban_id: Nullable(Type.String()),
  requested_by: Nullable(Type.String()),
  requested_at: Type.String(),
  decided_by: Nullable(Type.String()),
  decided_at: Nullable(Type.String()),
  revoked_by: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
  revoke_reason: Nullable(Type.String()),
  approver_active: Type.Optional(
    Nullable(
      Type.Boolean({
        description:
          'active link or consent: is the tenant admin who approved it (decided_by) still an active TENANT_ADMIN? false = refused with delegation_approver_inactive until a current admin confirms it; null = does not apply',
      }),
    ),
  ),
  created_at: Type.String(),
  updated_at: Type.String(),
}, { title: 'Delegation' });

export const DelegationPage = Type.Object({ data: Type.Array(DelegationDto), next_cursor: Nullable(Type.String()) });

export const ListQuery = Strict({
  status: Type.Optional(Type.String({ pattern: '^(requested|active|expired|revoked|rejected)(,(requested|active|expired|revoked|rejected))*$', description: 'comma-separated statuses' })),
  origin: Type.Optional(Origin),
  ...PageQuery,
});

/** The fields /partner/customers sorts by. */
export const DELEGATION_SORT_FIELDS = ['tenant_name', 'created_at', 'ends_at', 'starts_at', 'status', 'role'] as const;
export const CustomerListQuery = Strict({
  ...ListQuery.properties,
  ...ListQueryCommon,
  reseller_id: Type.Optional(Id('ptr', "a distributor: only the customers it reaches through this reseller's links (none for a partner that is not its reseller)")),
});
export const TenantListQuery = Strict({ ...ListQuery.properties, partner_id: Type.Optional(Id('ptr')) });
export const PartnerListQuery = Strict({ ...ListQuery.properties, tenant_id: Type.Optional(Id('tnt')) });
export const OperatorListQuery = Strict({ ...ListQuery.properties, partner_id: Type.Optional(Id('ptr')), tenant_id: Type.Optional(Id('tnt')) });

export const RequestLinkBody = Strict({
  tenant_slug: Type.Optional(Slug),
  invite_code: Type.Optional(Type.String({ minLength: 4, maxLength: 40, pattern: '^[A-Z0-9-]+$' })),
  role: Type.String({ minLength: 1, maxLength: 40, description: 'a delegation role: MSP_FULL, MSP_BILLING, MSP_SUPPORT, MSP_PROVISIONING, ENTERPRISE_HQ, AUDITOR, DELEGATE' }),
  ban_ids: Type.Optional(BanList),
  overrides: Type.Optional(OverridesBody),
  justification: Type.String({ minLength: 1, maxLength: 2000 }),
  starts_at: Type.Optional(Timestamp),
  ends_at: Timestamp,
  purposes: Type.Optional(Nullable(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' }), { maxItems: 20, description: 'what the link is for: purposes of the catalog (GET /api/v1/purposes)' }))),
});

export const ApproveBody = Strict({ ban_ids: Type.Optional(BanList), overrides: Type.Optional(OverridesBody) });
export const ReasonBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });
export const OptionalReasonBody = Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) });
export const UpdateAccessBody = Strict({ overrides: Type.Optional(OverridesBody), ban_ids: Type.Optional(BanList) });
export const RenewBody = Strict({ ends_at: Timestamp });
export const TenantBreakGlassBody = Strict({ partner_id: Id('ptr'), reason: Type.String({ minLength: 1, maxLength: 1000 }) });
export const OperatorBreakGlassBody = Strict({ partner_id: Id('ptr'), tenant_id: Type.Optional(Id('tnt')), reason: Type.String({ minLength: 1, maxLength: 1000 }) });
export const BreakGlassResult = Type.Object({ revoked: Type.Array(Type.String()) });

export const TenantParams = Strict({ tenant_id: Id('tnt') });
export const PartnerParams = Strict({ partner_id: Id('ptr') });
export const TenantDelegationParams = Strict({ tenant_id: Id('tnt'), delegation_id: Id('dlg') });
export const TenantDelegationPurposeParams = Strict({ tenant_id: Id('tnt'), delegation_id: Id('dlg'), purpose_id: Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' }) });
export const PartnerDelegationParams = Strict({ partner_id: Id('ptr'), delegation_id: Id('dlg') });
export const DelegationParams = Strict({ delegation_id: Id('dlg') });
export const CustomerParams = Strict({ tenant_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });

export const InviteCodeDto = Type.Object({ invite_code: Nullable(Type.String({ description: 'give it to a partner so it can request a link' })) }, { title: 'InviteCode' });

/** The limited tenant view: what a partner may see of a customer. */
export const CustomerTenant = Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), status: Type.String(), tier: Type.String(), created_at: Type.String() });

export const CustomerSummary = Type.Object({
  tenant: CustomerTenant,
  delegation: DelegationDto,
  through_reseller: Nullable(
    Type.Object({ id: Type.String(), name: Type.String() }, { description: "a distributor's customer reached through one of its resellers' links (the customer's admin let it act through that link); null: your own link" }),
  ),
});

export const CustomerDetail = Type.Object({
  tenant: CustomerTenant,
  delegation: DelegationDto,
  billing_accounts: Type.Array(Type.Object({ id: Type.String(), account_number: Type.String(), name: Type.String(), status: Type.String() })),
  permissions: Type.Array(Type.String(), { description: 'the effective permissions this partner user holds on the tenant' }),
});

export const ContextDto = Type.Object({
  tenant_id: Type.String(),
  via: Type.String({ description: 'membership (a tenant of your own) or delegation' }),
  delegation_id: Nullable(Type.String()),
  role: Nullable(Type.String()),
  ban_ids: Nullable(Type.Array(Type.String(), { description: 'null: every billing account of the tenant' })),
  permissions: Type.Array(Type.String()),
}, { title: 'ActiveTenantContext' });

// ---- the link's relationship details (relationship.ts) --------------------------------------------

const Contact = Strict({
  name: Type.String({ maxLength: 120, description: 'who to call' }),
  role: Type.Optional(Nullable(Type.String({ maxLength: 120, description: 'e.g. account manager, billing contact' }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
});

export const RelationshipBody = Strict(
  {
    contract_reference: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'the contract or order form this link works under' }))),
    contacts: Type.Optional(Type.Array(Contact, { maxItems: 20, description: 'the people to call, on either side; each needs a name and an e-mail address or a phone number' })),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
    expected_version: Type.Optional(Type.Integer({ minimum: 0, description: 'the version you read; a newer one is refused with 409 relationship_changed' })),
  },
  { description: 'Only the fields sent change; the side that edits is the caller’s own, never a field of the body' },
);

export const RelationshipDto = Type.Object({
  delegation_id: Type.String(),
  contract_reference: Nullable(Type.String()),
  contacts: Type.Array(Type.Object({ name: Type.String(), role: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()) })),
  notes: Nullable(Type.String()),
  version: Type.Integer({ description: '0 until the first change' }),
  updated_at: Nullable(Type.String()),
  updated_by_name: Nullable(Type.String({ description: 'the person who made the last change, by name' })),
  updated_by_side: Nullable(Type.Union([Type.Literal('partner'), Type.Literal('tenant')], { description: 'which side made the last change' })),
});
