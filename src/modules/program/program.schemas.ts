/** The partner program's wire shapes: the contract the portal builds on. */
import { Type, Strict, Email, Name, Id, Nullable } from '../../platform/http/schemas.ts';

const Period = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'a month, YYYY-MM' });
const DateOnly = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description: 'a day, YYYY-MM-DD' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
const Minor = Type.Integer({ description: 'integer minor units (cents)' });
export const CodeString = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9-]+$' });
const PersonRef = Type.Object({ id: Type.String(), name: Type.String() });

export const PartnerParams = Strict({ partner_id: Id('ptr') });
export const CodeParams = Strict({ partner_id: Id('ptr'), code: CodeString });
export const ReferralParams = Strict({ partner_id: Id('ptr'), tenant_id: Id('tnt') });
export const PartnerAgreementParams = Strict({ partner_id: Id('ptr'), agreement_id: Id('agr') });
export const AgreementParams = Strict({ agreement_id: Id('agr') });
export const PublicCodeParams = Strict({ code: CodeString });

const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};
export const PagingQuery = Strict({ ...Paging });

export const CodeDto = Type.Object(
  {
    code: Type.String({ examples: ['TAILSPIN-7KQ2'] }),
    label: Nullable(Type.String()),
    landing_note: Nullable(Type.String()),
    active: Type.Boolean(),
    created_at: Type.String(),
    created_by: Nullable(PersonRef),
    signup_url: Type.String({ description: 'the shareable sign-up link, relative to the portal' }),
    sign_ups: Type.Integer(),
  },
  { title: 'ReferralCode' },
);
export const CreateCodeBody = Strict({
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  landing_note: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'shown to the customer on the sign-up page' })),
});
export const UpdateCodeBody = Strict({ active: Type.Boolean() });

/**
 * The limited tenant view (what a program partner may see of a referred tenant): exactly these fields. The response
 * schema is an allow-list — the serializer drops anything else — and the query selects nothing more.
 */
export const ReferralDto = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    slug: Type.String(),
    status: Type.String(),
    signup_date: Type.String({ description: 'when the tenant signed up with the code (ISO 8601)' }),
    subscription_tier: Type.String(),
    monthly_revenue_minor: Type.Integer({ description: 'paid revenue of its latest invoiced month, before tax, aggregated' }),
    currency: Type.String(),
  },
  { title: 'Referral', additionalProperties: false },
);
export const ReferralsQuery = Strict({ q: Type.Optional(Type.String({ maxLength: 100 })), ...Paging });

const EarningState = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('paid'), Type.Literal('reversed')]);

export const EarningDto = Type.Object(
  {
    id: Type.String(),
    tenant: PersonRef,
    period: Type.String({ description: 'the month of payment of the line’s invoices (YYYY-MM); a clawback’s is the paid line’s' }),
    kind: Type.Union([Type.Literal('commission'), Type.Literal('bounty'), Type.Literal('clawback')], {
      description: 'commission: on the sum of the customer’s invoices paid that month; bounty: a qualified sign-up; clawback: a refund after the payout (negative)',
    }),
    base_minor: Type.Integer({ description: 'the sum of the line’s invoices before tax (negative for a clawback)' }),
    amount_minor: Minor,
    currency: Type.String(),
    invoice_count: Type.Integer(),
    state: EarningState,
    refunded_invoice: Nullable(Type.Object({ id: Type.String(), number: Type.String() }, { description: 'a clawback: the invoice refunded after the payout' })),
    clawback_of: Nullable(Type.String({ description: 'a clawback: the paid line it takes back from' })),
    payout_id: Nullable(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Earning' },
);
export const OperatorEarningDto = Type.Object(
  { ...EarningDto.properties, partner: PersonRef },
  { title: 'OperatorEarning' },
);
export const EarningInvoiceDto = Type.Object(
  { number: Type.String(), paid_at: Nullable(Type.String()), base_minor: Type.Integer({ description: 'the invoice’s subtotal before tax' }) },
  { title: 'EarningInvoice' },
);
export const EarningDetailDto = Type.Object({ line: EarningDto, invoices: Type.Array(EarningInvoiceDto) }, { title: 'EarningDetail' });
export const PartnerEarningParams = Strict({ partner_id: Id('ptr'), earning_id: Id('ern') });
export const EarningParams = Strict({ earning_id: Id('ern') });
export const EarningsQuery = Strict({ period: Type.Optional(Period), state: Type.Optional(EarningState), ...Paging });
export const OperatorEarningsQuery = Strict({ partner_id: Type.Optional(Id('ptr')), period: Type.Optional(Period), state: Type.Optional(EarningState), ...Paging });

const Clawback = Type.Integer({ description: 'refunds after an earlier payout, not taken back yet (zero or negative)' });
const MonthTotals = Type.Object({ month: Type.String(), pending_minor: Minor, approved_minor: Minor, paid_minor: Minor, reversed_minor: Minor, clawback_minor: Clawback });
const AgreementRef = Nullable(Type.Object({ id: Type.String(), version: Type.Integer(), title: Type.String(), effective_date: Type.String({ description: 'the day it comes into force (YYYY-MM-DD); before it, it is approved but not yet in force' }) }));

export const SummaryDto = Type.Object(
  {
    sign_ups: Type.Integer(),
    active_referred_tenants: Type.Integer(),
    funnel: Type.Object(
      {
        sign_ups: Type.Integer({ description: 'organizations that signed up with a referral code (staff: their own codes)' }),
        customers: Type.Integer({ description: 'of them, the ones active now' }),
        paying: Type.Integer({ description: 'of them, the ones that have paid at least one invoice' }),
      },
      { description: 'referred sign-ups → customers → paying customers' },
    ),
    next_payout: Type.Object(
      {
        amount_minor: Type.Integer({ description: 'approved earnings net of refunds taken back; zero or less: nothing is paid yet' }),
        threshold_minor: Type.Integer({ description: "the current agreement's payout threshold (0 without one)" }),
      },
      { description: 'what the next payout pays (the operator records payouts)' },
    ),
    currency: Type.String(),
    totals: Type.Object({ pending_minor: Minor, approved_minor: Minor, paid_minor: Minor, reversed_minor: Minor, clawback_minor: Clawback }),
    by_month: Type.Array(MonthTotals),
    current_agreement: AgreementRef,
    agreement_to_sign: AgreementRef,
  },
  { title: 'ProgramSummary' },
);

export const Commission = Type.Object({
  percent_bps: Nullable(Type.Integer({ minimum: 0, maximum: 10_000, description: 'basis points of paid revenue (1000 = 10 %)' })),
  bounty_minor: Nullable(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'fixed amount per qualified sign-up' })),
  months: Type.Integer({ minimum: 1, maximum: 120, description: 'months after the sign-up that earn commission' }),
  payout_threshold_minor: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  currency: Currency,
});

