/**
 * Partner apps: the OAuth clients a partner registers. A partner owner
 * registers, edits, rotates the secret of and deletes them; staff read them. Only partners with
 * the `delegated` capability (customer consent: authorization code), `managed_services` (the
 * MSP's own users sign in and act as themselves: authorization code) or `wholesale` (client
 * credentials and token exchange) can have apps, and the grant types follow the capability.
 *
 * The client secret is 256 random bits shown once and stored as a keyed hash (SecretHasher): a
 * fast HMAC is the right check for a high-entropy secret, so the token endpoint stays fast.
 * Every mutation commits with its audit event and an `app` change-feed row.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutateAndKick } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { newSecret, type SecretHasher } from '../../platform/crypto.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { RoleCatalog } from '../authz/index.ts';
import { delegationQueries, type DelegationsService } from '../delegations/index.ts';
import { partnerQueries, type PartnersService } from '../partners/index.ts';
import { tenantQueries, type TenantsService } from '../tenants/index.ts';
import { appErrors as E } from './apps.errors.ts';
import { GRANT_TYPES, IDENTITY_SCOPES, OFFLINE_ACCESS, PLATFORM_SCOPES, SECRET_AUTH_METHODS, TOKEN_EXCHANGE_GRANT, acceptedAuthMethods, resourceScopeCatalog, type GrantType, type ScopeInfo, type TokenEndpointAuthMethod } from './app-scopes.ts';
import { insertTenant, openBillingAccount } from './tenant-provisioning.ts';
import { findClientAuth, findClientRecord } from './client-records.ts';
import * as repo from './apps.repo.ts';
import { cibaColumns, cibaDto, type CibaSetting } from './app-ciba.ts';
import { keyColumns, keysDto, signedRequestColumn, type KeysInput } from './app-keys.ts';
import { problemDetails as PD } from './apps.problem-details.ts';

export const CLIENT_SECRET_PREFIX = 'pgcs';
const MAX_APPS_PER_PARTNER = 25;

export interface AppsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  hasher: SecretHasher;
  roles: RoleCatalog;
  delegations: DelegationsService;
  tenants: TenantsService;
  partners: PartnersService;
}

export interface AppInput extends KeysInput {
  name: string;
  description?: string | null;
  logo_uri?: string | null;
  redirect_uris?: string[];
  grant_types: GrantType[];
  scopes: string[];
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  /** every method the app accepts; one secret method restricts the app to it (default: both secret methods) */
  token_endpoint_auth_methods?: TokenEndpointAuthMethod[];
  /** what the app's ID tokens are signed with (default RS256, OpenID Connect Core's) */
  id_token_signed_response_alg?: repo.IdTokenSigningAlg;
  ciba?: CibaSetting | null;
}

export type AppPatch = Partial<AppInput>;

/** Which capabilities allow each grant type (any one of them). */
export const GRANT_CAPABILITIES: Record<GrantType, readonly string[]> = {
  // delegated: customers consent; managed_services: the MSP's own users act as themselves
  authorization_code: ['delegated', 'managed_services'],
  refresh_token: ['delegated', 'managed_services'],
  client_credentials: ['wholesale'],
  [TOKEN_EXCHANGE_GRANT]: ['wholesale'],
};

/** The capabilities that let a partner have apps at all. */
const APP_CAPABILITIES = ['delegated', 'wholesale', 'managed_services'];

/**
 * Whether a partner with these capabilities may use the grant type in an app with these scopes:
 * by GRANT_CAPABILITIES, and for any partner that may have apps, client credentials for a decision
 * point — an app whose scopes are all Partnergate's own (authzen.evaluate), reaching no resource.
 */
export function grantAllowed(g: GrantType, caps: readonly string[], scopes: readonly string[]): boolean {
  if ((GRANT_CAPABILITIES[g] ?? []).some((c) => caps.includes(c))) return true;
  return g === 'client_credentials' && APP_CAPABILITIES.some((c) => caps.includes(c)) && scopes.length > 0 && scopes.every((x) => x in PLATFORM_SCOPES);
}

