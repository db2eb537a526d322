/** /api/v1/partner-applications (public) and /api/v1/partners. */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, problems, page } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { InvitationLinkDto, PendingInvitationDto, toPendingInvitationDto } from '../identity/index.ts';
import type { PartnersService, PartnerTransition } from './partners.service.ts';
import type { PartnerCreation } from './partner-creation.ts';
import { importTemplate, type PartnerImport } from './partner-import.ts';
import { toPartnerDto } from './partners.service.ts';
import * as S from './partners.schemas.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { enforceRateLimit, type RateLimiter, type RatePolicy } from '../../platform/ratelimit/index.ts';

/** Partner applications: 10 per client address in any rolling hour. */
export const APPLICATION_POLICY: RatePolicy = { name: 'application', limit: 10, windowMs: 3_600_000 };

/** A partner's lifecycle transitions (operator): the verb, its summary, and the body it takes. */
const LIFECYCLE: [PartnerTransition, string, 'none' | 'required' | 'optional' | 'capabilities'][] = [
  ['approve', 'Approve an application, granting capabilities (operator)', 'capabilities'],
  ['reject', 'Reject an application (operator)', 'required'],
  ['suspend', 'Suspend a partner: its people and apps stop acting at once (operator)', 'required'],
  ['reactivate', 'Reactivate a suspended partner (operator)', 'optional'],
  ['terminate', 'Terminate a partner for good (operator)', 'required'],
];

interface PartnerRouteDeps {
  partners: PartnersService;
  access: Access;
  limiter: RateLimiter;
  creation: PartnerCreation;
  imports: PartnerImport;
}

export function partnerRoutes(d: PartnerRouteDeps): AudienceRoutes {
  const { partners, access } = d;

  return {
    public(app: App): void {
      app.post(
        '/api/v1/partner-applications',
        {
          config: { csrf: false, public: true },
          schema: {
            tags: ['partners'],
            summary: 'Apply to become a partner (public). Creates the partner in status applied and its owner account.',
            description: "The answer is the same whether or not the owner's address already has an account (only the ids differ); the address is told by e-mail which it was. For an existing address nothing is created.",
            body: S.ApplicationBody,
            response: { 201: Type.Object({ partner: S.PartnerDto, owner_user_id: Type.String() }), ...problems(400, 409, 429) },
          },
        },
        async (req, reply) => {
          await enforceRateLimit(
            reply,
            d.limiter,
            `apply:ip:${req.ip ?? 'unknown'}`,
            APPLICATION_POLICY,
            (s) => `Too many applications from this address. Try again in ${s} seconds.`,
            'Applications cannot be counted right now, so none is accepted. Try again shortly.',
          );
          const r = await partners.submitApplication(req.ctx(), req.body, req.headers['accept-language']);
          return reply.code(201).send({ partner: toPartnerDto(r.partner), owner_user_id: r.ownerId });
        },
      );
    },
    operator(app: App): void {
      app.post(
        '/api/v1/partners',
        {
          config: { operator: 'platform.partners.manage' },
          schema: {
            tags: ['partners'],
            summary: 'Make a partner, active at once (operator): its profile, capabilities, first owner’s invitation, a configuration template and the plans it may offer',
            description:
              'Made the way an approved application is: recorded as partner.created and approved (partner.approved), with the template’s configuration (partner.config_changed), ' +
              'the owner’s invitation (partner.user_invited; the link is returned once and e-mailed) and the plans (partner.plan_allowed), all in one transaction: a refusal leaves nothing behind.',
            body: S.CreatePartnerBody,
            response: { 201: Type.Object({ partner: S.PartnerDto, invitation: InvitationLinkDto }, { title: 'CreatedPartner' }), ...problems(400, 401, 403, 409) },
          },
        },
        async (req, reply) => {
          access.operator(req, 'platform.partners.manage');
          const r = await d.creation.create(req.ctx(), req.body);
          return reply.code(201).send({ partner: toPartnerDto(r.partner), invitation: r.invitation });
        },
      );
      registerPartnerImportRoutes(app, d);
    },
    me(app: App): void {
      app.get(
        '/api/v1/partners',
        { schema: { tags: ['partners'], summary: 'Partners: all for the operator, your own for partner members', querystring: S.ListPartnersQuery, response: { 200: page(S.PartnerDto), ...problems(400, 401, 403) } } },
        async (req) => {
          const p = access.user(req);
          const limit = req.query.limit ?? 50;
          let ids: string[] | undefined;
          if (!access.isOperator(p)) {
            const m = access.partnerMembership(p, { allowInactivePartner: true });
            ids = [m.partnerId];
          }
          const rows = await partners.listPartners({ ids, q: req.query.q, status: req.query.status, capability: req.query.capability, cursor: req.query.cursor, limit });
          return pageOf(rows, limit, toPartnerDto);
        },
      );
    },
    partner(app: App): void {
      registerPartnerProfileRoutes(app, d);
      registerPartnerMemberRoutes(app, d);
      registerPartnerMembershipRoutes(app, d);
      registerPartnerLifecycleRoutes(app, d);
    },
  };
}