export const AgreementDto = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer(),
    title: Type.String(),
    terms_markdown: Type.String(),
    commission: Commission,
    effective_date: Type.String(),
    status: Type.Union([Type.Literal('draft'), Type.Literal('signed'), Type.Literal('approved'), Type.Literal('superseded')]),
    signed: Nullable(Type.Object({ by: PersonRef, full_name: Type.String(), at: Type.String(), sha256: Type.String() })),
    approved: Nullable(Type.Object({ by: PersonRef, at: Type.String() })),
  },
  { title: 'Agreement' },
);
export const PartnerAgreementsDto = Type.Object(
  { current: Nullable(AgreementDto), to_sign: Nullable(AgreementDto), history: Type.Array(AgreementDto) },
  { title: 'PartnerAgreements' },
);
export const SignBody = Strict({
  full_name: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S', description: 'typed full name, the signature' }),
  accept: Type.Boolean({ description: 'must be true: the signer accepts the terms' }),
});
export const DraftAgreementBody = Strict({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  terms_markdown: Type.String({ minLength: 1, maxLength: 100_000 }),
  commission: Strict({
    percent_bps: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000 }))),
    bounty_minor: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000 }))),
    months: Type.Integer({ minimum: 1, maximum: 120 }),
    payout_threshold_minor: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    currency: Currency,
  }),
  effective_date: DateOnly,
});

export const PayoutDto = Type.Object(
  { id: Type.String(), partner: PersonRef, amount_minor: Minor, currency: Type.String(), reference: Type.String(), paid_date: Type.String(), lines: Type.Integer(), created_at: Type.String() },
  { title: 'Payout' },
);
export const PayoutBody = Strict({
  partner_id: Id('ptr'),
  reference: Type.String({ minLength: 1, maxLength: 100, description: 'the bank transfer or remittance reference' }),
  paid_date: DateOnly,
  earning_ids: Type.Optional(Type.Array(Id('ern'), { minItems: 1, maxItems: 10_000 })),
});
export const PayoutsQuery = Strict({ partner_id: Type.Optional(Id('ptr')) });
export const ComputeBody = Strict({ period: Type.Optional(Period) });
export const ComputeDto = Type.Object(
  { periods: Type.Union([Type.Array(Type.String()), Type.Literal('all')]), created: Type.Integer(), updated: Type.Integer(), reversed: Type.Integer(), unchanged: Type.Integer() },
  { title: 'EarningsComputation' },
);
export const ApproveEarningsBody = Strict({ earning_ids: Type.Array(Id('ern'), { minItems: 1, maxItems: 10_000 }) });

export const ProgramPartnerDto = Type.Object(
  {
    partner: PersonRef,
    sign_ups: Type.Integer(),
    referred_tenants: Type.Integer(),
    currency: Type.String(),
    pending_minor: Minor,
    approved_minor: Minor,
    paid_minor: Minor,
    clawback_minor: Type.Integer({ description: 'refunds after an earlier payout, not taken back yet (zero or negative)' }),
    payout_due_minor: Type.Integer({ description: 'what the next payout pays: approved earnings net of the clawbacks (may be zero or negative: no payout)' }),
    current_agreement_version: Nullable(Type.Integer()),
    waiting: Nullable(Type.Union([Type.Literal('sign'), Type.Literal('approve')])),
  },
  { title: 'ProgramPartner' },
);
export const ProgramTotalsDto = Type.Object(
  { currency: Type.String(), by_month: Type.Array(Type.Object({ month: Type.String(), pending_minor: Minor, approved_minor: Minor, paid_minor: Minor })) },
  { title: 'ProgramTotals' },
);

export const SignupBody = Strict({
  organization_name: Name,
  admin_name: Name,
  email: Email,
  password: Type.String({ minLength: 1, maxLength: 200 }),
  referral_code: Type.Optional(CodeString),
});
export const SignupDto = Type.Object(
  { tenant: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() }), next: Type.Literal('login') },
  { title: 'SignupResult' },
);
export const LandingDto = Type.Object({ partner_name: Type.String(), landing_note: Nullable(Type.String()) }, { title: 'ReferralLanding' });
