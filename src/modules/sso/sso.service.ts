/**
 * Single sign-on per organization: the connection settings of a partner or a tenant, sign-in routing by verified
 * domain, "require single sign-on" (with one break-glass owner who keeps a password), and the one
 * organization-level entry point every protocol adapter ends in:
 *
 *   completeUpstreamSignIn(ctx, connectionId, identity)
 *
 * which finds the person (by the connection and the provider's subject, else by an e-mail address on one of the
 * organization's verified domains, else creates them just in time with the mapped role), makes their member role
 * follow the group mapping, and opens the session — the provider's MFA counting for the MFA policies only when the
 * organization trusts it. Audited: sso.sign_in, sso.person_created, the membership's own role-change events.
 */
import type { Locale } from '../../platform/i18n/locales.ts';
import type { JWK } from 'jose';
import { mutate, type Db } from '../../platform/db/database.ts';
import { tenantContext, withDbContext } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { PartnersService } from '../partners/index.ts';
import type { TenantsService, TenantRole } from '../tenants/index.ts';
import type { DomainsService } from '../domains/index.ts';
import type { FlowStore } from './sso-flows.ts';
import { connectionRow, connectionSettings, oidcSettings, type ConnectionInput } from './sso-connection-row.ts';
import { OidcAdapter, issuerRefusal, type OidcSettings } from './oidc.adapter.ts';
import { SsoLogout, sessionLink } from './sso-logout.ts';
import { SpCertificateRotation } from './sso-sp-rotation.ts';
import { canonicalIdentity, emailDomain, isSsoRole, roleFromGroups, roleName, sessionAmr, upstreamUsedMfa, type GroupMapping } from './sso-mapping.ts';
import { ssoErrors as E } from './sso.errors.ts';
import * as repo from './sso.repo.ts';
import type { ConnectionRow, Org } from './sso.repo.ts';
import { SsoProtocolError, type SsoAdapter, type SsoConnectionSettings, type SsoFlow, type SsoPurpose, type UpstreamIdentity } from './sso.types.ts';
import { problemDetails as PD } from './sso.problem-details.ts';
export type { ConnectionRow, Org } from './sso.repo.ts';
export type { ConnectionInput } from './sso-connection-row.ts';

export const OIDC_CALLBACK_PATH = '/sso/oidc/callback';

export interface SsoDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  identity: IdentityService;
  partners: PartnersService;
  tenants: TenantsService;
  domains: DomainsService;
  flows: FlowStore;
  secretKey: string;
  publicUrl: string;
  /** the partner a person belongs to now (the decision snapshot), or null */
  partnerOf: (userId: string) => string | null;
  /** the customers a person is a member of now (tenant id → role), from the decision snapshot */
  tenantsOf: (userId: string) => ReadonlyMap<string, string>;
  /** a SAML provider's metadata may be fetched from a private or loopback address (default: no, as webhooks) */
  allowPrivateTargets?: boolean;
}

/** What the provider's answer means here, without changing anything (the owner's "Test sign-in"). */
export interface SignInPreview {
  email: string;
  name: string | null;
  groups: string[];
  matched_groups: string[];
  role: string;
  role_name: string;
  person: 'existing' | 'new';
  upstream_mfa: boolean;
  mfa_counts: boolean;
  /** why a real sign-in would be refused, in words; null when it would go through */
  refusal: string | null;
  /** the refusal's code, so the page says it in the reader's language */
  refusal_code: SsoProtocolError['code'] | null;
}

export interface SignedIn {
  userId: string;
  token: string;
  csrfToken: string;
  expiresAt: string;
  created: boolean;
  role: string;
}

export const SSO_FLOW_TTL_MS = 10 * 60_000;

