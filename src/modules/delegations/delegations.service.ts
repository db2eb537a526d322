/**
 * Delegations: the only thing that lets a partner touch tenant data.
 *
 * One table, three origins. `link` (MSP / enterprise HQ) is requested by a partner and
 * becomes active only when a tenant admin approves it; `consent` (created by the OAuth module when
 * a tenant admin approves an app) and `wholesale` (created by the gateway/wholesale flow when a
 * wholesaler provisions a resold tenant) are born active through `createDelegation(trx, ctx, …)`.
 *
 * Every step commits with its audit event (tenant_id AND partner_id set, so both sides see it)
 * and a change-feed row, so every instance's decision snapshot re-reads the delegation.
 *
 * This service creates delegations and reads them; the rest lives in its own file:
 *   delegation-rules.ts   the pure rules (roles, overrides, scopes, windows, capabilities)
 *   transitions.ts        approve, reject, reconfirm, change, renew, revoke, break-glass, expire
 *   expiry-sweep.ts       the timer that expires lapsed delegations
 *   invite-codes.ts       a tenant's invite code
 *   relationship.ts       the link's business details (contract reference, contacts, notes)
 *   delegation-steps.ts   the write steps they share
 */
import type { Tx } from '../../platform/db/database.ts';
import { tenantContext } from '../../platform/db/db-context.ts';
import { enterDbContext, readTogether, readWithCommit } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { authzErrors as A, parsePartnerConfig } from '../authz/index.ts';
import { tenantErrors, tenantQueries } from '../tenants/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { parseOverrides, validateOverrides, validateRole, validateScopes, validateWindow, type Overrides } from './delegation-rules.ts';
import { DelegationSteps } from './delegation-steps.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import * as repo from './delegations.repo.ts';
import * as views from './delegation-views.ts';
import type { CreateDelegationInput, DelegationsDeps, RevokeBy } from './delegations.types.ts';
import { ExpirySweep } from './expiry-sweep.ts';
import { InviteCodes } from './invite-codes.ts';
import { LinkRelationships, type Relationship, type RelationshipInput } from './relationship.ts';
import { DelegationTransitions } from './transitions.ts';
import { parsePurposes, revokePurpose } from './delegation-purposes.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export type { DelegationRow, DelegationView, DelegationStatus, DelegationOrigin } from './delegations.repo.ts';
export type { CreateDelegationInput, DelegationsDeps, RevokeBy, Side } from './delegations.types.ts';
export { ORIGIN_CAPABILITY, parseOverrides, type Overrides } from './delegation-rules.ts';
export { generateInviteCode } from './invite-codes.ts';

export class DelegationsService {
  readonly #steps: DelegationSteps;
  readonly #transitions: DelegationTransitions;
  readonly #sweep: ExpirySweep;
  readonly #inviteCodes: InviteCodes;
  readonly #relationships: LinkRelationships;
  readonly #purposes: DelegationsDeps['purposes'];
  constructor(d: DelegationsDeps) {
    this.#purposes = d.purposes ?? null;
    this.#steps = new DelegationSteps(d);
    this.#transitions = new DelegationTransitions(this.#steps);
    this.#sweep = new ExpirySweep(this.#steps, this.#transitions, d.onError);
    this.#inviteCodes = new InviteCodes(this.#steps);
    this.#relationships = new LinkRelationships(this.#steps);
  }

  /** Every minute, mark lapsed delegations expired (every instance may run it: the update is idempotent). */
  startExpirySweep(intervalMs = 60_000): void {
    this.#sweep.start(intervalMs);
  }

  stopExpirySweep(): void {
    this.#sweep.stop();
  }

  get maxDays(): number {
    return this.#steps.maxDays;
  }

