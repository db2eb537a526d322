import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import type { App } from '../platform/http/app-types.ts';
import type { AuthGuards } from '../modules/identity/index.ts';
import { registerRouters, routerTable } from './routers.ts';

const seen: string[] = [];
const guards: AuthGuards = {
  hook: (audience) => (_req, _reply, done) => {
    seen.push(audience);
    done();
  },
  authenticated: async () => {},
};
const ok = async () => ({ ok: true });

async function boot(groups: Parameters<typeof routerTable>[0]) {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } }) as unknown as App;
  const mounted = await registerRouters(app, routerTable(groups), guards);
  return { app, mounted };
}

describe('audience routers', () => {
  it('mount each group under its router, with its guard and its audience in the route config', async () => {
    const { app, mounted } = await boot([
      {
        tenant: (r) => {
          r.get('/api/v1/tenants/:tenant_id', ok);
          r.get('/api/v1/tenants/:tenant_id/things', { config: {} }, async (req) => ({ audience: req.routeOptions.config.audience }));
        },
        me: (r) => r.get('/api/v1/me', ok),
        partnerSelf: (r) => r.route({ method: 'GET', url: '/api/v1/partner/context', config: { admission: { permission: null, rateClass: 'read' } }, handler: ok }),
      },
    ]);
    expect(mounted.filter((m) => m.method === 'GET').map((m) => `${m.router} ${m.url}`).sort()).toEqual([
      'me /api/v1/me',
      'partner-self /api/v1/partner/context',
      'tenant /api/v1/tenants/:tenant_id',
      'tenant /api/v1/tenants/:tenant_id/things',
    ]);
    seen.length = 0;
    const r = await app.inject({ method: 'GET', url: '/api/v1/tenants/tnt_1/things' });
    expect(r.json()).toEqual({ audience: 'tenant' });
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await app.inject({ method: 'GET', url: '/api/v1/tenants/tnt_1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/partner/context' })).statusCode).toBe(200);
    expect(seen).toEqual(['tenant', 'tenant', 'partner-self']);
    await app.close();
  });

  it.each([
    ['a URL outside the router', { tenant: (r: App) => void r.get('/api/v1/users', ok) }, /does not belong to the router at \/api\/v1\/tenants\/:tenant_id/],
    ['a public route outside the public router', { me: (r: App) => void r.get('/api/v1/open', { config: { public: true } }, ok) }, /a public route belongs to the public router/],
    ['a route without config.public in the public router', { public: (r: App) => void r.get('/api/v1/open', ok) }, /the public router takes only routes with config.public/],
    ['an operator route without its permission', { operator: (r: App) => void r.get('/api/v1/users', ok) }, /every operator route names its config.operator permission/],
    ['a partner API route that declares no admission', { partnerSelf: (r: App) => void r.get('/api/v1/partner/things', ok) }, /every partner API route declares its config.admission/],
  ])('refuse to boot with %s', async (_what, group, message) => {
    await expect(boot([group])).rejects.toThrow(message);
  });
});
