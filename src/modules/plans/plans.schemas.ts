import { Type, Strict, Id, Nullable } from '../../platform/http/schemas.ts';

/** Money: integer minor units (cents), at most 1,000,000.00 in the plan's currency. */
const MinorUnits = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'integer minor units of the currency (cents)' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR' });
const SegmentSchema = Type.Union([Type.Literal('basic'), Type.Literal('company'), Type.Literal('advanced')]);
const KycStateSchema = Type.Union([Type.Literal('guest'), Type.Literal('pending'), Type.Literal('verified'), Type.Literal('rejected')]);
const FeatureKey = Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' });
const Limits = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), Type.Integer({ minimum: 0, maximum: 1_000_000_000 }), {
  description: 'named numeric limits, e.g. {"users": 25, "api_requests_per_day": 10000}',
  maxProperties: 30,
});
const SubscriptionStatus = Type.Union([Type.Literal('signing'), Type.Literal('signed'), Type.Literal('active'), Type.Literal('suspended'), Type.Literal('cancelled')]);

export const PlanParams = Strict({ plan_id: Id('pln') });
export const PartnerParams = Strict({ partner_id: Id('ptr') });
export const PartnerPlanParams = Strict({ partner_id: Id('ptr'), plan_id: Id('pln') });
export const PartnerCustomerParams = Strict({ partner_id: Id('ptr'), tenant_id: Id('tnt') });
export const PartnerKycParams = Strict({ partner_id: Id('ptr'), case_id: Id('kyc') });
export const PartnerDocumentParams = Strict({ partner_id: Id('ptr'), case_id: Id('kyc'), document_id: Id('kdoc') });
export const PartnerSubscriptionParams = Strict({ partner_id: Id('ptr'), subscription_id: Id('sub') });
export const TenantParams = Strict({ tenant_id: Id('tnt') });
export const TenantSubscriptionParams = Strict({ tenant_id: Id('tnt'), subscription_id: Id('sub') });

const planFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.String({ maxLength: 1000 }),
  features: Type.Array(FeatureKey, { maxItems: 50 }),
  limits: Limits,
  price_minor: MinorUnits,
  currency: Currency,
  segments: Type.Array(SegmentSchema, { minItems: 1, maxItems: 3, description: 'the customer segments the plan is for' }),
  grace_days: Type.Integer({ minimum: 0, maximum: 90, description: 'days an invoice may stay unpaid past its due date before the subscription is suspended' }),
  terms: Type.String({ minLength: 1, maxLength: 20_000, description: 'the exact terms a customer accepts when signing' }),
};

