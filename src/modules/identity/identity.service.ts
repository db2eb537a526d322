/**
 * Identities: users and passwords, portal sessions (idle + absolute timeouts), personal API
 * tokens, invitations, login throttling, and turning credentials into a Principal.
 */
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { enterDbContext, lockRows, mutate } from '../../platform/db/database.ts';
import { tenantContext, withDbContext } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { dummyPasswordHash, hashPassword, newSecret, randomToken, sha256, verifyPassword, constantTimeEqual, type SecretHasher } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import { ApiTokenIndex } from './api-token-index.ts';
import type { AuditLog } from '../audit/index.ts';
import { identityErrors as E } from './identity.errors.ts';
import { authzErrors } from '../authz/authz.errors.ts';
import type { RateLimiter } from '../../platform/ratelimit/index.ts';
import { passwordProblem } from './password-policy.ts';
import * as repo from './identity.repo.ts';
import { SessionIndex, SESSION_TOUCH_EVERY_MS } from './session-index.ts';
import { LoginThrottle } from './login-throttle.ts';

export const API_TOKEN_PREFIX = 'pgpat';
/** Why an API token was revoked: by its owner, or because the operator disabled the account. */
export type ApiTokenRevokedReason = 'owner' | 'user_disabled';
const INVITATION_TTL_MS = 7 * 86400 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export interface IdentityDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  hasher: SecretHasher;
  /** the shared rate limiter: failed logins per email and per IP are counted in it (see login-throttle.ts) */
  loginLimiter: RateLimiter;
  loginMaxAttempts: number;
  loginWindowSec: number;
  sessionIdleTimeoutSec: number;
  sessionAbsoluteTimeoutSec: number;
  scryptCost: number;
  publicUrl: string;
  /** a login limiter store failure (logged by the caller) */
  onLimiterError?: (err: unknown) => void;
  /** a database lookup of the API token index failed (logged by the caller) */
  onIndexError?: (err: unknown) => void;
}

export type ScopeType = 'tenant' | 'partner';

/** What an inviter gets back: the same shape whether or not the email has an account. */
export interface InvitationLink {
  id: string;
  email: string;
  role: string;
  /** the one-time link for the invitee; shown once */
  url: string;
  expires_at: string;
}

/** Adds the member when an invitation is accepted; throws an AppError to refuse (e.g. already a member). */
export type InvitationAcceptor = (
  trx: Tx,
  ctx: RequestContext,
  input: { invitationId: string; scopeId: string; userId: string; role: string; invitedBy: string | null },
) => Promise<void>;

/**
 * Ends, in the transaction that disables a user, what another module holds for them (the OAuth
 * module's member grants); what it returns joins the details of the `user.disabled` audit event.
 */
export type UserDisabledHook = (trx: Tx, ctx: RequestContext, userId: string) => Promise<Record<string, unknown>>;

type InvitationRow = repo.InvitationRow;

/** A credential the in-memory indexes vouch for (see credentialFromMemory). */
export type MemoryCredential = { kind: 'api_token'; userId: string; tokenId: string } | { kind: 'session'; userId: string; sessionId: string; csrfToken: string };

export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: 'session_expired' | 'invalid_token' | 'user_inactive'; detail: string };

export class IdentityService {
  readonly #d: IdentityDeps;
  readonly #acceptors = new Map<ScopeType, InvitationAcceptor>();
  readonly #onDisabled: UserDisabledHook[] = [];
  /** live personal API tokens in memory (the gateway's request path) */
  readonly apiTokens: ApiTokenIndex;
  /** live portal sessions in memory (the gateway's request path) */
  readonly sessions: SessionIndex;
  readonly #loginThrottle: LoginThrottle;
  constructor(deps: IdentityDeps) {
    this.#d = deps;
    this.#loginThrottle = new LoginThrottle({ limiter: deps.loginLimiter, maxFailures: deps.loginMaxAttempts, windowSec: deps.loginWindowSec });
    this.apiTokens = new ApiTokenIndex({ hasher: deps.hasher, clock: deps.clock, onError: deps.onIndexError });
    this.sessions = new SessionIndex({ clock: deps.clock, idleTimeoutSec: deps.sessionIdleTimeoutSec });
  }