export class AppsService {
  readonly #d: AppsDeps;
  #scopes: Map<string, ScopeInfo> | null = null;
  constructor(d: AppsDeps) {
    this.#d = d;
  }

  readonly #now = (): string => this.#d.clock.now().toISOString();

  readonly #write = <T>(fn: (trx: Tx) => Promise<T>) => mutateAndKick(this.#d.db, this.#d.feed, fn);

  /** Resource scopes an app may ask for, with their plain-words descriptions. */
  scopeCatalog(): Map<string, ScopeInfo> {
    this.#scopes ??= resourceScopeCatalog(this.#d.roles);
    return this.#scopes;
  }

  /** Plain words for any scope (identity or resource); null when unknown. */
  describeScope(scope: string): ScopeInfo | null {
    if (IDENTITY_SCOPES[scope]) return { scope, description: IDENTITY_SCOPES[scope], permissions: [] };
    if (scope === OFFLINE_ACCESS) return { scope, description: 'Keep access while you are away, until the connection ends', permissions: [] };
    return this.scopeCatalog().get(scope) ?? null;
  }

  // ---- reads ----------------------------------------------------------------------------------

  list(partnerId: string): Promise<repo.AppRow[]> {
    return repo.listApps(this.#d.db.kysely, partnerId);
  }

  async get(partnerId: string, appId: string): Promise<repo.AppRow> {
    const a = await repo.findApp(this.#d.db.kysely, appId);
    // Another partner's app answers exactly like a missing one.
    if (!a || a.partner_id !== partnerId || a.status !== 'active') throw E.app_not_found();
    return a;
  }

  /** The authorization server's view of a client: the app, its partner and the partner's own BAN. */
  findClientRecord(clientId: string): Promise<repo.ClientRecord | undefined> {
    return findClientRecord(this.#d.db.kysely, clientId);
  }

  /** findClientRecord without the home BAN: what authenticating a client needs. */
  findClientAuth(clientId: string): Promise<Omit<repo.ClientRecord, 'homeBan'> | undefined> {
    return findClientAuth(this.#d.db.kysely, clientId);
  }

  // ---- validation -----------------------------------------------------------------------------

  #capabilities(partner: { capabilities: string }): string[] {
    try {
      return JSON.parse(partner.capabilities) as string[];
    } catch {
      return [];
    }
  }

  async #requireAppPartner(trx: Tx, partnerId: string) {
    const p = await partnerQueries.findPartnerById(trx, partnerId);
    if (!p) throw E.app_not_found();
    const caps = this.#capabilities(p);
    if (!APP_CAPABILITIES.some((c) => caps.includes(c))) {
      throw E.app_capability_required(PD.appsPartnersApprovedDelegated);
    }
    return { partner: p, caps };
  }

  #validateGrantTypes(grantTypes: GrantType[], caps: string[]): GrantType[] {
    const set = [...new Set(grantTypes)];
    for (const [i, g] of set.entries()) {
      if (!(GRANT_TYPES as readonly string[]).includes(g)) throw E.app_grant_types_invalid(PD.notSupportedGrantType, { values: { g }, fields: [{ pointer: `/body/grant_types/${i}`, detail: 'unsupported' }] });
      const need = GRANT_CAPABILITIES[g];
      // any app-capable partner may run a decision point (client credentials for authzen.evaluate only: #decisionPointOnly)
      if (g === 'client_credentials' && !caps.includes('wholesale')) continue;
      if (!need.some((c) => caps.includes(c))) {
        const named = need.join(' or ');
        throw E.app_grant_types_invalid(PD.grantTypeNeedsPartner, { values: { g, named }, fields: [{ pointer: `/body/grant_types/${i}`, detail: `needs ${named}` }] });
      }
    }
    if (set.includes('refresh_token') && !set.includes('authorization_code')) {
      throw E.app_grant_types_invalid(PD.refreshTokenComesAuthorization, { fields: [{ pointer: '/body/grant_types', detail: 'refresh_token without authorization_code' }] });
    }
    if (set.includes(TOKEN_EXCHANGE_GRANT) && !set.includes('client_credentials')) {
      throw E.app_grant_types_invalid(PD.tokenExchangeExchangesClient, { fields: [{ pointer: '/body/grant_types', detail: 'token exchange without client_credentials' }] });
    }
    return set;
  }

  /**
   * A partner without the wholesale capability has no resources of its own to reach with client
   * credentials: its client-credentials app is a decision point, asking the AuthZEN decision API
   * about the partner and its people, so authzen.evaluate is its one scope.
   */
  #decisionPointOnly(grantTypes: GrantType[], scopes: string[], caps: string[]): void {
    if (!grantTypes.includes('client_credentials') || grantAllowed('client_credentials', caps, scopes)) return;
    const other = scopes.filter((x) => !(x in PLATFORM_SCOPES));
    throw E.app_grant_types_invalid(PD.withoutWholesaleCapabilityClient,
      { fields: [{ pointer: '/body/scopes', detail: other.length > 0 ? `not for a decision point: ${other.join(', ')}` : 'authzen.evaluate needed' }] },
    );
  }

