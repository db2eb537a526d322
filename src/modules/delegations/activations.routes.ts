/**
 * Eligible (just-in-time) access routes:
 *  - tenant:  /api/v1/tenants/:tenant_id/delegations/:delegation_id/access-settings (read, set)
 *             /api/v1/tenants/:tenant_id/activations[/:activation_id/approve|reject]
 *  - partner: /api/v1/partners/:partner_id/eligible-access (the caller's eligible links and activations)
 *             /api/v1/partners/:partner_id/delegations/:delegation_id/activate
 *             /api/v1/partners/:partner_id/activations[/:activation_id/end]
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { problems } from '../../platform/http/schemas.ts';
import { authzErrors, type Access, type AuthzService } from '../authz/index.ts';
import { DEFAULT_JIT_SETTINGS, hasEligible, type ActivationRow, type ActivationsService, type ActivationView } from './activations.ts';
import * as S from './activations.schemas.ts';
import * as D from './delegations.schemas.ts';
import type { DelegationsService } from './delegations.service.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export interface ActivationRouteDeps {
  activations: ActivationsService;
  delegations: DelegationsService;
  authz: AuthzService;
  access: Access;
  nowMs: () => number;
}

const TAGS = ['delegations'];

export function activationDto(a: ActivationView, nowMs: number) {
  const ended = a.status === 'active' && a.ends_at !== null && Date.parse(a.ends_at) <= nowMs;
  return {
    id: a.id,
    delegation_id: a.delegation_id,
    tenant: { id: a.tenant_id, name: a.tenant_name },
    partner: { id: a.partner_id, name: a.partner_name },
    user: { id: a.user_id, name: a.user_name, email: a.user_email },
    role: a.role,
    status: a.status === 'pending' ? 'waiting' : ended ? 'ended' : a.status,
    justification: a.justification,
    minutes: a.duration_minutes,
    requested_at: a.requested_at,
    starts_at: a.starts_at,
    ends_at: a.ends_at,
    decided_by: a.decided_by ? { id: a.decided_by, name: a.decided_by_name } : null,
    decided_at: a.decided_at,
    decision_reason: a.decision_reason,
  };
}

/** One activation as the wire shows it, read back after a change. */
async function one(d: ActivationRouteDeps, row: ActivationRow) {
  return activationDto((await d.activations.list({ delegationId: row.delegation_id })).find((a) => a.id === row.id)!, d.nowMs());
}

/** A list of activations, with how many wait for a decision. */
function listDto(d: ActivationRouteDeps, rows: ActivationView[]) {
  return { data: rows.map((a) => activationDto(a, d.nowMs())), waiting: rows.filter((a) => a.status === 'pending').length };
}

export function activationRoutes(d: ActivationRouteDeps): AudienceRoutes {
  return {
    tenant(app: App): void {
      registerTenantActivationRoutes(app, d);
    },

    partner(app: App): void {
      registerPartnerActivationRoutes(app, d);
    },
  };
}

