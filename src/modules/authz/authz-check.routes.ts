/**
 * POST /api/v1/authz/check and /api/v1/authz/explain: the decision engine over HTTP, for
 * operators, resource services and partner users asking about themselves.
 *
 * Who may ask about whom:
 *  - about any principal (`principal` in the body): callers holding `platform.authz.check` —
 *    the operator (SUPER_ADMIN) and resource-service accounts (platform role RESOURCE_SERVICE,
 *    authenticating with a personal API token);
 *  - about themselves (no `principal`): any authenticated user, for the tenant in `tenant_id`
 *    or in the X-Active-Tenant-Id header.
 * Both answer 200 with the decision; a refusal is data here, not an error.
 */
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from './access.ts';
import { authzErrors as A } from './authz.errors.ts';
import { isPermissionName } from './permissions.ts';
import type { AuthzService } from './authz.service.ts';
import { ACTIVE_TENANT_HEADER } from './authz.service.ts';
import type { AuthzPrincipal, Decision } from './decide.ts';

const Ref = (description: string) => Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description });

const UserPrincipalBody = Strict(
  {
    type: Type.Literal('user'),
    user_id: Id('usr'),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 200, description: 'permission grants the credential is limited to' })),
  },
  { description: 'A person: operator, tenant member, or partner user (tenant chosen by tenant_id / X-Active-Tenant-Id)' },
);

const AppPrincipalBody = Strict(
  {
    type: Type.Literal('app'),
    partner_id: Id('ptr'),
    client_id: Type.String({ minLength: 1, maxLength: 128 }),
    dlg: Type.Optional(Nullable(Id('dlg'))),
    tenant_id: Type.Optional(Nullable(Ref('the tenant_id claim'))),
    customer_ban: Type.Optional(Nullable(Type.Union([Ref('a BAN id or account number'), Type.Array(Ref('a BAN id or account number'), { maxItems: 200 })]))),
    scope: Type.Optional(Nullable(Type.String({ maxLength: 4000, description: 'space-separated scopes, each a permission grant (billing.invoices.read, billing.*)' }))),
    sub: Type.Optional(Nullable(Id('usr'))),
  },
  { description: 'A partner app token, by its RFC 9068 claims' },
);

const CheckBody = Strict({
  action: Type.String({ minLength: 1, maxLength: 128, description: 'the permission asked for, e.g. billing.invoices.read' }),
  tenant_id: Type.Optional(Ref('the tenant acted on (default: X-Active-Tenant-Id)')),
  ban: Type.Optional(Ref('a billing account id or account number the request touches')),
  principal: Type.Optional(Type.Union([UserPrincipalBody, AppPrincipalBody], { description: 'whom to ask about; omitted = yourself. Needs platform.authz.check.' })),
});

const MatchedDto = Nullable(Type.Object({ source: Type.String(), grant: Type.String(), role: Type.Optional(Type.String()) }));

const CheckResult = Type.Object({
  allow: Type.Boolean(),
  code: Type.String({ description: 'allowed, or the refusal code (delegation_revoked, ban_not_covered, permission_denied, …)' }),
  reason: Type.String(),
  matched: MatchedDto,
  via: Nullable(Type.String({ description: 'platform, membership, delegation or home' })),
  tenant_id: Nullable(Type.String()),
  delegation_id: Nullable(Type.String()),
  ban_ids: Nullable(Type.Array(Type.String(), { description: 'billing accounts the access covers; null = all' })),
}, { title: 'AuthzDecision' });

const ExplainResult = Type.Object({
  ...CheckResult.properties,
  checks: Type.Array(Type.Object({ check: Type.String(), passed: Type.Boolean(), detail: Type.String() }), { description: 'every check, in the order the engine made them' }),
  effective_permissions: Type.Array(Type.String(), { description: 'every catalog permission the principal holds on the target' }),
}, { title: 'AuthzExplanation' });

function toResult(d: Decision) {
  return {
    allow: d.allow,
    code: d.code,
    reason: d.reason,
    matched: d.matched ?? null,
    via: d.allow ? d.via : null,
    tenant_id: d.allow ? d.tenantId : null,
    delegation_id: d.allow ? d.delegationId : (d.delegationId ?? null),
    ban_ids: d.allow && d.bans !== null ? [...d.bans] : null,
  };
}

