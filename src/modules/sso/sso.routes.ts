/**
 * Single sign-on settings (JSON API):
 *
 *  - partner:  /api/v1/partners/:partner_id/sso   the partner's owner (partner.profile.update)
 *  - tenant:   /api/v1/tenants/:tenant_id/sso     the tenant's admins (tenant.update)
 *    GET (settings, roles in words, verified domains, who may be break-glass), PUT (create or replace),
 *    DELETE, POST …/sso/test (a "Test sign-in" URL), GET …/sso/saml-metadata (our SAML metadata, when
 *    the SAML adapter provides it)
 *  - operator: GET /api/v1/sso/connections?org_type=&org_id=, POST /api/v1/sso/connections/:id/switch-off
 *  - public:   POST /api/v1/auth/sso/discover     does this address sign in with its company account?
 *
 * The organization comes from the URL behind the organization wall, never from the body.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Locale } from '../../platform/i18n/locales.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import type { Static } from 'typebox';
import type { Access } from '../authz/index.ts';
import type { DomainsService } from '../domains/index.ts';
import { SSO_ROLES, roleName } from './sso-mapping.ts';
import { ssoErrors as E } from './sso.errors.ts';
import type { ConnectionInput, ConnectionRow, Org, SsoService } from './sso.service.ts';
import { SsoProtocolError } from './sso.types.ts';
import * as S from './sso.schemas.ts';
import { signingFingerprints } from './saml/idp-metadata-refresh.ts';
import { readMetadataFailure } from './saml/metadata-failure.ts';
import { SIGNED_OUT_PATH } from './sso-logout.ts';
import { parseIdpMetadata } from './saml/idp-metadata.ts';
import { certificateFacts, liveSpPrevious } from './sso-sp-rotation.ts';
import { problemDetails as PD } from './sso.problem-details.ts';

export const PARTNER_SSO_PERMISSION = 'partner.profile.update';
export const TENANT_SSO_PERMISSION = 'tenant.update';
export const OPERATOR_SSO_PERMISSION = 'platform.partners.manage';

export interface SsoRouteDeps {
  sso: SsoService;
  /** the reader's language for a refusal's words: the person's, else the browser's (identity's readerLocale) */
  readerLocale?: (userId: string | null, acceptLanguage: string | undefined) => Promise<Locale>;
  domains: DomainsService;
  access: Access;
  publicUrl: string;
  /** SAML_METADATA_REFRESH_INTERVAL_MS, said on the page */
  samlMetadataRefreshIntervalMs: number;
}

