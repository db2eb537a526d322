/**
 * Plans and subscriptions: the operator's plan catalog, the plans each
 * partner may offer and its price, the partner's end customers (the tenants a wholesaler resells)
 * with their segment and KYC, KYC cases with encrypted details and documents, and the
 * subscription lifecycle `signing → signed → active ⇄ suspended`, `→ cancelled`.
 *
 * Every mutation commits with its audit event; a subscription change also records a change-feed
 * entry (authz/subscription-suspensions.ts) so every instance's gateway refuses a suspended
 * customer on its next request. KYC details and files are never logged or audited in clear:
 * audit events carry ids, kinds, sizes and hashes only.
 */
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { lockRows, mutateAndKick } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { sha256 } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { SUBSCRIPTION_ENTITY } from '../authz/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { invoiceQueries } from '../resources/index.ts';
import { eligibility, type Eligibility, type Segment } from './eligibility.ts';
import { planErrors as E } from './plans.errors.ts';
import * as repo from './plans.repo.ts';
import { PlanCustomers, type CustomerView, type KycInput } from './plans-customers.ts';
import { checkPlan, parseList, toPlanInput, type PlanInput } from './plans-dtos.ts';
import { problemDetails as PD } from './plans.problem-details.ts';
export { KYC_MAX_DOCUMENT_BYTES, KYC_MAX_DOCUMENTS, KYC_CONTENT_TYPES, type KycInput, type CustomerView } from './plans-customers.ts';
export { parseList, toPlanDto, toPartnerPlanDto, toSubscriptionDto, toKycCaseDto, toDocumentDto, type PlanInput } from './plans-dtos.ts';
import type { CustomerRow, KycCaseRow, KycDocumentRow, PartnerPlanRow, PlanRow, SubscriptionRow } from './plans.repo.ts';

const DAY_MS = 86_400_000;
export interface PlansDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  secretKey: string;
  onError: (err: unknown, what: string) => void;
}