  /**
   * Exact redirect URIs (RFC 9700 §4.1.1): absolute, no fragment, no credentials, no wildcard;
   * https, or http only on a loopback host for development.
   */
  #validateRedirectUris(uris: string[] | undefined, grantTypes: GrantType[]): string[] {
    const list = [...new Set(uris ?? [])];
    const needs = grantTypes.includes('authorization_code');
    if (needs && list.length === 0) throw E.app_redirect_uri_invalid(PD.appUsingAuthorizationCode, { fields: [{ pointer: '/body/redirect_uris', detail: 'required' }] });
    if (!needs && list.length > 0) throw E.app_redirect_uri_invalid(PD.onlyAppsUsingAuthorization, { fields: [{ pointer: '/body/redirect_uris', detail: 'not used by these grant types' }] });
    for (const [i, raw] of list.entries()) {
      const problem = redirectUriProblem(raw);
      if (problem) throw E.app_redirect_uri_invalid(`${raw}: ${problem}.`, { fields: [{ pointer: `/body/redirect_uris/${i}`, detail: problem }] });
    }
    return list;
  }

  #validateScopes(scopes: string[], grantTypes: GrantType[]): string[] {
    const catalog = this.scopeCatalog();
    const out: string[] = [];
    for (const [i, s] of scopes.entries()) {
      const known = catalog.has(s) || s in IDENTITY_SCOPES || (s === OFFLINE_ACCESS && grantTypes.includes('refresh_token'));
      if (!known) {
        const detail = s === OFFLINE_ACCESS ? 'offline_access needs the refresh_token grant type' : 'not a resource permission, a wildcard of one, openid, profile or email';
        throw E.app_scope_invalid(`"${s}": ${detail} (GET /api/v1/oauth/scopes lists them).`, { fields: [{ pointer: `/body/scopes/${i}`, detail }] });
      }
      if ((s in IDENTITY_SCOPES) && !grantTypes.includes('authorization_code')) {
        throw E.app_scope_invalid(PD.aboutSignedPersonNeeds, { values: { s }, fields: [{ pointer: `/body/scopes/${i}`, detail: 'needs authorization_code' }] });
      }
      if (!out.includes(s)) out.push(s);
    }
    if (!out.some((s) => catalog.has(s))) throw E.app_scope_invalid(PD.appNeedsLeastOne, { fields: [{ pointer: '/body/scopes', detail: 'no resource scope' }] });
    return out;
  }

  #validateLogo(uri: string | null | undefined): string | null {
    if (uri === null || uri === undefined || uri === '') return null;
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      throw E.app_logo_uri_invalid(undefined, { fields: [{ pointer: '/body/logo_uri', detail: 'not a URL' }] });
    }
    if (u.protocol !== 'https:' || u.username || u.password) throw E.app_logo_uri_invalid(undefined, { fields: [{ pointer: '/body/logo_uri', detail: 'must be https' }] });
    return u.href;
  }

  // ---- mutations ------------------------------------------------------------------------------

  /**
   * Register an app. `opts.secret` is for the demo seed only (a secret derived from the
   * installation secret so `seed demo --json` can print it again); the API always generates one.
   */
  async create(ctx: RequestContext, partnerId: string, input: AppInput, opts: { secret?: string } = {}): Promise<{ app: repo.AppRow; secret: string | null }> {
    return this.#write(async (trx) => {
      // Guarantee (at most MAX_APPS_PER_PARTNER apps): the partner's row lock — registrations of
      // one partner are counted one after the other.
      await partnerQueries.lockPartner(this.#d.db, trx, partnerId);
      const { partner, caps } = await this.#requireAppPartner(trx, partnerId);
      if ((await repo.countApps(trx, partnerId)) >= MAX_APPS_PER_PARTNER) throw E.app_limit_reached(PD.partnerMayHaveMost, { values: { maxAppsPerPartner: MAX_APPS_PER_PARTNER } });
      const grantTypes = this.#validateGrantTypes(input.grant_types, caps);
      const scopes = this.#validateScopes(input.scopes, grantTypes);
      this.#decisionPointOnly(grantTypes, scopes, caps);
      const { method, restriction } = resolveAuthMethods(input.token_endpoint_auth_method, input.token_endpoint_auth_methods, null);
      const now = this.#now();
      const secret = SECRET_AUTH_METHODS.includes(method) ? (opts.secret ?? newSecret(CLIENT_SECRET_PREFIX)) : null;
      const app: repo.AppRow = {
        id: newId('app'),
        partner_id: partnerId,
        name: input.name,
        description: input.description ?? null,
        logo_uri: this.#validateLogo(input.logo_uri),
        redirect_uris: JSON.stringify(this.#validateRedirectUris(input.redirect_uris, grantTypes)),
        grant_types: JSON.stringify(grantTypes),
        scopes: JSON.stringify(scopes),
        token_endpoint_auth_method: method,
        auth_methods: restriction,
        ...keyColumns(method, input, null)!,
        require_signed_request_object: signedRequestColumn(input.require_signed_request_object ?? false, method),
        id_token_signed_response_alg: input.id_token_signed_response_alg ?? 'RS256',
        ...cibaColumns(input.ciba, caps),
        secret_hash: secret ? this.#d.hasher.hash(secret) : null,
        secret_hint: secret ? secretHint(secret) : null,
        secret_rotated_at: secret ? now : null,
        status: 'active',
        created_by: ctx.actor.userId,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      await repo.insertApp(trx, app);
      // Client credentials act on the wholesaler's own tenant and bill its own account (a decision point has neither).
      if (grantTypes.includes('client_credentials') && caps.includes('wholesale')) await this.ensureHomeTenant(trx, ctx, partner);
      await this.#d.feed.record(trx, 'app', app.id);
      await this.#d.audit.record(trx, ctx, {
        action: 'app.created',
        partnerId,
        targetType: 'app',
        targetId: app.id,
        details: { name: app.name, ...(app.jwks_uri ? { jwks_uri: app.jwks_uri } : {}), ...(app.require_signed_request_object ? { require_signed_request_object: true } : {}), grant_types: grantTypes, scopes: JSON.parse(app.scopes), redirect_uris: JSON.parse(app.redirect_uris), token_endpoint_auth_method: method, token_endpoint_auth_methods: acceptedAuthMethods(app), id_token_signed_response_alg: app.id_token_signed_response_alg },
      });
      return { app, secret };
    });
  }

  async update(ctx: RequestContext, partnerId: string, appId: string, patch: AppPatch): Promise<repo.AppRow> {
    return this.#write(async (trx) => {
      const app = await this.#loadForWrite(trx, partnerId, appId);
      const { partner, caps } = await this.#requireAppPartner(trx, partnerId);
      const grantTypes = patch.grant_types ? this.#validateGrantTypes(patch.grant_types, caps) : (JSON.parse(app.grant_types) as GrantType[]);
      const next: Partial<repo.AppRow> = {};
      if (patch.name !== undefined) next.name = patch.name;
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.logo_uri !== undefined) next.logo_uri = this.#validateLogo(patch.logo_uri);
      if (patch.grant_types !== undefined) next.grant_types = JSON.stringify(grantTypes);
      if (patch.redirect_uris !== undefined || patch.grant_types !== undefined) {
        next.redirect_uris = JSON.stringify(this.#validateRedirectUris(patch.redirect_uris ?? (JSON.parse(app.redirect_uris) as string[]), grantTypes));
      }
      const scopes = patch.scopes !== undefined || patch.grant_types !== undefined ? this.#validateScopes(patch.scopes ?? (JSON.parse(app.scopes) as string[]), grantTypes) : (JSON.parse(app.scopes) as string[]);
      if (patch.scopes !== undefined || patch.grant_types !== undefined) next.scopes = JSON.stringify(scopes);
      this.#decisionPointOnly(grantTypes, scopes, caps);
      if (patch.token_endpoint_auth_method !== undefined || patch.token_endpoint_auth_methods !== undefined) {
        const { method, restriction } = resolveAuthMethods(patch.token_endpoint_auth_method, patch.token_endpoint_auth_methods, app);
        // Between the two secret methods only: the secret stays. A switch to or from keys would
        // leave the app without a credential or with one the owner never saw.
        if (method !== app.token_endpoint_auth_method && (!SECRET_AUTH_METHODS.includes(method) || !SECRET_AUTH_METHODS.includes(app.token_endpoint_auth_method))) {
          const pointer = patch.token_endpoint_auth_methods !== undefined ? '/body/token_endpoint_auth_methods' : '/body/token_endpoint_auth_method';
          throw E.app_auth_method_change_refused(PD.appUsesCanSwitch, { values: { token_endpoint_auth_method: app.token_endpoint_auth_method },
            fields: [{ pointer, detail: 'only between client_secret_basic and client_secret_post' }],
          });
        }
        next.token_endpoint_auth_method = method;
        next.auth_methods = restriction;
      }
      Object.assign(next, keyColumns(app.token_endpoint_auth_method, patch, app) ?? {});
      if (patch.require_signed_request_object !== undefined) next.require_signed_request_object = signedRequestColumn(patch.require_signed_request_object, app.token_endpoint_auth_method);
      if (patch.id_token_signed_response_alg !== undefined) next.id_token_signed_response_alg = patch.id_token_signed_response_alg;
      if (patch.ciba !== undefined) Object.assign(next, cibaColumns(patch.ciba, caps));
      const changes = Object.fromEntries(Object.entries(next).filter(([k, v]) => (app as Record<string, unknown>)[k] !== v));
      if (Object.keys(changes).length === 0) return app;
      await repo.updateApp(trx, appId, { ...changes, updated_at: this.#now() });
      if (grantTypes.includes('client_credentials') && caps.includes('wholesale')) await this.ensureHomeTenant(trx, ctx, partner);
      await this.#d.feed.record(trx, 'app', appId);
      const shown = Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, typeof v === 'string' && ['redirect_uris', 'grant_types', 'scopes'].includes(k) ? JSON.parse(v) : k === 'jwks' ? (v ? '(keys replaced)' : null) : k === 'require_signed_request_object' ? v === 1 : v]));
      await this.#d.audit.record(trx, ctx, { action: 'app.updated', partnerId, targetType: 'app', targetId: appId, details: { changes: shown } });
      return { ...app, ...changes } as repo.AppRow;
    });
  }

  /**
   * A new secret, shown once; the previous one stops working at once. `opts.secret` is for the
   * demo only (`partnergate apps reset-demo-secret` puts the derived demo secret back); the API
   * always generates one.
   */
  async rotateSecret(ctx: RequestContext, partnerId: string, appId: string, opts: { secret?: string; reason?: string } = {}): Promise<{ app: repo.AppRow; secret: string }> {
    return this.#write(async (trx) => {
      const app = await this.#loadForWrite(trx, partnerId, appId);
      if (!SECRET_AUTH_METHODS.includes(app.token_endpoint_auth_method)) throw E.app_secret_not_applicable();
      const secret = opts.secret ?? newSecret(CLIENT_SECRET_PREFIX);
      const now = this.#now();
      const patch = { secret_hash: this.#d.hasher.hash(secret), secret_hint: secretHint(secret), secret_rotated_at: now, updated_at: now };
      await repo.updateApp(trx, appId, patch);
      await this.#d.feed.record(trx, 'app', appId);
      await this.#d.audit.record(trx, ctx, { action: 'app.secret_rotated', partnerId, targetType: 'app', targetId: appId, details: { secret_hint: patch.secret_hint, ...(opts.reason ? { reason: opts.reason } : {}) } });
      return { app: { ...app, ...patch }, secret };
    });
  }

  /**
   * Delete an app: it stops authenticating at once, and the consent delegations customers gave
   * it are revoked in the same transaction (their grants and refresh tokens die with them).
   */
  async delete(ctx: RequestContext, partnerId: string, appId: string): Promise<void> {
    await this.#write(async (trx) => {
      const app = await this.#loadForWrite(trx, partnerId, appId);
      const now = this.#now();
      await repo.updateApp(trx, appId, { status: 'deleted', deleted_at: now, updated_at: now, secret_hash: null });
      const open = await delegationQueries.listOpenConsentDelegations(trx, appId);
      for (const d of open) await this.#d.delegations.revokeDelegation(trx, ctx, d.id, { side: 'partner', reason: 'the partner deleted the app' });
      await this.#d.feed.record(trx, 'app', appId);
      await this.#d.audit.record(trx, ctx, { action: 'app.deleted', partnerId, targetType: 'app', targetId: appId, details: { name: app.name, revoked_delegations: open.map((d) => d.id) } });
    });
  }

  async #loadForWrite(trx: Tx, partnerId: string, appId: string): Promise<repo.AppRow> {
    const a = await repo.findApp(trx, appId);
    if (!a || a.partner_id !== partnerId || a.status !== 'active') throw E.app_not_found();
    return a;
  }

  // ---- the wholesaler's own tenant --------------------------------------------------------------

  /**
   * A wholesaler acts on its own resources in its home tenant and is billed on that tenant's
   * account: give it one (with one billing account) when it has none, inside the caller's
   * transaction. Returns the home tenant id.
   */
  async ensureHomeTenant(trx: Tx, ctx: RequestContext, partner: { id: string; slug: string; name: string; home_tenant_id: string | null }): Promise<string> {
    const d = { db: this.#d.db, audit: this.#d.audit, feed: this.#d.feed, tenants: this.#d.tenants };
    if (partner.home_tenant_id) {
      const bans = await tenantQueries.listBillingAccounts(trx, partner.home_tenant_id);
      if (!bans.some((b) => b.status === 'active')) await openBillingAccount(d, trx, ctx, partner.home_tenant_id, `${partner.name} — own account`);
      return partner.home_tenant_id;
    }
    const slug = await freeSlug(trx, `${partner.slug}-own`.slice(0, 63));
    const tenant = await insertTenant(d, trx, { ...ctx, actor: { ...ctx.actor, partnerId: partner.id } }, {
      name: `${partner.name} (own account)`,
      slug,
      tier: 'wholesale',
      now: this.#now(),
      details: { home_of_partner: partner.id },
    });
    await openBillingAccount(d, trx, ctx, tenant.id, `${partner.name} — own account`);
    await this.#d.partners.setHomeTenant(trx, ctx, partner.id, tenant.id);
    partner.home_tenant_id = tenant.id;
    return tenant.id;
  }
}

