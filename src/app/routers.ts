/**
 * The audience routers. Every route of Partnergate's own API belongs to exactly one of them, and
 * its URL says which in one hop:
 *
 *   router        prefix                          authentication · wall · role gate · rate limit
 *   public        /api/v1                         none (a session still counts for CSRF) · — · — · per route (applications, logins)
 *   me            /api/v1                         signed in · — · — · —
 *   operator      /api/v1                         signed in · — · config.operator on every route · —
 *   tenant        /api/v1/tenants/:tenant_id      signed in · tenant wall (404) · roles in the handlers · —
 *   partner       /api/v1/partners/:partner_id    signed in · partner wall (403 / 404) · roles in the handlers · —
 *   partner-self  /api/v1/partner                 signed in · the caller's own partner · the partner admission (gateway/partner-admission.ts) · the gateway's counters
 *   embed         /embed                          agency token (/embed/v1) · the token's tenant · — · 20 per token and minute
 *   oauth         /oauth, /.well-known            oidc-provider's own (client authentication, sessions) · — · — · failed client authentications
 *
 * Each is an encapsulated Fastify plugin whose routes carry their full URLs: its guard
 * (identity/auth-hook.ts) is its own preValidation hook, so no hook that runs on every request
 * asks a URL which audience it belongs to — and the gateway (/resources, /authz/forward-auth),
 * registered outside them, pays for none of it. Modules hand their routes over grouped by
 * audience (AudienceRoutes) with their full URLs, so a route is found by grepping its URL; the
 * router checks at boot that each belongs to it.
 *
 * Deny by default: every router but the public one authenticates before the body is looked at,
 * the public router takes only routes that say `config: { public: true }` and no other router
 * takes one that does, and an /api path no route answers asks for credentials before it says 404.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { App, AudienceRoutes } from '../platform/http/app-types.ts';
import type { AdmissionNeeds } from '../platform/http/admission.ts';
import { sendProblem } from '../platform/http/error-handler.ts';
import { platformErrors } from '../platform/errors/platform.errors.ts';
import type { Audience, AuthGuards } from '../modules/identity/index.ts';

/** The routers, in registration order. */
export const ROUTERS = ['public', 'me', 'operator', 'tenant', 'partner', 'partner-self', 'embed', 'oauth'] as const;
export type RouterName = (typeof ROUTERS)[number];

export const ROUTER_PREFIX: Record<RouterName, string> = {
  public: '/api/v1',
  me: '/api/v1',
  operator: '/api/v1',
  tenant: '/api/v1/tenants/:tenant_id',
  partner: '/api/v1/partners/:partner_id',
  'partner-self': '/api/v1/partner',
  embed: '/embed',
  oauth: '',
};

const API_PREFIX = '/api';

/** What a router carries: module route groups of its audience. */
export type RouteGroup = (app: App) => void | Promise<void>;

export interface RouterTable {
  public: RouteGroup[];
  me: RouteGroup[];
  operator: RouteGroup[];
  tenant: RouteGroup[];
  partner: RouteGroup[];
  'partner-self': RouteGroup[];
  embed: RouteGroup[];
  oauth: RouteGroup[];
}

/** Sorts modules' AudienceRoutes into the routers' table. */
export function routerTable(modules: AudienceRoutes[], extra: Partial<Record<RouterName, RouteGroup[]>> = {}): RouterTable {
  const t: RouterTable = { public: [], me: [], operator: [], tenant: [], partner: [], 'partner-self': [], embed: [], oauth: [] };
  for (const m of modules) {
    if (m.public) t.public.push(m.public);
    if (m.me) t.me.push(m.me);
    if (m.operator) t.operator.push(m.operator);
    if (m.tenant) t.tenant.push(m.tenant);
    if (m.partner) t.partner.push(m.partner);
    if (m.partnerSelf) t['partner-self'].push(m.partnerSelf);
    if (m.embed) t.embed.push(m.embed);
  }
  for (const [name, groups] of Object.entries(extra) as [RouterName, RouteGroup[]][]) t[name].push(...groups);
  return t;
}