export type SubscriptionAction = 'sign' | 'activate' | 'suspend' | 'resume' | 'cancel';
/** The lifecycle: which action takes a subscription from which state to which. */
export const TRANSITIONS: Record<SubscriptionAction, { from: readonly SubscriptionRow['status'][]; to: SubscriptionRow['status'] }> = {
  sign: { from: ['signing'], to: 'signed' },
  activate: { from: ['signed'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
  cancel: { from: ['signing', 'signed', 'active', 'suspended'], to: 'cancelled' },
};

export class PlansService {
  readonly #d: PlansDeps;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #customers: PlanCustomers;
  constructor(d: PlansDeps) {
    this.#d = d;
    this.#customers = new PlanCustomers(d);
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  async #commit<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    return mutateAndKick(this.#d.db, this.#d.feed, fn);
  }

  // ---- operator: the catalog -----------------------------------------------------------------

  listPlans(): Promise<PlanRow[]> {
    return repo.listPlans(this.#d.db.kysely);
  }

  async getPlan(id: string): Promise<PlanRow> {
    const p = await repo.findPlan(this.#d.db.kysely, id);
    if (!p) throw E.plan_not_found();
    return p;
  }

  createPlan(ctx: RequestContext, input: PlanInput): Promise<PlanRow> {
    checkPlan(input);
    return this.#commit(async (trx) => {
      const now = this.#now();
      const row: PlanRow = {
        id: newId('pln'),
        name: input.name,
        description: input.description,
        features: JSON.stringify(input.features),
        limits: JSON.stringify(input.limits),
        price_minor: input.price_minor,
        currency: input.currency,
        segments: JSON.stringify(input.segments),
        grace_days: input.grace_days,
        terms: input.terms,
        status: 'active',
        created_at: now,
        updated_at: now,
      };
      await repo.insertPlan(trx, row);
      await this.#d.audit.record(trx, ctx, { action: 'plan.created', targetType: 'plan', targetId: row.id, details: { name: row.name, price_minor: row.price_minor, currency: row.currency, segments: input.segments } });
      return row;
    });
  }

  updatePlan(ctx: RequestContext, id: string, patch: Partial<PlanInput> & { status?: 'active' | 'retired' }): Promise<PlanRow> {
    return this.#commit(async (trx) => {
      const old = await repo.findPlan(trx, id);
      if (!old) throw E.plan_not_found();
      const merged = { ...toPlanInput(old), ...patch };
      checkPlan(merged);
      const row: PlanRow = {
        ...old,
        name: merged.name,
        description: merged.description,
        features: JSON.stringify(merged.features),
        limits: JSON.stringify(merged.limits),
        price_minor: merged.price_minor,
        currency: merged.currency,
        segments: JSON.stringify(merged.segments),
        grace_days: merged.grace_days,
        terms: merged.terms,
        status: patch.status ?? old.status,
        updated_at: this.#now(),
      };
      await repo.updatePlan(trx, id, row);
      // the limits the gateway enforces ride in every instance's snapshot: re-read the customers on this plan
      if (row.limits !== old.limits || row.name !== old.name) {
        for (const tenantId of await repo.listCurrentSubscribersOf(trx, id)) await this.#d.feed.record(trx, SUBSCRIPTION_ENTITY, tenantId);
      }
      await this.#d.audit.record(trx, ctx, { action: 'plan.updated', targetType: 'plan', targetId: id, details: { changed: Object.keys(patch).sort() } });
      return row;
    });
  }

  // ---- operator: which plans a partner may offer; partner: its offer -------------------------

  listPartnerPlans(partnerId: string): Promise<PartnerPlanRow[]> {
    return repo.listPartnerPlans(this.#d.db.kysely, partnerId);
  }

  allowPlan(ctx: RequestContext, partnerId: string, input: { plan_id: string; min_price_minor: number; max_price_minor: number }): Promise<PartnerPlanRow> {
    return this.#commit((trx) => this.#allow(trx, ctx, partnerId, input));
  }

  /**
   * The plans a new partner may offer, in the transaction that makes the partner (an operator-made
   * partner): each named by its id or its name, within a price range (the plan's price when none
   * is given), through the same step and audit as allowing one later. A plan the catalog does not
   * have, or has retired, is refused with the offending entry's pointer.
   */
  async allowInitialPlans(trx: Tx, ctx: RequestContext, partnerId: string, offers: readonly { plan: string; min_price_minor?: number; max_price_minor?: number }[], pointer: string): Promise<void> {
    const catalog = await repo.listPlans(trx);
    for (const [i, o] of offers.entries()) {
      const plan = catalog.find((p) => p.id === o.plan) ?? catalog.find((p) => p.name.toLowerCase() === o.plan.trim().toLowerCase());
      const at = `${pointer}/${i}`;
      if (!plan) throw E.plan_unknown(PD.planCatalogHasNo, { values: { plan: o.plan }, fields: [{ pointer: at, detail: 'not a plan of the catalog' }] });
      if (plan.status !== 'active') throw E.plan_retired(PD.retiredPartnerCannotAllowed, { values: { name: plan.name }, fields: [{ pointer: at, detail: 'retired' }] });
      await this.#allow(trx, ctx, partnerId, { plan_id: plan.id, min_price_minor: o.min_price_minor ?? plan.price_minor, max_price_minor: o.max_price_minor ?? plan.price_minor }, at);
    }
  }

  async #allow(trx: Tx, ctx: RequestContext, partnerId: string, input: { plan_id: string; min_price_minor: number; max_price_minor: number }, pointer = ''): Promise<PartnerPlanRow> {
    if (input.min_price_minor > input.max_price_minor) throw E.offer_price_out_of_range(PD.lowestPriceAboveHighest, { fields: [{ pointer: `${pointer}/min_price_minor`, detail: 'must not be above max_price_minor' }] });
    {
      const plan = await repo.findPlan(trx, input.plan_id);
      if (!plan) throw E.plan_not_found();
      const partner = await partnerQueries.findPartnerById(trx, partnerId);
      if (!partner) throw E.plan_not_allowed(PD.partnerDoesNotExist);
      const now = this.#now();
      const old = await repo.findPartnerPlan(trx, partnerId, input.plan_id);
      const price = Math.min(Math.max(old?.price_minor ?? plan.price_minor, input.min_price_minor), input.max_price_minor);
      let row: PartnerPlanRow;
      if (old) {
        row = { ...old, min_price_minor: input.min_price_minor, max_price_minor: input.max_price_minor, price_minor: price, status: old.status === 'revoked' ? 'allowed' : old.status, updated_at: now };
        await repo.updatePartnerPlan(trx, old.id, row);
      } else {
        row = { id: newId('ppl'), partner_id: partnerId, plan_id: input.plan_id, min_price_minor: input.min_price_minor, max_price_minor: input.max_price_minor, price_minor: price, status: 'allowed', created_at: now, updated_at: now };
        await repo.insertPartnerPlan(trx, row);
      }
      await this.#d.audit.record(trx, ctx, { action: 'partner.plan_allowed', partnerId, targetType: 'plan', targetId: plan.id, details: { min_price_minor: row.min_price_minor, max_price_minor: row.max_price_minor, currency: plan.currency } });
      return row;
    }
  }

  revokePlan(ctx: RequestContext, partnerId: string, planId: string): Promise<PartnerPlanRow> {
    return this.#commit(async (trx) => {
      const old = await repo.findPartnerPlan(trx, partnerId, planId);
      if (!old || old.status === 'revoked') throw E.plan_not_found();
      const row = { ...old, status: 'revoked' as const, updated_at: this.#now() };
      await repo.updatePartnerPlan(trx, old.id, { status: row.status, updated_at: row.updated_at });
      await this.#d.audit.record(trx, ctx, { action: 'partner.plan_revoked', partnerId, targetType: 'plan', targetId: planId, details: {} });
      return row;
    });
  }

  /** The partner's own offer: its price within the operator's range, and whether customers see it. */
  setOffer(ctx: RequestContext, partnerId: string, planId: string, input: { price_minor?: number; offered?: boolean }): Promise<PartnerPlanRow> {
    return this.#commit(async (trx) => {
      const old = await repo.findPartnerPlan(trx, partnerId, planId);
      if (!old || old.status === 'revoked') throw E.plan_not_allowed(PD.operatorDoesNotAllow);
      const price = input.price_minor ?? old.price_minor;
      if (price < old.min_price_minor || price > old.max_price_minor) {
        throw E.offer_price_out_of_range(PD.priceMustBetweenMinor, { values: { min_price_minor: old.min_price_minor, max_price_minor: old.max_price_minor }, fields: [{ pointer: '/price_minor', detail: `must be between ${old.min_price_minor} and ${old.max_price_minor}` }] });
      }
      const status = input.offered === undefined ? old.status : input.offered ? 'offered' : 'allowed';
      const row = { ...old, price_minor: price, status, updated_at: this.#now() };
      await repo.updatePartnerPlan(trx, old.id, { price_minor: price, status, updated_at: row.updated_at });
      await this.#d.audit.record(trx, ctx, { action: 'partner.plan_offer_changed', partnerId, targetType: 'plan', targetId: planId, details: { price_minor: price, offered: status === 'offered' } });
      return row;
    });
  }

  // ---- customers and KYC (plans-customers.ts) ---------------------------------------------

  listCustomers(partnerId: string): Promise<CustomerView[]> {
    return this.#customers.listCustomers(partnerId);
  }

  setSegment(ctx: RequestContext, partnerId: string, tenantId: string, segment: Segment): Promise<CustomerRow> {
    return this.#customers.setSegment(ctx, partnerId, tenantId, segment);
  }

  customerOverview(tenantId: string): Promise<{ customer: CustomerView; kyc: KycCaseRow | null; documents: Omit<KycDocumentRow, 'content_enc'>[] } | null> {
    return this.#customers.customerOverview(tenantId);
  }

  availablePlans(tenantId: string): Promise<{ plan: PlanRow; offer: PartnerPlanRow; eligibility: Eligibility }[]> {
    return this.#customers.availablePlans(tenantId);
  }

  submitKyc(ctx: RequestContext, tenantId: string, input: KycInput): Promise<{ kyc: KycCaseRow; documents: Omit<KycDocumentRow, 'content_enc'>[] }> {
    return this.#customers.submitKyc(ctx, tenantId, input);
  }

  listKycCases(partnerId: string, status?: string): Promise<(KycCaseRow & { tenant_name: string })[]> {
    return this.#customers.listKycCases(partnerId, status);
  }

  getKycCase(partnerId: string, caseId: string): Promise<{ kyc: KycCaseRow & { tenant_name: string }; details: Record<string, string>; documents: Omit<KycDocumentRow, 'content_enc'>[] }> {
    return this.#customers.getKycCase(partnerId, caseId);
  }

  downloadDocument(ctx: RequestContext, partnerId: string, caseId: string, documentId: string): Promise<{ filename: string; content_type: string; bytes: Buffer }> {
    return this.#customers.downloadDocument(ctx, partnerId, caseId, documentId);
  }

  reviewKyc(ctx: RequestContext, partnerId: string, caseId: string, input: { decision: 'verify' | 'reject'; reason?: string }): Promise<KycCaseRow> {
    return this.#customers.reviewKyc(ctx, partnerId, caseId, input);
  }

  // ---- subscriptions -----------------------------------------------------------------------

  listSubscriptions(partnerId: string): Promise<SubscriptionRow[]> {
    return repo.listSubscriptionsOfPartner(this.#d.db.kysely, partnerId);
  }

  /** The number of people the customer's current plan allows (tenants asks it when adding one; services.ts wires it). */
  memberLimit(trx: Executor, tenantId: string): Promise<{ limit: number; plan: string } | null> {
    return repo.findMemberLimit(trx, tenantId);
  }

  listTenantSubscriptions(tenantId: string): Promise<SubscriptionRow[]> {
    return repo.listSubscriptionsOfTenant(this.#d.db.kysely, tenantId);
  }

  /** The customer's admin chooses a plan: a subscription waiting for its terms to be signed. */
  subscribe(ctx: RequestContext, tenantId: string, planId: string): Promise<{ subscription: SubscriptionRow; terms: string }> {
    return this.#commit(async (trx) => {
      const c = await this.#customers.ensureCustomer(trx, tenantId, null);
      const plan = await repo.findPlan(trx, planId);
      if (!plan) throw E.plan_not_found();
      const offer = (await repo.findPartnerPlan(trx, c.partner_id, planId)) ?? null;
      const e = eligibility({ customer: { segment: c.segment, kycStatus: c.kyc_status }, plan: { segments: parseList(plan.segments), status: plan.status }, offer });
      if (!e.allowed) throw E[e.code](e.reason);
      if (await repo.currentSubscription(trx, tenantId)) throw E.subscription_exists(PD.cancelCurrentSubscriptionBefore);
      const now = this.#now();
      const sub: SubscriptionRow = {
        id: newId('sub'),
        tenant_id: tenantId,
        partner_id: c.partner_id,
        plan_id: plan.id,
        partner_plan_id: offer!.id,
        status: 'signing',
        price_minor: offer!.price_minor,
        currency: plan.currency,
        terms_sha256: sha256(plan.terms),
        signed_by: null,
        signed_at: null,
        activated_at: null,
        suspended_at: null,
        suspension_kind: null,
        suspension_reason: null,
        cancelled_at: null,
        created_by: ctx.actor.userId ?? 'system',
        created_at: now,
        updated_at: now,
      };
      await repo.insertSubscription(trx, sub);
      await this.#d.feed.record(trx, SUBSCRIPTION_ENTITY, tenantId);
      await this.#d.audit.record(trx, ctx, { action: 'subscription.created', tenantId, partnerId: c.partner_id, targetType: 'subscription', targetId: sub.id, details: { plan_id: plan.id, price_minor: sub.price_minor, currency: sub.currency, terms_sha256: sub.terms_sha256 } });
      return { subscription: sub, terms: plan.terms };
    });
  }

  async terms(tenantId: string, subscriptionId: string): Promise<{ terms: string; terms_sha256: string }> {
    const db = this.#d.db.kysely;
    const sub = await repo.findSubscription(db, subscriptionId);
    if (!sub || sub.tenant_id !== tenantId) throw E.subscription_not_found();
    const plan = await this.getPlan(sub.plan_id);
    return { terms: plan.terms, terms_sha256: sub.terms_sha256 };
  }

  /**
   * One lifecycle step. `scope` says who asks: the customer (its own tenant's subscriptions:
   * sign, cancel), or a partner (its customers': activate, suspend, resume, cancel); the operator
   * acts through the partner plane.
   */
  transition(
    ctx: RequestContext,
    scope: { tenantId: string } | { partnerId: string },
    subscriptionId: string,
    action: SubscriptionAction,
    input: { terms_sha256?: string; reason?: string; kind?: 'non_payment' | 'policy' } = {},
  ): Promise<SubscriptionRow> {
    return this.#commit(async (trx) => {
      await lockRows(this.#d.db, trx, 'subscriptions', { id: subscriptionId });
      const sub = await repo.findSubscription(trx, subscriptionId);
      if (!sub || ('tenantId' in scope ? sub.tenant_id !== scope.tenantId : sub.partner_id !== scope.partnerId)) throw E.subscription_not_found();
      return this.#apply(trx, ctx, sub, action, input);
    });
  }

  async #apply(trx: Tx, ctx: RequestContext, sub: SubscriptionRow, action: SubscriptionAction, input: { terms_sha256?: string; reason?: string; kind?: 'non_payment' | 'policy' }): Promise<SubscriptionRow> {
    const t = TRANSITIONS[action];
    if (!t.from.includes(sub.status)) throw E.subscription_transition_invalid(`A ${sub.status} subscription cannot be ${action === 'sign' ? 'signed' : action === 'cancel' ? 'cancelled' : `${action}d`}.`);
    const now = this.#now();
    const set: Partial<SubscriptionRow> = { status: t.to, updated_at: now };
    const details: Record<string, unknown> = { from: sub.status, to: t.to };
    if (action === 'sign') {
      const plan = await repo.findPlan(trx, sub.plan_id);
      if (!plan || sha256(plan.terms) !== sub.terms_sha256 || input.terms_sha256 !== sub.terms_sha256) throw E.terms_mismatch(PD.termsAcceptedNotTerms);
      set.signed_by = ctx.actor.userId;
      set.signed_at = now;
      details.terms_sha256 = sub.terms_sha256;
    } else if (action === 'activate') {
      set.activated_at = now;
    } else if (action === 'suspend') {
      set.suspended_at = now;
      set.suspension_kind = input.kind ?? 'policy';
      set.suspension_reason = input.reason ?? null;
      details.kind = set.suspension_kind;
      details.reason = set.suspension_reason;
    } else if (action === 'resume') {
      set.suspended_at = null;
      set.suspension_kind = null;
      set.suspension_reason = null;
      if (input.reason) details.reason = input.reason;
    } else if (action === 'cancel') {
      set.cancelled_at = now;
      if (input.reason) details.reason = input.reason;
    }
    // compare-and-set on the state read (the row lock holds it on PostgreSQL; SQLite has one writer)
    await repo.updateSubscriptionFrom(trx, sub.id, sub.status, set);
    await this.#d.feed.record(trx, SUBSCRIPTION_ENTITY, sub.tenant_id);
    await this.#d.audit.record(trx, ctx, { action: `subscription.${t.to === 'active' && action === 'resume' ? 'resumed' : t.to}`, tenantId: sub.tenant_id, partnerId: sub.partner_id, targetType: 'subscription', targetId: sub.id, details });
    return { ...sub, ...set };
  }

  // ---- non-payment: the schedule ------------------------------------------------------------

  /**
   * Suspend active subscriptions whose customer has an unpaid invoice overdue beyond the plan's
   * grace days, and resume those suspended for non-payment once nothing is overdue any more.
   * Idempotent; every instance may run it. Time comes from the clock (a manual one in tests).
   */
  sweepNonPayment(ctx: RequestContext): Promise<{ suspended: number; resumed: number }> {
    return asSystem(async () => {
      const db = this.#d.db.kysely;
      const candidates = await repo.listSweepCandidates(db);
      const unpaid = await invoiceQueries.oldestUnpaidDue(db, [...new Set(candidates.map((c) => c.tenant_id))]);
      const nowMs = this.#d.clock.nowMs();
      let suspended = 0;
      let resumed = 0;
      for (const c of candidates) {
        const due = unpaid.get(c.tenant_id);
        const overdue = due !== undefined && Date.parse(due) + c.grace_days * DAY_MS < nowMs;
        const action: SubscriptionAction | null = c.status === 'active' && overdue ? 'suspend' : c.status === 'suspended' && !overdue ? 'resume' : null;
        if (!action) continue;
        try {
          await this.#commit(async (trx) => {
            await lockRows(this.#d.db, trx, 'subscriptions', { id: c.id });
            const fresh = await repo.findSubscription(trx, c.id);
            if (!fresh || fresh.status !== c.status) return;
            await this.#apply(trx, ctx, fresh, action, action === 'suspend' ? { kind: 'non_payment', reason: `An invoice due ${due!.slice(0, 10)} is unpaid after ${c.grace_days} days of grace.` } : { reason: 'The overdue invoices are paid.' });
          });
          if (action === 'suspend') suspended++;
          else resumed++;
        } catch (e) {
          this.#d.onError(e, 'subscription non-payment sweep');
        }
      }
      return { suspended, resumed };
    });
  }

  startNonPaymentSweep(ctx: RequestContext, everyMs = 60_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.sweepNonPayment(ctx).catch((e) => this.#d.onError(e, 'subscription non-payment sweep'));
    }, everyMs);
    this.#timer.unref();
  }

  stopNonPaymentSweep(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
