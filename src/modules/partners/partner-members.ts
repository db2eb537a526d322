/**
 * A partner organization's members: PARTNER_OWNER / PARTNER_STAFF, invited by e-mail, with their
 * member role inside the MSP; a partner always keeps an active owner.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockRows, mutateAndKick } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService, InvitationLink, NewMember } from '../identity/index.ts';
import { identityErrors } from '../identity/index.ts';
import { authzErrors, parsePartnerConfig } from '../authz/index.ts';
import { partnerErrors as E } from './partners.errors.ts';
import * as repo from './partners.repo.ts';
import { problemDetails as PD } from './partners.problem-details.ts';

export type PartnerRole = 'PARTNER_OWNER' | 'PARTNER_STAFF';
const PARTNER_ROLES: readonly string[] = ['PARTNER_OWNER', 'PARTNER_STAFF'];

export interface PartnerMembersDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  identity: IdentityService;
}

export class PartnerMembers {
  readonly #d: PartnerMembersDeps;

  constructor(d: PartnerMembersDeps) {
    this.#d = d;
    d.identity.onInvitationAccepted('partner', (trx, ctx, i) => this.#joinFromInvitation(trx, ctx, i));
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  readonly #write = <T>(fn: (trx: Tx) => Promise<T>) => mutateAndKick(this.#d.db, this.#d.feed, fn);

  // ---- members -----------------------------------------------------------------------------

  listMembers(partnerId: string) {
    return repo.listMembers(this.#d.db.kysely, partnerId);
  }

  /** One person's membership of the partner, whatever its status (one row, not the member list). */
  member(partnerId: string, userId: string) {
    return repo.findMember(this.#d.db.kysely, partnerId, userId);
  }

  /**
   * Invite someone by email (only the owner adds users): a pending invitation they accept
   * (new account through the link, existing account while logged in). The answer is the same
   * whether or not the email has an account or belongs to another partner — that surfaces only
   * to the invitee, when they accept. Only a current member of this partner is refused here.
   */
  async inviteMember(ctx: RequestContext, partnerId: string, input: { email: string; role: PartnerRole }): Promise<InvitationLink> {
    return this.#write(async (trx) => {
      const email = input.email.trim().toLowerCase();
      if (await repo.findMemberByEmail(trx, partnerId, email)) throw E.already_partner_member(PD.personAlreadyMemberPartner);
      const link = await this.#d.identity.invite(trx, { email, scopeType: 'partner', scopeId: partnerId, role: input.role, invitedBy: ctx.actor.userId, acceptLanguage: ctx.acceptLanguage });
      await this.#d.audit.record(trx, ctx, { action: 'partner.user_invited', partnerId, targetType: 'invitation', targetId: link.id, details: { email, role: input.role } });
      return link;
    });
  }

  /** The membership an accepted invitation creates, in the acceptance's transaction (the invitation-acceptance contract). */
  async #joinFromInvitation(trx: Tx, ctx: RequestContext, i: NewMember): Promise<void> {
    if (!(await repo.findPartnerById(trx, i.scopeId)) || !PARTNER_ROLES.includes(i.role)) throw identityErrors.invitation_invalid();
    // a person belongs to at most one partner organization
    if (await repo.findMembershipOfUser(trx, i.userId)) throw E.already_partner_member();
    await this.addMember(trx, i, ctx);
  }

  /**
   * Add an active member, in the caller's transaction: the row, its change-feed entry (the
   * snapshots and the user's memberships follow) and, as `audit`'s actor, the `partner.user_added`
   * event. The one way a partner membership is written — the owner of an application, an accepted
   * invitation, the demo world and the tests' world (which passes `audit: null`: building a world
   * is nobody's action). The caller checks the role and the one-partner rule.
   */
  async addMember(trx: Tx, m: NewMember, audit: RequestContext | null): Promise<void> {
    await repo.insertMember(trx, { partner_id: m.scopeId, user_id: m.userId, role: m.role as PartnerRole, status: 'active', invited_by: m.invitedBy, created_at: this.#now() });
    await this.#d.feed.record(trx, 'user', m.userId);
    if (!audit) return;
    await this.#d.audit.record(trx, audit, {
      action: 'partner.user_added',
      partnerId: m.scopeId,
      targetType: 'user',
      targetId: m.userId,
      details: { role: m.role, invitation_id: m.invitationId, invited_by: m.invitedBy },
    });
  }

  listInvitations(partnerId: string) {
    return this.#d.identity.listPendingInvitations('partner', partnerId);
  }

  async revokeInvitation(ctx: RequestContext, partnerId: string, invitationId: string): Promise<void> {
    await this.#write(async (trx) => {
      const inv = await this.#d.identity.revokeInvitation(trx, 'partner', partnerId, invitationId);
      await this.#d.audit.record(trx, ctx, { action: 'partner.invitation_revoked', partnerId, targetType: 'invitation', targetId: inv.id, details: { email: inv.email, role: inv.role } });
    });
  }

  async updateMember(ctx: RequestContext, partnerId: string, userId: string, patch: { role?: PartnerRole; status?: 'active' | 'inactive' }): Promise<void> {
    await this.#write(async (trx) => {
      const m = await repo.findMember(trx, partnerId, userId);
      if (!m) throw E.partner_member_not_found();
      const changes: { role?: PartnerRole; status?: 'active' | 'inactive' } = {};
      if (patch.role !== undefined && patch.role !== m.role) changes.role = patch.role;
      if (patch.status !== undefined && patch.status !== m.status) changes.status = patch.status;
      // Nothing to change writes nothing (an empty UPDATE is not valid SQL either).
      if (Object.keys(changes).length === 0) return;
      const losesOwner = m.role === 'PARTNER_OWNER' && m.status === 'active' && ((changes.role && changes.role !== 'PARTNER_OWNER') || changes.status === 'inactive');
      if (losesOwner && (await this.#lockedActiveOwners(trx, partnerId)) <= 1) throw E.last_partner_owner();
      await repo.updateMember(trx, partnerId, userId, changes);
      await this.#d.feed.record(trx, 'user', userId);
      if (changes.role) {
        await this.#d.audit.record(trx, ctx, { action: 'partner.user_role_changed', partnerId, targetType: 'user', targetId: userId, details: { from: m.role, to: changes.role } });
      }
      if (changes.status) {
        // an inactive membership suspends its member grants (refused while inactive, back on reactivation);
        // removing the membership ends them (removeMember)
        await this.#d.audit.record(trx, ctx, {
          action: changes.status === 'inactive' ? 'partner.user_deactivated' : 'partner.user_reactivated',
          partnerId,
          targetType: 'user',
          targetId: userId,
        });
      }
    });
  }

  /**
   * Give a member their role inside the MSP: they act on each customer with the
   * link's permissions ∩ this role's. Audited; enforced on the next request (change feed).
   */
  async setMemberRole(ctx: RequestContext, partnerId: string, userId: string, memberRole: string) {
    return this.#write(async (trx) => {
      const m = await repo.findMember(trx, partnerId, userId);
      if (!m) throw E.partner_member_not_found();
      // The operator may limit the member roles this partner assigns.
      const allowed = parsePartnerConfig((await repo.findPartnerById(trx, partnerId))?.config).roles?.member_roles;
      if (allowed !== undefined && !allowed.includes(memberRole)) throw authzErrors.role_not_allowed(`Your organization may not assign the member role ${memberRole}; it may assign: ${allowed.join(', ') || 'none'}.`);
      if (m.member_role !== memberRole) {
        await repo.updateMember(trx, partnerId, userId, { member_role: memberRole });
        await this.#d.feed.record(trx, 'user', userId);
        await this.#d.audit.record(trx, ctx, { action: 'partner.member_role_changed', partnerId, targetType: 'user', targetId: userId, details: { from: m.member_role ?? null, to: memberRole } });
      }
      const row = (await repo.listMembers(trx, partnerId)).find((x) => x.user_id === userId);
      return row!;
    });
  }

  /**
   * Guarantee (a partner keeps an active owner): the partner's active owner rows are locked
   * before they are counted, so two owners demoted or removed at once are decided one after the
   * other and the second sees one owner left.
   */
  async #lockedActiveOwners(trx: Tx, partnerId: string): Promise<number> {
    await lockRows(this.#d.db, trx, 'partner_members', { partner_id: partnerId, role: 'PARTNER_OWNER', status: 'active' });
    return repo.countActiveOwners(trx, partnerId);
  }

  async removeMember(ctx: RequestContext, partnerId: string, userId: string): Promise<void> {
    await this.#write(async (trx) => {
      const m = await repo.findMember(trx, partnerId, userId);
      if (!m) throw E.partner_member_not_found();
      if (m.role === 'PARTNER_OWNER' && m.status === 'active' && (await this.#lockedActiveOwners(trx, partnerId)) <= 1) throw E.last_partner_owner();
      await repo.deleteMember(trx, partnerId, userId);
      await this.#d.feed.record(trx, 'user', userId);
      // what the person holds with this partner only (its apps' member grants) ends with the membership, for good
      const ended = m.status === 'active' ? await this.#d.identity.membershipEnded(trx, ctx, { type: 'partner', id: partnerId }, userId) : {};
      await this.#d.audit.record(trx, ctx, { action: 'partner.user_removed', partnerId, targetType: 'user', targetId: userId, details: { role: m.role, ...ended } });
    });
  }
}