/** A slug not yet used, from a base: base, base-2, base-3 … */
async function freeSlug(trx: Tx, base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base.slice(0, 60)}-${i}`;
    const taken = await tenantQueries.findTenantBySlug(trx, slug);
    if (!taken) return slug;
  }
}

export function secretHint(secret: string): string {
  return secret.slice(0, CLIENT_SECRET_PREFIX.length + 5) + '…';
}

/** null when the URI is an acceptable exact redirect URI, else what is wrong with it. */
export function redirectUriProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (raw.includes('#')) return 'a redirect URI must not have a fragment';
  if (raw.includes('*')) return 'wildcards are not allowed; register every exact URI';
  if (u.username || u.password) return 'a redirect URI must not carry credentials';
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && loopback) return null;
  if (u.protocol === 'http:') return 'http is only allowed on localhost; use https';
  return `the ${u.protocol} scheme is not allowed`;
}

/**
 * The registered method and the owner's restriction from what a create or update names.
 * `methods` lists every method the app accepts: one secret method restricts the app to it, both
 * (or none named) accept the secret in the Authorization header and in the body alike;
 * private_key_jwt goes with nothing else. `method` alone picks the registered method and keeps
 * the app as open or as restricted as it was (a restricted app is restricted to the new one).
 */
function resolveAuthMethods(
  method: TokenEndpointAuthMethod | undefined,
  methods: readonly TokenEndpointAuthMethod[] | undefined,
  current: { token_endpoint_auth_method: TokenEndpointAuthMethod; auth_methods: string | null } | null,
): { method: TokenEndpointAuthMethod; restriction: string | null } {
  const restrictTo = (m: TokenEndpointAuthMethod) => (SECRET_AUTH_METHODS.includes(m) ? JSON.stringify([m]) : null);
  if (methods === undefined) {
    const registered = method ?? current?.token_endpoint_auth_method ?? 'client_secret_basic';
    return { method: registered, restriction: current?.auth_methods ? restrictTo(registered) : null };
  }
  const list = [...new Set(methods)];
  const field = { pointer: '/body/token_endpoint_auth_methods', detail: '' };
  if (list.length === 0) throw E.app_auth_methods_invalid(PD.nameLeastOneClient, { fields: [{ ...field, detail: 'at least one method' }] });
  if (list.includes('private_key_jwt') && list.length > 1) {
    throw E.app_auth_methods_invalid(PD.privateKeyJwtGoes, { fields: [{ ...field, detail: 'private_key_jwt alone, or client secret methods' }] });
  }
  const registered = method ?? (current && list.includes(current.token_endpoint_auth_method) ? current.token_endpoint_auth_method : list[0]);
  if (!list.includes(registered)) {
    throw E.app_auth_methods_invalid(PD.tokenEndpointAuthMethod, { values: { registered }, fields: [{ pointer: '/body/token_endpoint_auth_method', detail: 'must be one of token_endpoint_auth_methods' }] });
  }
  return { method: registered, restriction: list.length === 1 ? restrictTo(registered) : null };
}

export function toAppDto(a: repo.AppRow) {
  return {
    id: a.id,
    client_id: a.id,
    partner_id: a.partner_id,
    name: a.name,
    description: a.description,
    logo_uri: a.logo_uri,
    redirect_uris: JSON.parse(a.redirect_uris) as string[],
    grant_types: JSON.parse(a.grant_types) as string[],
    scopes: JSON.parse(a.scopes) as string[],
    token_endpoint_auth_method: a.token_endpoint_auth_method,
    token_endpoint_auth_methods: acceptedAuthMethods(a),
    ...keysDto(a),
    id_token_signed_response_alg: a.id_token_signed_response_alg,
    ciba: cibaDto(a),
    secret_hint: a.secret_hint,
    secret_rotated_at: a.secret_rotated_at,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}
