import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

/** The Fastify instance every route module registers on. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * A module's routes, grouped by the audience router they belong to (src/app/routers.ts). Each
 * function registers its routes with their full URLs on that router, which owns the prefix, the
 * authentication, the organization wall and the role gate of everything it carries.
 */
export interface AudienceRoutes {
  /** /api/v1/…: no credentials needed (every route says `config: { public: true }`) */
  public?: (app: App) => void;
  /** /api/v1/…: any signed-in caller, about themselves or the catalogs */
  me?: (app: App) => void;
  /** /api/v1/…: the platform operator (every route names its `config.operator` permission) */
  operator?: (app: App) => void;
  /** /api/v1/tenants/:tenant_id/…: the tenant plane, behind the tenant wall */
  tenant?: (app: App) => void;
  /** /api/v1/partners/:partner_id/…: the partner plane, behind the partner wall */
  partner?: (app: App) => void;
  /** /api/v1/partner/…: the caller's own partner, from its credentials */
  partnerSelf?: (app: App) => void;
  /** /embed/…: agency tokens */
  embed?: (app: App) => void;
}
