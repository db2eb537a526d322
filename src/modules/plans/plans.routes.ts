/**
 * Plans and subscriptions:
 *   operator  /api/v1/plans                                   the plan catalog
 *   partner   /api/v1/partners/:partner_id/allowed-plans/…    which plans the partner may offer (operator)
 *             /api/v1/partners/:partner_id/plans, customers, kyc-cases, subscriptions   the partner's offer and customers
 *   tenant    /api/v1/tenants/:tenant_id/plan-account, plans, kyc, subscriptions       the customer's own
 * Permissions reuse the existing catalog: the operator's platform.partners.manage; a partner's
 * partner.customers.read (owner, staff) to look and partner.delegations.manage (owner) to act;
 * a tenant's tenant.read to look and tenant.update (admin) to act.
 * The operator is a KYC reviewer and may suspend or resume a customer's subscription for a policy
 * reason: it does so on the partner plane, through the same routes and service calls as the
 * partner's owner (same audit events), with its own platform.partners.manage.
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { attachmentDisposition } from '../../platform/http/content-disposition.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { planErrors as E } from './plans.errors.ts';
import type { PlansService } from './plans.service.ts';
import { toDocumentDto, toKycCaseDto, toPartnerPlanDto, toPlanDto, toSubscriptionDto } from './plans.service.ts';
import * as S from './plans.schemas.ts';

const TAGS = ['plans'];
const OPERATOR = 'platform.partners.manage';
const PARTNER_READ = 'partner.customers.read';
const PARTNER_MANAGE = 'partner.delegations.manage';
const KYC_BODY_LIMIT = 5 * 1024 * 1024;

interface PlanRouteDeps {
  plans: PlansService;
  access: Access;
}

/** The plan catalog by id, to name each partner offer and subscription's plan. */
async function planNames(plans: PlansService) {
  return new Map((await plans.listPlans()).map((p) => [p.id, p]));
}

export function planRoutes(d: PlanRouteDeps): AudienceRoutes {
  return {
    operator(app: App): void {
      registerPlanCatalogRoutes(app, d);
    },

    partner(app: App): void {
      registerPartnerOfferRoutes(app, d);
      registerPlanCustomerRoutes(app, d);
      registerKycReviewRoutes(app, d);
      registerPartnerSubscriptionRoutes(app, d);
    },

    tenant(app: App): void {
      registerTenantPlanRoutes(app, d);
    },
  };
}

/** The operator with its own permission, or the partner's people with `permission` (the module's other partner routes' check). */
function partnerOrOperator(access: Access, req: FastifyRequest, partnerId: string, permission: string, opts: { allowInactivePartner?: boolean } = {}): void {
  if (access.isOperator(access.user(req))) access.operator(req, OPERATOR);
  else access.partner(req, partnerId, permission, opts);
}

/**
 * Reviewers of KYC: the partner's owner and the operator. Anyone else is told the case does not
 * exist. An owner whose partner is not active is refused like every other act of that partner
 * (403 partner_inactive): reviewing a case and reading its identity details or documents act for it.
 */
function reviewer(access: Access, req: FastifyRequest, partnerId: string, notFound: () => Error): void {
  let principal: ReturnType<typeof access.user>;
  try {
    principal = access.user(req);
    if (access.isOperator(principal)) {
      access.operator(req, OPERATOR);
      return;
    }
    access.partner(req, partnerId, PARTNER_MANAGE, { allowInactivePartner: true });
  } catch (e) {
    if ((e as { status?: number }).status === 401) throw e;
    throw notFound();
  }
  // the caller is this partner's owner: the access check every other partner write makes
  access.partnerMembership(principal);
}

