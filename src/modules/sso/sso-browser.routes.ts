/**
 * The browser side of single sign-on, outside the /api routers (like SCIM): pages and redirects, not JSON.
 *
 *   GET /sso/start?email=…&return_to=…    route the address to its organization's provider (302), or explain why not
 *   GET /sso/oidc/callback                the provider's answer: state taken once, code exchanged, person signed in
 *   GET /sso/oidc/:connection_id/jwks     our public key for private_key_jwt, for the provider to fetch
 *
 * SsoBrowserFlow.finish is the one way a provider's answer ends in the browser — for OIDC here and for the
 * SAML adapter's assertion consumer service: see SsoAdapter in sso.types.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../identity/index.ts';
import { bindBrowser, clearBinding, isSameBrowser, type BindingDeps } from './sso-browser-binding.ts';
import { refusalPage, testResultPage, PAGE_CSP } from './sso-pages.ts';
import { safeReturnTo } from './sso-mapping.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import { OIDC_CALLBACK_PATH, SSO_FLOW_TTL_MS, type ConnectionRow, type SsoService } from './sso.service.ts';
import { SsoProtocolError, type SsoFlow, type UpstreamIdentity } from './sso.types.ts';
import { registerSsoLogoutRoutes } from './sso-logout.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** single sign-on per organization (modules/sso): settings, routing, completeUpstreamSignIn */
    sso: SsoService;
    /** the browser end of every provider's answer (the SAML adapter's assertion consumer service calls finish) */
    ssoBrowser: SsoBrowserFlow;
  }
}

export interface SsoBrowserDeps {
  sso: SsoService;
  cookieSecure: boolean;
  sessionAbsoluteTimeoutSec: number;
  /** the master secret: the browser-binding cookie is kept as its keyed hash */
  secretKey: string;
  /** the language the pages are written in: the signed-in person's, else the browser's (identity's readerLocale; default English) */
  readerLocale?: (userId: string | null, acceptLanguage: string | undefined) => Promise<Locale>;
  /** who a session cookie belongs to (these pages sit outside the /api routers, which resolve the principal), or null */
  sessionUserId?: (token: string) => Promise<string | null>;
}

export class SsoBrowserFlow {
  readonly #d: SsoBrowserDeps;
  readonly binding: BindingDeps;
  constructor(d: SsoBrowserDeps) {
    this.#d = d;
    this.binding = { secretKey: d.secretKey, cookieSecure: d.cookieSecure, flowTtlMs: SSO_FLOW_TTL_MS };
  }

