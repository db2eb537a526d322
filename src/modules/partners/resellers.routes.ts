/**
 * /api/v1/partners/:partner_id/resellers and …/distributor: a distributor's resellers (list,
 * onboard, suspend, resume), the distributor a reseller sells under (its name only), and the
 * operator placing a partner under a distributor. Each route answers for the caller's own partner
 * (access.partner): another partner's reseller, a sibling included, is 404 like an unknown id.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, Email, Name, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { InvitationLinkDto } from '../identity/index.ts';
import * as S from './partners.schemas.ts';
import { toPartnerDto } from './partners.service.ts';
import type { ResellerRow, ResellersService } from './resellers.service.ts';

export interface ResellerRouteDeps {
  resellers: ResellersService;
  access: Access;
  /** customers a partner serves now (tenants with an active delegation in its window), from the decision snapshot */
  customersOf: (partnerId: string) => number;
}

const TAGS = ['partners'];

const ResellerDto = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: Type.String({ description: 'active | suspended | terminated' }),
    suspended_by_distributor: Type.Boolean({ description: 'the suspension was yours (you may resume it); false with status suspended: the operator suspended it' }),
    status_reason: Nullable(Type.String()),
    customers: Type.Integer({ description: 'customers the reseller serves now (an active link in its window)' }),
    created_at: Type.String(),
  },
  { title: 'Reseller' },
);
const ResellerParams = Strict({ partner_id: Id('ptr'), reseller_id: Id('ptr') });
const OnboardBody = Strict({
  name: Name,
  contact_email: Email,
  owner_email: Email,
  capabilities: Type.Optional(Type.Array(S.Capability, { maxItems: 4, description: 'default: every customer-facing capability you hold' })),
});
const DistributorDto = Type.Object({ distributor: Nullable(Type.Object({ id: Type.String(), name: Type.String() })) }, { title: 'Distributor' });

function toResellerDto(r: ResellerRow, customers: number) {
  return { id: r.id, name: r.name, status: r.status, suspended_by_distributor: r.status === 'suspended' && r.suspended_by_parent === 1, status_reason: r.status_reason, customers, created_at: r.created_at };
}

export function resellerRoutes(d: ResellerRouteDeps): AudienceRoutes {
  return {
    partner(app: App): void {
      registerResellerReads(app, d);
      registerResellerWrites(app, d);
    },
  };
}

function registerResellerReads(app: App, { resellers, access, customersOf }: ResellerRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/resellers',
    {
      schema: {
        tags: TAGS,
        summary: 'Your resellers (a distributor): name, status and how many customers each serves',
        description: "A reseller sees an empty list: it has no resellers, and never sees its distributor's other resellers.",
        params: S.PartnerParams,
        response: { 200: Type.Object({ data: Type.Array(ResellerDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.resellers.read');
      const rows = await resellers.listResellers(req.params.partner_id);
      return { data: rows.map((r) => toResellerDto(r, customersOf(r.id))) };
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/distributor',
    {
      schema: {
        tags: TAGS,
        summary: 'The distributor you resell under (its name), or null',
        params: S.PartnerParams,
        response: { 200: DistributorDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.profile.read');
      const dist = await resellers.distributorOf(req.params.partner_id);
      return { distributor: dist === null ? null : { id: dist.id, name: dist.name } };
    },
  );
}

function registerResellerWrites(app: App, { resellers, access, customersOf }: ResellerRouteDeps): void {
  app.post(
    '/api/v1/partners/:partner_id/resellers',
    {
      schema: {
        tags: TAGS,
        summary: 'Onboard a reseller under your partner (a distributor; owner or operator): the reseller, active, and an invitation for its owner',
        description: 'A reseller cannot onboard resellers (409 reseller_depth_exceeded): partners are two tiers at most. The invitation link is shown once.',
        params: S.PartnerParams,
        body: OnboardBody,
        response: { 201: Type.Object({ reseller: ResellerDto, invitation: InvitationLinkDto }), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.resellers.manage');
      const r = await resellers.onboardReseller(req.ctx(), req.params.partner_id, req.body);
      return reply.code(201).send({ reseller: toResellerDto(r.reseller, 0), invitation: r.invitation });
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/resellers/:reseller_id/suspend',
    {
      schema: {
        tags: TAGS,
        summary: "Suspend one of your resellers: its people and apps stop acting for its customers at once, and your access through its links stops too",
        params: ResellerParams,
        body: S.ReasonBody,
        response: { 200: ResellerDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.resellers.manage');
      const r = await resellers.suspendReseller(req.ctx(), req.params.partner_id, req.params.reseller_id, req.body.reason);
      return toResellerDto(r, customersOf(r.id));
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/resellers/:reseller_id/resume',
    {
      schema: {
        tags: TAGS,
        summary: 'Resume a reseller you suspended (one the operator suspended stays suspended: 409)',
        params: ResellerParams,
        response: { 200: ResellerDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.resellers.manage');
      const r = await resellers.resumeReseller(req.ctx(), req.params.partner_id, req.params.reseller_id);
      return toResellerDto(r, customersOf(r.id));
    },
  );

  app.put(
    '/api/v1/partners/:partner_id/distributor',
    {
      config: { operator: 'platform.partners.manage' },
      schema: {
        tags: TAGS,
        summary: 'Place a partner under a distributor, or take it out with null (operator)',
        description: 'Two tiers at most: a distributor that resells under another, or a partner with resellers of its own, is refused (409 reseller_depth_exceeded).',
        params: S.PartnerParams,
        body: Strict({ distributor_id: Nullable(Id('ptr')) }),
        response: { 200: S.PartnerDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return toPartnerDto(await resellers.setDistributor(req.ctx(), req.params.partner_id, req.body.distributor_id));
    },
  );
}
