/**
 * Personal API tokens: create (shown once, stored as a keyed hash), list, revoke (by the owner,
 * or all of a user's when the account is disabled), the bearer checked against the database, and
 * the in-memory token index the gateway's request path reads.
 */
import type { Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import { newSecret } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { authzErrors } from '../authz/index.ts';
import { ApiTokenIndex } from './api-token-index.ts';
import { identityErrors as E } from './identity.errors.ts';
import * as repo from './identity.repo.ts';
import { API_TOKEN_PREFIX, type ApiTokenRevokedReason, type AuthResult, type IdentityDeps } from './identity.types.ts';
import { principalOf } from './principals.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

const TOUCH_EVERY_MS = 60 * 1000;

export class ApiTokensService {
  readonly #d: IdentityDeps;
  /** live personal API tokens in memory (the gateway's request path) */
  readonly index: ApiTokenIndex;
  constructor(deps: IdentityDeps) {
    this.#d = deps;
    this.index = new ApiTokenIndex({ hasher: deps.hasher, clock: deps.clock, onError: deps.onIndexError });
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  async create(ctx: RequestContext, principal: Principal, name: string, expiresInDays: number | null) {
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
      if (user?.status !== 'active') throw authzErrors.user_inactive(PD.accountDisabledContactAdministrator);
      await repo.insertApiToken(trx, row);
      await this.#d.feed.record(trx, 'api_token', row.id);
      await this.#d.audit.record(trx, ctx, { action: 'api_token.created', targetType: 'api_token', targetId: row.id, details: { name } });
    });
    await this.#d.feed.kick();
    return { token, row };
  }

  list(userId: string) {
    return repo.listApiTokensByUser(this.#d.db.kysely, userId);
  }

  async revoke(ctx: RequestContext, principal: Principal, tokenId: string): Promise<void> {
    // The revocation is the transaction's first statement (it travels with BEGIN): the caller's own
    // live token, revoked. Only when it revoked nothing is the token looked up, to tell a token
    // revoked already (done) from one that is not the caller's (404).
    const revoked = await mutate(this.#d.db, async (trx) => {
      const reason: ApiTokenRevokedReason = 'owner';
      if (!(await repo.revokeOwnApiToken(trx, tokenId, principal.userId, { revoked_at: this.#now().toISOString(), revoked_reason: reason }))) {
        if (!(await repo.ownsApiToken(trx, tokenId, principal.userId))) throw E.api_token_not_found();
        return false;
      }
      await this.#recordRevoked(trx, ctx, { id: tokenId, user_id: principal.userId }, reason);
      return true;
    });
    // the gateway's index refuses it on the very next request
    if (revoked) await this.#d.feed.kick();
  }

  /** Revoke every live token of a user being disabled, in the disabling transaction; returns their ids. */
  async revokeAllOf(trx: Tx, ctx: RequestContext, userId: string): Promise<string[]> {
    const tokens = (await repo.listApiTokensByUser(trx, userId)).filter((t) => t.revoked_at === null);
    for (const t of tokens) await this.#revoke(trx, ctx, t, 'user_disabled');
    return tokens.map((t) => t.id);
  }

  /** Revoke a token for good, in the writer's transaction: its reason, its change-feed row and its audit event. */
  async #revoke(trx: Tx, ctx: RequestContext, t: Pick<repo.ApiTokenRow, 'id' | 'user_id'>, reason: ApiTokenRevokedReason): Promise<void> {
    await repo.updateApiToken(trx, t.id, { revoked_at: this.#now().toISOString(), revoked_reason: reason });
    await this.#recordRevoked(trx, ctx, t, reason);
  }

  /** A revocation's change-feed row and audit event, in the writer's transaction. */
  async #recordRevoked(trx: Tx, ctx: RequestContext, t: Pick<repo.ApiTokenRow, 'id' | 'user_id'>, reason: ApiTokenRevokedReason): Promise<void> {
    await this.#d.feed.record(trx, 'api_token', t.id);
    await this.#d.audit.record(trx, ctx, { action: 'api_token.revoked', targetType: 'api_token', targetId: t.id, details: { reason, user_id: t.user_id } });
  }

  async authenticate(token: string): Promise<AuthResult> {
    if (!token.startsWith(API_TOKEN_PREFIX + '_')) return { ok: false, code: 'invalid_token', detail: 'The bearer token is not a Partnergate API token.' };
    const db = this.#d.db.kysely;
    // the token and its user in one read; the memberships in one more (principalOf)
    const found = await repo.findApiTokenWithUser(db, this.#d.hasher.hash(token));
    const now = this.#now();
    const unknown = { ok: false, code: 'invalid_token', detail: 'The API token is unknown, revoked or expired.' } as const;
    if (!found) return unknown;
    const { token: row, user } = found;
    if ((row.revoked_at && row.revoked_reason !== 'user_disabled') || (row.expires_at && row.expires_at <= now.toISOString())) return unknown;
    if (!user) return unknown;
    if (user.status !== 'active') return { ok: false, code: 'user_inactive', detail: 'The user account of this API token is disabled.' };
    // revoked with its user, who is enabled again: the token does not come back
    if (row.revoked_at) return unknown;
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) {
      await repo.updateApiToken(db, row.id, { last_used_at: now.toISOString() });
    }
    return { ok: true, principal: await principalOf(this.#d.db, user, 'api_token', { tokenId: row.id }) };
  }
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