/** One route a router took: which router, method and URL (for the boot check and the tests). */
export interface MountedRoute {
  router: RouterName;
  method: string;
  url: string;
  /** a partner API route's declared admission (the enforcement matrix reads it) */
  admission?: AdmissionNeeds;
  /** the platform permission of an operator-only route */
  operator?: string;
}

/**
 * Registers every router. Returns the routes each took (a route registered twice, or in no
 * router, cannot reach this list: the first is a Fastify error, the second is not an /api route).
 */
export async function registerRouters(app: App, table: RouterTable, guards: AuthGuards): Promise<MountedRoute[]> {
  const mounted: MountedRoute[] = [];

  // An /api path no route answers is answered like one that exists (credentials first: 401 before
  // 404) in the problem+json envelope, and never cached. The /api scope holds only that handler: the
  // routers themselves are registered beside it, with their routes' full URLs.
  await app.register(
    async (api) => {
      api.addHook('onRequest', noStore);
      api.setNotFoundHandler(async (req, reply) => {
        if (req.url.startsWith(`${API_PREFIX}/`)) await guards.authenticated(req);
        return sendProblem(reply, req, platformErrors.not_found(`No route for ${req.method} ${req.url.split('?')[0]}.`));
      });
    },
    { prefix: API_PREFIX },
  );
  for (const name of ['public', 'me', 'operator', 'tenant', 'partner', 'partner-self'] as const) {
    await mount(app, name, table[name], guards.hook(name), mounted);
  }
  await mount(app, 'embed', table.embed, null, mounted);
  await mount(app, 'oauth', table.oauth, null, mounted);
  return mounted;
}

/** Everything under /api is never cached: answers depend on who asks. */
function noStore(_req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.header('cache-control', 'no-store');
  done();
}

/**
 * A router: an encapsulated scope (no prefix: its routes carry their full URLs, so a route is found
 * by grepping its URL) whose hooks are the audience's guard, checked at boot to hold only URLs under
 * the router's prefix.
 */
async function mount(parent: App, name: RouterName, groups: RouteGroup[], guard: ReturnType<AuthGuards['hook']> | null, mounted: MountedRoute[]): Promise<void> {
  const prefix = ROUTER_PREFIX[name];
  await parent.register(async (scope) => {
    scope.addHook('onRoute', (route: RouteOptions) => {
      if (prefix && route.url !== prefix && !route.url.startsWith(prefix + '/')) throw new Error(`${route.url} does not belong to the router at ${prefix}`);
      checkRoute(name, route);
      route.config = { ...(route.config ?? {}), audience: name as Audience | 'embed' | 'oauth' };
      const { admission, operator } = (route.config ?? {}) as { admission?: AdmissionNeeds; operator?: string };
      for (const method of [route.method].flat()) mounted.push({ router: name, method, url: route.url, ...(admission ? { admission } : {}), ...(operator ? { operator } : {}) });
    });
    if (prefix.startsWith(API_PREFIX + '/')) scope.addHook('onRequest', noStore);
    if (guard) scope.addHook('preValidation', guard);
    for (const register of groups) await register(scope as unknown as App);
  });
}

/** The router's own rules, checked once per route at boot. */
function checkRoute(name: RouterName, route: RouteOptions): void {
  const config = (route.config ?? {}) as { public?: boolean; operator?: string };
  const what = `${[route.method].flat().join(',')} ${route.url}`;
  if (name === 'public' && config.public !== true) throw new Error(`${what}: the public router takes only routes with config.public`);
  if (name !== 'public' && config.public === true) throw new Error(`${what}: a public route belongs to the public router`);
  if (name === 'operator' && !config.operator) throw new Error(`${what}: every operator route names its config.operator permission`);
  if (name === 'partner-self' && !(config as { admission?: unknown }).admission) throw new Error(`${what}: every partner API route declares its config.admission (platform/http/admission.ts)`);
}
