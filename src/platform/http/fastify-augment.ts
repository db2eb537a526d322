/** Typed declaration merging for what Partnergate decorates onto Fastify requests. */
import type { Principal } from './principal.ts';
import type { AdmittedPartnerPerson } from './admission.ts';
import type { RequestContext } from './request-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The portal/admin API caller, or null when unauthenticated. */
    principal: Principal | null;
    /** Why authentication failed, when credentials were sent but not accepted. */
    authFailure: { code: string; detail: string } | null;
    /** The partner person the partner API's gate admitted (routes under /api/v1/partner only). */
    admitted?: AdmittedPartnerPerson;
    /** Who/where for services and the audit log. */
    ctx(): RequestContext;
  }
}

