/**
 * The partner program's API: the partner plane (/api/v1/partners/:partner_id/program/…,
 * the partner permission matrix cell by cell), the operator's (/api/v1/program/…) and the public sign-up.
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { attachmentDisposition } from '../../platform/http/content-disposition.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import { toCsv } from '../../platform/http/csv.ts';
import { slugify } from '../partners/index.ts';
import { enforceRateLimit, type RateLimiter, type RatePolicy } from '../../platform/ratelimit/index.ts';
import type { Access, PartnerAccess } from '../authz/index.ts';
import type { ProgramService } from './program.service.ts';
import type * as repo from './program.service.ts';
import { programErrors as E } from './program.errors.ts';
import * as S from './program.schemas.ts';
import { problemDetails as PD } from './program.problem-details.ts';

/** Public sign-ups: 10 per client address in any rolling hour. */
export const SIGNUP_POLICY: RatePolicy = { name: 'signup', limit: 10, windowMs: 3_600_000 };

const TAGS = ['program'];

/**
 * The earnings CSV's columns, headed in words (no internal ids): what a partner's finance team reads in a
 * spreadsheet. A documented column contract (docs/partners-and-customers/referral-program.md): English in every
 * reader's language, as its words for kinds and states (test/api/platform/csv-contracts.test.ts compares them).
 */
export const EARNINGS_CSV_COLUMNS = ['Month', 'Customer', 'Kind', 'Invoices', 'Invoice numbers', 'Base amount', 'Commission', 'Currency', 'State', 'Refunded invoice', 'Paid in payout', 'Payout date', 'Recorded on'] as const;
const EARNING_KIND_WORDS: Record<string, string> = { commission: 'Commission', bounty: 'Sign-up bounty', clawback: 'Refund after payout' };
const EARNING_STATE_WORDS: Record<string, string> = { pending: 'Pending', approved: 'Approved', paid: 'Paid', reversed: 'Reversed' };

/** Minor units as a decimal string for a spreadsheet (integer arithmetic; 2-decimal currencies). */
export function minorToDecimal(minor: number): string {
  const neg = minor < 0;
  const a = Math.abs(minor);
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

export function toCodeDto(c: repo.CodeListRow) {
  return {
    code: c.code,
    label: c.label,
    landing_note: c.landing_note,
    active: c.status === 'active',
    created_at: c.created_at,
    created_by: c.created_by ? { id: c.created_by, name: c.created_by_name ?? '' } : null,
    signup_url: `/signup?ref=${encodeURIComponent(c.code)}`,
    sign_ups: Number(c.sign_ups ?? 0),
  };
}

/** Exactly the allow-listed fields of the program's limited tenant view. */
export function toReferralDto(r: { id: string; name: string; slug: string; status: string; tier: string; attributed_at: string; monthly_revenue_minor: number; currency: string }) {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    status: r.status,
    signup_date: r.attributed_at,
    subscription_tier: r.tier,
    monthly_revenue_minor: r.monthly_revenue_minor,
    currency: r.currency,
  };
}