  /** See delegation-rules.ts validateOverrides. */
  validateOverrides(input: Partial<Overrides> | null | undefined): Overrides {
    return validateOverrides(this.#steps.roles, input);
  }

  // ---- creation (all origins) ---------------------------------------------------------------

  /**
   * Create a delegation inside the caller's transaction: validates role, window, BANs, overrides
   * and scopes; checks the partner is active with the capability of the origin and the tenant is
   * active; records the feed row and the audit event (`delegation.requested` for a link request,
   * `delegation.created` for one born active). The caller kicks the feed after commit
   * (`services.feed.kick()`), as for any write.
   */
  async createDelegation(trx: Tx, ctx: RequestContext, input: CreateDelegationInput): Promise<repo.DelegationRow> {
    const st = this.#steps;
    const now = st.now();
    const nowIso = now.toISOString();
    validateRole(st.roles, input.role, input.origin);
    const overrides = validateOverrides(st.roles, input.overrides);
    const scopes = validateScopes(input.scopes);
    const purposes = input.purposes === null || input.purposes === undefined ? null : (this.#purposes?.validate(input.purposes) ?? [...new Set(input.purposes)]);
    const { starts, ends } = validateWindow(input.startsAt, input.endsAt, now, st.maxDays);
    const partner = input.partner ?? (await st.requireActivePartner(trx, input.partnerId, input.origin));
    // The operator may limit the delegation roles this partner may request or be given.
    const allowedRoles = parsePartnerConfig(partner.config).roles?.delegation_roles;
    if (allowedRoles !== undefined && !allowedRoles.includes(input.role)) {
      throw A.role_not_allowed(`Your organization may not use the delegation role ${input.role}; it may use: ${allowedRoles.join(', ') || 'none'}.`);
    }
    // Guarantee: the tenant row is share-locked (no suspension or closing in between).
    await tenantQueries.lockTenant(st.db, trx, input.tenantId, 'share');
    // The tenant as committed once locked and, for a link, the partner's open one: read together
    // (one round trip), checked in this order.
    const tenantRead = tenantQueries.selectTenantById(trx, input.tenantId);
    const [[tenant], [openLink]] = input.origin === 'link' ? await readTogether(trx, [tenantRead, repo.selectOpenLink(trx, input.partnerId, input.tenantId)]) : [await tenantRead.execute(), []];
    if (!tenant) throw tenantErrors.tenant_not_found(PD.noSuchTenant);
    if (tenant.status !== 'active') throw A.tenant_inactive(`The tenant is ${tenant.status}.`);
    const banIds = await st.resolveBans(trx, input.tenantId, input.banIds);
    const status = input.status ?? (input.origin === 'link' ? 'requested' : 'active');
    // Guarantee: the unique partial index delegations_partner_id_tenant_id_key (migration 0002)
    // holds one open link per partner and tenant when two requests race past this check.
    if (openLink) throw E.delegation_exists(PD.partnerAlreadyHasOpen);
    const row: repo.DelegationRow = {
      id: newId('dlg', now.getTime()),
      partner_id: input.partnerId,
      tenant_id: input.tenantId,
      origin: input.origin,
      role: input.role,
      scopes: scopes ? JSON.stringify(scopes) : null,
      ban_ids: banIds ? JSON.stringify(banIds) : null,
      overrides: JSON.stringify(overrides),
      status,
      justification: input.justification ?? null,
      starts_at: starts,
      ends_at: ends,
      client_id: input.clientId ?? null,
      bill_to_ban_id: input.billToBanId ?? null,
      requested_by: input.requestedBy === undefined ? ctx.actor.userId : input.requestedBy,
      requested_at: nowIso,
      decided_by: status === 'active' ? (input.decidedBy === undefined ? ctx.actor.userId : input.decidedBy) : null,
      decided_at: status === 'active' ? nowIso : null,
      revoked_by: null,
      revoked_at: null,
      revoke_reason: null,
      renewal_ends_at: null,
      renewal_requested_by: null,
      last_used_at: null,
      created_at: nowIso,
      updated_at: nowIso,
      // two-tier partners: the customer opens the link to the partner's distributor itself, later
      distributor_access: 0,
      purposes: purposes === null ? null : JSON.stringify(purposes),
    };
    await repo.insertDelegation(trx, row);
    await st.feed.record(trx, 'delegation', row.id);
    await st.audit.record(trx, ctx, {
      action: status === 'requested' ? 'delegation.requested' : 'delegation.created',
      tenantId: row.tenant_id,
      partnerId: row.partner_id,
      targetType: 'delegation',
      targetId: row.id,
      details: {
        origin: row.origin,
        role: row.role,
        ban_ids: banIds,
        overrides,
        scopes,
        starts_at: starts,
        ends_at: ends,
        client_id: row.client_id,
        justification: row.justification,
        ...(purposes === null ? {} : { purposes }),
      },
    });
    return row;
  }

  /** createDelegation in its own transaction. */
  create(ctx: RequestContext, input: CreateDelegationInput): Promise<repo.DelegationRow> {
    return this.#steps.write((trx) => this.createDelegation(trx, ctx, input));
  }

  /** A partner (an MSP or enterprise HQ) asks for a link to a tenant it names by slug or by the tenant's invite code. */
  async requestLink(
    ctx: RequestContext,
    partnerId: string,
    input: { tenant_slug?: string; invite_code?: string; role: string; ban_ids?: string[] | null; overrides?: Partial<Overrides> | null; justification: string; starts_at?: string; ends_at: string; purposes?: string[] | null },
  ): Promise<repo.DelegationView> {
    if (!input.tenant_slug === !input.invite_code) throw E.tenant_reference_required(PD.giveExactlyOneTenant);
    const answer = await this.#steps.write(async (trx) => {
      // The tenant it names and the partner under its share lock (requireActivePartner's guarantee),
      // read together in one round trip; a tenant that cannot be found is answered first.
      await partnerQueries.lockPartner(this.#steps.db, trx, partnerId, 'share');
      const [[tenant], [partnerRow]] = await readTogether(trx, [
        input.invite_code ? tenantQueries.selectTenantByInviteCode(trx, input.invite_code) : tenantQueries.selectTenantBySlug(trx, input.tenant_slug!),
        partnerQueries.selectPartnerById(trx, partnerId),
      ]);
      if (!tenant) throw input.invite_code ? E.invite_code_not_found(PD.noTenantHasInvite) : tenantErrors.tenant_not_found(PD.noTenantHasSlug);
      const partner = this.#steps.activePartner(partnerRow, 'link');
      // The partner files a request in the queue of the tenant it named: the request (and the
      // check of the accounts it names) is written in that tenant's context. It grants nothing
      // until a tenant admin approves it.
      await enterDbContext(this.#steps.db, trx, tenantContext(tenant.id));
      const row = await this.createDelegation(trx, ctx, {
        partnerId,
        tenantId: tenant.id,
        origin: 'link',
        role: input.role,
        banIds: input.ban_ids ?? null,
        overrides: input.overrides ?? null,
        justification: input.justification,
        startsAt: input.starts_at ?? null,
        endsAt: input.ends_at,
        status: 'requested',
        purposes: input.purposes ?? null,
        partner,
      });
      return this.#answerWithCommit(trx, row.id);
    });
    return this.#answer(answer);
  }

  /** The write's answer: the delegation with its names as the transaction leaves it, read with the COMMIT (readWithCommit). */
  #answerWithCommit(trx: Tx, id: string) {
    return readWithCommit(trx, views.selectDelegationView(trx, id));
  }

  async #answer(answer: { rows: Promise<repo.DelegationView[]> }): Promise<repo.DelegationView> {
    const [view] = await answer.rows;
    if (!view) throw A.delegation_not_found('No such delegation.');
    return view;
  }