export class SsoService {
  readonly #d: SsoDeps;
  readonly oidc: OidcAdapter;
  readonly #adapters = new Map<'saml', SsoAdapter>();
  readonly logout: SsoLogout; // single logout: sessions linked to the provider's, ended when it says so
  readonly spRotation: SpCertificateRotation; // our SAML certificate rotated with an overlap
  constructor(d: SsoDeps) {
    this.#d = d;
    this.oidc = new OidcAdapter(() => d.clock.nowMs(), { allowPrivate: d.allowPrivateTargets ?? false });
    this.spRotation = new SpCertificateRotation(d);
    this.logout = new SsoLogout({ ...d, oidc: this.oidc, findConnection: (id) => this.findById(id), samlSettings: (c) => (c.kind === 'saml' ? this.settingsOf(c).saml : null) });
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  #about(org: Org) {
    return org.type === 'tenant' ? { tenantId: org.id, partnerId: null } : { tenantId: null, partnerId: org.id };
  }

  /** The SAML adapter plugs in here (see SsoAdapter in sso.types.ts). */
  registerAdapter(kind: 'saml', adapter: SsoAdapter): void {
    this.#adapters.set(kind, adapter);
  }

  adapter(kind: 'saml'): SsoAdapter | undefined {
    return this.#adapters.get(kind);
  }

  get callbackUrl(): string {
    return this.#d.publicUrl + OIDC_CALLBACK_PATH;
  }

  // ---- settings ------------------------------------------------------------------------------

