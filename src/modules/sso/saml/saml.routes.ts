/**
 * SAML 2.0 in the browser, outside the /api routers like the OIDC callback (sso-browser.routes.ts):
 *
 *   POST /sso/saml/:connection_id/acs        the provider's answer (HTTP-POST binding: SAMLResponse and
 *                                            RelayState = the flow's state) → SsoBrowserFlow.finish, which
 *                                            takes the flow once, signs the person in and lands in the portal,
 *                                            or shows the refusal page in words. A Response answering no
 *                                            request (sign-in started at the identity provider) goes to
 *                                            finishUnsolicited instead: refused unless the connection allows
 *                                            it, RelayState then only a same-site path to land on
 *   GET|POST /sso/saml/:connection_id/slo     our SingleLogoutService (HTTP-Redirect and HTTP-POST bindings,
 *                                            sso-saml-logout.ts): the provider's LogoutResponse to our sign-out
 *                                            lands on the signed-out page; its LogoutRequest ends the matching
 *                                            sessions and is answered with our signed LogoutResponse; a refused
 *                                            message gets a page in words (400) and ends nothing. Our answer
 *                                            goes by the provider's binding: a redirect, or a form posted to it
 *   GET  /sso/saml/:connection_id/slo/send   the page that posts our LogoutRequest to a provider whose
 *                                            SingleLogoutService takes only HTTP-POST (`m`: the sign-out sealed
 *                                            by SamlSingleLogout.handoff; expired or foreign: signed out here only)
 *   GET  /sso/saml/:connection_id/metadata   our service provider metadata for the customer's IT (also at the
 *                                            entity id itself, GET /sso/saml/:connection_id): public, as
 *                                            metadata is meant to be fetched by the identity provider
 *
 * Sign-in starts at GET /sso/start (routing by the e-mail's verified domain), which calls the adapter's
 * `start` (createSamlAdapter): the AuthnRequest id goes into the flow as `protocol.saml_request_id`.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attachmentDisposition } from '../../../platform/http/content-disposition.ts';
import type { SsoBrowserFlow } from '../sso-browser.routes.ts';
import type { SsoService } from '../sso.service.ts';
import { SsoProtocolError, type SsoAdapter, type SsoConnectionSettings } from '../sso.types.ts';
import { finishSamlSignIn, finishSamlUnsolicited, isUnsolicitedResponse, MAX_SAML_RESPONSE_BASE64, spMetadataXml, startSamlSignIn } from './saml-adapter.ts';
import type { IdpMetadataRefresh } from './idp-metadata-refresh.ts';
import type { SamlReplayStore } from './saml-replay.ts';
import { SamlLogoutRefused, type SloMessage, type SloOutbound } from './saml-logout.ts';
import { formPostPage, PAGE_CSP, signOutPage } from '../sso-pages.ts';
import { sloSendPath } from '../sso-saml-logout.ts';
import { SIGNED_OUT_PATH } from '../sso-logout.ts';

/** The key under which the flow keeps the AuthnRequest id (SsoFlow.protocol). */
export const SAML_REQUEST_ID = 'saml_request_id';

function samlOf(connection: SsoConnectionSettings) {
  if (connection.kind !== 'saml' || !connection.saml) throw new SsoProtocolError('sso.connection_unavailable', 'This connection does not use SAML.');
  return connection.saml;
}

/** The SAML adapter as the organization-level flow calls it (SsoService.registerAdapter('saml', …)). */
export function createSamlAdapter(metadataRefresh?: IdpMetadataRefresh): SsoAdapter {
  return {
    async start(connection, state) {
      const { redirectUrl, requestId } = await startSamlSignIn(samlOf(connection), state);
      return { redirectUrl, protocol: { [SAML_REQUEST_ID]: requestId } };
    },
    metadataXml: (connection) => spMetadataXml(samlOf(connection)),
    ...(metadataRefresh ? { refreshMetadata: (ctx, connectionId) => metadataRefresh.refreshNow(ctx, connectionId) } : {}),
  };
}

export interface SamlRoutesDeps {
  sso: SsoService;
  flow: SsoBrowserFlow;
  replay: SamlReplayStore;
}

