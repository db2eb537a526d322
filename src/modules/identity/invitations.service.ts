/**
 * Invitations to a tenant or a partner.
 *
 * Nobody joins a tenant or a partner without saying yes. Every invitation — whether or not the
 * email already has an account — is a pending row with a one-time link; the answer to the
 * inviter is the same in both cases, so inviting reveals nothing about who has an account.
 * The invitee accepts through the link (choosing a name and password: a new account) or, when
 * they already have an account, while logged in (GET/POST /api/v1/me/invitations…). The
 * membership itself is written by the module that owns the scope — one acceptance contract for
 * both (InvitationAcceptor, registered with onAccepted) — in the same transaction as the acceptance.
 */
import { emailForLookup } from '../../platform/email-address.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { enterDbContext, lockRows, mutate } from '../../platform/db/database.ts';
import { tenantContext } from '../../platform/db/db-context.ts';
import { newSecret } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { identityErrors as E } from './identity.errors.ts';
import * as repo from './identity.repo.ts';
import type { IdentityDeps, InvitationAcceptor, InvitationLink, InvitationSentHook, ScopeType } from './identity.types.ts';
import type { Passwords } from './password-policy.ts';
import { organizationNames } from './organization-names.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

const INVITATION_TTL_MS = 7 * 86400 * 1000;

type InvitationRow = repo.InvitationRow;

export class InvitationsService {
  readonly #d: IdentityDeps;
  readonly #passwords: Passwords;
  readonly #acceptors = new Map<ScopeType, InvitationAcceptor>();
  readonly #onInvited: InvitationSentHook[] = [];
  constructor(deps: IdentityDeps, passwords: Passwords) {
    this.#d = deps;
    this.#passwords = passwords;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  /** Register what accepting an invitation of `scopeType` does (tenants and partners add the member). */
  onAccepted(scopeType: ScopeType, fn: InvitationAcceptor): void {
    this.#acceptors.set(scopeType, fn);
  }

  /** Something to do in the transaction of every new invitation (the notifications module e-mails the link). */
  onInvited(fn: InvitationSentHook): void {
    this.#onInvited.push(fn);
  }

  /** Create a pending invitation (replacing any earlier pending one for the same scope and email). */
  async invite(trx: Tx, input: { email: string; scopeType: ScopeType; scopeId: string; role: string; invitedBy: string | null; acceptLanguage?: string | null }): Promise<InvitationLink> {
    const email = emailForLookup(input.email);
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
    const link = { id, email, role: input.role, url: `${this.#d.publicUrl}/invite/${token}`, expires_at: expiresAt };
    for (const fn of this.#onInvited) await fn(trx, { ...link, scopeType: input.scopeType, scopeId: input.scopeId, invitedBy: input.invitedBy, acceptLanguage: input.acceptLanguage });
    return link;
  }

  /** Pending (not accepted, revoked or expired) invitations of one tenant or partner. */
  listPending(scopeType: ScopeType, scopeId: string) {
    return repo.listPendingInvitationsByScope(this.#d.db.kysely, scopeType, scopeId, this.#now().toISOString());
  }

  /** Withdraw a pending invitation of this scope; an unknown, used or expired one answers like a missing one. */
  async revoke(trx: Tx, scopeType: ScopeType, scopeId: string, invitationId: string): Promise<InvitationRow> {
    const inv = await repo.findInvitationById(trx, invitationId);
    if (!inv || inv.scope_type !== scopeType || inv.scope_id !== scopeId || !this.#isLive(inv)) throw E.invitation_not_found();
    await repo.updateInvitation(trx, inv.id, { revoked_at: this.#now().toISOString() });
    return inv;
  }

  /** Withdraw every pending invitation addressed to an account being disabled; returns their ids. */
  async withdrawAllTo(trx: Tx, email: string): Promise<string[]> {
    const now = this.#now().toISOString();
    const invitations = await repo.listPendingInvitationsByEmail(trx, email, now);
    for (const inv of invitations) await repo.updateInvitation(trx, inv.id, { revoked_at: now });
    return invitations.map((i) => i.id);
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
    return (await organizationNames(this.#d.db.kysely, inv.scope_type === 'tenant' ? 'tenant' : 'partner', [inv.scope_id])).get(inv.scope_id) ?? '';
  }

  /** What a link is for. Says nothing about whether the email has an account. */
  async get(token: string) {
    const inv = await this.#liveInvitation(this.#d.db.kysely, token);
    return { id: inv.id, email: inv.email, scope_type: inv.scope_type, scope_id: inv.scope_id, scope_name: await this.#scopeName(inv), role: inv.role, expires_at: inv.expires_at };
  }

  /** The caller's own pending invitations (addressed to their email). */
  async listMine(principal: Principal) {
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
  async acceptWithNewAccount(ctx: RequestContext, token: string, name: string, password: string): Promise<{ userId: string; scopeType: ScopeType; scopeId: string; role: string }> {
    const preview = await this.#liveInvitation(this.#d.db.kysely, token);
    this.#passwords.check(password, preview.email);
    const hash = await this.#passwords.hash(password);
    const result = await mutate(this.#d.db, async (trx) => {
      // Guarantee (an invitation is used once): its row lock — two acceptances racing are
      // decided one after the other, and the second finds it used.
      await lockRows(this.#d.db, trx, 'invitations', { id: preview.id });
      const inv = await this.#liveInvitation(trx, token);
      const existing = await repo.findUserByEmail(trx, inv.email);
      const now = this.#now().toISOString();
      let userId: string;
      if (existing && existing.status !== 'invited') {
        throw E.invitation_login_required(PD.accountEmailAlreadyExists);
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
  async acceptMine(ctx: RequestContext, principal: Principal, invitationId: string): Promise<{ scopeType: ScopeType; scopeId: string; role: string }> {
    const result = await mutate(this.#d.db, async (trx) => {
      await lockRows(this.#d.db, trx, 'invitations', { id: invitationId }); // used once: as in acceptWithNewAccount
      const inv = await this.#myLiveInvitation(trx, principal, invitationId);
      await this.#accept(trx, ctx, inv, principal.userId, false);
      return { scopeType: inv.scope_type, scopeId: inv.scope_id, role: inv.role };
    });
    await this.#d.feed.kick();
    return result;
  }

  /** Say no to one of your own pending invitations. */
  async declineMine(ctx: RequestContext, principal: Principal, invitationId: string): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      await lockRows(this.#d.db, trx, 'invitations', { id: invitationId }); // answered once: as in acceptWithNewAccount
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
    if (!inv || inv.email !== emailForLookup(principal.email) || !this.#isLive(inv)) throw E.invitation_not_found();
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
}

export function toPendingInvitationDto(i: repo.InvitationRow) {
  return { id: i.id, email: i.email, role: i.role, invited_by: i.invited_by, created_at: i.created_at, expires_at: i.expires_at };
}