  /** The reader's language: the person's choice when the browser is signed in, else their organization's, else Accept-Language. */
  async locale(req: FastifyRequest): Promise<Locale> {
    const cookie = req.cookies?.[SESSION_COOKIE];
    const userId = req.principal?.userId ?? (cookie ? ((await this.#d.sessionUserId?.(cookie)) ?? null) : null);
    return (await this.#d.readerLocale?.(userId, req.headers['accept-language'])) ?? DEFAULT_LOCALE;
  }

  /** A refusal as a page in words, in the reader's language (and audited by the caller's path). */
  async refuse(req: FastifyRequest, reply: FastifyReply, code: SsoProtocolError['code'] | 'sso.not_routed') {
    const p = refusalPage(code, String(req.id), await this.locale(req));
    return reply.code(p.status).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').send(p.html);
  }

  /**
   * The end of every provider's answer in the browser: take the flow behind `state` once (checking it
   * was started for `connectionId` when given), let `identify` read the provider's answer with what the
   * flow kept (OIDC: nonce and PKCE verifier; SAML: the AuthnRequest id), then sign the person in and
   * land in the portal — or show the owner's test result, or the refusal in words.
   */
  async finish(req: FastifyRequest, reply: FastifyReply, a: { state: string | undefined; connectionId?: string; identify: (flow: SsoFlow, connection: ConnectionRow) => Promise<UpstreamIdentity> }) {
    const { sso } = this.#d;
    let connection: ConnectionRow | undefined;
    let identity: UpstreamIdentity | null = null;
    clearBinding(reply, this.binding);
    try {
      const taken = await sso.takeFlow(a.state, a.connectionId);
      connection = taken.connection;
      // Checked after the flow is taken, so a wrong browser burns it: the flow stays single-use whoever
      // presents it, and a callback URL that leaked (history, logs, a forwarded link) can never be retried;
      // the rightful person only has to start again. Checked before the provider's answer is read, so the
      // code is never exchanged for the wrong browser. Owners' test sign-ins sign no one in and start from
      // the API, not /sso/start, so they are not bound.
      if (taken.flow.purpose === 'sign_in' && !isSameBrowser(req, this.binding, taken.flow)) {
        throw new SsoProtocolError('sso.flow_other_browser', 'The sign-in answer came back to a browser that did not start it.');
      }
      identity = await a.identify(taken.flow, taken.connection);
      if (taken.flow.purpose === 'test') {
        const preview = await sso.preview(taken.connection, identity);
        return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').send(testResultPage(preview, await this.locale(req)));
      }
      return await this.#signIn(req, reply, taken.connection, identity, taken.flow.returnTo);
    } catch (e) {
      return this.#refused(req, reply, e, connection, identity);
    }
  }

  /**
   * An answer no sign-in here started (SAML sign-in started at the identity provider): there is no flow to
   * take and no browser to match, so `identify` holds the answer to the connection's stricter rules (it
   * refuses unless the connection allows it), the organization's checks apply as for any sign-in, and the
   * person lands at `relayState` only when it is a same-site path (safeReturnTo), else at the portal's start.
   */
  async finishUnsolicited(req: FastifyRequest, reply: FastifyReply, a: { connectionId: string; relayState: string | undefined; identify: (connection: ConnectionRow) => Promise<UpstreamIdentity> }) {
    let connection: ConnectionRow | undefined;
    let identity: UpstreamIdentity | null = null;
    try {
      connection = await this.#d.sso.findById(a.connectionId);
      if (!connection || connection.enabled !== 1) throw new SsoProtocolError('sso.connection_unavailable', 'The connection is switched off or was removed.');
      identity = await a.identify(connection);
      return await this.#signIn(req, reply, connection, identity, a.relayState);
    } catch (e) {
      return this.#refused(req, reply, e, connection, identity);
    }
  }

  async #signIn(req: FastifyRequest, reply: FastifyReply, connection: ConnectionRow, identity: UpstreamIdentity, returnTo: string | null | undefined) {
    const signedIn = await this.#d.sso.completeUpstreamSignIn(req.ctx(), connection.id, identity);
    reply.setCookie(SESSION_COOKIE, signedIn.token, { httpOnly: true, sameSite: 'lax', secure: this.#d.cookieSecure, path: '/', maxAge: this.#d.sessionAbsoluteTimeoutSec });
    return reply.header('cache-control', 'no-store').redirect(safeReturnTo(returnTo) ?? '/', 302);
  }

  async #refused(req: FastifyRequest, reply: FastifyReply, e: unknown, connection: ConnectionRow | undefined, identity: UpstreamIdentity | null) {
    if (!(e instanceof SsoProtocolError)) throw e;
    // completeUpstreamSignIn audits its own refusals; the protocol's are audited here
    if (!['sso.email_not_on_verified_domain', 'sso.account_conflict', 'sso.account_disabled'].includes(e.code) || identity === null) await this.#d.sso.recordRefusal(req.ctx(), connection, identity, e);
    return this.refuse(req, reply, e.code);
  }
}

export function registerSsoBrowserRoutes(app: FastifyInstance, d: SsoBrowserDeps): SsoBrowserFlow {
  const flow = new SsoBrowserFlow(d);
  const hide = { schema: { hide: true } };

  app.get('/sso/start', hide, async (req, reply) => {
    const q = req.query as { email?: string; return_to?: string };
    const email = typeof q.email === 'string' ? q.email.trim().toLowerCase().slice(0, 254) : '';
    const routed = email ? await d.sso.route(email) : null;
    if (!routed) return flow.refuse(req, reply, 'sso.not_routed');
    try {
      const browserHash = bindBrowser(reply, flow.binding, routed.connection.kind === 'saml' ? 'saml' : 'oidc');
      const url = await d.sso.start(routed.connection, 'sign_in', { returnTo: safeReturnTo(q.return_to), browserHash });
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    } catch (e) {
      if (!(e instanceof SsoProtocolError)) throw e;
      await d.sso.recordRefusal(req.ctx(), routed.connection, null, e);
      return flow.refuse(req, reply, e.code);
    }
  });

  app.get(OIDC_CALLBACK_PATH, hide, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    // the registered redirect URI with the answer's parameters (openid-client sends it back to the token endpoint)
    const currentUrl = new URL(d.sso.callbackUrl);
    currentUrl.search = new URL(req.url, 'http://localhost').search;
    return flow.finish(req, reply, {
      state: q.state,
      identify: (f, connection) => {
        if (connection.kind !== 'oidc') throw new SsoProtocolError('sso.unsolicited', 'The answer belongs to a SAML connection.');
        return d.sso.finishOidc(connection, currentUrl, q.state!, f);
      },
    });
  });

  app.get('/sso/oidc/:connection_id/jwks', hide, async (req, reply) => {
    const jwks = await d.sso.publicJwks((req.params as { connection_id: string }).connection_id);
    if (!jwks) return reply.code(404).header('content-type', 'application/json').send({ keys: [] });
    return reply.header('content-type', 'application/jwk-set+json').header('cache-control', 'max-age=300').send(jwks);
  });

  registerSsoLogoutRoutes(app, { sso: d.sso });
  return flow;
}