export const CreatePlanBody = Strict(planFields);
export const UpdatePlanBody = Type.Object(
  {
    name: Type.Optional(planFields.name),
    description: Type.Optional(planFields.description),
    features: Type.Optional(planFields.features),
    limits: Type.Optional(planFields.limits),
    price_minor: Type.Optional(planFields.price_minor),
    currency: Type.Optional(planFields.currency),
    segments: Type.Optional(planFields.segments),
    grace_days: Type.Optional(planFields.grace_days),
    terms: Type.Optional(planFields.terms),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('retired')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PlanDto = Type.Object(
  {
    id: Type.String(),
    ...planFields,
    status: Type.String(),
    terms_sha256: Type.String({ description: 'SHA-256 (hex) of the terms as they are now' }),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Plan' },
);

export const AllowPlanBody = Strict({ min_price_minor: MinorUnits, max_price_minor: MinorUnits });
export const OfferBody = Type.Object({ price_minor: Type.Optional(MinorUnits), offered: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 });

export const PartnerPlanDto = Type.Object(
  {
    plan_id: Type.String(),
    plan_name: Type.String(),
    currency: Type.String(),
    list_price_minor: Type.Integer({ description: "the operator's list price" }),
    min_price_minor: Type.Integer(),
    max_price_minor: Type.Integer(),
    price_minor: Type.Integer({ description: "the partner's price" }),
    status: Type.String({ description: 'allowed (not shown to customers), offered, or revoked by the operator' }),
    updated_at: Type.String(),
  },
  { title: 'PartnerPlan' },
);

export const SubscriptionDto = Type.Object(
  {
    id: Type.String(),
    tenant_id: Type.String(),
    tenant_name: Nullable(Type.String()),
    plan_id: Type.String(),
    plan_name: Nullable(Type.String()),
    status: SubscriptionStatus,
    price_minor: Type.Integer(),
    currency: Type.String(),
    terms_sha256: Type.String(),
    signed_by: Nullable(Type.String()),
    signed_at: Nullable(Type.String()),
    activated_at: Nullable(Type.String()),
    suspended_at: Nullable(Type.String()),
    suspension_kind: Nullable(Type.String()),
    suspension_reason: Nullable(Type.String()),
    cancelled_at: Nullable(Type.String()),
    created_at: Type.String(),
  },
  { title: 'Subscription' },
);

export const CustomerDto = Type.Object(
  {
    tenant_id: Type.String(),
    name: Type.String(),
    partner_id: Type.String(),
    partner_name: Type.String(),
    segment: SegmentSchema,
    kyc_status: KycStateSchema,
    subscription: Nullable(SubscriptionDto),
  },
  { title: 'PlanCustomer' },
);

export const SegmentBody = Strict({ segment: SegmentSchema });

export const KycDocumentDto = Type.Object(
  { id: Type.String(), filename: Type.String(), content_type: Type.String(), size_bytes: Type.Integer(), sha256: Type.String(), created_at: Type.String() },
  { title: 'KycDocument' },
);

export const KycCaseDto = Type.Object(
  {
    id: Type.String(),
    tenant_id: Type.String(),
    tenant_name: Nullable(Type.String()),
    kind: Type.String(),
    status: Type.String({ description: 'submitted (waiting for review), verified or rejected' }),
    reason: Nullable(Type.String()),
    submitted_at: Type.String(),
    reviewed_at: Nullable(Type.String()),
  },
  { title: 'KycCase' },
);

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
export const KycDetails = Type.Object(
  {
    full_name: Type.Optional(Text(200)),
    date_of_birth: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    id_number: Type.Optional(Text(64)),
    company_name: Type.Optional(Text(200)),
    registration_number: Type.Optional(Text(64)),
    vat_number: Type.Optional(Text(64)),
    address: Type.Optional(Text(500)),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
  },
  { additionalProperties: false, title: 'KycDetails' },
);

export const KycBody = Strict({
  kind: Type.Union([Type.Literal('individual'), Type.Literal('company')]),
  details: KycDetails,
  documents: Type.Array(
    Strict({
      filename: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\]+$' }),
      content_type: Type.String({ maxLength: 100, description: 'application/pdf, image/png or image/jpeg' }),
      content_base64: Type.String({ minLength: 4, maxLength: 1_500_000, contentEncoding: 'base64', description: 'the file, base64-encoded (at most 1 MiB decoded)' }),
    }),
    { minItems: 1, maxItems: 3 },
  ),
});

export const KycCaseDetailDto = Type.Object(
  { case: KycCaseDto, details: Type.Record(Type.String(), Type.String()), documents: Type.Array(KycDocumentDto) },
  { title: 'KycCaseDetail' },
);

export const ReviewBody = Strict({ decision: Type.Union([Type.Literal('verify'), Type.Literal('reject')]), reason: Type.Optional(Type.String({ maxLength: 1000 })) });
export const ReasonBody = Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) });
export const SuspendBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });

export const PlanAccountDto = Type.Object(
  { customer: Nullable(CustomerDto), kyc: Nullable(KycCaseDto), documents: Type.Array(KycDocumentDto) },
  { title: 'PlanAccount' },
);

export const AvailablePlanDto = Type.Object(
  {
    plan: PlanDto,
    price_minor: Type.Integer({ description: "the provider's price" }),
    eligible: Type.Boolean(),
    refusal: Nullable(Type.String({ description: 'why not: plan_not_offered, plan_retired, kyc_required, kyc_pending, kyc_rejected, segment_not_eligible' })),
    reason: Nullable(Type.String()),
  },
  { title: 'AvailablePlan' },
);

export const SubscribeBody = Strict({ plan_id: Id('pln') });
export const SubscribeDto = Type.Object({ subscription: SubscriptionDto, terms: Type.String() }, { title: 'SubscriptionWithTerms' });
export const TermsDto = Type.Object({ terms: Type.String(), terms_sha256: Type.String() }, { title: 'SubscriptionTerms' });
export const SignBody = Strict({ accept: Type.Literal(true), terms_sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