  /** Load the API token and session indexes (between feed.head() and feed.start(), like every snapshot). */
  async loadIndexes(): Promise<void> {
    await this.apiTokens.load(this.#d.db, this.#d.feed);
    await this.sessions.load(this.#d.db, this.#d.feed);
  }

  async stopIndexes(): Promise<void> {
    await this.apiTokens.stop();
    await this.sessions.stop();
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.#d.scryptCost);
  }

  /** `pointer` names the body field that carried the password, for the per-field error. */
  checkPassword(password: string, email?: string, pointer = '/body/password'): void {
    const problem = passwordProblem(password, email);
    if (problem) throw E.password_too_weak(`The password ${problem}.`, { fields: [{ pointer, detail: problem }] });
  }

  // ---- login / sessions -------------------------------------------------------------------

  async login(ctx: RequestContext, email: string, password: string): Promise<{ token: string; csrfToken: string; expiresAt: string; userId: string }> {
    const normalized = email.trim().toLowerCase();
    // Counts failed checks, not attempts; waits for a turn rather than refusing (login-throttle.ts).
    const attempt = await this.#loginThrottle.begin(normalized, ctx.ip);
    let user: repo.UserRow | undefined;
    let ok: boolean;
    try {
      user = await repo.findUserByEmail(this.#d.db.kysely, normalized);
      // Spend the same time whether or not the user exists (no account enumeration by timing).
      ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash(this.#d.scryptCost)));
    } catch (e) {
      // Not a failed attempt: we could not check.
      attempt.abandon();
      throw e;
    }
    if (!user || !ok || user.status !== 'active') {
      await attempt.failed();
      await mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'anonymous', userId: user?.id ?? null } }, {
          action: 'user.login_failed',
          outcome: 'failure',
          targetType: 'user',
          targetId: user?.id ?? null,
          details: { email: normalized, reason: !user ? 'unknown_email' : !ok ? 'wrong_password' : 'user_' + user.status },
        }),
      );
      // Only someone who knows the password learns that the account is disabled.
      if (user && ok) throw authzErrors.user_inactive('This account is disabled. Contact your administrator.');
      throw E.invalid_credentials();
    }
    // The account's failures are forgotten; the address keeps its own.
    await attempt.succeeded();
    const now = this.#now();
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = new Date(now.getTime() + this.#d.sessionAbsoluteTimeoutSec * 1000).toISOString();
    await mutate(this.#d.db, async (trx) => {
      await repo.insertSession(trx, {
        id: sha256(token),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expiresAt,
        ip: ctx.ip,
        user_agent: ctx.userAgent?.slice(0, 512) ?? null,
      });
      await repo.updateUser(trx, user.id, { last_login_at: now.toISOString() });
      await this.#d.feed.record(trx, 'session', sha256(token));
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId: user.id } }, {
        action: 'user.logged_in',
        targetType: 'user',
        targetId: user.id,
      });
    });
    await this.#d.feed.kick();
    return { token, csrfToken, expiresAt, userId: user.id };
  }

  async logout(ctx: RequestContext, principal: Principal): Promise<void> {
    if (!principal.sessionId) return;
    const sessionId = principal.sessionId;
    await mutate(this.#d.db, async (trx) => {
      await repo.deleteSession(trx, sessionId);
      await this.#d.feed.record(trx, 'session', sessionId);
      await this.#d.audit.record(trx, ctx, { action: 'user.logged_out', targetType: 'user', targetId: principal.userId });
    });
    await this.#d.feed.kick();
  }

  async authenticateSession(token: string): Promise<AuthResult> {
    const db = this.#d.db.kysely;
    const mark = this.sessions.mark;
    const session = await repo.findSession(db, sha256(token));
    if (!session) return { ok: false, code: 'session_expired', detail: 'The session has ended; log in again.' };
    const now = this.#now();
    const idleDeadline = new Date(session.last_seen_at).getTime() + this.#d.sessionIdleTimeoutSec * 1000;
    if (now.toISOString() >= session.expires_at || now.getTime() >= idleDeadline) {
      await repo.deleteSession(db, session.id);
      this.sessions.forget(session.id);
      return { ok: false, code: 'session_expired', detail: 'The session has expired; log in again.' };
    }
    const user = await repo.findUserById(db, session.user_id);
    if (!user || user.status !== 'active') {
      await repo.deleteSession(db, session.id);
      this.sessions.forget(session.id);
      return { ok: false, code: 'session_expired', detail: 'The session has ended; log in again.' };
    }
    if (now.getTime() - new Date(session.last_seen_at).getTime() > SESSION_TOUCH_EVERY_MS) {
      await repo.touchSession(db, session.id, now.toISOString());
      session.last_seen_at = now.toISOString();
    }
    // what the database says is what the gateway's index holds from now on (a login on another
    // instance not delivered yet, activity elsewhere that kept the session alive)
    this.sessions.remember(session, mark);
    return { ok: true, principal: await this.#principal(user, 'session', { sessionId: session.id, csrfToken: session.csrf_token }) };
  }

  /**
   * Who a personal API token or a session cookie is, from the in-memory indexes alone (no database
   * read), or null when they cannot vouch for it — then authenticateBearer / authenticateSession
   * ask the database. The user's status and memberships are the authz snapshot's business.
   */
  credentialFromMemory(c: { bearer: string } | { cookie: string }): MemoryCredential | null {
    if ('bearer' in c) {
      if (!c.bearer.startsWith(API_TOKEN_PREFIX + '_')) return null;
      const v = this.apiTokens.verify(c.bearer);
      return v.ok ? { kind: 'api_token', userId: v.token.userId, tokenId: v.token.id } : null;
    }
    const s = this.sessions.verify(c.cookie);
    return s === null ? null : { kind: 'session', userId: s.userId, sessionId: s.id, csrfToken: s.csrfToken };
  }

  async authenticateBearer(token: string): Promise<AuthResult> {
    if (!token.startsWith(API_TOKEN_PREFIX + '_')) return { ok: false, code: 'invalid_token', detail: 'The bearer token is not a Partnergate API token.' };
    const db = this.#d.db.kysely;
    const row = await repo.findApiTokenByHash(db, this.#d.hasher.hash(token));
    const now = this.#now();
    const unknown = { ok: false, code: 'invalid_token', detail: 'The API token is unknown, revoked or expired.' } as const;
    if (!row || (row.revoked_at && row.revoked_reason !== 'user_disabled') || (row.expires_at && row.expires_at <= now.toISOString())) return unknown;
    const user = await repo.findUserById(db, row.user_id);
    if (!user) return unknown;
    if (user.status !== 'active') return { ok: false, code: 'user_inactive', detail: 'The user account of this API token is disabled.' };
    // revoked with its user, who is enabled again: the token does not come back
    if (row.revoked_at) return unknown;
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) {
      await repo.updateApiToken(db, row.id, { last_used_at: now.toISOString() });
    }
    return { ok: true, principal: await this.#principal(user, 'api_token', { tokenId: row.id }) };
  }

  verifyCsrf(principal: Pick<Principal, 'csrfToken'>, header: string | undefined): boolean {
    return !!principal.csrfToken && typeof header === 'string' && constantTimeEqual(header, principal.csrfToken);
  }

  async #principal(user: repo.UserRow, kind: Principal['kind'], extra: { sessionId?: string; csrfToken?: string; tokenId?: string }): Promise<Principal> {
    const m = await this.#memberships(user.id);
    return {
      kind,
      userId: user.id,
      email: user.email,
      name: user.name,
      userStatus: user.status,
      platformRole: user.platform_role,
      tenants: m.tenants.map(({ tenantId, role, tenantStatus }) => ({ tenantId, role, tenantStatus })),
      partner: m.partner
        ? { partnerId: m.partner.partnerId, role: m.partner.role, memberStatus: m.partner.memberStatus, partnerStatus: m.partner.partnerStatus, capabilities: m.partner.capabilities }
        : null,
      sessionId: extra.sessionId ?? null,
      csrfToken: extra.csrfToken ?? null,
      tokenId: extra.tokenId ?? null,
    };
  }

  /** An authenticated user's memberships, read in that user's database context (its own rows). */
  #memberships(userId: string): ReturnType<typeof repo.loadMemberships> {
    return withDbContext({ kind: 'user', userId }, () => repo.loadMemberships(this.#d.db.kysely, userId));
  }

  /** /me: the user and their memberships with display names. */
  async describe(principal: Principal) {
    const m = await this.#memberships(principal.userId);
    return {
      user: { id: principal.userId, email: principal.email, name: principal.name, status: principal.userStatus, platform_role: principal.platformRole },
      platform_roles: principal.platformRole ? [principal.platformRole] : [],
      tenants: m.tenants.map((t) => ({ tenant_id: t.tenantId, slug: t.tenantSlug, name: t.tenantName, status: t.tenantStatus, role: t.role })),
      partner: m.partner
        ? {
            partner_id: m.partner.partnerId,
            slug: m.partner.partnerSlug,
            name: m.partner.partnerName,
            role: m.partner.role,
            member_status: m.partner.memberStatus,
            partner_status: m.partner.partnerStatus,
            capabilities: m.partner.capabilities,
          }
        : null,
      auth: principal.kind,
      csrf_token: principal.csrfToken,
    };
  }

  // ---- profile -----------------------------------------------------------------------------

  async updateProfile(ctx: RequestContext, principal: Principal, patch: { name?: string }): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      if (patch.name !== undefined) await repo.updateUser(trx, principal.userId, { name: patch.name, updated_at: this.#now().toISOString() });
      await this.#d.audit.record(trx, ctx, { action: 'user.updated', targetType: 'user', targetId: principal.userId, details: { fields: Object.keys(patch) } });
    });
  }

  async changePassword(ctx: RequestContext, principal: Principal, current: string, next: string): Promise<void> {
    const user = await repo.findUserById(this.#d.db.kysely, principal.userId);
    if (!user?.password_hash || !(await verifyPassword(current, user.password_hash))) {
      throw E.invalid_credentials('The current password is wrong.');
    }
    this.checkPassword(next, user.email, '/body/new_password');
    const hash = await this.hashPassword(next);
    await mutate(this.#d.db, async (trx) => {
      await repo.updateUser(trx, user.id, { password_hash: hash, updated_at: this.#now().toISOString() });
      // Every other session ends: a password change is how users evict a stolen session.
      await repo.deleteSessionsByUser(trx, user.id, principal.sessionId ?? undefined);
      await this.#d.feed.record(trx, 'user_sessions', user.id);
      await this.#d.audit.record(trx, ctx, { action: 'user.password_changed', targetType: 'user', targetId: user.id });
    });
    await this.#d.feed.kick();
  }

  // ---- API tokens --------------------------------------------------------------------------

  async createApiToken(ctx: RequestContext, principal: Principal, name: string, expiresInDays: number | null) {
    const now = this.#now();
    const token = newSecret(API_TOKEN_PREFIX);
    const row = {
      id: newId('pat'),
      user_id: principal.userId,
      name,
      token_prefix: token.slice(0, API_TOKEN_PREFIX.length + 5),
      token_hash: this.#d.hasher.hash(token),
      created_at: now.toISOString(),
      last_used_at: null,
      expires_at: expiresInDays ? new Date(now.getTime() + expiresInDays * 86400_000).toISOString() : null,
      revoked_at: null,
      revoked_reason: null,
    };
    await mutate(this.#d.db, async (trx) => {
      // under the write lock: a token created as its user is being disabled would outlive the disable
      const user = await repo.findUserById(trx, principal.userId);
      if (user?.status !== 'active') throw authzErrors.user_inactive('This account is disabled. Contact your administrator.');
      await repo.insertApiToken(trx, row);
      await this.#d.feed.record(trx, 'api_token', row.id);
      await this.#d.audit.record(trx, ctx, { action: 'api_token.created', targetType: 'api_token', targetId: row.id, details: { name } });
    });
    await this.#d.feed.kick();
    return { token, row };
  }

  listApiTokens(userId: string) {
    return repo.listApiTokensByUser(this.#d.db.kysely, userId);
  }

  async revokeApiToken(ctx: RequestContext, principal: Principal, tokenId: string): Promise<void> {
    const tokens = await repo.listApiTokensByUser(this.#d.db.kysely, principal.userId);
    const t = tokens.find((x) => x.id === tokenId);
    if (!t) throw E.api_token_not_found();
    if (t.revoked_at) return;
    await mutate(this.#d.db, (trx) => this.#revokeApiToken(trx, ctx, t, 'owner'));
    // the gateway's index refuses it on the very next request
    await this.#d.feed.kick();
  }

  /** Revoke a token for good, in the writer's transaction: its reason, its change-feed row and its audit event. */
  async #revokeApiToken(trx: Tx, ctx: RequestContext, t: Pick<repo.ApiTokenRow, 'id' | 'user_id'>, reason: ApiTokenRevokedReason): Promise<void> {
    await repo.updateApiToken(trx, t.id, { revoked_at: this.#now().toISOString(), revoked_reason: reason });
    await this.#d.feed.record(trx, 'api_token', t.id);
    await this.#d.audit.record(trx, ctx, { action: 'api_token.revoked', targetType: 'api_token', targetId: t.id, details: { reason, user_id: t.user_id } });
  }

  /** Register what else disabling a user ends (see UserDisabledHook). */
  onUserDisabled(fn: UserDisabledHook): void {
    this.#onDisabled.push(fn);
  }

  /**
   * What a disabled account had that would otherwise come back with it: its live API tokens are
   * revoked (reason `user_disabled`), the invitations addressed to it withdrawn, and whatever the
   * hooks end (OAuth member grants) — re-enabling the account restores none of it (GitHub and
   * Keycloak do the same); the user makes new tokens and is invited again. Sessions end separately.
   */
  async #endAccessOf(trx: Tx, ctx: RequestContext, user: repo.UserRow): Promise<Record<string, unknown>> {
    const now = this.#now().toISOString();
    const tokens = (await repo.listApiTokensByUser(trx, user.id)).filter((t) => t.revoked_at === null);
    for (const t of tokens) await this.#revokeApiToken(trx, ctx, t, 'user_disabled');
    const invitations = await repo.listPendingInvitationsByEmail(trx, user.email, now);
    for (const inv of invitations) await repo.updateInvitation(trx, inv.id, { revoked_at: now });
    const ended: Record<string, unknown> = { api_tokens_revoked: tokens.map((t) => t.id), invitations_withdrawn: invitations.map((i) => i.id) };
    for (const fn of this.#onDisabled) Object.assign(ended, await fn(trx, ctx, user.id));
    return ended;
  }

  // ---- users (operator) --------------------------------------------------------------------

  async createUser(trx: Tx, input: { email: string; name: string; password: string | null; platformRole?: string | null }): Promise<string> {
    const now = this.#now().toISOString();
    const id = newId('usr');
    await repo.insertUser(trx, {
      id,
      email: input.email,
      name: input.name,
      password_hash: input.password ? await this.hashPassword(input.password) : null,
      status: input.password ? 'active' : 'invited',
      platform_role: input.platformRole ?? null,
      created_at: now,
      updated_at: now,
      last_login_at: null,
    });
    await this.#d.feed.record(trx, 'user', id);
    return id;
  }

  findUserByEmail(email: string, trx?: Tx) {
    return repo.findUserByEmail(trx ?? this.#d.db.kysely, email);
  }

  findUserById(id: string, trx?: Tx) {
    return repo.findUserById(trx ?? this.#d.db.kysely, id);
  }

  listUsers(f: { q?: string; status?: string; cursor?: string; limit: number }) {
    return repo.listUsers(this.#d.db.kysely, f);
  }

  async setUserStatus(ctx: RequestContext, principal: Principal, userId: string, status: 'active' | 'disabled'): Promise<repo.UserRow> {
    if (userId === principal.userId && status === 'disabled') throw E.cannot_disable_self();
    const user = await repo.findUserById(this.#d.db.kysely, userId);
    if (!user) throw E.user_not_found();
    if (user.status === 'invited' && status === 'active') throw E.user_not_found('The user has not accepted the invitation yet.');
    if (user.status === status) return user;
    await mutate(this.#d.db, async (trx) => {
      await repo.updateUser(trx, userId, { status, updated_at: this.#now().toISOString() });
      let ended = {};
      if (status === 'disabled') {
        await repo.deleteSessionsByUser(trx, userId);
        ended = await this.#endAccessOf(trx, ctx, user);
      }
      await this.#d.feed.record(trx, 'user', userId);
      await this.#d.feed.record(trx, 'user_sessions', userId);
      await this.#d.audit.record(trx, ctx, { action: status === 'disabled' ? 'user.disabled' : 'user.enabled', targetType: 'user', targetId: userId, details: ended });
    });
    await this.#d.feed.kick();
    return { ...user, status };
  }

  /** CLI bootstrap of the operator; idempotent on email (promotes an existing user). */
  async ensureSuperAdmin(ctx: RequestContext, email: string, name: string, password: string): Promise<{ userId: string; created: boolean }> {
    this.checkPassword(password, email);
    const existing = await repo.findUserByEmail(this.#d.db.kysely, email);
    const hash = await this.hashPassword(password);
    const result = await mutate(this.#d.db, async (trx) => {
      if (existing) {
        await repo.updateUser(trx, existing.id, { platform_role: 'SUPER_ADMIN', password_hash: hash, status: 'active', updated_at: this.#now().toISOString() });
        await this.#d.feed.record(trx, 'user', existing.id);
        await this.#d.audit.record(trx, ctx, { action: 'user.promoted', targetType: 'user', targetId: existing.id, details: { platform_role: 'SUPER_ADMIN' } });
        return { userId: existing.id, created: false };
      }
      const id = await this.createUser(trx, { email, name, password, platformRole: 'SUPER_ADMIN' });
      await this.#d.audit.record(trx, ctx, { action: 'user.created', targetType: 'user', targetId: id, details: { platform_role: 'SUPER_ADMIN' } });
      return { userId: id, created: true };
    });
    await this.#d.feed.kick();
    return result;
  }

  // ---- invitations -------------------------------------------------------------------------
  //
  // Nobody joins a tenant or a partner without saying yes. Every invitation — whether or not the
  // email already has an account — is a pending row with a one-time link; the answer to the
  // inviter is the same in both cases, so inviting reveals nothing about who has an account.
  // The invitee accepts through the link (choosing a name and password: a new account) or, when
  // they already have an account, while logged in (GET/POST /api/v1/me/invitations…). The
  // membership itself is written by the module that owns the scope (onInvitationAccepted), in
  // the same transaction as the acceptance.

  /** Register what accepting an invitation of `scopeType` does (tenants and partners add the member). */
  onInvitationAccepted(scopeType: ScopeType, fn: InvitationAcceptor): void {
    this.#acceptors.set(scopeType, fn);
  }

  /** Create a pending invitation (replacing any earlier pending one for the same scope and email). */
  async invite(trx: Tx, input: { email: string; scopeType: ScopeType; scopeId: string; role: string; invitedBy: string | null }): Promise<InvitationLink> {
    const email = input.email.trim().toLowerCase();
    const now = this.#now();
    const token = newSecret('pginv', 24);
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
    const id = newId('inv');
    await repo.revokeInvitationsFor(trx, input.scopeType, input.scopeId, email, now.toISOString());
    await repo.insertInvitation(trx, {
      id,
      token_hash: this.#d.hasher.hash(token),
      email,
      scope_type: input.scopeType,
      scope_id: input.scopeId,
      role: input.role,
      invited_by: input.invitedBy,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      accepted_at: null,
      revoked_at: null,
    });
    return { id, email, role: input.role, url: `${this.#d.publicUrl}/invite/${token}`, expires_at: expiresAt };
  }

  /** Pending (not accepted, revoked or expired) invitations of one tenant or partner. */
  listPendingInvitations(scopeType: ScopeType, scopeId: string) {
    return repo.listPendingInvitationsByScope(this.#d.db.kysely, scopeType, scopeId, this.#now().toISOString());
  }

  /** Withdraw a pending invitation of this scope; an unknown, used or expired one answers like a missing one. */
  async revokeInvitation(trx: Tx, scopeType: ScopeType, scopeId: string, invitationId: string): Promise<InvitationRow> {
    const inv = await repo.findInvitationById(trx, invitationId);
    if (!inv || inv.scope_type !== scopeType || inv.scope_id !== scopeId || !this.#isLive(inv)) throw E.invitation_not_found();
    await repo.updateInvitation(trx, inv.id, { revoked_at: this.#now().toISOString() });
    return inv;
  }

  #isLive(inv: InvitationRow): boolean {
    return !inv.accepted_at && !inv.revoked_at && inv.expires_at > this.#now().toISOString();
  }

  async #liveInvitation(db: Executor, token: string): Promise<InvitationRow> {
    const inv = await repo.findInvitationByHash(db, this.#d.hasher.hash(token));
    if (!inv || !this.#isLive(inv)) throw E.invitation_invalid();
    return inv;
  }

  async #scopeName(inv: InvitationRow): Promise<string> {
    const db = this.#d.db.kysely;
    const scope =
      inv.scope_type === 'tenant'
        ? await db.selectFrom('tenants').select(['name']).where('id', '=', inv.scope_id).executeTakeFirst()
        : await db.selectFrom('partners').select(['name']).where('id', '=', inv.scope_id).executeTakeFirst();
    return scope?.name ?? '';
  }

  /** What a link is for. Says nothing about whether the email has an account. */
  async getInvitation(token: string) {
    const inv = await this.#liveInvitation(this.#d.db.kysely, token);
    return { id: inv.id, email: inv.email, scope_type: inv.scope_type, scope_id: inv.scope_id, scope_name: await this.#scopeName(inv), role: inv.role, expires_at: inv.expires_at };
  }

  /** The caller's own pending invitations (addressed to their email). */
  async listMyInvitations(principal: Principal) {
    const rows = await repo.listPendingInvitationsByEmail(this.#d.db.kysely, principal.email, this.#now().toISOString());
    return Promise.all(
      rows.map(async (inv) => ({ id: inv.id, scope_type: inv.scope_type, scope_id: inv.scope_id, scope_name: await this.#scopeName(inv), role: inv.role, expires_at: inv.expires_at })),
    );
  }

  /**
   * Accept through the link with a new account: choose a name and a password. An email that
   * already has an account must log in and accept instead (409 invitation_login_required) —
   * the link never sets the password of an existing account.
   */
  async acceptInvitation(ctx: RequestContext, token: string, name: string, password: string): Promise<{ userId: string; scopeType: ScopeType; scopeId: string; role: string }> {
    const preview = await this.#liveInvitation(this.#d.db.kysely, token);
    this.checkPassword(password, preview.email);
    const hash = await this.hashPassword(password);
    const result = await mutate(this.#d.db, async (trx) => {
      // Guarantee (an invitation is used once): its row lock — two acceptances racing are
      // decided one after the other, and the second finds it used.
      await lockRows(this.#d.db, trx, 'invitations', { id: preview.id });
      const inv = await this.#liveInvitation(trx, token);
      const existing = await repo.findUserByEmail(trx, inv.email);
      const now = this.#now().toISOString();
      let userId: string;
      if (existing && existing.status !== 'invited') {
        throw E.invitation_login_required('An account with this email already exists: log in with it, then accept the invitation.');
      } else if (existing) {
        // An account left 'invited' by an earlier version: the invitee completes it now.
        userId = existing.id;
        await repo.updateUser(trx, userId, { name, password_hash: hash, status: 'active', updated_at: now });
        await this.#d.feed.record(trx, 'user', userId);
      } else {
        userId = newId('usr');
        await repo.insertUser(trx, { id: userId, email: inv.email, name, password_hash: hash, status: 'active', platform_role: null, created_at: now, updated_at: now, last_login_at: null });
        await this.#d.feed.record(trx, 'user', userId);
      }
      await this.#accept(trx, ctx, inv, userId, !existing);
      return { userId, scopeType: inv.scope_type, scopeId: inv.scope_id, role: inv.role };
    });
    await this.#d.feed.kick();
    return result;
  }

  /** Accept one of your own pending invitations while logged in. */
  async acceptMyInvitation(ctx: RequestContext, principal: Principal, invitationId: string): Promise<{ scopeType: ScopeType; scopeId: string; role: string }> {
    const result = await mutate(this.#d.db, async (trx) => {
      await lockRows(this.#d.db, trx, 'invitations', { id: invitationId }); // used once: as in acceptInvitation
      const inv = await this.#myLiveInvitation(trx, principal, invitationId);
      await this.#accept(trx, ctx, inv, principal.userId, false);
      return { scopeType: inv.scope_type, scopeId: inv.scope_id, role: inv.role };
    });
    await this.#d.feed.kick();
    return result;
  }

  /** Say no to one of your own pending invitations. */
  async declineMyInvitation(ctx: RequestContext, principal: Principal, invitationId: string): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      await lockRows(this.#d.db, trx, 'invitations', { id: invitationId }); // answered once: as in acceptInvitation
      const inv = await this.#myLiveInvitation(trx, principal, invitationId);
      // the answer goes to the inviting tenant's log
      if (inv.scope_type === 'tenant') await enterDbContext(this.#d.db, trx, tenantContext(inv.scope_id));
      await repo.updateInvitation(trx, inv.id, { revoked_at: this.#now().toISOString() });
      await this.#d.audit.record(trx, ctx, {
        action: 'invitation.declined',
        tenantId: inv.scope_type === 'tenant' ? inv.scope_id : null,
        partnerId: inv.scope_type === 'partner' ? inv.scope_id : null,
        targetType: 'invitation',
        targetId: inv.id,
        details: { role: inv.role },
      });
    });
  }

  /** Someone else's invitation answers exactly like a missing one. */
  async #myLiveInvitation(trx: Tx, principal: Principal, invitationId: string): Promise<InvitationRow> {
    const inv = await repo.findInvitationById(trx, invitationId);
    if (!inv || inv.email !== principal.email.toLowerCase() || !this.#isLive(inv)) throw E.invitation_not_found();
    return inv;
  }

  async #accept(trx: Tx, ctx: RequestContext, inv: InvitationRow, userId: string, newAccount: boolean): Promise<void> {
    const acceptor = this.#acceptors.get(inv.scope_type);
    if (!acceptor) throw new Error(`no acceptor registered for ${inv.scope_type} invitations`);
    const actx: RequestContext = { ...ctx, actor: { ...ctx.actor, type: 'user', userId, partnerId: null } };
    // The invitation (its token, or the caller's own email) is the right to join its tenant: the
    // membership and its audit event are written in that tenant's context.
    if (inv.scope_type === 'tenant') await enterDbContext(this.#d.db, trx, tenantContext(inv.scope_id));
    await acceptor(trx, actx, { invitationId: inv.id, scopeId: inv.scope_id, userId, role: inv.role, invitedBy: inv.invited_by });
    await repo.updateInvitation(trx, inv.id, { accepted_at: this.#now().toISOString() });
    await this.#d.audit.record(trx, actx, {
      action: 'invitation.accepted',
      tenantId: inv.scope_type === 'tenant' ? inv.scope_id : null,
      partnerId: inv.scope_type === 'partner' ? inv.scope_id : null,
      targetType: 'user',
      targetId: userId,
      details: { role: inv.role, email: inv.email, invitation_id: inv.id, new_account: newAccount },
    });
  }

  async purgeExpiredSessions(): Promise<void> {
    await repo.deleteExpiredSessions(this.#d.db.kysely, this.#now().toISOString());
  }
}

export function toUserDto(u: repo.UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    platform_role: u.platform_role,
    created_at: u.created_at,
    last_login_at: u.last_login_at,
  };
}

export function toPendingInvitationDto(i: repo.InvitationRow) {
  return { id: i.id, email: i.email, role: i.role, invited_by: i.invited_by, created_at: i.created_at, expires_at: i.expires_at };
}

export function toApiTokenDto(t: repo.ApiTokenRow) {
  return {
    id: t.id,
    name: t.name,
    token_prefix: t.token_prefix,
    created_at: t.created_at,
    last_used_at: t.last_used_at,
    expires_at: t.expires_at,
    revoked_at: t.revoked_at,
    revoked_reason: t.revoked_reason,
  };
}