export async function registerSamlRoutes(app: FastifyInstance, d: SamlRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    // the POSTed form is parsed only here; a response carrying many groups is tens of KB
    await scope.register(formbody, { bodyLimit: MAX_SAML_RESPONSE_BASE64 + 16 * 1024 });
    const hide = { schema: { hide: true } };

    scope.post('/sso/saml/:connection_id/acs', hide, async (req, reply) => {
      const connectionId = (req.params as { connection_id: string }).connection_id;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const samlResponse = typeof body.SAMLResponse === 'string' ? body.SAMLResponse : '';
      const relayState = typeof body.RelayState === 'string' ? body.RelayState : undefined;
      if (isUnsolicitedResponse(samlResponse)) {
        return d.flow.finishUnsolicited(req, reply, {
          connectionId,
          relayState,
          identify: (connection) => finishSamlUnsolicited(samlOf(d.sso.settingsOf(connection)), samlResponse, { replay: d.replay }),
        });
      }
      return d.flow.finish(req, reply, {
        state: relayState,
        connectionId,
        identify: (flow, connection) =>
          finishSamlSignIn(samlOf(d.sso.settingsOf(connection)), samlResponse, { requestId: flow.protocol[SAML_REQUEST_ID] ?? '' }, { replay: d.replay }),
      });
    });

    const slo = async (req: FastifyRequest, reply: FastifyReply) => {
      const connectionId = (req.params as { connection_id: string }).connection_id;
      const fields = (v: unknown) => Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const message: SloMessage = req.method === 'GET' ? { binding: 'redirect', query: fields(req.query), rawQuery: req.url.split('?')[1] ?? '' } : { binding: 'post', form: fields(req.body) };
      const isAnswer = 'SAMLResponse' in (message.binding === 'redirect' ? message.query : message.form);
      reply.header('cache-control', 'no-store');
      const show = async (kind: 'signed_out' | 'unconfirmed' | 'refused') => {
        const p = signOutPage(kind, String(req.id), await d.flow.locale(req));
        return reply.code(p.status).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(p.html);
      };
      try {
        const outcome = await d.sso.logout.saml.receive(req.ctx(), connectionId, message, d.replay);
        if (outcome.kind === 'response') return reply.redirect(SIGNED_OUT_PATH, 302);
        return outcome.next ? send(req, reply, outcome.next) : show('signed_out');
      } catch (e) {
        if (!(e instanceof SamlLogoutRefused)) throw e;
        // our own sign-out is already done here whatever the provider's answer says
        return show(isAnswer ? 'unconfirmed' : 'refused');
      }
    };
    scope.get('/sso/saml/:connection_id/slo', hide, slo);
    scope.post('/sso/saml/:connection_id/slo', hide, slo);

    /** Our message to the provider by its binding: a redirect, or the page whose form posts it. */
    const send = async (req: FastifyRequest, reply: FastifyReply, out: SloOutbound) => {
      if (out.binding === 'redirect') return reply.redirect(out.url, 302);
      const p = formPostPage(out.url, out.form, await d.flow.locale(req));
      return reply.header('cache-control', 'no-store').header('content-type', 'text/html; charset=utf-8').header('content-security-policy', p.csp).header('referrer-policy', 'no-referrer').send(p.html);
    };
    scope.get(sloSendPath(':connection_id'), hide, async (req, reply) => {
      const connectionId = (req.params as { connection_id: string }).connection_id;
      const sealed = (req.query as { m?: unknown }).m;
      const out = typeof sealed === 'string' && sealed.length <= 8192 ? await d.sso.logout.saml.postedRequest(connectionId, sealed) : null;
      if (out) return send(req, reply, out);
      // the session here ended before the browser came: without a request to post, it is signed out here only
      const p = signOutPage('unconfirmed', String(req.id), await d.flow.locale(req));
      return reply.code(p.status).header('cache-control', 'no-store').header('content-type', 'text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(p.html);
    });

    const metadata = async (req: FastifyRequest, reply: FastifyReply) => {
      const connectionId = (req.params as { connection_id: string }).connection_id;
      const connection = await d.sso.findById(connectionId);
      if (!connection || connection.kind !== 'saml') return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('No SAML connection here.');
      return reply
        .header('content-type', 'application/samlmetadata+xml; charset=utf-8')
        .header('content-disposition', attachmentDisposition('partnergate-sp-metadata.xml'))
        .header('cache-control', 'no-cache')
        .send(spMetadataXml(samlOf(d.sso.settingsOf(connection))));
    };
    scope.get('/sso/saml/:connection_id/metadata', hide, metadata);
    scope.get('/sso/saml/:connection_id', hide, metadata);
  });
}
