/**
 * /oauth/interaction/:uid — the pages oidc-provider sends the browser to: sign in (Partnergate
 * account, never the partner's), then consent. Server-rendered, no script; forms post back here
 * and the result goes to the provider with interactionFinished, which redirects the browser on.
 */
import { createHash, createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { Interaction } from 'oidc-provider';
import { AppError } from '../../platform/errors/app-error.ts';
import { constantTimeEqual } from '../../platform/crypto.ts';
import { isId } from '../../platform/ids.ts';
import type { IdentityService } from '../identity/index.ts';
import type { AppsService, ClientRecord } from '../apps/index.ts';
import type { OAuthService } from './oauth.service.ts';
import { INTERACTION_PATH, PAGE_CSP } from './provider.ts';
import { ERROR_WORDS, STYLESHEET, STYLESHEET_PATH, brandStyle, consentPage, errorPage, loginPage, memberConsentPage, notAdminPage, notForCustomersPage, pageLang, unsupportedStep, type PageBrand, type PageLang, type PageTexts } from './interaction-views.ts';
import { negotiateLocale, type Locale } from '../../platform/i18n/locales.ts';

const SESSION_COOKIE = 'partnergate_session';

export interface InteractionDeps {
  oauth: OAuthService;
  identity: IdentityService;
  apps: AppsService;
  secret: string;
  /** a partner's brand as its customers (forCustomers) or its own people see it, or null (modules/branding, wired in build-app) */
  brandOf?: (partnerId: string, forCustomers: boolean) => Promise<PageBrand | null>;
  /** the operator's words for the pages in a language (modules/languages, wired in build-app) */
  textsFor?: (locale: Locale) => Promise<PageTexts>;
}

type Form = Record<string, string | string[] | undefined>;

export async function registerInteractionRoutes(app: FastifyInstance, d: InteractionDeps): Promise<void> {
  await app.register(async (scope) => {
    // Form posts are parsed only here (the provider parses its own bodies).
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    const kit = interactionKit(d);
    const pages = { renderLogin: loginRenderer(kit), renderConsent: consentRenderer(d, kit) };

    scope.get(STYLESHEET_PATH, { schema: { hide: true } }, async (_req, reply) =>
      reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
    );

    registerSignInRoutes(scope, d, kit, pages);
    registerConsentDecision(scope, d, kit, pages);
  });
}

/** What the interaction pages share: the form's CSRF token, the page headers, the interaction, finishing it. */
function interactionKit(d: InteractionDeps) {
  const csrfFor = (uid: string) => createHmac('sha256', d.secret).update('partnergate:interaction:' + uid).digest('base64url').slice(0, 32);

  const csp = (redirectUri: unknown, style: string | null = null): string => {
    // Chromium applies form-action to the redirects that follow a submission, and approving or
    // denying ends with a redirect to the app.
    let origin = '';
    try {
      if (typeof redirectUri === 'string') origin = ' ' + new URL(redirectUri).origin;
    } catch {
      origin = '';
    }
    // a partner's colours: the page's one <style>, admitted by its hash (CSP3 hash-source)
    const styleSrc = style === null ? "style-src 'self'" : `style-src 'self' 'sha256-${createHash('sha256').update(style).digest('base64')}'`;
    return PAGE_CSP.replace("form-action 'self'", `form-action 'self'${origin}`).replace("style-src 'self'", styleSrc);
  };

  const html = (reply: FastifyReply, status: number, body: string, redirectUri?: unknown, brand?: PageBrand | null) =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', csp(redirectUri, brandStyle(brand))).send(body);

  const details = async (req: FastifyRequest, reply: FastifyReply): Promise<Interaction | null> => {
    try {
      const i = await d.oauth.provider.interactionDetails(req.raw, reply.raw);
      const uid = (req.params as { uid: string }).uid;
      if (i.uid !== uid) return null;
      return i;
    } catch {
      return null;
    }
  };
  /**
   * The reader's language: the signed-in person's own choice or their organization's, else the app's
   * `ui_locales`, else the browser's Accept-Language (platform/i18n/locales.ts).
   */
  const lang = async (req: FastifyRequest, i?: Interaction | null): Promise<PageLang> => {
    const accountId = i?.session?.accountId;
    const pref = accountId ? (await d.identity.localePreferences([accountId])).get(accountId) : undefined;
    const uiLocales = typeof i?.params.ui_locales === 'string' ? i.params.ui_locales : null;
    const locale = negotiateLocale({ person: pref?.person, organization: pref?.organization, uiLocales, acceptLanguage: req.headers['accept-language'] });
    return pageLang(locale, (await d.textsFor?.(locale)) ?? null);
  };
  const expired = async (req: FastifyRequest, reply: FastifyReply) => html(reply, 400, errorPage(await lang(req), 'interaction_expired', ERROR_WORDS.expired));

  const checkCsrf = (uid: string, form: Form): boolean => typeof form.csrf === 'string' && constantTimeEqual(form.csrf, csrfFor(uid));

  const finish = async (req: FastifyRequest, reply: FastifyReply, result: Parameters<OAuthService['provider']['interactionFinished']>[2], merge = true) => {
    reply.hijack();
    await d.oauth.provider.interactionFinished(req.raw, reply.raw, result, { mergeWithLastSubmission: merge });
  };

  const portalUser = async (req: FastifyRequest) => {
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (!cookie) return null;
    const r = await d.identity.authenticateSession(cookie);
    return r.ok && r.principal.userStatus === 'active' ? r.principal : null;
  };

  const client = async (i: Interaction) => d.apps.findClientRecord(String(i.params.client_id ?? ''));

  return { csrfFor, html, details, expired, checkCsrf, finish, portalUser, client, lang };
}
type InteractionKit = ReturnType<typeof interactionKit>;

/** The sign-in page of an interaction, offering the portal session when there is one. */
function loginRenderer({ client, portalUser, html, csrfFor, lang }: InteractionKit) {
  return async (req: FastifyRequest, reply: FastifyReply, i: Interaction, status: number, extra: { email?: string; error?: string | null } = {}) => {
    const record = await client(i);
    const user = await portalUser(req);
    return html(
      reply,
      status,
      loginPage(await lang(req, i), {
        action: `${INTERACTION_PATH}/${i.uid}/login`,
        csrf: csrfFor(i.uid),
        clientName: record?.app.name ?? null,
        partnerName: record?.partner.name ?? null,
        sessionEmail: user?.email ?? null,
        ...extra,
      }),
      i.params.redirect_uri,
    );
  };
}

/** The host the app redirects to, as the pages name it. */
function redirectHostOf(i: Interaction): string {
  try {
    return new URL(String(i.params.redirect_uri)).host;
  } catch {
    return 'the app';
  }
}

/** The consent page of a member of the app's own partner, authorizing it for their own account. */
function memberConsentRenderer(d: InteractionDeps, { html, csrfFor }: InteractionKit) {
  return async (l: PageLang, reply: FastifyReply, i: Interaction, status: number, record: ClientRecord, user: { email: string; name: string }, role: string) => {
    const requested = d.oauth.consent.requestedScopes(record, i.params.scope);
    const asked = d.oauth.consent.requestedPurposes(i.params.purpose);
    const partnerRow = await d.oauth.consent.partnerApproval(record.partner.id);
    const brand = (await d.brandOf?.(record.partner.id, false)) ?? null;
    return html(
      reply,
      status,
      memberConsentPage(l, {
        brand,
        action: `${INTERACTION_PATH}/${i.uid}/consent`,
        csrf: csrfFor(i.uid),
        user: { email: user.email, name: user.name, role },
        app: { name: record.app.name, logoUri: record.app.logo_uri, description: record.app.description },
        partner: { name: record.partner.name, website: record.partner.website, approvedAt: partnerRow?.approved_at ?? null },
        scopes: d.oauth.consent.describe(requested.resource),
        // openid's customer wording ("who approved the connection") reads oddly for oneself
        identity: d.oauth.consent.describe(requested.identity).map((l) => (l.scope === 'openid' ? { ...l, description: 'Confirm who you are' } : l)),
        offline: requested.offline,
        purposes: d.oauth.consent.purposeCatalog().filter((p) => asked.includes(p.id)),
        days: d.oauth.consent.memberGrantDays(),
        redirectHost: redirectHostOf(i),
      }),
      i.params.redirect_uri,
      brand,
    );
  };
}

/** The consent page: which organisation, which billing accounts, for how long; or why this person cannot consent. */
function consentRenderer(d: InteractionDeps, kit: InteractionKit) {
  const { client, expired, html, csrfFor, lang } = kit;
  const renderMemberConsent = memberConsentRenderer(d, kit);
  return async (req: FastifyRequest, reply: FastifyReply, i: Interaction, status: number, form: { tenantId?: string; banIds?: string[]; billTo?: string; days?: number; purposes?: string[]; error?: string | null } = {}) => {
    const accountId = i.session?.accountId;
    const record = await client(i);
    if (!accountId || !record) return expired(req, reply);
    const user = await d.identity.findUserById(accountId);
    if (!user) return expired(req, reply);
    // A member of the app's own (managed_services) partner authorizes it for their own account.
    const member = await d.oauth.consent.memberOfAppPartner(accountId, record);
    const l = await lang(req, i);
    if (member) return renderMemberConsent(l, reply, i, status, record, user, member.role);
    const tenants = await d.oauth.consent.adminTenants(accountId);
    if (tenants.length === 0) {
      return html(reply, 403, notAdminPage(l, { action: `${INTERACTION_PATH}/${i.uid}/consent`, csrf: csrfFor(i.uid), email: user.email, appName: record.app.name }), i.params.redirect_uri);
    }
    if (!d.oauth.consent.servesCustomers(record)) {
      return html(
        reply,
        403,
        notForCustomersPage(l, { action: `${INTERACTION_PATH}/${i.uid}/consent`, csrf: csrfFor(i.uid), email: user.email, appName: record.app.name, partnerName: record.partner.name }),
        i.params.redirect_uri,
      );
    }
    const wanted = form.tenantId ?? (req.query as { tenant?: string }).tenant;
    const tenant = tenants.find((t) => t.id === wanted) ?? tenants[0];
    const bans = await d.oauth.consent.bans(tenant.id);
    const requested = d.oauth.consent.requestedScopes(record, i.params.scope);
    const partnerRow = await d.oauth.consent.partnerApproval(record.partner.id);
    const replaces = await d.oauth.consent.existingConnection(record.app.id, tenant.id);
    const redirectHost = redirectHostOf(i);
    const brand = (await d.brandOf?.(record.partner.id, true)) ?? null;
    return html(
      reply,
      status,
      consentPage(l, {
        brand,
        action: `${INTERACTION_PATH}/${i.uid}/consent`,
        csrf: csrfFor(i.uid),
        user: { email: user.email, name: user.name },
        app: { name: record.app.name, logoUri: record.app.logo_uri, description: record.app.description, clientId: record.app.id },
        partner: { name: record.partner.name, website: record.partner.website, approvedAt: partnerRow?.approved_at ?? null },
        tenant: { id: tenant.id, name: tenant.name },
        otherTenants: tenants.filter((t) => t.id !== tenant.id).map((t) => ({ id: t.id, name: t.name, href: `${INTERACTION_PATH}/${i.uid}?tenant=${t.id}` })),
        scopes: d.oauth.consent.describe(requested.resource),
        identity: d.oauth.consent.describe(requested.identity),
        offline: requested.offline,
        bans: bans.map((b) => ({ id: b.id, accountNumber: b.account_number, name: b.name })),
        selectedBans: form.banIds ?? null,
        billTo: form.billTo ?? null,
        durations: d.oauth.consent.durations().map((x) => x.days),
        selectedDays: form.days ?? d.oauth.consent.defaultDays(),
        purposes: d.oauth.consent.purposeCatalog(),
        selectedPurposes: form.purposes ?? d.oauth.consent.requestedPurposes(i.params.purpose),
        error: form.error ?? null,
        redirectHost,
        replaces,
      }),
      i.params.redirect_uri,
      brand,
    );
  };
}
type InteractionPages = { renderLogin: ReturnType<typeof loginRenderer>; renderConsent: ReturnType<typeof consentRenderer> };

/** The interaction's prompt page, the sign-in form's post, and cancelling. */
function registerSignInRoutes(scope: FastifyInstance, d: InteractionDeps, { details, expired, html, checkCsrf, portalUser, finish, lang }: InteractionKit, { renderLogin, renderConsent }: InteractionPages): void {
  scope.get(`${INTERACTION_PATH}/:uid`, { schema: { hide: true } }, async (req, reply) => {
    const i = await details(req, reply);
    if (!i) return expired(req, reply);
    if (i.prompt.name === 'login') return renderLogin(req, reply, i, 200);
    if (i.prompt.name === 'consent') return renderConsent(req, reply, i, 200);
    const l = await lang(req, i);
    return html(reply, 400, errorPage(l, 'unsupported_prompt', unsupportedStep(l, i.prompt.name)));
  });

  scope.post(`${INTERACTION_PATH}/:uid/login`, { schema: { hide: true } }, async (req, reply) => {
    const i = await details(req, reply);
    if (!i || i.prompt.name !== 'login') return expired(req, reply);
    const form = (req.body ?? {}) as Form;
    if (!checkCsrf(i.uid, form)) return renderLogin(req, reply, i, 403, { error: 'The form has expired; try again.' });
    if (form.use_session === '1') {
      const user = await portalUser(req);
      if (!user) return renderLogin(req, reply, i, 401, { error: 'Your Partnergate session has ended; sign in.' });
      // the portal session's sign-in (a second factor proven there counts here too)
      return finish(req, reply, { login: { accountId: user.userId, amr: [...(user.amr ?? ['pwd'])], acr: user.mfa ? 'urn:partnergate:aal2' : 'urn:partnergate:aal1' } });
    }
    const email = typeof form.email === 'string' ? form.email.slice(0, 254) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 1024) : '';
    if (!email || !password) return renderLogin(req, reply, i, 400, { email, error: 'Enter your email and password.' });
    try {
      // The portal's login: same throttling per email and per IP, same audit events.
      const r = await d.identity.login(req.ctx(), email, password);
      if (r.mfaRequired) {
        return renderLogin(req, reply, i, 401, { email, error: 'This account uses two-step verification. Sign in to the Partnergate portal in this browser (with your code or passkey), then come back and continue with that session.' });
      }
      return finish(req, reply, { login: { accountId: r.userId, amr: ['pwd'], acr: 'urn:partnergate:aal1' } });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      if (e.headers?.['retry-after']) reply.header('retry-after', e.headers['retry-after']);
      return renderLogin(req, reply, i, e.status, { email, error: e.detail });
    }
  });

  scope.post(`${INTERACTION_PATH}/:uid/abort`, { schema: { hide: true } }, async (req, reply) => {
    const i = await details(req, reply);
    if (!i) return expired(req, reply);
    if (!checkCsrf(i.uid, (req.body ?? {}) as Form)) return html(reply, 403, errorPage(await lang(req, i), 'invalid_request', ERROR_WORDS.formExpired));
    await d.oauth.consent.deny(req.ctx(), { userId: i.session?.accountId ?? null, clientId: String(i.params.client_id ?? ''), tenantId: null });
    return finish(req, reply, { error: 'access_denied', error_description: 'The sign-in was cancelled.' }, false);
  });
}

