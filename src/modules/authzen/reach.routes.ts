/**
 * Who can reach what, for people rather than policy enforcement points: the answers of the AuthZEN
 * searches (AuthzenService.tenantsOfPartner / partnersOfTenant, the decision engine's own) with
 * names instead of ids, paged.
 *
 *  - operator: GET /api/v1/access-review/partners/:partner_id  which tenants the partner can reach, with what
 *              GET /api/v1/access-review/tenants/:tenant_id    which partners (and which of their people) can reach the tenant
 *  - tenant:   GET /api/v1/tenants/:tenant_id/access-review    the same for the tenant's own admins
 *
 * The answers come from the in-memory decision snapshot (authz/reach.ts: links, consents, wholesale
 * delegations, a distributor's resellers' links), each with the relationships it comes through; only
 * the names are read from the tables' owners (tenants, partners and their members, apps).
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Id, Nullable, PageQuery, Type, problems } from '../../platform/http/schemas.ts';
import type { Access, AuthzSnapshot } from '../authz/index.ts';
import type { AuthzenService, PersonReach, Reach } from './authzen.service.ts';

export interface ReachRouteDeps {
  authzen: AuthzenService;
  snapshot: AuthzSnapshot;
  access: Access;
  tenantNames: (ids: string[]) => Promise<Map<string, string>>;
  partnerNames: (ids: string[]) => Promise<Map<string, string>>;
  people: (partnerId: string) => Promise<{ user_id: string; name: string; email: string }[]>;
  /** the partner's apps' names by client id (a consent names the app it was given to) */
  appNames: (partnerId: string) => Promise<Map<string, string>>;
}

const TAGS = ['access review'];
const Named = Type.Object({ id: Type.String(), name: Type.String() });
const Account = Type.Object({ id: Type.String(), account_number: Type.String() });
const What = {
  permissions: Type.Array(Type.String(), { description: 'the permissions held, by name (the catalog at /api/v1/permissions words them)' }),
  accounts: Type.Union([Type.Array(Account), Type.Null()], { description: 'the billing accounts covered; null: every account of the tenant' }),
};
const Through = Type.Object(
  {
    kind: Type.Union([Type.Literal('link'), Type.Literal('consent'), Type.Literal('wholesale')], { description: 'link: the customer approved a link; consent: the customer consented to an app; wholesale: the partner resells the service' }),
    delegation_id: Type.String(),
    reseller: Nullable(Named),
    app: Nullable(Named),
  },
  { title: 'ReachRoute', description: 'reseller: the reseller whose link a distributor acts through; app: the app a consent was given to' },
);
const Why = { through: Type.Array(Through, { description: 'the relationships that give this access now' }) };
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ data: Type.Array(item), next_cursor: Nullable(Type.String()), total: Type.Integer({ description: 'entries over every page' }) });

export const PartnerReachPage = Page(Type.Object({ tenant: Named, ...What, ...Why }, { title: 'TenantReached' }));
export const TenantReachPage = Page(
  Type.Object(
    {
      partner: Named,
      ...What,
      ...Why,
      people: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String(), ...What }, { title: 'PersonReaching' }), {
        description: "the partner's people who can act on the tenant (as when signed in with a second factor)",
      }),
    },
    { title: 'PartnerReaching' },
  ),
);
const Query = Type.Object(PageQuery, { additionalProperties: false });

/** One page after the cursor (the last id of the previous page): entries added or removed between pages neither repeat nor shift the rest. */
function page<T>(items: T[], idOf: (x: T) => string, q: { limit?: number; cursor?: string }): { items: T[]; next_cursor: string | null; total: number } {
  const limit = q.limit ?? 50;
  const start = q.cursor ? items.findIndex((x) => idOf(x) > q.cursor!) : 0;
  const from = start < 0 ? items.length : start;
  const slice = items.slice(from, from + limit);
  return { items: slice, next_cursor: from + limit < items.length ? idOf(slice[slice.length - 1]) : null, total: items.length };
}