/** A tenant's side: how each link may be used, and the activations waiting for its decision. */
function registerTenantActivationRoutes(app: App, d: ActivationRouteDeps): void {
  const { activations, delegations, access } = d;
  app.get(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/access-settings',
    { schema: { tags: TAGS, summary: 'How a link may be used: eligible or standing, activation limits, approval, auto-extend', params: D.TenantDelegationParams, response: { 200: S.AccessSettingsDto, ...problems(401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
      const dl = await delegations.get(req.params.delegation_id, { tenantId: req.params.tenant_id });
      return activations.settings(dl.id);
    },
  );
  app.get(
    '/api/v1/tenants/:tenant_id/access-settings',
    { schema: { tags: TAGS, summary: "How each of the tenant's links may be used (links without their own settings use `defaults`: standing, auto-extended)", params: D.TenantParams, response: { 200: S.AccessSettingsList, ...problems(401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
      const m = await activations.settingsFor({ tenantId: req.params.tenant_id });
      return { data: [...m].map(([delegation_id, s]) => ({ delegation_id, ...s })), defaults: DEFAULT_JIT_SETTINGS };
    },
  );
  app.put(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/access-settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Set how a link may be used (tenant admin): make its role eligible (activated for a while, optionally with approval), auto-extend, privileged roles',
        params: D.TenantDelegationParams,
        body: S.AccessSettingsBody,
        response: { 200: S.AccessSettingsDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      return activations.updateSettings(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.body);
    },
  );
  app.get(
    '/api/v1/tenants/:tenant_id/activations',
    { schema: { tags: TAGS, summary: "Activations of the tenant's eligible links, newest first, and how many wait for approval", params: D.TenantParams, querystring: S.ActivationStatusQuery, response: { 200: S.ActivationList, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
      const rows = await activations.list({ tenantId: req.params.tenant_id, status: req.query.status });
      const waiting = req.query.status ? (await activations.list({ tenantId: req.params.tenant_id, status: 'pending' })).length : undefined;
      const dto = listDto(d, rows);
      return waiting === undefined ? dto : { ...dto, waiting };
    },
  );
  for (const verb of ['approve', 'reject'] as const) {
    app.post(
      `/api/v1/tenants/:tenant_id/activations/:activation_id/${verb}`,
      {
        schema: {
          tags: TAGS,
          summary: verb === 'approve' ? 'Approve a waiting activation (tenant admin): the access is active from now for the time asked' : 'Reject a waiting activation (tenant admin)',
          params: S.TenantActivationParams,
          body: S.DecideActivationBody,
          response: { 200: S.ActivationDto, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
        return one(d, await activations.decide(req.ctx(), req.params.tenant_id, req.params.activation_id, verb === 'approve', req.body.reason ?? null));
      },
    );
  }
}

/** A partner's eligible access: its eligible links, activating one, its activations, ending one. */
function registerPartnerActivationRoutes(app: App, d: ActivationRouteDeps): void {
  const { activations, delegations, access } = d;
  const member = (req: Parameters<Access['user']>[0], partnerId: string) => {
    const a = access.partner(req, partnerId, 'partner.customers.read');
    if (!a.membership) throw authzErrors.not_partner_member(PD.onlyMembersPartnerActivate);
    return a;
  };
  app.get(
    '/api/v1/partners/:partner_id/eligible-access',
    { schema: { tags: TAGS, summary: "The partner's eligible links (activated for a while when needed) with your own activation on each", params: D.PartnerParams, response: { 200: S.EligibleAccessList, ...problems(401, 403, 404) } } },
    async (req) => {
      const a = member(req, req.params.partner_id);
      const settings = await activations.settingsFor({ partnerId: req.params.partner_id });
      const ids = [...settings].filter(([, s]) => hasEligible(s)).map(([id]) => id);
      const mine = await activations.list({ partnerId: req.params.partner_id });
      const now = d.nowMs();
      const out = [];
      for (const id of ids) {
        const dl = await delegations.get(id).catch(() => null);
        if (!dl || dl.status !== 'active') continue;
        const s = settings.get(id)!;
        const my = mine.find((x) => x.delegation_id === id && x.user_id === a.principal.userId && (x.status === 'pending' || (x.status === 'active' && x.ends_at !== null && Date.parse(x.ends_at) > now)));
        out.push({ delegation_id: id, tenant: { id: dl.tenant_id, name: dl.tenant_name }, role: dl.role, standing: !s.eligible, eligible_roles: s.eligible_roles, link_ends_at: dl.ends_at, max_activation_minutes: s.max_activation_minutes, approval_required: s.approval_required, my_activation: my ? activationDto(my, now) : null });
      }
      return { data: out };
    },
  );
  app.post(
    '/api/v1/partners/:partner_id/delegations/:delegation_id/activate',
    {
      schema: {
        tags: TAGS,
        summary: 'Activate eligible access for a while (partner member): needs a second factor proven in the last 10 minutes and a reason; waits for the tenant when it asks for approval',
        params: D.PartnerDelegationParams,
        body: S.ActivateBody,
        response: { 201: S.ActivationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const a = member(req, req.params.partner_id);
      const row = await activations.activate(req.ctx(), { partnerId: req.params.partner_id, userId: a.principal.userId, sessionId: a.principal.sessionId ?? null }, req.params.delegation_id, req.body);
      return reply.code(201).send(await one(d, row));
    },
  );
  app.get(
    '/api/v1/partners/:partner_id/activations',
    { schema: { tags: TAGS, summary: "Activations of the partner's eligible access, newest first", params: D.PartnerParams, querystring: S.ActivationStatusQuery, response: { 200: S.ActivationList, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.customers.read');
      return listDto(d, await activations.list({ partnerId: req.params.partner_id, status: req.query.status }));
    },
  );
  app.post(
    '/api/v1/partners/:partner_id/activations/:activation_id/end',
    { schema: { tags: TAGS, summary: 'End your own activation now (or withdraw it while it waits)', params: S.PartnerActivationParams, response: { 200: S.ActivationDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const a = member(req, req.params.partner_id);
      return one(d, await activations.end(req.ctx(), { partnerId: req.params.partner_id, userId: a.principal.userId }, req.params.activation_id));
    },
  );
}
