/**
 * Two-tier partners (as Microsoft CSP's indirect providers over indirect resellers): a distributor
 * partner onboards reseller partners under it, lists them, suspends and resumes them; the operator
 * places a partner under a distributor or takes it out. Two tiers at most: a distributor has no
 * parent, a reseller has no resellers.
 *
 * What a distributor may do on its resellers' customers is decided by decide() (modules/authz,
 * the chain rule), from the snapshot this service keeps current through the change feed.
 * A reseller never learns of its distributor's other resellers: every route here answers for the
 * caller's own partner, and another partner's reseller answers as an unknown one.
 */
import type { Tx } from '../../platform/db/database.ts';
import { lockRows, serviceWrites } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { InvitationLink } from '../identity/index.ts';
import { partnerErrors as E } from './partners.errors.ts';
import * as repo from './partners.repo.ts';
import type { Db } from '../../platform/db/database.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { problemDetails as PD } from './partners.problem-details.ts';

type Capability = 'delegated' | 'wholesale' | 'managed_services' | 'referral';

/** What the reseller service uses of the partners module's deps (PartnersDeps has them all). */
export interface ResellerDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  identity: Pick<IdentityService, 'invite'>;
}

/** The lifecycle step it shares with the operator's suspension (PartnersService.transition). */
export interface PartnerTransitions {
  transition(ctx: RequestContext, id: string, verb: 'suspend' | 'reactivate', opts: { reason?: string }, outer?: Tx): Promise<repo.PartnerRow>;
}

/** The capabilities a reseller may act with: what its distributor holds, of those that reach customers. */
const RESELLABLE: readonly Capability[] = ['managed_services', 'delegated', 'wholesale'];

/** A reseller's slug from its name (the random tail keeps two resellers of one name apart). */
function resellerSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'reseller';
}

export interface ResellerRow {
  id: string;
  name: string;
  slug: string;
  status: repo.PartnerRow['status'];
  suspended_by_parent: number;
  status_reason: string | null;
  created_at: string;
}

export interface NewReseller {
  name: string;
  contact_email: string;
  owner_email: string;
  capabilities?: Capability[];
}

export class ResellersService {
  readonly #d: ResellerDeps;
  readonly #partners: PartnerTransitions;
  readonly #w: ReturnType<typeof serviceWrites>;

  constructor(d: ResellerDeps, partners: PartnerTransitions) {
    this.#d = d;
    this.#partners = partners;
    this.#w = serviceWrites(() => d);
  }

  /** A distributor's resellers, by name. */
  listResellers(distributorId: string): Promise<ResellerRow[]> {
    return repo.listResellersOf(this.#d.db.kysely, distributorId);
  }

  /** The distributor a partner resells under (its name only is shown to the reseller), or null. */
  async distributorOf(partnerId: string): Promise<{ id: string; name: string; status: string } | null> {
    const p = await repo.findPartnerById(this.#d.db.kysely, partnerId);
    if (!p?.parent_partner_id) return null;
    const parent = await repo.findPartnerById(this.#d.db.kysely, p.parent_partner_id);
    return parent ? { id: parent.id, name: parent.name, status: parent.status } : null;
  }

  /** Names of partners and their distributors, by id (a customer's list of partners with access). */
  async chainsOf(partnerIds: string[]): Promise<Map<string, { name: string; distributor: { id: string; name: string } | null }>> {
    const out = new Map<string, { name: string; distributor: { id: string; name: string } | null }>();
    if (partnerIds.length === 0) return out;
    const rows = await repo.partnerParents(this.#d.db.kysely, partnerIds);
    const parentIds = [...new Set(rows.map((r) => r.parent_partner_id).filter((x): x is string => x !== null))];
    const parents = await repo.partnerParents(this.#d.db.kysely, parentIds);
    const names = new Map(parents.map((p) => [p.id, p.name]));
    for (const r of rows) {
      const pn = r.parent_partner_id === null ? undefined : names.get(r.parent_partner_id);
      out.set(r.id, { name: r.name, distributor: pn === undefined ? null : { id: r.parent_partner_id!, name: pn } });
    }
    return out;
  }

  /** One reseller of this distributor; another partner's (or no partner) answers as unknown. */
  async #requireReseller(db: Tx, distributorId: string, resellerId: string): Promise<repo.PartnerRow> {
    const r = await repo.findPartnerById(db, resellerId);
    if (!r || r.parent_partner_id !== distributorId) throw E.partner_not_found(PD.noResellerYoursHas);
    return r;
  }

  /** Refuse a distributor that is itself a reseller: chains are two tiers at most. */
  async #requireTopTier(db: Tx, distributorId: string): Promise<repo.PartnerRow> {
    const d = await repo.findPartnerById(db, distributorId);
    if (!d) throw E.partner_not_found();
    if (d.parent_partner_id) throw E.reseller_depth_exceeded(PD.resellerCannotHaveResellers);
    return d;
  }

  /**
   * Onboard a reseller under a distributor (its owner, or the operator): the reseller partner,
   * active at once with the distributor's customer-facing capabilities (or fewer), and an
   * invitation for its first owner. Audited in both partners' logs.
   */
  async onboardReseller(ctx: RequestContext, distributorId: string, input: NewReseller): Promise<{ reseller: repo.PartnerRow; invitation: InvitationLink }> {
    return this.#w.write(async (trx) => {
      const dist = await this.#requireTopTier(trx, distributorId);
      const held = (JSON.parse(dist.capabilities) as Capability[]).filter((c) => RESELLABLE.includes(c));
      const asked = input.capabilities ?? held;
      const caps = [...new Set(asked.filter((c) => held.includes(c)))];
      if (caps.length === 0) throw E.capabilities_required(PD.resellerNeedsLeastOne);
      const now = this.#w.now();
      const reseller: repo.PartnerRow = {
        id: newId('ptr'),
      locale: null,
        slug: `${resellerSlug(input.name)}-${newId('x').slice(-6)}`,
        name: input.name,
        website: null,
        contact_email: input.contact_email.toLowerCase(),
        description: null,
        status: 'active',
        capabilities: JSON.stringify(caps),
        requested_capabilities: JSON.stringify(caps),
        feature_toggles: '{}',
        config: '{}',
        config_version: 0,
        home_tenant_id: null,
        parent_partner_id: distributorId,
        suspended_by_parent: 0,
        status_reason: null,
        applied_at: now,
        approved_at: now,
        approved_by: ctx.actor.userId,
        created_at: now,
        updated_at: now,
      };
      await repo.insertPartner(trx, reseller);
      await this.#d.feed.record(trx, 'partner', reseller.id);
      const invitation = await this.#d.identity.invite(trx, { email: input.owner_email.trim().toLowerCase(), scopeType: 'partner', scopeId: reseller.id, role: 'PARTNER_OWNER', invitedBy: ctx.actor.userId, acceptLanguage: ctx.acceptLanguage });
      const chain = { distributor_id: distributorId, reseller_id: reseller.id };
      await this.#d.audit.record(trx, ctx, { action: 'partner.reseller_onboarded', partnerId: distributorId, targetType: 'partner', targetId: reseller.id, details: { ...chain, name: reseller.name, capabilities: caps } });
      await this.#d.audit.record(trx, ctx, { action: 'partner.created', partnerId: reseller.id, targetType: 'partner', targetId: reseller.id, details: { ...chain, name: reseller.name, capabilities: caps, owner_invited: invitation.email } });
      return { reseller, invitation };
    });
  }

  /**
   * A distributor suspends one of its resellers: the reseller's people and apps stop acting on the
   * next request (the partner's status, as the operator's suspension), and the distributor loses
   * its access through the reseller's links with it. Only an active reseller.
   */
  suspendReseller(ctx: RequestContext, distributorId: string, resellerId: string, reason: string): Promise<repo.PartnerRow> {
    return this.#w.write(async (trx) => {
      await lockRows(this.#d.db, trx, 'partners', { id: resellerId });
      await this.#requireReseller(trx, distributorId, resellerId);
      const updated = await this.#partners.transition(ctx, resellerId, 'suspend', { reason }, trx);
      await repo.updatePartner(trx, resellerId, { suspended_by_parent: 1 });
      await this.#d.audit.record(trx, ctx, { action: 'partner.reseller_suspended', partnerId: distributorId, targetType: 'partner', targetId: resellerId, details: { distributor_id: distributorId, reseller_id: resellerId, reason } });
      return { ...updated, suspended_by_parent: 1 };
    });
  }

