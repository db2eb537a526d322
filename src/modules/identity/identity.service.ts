/**
 * Identities: users and passwords, portal sessions (idle + absolute timeouts), personal API
 * tokens, invitations, login throttling, and turning credentials into a Principal.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { dummyPasswordHash, hashPassword, newSecret, randomToken, sha256, verifyPassword, constantTimeEqual, type SecretHasher } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { identityErrors as E } from './identity.errors.ts';
import { authzErrors } from '../authz/authz.errors.ts';
import { passwordProblem } from './password-policy.ts';
import * as repo from './identity.repo.ts';

export const API_TOKEN_PREFIX = 'pgpat';
const INVITATION_TTL_MS = 7 * 86400 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export interface IdentityDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  hasher: SecretHasher;
  /** failed logins per email and per IP */
  loginLimiter: RateLimiterAbstract;
  loginMaxAttempts: number;
  sessionIdleTimeoutSec: number;
  sessionAbsoluteTimeoutSec: number;
  scryptCost: number;
  publicUrl: string;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: 'session_expired' | 'invalid_token' | 'user_inactive'; detail: string };

export class IdentityService {
  readonly #d: IdentityDeps;
  constructor(deps: IdentityDeps) {
    this.#d = deps;
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
    const keys = [`email:${normalized}`, `ip:${ctx.ip ?? 'unknown'}`];
    for (const key of keys) {
      const state = await this.#d.loginLimiter.get(key);
      if (state && state.consumedPoints >= this.#d.loginMaxAttempts) {
        const retry = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
        throw E.login_throttled(`Too many failed logins. Try again in ${retry} seconds.`, {
          headers: { 'retry-after': String(retry) },
          extensions: { retry_after: retry },
        });
      }
    }
    const user = await repo.findUserByEmail(this.#d.db.kysely, normalized);
    // Spend the same time whether or not the user exists (no account enumeration by timing).
    const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash(this.#d.scryptCost)));
    if (!user || !ok || user.status !== 'active') {
      await Promise.all(keys.map((k) => this.#d.loginLimiter.penalty(k, 1).catch(() => {})));
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
    await this.#d.loginLimiter.delete(keys[0]).catch(() => {});
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
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId: user.id } }, {
        action: 'user.logged_in',
        targetType: 'user',
        targetId: user.id,
      });
    });
    return { token, csrfToken, expiresAt, userId: user.id };
  }