  // ---- lifecycle (transitions.ts) ---------------------------------------------------------------

  approve(ctx: RequestContext, tenantId: string, id: string, input: { ban_ids?: string[] | null; overrides?: Partial<Overrides> } = {}): Promise<repo.DelegationRow> {
    return this.#transitions.approve(ctx, tenantId, id, input);
  }

  reconfirm(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    return this.#transitions.reconfirm(ctx, tenantId, id);
  }

  reject(ctx: RequestContext, tenantId: string, id: string, reason: string | null): Promise<repo.DelegationRow> {
    return this.#transitions.reject(ctx, tenantId, id, reason);
  }

  /** Revoke inside the caller's transaction (see DelegationTransitions.revokeDelegation). */
  revokeDelegation(trx: Tx, ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow> {
    return this.#transitions.revokeDelegation(trx, ctx, id, by);
  }

  /** Revoke inside the caller's transaction if still open, else null (see DelegationTransitions). */
  revokeDelegationIfOpen(trx: Tx, ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow | null> {
    return this.#transitions.revokeDelegationIfOpen(trx, ctx, id, by);
  }

  revoke(ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow> {
    return this.#transitions.revoke(ctx, id, by);
  }

  /** revoke, answered with the delegation and its names as it left the transaction. */
  async revokeAndShow(ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationView> {
    const answer = await this.#steps.write(async (trx) => {
      await this.#transitions.revokeDelegation(trx, ctx, id, by);
      return this.#answerWithCommit(trx, id);
    });
    return this.#answer(answer);
  }

  /** revokeDelegationIfOpen in a transaction of its own: null when the delegation had ended already. */
  revokeIfOpen(ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow | null> {
    return this.#transitions.revokeIfOpen(ctx, id, by);
  }

  /** The customer revokes one purpose of an access; the others stay (see delegation-purposes.ts). */
  revokePurpose(ctx: RequestContext, tenantId: string, id: string, purposeId: string): Promise<repo.DelegationRow> {
    return revokePurpose(this.#steps, ctx, tenantId, id, purposeId);
  }

  updateAccess(ctx: RequestContext, tenantId: string, id: string, input: { overrides?: Partial<Overrides>; ban_ids?: string[] | null }): Promise<repo.DelegationRow> {
    return this.#transitions.updateAccess(ctx, tenantId, id, input);
  }

  requestRenewal(ctx: RequestContext, partnerId: string, id: string, endsAt: string): Promise<repo.DelegationRow> {
    return this.#transitions.requestRenewal(ctx, partnerId, id, endsAt);
  }

  approveRenewal(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    return this.#transitions.approveRenewal(ctx, tenantId, id);
  }

  rejectRenewal(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    return this.#transitions.rejectRenewal(ctx, tenantId, id);
  }

  revokeAllOfPartner(trx: Tx, ctx: RequestContext, partnerId: string, reason: string): Promise<string[]> {
    return this.#transitions.revokeAllOfPartner(trx, ctx, partnerId, reason);
  }

  breakGlass(ctx: RequestContext, input: { partnerId: string; tenantId?: string; reason: string; side: 'tenant' | 'operator' }): Promise<{ revoked: string[] }> {
    return this.#transitions.breakGlass(ctx, input);
  }

  /** Mark active delegations past their end date as expired (see expiry-sweep.ts). */
  expireLapsed(ctx: RequestContext, limit = 500): Promise<number> {
    return this.#sweep.expireLapsed(ctx, limit);
  }

  // ---- reads -----------------------------------------------------------------------------------

  list(f: repo.DelegationFilter): Promise<repo.DelegationView[]> {
    return views.listDelegations(this.#steps.db.kysely, f);
  }

  count(f: repo.DelegationFilter): Promise<number> {
    return views.countDelegations(this.#steps.db.kysely, f);
  }

  /** The operator's overview figures (see repo.delegationFigures). */
  figures(sinceIso: string, waitingBefore: string) {
    return repo.delegationFigures(this.#steps.db.kysely, sinceIso, waitingBefore);
  }

  async get(id: string, scope: { tenantId?: string; partnerId?: string } = {}): Promise<repo.DelegationView> {
    const d = await views.findDelegationView(this.#steps.db.kysely, id);
    if (!d || (scope.tenantId && d.tenant_id !== scope.tenantId) || (scope.partnerId && d.partner_id !== scope.partnerId)) throw A.delegation_not_found('No such delegation.');
    return d;
  }

  /** The tenant's accounts, for the detail views. */
  billingAccounts(tenantId: string) {
    return tenantQueries.listBillingAccountSummaries(this.#steps.db.kysely, tenantId);
  }

  tenant(tenantId: string) {
    return tenantQueries.findTenantById(this.#steps.db.kysely, tenantId);
  }

  // ---- relationship details (relationship.ts) ---------------------------------------------------

  relationship(delegationId: string): Promise<Relationship> {
    return this.#relationships.get(delegationId);
  }

  updateRelationship(ctx: RequestContext, delegationId: string, side: { side: 'tenant'; tenantId: string } | { side: 'partner'; partnerId: string }, input: RelationshipInput): Promise<Relationship> {
    return this.#relationships.update(ctx, delegationId, side, input);
  }

  // ---- invite codes (invite-codes.ts) -----------------------------------------------------------

  getInviteCode(tenantId: string): Promise<string | null> {
    return this.#inviteCodes.get(tenantId);
  }

  /** Generate or rotate the code a tenant gives out; the previous code stops working at once. */
  rotateInviteCode(ctx: RequestContext, tenantId: string): Promise<string> {
    return this.#inviteCodes.rotate(ctx, tenantId);
  }

  clearInviteCode(ctx: RequestContext, tenantId: string): Promise<void> {
    return this.#inviteCodes.clear(ctx, tenantId);
  }
}

export function toDelegationDto(d: repo.DelegationRow | repo.DelegationView) {
  const v = d as Partial<repo.DelegationView>;
  return {
    id: d.id,
    partner: { id: d.partner_id, name: v.partner_name ?? null, slug: v.partner_slug ?? null },
    tenant: { id: d.tenant_id, name: v.tenant_name ?? null, slug: v.tenant_slug ?? null },
    origin: d.origin,
    role: d.role,
    scopes: d.scopes ? (JSON.parse(d.scopes) as string[]) : null,
    purposes: d.purposes === null || d.purposes === undefined ? null : [...parsePurposes(d.purposes)],
    ban_ids: d.ban_ids ? (JSON.parse(d.ban_ids) as string[]) : null,
    overrides: parseOverrides(d.overrides),
    status: d.status,
    justification: d.justification,
    starts_at: d.starts_at,
    ends_at: d.ends_at,
    renewal_ends_at: d.renewal_ends_at,
    renewal_requested_by: d.renewal_requested_by ?? null,
    client_id: d.client_id,
    bill_to_ban_id: d.bill_to_ban_id,
    requested_by: d.requested_by,
    requested_at: d.requested_at,
    decided_by: d.decided_by,
    decided_at: d.decided_at,
    revoked_by: d.revoked_by,
    revoked_at: d.revoked_at,
    revoke_reason: d.revoke_reason,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}