/** A file of existing partners: its template, its check (nothing written) and its apply. */
function registerPartnerImportRoutes(app: App, { access, imports }: PartnerRouteDeps): void {
  const config = { operator: 'platform.partners.manage' };
  app.get(
    '/api/v1/partner-imports/template',
    { config, schema: { tags: ['partners'], summary: 'The CSV template of a file of partners: its columns and one example row (operator)', response: { 200: Type.String({ description: 'text/csv' }), ...problems(401, 403) } } },
    async (req, reply) => {
      access.operator(req, 'platform.partners.manage');
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="partnergate-partners-template.csv"').send(importTemplate());
    },
  );
  app.post(
    '/api/v1/partner-imports/preview',
    {
      config,
      bodyLimit: S.PARTNER_IMPORT_MAX_BYTES + 64 * 1024,
      schema: {
        tags: ['partners'],
        summary: 'Check a file of partners, every row, as it would be made — nothing is written (operator)',
        description: 'A row is ready only when making it would succeed now: its fields, its short name and owner (also against the file’s other rows), its template and plans.',
        body: S.PartnerImportBody,
        response: { 200: S.PartnerImportReport, ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return imports.preview(req.ctx(), req.body.format, req.body.content);
    },
  );
  app.post(
    '/api/v1/partner-imports',
    {
      config,
      bodyLimit: S.PARTNER_IMPORT_MAX_BYTES + 64 * 1024,
      schema: {
        tags: ['partners'],
        summary: 'Make the partners of a file (only with confirm: true, after its check): each ready row in its own transaction, reported row by row (operator)',
        description: 'Each row is made as POST /api/v1/partners makes one, all or nothing; a row that cannot be made is reported with its reasons and leaves nothing behind.',
        body: Strict({ ...S.PartnerImportBody.properties, confirm: Type.Boolean({ description: 'must be true: the operator looked at the check' }) }),
        response: { 200: S.PartnerImportReport, ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return imports.apply(req.ctx(), req.body.format, req.body.content, req.body.confirm);
    },
  );
}

/** A partner's profile, capabilities and feature toggles. */
function registerPartnerProfileRoutes(app: App, { partners, access }: PartnerRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id',
    {
      schema: {
        tags: ['partners'],
        summary: 'One partner (its members, the operator). Members of an applied partner may read it to follow their application.',
        params: S.PartnerParams,
        response: { 200: S.PartnerDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = access.user(req);
      const own = p.partner?.partnerId === req.params.partner_id && p.partner.partnerStatus === 'applied';
      access.partner(req, req.params.partner_id, 'partner.profile.read', { allowInactivePartner: own });
      return toPartnerDto(await partners.requirePartner(req.params.partner_id));
    },
  );

  app.patch(
    '/api/v1/partners/:partner_id',
    { schema: { tags: ['partners'], summary: 'Edit the partner profile (owner, operator)', params: S.PartnerParams, body: S.UpdatePartnerBody, response: { 200: S.PartnerDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.profile.update');
      return toPartnerDto(await partners.updateProfile(req.ctx(), req.params.partner_id, req.body));
    },
  );

  app.put(
    '/api/v1/partners/:partner_id/capabilities',
    {
      config: { operator: 'platform.partners.manage' }, schema: { tags: ['partners'], summary: "Replace a partner's capabilities (operator)", params: S.PartnerParams, body: S.CapabilitiesBody, response: { 200: S.PartnerDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return toPartnerDto(await partners.setCapabilities(req.ctx(), req.params.partner_id, req.body.capabilities));
    },
  );

  app.patch(
    '/api/v1/partners/:partner_id/feature-toggles',
    {
      config: { operator: 'platform.partners.manage' },
      schema: {
        tags: ['partners'],
        summary: 'Turn features on or off for one partner (partner configuration manager; operator)',
        params: S.PartnerParams,
        body: S.FeatureTogglesBody,
        response: { 200: S.PartnerDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return toPartnerDto(await partners.setFeatureToggles(req.ctx(), req.params.partner_id, req.body.feature_toggles));
    },
  );
}

/** A partner's members and the invitations to join it. */
function registerPartnerMemberRoutes(app: App, { partners, access }: PartnerRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/members',
    {
      schema: {
        tags: ['partners'],
        summary: 'Partner organization members (owner, operator; staff cannot see the member list)',
        params: S.PartnerParams,
        response: { 200: Type.Object({ data: Type.Array(S.PartnerMemberDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.members.read');
      return { data: await partners.listMembers(req.params.partner_id) };
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/members',
    {
      schema: {
        tags: ['partners'],
        summary:
          'Invite a member (owner): a pending invitation with a one-time link, returned once. The person joins when they accept it — ' +
          'with a new account through the link, or logged in to an existing one. The answer is the same whether or not the email has an account.',
        params: S.PartnerParams,
        body: S.AddPartnerMemberBody,
        response: { 201: Type.Object({ invitation: InvitationLinkDto }), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.members.manage');
      await partners.requirePartner(req.params.partner_id);
      return reply.code(201).send({ invitation: await partners.inviteMember(req.ctx(), req.params.partner_id, req.body) });
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/invitations',
    {
      schema: {
        tags: ['partners'],
        summary: 'Invitations waiting for an answer (owner, operator)',
        params: S.PartnerParams,
        response: { 200: Type.Object({ data: Type.Array(PendingInvitationDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.members.read');
      return { data: (await partners.listInvitations(req.params.partner_id)).map(toPendingInvitationDto) };
    },
  );

  app.delete(
    '/api/v1/partners/:partner_id/invitations/:invitation_id',
    {
      schema: {
        tags: ['partners'],
        summary: 'Withdraw a pending invitation: its link stops working (owner)',
        params: S.PartnerInvitationParams,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.members.manage');
      await partners.revokeInvitation(req.ctx(), req.params.partner_id, req.params.invitation_id);
      return reply.code(204).send(null);
    },
  );
}

/** One member: change their role or membership, set their MSP role, remove them. */
function registerPartnerMembershipRoutes(app: App, { partners, access }: PartnerRouteDeps): void {
  app.patch(
    '/api/v1/partners/:partner_id/members/:user_id',
    {
      schema: {
        tags: ['partners'],
        summary: 'Change a member role (OWNER ⇄ STAFF) or deactivate/reactivate the membership (owner)',
        params: S.PartnerMemberParams,
        body: S.UpdatePartnerMemberBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.members.manage');
      await partners.updateMember(req.ctx(), req.params.partner_id, req.params.user_id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/partners/:partner_id/members/:user_id/member-role',
    {
      schema: {
        tags: ['partners'],
        summary: "Set a member's role inside the MSP (owner): full, billing, support or auditor",
        description: 'The member then acts on each managed customer with the permissions the link gives ∩ this role’s. Audited as partner.member_role_changed; enforced on their next request.',
        params: S.PartnerMemberParams,
        body: S.MemberRoleBody,
        response: { 200: S.PartnerMemberDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.members.manage');
      return partners.setMemberRole(req.ctx(), req.params.partner_id, req.params.user_id, req.body.member_role);
    },
  );

  app.delete(
    '/api/v1/partners/:partner_id/members/:user_id',
    { schema: { tags: ['partners'], summary: 'Remove a member (owner)', params: S.PartnerMemberParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.members.manage');
      await partners.removeMember(req.ctx(), req.params.partner_id, req.params.user_id);
      return reply.code(204).send(null);
    },
  );
}

/** Approve, reject, suspend, reactivate or terminate a partner (operator). */
function registerPartnerLifecycleRoutes(app: App, { partners, access }: PartnerRouteDeps): void {
  for (const [verb, summary, body] of LIFECYCLE) {
    const schemaBody = body === 'capabilities' ? S.ApproveBody : body === 'required' ? S.ReasonBody : S.OptionalReasonBody;
    app.post(
      `/api/v1/partners/:partner_id/${verb}`,
      {
      config: { operator: 'platform.partners.manage' }, schema: { tags: ['partners'], summary, params: S.PartnerParams, body: schemaBody, response: { 200: S.PartnerDto, ...problems(400, 401, 403, 404, 409) } } },
      async (req) => {
        access.operator(req, 'platform.partners.manage');
        const b = req.body as { reason?: string; capabilities?: S.CapabilityT[] };
        return toPartnerDto(await partners.transition(req.ctx(), req.params.partner_id, verb, { reason: b.reason, capabilities: b.capabilities }));
      },
    );
  }
}