/** The two answers, named: a partner's tenants, a tenant's partners (with their people), each with why. */
function reviews(d: ReachRouteDeps) {
  const accounts = (ids: string[] | null) => (ids === null ? null : ids.map((id) => ({ id, account_number: d.snapshot.bans.get(id)?.accountNumber ?? id })));

  /** The relationships of these entries in words' ingredients: the resellers' and the apps' names. */
  async function throughOf(items: Reach[]) {
    const resellers = await d.partnerNames([...new Set(items.flatMap((r) => r.routes.flatMap((x) => (x.resellerId === null ? [] : [x.resellerId]))))]);
    const withApps = [...new Set(items.filter((r) => r.routes.some((x) => x.kind === 'consent')).map((r) => r.partnerId))];
    const apps = new Map(await Promise.all(withApps.map(async (id) => [id, await d.appNames(id)] as const)));
    return (r: Reach) =>
      r.routes.map((x) => ({
        kind: x.kind,
        delegation_id: x.delegationId,
        reseller: x.resellerId === null ? null : { id: x.resellerId, name: resellers.get(x.resellerId) ?? 'A removed partner' },
        app: x.kind !== 'consent' || x.clientId === null ? null : { id: x.clientId, name: apps.get(r.partnerId)?.get(x.clientId) ?? 'A removed app' },
      }));
  }

  async function tenantsOf(partnerId: string, q: { limit?: number; cursor?: string }) {
    const p = page(d.authzen.tenantsOfPartner(partnerId), (r) => r.tenantId, q);
    const [names, through] = await Promise.all([d.tenantNames(p.items.map((r) => r.tenantId)), throughOf(p.items)]);
    return {
      data: p.items.map((r) => ({ tenant: { id: r.tenantId, name: names.get(r.tenantId) ?? 'A removed tenant' }, permissions: r.permissions, accounts: accounts(r.accounts), through: through(r) })),
      next_cursor: p.next_cursor,
      total: p.total,
    };
  }

  async function partnersOf(tenantId: string, q: { limit?: number; cursor?: string }) {
    const p = page(d.authzen.partnersOfTenant(tenantId), (r) => r.partnerId, q);
    const [names, through] = await Promise.all([d.partnerNames(p.items.map((r) => r.partnerId)), throughOf(p.items)]);
    const people = await Promise.all(p.items.map((r) => (r.people.length > 0 ? d.people(r.partnerId) : Promise.resolve([]))));
    return {
      data: p.items.map((r: Reach & { people: PersonReach[] }, i) => {
        const who = new Map(people[i].map((m) => [m.user_id, m]));
        return {
          partner: { id: r.partnerId, name: names.get(r.partnerId) ?? 'A removed partner' },
          permissions: r.permissions,
          accounts: accounts(r.accounts),
          through: through(r),
          people: r.people.flatMap((u) => {
            const m = who.get(u.userId);
            // a person no longer among the partner's members is not named (nor listed)
            return m ? [{ id: u.userId, name: m.name, email: m.email, permissions: u.permissions, accounts: accounts(u.accounts) }] : [];
          }),
        };
      }),
      next_cursor: p.next_cursor,
      total: p.total,
    };
  }

  return { tenantsOf, partnersOf };
}

type Req<P> = FastifyRequest<{ Params: P; Querystring: { limit?: number; cursor?: string } }>;

export function reachRoutes(d: ReachRouteDeps): AudienceRoutes {
  const { tenantsOf, partnersOf } = reviews(d);
  return {
    operator(app: App): void {
      app.get(
        '/api/v1/access-review/partners/:partner_id',
        {
          config: { operator: 'platform.delegations.manage' },
          schema: {
            tags: TAGS,
            summary: 'Which tenants a partner can reach now, with which permissions and on which billing accounts (operator)',
            params: Type.Object({ partner_id: Id('ptr') }),
            querystring: Query,
            response: { 200: PartnerReachPage, ...problems(400, 401, 403) },
          },
        },
        async (req: Req<{ partner_id: string }>) => {
          d.access.operator(req, 'platform.delegations.manage');
          return tenantsOf(req.params.partner_id, req.query);
        },
      );
      app.get(
        '/api/v1/access-review/tenants/:tenant_id',
        {
          config: { operator: 'platform.delegations.manage' },
          schema: {
            tags: TAGS,
            summary: 'Which partners, and which of their people, can reach a tenant now, with what (operator)',
            params: Type.Object({ tenant_id: Id('tnt') }),
            querystring: Query,
            response: { 200: TenantReachPage, ...problems(400, 401, 403) },
          },
        },
        async (req: Req<{ tenant_id: string }>) => {
          d.access.operator(req, 'platform.delegations.manage');
          return partnersOf(req.params.tenant_id, req.query);
        },
      );
    },
    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/access-review',
        {
          schema: {
            tags: TAGS,
            summary: "Which partners, and which of their people, can reach this tenant's data now, with what",
            params: Type.Object({ tenant_id: Id('tnt') }),
            querystring: Query,
            response: { 200: TenantReachPage, ...problems(400, 401, 403, 404) },
          },
        },
        async (req: Req<{ tenant_id: string }>) => {
          d.access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          return partnersOf(req.params.tenant_id, req.query);
        },
      );
    },
  };
}
