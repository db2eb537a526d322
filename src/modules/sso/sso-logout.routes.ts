/**
 * Single logout's browser-less end, outside the /api routers (like the rest of /sso):
 *
 *   POST /sso/oidc/:connection_id/backchannel-logout   OpenID Connect Back-Channel Logout 1.0: the organization's
 *        provider posts `logout_token` (form-encoded) when someone signs out there; 200 once their sessions of
 *        this connection are ended, 400 {"error":"invalid_request"} when the token is refused (§2.8), never cached.
 *   GET  /sso/signed-out   where the provider sends the browser back after an RP-initiated logout: the sign-in page.
 *        The portal session ended before the browser left; nothing is decided here, so the state is not looked up.
 *
 * The organization's admin gives these addresses to its provider (the single sign-on page shows them).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { SsoService } from './sso.service.ts';
import { LogoutTokenRefused, SIGNED_OUT_PATH } from './sso-logout.ts';

export const backChannelLogoutPath = (connectionId: string) => `/sso/oidc/${connectionId}/backchannel-logout`;

export function registerSsoLogoutRoutes(app: FastifyInstance, d: { sso: SsoService }): void {
  app.get(SIGNED_OUT_PATH, { schema: { hide: true } }, (_req, reply) => reply.header('cache-control', 'no-store').redirect('/login', 302));
  void app.register(async (scope) => {
    // a logout token is a few KB; the form is parsed only here
    await scope.register(formbody, { bodyLimit: 32 * 1024 });
    scope.post('/sso/oidc/:connection_id/backchannel-logout', { schema: { hide: true } }, async (req, reply) => {
      reply.header('cache-control', 'no-store').header('content-type', 'application/json');
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        await d.sso.logout.backChannel(req.ctx(), (req.params as { connection_id: string }).connection_id, body.logout_token);
        return reply.code(200).send('{}');
      } catch (e) {
        if (!(e instanceof LogoutTokenRefused)) throw e;
        return reply.code(400).send({ error: 'invalid_request', error_description: `The logout token was refused: ${e.reason}.` });
      }
    });
  });
}
