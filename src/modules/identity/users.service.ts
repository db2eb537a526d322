/**
 * User accounts: creating them, the operator's list, enabling and disabling (which ends what the
 * account had: sessions, API tokens, pending invitations, and what other modules hold for it),
 * the CLI's operator bootstrap, and a user's own profile and password.
 */
import type { Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import { verifyPassword } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { ApiTokensService } from './api-tokens.service.ts';
import { identityErrors as E } from './identity.errors.ts';
import * as repo from './identity.repo.ts';
import type { IdentityDeps, UserDisabledHook } from './identity.types.ts';
import type { InvitationsService } from './invitations.service.ts';
import type { Passwords } from './password-policy.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

export class UsersService {
  readonly #d: IdentityDeps;
  readonly #passwords: Passwords;
  readonly #tokens: ApiTokensService;
  readonly #invitations: InvitationsService;
  readonly #onDisabled: UserDisabledHook[] = [];
  constructor(deps: IdentityDeps, parts: { passwords: Passwords; tokens: ApiTokensService; invitations: InvitationsService }) {
    this.#d = deps;
    this.#passwords = parts.passwords;
    this.#tokens = parts.tokens;
    this.#invitations = parts.invitations;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  async create(trx: Tx, input: { email: string; name: string; password: string | null; federated?: boolean; platformRole?: string | null }): Promise<string> {
    const now = this.#now().toISOString();
    const id = newId('usr');
    await repo.insertUser(trx, {
      id,
      email: input.email,
      name: input.name,
      password_hash: input.password ? await this.#passwords.hash(input.password) : null,
      status: input.password || input.federated === true ? 'active' : 'invited',
      platform_role: input.platformRole ?? null,
      created_at: now,
      updated_at: now,
      last_login_at: null,
    });
    await this.#d.feed.record(trx, 'user', id);
    return id;
  }

  findByEmail(email: string, trx?: Tx) {
    return repo.findUserByEmail(trx ?? this.#d.db.kysely, email);
  }

  findById(id: string, trx?: Tx) {
    return repo.findUserById(trx ?? this.#d.db.kysely, id);
  }

  list(f: { q?: string; status?: string; cursor?: string; limit: number }) {
    return repo.listUsers(this.#d.db.kysely, f);
  }

  figures() {
    return repo.userFigures(this.#d.db.kysely);
  }

  /** Register what else disabling a user ends (see UserDisabledHook). */
  onDisabled(fn: UserDisabledHook): void {
    this.#onDisabled.push(fn);
  }

  /**
   * What a disabled account had that would otherwise come back with it: its live API tokens are
   * revoked (reason `user_disabled`), the invitations addressed to it withdrawn, and whatever the
   * hooks end (OAuth member grants) — re-enabling the account restores none of it (GitHub and
   * Keycloak do the same); the user makes new tokens and is invited again. Sessions end separately.
   */
  async #endAccessOf(trx: Tx, ctx: RequestContext, user: repo.UserRow): Promise<Record<string, unknown>> {
    const tokens = await this.#tokens.revokeAllOf(trx, ctx, user.id);
    const invitations = await this.#invitations.withdrawAllTo(trx, user.email);
    const ended: Record<string, unknown> = { api_tokens_revoked: tokens, invitations_withdrawn: invitations };
    for (const fn of this.#onDisabled) Object.assign(ended, await fn(trx, ctx, user.id));
    return ended;
  }

  async setStatus(ctx: RequestContext, principal: Principal, userId: string, status: 'active' | 'disabled'): Promise<repo.UserRow> {
    if (userId === principal.userId && status === 'disabled') throw E.cannot_disable_self();
    const user = await repo.findUserById(this.#d.db.kysely, userId);
    if (!user) throw E.user_not_found();
    if (user.status === 'invited' && status === 'active') throw E.user_not_found(PD.userHasNotAccepted);
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
    this.#passwords.check(password, email);
    const existing = await repo.findUserByEmail(this.#d.db.kysely, email);
    const hash = await this.#passwords.hash(password);
    const result = await mutate(this.#d.db, async (trx) => {
      if (existing) {
        await repo.updateUser(trx, existing.id, { platform_role: 'SUPER_ADMIN', password_hash: hash, status: 'active', updated_at: this.#now().toISOString() });
        await this.#d.feed.record(trx, 'user', existing.id);
        await this.#d.audit.record(trx, ctx, { action: 'user.promoted', targetType: 'user', targetId: existing.id, details: { platform_role: 'SUPER_ADMIN' } });
        return { userId: existing.id, created: false };
      }
      const id = await this.create(trx, { email, name, password, platformRole: 'SUPER_ADMIN' });
      await this.#d.audit.record(trx, ctx, { action: 'user.created', targetType: 'user', targetId: id, details: { platform_role: 'SUPER_ADMIN' } });
      return { userId: id, created: true };
    });
    await this.#d.feed.kick();
    return result;
  }

  // ---- the user's own profile ----------------------------------------------------------------

  async updateProfile(ctx: RequestContext, principal: Principal, patch: { name?: string; locale?: string | null }): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      const change: { name?: string; locale?: string | null } = {};
      if (patch.name !== undefined) change.name = patch.name;
      if (patch.locale !== undefined) change.locale = patch.locale;
      if (Object.keys(change).length > 0) {
        await repo.updateUser(trx, principal.userId, { ...change, updated_at: this.#now().toISOString() });
        // every instance reads the person's name and language again (what it remembered for their sessions)
        await this.#d.feed.record(trx, 'user', principal.userId);
      }
      await this.#d.audit.record(trx, ctx, { action: 'user.updated', targetType: 'user', targetId: principal.userId, details: { fields: Object.keys(patch) } });
    });
    // here, before the answer: the next request speaks the new language
    await this.#d.feed.kick();
  }

  async changePassword(ctx: RequestContext, principal: Principal, current: string, next: string): Promise<void> {
    const user = await repo.findUserById(this.#d.db.kysely, principal.userId);
    if (!user?.password_hash || !(await verifyPassword(current, user.password_hash))) {
      throw E.invalid_credentials(PD.currentPasswordWrong);
    }
    this.#passwords.check(next, user.email, '/body/new_password');
    const hash = await this.#passwords.hash(next);
    await mutate(this.#d.db, async (trx) => {
      await repo.updateUser(trx, user.id, { password_hash: hash, updated_at: this.#now().toISOString() });
      // Every other session ends: a password change is how users evict a stolen session.
      await repo.deleteSessionsByUser(trx, user.id, principal.sessionId ?? undefined);
      await this.#d.feed.record(trx, 'user_sessions', user.id);
      await this.#d.audit.record(trx, ctx, { action: 'user.password_changed', targetType: 'user', targetId: user.id });
    });
    await this.#d.feed.kick();
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