/** The consent form's post: approve or deny, as a member of the app's partner or as a customer admin. */
function registerConsentDecision(scope: FastifyInstance, d: InteractionDeps, { details, expired, html, checkCsrf, finish, client, lang }: InteractionKit, { renderConsent }: InteractionPages): void {
  scope.post(`${INTERACTION_PATH}/:uid/consent`, { schema: { hide: true } }, async (req, reply) => {
    const i = await details(req, reply);
    if (!i || i.prompt.name !== 'consent' || !i.session?.accountId) return expired(req, reply);
    const form = (req.body ?? {}) as Form;
    if (!checkCsrf(i.uid, form)) return html(reply, 403, errorPage(await lang(req, i), 'invalid_request', ERROR_WORDS.formExpiredReload));
    const accountId = i.session.accountId;
    const clientId = String(i.params.client_id ?? '');
    const tenantId = typeof form.tenant_id === 'string' && isId(form.tenant_id, 'tnt') ? form.tenant_id : null;
    // Which decision this is follows from who signed in, never from the form.
    const memberRecord = await client(i);
    const member = memberRecord ? await d.oauth.consent.memberOfAppPartner(accountId, memberRecord) : null;
    if (form.decision !== 'approve') {
      await d.oauth.consent.deny(req.ctx(), { userId: accountId, clientId, tenantId: member ? null : tenantId });
      const description = member ? 'The user denied the request.' : await d.oauth.consent.denialDescription(accountId, memberRecord);
      return finish(req, reply, { error: 'access_denied', error_description: description }, false);
    }
    if (member && memberRecord) {
      try {
        const { grantId } = await d.oauth.consent.approveAsMember(req.ctx(), {
          userId: accountId,
          clientId,
          requested: d.oauth.consent.requestedScopes(memberRecord, i.params.scope),
          purposes: d.oauth.consent.requestedPurposes(i.params.purpose),
        });
        return finish(req, reply, { consent: { grantId } });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return html(reply, e.status, errorPage(await lang(req, i), e.code, e.detail), i.params.redirect_uri);
      }
    }
    const banIds = (Array.isArray(form.ban_ids) ? form.ban_ids : typeof form.ban_ids === 'string' ? [form.ban_ids] : []).filter((b) => isId(b, 'ban'));
    const billTo = typeof form.bill_to === 'string' ? form.bill_to : '';
    const days = Number(form.duration_days);
    const purposes = (Array.isArray(form.purposes) ? form.purposes : typeof form.purposes === 'string' ? [form.purposes] : []).slice(0, 50);
    const record = await client(i);
    if (!record || !tenantId) return renderConsent(req, reply, i, 400, { error: 'Choose the organisation to connect.' });
    try {
      const { grantId } = await d.oauth.consent.approve(req.ctx(), {
        userId: accountId,
        clientId,
        tenantId,
        banIds,
        billTo,
        days,
        requested: d.oauth.consent.requestedScopes(record, i.params.scope),
        purposes,
      });
      return finish(req, reply, { consent: { grantId } });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return renderConsent(req, reply, i, e.status, { tenantId, banIds, billTo, days, purposes, error: e.detail });
    }
  });
}