function splitScope(s: string | null | undefined): string[] | null {
  if (s === null || s === undefined) return null;
  return s.split(/\s+/).filter(Boolean);
}

export function authzCheckRoutes(d: { authz: AuthzService; access: Access }): AudienceRoutes {
  const { authz, access } = d;

  const resolve = (req: FastifyRequest) => {
    const caller = access.user(req);
    const body = req.body as Static<typeof CheckBody>;
    if (!isPermissionName(body.action)) {
      throw A.invalid_permission(`"${body.action}" is not a permission name (dotted lowercase segments, no wildcard).`, { fields: [{ pointer: '/body/action', detail: 'malformed permission' }] });
    }
    const header = req.headers[ACTIVE_TENANT_HEADER];
    const tenantId = body.tenant_id ?? (typeof header === 'string' && header ? header : null);
    let principal: AuthzPrincipal;
    if (body.principal) {
      if (!access.can(caller.platformRole, 'platform.authz.check')) {
        throw A.permission_denied('Asking about another principal needs the platform.authz.check permission (operator or resource service).');
      }
      const p = body.principal;
      principal =
        p.type === 'user'
          ? { type: 'user', userId: p.user_id, scopes: p.scopes ?? null }
          : {
              type: 'app',
              partnerId: p.partner_id,
              clientId: p.client_id,
              delegationId: p.dlg ?? null,
              tenantId: p.tenant_id ?? null,
              bans: p.customer_ban === undefined || p.customer_ban === null ? null : Array.isArray(p.customer_ban) ? p.customer_ban : [p.customer_ban],
              scopes: splitScope(p.scope),
              userId: p.sub ?? null,
            };
    } else {
      principal = { type: 'user', userId: caller.userId };
    }
    for (const [i, s] of (principal.scopes ?? []).entries()) {
      if (!/^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/.test(s)) {
        throw A.invalid_permission(`Scope "${s}" is not a permission grant.`, { fields: [{ pointer: `/body/principal/scopes/${i}`, detail: 'malformed permission' }] });
      }
    }
    return { principal, action: body.action, target: { tenantId, ban: body.ban ?? null } };
  };

  return {
    me(app: App): void {
      // Answered from memory (the in-memory token and session indexes, the snapshot): the decision
      // API keeps answering while the database is away.
      app.post(
        '/api/v1/authz/check',
        {
          config: { memoryAuth: true },
          schema: {
            tags: ['authz'],
            summary: 'Ask the decision engine: may this principal do this action on this tenant / billing account?',
            description:
              'Without `principal`: about yourself (any authenticated user; tenant from `tenant_id` or X-Active-Tenant-Id). With `principal`: needs platform.authz.check — ' +
              'the operator, or a resource-service account (platform role RESOURCE_SERVICE) with a personal API token. Always 200 with the decision; 400 invalid_permission for a malformed action.',
            headers: Type.Object({ 'x-active-tenant-id': Type.Optional(Type.String({ maxLength: 64 })) }),
            body: CheckBody,
            response: { 200: CheckResult, ...problems(400, 401, 403) },
          },
        },
        async (req) => {
          const q = resolve(req);
          return toResult(authz.decide(q.principal, q.action, q.target));
        },
      );

      app.post(
        '/api/v1/authz/explain',
        {
          config: { memoryAuth: true },
          schema: {
            tags: ['authz'],
            summary: 'Why: the decision, which grant or deny matched, and every check the engine made, in order',
            description: 'Same callers and body as /api/v1/authz/check.',
            headers: Type.Object({ 'x-active-tenant-id': Type.Optional(Type.String({ maxLength: 64 })) }),
            body: CheckBody,
            response: { 200: ExplainResult, ...problems(400, 401, 403) },
          },
        },
        async (req) => {
          const q = resolve(req);
          const now = authz.now();
          const e = authz.explain(q.principal, q.action, q.target, now);
          return { ...toResult(e.decision), checks: e.checks, effective_permissions: authz.effectivePermissions(q.principal, q.target, now) };
        },
      );
    },
  };
}