  /** Resume a reseller the distributor suspended (an operator's suspension is the operator's to lift). */
  resumeReseller(ctx: RequestContext, distributorId: string, resellerId: string): Promise<repo.PartnerRow> {
    return this.#w.write(async (trx) => {
      await lockRows(this.#d.db, trx, 'partners', { id: resellerId });
      const r = await this.#requireReseller(trx, distributorId, resellerId);
      if (r.status !== 'suspended' || r.suspended_by_parent !== 1) {
        throw E.invalid_partner_transition(r.status === 'suspended' ? 'The operator suspended this reseller: only the operator can resume it.' : `A ${r.status} reseller cannot be resumed.`);
      }
      const updated = await this.#partners.transition(ctx, resellerId, 'reactivate', {}, trx);
      await repo.updatePartner(trx, resellerId, { suspended_by_parent: 0 });
      await this.#d.audit.record(trx, ctx, { action: 'partner.reseller_resumed', partnerId: distributorId, targetType: 'partner', targetId: resellerId, details: { distributor_id: distributorId, reseller_id: resellerId } });
      return { ...updated, suspended_by_parent: 0 };
    });
  }

  /**
   * The operator places a partner under a distributor, or takes it out (null). Refused when the
   * distributor is itself a reseller, when the partner has resellers of its own (either would make
   * a third tier), or for the partner itself.
   */
  setDistributor(ctx: RequestContext, partnerId: string, distributorId: string | null): Promise<repo.PartnerRow> {
    return this.#w.write(async (trx) => {
      await lockRows(this.#d.db, trx, 'partners', { id: partnerId });
      const p = await repo.findPartnerById(trx, partnerId);
      if (!p) throw E.partner_not_found();
      if (distributorId !== null) {
        if (distributorId === partnerId) throw E.reseller_depth_exceeded(PD.partnerCannotResellUnder);
        await this.#requireTopTier(trx, distributorId);
        const own = await repo.hasResellers(trx, partnerId);
        if (own) throw E.reseller_depth_exceeded(PD.partnerHasResellersOwn);
      }
      if (p.parent_partner_id === distributorId) return p;
      await repo.updatePartner(trx, partnerId, { parent_partner_id: distributorId, updated_at: this.#w.now() });
      await this.#d.feed.record(trx, 'partner', partnerId);
      await this.#d.audit.record(trx, ctx, {
        action: 'partner.distributor_changed',
        partnerId,
        targetType: 'partner',
        targetId: partnerId,
        details: { from: p.parent_partner_id, to: distributorId },
      });
      return { ...p, parent_partner_id: distributorId };
    });
  }
}
