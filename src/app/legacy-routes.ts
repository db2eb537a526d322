/**
 * For a module whose routes still come in one register function across audiences (audit): hands
 * each audience router only the routes that are its own, by URL and config — the same rule the
 * other modules follow by grouping theirs in AudienceRoutes. The function runs once per router
 * it has routes for; what it registers for another router is left to that one.
 */
import type { RouteOptions } from 'fastify';
import type { App, AudienceRoutes } from '../platform/http/app-types.ts';

type Group = keyof AudienceRoutes;

/** The audience a full /api or /embed URL belongs to. */
export function audienceOfRoute(url: string, config: { public?: boolean; operator?: string } | undefined): Group {
  if (url === '/api/v1/tenants/:tenant_id' || url.startsWith('/api/v1/tenants/:tenant_id/')) return 'tenant';
  if (url === '/api/v1/partners/:partner_id' || url.startsWith('/api/v1/partners/:partner_id/')) return 'partner';
  if (url.startsWith('/api/v1/partner/')) return 'partnerSelf';
  if (url.startsWith('/embed/')) return 'embed';
  if (config?.public) return 'public';
  if (config?.operator) return 'operator';
  return 'me';
}

const SHORTHANDS = new Set(['get', 'head', 'post', 'put', 'delete', 'options', 'patch']);

export function byAudience(register: (app: App) => void): AudienceRoutes {
  const only = (group: Group) => (app: App) => {
    const proxy = new Proxy(app, {
      get(target, prop) {
        if (typeof prop === 'string' && SHORTHANDS.has(prop)) {
          return (url: string, opts: unknown, handler?: unknown) => {
            const config = typeof opts === 'object' && opts !== null ? (opts as { config?: { public?: boolean; operator?: string } }).config : undefined;
            if (audienceOfRoute(url, config) !== group) return proxy;
            return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[prop](url, opts, ...(handler === undefined ? [] : [handler]));
          };
        }
        if (prop === 'route') {
          return (opts: RouteOptions) => (audienceOfRoute(opts.url, opts.config as never) === group ? target.route(opts as never) : proxy);
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    register(proxy);
  };
  return { public: only('public'), me: only('me'), operator: only('operator'), tenant: only('tenant'), partner: only('partner'), partnerSelf: only('partnerSelf'), embed: only('embed') };
}