  async logout(ctx: RequestContext, principal: Principal): Promise<void> {
    if (!principal.sessionId) return;
    const sessionId = principal.sessionId;
    await mutate(this.#d.db, async (trx) => {
      await repo.deleteSession(trx, sessionId);
      await this.#d.audit.record(trx, ctx, { action: 'user.logged_out', targetType: 'user', targetId: principal.userId });
    });
  }

  async authenticateSession(token: string): Promise<AuthResult> {
    const db = this.#d.db.kysely;
    const session = await repo.findSession(db, sha256(token));
    if (!session) return { ok: false, code: 'session_expired', detail: 'The session has ended; log in again.' };
    const now = this.#now();
    const idleDeadline = new Date(session.last_seen_at).getTime() + this.#d.sessionIdleTimeoutSec * 1000;
    if (now.toISOString() >= session.expires_at || now.getTime() >= idleDeadline) {
      await repo.deleteSession(db, session.id);
      return { ok: false, code: 'session_expired', detail: 'The session has expired; log in again.' };
    }
    const user = await repo.findUserById(db, session.user_id);
    if (!user || user.status !== 'active') {
      await repo.deleteSession(db, session.id);
      return { ok: false, code: 'session_expired', detail: 'The session has ended; log in again.' };
    }
    if (now.getTime() - new Date(session.last_seen_at).getTime() > TOUCH_EVERY_MS) {
      await repo.touchSession(db, session.id, now.toISOString());
    }
    return { ok: true, principal: await this.#principal(user, 'session', { sessionId: session.id, csrfToken: session.csrf_token }) };
  }

  async authenticateBearer(token: string): Promise<AuthResult> {
    if (!token.startsWith(API_TOKEN_PREFIX + '_')) return { ok: false, code: 'invalid_token', detail: 'The bearer token is not a Partnergate API token.' };
    const db = this.#d.db.kysely;
    const row = await repo.findApiTokenByHash(db, this.#d.hasher.hash(token));
    const now = this.#now();
    if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now.toISOString())) {
      return { ok: false, code: 'invalid_token', detail: 'The API token is unknown, revoked or expired.' };
    }
    const user = await repo.findUserById(db, row.user_id);
    if (!user) return { ok: false, code: 'invalid_token', detail: 'The API token is unknown, revoked or expired.' };
    if (user.status !== 'active') return { ok: false, code: 'user_inactive', detail: 'The user account of this API token is disabled.' };
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) {
      await repo.updateApiToken(db, row.id, { last_used_at: now.toISOString() });
    }
    return { ok: true, principal: await this.#principal(user, 'api_token', { tokenId: row.id }) };
  }

  verifyCsrf(principal: Principal, header: string | undefined): boolean {
    return !!principal.csrfToken && typeof header === 'string' && constantTimeEqual(header, principal.csrfToken);
  }

  async #principal(user: repo.UserRow, kind: Principal['kind'], extra: { sessionId?: string; csrfToken?: string; tokenId?: string }): Promise<Principal> {
    const m = await repo.loadMemberships(this.#d.db.kysely, user.id);
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

  /** /me: the user and their memberships with display names. */
  async describe(principal: Principal) {
    const m = await repo.loadMemberships(this.#d.db.kysely, principal.userId);
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
      await this.#d.audit.record(trx, ctx, { action: 'user.password_changed', targetType: 'user', targetId: user.id });
    });
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
    };
    await mutate(this.#d.db, async (trx) => {
      await repo.insertApiToken(trx, row);
      await this.#d.audit.record(trx, ctx, { action: 'api_token.created', targetType: 'api_token', targetId: row.id, details: { name } });
    });
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
    await mutate(this.#d.db, async (trx) => {
      await repo.updateApiToken(trx, tokenId, { revoked_at: this.#now().toISOString() });
      await this.#d.audit.record(trx, ctx, { action: 'api_token.revoked', targetType: 'api_token', targetId: tokenId });
    });
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
      if (status === 'disabled') await repo.deleteSessionsByUser(trx, userId);
      await this.#d.feed.record(trx, 'user', userId);
      await this.#d.audit.record(trx, ctx, { action: status === 'disabled' ? 'user.disabled' : 'user.enabled', targetType: 'user', targetId: userId });
    });
    this.#d.feed.kick();
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
    this.#d.feed.kick();
    return result;
  }

  // ---- invitations -------------------------------------------------------------------------

  /**
   * Attach `email` to a tenant or partner: an existing active user is attached directly; an
   * unknown email gets an invited user and a one-time link (shown to the inviter once) where the
   * person sets their name and password.
   */
  async inviteOrAttach(
    trx: Tx,
    input: { email: string; name?: string; scopeType: 'tenant' | 'partner'; scopeId: string; role: string; invitedBy: string | null },
  ): Promise<{ userId: string; invitation: { url: string; expires_at: string } | null }> {
    const email = input.email.trim().toLowerCase();
    const existing = await repo.findUserByEmail(trx, email);
    if (existing && existing.status !== 'invited') return { userId: existing.id, invitation: null };
    const userId = existing?.id ?? (await this.createUser(trx, { email, name: input.name ?? email.split('@')[0], password: null }));
    const now = this.#now();
    const token = newSecret('pginv', 24);
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
    await repo.revokeInvitationsFor(trx, input.scopeType, input.scopeId, email, now.toISOString());
    await repo.insertInvitation(trx, {
      id: newId('inv'),
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
    return { userId, invitation: { url: `${this.#d.publicUrl}/invite/${token}`, expires_at: expiresAt } };
  }

  async #liveInvitation(token: string) {
    const inv = await repo.findInvitationByHash(this.#d.db.kysely, this.#d.hasher.hash(token));
    if (!inv || inv.accepted_at || inv.revoked_at || inv.expires_at <= this.#now().toISOString()) throw E.invitation_invalid();
    return inv;
  }

  async getInvitation(token: string) {
    const inv = await this.#liveInvitation(token);
    const db = this.#d.db.kysely;
    const scope =
      inv.scope_type === 'tenant'
        ? await db.selectFrom('tenants').select(['name']).where('id', '=', inv.scope_id).executeTakeFirst()
        : await db.selectFrom('partners').select(['name']).where('id', '=', inv.scope_id).executeTakeFirst();
    return { email: inv.email, scope_type: inv.scope_type, scope_name: scope?.name ?? '', role: inv.role, expires_at: inv.expires_at };
  }

  async acceptInvitation(ctx: RequestContext, token: string, name: string, password: string): Promise<{ userId: string }> {
    const inv = await this.#liveInvitation(token);
    this.checkPassword(password, inv.email);
    const hash = await this.hashPassword(password);
    const user = await repo.findUserByEmail(this.#d.db.kysely, inv.email);
    if (!user) throw E.invitation_invalid();
    await mutate(this.#d.db, async (trx) => {
      const now = this.#now().toISOString();
      await repo.updateInvitation(trx, inv.id, { accepted_at: now });
      if (user.status === 'invited') {
        await repo.updateUser(trx, user.id, { name, password_hash: hash, status: 'active', updated_at: now });
        await this.#d.feed.record(trx, 'user', user.id);
      }
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId: user.id } }, {
        action: 'invitation.accepted',
        tenantId: inv.scope_type === 'tenant' ? inv.scope_id : null,
        partnerId: inv.scope_type === 'partner' ? inv.scope_id : null,
        targetType: 'user',
        targetId: user.id,
        details: { role: inv.role },
      });
    });
    this.#d.feed.kick();
    return { userId: user.id };
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

export function toApiTokenDto(t: repo.ApiTokenRow) {
  return {
    id: t.id,
    name: t.name,
    token_prefix: t.token_prefix,
    created_at: t.created_at,
    last_used_at: t.last_used_at,
    expires_at: t.expires_at,
    revoked_at: t.revoked_at,
  };
}