export async function toConnectionDto(sso: SsoService, c: ConnectionRow, d: Pick<SsoRouteDeps, 'publicUrl' | 'samlMetadataRefreshIntervalMs'>) {
  const { publicUrl } = d;
  const mappings = await sso.mappings(c.id);
  const saml = sso.adapter('saml');
  const metadataFailure = readMetadataFailure(c.saml_idp_metadata_error, c.saml_idp_metadata_error_params);
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    enabled: c.enabled === 1,
    oidc:
      c.kind === 'oidc'
        ? {
            issuer: c.oidc_issuer ?? '',
            client_id: c.oidc_client_id ?? '',
            auth_method: c.oidc_auth_method ?? 'client_secret_basic',
            client_secret_set: c.oidc_client_secret_enc !== null,
            scopes: c.oidc_scopes ?? 'openid email profile',
            jwks_url: c.oidc_auth_method === 'private_key_jwt' ? `${publicUrl}/sso/oidc/${c.id}/jwks` : null,
            backchannel_logout_url: `${publicUrl}/sso/oidc/${c.id}/backchannel-logout`,
            post_logout_redirect_url: publicUrl + SIGNED_OUT_PATH,
            sign_out_at_provider: await sso.logout.providerSignOut(c),
          }
        : null,
    saml:
      c.kind === 'saml'
        ? {
            sp_entity_id: c.saml_sp_entity_id ?? '',
            acs_url: c.saml_acs_url ?? '',
            idp_metadata_url: c.saml_idp_metadata_url,
            idp_metadata_set: !!c.saml_idp_metadata_xml,
            clock_skew_seconds: c.saml_clock_skew_seconds,
            allow_idp_initiated: c.saml_allow_idp_initiated === 1,
            idp_metadata_read_at: c.saml_idp_metadata_read_at,
            idp_metadata_checked_at: c.saml_idp_metadata_checked_at,
            idp_metadata_failure: metadataFailure.failure,
            idp_metadata_error: metadataFailure.legacy,
            idp_metadata_refresh_seconds: Math.round(d.samlMetadataRefreshIntervalMs / 1000),
            idp_signing_fingerprints: await signingFingerprints(c.saml_idp_metadata_xml),
            metadata_check_available: typeof saml?.refreshMetadata === 'function' && !!c.saml_idp_metadata_url,
            sp_metadata_available: typeof saml?.metadataXml === 'function',
            slo_url: `${c.saml_sp_entity_id ?? ''}/slo`,
            ...(await idpSlo(c.saml_idp_metadata_xml)),
            sp_certificates: spCertificates(c, sso.spRotation.nowIso()),
          }
        : null,
    claims: { email: c.claim_email, name: c.claim_name, groups: c.claim_groups },
    default_role: c.default_role,
    role_mappings: mappings.map((m) => ({ ...m, role_name: roleName(c.org_type, m.role) })),
    trust_upstream_mfa: c.trust_upstream_mfa === 1,
    require_sso: c.require_sso === 1,
    break_glass_user_id: c.break_glass_user_id,
    switched_off: c.switched_off_at ? { at: c.switched_off_at, reason: c.switched_off_reason } : null,
    people_signed_in: await sso.signedInCount(c.id),
    last_sign_in_at: c.last_sign_in_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

/** Whether the provider's metadata names a SingleLogoutService, and by which binding our messages go there. */
async function idpSlo(xml: string | null): Promise<{ idp_slo: boolean; idp_slo_binding: 'redirect' | 'post' | null }> {
  const slo = xml ? (await parseIdpMetadata(xml).catch(() => null))?.slo : null;
  return { idp_slo: !!slo, idp_slo_binding: slo?.binding ?? null };
}

/** Our certificates for a SAML connection, by fingerprint and validity (sso-sp-rotation.ts). */
function spCertificates(c: ConnectionRow, nowIso: string) {
  const previous = liveSpPrevious(c, nowIso);
  const previousFacts = previous ? certificateFacts(previous.certificate) : null;
  return {
    current: certificateFacts(c.saml_sp_certificate),
    next: certificateFacts(c.saml_sp_next_certificate),
    previous: previous && previousFacts ? { ...previousFacts, decrypts_until: previous.until } : null,
  };
}

const tags = ['sso'];

function organizationRoutes(app: App, d: SsoRouteDeps, kind: 'partner' | 'tenant'): void {
  const base = kind === 'partner' ? '/api/v1/partners/:partner_id/sso' : '/api/v1/tenants/:tenant_id/sso';
  const who = kind === 'partner' ? "the partner's" : "the customer's";
  const params = kind === 'partner' ? S.PartnerParams : S.TenantParams;
  const org = (p: { partner_id?: string; tenant_id?: string }): Org => ({ type: kind, id: (kind === 'partner' ? p.partner_id : p.tenant_id)! });
  const allow = (req: Parameters<Access['user']>[0], id: string) => (kind === 'partner' ? d.access.partner(req, id, PARTNER_SSO_PERMISSION) : d.access.tenant(req, id, TENANT_SSO_PERMISSION));
  const view = async (o: Org) => {
    const c = await d.sso.get(o);
    return {
      connection: c ? await toConnectionDto(d.sso, c, d) : null,
      callback_url: d.sso.callbackUrl,
      roles: [...SSO_ROLES[o.type]],
      break_glass_candidates: await d.sso.breakGlassCandidates(o),
      domains: (await d.domains.list(o)).map((r) => ({ id: r.id, domain: r.domain, status: r.status, last_checked_at: r.last_checked_at })),
    };
  };

  app.get(base, { schema: { tags, summary: `${who} single sign-on: the connection, the roles it may give, the verified domains it routes`, params, response: { 200: S.SsoView, ...problems(400, 401, 403, 404) } } }, async (req) => {
    const o = org(req.params as never);
    allow(req, o.id);
    return view(o);
  });

  app.put(
    base,
    {
      schema: {
        tags,
        summary: `Create or replace ${who} single sign-on connection (the client secret is write-only; leave it out to keep it)`,
        params,
        body: S.ConnectionBody,
        response: { 200: S.SsoView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const o = org(req.params as never);
      allow(req, o.id);
      await d.sso.save(req.ctx(), o, req.body as ConnectionInput, await d.readerLocale?.(req.principal?.userId ?? null, req.headers['accept-language']));
      return view(o);
    },
  );

  app.delete(base, { schema: { tags, summary: `Remove ${who} single sign-on connection (people keep their accounts)`, params, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } }, async (req, reply) => {
    const o = org(req.params as never);
    allow(req, o.id);
    await d.sso.remove(req.ctx(), o);
    return reply.code(204).send(null);
  });

  app.post(
    `${base}/test`,
    {
      schema: {
        tags,
        summary: 'Start a test sign-in: open the URL in a new window; it shows what the provider said and the role it would give, creating nobody',
        params,
        response: { 200: S.TestStart, ...problems(400, 401, 403, 404, 502) },
      },
    },
    async (req) => {
      const o = org(req.params as never);
      allow(req, o.id);
      const c = await d.sso.require(o);
      try {
        return { url: await d.sso.start(c, 'test', { testedBy: req.principal?.userId ?? null }) };
      } catch (e) {
        if (e instanceof SsoProtocolError) throw E.sso_provider_unreachable(e.detail);
        throw e;
      }
    },
  );

  samlMetadataCheck(app, d, { base, params, org, allow, view });
  spCertificateRoutes(app, d, { base, params, org, allow, view });

  app.get(
    `${base}/saml-metadata`,
    { schema: { tags, summary: 'Our SAML service provider metadata for this connection (XML), to give the identity provider', params, response: { 200: Type.String(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      const o = org(req.params as never);
      allow(req, o.id);
      const c = await d.sso.require(o);
      const saml = d.sso.adapter('saml');
      if (c.kind !== 'saml' || !saml?.metadataXml) throw E.sso_connection_not_found(PD.connectionHasNoSaml);
      const xml = await saml.metadataXml(d.sso.settingsOf(c));
      return reply.header('content-type', 'application/samlmetadata+xml').header('content-disposition', 'attachment; filename="partnergate-sp-metadata.xml"').send(xml);
    },
  );
}

/** "Check now": the identity provider's metadata re-read from its address (saml/idp-metadata-refresh.ts). */
function samlMetadataCheck(
  app: App,
  d: SsoRouteDeps,
  { base, params, org, allow, view }: { base: string; params: typeof S.PartnerParams | typeof S.TenantParams; org: (p: never) => Org; allow: (req: Parameters<Access['user']>[0], id: string) => unknown; view: (o: Org) => Promise<Static<typeof S.SsoView>> },
): void {
  app.post(
    `${base}/saml-metadata/check`,
    {
      schema: {
        tags,
        summary: "Check now: re-read the identity provider's metadata from its address (a failure keeps the last good metadata and is shown with its time)",
        params,
        response: { 200: S.SsoView, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const o = org(req.params as never);
      allow(req, o.id);
      const c = await d.sso.require(o);
      const saml = d.sso.adapter('saml');
      if (c.kind !== 'saml' || !c.saml_idp_metadata_url || !saml?.refreshMetadata) throw E.sso_connection_not_found(PD.connectionHasNoMetadata);
      await saml.refreshMetadata(req.ctx(), c.id);
      return view(o);
    },
  );
}

/** Rotating our SAML certificate with an overlap (sso-sp-rotation.ts): prepare, switch, remove the old one. */
function spCertificateRoutes(
  app: App,
  d: SsoRouteDeps,
  { base, params, org, allow, view }: { base: string; params: typeof S.PartnerParams | typeof S.TenantParams; org: (p: never) => Org; allow: (req: Parameters<Access['user']>[0], id: string) => unknown; view: (o: Org) => Promise<Static<typeof S.SsoView>> },
): void {
  const steps = [
    ['prepare', 'Prepare a new certificate: published in our metadata beside the current one, not yet used to sign; audited with its fingerprint', (ctx, c) => d.sso.spRotation.prepare(ctx, c)],
    ['switch', 'Switch to the new certificate: it signs our requests from now on; the old one still decrypts during the overlap; audited', (ctx, c) => d.sso.spRotation.switchToNext(ctx, c)],
    ['remove-old', 'Remove the old certificate before its overlap ends: assertions encrypted to it are refused from now on; audited', (ctx, c) => d.sso.spRotation.removePrevious(ctx, c)],
  ] as const satisfies readonly (readonly [string, string, (ctx: RequestContext, c: ConnectionRow) => Promise<void>])[];
  for (const [path, summary, step] of steps) {
    app.post(`${base}/saml-certificate/${path}`, { schema: { tags, summary, params, response: { 200: S.SsoView, ...problems(400, 401, 403, 404) } } }, async (req) => {
      const o = org(req.params as never);
      allow(req, o.id);
      await step(req.ctx(), await d.sso.require(o));
      return view(o);
    });
  }
}

export function ssoRoutes(d: SsoRouteDeps): AudienceRoutes {
  return {
    partner(app: App): void {
      organizationRoutes(app, d, 'partner');
    },
    tenant(app: App): void {
      organizationRoutes(app, d, 'tenant');
    },
    operator(app: App): void {
      app.get(
        '/api/v1/sso/connections',
        {
          config: { operator: OPERATOR_SSO_PERMISSION },
          schema: { tags, summary: "An organization's single sign-on connection (operator)", querystring: S.OperatorConnectionQuery, response: { 200: S.OperatorConnectionView, ...problems(400, 401, 403) } },
        },
        async (req) => {
          d.access.operator(req, OPERATOR_SSO_PERMISSION);
          const q = req.query as { org_type: 'partner' | 'tenant'; org_id: string };
          const c = await d.sso.get({ type: q.org_type, id: q.org_id });
          return { connection: c ? await toConnectionDto(d.sso, c, d) : null };
        },
      );
      app.post(
        '/api/v1/sso/connections/:connection_id/switch-off',
        {
          config: { operator: OPERATOR_SSO_PERMISSION },
          schema: {
            tags,
            summary: "Switch an organization's single sign-on off (operator): its people sign in with passwords again; audited",
            params: S.ConnectionParams,
            body: S.SwitchOffBody,
            response: { 200: S.OperatorConnectionView, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          d.access.operator(req, OPERATOR_SSO_PERMISSION);
          const found = await d.sso.findById((req.params as { connection_id: string }).connection_id);
          if (!found) throw E.sso_connection_not_found();
          const c = await d.sso.switchOff(req.ctx(), { type: found.org_type, id: found.org_id }, (req.body as { reason: string }).reason);
          return { connection: await toConnectionDto(d.sso, c, d) };
        },
      );
    },
    public(app: App): void {
      app.post(
        '/api/v1/auth/sso/discover',
        {
          config: { csrf: false, public: true },
          schema: {
            tags: ['auth'],
            summary: 'Does this address sign in with its company account? (its domain verified by an organization whose single sign-on is on)',
            body: S.DiscoverBody,
            response: { 200: S.DiscoverAnswer, ...problems(400, 429) },
          },
        },
        async (req) => {
          const email = (req.body as { email: string }).email.trim().toLowerCase();
          const r = await d.sso.route(email);
          if (!r) return { routed: false, start_url: null, password_allowed: true };
          return { routed: true, start_url: `/sso/start?email=${encodeURIComponent(email)}`, password_allowed: r.connection.require_sso !== 1 };
        },
      );
    },
  };
}