  get(org: Org): Promise<ConnectionRow | undefined> {
    return repo.findConnectionOfOrg(this.#d.db.kysely, org);
  }

  async require(org: Org): Promise<ConnectionRow> {
    return (await this.get(org)) ?? Promise.reject(E.sso_connection_not_found());
  }

  findById(id: string): Promise<ConnectionRow | undefined> {
    return repo.findConnection(this.#d.db.kysely, id);
  }

  mappings(connectionId: string): Promise<GroupMapping[]> {
    return repo.listMappings(this.#d.db.kysely, connectionId);
  }

  signedInCount(connectionId: string): Promise<number> {
    return repo.countIdentities(this.#d.db.kysely, connectionId);
  }

  /** What the adapters see of a connection. */
  settingsOf(c: ConnectionRow): SsoConnectionSettings {
    return connectionSettings(this.#d.secretKey, c, this.#d.clock.now().toISOString());
  }

  #oidcSettings(c: ConnectionRow): OidcSettings {
    return oidcSettings(this.#d.secretKey, c);
  }

  /** People who may be the break-glass owner: the partner's active owners, the tenant's administrators. */
  async breakGlassCandidates(org: Org): Promise<{ user_id: string; name: string; email: string }[]> {
    if (org.type === 'partner') {
      return (await this.#d.partners.listMembers(org.id)).filter((m) => m.role === 'PARTNER_OWNER' && m.member_status === 'active' && m.status === 'active').map((m) => ({ user_id: m.user_id, name: m.name, email: m.email }));
    }
    return (await this.#d.tenants.listMembers(org.id)).filter((m) => m.role === 'TENANT_ADMIN' && m.status === 'active').map((m) => ({ user_id: m.user_id, name: m.name, email: m.email }));
  }

  async #check(org: Org, input: ConnectionInput, before: ConnectionRow | undefined): Promise<void> {
    const bad = (detail: string, pointer: string) => E.sso_settings_invalid(detail, { fields: [{ pointer, detail }] });
    if (!isSsoRole(org.type, input.default_role)) throw E.sso_role_invalid(PD.notRoleOrganization, { values: { default_role: input.default_role } });
    const groups = new Set<string>();
    for (const m of input.role_mappings) {
      if (!isSsoRole(org.type, m.role)) throw E.sso_role_invalid(PD.ssoRoleInvalidNotRoleOrganization, { values: { role: m.role } });
      const g = m.group.trim().toLowerCase();
      if (!g) throw bad('Each group row needs the group name as your provider sends it.', '/body/role_mappings');
      if (groups.has(g)) throw bad(`The group "${m.group}" is listed twice.`, '/body/role_mappings');
      groups.add(g);
    }
    if (input.kind === 'oidc') {
      const o = input.oidc;
      if (!o) throw bad('The OpenID Connect settings are missing.', '/body/oidc');
      const issuer = issuerRefusal(o.issuer, this.#d.allowPrivateTargets ?? false);
      if (issuer) throw E[issuer.code](issuer.detail, { fields: [{ pointer: '/body/oidc/issuer', detail: issuer.detail }] });
      const keepsSecret = before?.kind === 'oidc' && before.oidc_client_secret_enc !== null && before.oidc_auth_method !== 'private_key_jwt';
      if (o.auth_method !== 'private_key_jwt' && !o.client_secret && !keepsSecret) throw bad('Enter the client secret your provider gave you.', '/body/oidc/client_secret');
    } else if (!input.saml?.idp_metadata_xml && !input.saml?.idp_metadata_url && !before?.saml_idp_metadata_xml && input.enabled) {
      throw bad("Paste your provider's metadata XML (or its address) before switching the connection on.", '/body/saml');
    }
    if (input.require_sso) {
      if (!input.enabled) throw bad('Switch the connection on before requiring single sign-on.', '/body/require_sso');
      if (!input.break_glass_user_id) throw bad('Name one owner who keeps a password in case your provider is down.', '/body/break_glass_user_id');
    }
    if (input.break_glass_user_id && !(await this.breakGlassCandidates(org)).some((c) => c.user_id === input.break_glass_user_id)) {
      throw E.sso_break_glass_invalid(PD.breakGlassPersonMust);
    }
  }

  /** Create or replace the organization's connection; the secret is kept when not given again. */
  async save(ctx: RequestContext, org: Org, input: ConnectionInput, locale?: Locale): Promise<ConnectionRow> {
    const before = await this.get(org);
    await this.#check(org, input, before);
    const now = this.#now();
    const id = before?.id ?? newId('sso');
    const o = input.kind === 'oidc' ? input.oidc! : null;
    const row = await connectionRow(this.#d, input, before, id, now, locale);
    const mappings = input.role_mappings.map((m) => ({ group: m.group.trim(), role: m.role }));
    await mutate(this.#d.db, async (trx) => {
      if (before) await repo.updateConnection(trx, id, row);
      else await repo.insertConnection(trx, { id, org_type: org.type, org_id: org.id, created_by: ctx.actor.userId, created_at: now, last_sign_in_at: null, switched_off_by: null, switched_off_at: null, switched_off_reason: null, ...row });
      await repo.replaceMappings(trx, id, mappings);
      await this.#d.audit.record(trx, ctx, {
        action: before ? 'sso.connection_updated' : 'sso.connection_created',
        ...this.#about(org),
        targetType: 'sso_connection',
        targetId: id,
        details: {
          kind: input.kind,
          name: row.name,
          enabled: input.enabled,
          issuer: row.oidc_issuer,
          client_id: row.oidc_client_id,
          auth_method: row.oidc_auth_method,
          // whether a new secret was given, never the secret
          client_secret_changed: !!(o && o.client_secret && o.auth_method !== 'private_key_jwt'),
          default_role: input.default_role,
          role_mappings: mappings,
          trust_upstream_mfa: input.trust_upstream_mfa,
          require_sso: input.require_sso,
          break_glass_user_id: input.break_glass_user_id,
        },
      });
    });
    return (await this.findById(id))!;
  }

  async remove(ctx: RequestContext, org: Org): Promise<void> {
    const c = await this.require(org);
    await mutate(this.#d.db, async (trx) => {
      await repo.deleteConnection(trx, c.id);
      await this.#d.audit.record(trx, ctx, { action: 'sso.connection_removed', ...this.#about(org), targetType: 'sso_connection', targetId: c.id, details: { kind: c.kind, name: c.name } });
    });
  }

  /** The operator switches an organization's connection off (a compromised provider, a dispute); password sign-in works again. */
  async switchOff(ctx: RequestContext, org: Org, reason: string): Promise<ConnectionRow> {
    const c = await this.require(org);
    const now = this.#now();
    await mutate(this.#d.db, async (trx) => {
      await repo.updateConnection(trx, c.id, { enabled: 0, switched_off_by: ctx.actor.userId, switched_off_at: now, switched_off_reason: reason, updated_at: now });
      await this.#d.audit.record(trx, ctx, { action: 'sso.connection_switched_off', ...this.#about(org), targetType: 'sso_connection', targetId: c.id, details: { kind: c.kind, name: c.name, reason, was_enabled: c.enabled === 1 } });
    });
    return (await this.findById(c.id))!;
  }

  // ---- routing -------------------------------------------------------------------------------

  /** The enabled connection an address is routed to: its domain verified by an organization that has one switched on. */
  async route(email: string): Promise<{ connection: ConnectionRow; org: Org; domain: string } | null> {
    const domain = emailDomain(email);
    if (!domain) return null;
    const claim = await this.#d.domains.verifiedClaim(domain);
    if (!claim) return null;
    const org: Org = { type: claim.owner_type, id: claim.owner_id };
    const connection = await this.get(org);
    if (!connection || connection.enabled !== 1) return null;
    return { connection, org, domain };
  }

  /**
   * The identity module's password gate: an address routed to a connection that requires single
   * sign-on may not use a password (sign-in or reset link), except the connection's break-glass owner.
   */
  async passwordGate(email: string, userId: string | null): Promise<Error | null> {
    const r = await this.route(email);
    if (!r || r.connection.require_sso !== 1) return null;
    if (userId !== null && userId === r.connection.break_glass_user_id) return null;
    return E.sso_required(PD.signsCompanyAccountChoose, { values: { domain: r.domain } });
  }

  // ---- the browser flow ----------------------------------------------------------------------

  /** Begin a sign-in (or an owner's test) at the connection's provider: the URL to send the browser to. */
  async start(connection: ConnectionRow, purpose: SsoPurpose, opts: { returnTo?: string | null; testedBy?: string | null; browserHash?: string | null } = {}): Promise<string> {
    if (purpose === 'sign_in' && connection.enabled !== 1) throw new SsoProtocolError('sso.connection_unavailable', 'The connection is switched off.');
    const state = this.#d.flows.newState();
    let started: { redirectUrl: string; protocol?: Record<string, string> };
    if (connection.kind === 'oidc') {
      started = await this.oidc.start(this.#oidcSettings(connection), state, this.callbackUrl);
    } else {
      const saml = this.#adapters.get('saml');
      if (!saml) throw new SsoProtocolError('sso.connection_unavailable', 'SAML sign-in is not available on this server yet.');
      started = await saml.start(this.settingsOf(connection), state);
    }
    const flow: SsoFlow = { connectionId: connection.id, purpose, returnTo: opts.returnTo ?? null, testedBy: opts.testedBy ?? null, protocol: started.protocol ?? {}, browserHash: opts.browserHash ?? null };
    await this.#d.flows.put(state, flow);
    return started.redirectUrl;
  }

  /** The state comes back: the flow once (a replay and a forgery are refused apart). */
  async takeFlow(state: string | undefined, connectionId?: string): Promise<{ flow: SsoFlow; connection: ConnectionRow }> {
    if (!state) throw new SsoProtocolError('sso.unsolicited', 'The answer carried no state.');
    const t = await this.#d.flows.take(state);
    if (!t.ok) {
      if (t.reason === 'used') throw new SsoProtocolError('sso.response_replayed', 'This sign-in answer was used already.');
      throw new SsoProtocolError('sso.unsolicited', 'This sign-in was not started here, or it expired.');
    }
    if (connectionId !== undefined && t.flow.connectionId !== connectionId) throw new SsoProtocolError('sso.unsolicited', 'The answer belongs to another connection.');
    const connection = await this.findById(t.flow.connectionId);
    if (!connection || (t.flow.purpose === 'sign_in' && connection.enabled !== 1)) throw new SsoProtocolError('sso.connection_unavailable', 'The connection is switched off or was removed.');
    return { flow: t.flow, connection };
  }

  /** The OIDC callback's provider side: the code exchanged and the ID token checked. */
  finishOidc(connection: ConnectionRow, currentUrl: URL, state: string, flow: SsoFlow): Promise<UpstreamIdentity> {
    return this.oidc.finish(this.#oidcSettings(connection), currentUrl, state, flow.protocol);
  }

  /** The public half of our private_key_jwt key, for the provider (JWKS). */
  async publicJwks(connectionId: string): Promise<{ keys: JWK[] } | null> {
    const c = await this.findById(connectionId);
    if (!c || c.kind !== 'oidc' || !c.oidc_public_jwk) return null;
    return { keys: [JSON.parse(c.oidc_public_jwk) as JWK] };
  }

  // ---- the organization-level outcome --------------------------------------------------------

  /** Who the identity is here and what role they would get, without writing anything. */
  async #resolve(c: ConnectionRow, identity: UpstreamIdentity) {
    const org: Org = { type: c.org_type, id: c.org_id };
    const mappings = await this.mappings(c.id);
    const { role, matched } = roleFromGroups(org.type, identity.groups, mappings, c.default_role);
    const linked = await repo.findIdentity(this.#d.db.kysely, c.id, identity.subject);
    let user = linked ? await this.#d.identity.findUserById(linked.user_id) : undefined;
    let refusal: SsoProtocolError | null = null;
    if (!user) {
      const domain = emailDomain(identity.email);
      const claim = domain ? await this.#d.domains.verifiedClaim(domain) : undefined;
      if (!claim || claim.owner_type !== org.type || claim.owner_id !== org.id) {
        refusal = new SsoProtocolError('sso.email_not_on_verified_domain', `${identity.email} is not on a domain this organization has verified.`);
      } else {
        user = await this.#d.identity.findUserByEmail(identity.email);
      }
    }
    if (!refusal && user) {
      if (user.platform_role) refusal = new SsoProtocolError('sso.account_conflict', 'This address belongs to a platform operator.');
      else if (user.status === 'disabled') refusal = new SsoProtocolError('sso.account_disabled', 'The account is turned off.');
      else if (org.type === 'partner') {
        const other = this.#d.partnerOf(user.id);
        if (other !== null && other !== org.id) refusal = new SsoProtocolError('sso.account_conflict', 'This address belongs to a member of another organization.');
        const m = (await this.#d.partners.listMembers(org.id)).find((x) => x.user_id === user!.id);
        if (m && m.member_status !== 'active') refusal = new SsoProtocolError('sso.account_disabled', "The person's membership is turned off.");
        // a partner's people belong to no customer: someone who is a customer's member is that customer's to govern
        else if (other === null && this.#d.tenantsOf(user.id).size > 0) refusal = new SsoProtocolError('sso.account_conflict', 'This address belongs to a member of another organization.');
      } else {
        // a customer's identity provider governs only its own people: not a partner's staff on its domain, nor a
        // person who is a member of another customer
        const tenants = this.#d.tenantsOf(user.id);
        if (this.#d.partnerOf(user.id) !== null || [...tenants.keys()].some((id) => id !== org.id)) {
          refusal = new SsoProtocolError('sso.account_conflict', 'This address belongs to a member of another organization.');
        }
      }
    }
    return { org, role, matched, linked, user, refusal };
  }

  /**
   * Once the connection is known the sign-in acts for its organization: a tenant's rows (its
   * memberships, its audit events) are reached in that tenant's row-level-security context.
   */
  #asOrg<T>(c: ConnectionRow, fn: () => Promise<T>): Promise<T> {
    return c.org_type === 'tenant' ? withDbContext(tenantContext(c.org_id), fn) : fn();
  }

  preview(c: ConnectionRow, identity: UpstreamIdentity): Promise<SignInPreview> {
    return this.#asOrg(c, () => this.#preview(c, canonicalIdentity(identity)));
  }

  async #preview(c: ConnectionRow, identity: UpstreamIdentity): Promise<SignInPreview> {
    const r = await this.#resolve(c, identity);
    const upstream = upstreamUsedMfa(identity.authnMethods);
    return {
      email: identity.email,
      name: identity.name ?? null,
      groups: identity.groups,
      matched_groups: r.matched,
      role: r.role,
      role_name: roleName(r.org.type, r.role),
      person: r.user ? 'existing' : 'new',
      upstream_mfa: upstream,
      mfa_counts: upstream && c.trust_upstream_mfa === 1,
      refusal: r.refusal ? r.refusal.detail : null,
      refusal_code: r.refusal ? r.refusal.code : null,
    };
  }

  /**
   * The organization-level end of every sign-in by an organization's identity provider (OIDC here,
   * SAML through its adapter): the person found, linked or created just in time, their member role
   * following the group mapping, the session opened. Throws SsoProtocolError for a refusal (also audited).
   */
  async completeUpstreamSignIn(ctx: RequestContext, connectionId: string, identity: UpstreamIdentity): Promise<SignedIn> {
    const c = await this.findById(connectionId);
    if (!c || c.enabled !== 1) throw await this.#refused(ctx, c, identity, new SsoProtocolError('sso.connection_unavailable', 'The connection is switched off or was removed.'));
    // an address that is not one is a protocol refusal, audited by the browser flow like the provider's others
    const canonical = canonicalIdentity(identity);
    return this.#asOrg(c, () => this.#complete(ctx, c, canonical));
  }

  async #complete(ctx: RequestContext, c: ConnectionRow, identity: UpstreamIdentity): Promise<SignedIn> {
    const r = await this.#resolve(c, identity);
    if (r.refusal) throw await this.#refused(ctx, c, identity, r.refusal);
    const now = this.#now();
    const org = r.org;
    let userId = r.user?.id ?? null;
    const created = userId === null;
    const asSystem: RequestContext = { ...ctx, actor: { ...ctx.actor, type: 'system', userId: null } };
    // the person's membership, one row (not the organization's member list), read before the transaction (on SQLite a read outside it would wait for it)
    const isMember = userId !== null && (await (org.type === 'partner' ? this.#d.partners.member(org.id, userId) : this.#d.tenants.member(org.id, userId))) !== undefined;
    await mutate(this.#d.db, async (trx) => {
      if (userId === null) {
        // no password here: the person signs in with the company account
        userId = await this.#d.identity.createUser(trx, { email: identity.email, name: identity.name?.trim() || identity.email, password: null, federated: true });
        await this.#d.audit.record(trx, asSystem, { action: 'sso.person_created', ...this.#about(org), targetType: 'user', targetId: userId, details: { email: identity.email, connection_id: c.id, role: r.role, groups: identity.groups.slice(0, 50) } });
      }
      if (!isMember && org.type === 'partner') await this.#d.partners.addMember(trx, { scopeId: org.id, userId: userId!, role: 'PARTNER_STAFF', invitedBy: null, invitationId: null }, asSystem);
      if (!isMember && org.type === 'tenant') await this.#d.tenants.addMember(trx, { scopeId: org.id, userId: userId!, role: r.role, invitedBy: null, invitationId: null }, asSystem);
      if (r.linked) await repo.touchIdentity(trx, c.id, identity.subject, { email: identity.email, last_sign_in_at: now });
      else await repo.insertIdentity(trx, { connection_id: c.id, subject: identity.subject, user_id: userId!, email: identity.email, created_at: now, last_sign_in_at: now });
      await repo.updateConnection(trx, c.id, { last_sign_in_at: now });
    });
    let roleChange;
    try {
      roleChange = await this.#followMapping(asSystem, org, userId!, r.role, c, created);
    } catch (e) {
      if (e instanceof SsoProtocolError) throw await this.#refused(ctx, c, identity, e);
      throw e;
    }
    const amr = sessionAmr(identity.authnMethods, c.trust_upstream_mfa === 1);
    const link = sessionLink(this.#d.secretKey, now, c, identity, userId!);
    // the sign-in's audit event is written with the session it opened, in the same transaction: no session without its event
    const session = await this.#d.identity.openFederatedSession(ctx, userId!, amr, async (trx, sessionId, expiresAt) => {
      await link(trx, sessionId, expiresAt);
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId: userId! } }, {
        action: 'sso.sign_in',
        ...this.#about(org),
        targetType: 'user',
        targetId: userId!,
        details: { connection_id: c.id, kind: c.kind, email: identity.email, created, role: r.role, role_changed: roleChange, groups: identity.groups.slice(0, 50), upstream_mfa: upstreamUsedMfa(identity.authnMethods), mfa_counted: amr.includes('mfa') },
      });
    });
    if (session.mfaRequired) throw new SsoProtocolError('sso.account_disabled', 'The session could not be opened.');
    return { userId: userId!, token: session.token, csrfToken: session.csrfToken, expiresAt: session.expiresAt, created, role: r.role };
  }

  /**
   * The member role follows the mapping on every sign-in (only when the connection maps groups, or
   * for a person just created). A partner's owners are never changed; a tenant's last administrator
   * is kept (the tenant module refuses it). Returns the change, or null.
   */
  async #followMapping(ctx: RequestContext, org: Org, userId: string, role: string, c: ConnectionRow, created: boolean): Promise<{ from: string | null; to: string } | null> {
    const follow = created || (await this.mappings(c.id)).length > 0;
    if (!follow) return null;
    if (org.type === 'partner') {
      const m = await this.#d.partners.member(org.id, userId);
      if (!m || m.role === 'PARTNER_OWNER') return null;
      // no member role is full access: a staff member is never left there by a role the partner may not give
      if ((m.member_role ?? 'partner_msp_full') === role && m.member_role !== null) return null;
      try {
        await this.#d.partners.setMemberRole(ctx, org.id, userId, role);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        if (created) await this.#d.partners.removeMember(ctx, org.id, userId);
        throw new SsoProtocolError('sso.account_conflict', `This organization may not give the role "${roleName(org.type, role)}": ${e.detail}`);
      }
      return m.member_role === role ? null : { from: m.member_role, to: role };
    }
    const m = await this.#d.tenants.member(org.id, userId);
    if (!m || m.role === role) return null;
    try {
      await this.#d.tenants.changeMemberRole(ctx, org.id, userId, role as TenantRole);
    } catch (e) {
      // the tenant's last administrator stays one
      if (e instanceof AppError) return null;
      throw e;
    }
    return { from: m.role, to: role };
  }

  #refused(ctx: RequestContext, c: ConnectionRow | undefined, identity: UpstreamIdentity | null, e: SsoProtocolError): Promise<SsoProtocolError> {
    return this.recordRefusal(ctx, c, identity, e).then(() => e);
  }

  /** A refused sign-in, audited with the reason (never the provider's tokens). */
  async recordRefusal(ctx: RequestContext, c: ConnectionRow | undefined | null, identity: UpstreamIdentity | null, e: SsoProtocolError): Promise<void> {
    await mutate(this.#d.db, (trx) =>
      this.#d.audit.record(trx, ctx, {
        action: 'sso.sign_in_refused',
        outcome: 'failure',
        ...(c ? this.#about({ type: c.org_type, id: c.org_id }) : {}),
        targetType: 'sso_connection',
        targetId: c?.id ?? null,
        details: { code: e.code, reason: e.detail, email: identity?.email ?? null },
      }),
    );
  }
}