export function toEarningDto(e: repo.EarningListRow) {
  return {
    id: e.id,
    tenant: { id: e.tenant_id, name: e.tenant_name },
    period: e.period,
    kind: e.kind,
    base_minor: e.base_minor,
    amount_minor: e.amount_minor,
    currency: e.currency,
    invoice_count: e.invoice_count,
    state: e.state,
    refunded_invoice: e.refund_invoice_id ? { id: e.refund_invoice_id, number: e.refund_invoice_number ?? '' } : null,
    clawback_of: e.clawback_of,
    payout_id: e.payout_id,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}

function toEarningDetailDto(d: { line: repo.EarningListRow; invoices: { invoice_number: string; paid_at: string | null; base_minor: number }[] }) {
  return { line: toEarningDto(d.line), invoices: d.invoices.map((i) => ({ number: i.invoice_number, paid_at: i.paid_at, base_minor: Number(i.base_minor) })) };
}

export function toAgreementDto(a: repo.AgreementRow, names: Map<string, string>) {
  return {
    id: a.id,
    version: a.version,
    title: a.title,
    terms_markdown: a.terms_markdown,
    commission: { percent_bps: a.percent_bps, bounty_minor: a.bounty_minor, months: a.months, payout_threshold_minor: a.payout_threshold_minor, currency: a.currency },
    effective_date: a.effective_date,
    status: a.status,
    signed:
      a.signed_at && a.signed_sha256
        ? { by: { id: a.signed_by ?? '', name: names.get(a.signed_by ?? '') ?? '' }, full_name: a.signed_full_name ?? '', at: a.signed_at, sha256: a.signed_sha256 }
        : null,
    approved: a.approved_at ? { by: { id: a.approved_by ?? '', name: names.get(a.approved_by ?? '') ?? '' }, at: a.approved_at } : null,
  };
}

function toPayoutDto(p: repo.PayoutRow & { partner_name: string }) {
  return { id: p.id, partner: { id: p.partner_id, name: p.partner_name }, amount_minor: p.amount_minor, currency: p.currency, reference: p.reference, paid_date: p.paid_date, lines: p.lines, created_at: p.created_at };
}

interface ProgramRouteDeps {
  program: ProgramService;
  access: Access;
  limiter: RateLimiter;
}

export function programRoutes(d: ProgramRouteDeps): AudienceRoutes {
  const { program } = d;
  const kit = programRouteKit(d);

  return {
    public(app: App): void {
      app.post(
        '/api/v1/signup',
        {
          config: { csrf: false, public: true },
          schema: {
            tags: TAGS,
            summary: 'Sign a new customer organization up (public): the tenant, its first admin and, with a referral code, the partner attribution',
            description: 'An unknown or inactive referral code is refused (400 referral_code_invalid); nothing is created without the attribution the code asked for.',
            body: S.SignupBody,
            response: { 201: S.SignupDto, ...problems(400, 409, 429) },
          },
        },
        async (req, reply) => {
          await enforceRateLimit(
            reply,
            d.limiter,
            `signup:ip:${req.ip ?? 'unknown'}`,
            SIGNUP_POLICY,
            (s) => `Too many sign-ups from this address. Try again in ${s} seconds.`,
            'Sign-ups cannot be counted right now, so none is accepted. Try again shortly.',
          );
          const t = await program.signup(req.ctx(), req.body, req.headers['accept-language']);
          return reply.code(201).send({ tenant: { id: t.id, name: t.name, slug: t.slug }, next: 'login' as const });
        },
      );

      app.get(
        '/api/v1/signup/referral/:code',
        {
          config: { public: true },
          schema: { tags: TAGS, summary: 'Who referred you: the partner and its note for an active referral code (public)', params: S.PublicCodeParams, response: { 200: S.LandingDto, ...problems(400, 404) } },
        },
        async (req) => {
          const l = await program.landing(req.params.code);
          if (!l) throw E.referral_code_not_found(PD.referralCodeNotValid);
          return l;
        },
      );
    },

    partner(app: App): void {
      registerCodeRoutes(app, d, kit);
      registerReferralRoutes(app, d, kit);
      registerEarningRoutes(app, d, kit);
      registerAgreementRoutes(app, d, kit);
    },

    operator(app: App): void {
      registerProgramOverviewRoutes(app, d, kit);
      registerEarningAdminRoutes(app, d);
    },
  };
}

/** A referral partner's program at a glance, and its referral codes. */
function registerCodeRoutes(app: App, { program, access }: ProgramRouteDeps, { admit, ownCodesOnly, roleOf }: ProgramRouteKit): void {
  app.get(
    '/api/v1/partners/:partner_id/program/summary',
    { schema: { tags: TAGS, summary: 'The program at a glance: the referral funnel, the next payout, earnings totals by state and month, the agreement (owner, staff; canViewEarnings)', params: S.PartnerParams, response: { 200: S.SummaryDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const a = await admit(req, req.params.partner_id, 'partner.earnings.read');
      const s = await program.summary(req.params.partner_id, { codeCreatedBy: ownCodesOnly(a), owner: access.can(roleOf(a), 'partner.agreements.sign') });
      const ref = (x: repo.AgreementRow | null) => (x ? { id: x.id, version: x.version, title: x.title, effective_date: x.effective_date } : null);
      return { sign_ups: s.sign_ups, active_referred_tenants: s.active_referred_tenants, funnel: s.funnel, next_payout: s.next_payout, currency: s.currency, totals: s.totals, by_month: s.by_month, current_agreement: ref(s.current), agreement_to_sign: ref(s.toSign) };
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/program/codes',
    { schema: { tags: TAGS, summary: 'Referral codes: all for the owner, your own for staff (canViewReferrals)', params: S.PartnerParams, querystring: S.PagingQuery, response: { 200: Type.Object({ items: Type.Array(S.CodeDto), total: Type.Integer() }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const a = await admit(req, req.params.partner_id, 'partner.referrals.read');
      const r = await program.listCodes({ partnerId: req.params.partner_id, createdBy: ownCodesOnly(a), limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
      return { items: r.items.map(toCodeDto), total: r.total };
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/program/codes',
    { schema: { tags: TAGS, summary: 'Create a referral code (owner, staff; canCreateReferralCodes)', params: S.PartnerParams, body: S.CreateCodeBody, response: { 201: S.CodeDto, ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      const a = await admit(req, req.params.partner_id, 'partner.referral_codes.create');
      const code = await program.createCode(req.ctx(), req.params.partner_id, req.body);
      return reply.code(201).send(toCodeDto(await program.getCode(req.params.partner_id, code, ownCodesOnly(a))));
    },
  );

  app.patch(
    '/api/v1/partners/:partner_id/program/codes/:code',
    { schema: { tags: TAGS, summary: 'Activate or deactivate a referral code (owner; Manage Codes)', params: S.CodeParams, body: S.UpdateCodeBody, response: { 200: S.CodeDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      await admit(req, req.params.partner_id, 'partner.referral_codes.manage');
      await program.setCodeActive(req.ctx(), req.params.partner_id, req.params.code, req.body.active);
      return toCodeDto(await program.getCode(req.params.partner_id, req.params.code));
    },
  );
}

/** The customers a partner referred, and one of them. */
function registerReferralRoutes(app: App, { program }: ProgramRouteDeps, { admit, ownCodesOnly }: ProgramRouteKit): void {
  app.get(
    '/api/v1/partners/:partner_id/program/referrals',
    {
      schema: {
        tags: TAGS,
        summary: 'Referred tenants, the limited view only (owner: every code; staff: their own codes; canViewReferrals / canViewAllReferrals)',
        params: S.PartnerParams,
        querystring: S.ReferralsQuery,
        response: { 200: Type.Object({ items: Type.Array(S.ReferralDto), total: Type.Integer() }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const a = await admit(req, req.params.partner_id, 'partner.referrals.read');
      const r = await program.listReferrals({ partnerId: req.params.partner_id, codeCreatedBy: ownCodesOnly(a), q: req.query.q, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
      return { items: r.items.map(toReferralDto), total: r.total };
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/program/referrals/:tenant_id',
    { schema: { tags: TAGS, summary: 'One referred tenant, the limited view (404 for a tenant this partner — or, for staff, their codes — did not refer)', params: S.ReferralParams, response: { 200: S.ReferralDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const a = await admit(req, req.params.partner_id, 'partner.referrals.read');
      return toReferralDto(await program.getReferral({ partnerId: req.params.partner_id, codeCreatedBy: ownCodesOnly(a), tenantId: req.params.tenant_id }));
    },
  );
}

/** A partner's earnings: list, export, one line. */
function registerEarningRoutes(app: App, { program, access }: ProgramRouteDeps, { admit, roleOf }: ProgramRouteKit): void {
  app.get(
    '/api/v1/partners/:partner_id/program/earnings',
    { schema: { tags: TAGS, summary: 'Earnings line by line (owner; canViewAllEarnings — staff see the summary only)', params: S.PartnerParams, querystring: S.EarningsQuery, response: { 200: Type.Object({ items: Type.Array(S.EarningDto), total: Type.Integer() }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const a = await admit(req, req.params.partner_id, 'partner.earnings.read');
      if (!access.can(roleOf(a), 'partner.earnings.read_all')) throw E.line_items_forbidden(PD.roleSeesEarningsSummary);
      const r = await program.listEarnings({ partnerId: req.params.partner_id, period: req.query.period, state: req.query.state, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
      return { items: r.items.map(toEarningDto), total: r.total };
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/program/earnings/export',
    {
      schema: {
        tags: TAGS,
        summary: 'Export every earnings line as CSV (owner; canExportEarnings)',
        description: 'Answers the file itself (text/csv); amounts are decimals of the currency, cells are safe to open in a spreadsheet.',
        params: S.PartnerParams,
        response: { 200: Type.String({ description: 'text/csv' }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const a = await admit(req, req.params.partner_id, 'partner.earnings.read');
      if (!access.can(roleOf(a), 'partner.earnings.export')) throw E.export_forbidden(PD.onlyPartnerOwnerExports);
      const [rows, partner] = await Promise.all([program.exportEarnings(req.ctx(), req.params.partner_id), program.requireReferralPartner(req.params.partner_id)]);
      // named after the partner and the day, as a person files it ("tailspin-referrals-earnings-2026-11-26.csv")
      reply.header('content-disposition', attachmentDisposition(`${slugify(partner.name) || 'partner'}-earnings-${new Date().toISOString().slice(0, 10)}.csv`));
      return reply
        .type('text/csv; charset=utf-8')
        .send(
          toCsv(
            EARNINGS_CSV_COLUMNS,
            rows.map((e) => [e.period, e.tenant_name, EARNING_KIND_WORDS[e.kind] ?? e.kind, e.invoice_count, e.invoice_numbers.join(' '), minorToDecimal(e.base_minor), minorToDecimal(e.amount_minor), e.currency, EARNING_STATE_WORDS[e.state] ?? e.state, e.refund_invoice_number, e.payout?.reference ?? null, e.payout?.paid_date.slice(0, 10) ?? null, e.created_at.slice(0, 10)]),
          ),
        );
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/program/earnings/:earning_id',
    { schema: { tags: TAGS, summary: 'One earnings line and the invoices it came from (owner; canViewAllEarnings)', params: S.PartnerEarningParams, response: { 200: S.EarningDetailDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const a = await admit(req, req.params.partner_id, 'partner.earnings.read');
      if (!access.can(roleOf(a), 'partner.earnings.read_all')) throw E.line_items_forbidden(PD.roleSeesEarningsSummary);
      return toEarningDetailDto(await program.earningInvoices(req.params.earning_id, req.params.partner_id));
    },
  );
}

/** A partner's agreements, and signing one. */
function registerAgreementRoutes(app: App, { program, access }: ProgramRouteDeps, { admit, roleOf, agreementsDto }: ProgramRouteKit): void {
  app.get(
    '/api/v1/partners/:partner_id/program/agreements',
    { schema: { tags: TAGS, summary: 'The current agreement (owner, staff); the one to sign and every version (owner; canViewAgreementHistory)', params: S.PartnerParams, response: { 200: S.PartnerAgreementsDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const a = await admit(req, req.params.partner_id, 'partner.agreements.read');
      const all = await program.listAgreements(req.params.partner_id);
      const history = access.can(roleOf(a), 'partner.agreements.history.read');
      const current = all.find((x) => x.status === 'approved') ?? null;
      const toSign = history ? (all.find((x) => x.status === 'draft') ?? null) : null;
      const dtos = await agreementsDto([...(current ? [current] : []), ...(toSign ? [toSign] : []), ...(history ? all : [])]);
      const byId = new Map(dtos.map((x) => [x.id, x]));
      return { current: current ? byId.get(current.id)! : null, to_sign: toSign ? byId.get(toSign.id)! : null, history: history ? all.map((x) => byId.get(x.id)!) : [] };
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/program/agreements/:agreement_id/sign',
    {
      schema: {
        tags: TAGS,
        summary: 'Sign an agreement version: typed full name and acceptance; records who, when, IP, user agent and the SHA-256 of the exact version (owner; canSignAgreement — the operator approves, never signs)',
        params: S.PartnerAgreementParams,
        body: S.SignBody,
        response: { 200: S.AgreementDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = access.user(req);
      if (access.isOperator(p)) throw E.operator_cannot_sign(PD.operatorApprovesAgreementsPartner);
      await admit(req, req.params.partner_id, 'partner.agreements.sign');
      const a = await program.signAgreement(req.ctx(), req.params.partner_id, req.params.agreement_id, req.body);
      return (await agreementsDto([a]))[0];
    },
  );
}

/** The program across partners, for the operator: the partners, the totals, their agreements and approving them. */
function registerProgramOverviewRoutes(app: App, { program, access }: ProgramRouteDeps, { agreementsDto }: ProgramRouteKit): void {
  app.get(
    '/api/v1/program/partners',
    { config: { operator: 'partner.earnings.read_all' }, schema: { tags: TAGS, summary: 'Every referral partner with its program figures and what waits (operator)', response: { 200: Type.Object({ items: Type.Array(S.ProgramPartnerDto) }), ...problems(401, 403) } } },
    async (req) => {
      access.operator(req, 'partner.earnings.read_all');
      return { items: await program.operatorOverview() };
    },
  );

  app.get(
    '/api/v1/program/totals',
    { config: { operator: 'partner.earnings.read_all' }, schema: { tags: TAGS, summary: 'Platform earnings by month (operator)', response: { 200: S.ProgramTotalsDto, ...problems(401, 403) } } },
    async (req) => {
      access.operator(req, 'partner.earnings.read_all');
      const totals = await program.earningTotals();
      const months = new Map<string, { pending_minor: number; approved_minor: number; paid_minor: number }>();
      for (const t of totals) {
        const m = months.get(t.period) ?? { pending_minor: 0, approved_minor: 0, paid_minor: 0 };
        // a clawback not yet paid is a refund to take back, not a negative pending amount
        if (t.state !== 'reversed' && !(t.kind === 'clawback' && t.state !== 'paid')) m[`${t.state}_minor`] += t.minor;
        months.set(t.period, m);
      }
      return { currency: totals[0]?.currency ?? 'EUR', by_month: [...months.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([month, m]) => ({ month, ...m })) };
    },
  );

  app.get(
    '/api/v1/program/partners/:partner_id/agreements',
    { config: { operator: 'partner.agreements.read' }, schema: { tags: TAGS, summary: "Every version of a partner's agreement (operator)", params: S.PartnerParams, response: { 200: Type.Object({ items: Type.Array(S.AgreementDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, 'partner.agreements.read');
      await program.requireReferralPartner(req.params.partner_id);
      return { items: await agreementsDto(await program.listAgreements(req.params.partner_id)) };
    },
  );

  app.post(
    '/api/v1/program/partners/:partner_id/agreements',
    { config: { operator: 'platform.partners.manage' }, schema: { tags: TAGS, summary: 'Draft a new agreement version for a referral partner to sign (operator)', params: S.PartnerParams, body: S.DraftAgreementBody, response: { 201: S.AgreementDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      access.operator(req, 'platform.partners.manage');
      const a = await program.draftAgreement(req.ctx(), req.params.partner_id, req.body);
      return reply.code(201).send((await agreementsDto([a]))[0]);
    },
  );

  app.post(
    '/api/v1/program/agreements/:agreement_id/approve',
    { config: { operator: 'partner.agreements.approve' }, schema: { tags: TAGS, summary: 'Approve a signed agreement: it becomes current and supersedes the previous one (operator)', params: S.AgreementParams, response: { 200: S.AgreementDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      access.operator(req, 'partner.agreements.approve');
      return (await agreementsDto([await program.approveAgreement(req.ctx(), req.params.agreement_id)]))[0];
    },
  );
}

/** Earnings and payouts, for the operator: compute, list, read, approve, record a payout. */
function registerEarningAdminRoutes(app: App, { program, access }: ProgramRouteDeps): void {
  app.post(
    '/api/v1/program/earnings/compute',
    { config: { operator: 'platform.partners.manage' }, schema: { tags: TAGS, summary: 'Compute earnings now, for one month or all (operator; idempotent)', body: S.ComputeBody, response: { 200: S.ComputeDto, ...problems(400, 401, 403) } } },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return program.computeEarnings(req.ctx(), { period: req.body.period });
    },
  );

  app.get(
    '/api/v1/program/earnings',
    { config: { operator: 'partner.earnings.read_all' }, schema: { tags: TAGS, summary: 'Earnings lines of every partner (operator)', querystring: S.OperatorEarningsQuery, response: { 200: Type.Object({ items: Type.Array(S.OperatorEarningDto), total: Type.Integer() }), ...problems(400, 401, 403) } } },
    async (req) => {
      access.operator(req, 'partner.earnings.read_all');
      const r = await program.listEarnings({ partnerId: req.query.partner_id, period: req.query.period, state: req.query.state, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
      return { items: r.items.map((e) => ({ ...toEarningDto(e), partner: { id: e.partner_id, name: e.partner_name } })), total: r.total };
    },
  );

  app.get(
    '/api/v1/program/earnings/:earning_id',
    { config: { operator: 'partner.earnings.read_all' }, schema: { tags: TAGS, summary: 'One earnings line and the invoices it came from (operator)', params: S.EarningParams, response: { 200: S.EarningDetailDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, 'partner.earnings.read_all');
      return toEarningDetailDto(await program.earningInvoices(req.params.earning_id));
    },
  );

  app.post(
    '/api/v1/program/earnings/approve',
    { config: { operator: 'platform.partners.manage' }, schema: { tags: TAGS, summary: 'Approve pending earnings (operator)', body: S.ApproveEarningsBody, response: { 200: Type.Object({ approved: Type.Integer() }), ...problems(400, 401, 403, 409) } } },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return { approved: await program.approveEarnings(req.ctx(), req.body.earning_ids) };
    },
  );

  app.post(
    '/api/v1/program/payouts',
    { config: { operator: 'platform.partners.manage' }, schema: { tags: TAGS, summary: "Record a payout to a partner: pays its approved earnings (all, or the ones named) (operator)", body: S.PayoutBody, response: { 201: S.PayoutDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      access.operator(req, 'platform.partners.manage');
      const p = await program.recordPayout(req.ctx(), req.body);
      const partner = await program.requireReferralPartner(p.partner_id).catch(() => null);
      return reply.code(201).send(toPayoutDto({ ...p, partner_name: partner?.name ?? '' }));
    },
  );

  app.get(
    '/api/v1/program/payouts',
    { config: { operator: 'partner.earnings.read_all' }, schema: { tags: TAGS, summary: 'Payouts recorded (operator)', querystring: S.PayoutsQuery, response: { 200: Type.Object({ items: Type.Array(S.PayoutDto) }), ...problems(400, 401, 403) } } },
    async (req) => {
      access.operator(req, 'partner.earnings.read_all');
      return { items: (await program.listPayouts(req.query.partner_id)).map(toPayoutDto) };
    },
  );
}

/** What the partner routes share: admission into the program, whose codes the caller sees, agreements with names. */
function programRouteKit(d: ProgramRouteDeps) {
  const { program, access } = d;
  /** Rules 1–4 (access.partner), then the program itself: only a referral partner has one. */
  const admit = async (req: FastifyRequest, partnerId: string, permission: string): Promise<PartnerAccess> => {
    const a = access.partner(req, partnerId, permission);
    await program.requireReferralPartner(partnerId);
    return a;
  };
  /** The caller sees every code's referrals (owner, operator) or only their own codes' (staff). */
  const ownCodesOnly = (a: PartnerAccess): string | undefined =>
    access.can(a.membership ? a.membership.role : a.principal.platformRole, 'partner.referrals.read_all') ? undefined : a.principal.userId;
  const roleOf = (a: PartnerAccess) => (a.membership ? a.membership.role : a.principal.platformRole);

  const agreementsDto = async (rows: repo.AgreementRow[]) => {
    const names = await program.userNames(rows.flatMap((r) => [r.signed_by, r.approved_by]));
    return rows.map((r) => toAgreementDto(r, names));
  };
  return { admit, ownCodesOnly, roleOf, agreementsDto };
}
type ProgramRouteKit = ReturnType<typeof programRouteKit>;