/** The plan catalog (operator): list, add, change or retire. */
function registerPlanCatalogRoutes(app: App, { plans, access }: PlanRouteDeps): void {
  app.get(
    '/api/v1/plans',
    { config: { operator: OPERATOR }, schema: { tags: TAGS, summary: 'The plan catalog (operator)', response: { 200: Type.Object({ data: Type.Array(S.PlanDto) }), ...problems(401, 403) } } },
    async (req) => {
      access.operator(req, OPERATOR);
      return { data: (await plans.listPlans()).map(toPlanDto) };
    },
  );
  app.post(
    '/api/v1/plans',
    { config: { operator: OPERATOR }, schema: { tags: TAGS, summary: 'Add a plan: features, limits, price, the segments it is for, grace days and terms (operator)', body: S.CreatePlanBody, response: { 201: S.PlanDto, ...problems(400, 401, 403, 409) } } },
    async (req, reply) => {
      access.operator(req, OPERATOR);
      return reply.code(201).send(toPlanDto(await plans.createPlan(req.ctx(), req.body)));
    },
  );
  app.patch(
    '/api/v1/plans/:plan_id',
    { config: { operator: OPERATOR }, schema: { tags: TAGS, summary: 'Change or retire a plan (operator)', params: S.PlanParams, body: S.UpdatePlanBody, response: { 200: S.PlanDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      access.operator(req, OPERATOR);
      return toPlanDto(await plans.updatePlan(req.ctx(), req.params.plan_id, req.body));
    },
  );
}

/** The plans a partner may offer (the operator allows them) and the partner's price. */
function registerPartnerOfferRoutes(app: App, { plans, access }: PlanRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/plans',
    { schema: { tags: TAGS, summary: "The plans the partner may offer, with the operator's price range and the partner's price", params: S.PartnerParams, response: { 200: Type.Object({ data: Type.Array(S.PartnerPlanDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, PARTNER_READ, { allowInactivePartner: true });
      const names = await planNames(plans);
      return { data: (await plans.listPartnerPlans(req.params.partner_id)).map((o) => toPartnerPlanDto(o, names.get(o.plan_id))) };
    },
  );
  app.put(
    '/api/v1/partners/:partner_id/allowed-plans/:plan_id',
    { schema: { tags: TAGS, summary: 'Allow the partner to offer a plan, within a price range (operator)', params: S.PartnerPlanParams, body: S.AllowPlanBody, response: { 200: S.PartnerPlanDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, OPERATOR);
      const row = await plans.allowPlan(req.ctx(), req.params.partner_id, { plan_id: req.params.plan_id, ...req.body });
      return toPartnerPlanDto(row, await plans.getPlan(row.plan_id));
    },
  );
  app.delete(
    '/api/v1/partners/:partner_id/allowed-plans/:plan_id',
    { schema: { tags: TAGS, summary: 'Stop the partner offering a plan (operator); existing subscriptions stay', params: S.PartnerPlanParams, response: { 200: S.PartnerPlanDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, OPERATOR);
      const row = await plans.revokePlan(req.ctx(), req.params.partner_id, req.params.plan_id);
      return toPartnerPlanDto(row, await plans.getPlan(row.plan_id));
    },
  );
  app.patch(
    '/api/v1/partners/:partner_id/plans/:plan_id',
    { schema: { tags: TAGS, summary: "The partner's offer of a plan: its price (within the operator's range) and whether customers see it (partner owner)", params: S.PartnerPlanParams, body: S.OfferBody, response: { 200: S.PartnerPlanDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, PARTNER_MANAGE);
      const row = await plans.setOffer(req.ctx(), req.params.partner_id, req.params.plan_id, req.body);
      return toPartnerPlanDto(row, await plans.getPlan(row.plan_id));
    },
  );
}

/** A partner's plan customers and their segments. */
function registerPlanCustomerRoutes(app: App, { plans, access }: PlanRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/plan-customers',
    { schema: { tags: TAGS, summary: "The partner's customers with their segment, verification and subscription", params: S.PartnerParams, response: { 200: Type.Object({ data: Type.Array(S.CustomerDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      partnerOrOperator(access, req, req.params.partner_id, PARTNER_READ, { allowInactivePartner: true });
      const rows = await plans.listCustomers(req.params.partner_id);
      return {
        data: rows.map((c) => ({
          tenant_id: c.tenant.id,
          name: c.tenant.name,
          partner_id: c.partner.id,
          partner_name: c.partner.name,
          segment: c.segment,
          kyc_status: c.kyc_status,
          subscription: c.subscription ? toSubscriptionDto(c.subscription, { plan: c.plan_name ?? undefined, tenant: c.tenant.name }) : null,
        })),
      };
    },
  );
  app.put(
    '/api/v1/partners/:partner_id/plan-customers/:tenant_id/segment',
    { schema: { tags: TAGS, summary: "Set a customer's segment: basic, company or advanced (partner owner)", params: S.PartnerCustomerParams, body: S.SegmentBody, response: { 200: Type.Object({ tenant_id: Type.String(), segment: Type.String() }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, PARTNER_MANAGE);
      const row = await plans.setSegment(req.ctx(), req.params.partner_id, req.params.tenant_id, req.body.segment);
      return { tenant_id: row.tenant_id, segment: row.segment };
    },
  );
}

/** KYC cases of a partner's customers: list, read, download a document, review. */
function registerKycReviewRoutes(app: App, { plans, access }: PlanRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/kyc-cases',
    {
      schema: {
        tags: TAGS,
        summary: "The partner's customers' verification (KYC) cases, newest first",
        params: S.PartnerParams,
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('submitted'), Type.Literal('verified'), Type.Literal('rejected')])) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(S.KycCaseDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      partnerOrOperator(access, req, req.params.partner_id, PARTNER_READ, { allowInactivePartner: true });
      return { data: (await plans.listKycCases(req.params.partner_id, req.query.status)).map(toKycCaseDto) };
    },
  );
  app.get(
    '/api/v1/partners/:partner_id/kyc-cases/:case_id',
    { schema: { tags: TAGS, summary: 'One verification case with its details and documents (reviewers: partner owner, operator)', params: S.PartnerKycParams, response: { 200: S.KycCaseDetailDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      reviewer(access, req, req.params.partner_id, () => E.kyc_case_not_found());
      const r = await plans.getKycCase(req.params.partner_id, req.params.case_id);
      return { case: toKycCaseDto(r.kyc), details: r.details, documents: r.documents.map(toDocumentDto) };
    },
  );
  app.get(
    '/api/v1/partners/:partner_id/kyc-cases/:case_id/documents/:document_id',
    { schema: { tags: TAGS, summary: 'Download a verification document (reviewers only: the partner owner, the operator; anyone else gets 404)', params: S.PartnerDocumentParams, response: { 200: Type.Unknown({ description: 'the file (PDF, PNG or JPEG)' }), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      reviewer(access, req, req.params.partner_id, () => E.kyc_document_not_found());
      const f = await plans.downloadDocument(req.ctx(), req.params.partner_id, req.params.case_id, req.params.document_id);
      reply.header('content-disposition', attachmentDisposition(f.filename));
      reply.header('x-content-type-options', 'nosniff');
      return reply.type(f.content_type).send(f.bytes);
    },
  );
  app.post(
    '/api/v1/partners/:partner_id/kyc-cases/:case_id/review',
    { schema: { tags: TAGS, summary: 'Verify or reject a verification case (a rejection says why)', params: S.PartnerKycParams, body: S.ReviewBody, response: { 200: S.KycCaseDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      reviewer(access, req, req.params.partner_id, () => E.kyc_case_not_found());
      return toKycCaseDto(await plans.reviewKyc(req.ctx(), req.params.partner_id, req.params.case_id, req.body));
    },
  );
}

/** A partner's customers' subscriptions: list, activate, suspend, resume, cancel. */
function registerPartnerSubscriptionRoutes(app: App, { plans, access }: PlanRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/subscriptions',
    { schema: { tags: TAGS, summary: "The partner's customers' subscriptions", params: S.PartnerParams, response: { 200: Type.Object({ data: Type.Array(S.SubscriptionDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      partnerOrOperator(access, req, req.params.partner_id, PARTNER_READ, { allowInactivePartner: true });
      const [subs, names, customers] = await Promise.all([plans.listSubscriptions(req.params.partner_id), planNames(plans), plans.listCustomers(req.params.partner_id)]);
      const tenantNames = new Map(customers.map((c) => [c.tenant.id, c.tenant.name]));
      return { data: subs.map((s) => toSubscriptionDto(s, { plan: names.get(s.plan_id)?.name, tenant: tenantNames.get(s.tenant_id) })) };
    },
  );
  for (const action of ['activate', 'suspend', 'resume', 'cancel'] as const) {
    app.post(
      `/api/v1/partners/:partner_id/subscriptions/:subscription_id/${action}`,
      {
        schema: {
          tags: TAGS,
          summary: {
            activate: 'Start the service of a signed subscription (partner owner)',
            suspend: 'Suspend a subscription for a policy reason (partner owner, operator): the customer is refused at the gateway from its next request',
            resume: 'Resume a suspended subscription (partner owner, operator)',
            cancel: 'Cancel a subscription (partner owner)',
          }[action],
          params: S.PartnerSubscriptionParams,
          body: action === 'suspend' ? S.SuspendBody : S.ReasonBody,
          response: { 200: S.SubscriptionDto, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        if (action === 'suspend' || action === 'resume') partnerOrOperator(access, req, req.params.partner_id, PARTNER_MANAGE);
        else access.partner(req, req.params.partner_id, PARTNER_MANAGE);
        const body = req.body as { reason?: string };
        return toSubscriptionDto(await plans.transition(req.ctx(), { partnerId: req.params.partner_id }, req.params.subscription_id, action, { reason: body.reason, kind: 'policy' }));
      },
    );
  }
}

/** The customer's own: its plan account, the plans it may pick, its KYC and its subscriptions. */
function registerTenantPlanRoutes(app: App, { plans, access }: PlanRouteDeps): void {
  app.get(
    '/api/v1/tenants/:tenant_id/plan-account',
    { schema: { tags: TAGS, summary: "The organization's provider, segment, verification (KYC) and subscription", description: 'customer is null when no provider that offers plans serves the organization (a wholesaler takes it on as a customer).', params: S.TenantParams, response: { 200: S.PlanAccountDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.read');
      const r = await plans.customerOverview(req.params.tenant_id);
      if (!r) return { customer: null, kyc: null, documents: [] };
      const c = r.customer;
      return {
        customer: { tenant_id: c.tenant.id, name: c.tenant.name, partner_id: c.partner.id, partner_name: c.partner.name, segment: c.segment, kyc_status: c.kyc_status, subscription: c.subscription ? toSubscriptionDto(c.subscription, { plan: c.plan_name ?? undefined, tenant: c.tenant.name }) : null },
        kyc: r.kyc ? toKycCaseDto(r.kyc) : null,
        documents: r.documents.map(toDocumentDto),
      };
    },
  );
  app.get(
    '/api/v1/tenants/:tenant_id/plans',
    { schema: { tags: TAGS, summary: "The plans the organization's provider offers, each with whether it may be taken and why not", params: S.TenantParams, response: { 200: Type.Object({ data: Type.Array(S.AvailablePlanDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.read');
      const rows = await plans.availablePlans(req.params.tenant_id);
      return { data: rows.map((r) => ({ plan: toPlanDto(r.plan), price_minor: r.offer.price_minor, eligible: r.eligibility.allowed, refusal: r.eligibility.allowed ? null : r.eligibility.code, reason: r.eligibility.allowed ? null : r.eligibility.reason })) };
    },
  );
  app.post(
    '/api/v1/tenants/:tenant_id/kyc',
    {
      bodyLimit: KYC_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: "Send the organization's identity or company details and documents for verification (tenant admin)",
        description: 'Documents: PDF, PNG or JPEG, at most 1 MiB each, up to 3, base64-encoded. They are stored encrypted and only reviewers can download them.',
        params: S.TenantParams,
        body: S.KycBody,
        response: { 201: Type.Object({ case: S.KycCaseDto, documents: Type.Array(S.KycDocumentDto) }), ...problems(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.update');
      const r = await plans.submitKyc(req.ctx(), req.params.tenant_id, req.body as never);
      return reply.code(201).send({ case: toKycCaseDto(r.kyc), documents: r.documents.map(toDocumentDto) });
    },
  );
  app.get(
    '/api/v1/tenants/:tenant_id/subscriptions',
    { schema: { tags: TAGS, summary: "The organization's subscriptions, newest first", params: S.TenantParams, response: { 200: Type.Object({ data: Type.Array(S.SubscriptionDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.read');
      const names = await planNames(plans);
      return { data: (await plans.listTenantSubscriptions(req.params.tenant_id)).map((s) => toSubscriptionDto(s, { plan: names.get(s.plan_id)?.name })) };
    },
  );
  app.post(
    '/api/v1/tenants/:tenant_id/subscriptions',
    { schema: { tags: TAGS, summary: 'Choose a plan (tenant admin): the subscription waits for its terms to be signed', params: S.TenantParams, body: S.SubscribeBody, response: { 201: S.SubscribeDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.update');
      const r = await plans.subscribe(req.ctx(), req.params.tenant_id, req.body.plan_id);
      const names = await planNames(plans);
      return reply.code(201).send({ subscription: toSubscriptionDto(r.subscription, { plan: names.get(r.subscription.plan_id)?.name }), terms: r.terms });
    },
  );
  app.get(
    '/api/v1/tenants/:tenant_id/subscriptions/:subscription_id/terms',
    { schema: { tags: TAGS, summary: "The plan's terms to sign, with their SHA-256", params: S.TenantSubscriptionParams, response: { 200: S.TermsDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.read');
      return plans.terms(req.params.tenant_id, req.params.subscription_id);
    },
  );
  app.post(
    '/api/v1/tenants/:tenant_id/subscriptions/:subscription_id/sign',
    { schema: { tags: TAGS, summary: "Accept the plan's terms (tenant admin): who and when are recorded with the terms' SHA-256", params: S.TenantSubscriptionParams, body: S.SignBody, response: { 200: S.SubscriptionDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.update');
      return toSubscriptionDto(await plans.transition(req.ctx(), { tenantId: req.params.tenant_id }, req.params.subscription_id, 'sign', { terms_sha256: req.body.terms_sha256 }));
    },
  );
  app.post(
    '/api/v1/tenants/:tenant_id/subscriptions/:subscription_id/cancel',
    { schema: { tags: TAGS, summary: 'Cancel the subscription (tenant admin)', params: S.TenantSubscriptionParams, body: S.ReasonBody, response: { 200: S.SubscriptionDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.update');
      return toSubscriptionDto(await plans.transition(req.ctx(), { tenantId: req.params.tenant_id }, req.params.subscription_id, 'cancel', { reason: req.body.reason }));
    },
  );
}
