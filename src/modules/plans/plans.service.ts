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
import { includeTenant, lockRows, mutateAndKick } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret, sha256 } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { SUBSCRIPTION_ENTITY } from '../authz/index.ts';
import { eligibility, type Eligibility, type KycState, type Segment } from './eligibility.ts';
import { planErrors as E } from './plans.errors.ts';
import * as repo from './plans.repo.ts';
import type { CustomerRow, KycCaseRow, KycDocumentRow, PartnerPlanRow, PlanRow, SubscriptionRow } from './plans.repo.ts';

const DAY_MS = 86_400_000;
export const KYC_MAX_DOCUMENT_BYTES = 1024 * 1024;
export const KYC_MAX_DOCUMENTS = 3;
/** what a KYC file may be, recognised by its first bytes (the declared type must agree) */
const FILE_SIGNATURES: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};
export const KYC_CONTENT_TYPES = Object.keys(FILE_SIGNATURES);

export interface PlansDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  secretKey: string;
  onError: (err: unknown, what: string) => void;
}

export interface PlanInput {
  name: string;
  description: string;
  features: string[];
  limits: Record<string, number>;
  price_minor: number;
  currency: string;
  segments: Segment[];
  grace_days: number;
  terms: string;
}

export interface KycInput {
  kind: 'individual' | 'company';
  details: Record<string, string>;
  documents: { filename: string; content_type: string; content_base64: string }[];
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

export interface CustomerView {
  tenant: { id: string; name: string };
  partner: { id: string; name: string };
  segment: Segment;
  kyc_status: KycState;
  subscription: SubscriptionRow | null;
  plan_name: string | null;
}

export class PlansService {
  readonly #d: PlansDeps;
  #timer: ReturnType<typeof setInterval> | null = null;
  constructor(d: PlansDeps) {
    this.#d = d;
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
      await trx.insertInto('plans').values(row).execute();
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
      await trx.updateTable('plans').set(row).where('id', '=', id).execute();
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
    if (input.min_price_minor > input.max_price_minor) throw E.offer_price_out_of_range('The lowest price is above the highest.', { fields: [{ pointer: '/min_price_minor', detail: 'must not be above max_price_minor' }] });
    return this.#commit(async (trx) => {
      const plan = await repo.findPlan(trx, input.plan_id);
      if (!plan) throw E.plan_not_found();
      const partner = await trx.selectFrom('partners').select('id').where('id', '=', partnerId).executeTakeFirst();
      if (!partner) throw E.plan_not_allowed('The partner does not exist.');
      const now = this.#now();
      const old = await repo.findPartnerPlan(trx, partnerId, input.plan_id);
      const price = Math.min(Math.max(old?.price_minor ?? plan.price_minor, input.min_price_minor), input.max_price_minor);
      let row: PartnerPlanRow;
      if (old) {
        row = { ...old, min_price_minor: input.min_price_minor, max_price_minor: input.max_price_minor, price_minor: price, status: old.status === 'revoked' ? 'allowed' : old.status, updated_at: now };
        await trx.updateTable('partner_plans').set(row).where('id', '=', old.id).execute();
      } else {
        row = { id: newId('ppl'), partner_id: partnerId, plan_id: input.plan_id, min_price_minor: input.min_price_minor, max_price_minor: input.max_price_minor, price_minor: price, status: 'allowed', created_at: now, updated_at: now };
        await trx.insertInto('partner_plans').values(row).execute();
      }
      await this.#d.audit.record(trx, ctx, { action: 'partner.plan_allowed', partnerId, targetType: 'plan', targetId: plan.id, details: { min_price_minor: row.min_price_minor, max_price_minor: row.max_price_minor, currency: plan.currency } });
      return row;
    });
  }

  revokePlan(ctx: RequestContext, partnerId: string, planId: string): Promise<PartnerPlanRow> {
    return this.#commit(async (trx) => {
      const old = await repo.findPartnerPlan(trx, partnerId, planId);
      if (!old || old.status === 'revoked') throw E.plan_not_found();
      const row = { ...old, status: 'revoked' as const, updated_at: this.#now() };
      await trx.updateTable('partner_plans').set({ status: row.status, updated_at: row.updated_at }).where('id', '=', old.id).execute();
      await this.#d.audit.record(trx, ctx, { action: 'partner.plan_revoked', partnerId, targetType: 'plan', targetId: planId, details: {} });
      return row;
    });
  }

  /** The partner's own offer: its price within the operator's range, and whether customers see it. */
  setOffer(ctx: RequestContext, partnerId: string, planId: string, input: { price_minor?: number; offered?: boolean }): Promise<PartnerPlanRow> {
    return this.#commit(async (trx) => {
      const old = await repo.findPartnerPlan(trx, partnerId, planId);
      if (!old || old.status === 'revoked') throw E.plan_not_allowed('The operator does not allow you to offer this plan.');
      const price = input.price_minor ?? old.price_minor;
      if (price < old.min_price_minor || price > old.max_price_minor) {
        throw E.offer_price_out_of_range(`The price must be between ${old.min_price_minor} and ${old.max_price_minor} (minor units).`, { fields: [{ pointer: '/price_minor', detail: `must be between ${old.min_price_minor} and ${old.max_price_minor}` }] });
      }
      const status = input.offered === undefined ? old.status : input.offered ? 'offered' : 'allowed';
      const row = { ...old, price_minor: price, status, updated_at: this.#now() };
      await trx.updateTable('partner_plans').set({ price_minor: price, status, updated_at: row.updated_at }).where('id', '=', old.id).execute();
      await this.#d.audit.record(trx, ctx, { action: 'partner.plan_offer_changed', partnerId, targetType: 'plan', targetId: planId, details: { price_minor: price, offered: status === 'offered' } });
      return row;
    });
  }

  // ---- customers ---------------------------------------------------------------------------

  /** The customer's record, created on first use for the wholesaler that resells it (guest, basic). */
  async #ensureCustomer(trx: Tx, tenantId: string, partnerId: string | null): Promise<CustomerRow> {
    await lockRows(this.#d.db, trx, 'tenants', { id: tenantId });
    const existing = await repo.findCustomer(trx, tenantId);
    if (existing) {
      if (partnerId !== null && existing.partner_id !== partnerId) throw E.customer_not_found();
      return existing;
    }
    const reseller = await repo.findResellerOf(trx, tenantId);
    if (reseller === null || (partnerId !== null && reseller !== partnerId)) throw E.customer_not_found();
    const now = this.#now();
    const row: CustomerRow = { tenant_id: tenantId, partner_id: reseller, segment: 'basic', kyc_status: 'guest', created_at: now, updated_at: now };
    await trx.insertInto('customer_accounts').values(row).execute();
    return row;
  }

  /** A customer as its partner (or the customer itself) sees it; null when the tenant is nobody's resold customer. */
  async #customerView(db: Executor, tenantId: string): Promise<{ row: CustomerRow; partnerName: string; tenantName: string } | null> {
    const row = await repo.findCustomer(db, tenantId);
    const partnerId = row?.partner_id ?? (await repo.findResellerOf(db, tenantId));
    if (partnerId === null) return null;
    const [p, t] = await Promise.all([
      db.selectFrom('partners').select('name').where('id', '=', partnerId).executeTakeFirst(),
      db.selectFrom('tenants').select('name').where('id', '=', tenantId).executeTakeFirst(),
    ]);
    const now = this.#now();
    return { row: row ?? { tenant_id: tenantId, partner_id: partnerId, segment: 'basic', kyc_status: 'guest', created_at: now, updated_at: now }, partnerName: p?.name ?? '', tenantName: t?.name ?? '' };
  }

  async listCustomers(partnerId: string): Promise<CustomerView[]> {
    const db = this.#d.db.kysely;
    const [resold, rows, subs, partner] = await Promise.all([
      repo.listResoldTenants(db, partnerId),
      repo.listCustomers(db, partnerId),
      repo.listSubscriptionsOfPartner(db, partnerId),
      db.selectFrom('partners').select(['id', 'name']).where('id', '=', partnerId).executeTakeFirst(),
    ]);
    const plans = new Map((await repo.listPlans(db)).map((p) => [p.id, p.name]));
    const byTenant = new Map(rows.map((r) => [r.tenant_id, r]));
    const subOf = new Map<string, SubscriptionRow>();
    for (const s of subs) if (s.status !== 'cancelled' && !subOf.has(s.tenant_id)) subOf.set(s.tenant_id, s);
    return resold.map((t) => {
      const c = byTenant.get(t.tenant_id);
      const sub = subOf.get(t.tenant_id) ?? null;
      return {
        tenant: { id: t.tenant_id, name: t.name },
        partner: { id: partnerId, name: partner?.name ?? '' },
        segment: c?.segment ?? 'basic',
        kyc_status: c?.kyc_status ?? 'guest',
        subscription: sub,
        plan_name: sub ? (plans.get(sub.plan_id) ?? null) : null,
      };
    });
  }

  setSegment(ctx: RequestContext, partnerId: string, tenantId: string, segment: Segment): Promise<CustomerRow> {
    return this.#commit(async (trx) => {
      const c = await this.#ensureCustomer(trx, tenantId, partnerId);
      const row = { ...c, segment, updated_at: this.#now() };
      await trx.updateTable('customer_accounts').set({ segment, updated_at: row.updated_at }).where('tenant_id', '=', tenantId).execute();
      await this.#d.audit.record(trx, ctx, { action: 'customer.segment_changed', tenantId, partnerId, targetType: 'tenant', targetId: tenantId, details: { from: c.segment, to: segment } });
      return row;
    });
  }

  /** What the customer's own people see: their provider, segment, verification and subscription. */
  async customerOverview(tenantId: string): Promise<{ customer: CustomerView; kyc: KycCaseRow | null; documents: Omit<KycDocumentRow, 'content_enc'>[] }> {
    const db = this.#d.db.kysely;
    const v = await this.#customerView(db, tenantId);
    if (!v) throw E.customer_not_found('This organization is not served by a provider that offers plans.');
    const [sub, kyc] = await Promise.all([repo.currentSubscription(db, tenantId), repo.latestKycCase(db, tenantId)]);
    const plan = sub ? await repo.findPlan(db, sub.plan_id) : undefined;
    const documents = kyc ? await repo.listDocumentsMeta(db, [kyc.id]) : [];
    return {
      customer: { tenant: { id: tenantId, name: v.tenantName }, partner: { id: v.row.partner_id, name: v.partnerName }, segment: v.row.segment, kyc_status: v.row.kyc_status, subscription: sub ?? null, plan_name: plan?.name ?? null },
      kyc: kyc ?? null,
      documents,
    };
  }

  /** Every plan the customer's partner offers, each with whether this customer may take it and why not. */
  async availablePlans(tenantId: string): Promise<{ plan: PlanRow; offer: PartnerPlanRow; eligibility: Eligibility }[]> {
    const db = this.#d.db.kysely;
    const v = await this.#customerView(db, tenantId);
    if (!v) throw E.customer_not_found('This organization is not served by a provider that offers plans.');
    const offers = (await repo.listPartnerPlans(db, v.row.partner_id)).filter((o) => o.status === 'offered');
    const plans = new Map((await repo.listPlans(db)).map((p) => [p.id, p]));
    const out = [];
    for (const offer of offers) {
      const plan = plans.get(offer.plan_id);
      if (!plan || plan.status !== 'active') continue;
      out.push({ plan, offer, eligibility: eligibility({ customer: { segment: v.row.segment, kycStatus: v.row.kyc_status }, plan: { segments: parseList(plan.segments), status: plan.status }, offer }) });
    }
    return out.sort((a, b) => a.offer.price_minor - b.offer.price_minor);
  }

  // ---- KYC ---------------------------------------------------------------------------------

  submitKyc(ctx: RequestContext, tenantId: string, input: KycInput): Promise<{ kyc: KycCaseRow; documents: Omit<KycDocumentRow, 'content_enc'>[] }> {
    // decoded and checked before anything is written: a refused file leaves nothing behind
    const files = input.documents.map((d, i) => {
      const bytes = Buffer.from(d.content_base64, 'base64');
      if (bytes.length > KYC_MAX_DOCUMENT_BYTES) throw E.kyc_document_too_large(`"${d.filename}" is larger than ${KYC_MAX_DOCUMENT_BYTES / 1024} KiB.`, { fields: [{ pointer: `/documents/${i}/content_base64`, detail: 'too large' }] });
      const sig = FILE_SIGNATURES[d.content_type];
      if (!sig || bytes.length < sig.length || !sig.every((b, j) => bytes[j] === b)) {
        throw E.kyc_document_type_not_allowed(`"${d.filename}" is not a ${KYC_CONTENT_TYPES.join(', ')} file.`, { fields: [{ pointer: `/documents/${i}`, detail: 'not a PDF, PNG or JPEG file' }] });
      }
      return { ...d, bytes };
    });
    return this.#commit(async (trx) => {
      const c = await this.#ensureCustomer(trx, tenantId, null);
      if (c.kyc_status === 'pending' || c.kyc_status === 'verified') throw E.kyc_already_submitted(c.kyc_status === 'pending' ? 'Your verification is waiting for review.' : 'Your organization is already verified.');
      const now = this.#now();
      const kyc: KycCaseRow = {
        id: newId('kyc'),
        tenant_id: tenantId,
        partner_id: c.partner_id,
        kind: input.kind,
        details_enc: encryptWithSecret(this.#d.secretKey, JSON.stringify(input.details)),
        status: 'submitted',
        reason: null,
        submitted_by: ctx.actor.userId ?? 'system',
        submitted_at: now,
        reviewed_by: null,
        reviewed_at: null,
      };
      await trx.insertInto('kyc_cases').values(kyc).execute();
      const docs: Omit<KycDocumentRow, 'content_enc'>[] = [];
      for (const f of files) {
        const meta = { id: newId('kdoc'), case_id: kyc.id, tenant_id: tenantId, partner_id: c.partner_id, filename: f.filename, content_type: f.content_type, size_bytes: f.bytes.length, sha256: sha256(f.bytes), created_at: now };
        await trx.insertInto('kyc_documents').values({ ...meta, content_enc: encryptWithSecret(this.#d.secretKey, f.bytes.toString('base64')) }).execute();
        docs.push(meta);
      }
      await trx.updateTable('customer_accounts').set({ kyc_status: 'pending', updated_at: now }).where('tenant_id', '=', tenantId).execute();
      await this.#d.audit.record(trx, ctx, {
        action: 'kyc.submitted',
        tenantId,
        partnerId: c.partner_id,
        targetType: 'kyc_case',
        targetId: kyc.id,
        // never the details or the files: their kind, count, sizes and hashes
        details: { kind: kyc.kind, documents: docs.map((d) => ({ id: d.id, content_type: d.content_type, size_bytes: d.size_bytes, sha256: d.sha256 })) },
      });
      return { kyc, documents: docs };
    });
  }

  async listKycCases(partnerId: string, status?: string): Promise<(KycCaseRow & { tenant_name: string })[]> {
    const db = this.#d.db.kysely;
    const cases = await repo.listKycCasesOfPartner(db, partnerId, status);
    const ids = [...new Set(cases.map((c) => c.tenant_id))];
    const names = new Map(ids.length ? (await db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', ids).execute()).map((t) => [t.id, t.name]) : []);
    return cases.map((c) => ({ ...c, tenant_name: names.get(c.tenant_id) ?? '' }));
  }

  /** One case for its reviewer, with the details decrypted and the documents' descriptions. */
  async getKycCase(partnerId: string, caseId: string): Promise<{ kyc: KycCaseRow & { tenant_name: string }; details: Record<string, string>; documents: Omit<KycDocumentRow, 'content_enc'>[] }> {
    const db = this.#d.db.kysely;
    const kyc = await repo.findKycCase(db, caseId);
    if (!kyc || kyc.partner_id !== partnerId) throw E.kyc_case_not_found();
    const t = await db.selectFrom('tenants').select('name').where('id', '=', kyc.tenant_id).executeTakeFirst();
    const details = JSON.parse(decryptWithSecret(this.#d.secretKey, kyc.details_enc)) as Record<string, string>;
    return { kyc: { ...kyc, tenant_name: t?.name ?? '' }, details, documents: await repo.listDocumentsMeta(db, [kyc.id]) };
  }

  /** A document's bytes, for a reviewer; the download is audited. */
  downloadDocument(ctx: RequestContext, partnerId: string, caseId: string, documentId: string): Promise<{ filename: string; content_type: string; bytes: Buffer }> {
    return this.#commit(async (trx) => {
      const kyc = await repo.findKycCase(trx, caseId);
      if (!kyc || kyc.partner_id !== partnerId) throw E.kyc_document_not_found();
      const doc = await repo.findDocument(trx, caseId, documentId);
      if (!doc) throw E.kyc_document_not_found();
      await this.#d.audit.record(trx, ctx, { action: 'kyc.document_downloaded', tenantId: kyc.tenant_id, partnerId, targetType: 'kyc_document', targetId: doc.id, details: { case_id: caseId, sha256: doc.sha256 } });
      return { filename: doc.filename, content_type: doc.content_type, bytes: Buffer.from(decryptWithSecret(this.#d.secretKey, doc.content_enc), 'base64') };
    });
  }

  reviewKyc(ctx: RequestContext, partnerId: string, caseId: string, input: { decision: 'verify' | 'reject'; reason?: string }): Promise<KycCaseRow> {
    const reason = input.reason?.trim() || null;
    if (input.decision === 'reject' && !reason) throw E.kyc_reason_required('Say what the customer must correct.', { fields: [{ pointer: '/reason', detail: 'required when rejecting' }] });
    return this.#commit(async (trx) => {
      await lockRows(this.#d.db, trx, 'kyc_cases', { id: caseId });
      const kyc = await repo.findKycCase(trx, caseId);
      if (!kyc || kyc.partner_id !== partnerId) throw E.kyc_case_not_found();
      if (kyc.status !== 'submitted') throw E.kyc_case_already_reviewed(`The case was already ${kyc.status}.`);
      const now = this.#now();
      const status = input.decision === 'verify' ? 'verified' : 'rejected';
      const row: KycCaseRow = { ...kyc, status, reason, reviewed_by: ctx.actor.userId, reviewed_at: now };
      await trx.updateTable('kyc_cases').set({ status, reason, reviewed_by: row.reviewed_by, reviewed_at: now }).where('id', '=', caseId).execute();
      await includeTenant(this.#d.db, trx, kyc.tenant_id);
      await trx.updateTable('customer_accounts').set({ kyc_status: status, updated_at: now }).where('tenant_id', '=', kyc.tenant_id).execute();
      await this.#d.audit.record(trx, ctx, { action: status === 'verified' ? 'kyc.verified' : 'kyc.rejected', tenantId: kyc.tenant_id, partnerId, targetType: 'kyc_case', targetId: caseId, details: reason ? { reason } : {} });
      return row;
    });
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
      const c = await this.#ensureCustomer(trx, tenantId, null);
      const plan = await repo.findPlan(trx, planId);
      if (!plan) throw E.plan_not_found();
      const offer = (await repo.findPartnerPlan(trx, c.partner_id, planId)) ?? null;
      const e = eligibility({ customer: { segment: c.segment, kycStatus: c.kyc_status }, plan: { segments: parseList(plan.segments), status: plan.status }, offer });
      if (!e.allowed) throw E[e.code](e.reason);
      if (await repo.currentSubscription(trx, tenantId)) throw E.subscription_exists('Cancel the current subscription before choosing another plan.');
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
      await trx.insertInto('subscriptions').values(sub).execute();
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
      if (!plan || sha256(plan.terms) !== sub.terms_sha256 || input.terms_sha256 !== sub.terms_sha256) throw E.terms_mismatch('The terms you accepted are not the terms of this plan on record; read them again.');
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
    await trx.updateTable('subscriptions').set(set).where('id', '=', sub.id).where('status', '=', sub.status).execute();
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
      const unpaid = await repo.oldestUnpaidDue(db, [...new Set(candidates.map((c) => c.tenant_id))]);
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

export function parseList(s: string): string[] {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parseLimits(s: string): Record<string, number> {
  try {
    return JSON.parse(s) as Record<string, number>;
  } catch {
    return {};
  }
}

function toPlanInput(p: PlanRow): PlanInput {
  return { name: p.name, description: p.description, features: parseList(p.features), limits: parseLimits(p.limits), price_minor: p.price_minor, currency: p.currency, segments: parseList(p.segments) as Segment[], grace_days: p.grace_days, terms: p.terms };
}

/** What the schema cannot say: no duplicate features or segments. */
function checkPlan(p: PlanInput): void {
  if (new Set(p.features).size !== p.features.length) throw E.plan_invalid('A feature is listed twice.', { fields: [{ pointer: '/features', detail: 'duplicates' }] });
  if (new Set(p.segments).size !== p.segments.length) throw E.plan_invalid('A segment is listed twice.', { fields: [{ pointer: '/segments', detail: 'duplicates' }] });
}

export function toPlanDto(p: PlanRow) {
  return { ...toPlanInput(p), id: p.id, status: p.status, terms_sha256: sha256(p.terms), created_at: p.created_at, updated_at: p.updated_at };
}

export function toPartnerPlanDto(o: PartnerPlanRow, plan: PlanRow | undefined) {
  return { plan_id: o.plan_id, plan_name: plan?.name ?? '', currency: plan?.currency ?? '', list_price_minor: plan?.price_minor ?? 0, min_price_minor: o.min_price_minor, max_price_minor: o.max_price_minor, price_minor: o.price_minor, status: o.status, updated_at: o.updated_at };
}

export function toSubscriptionDto(s: SubscriptionRow, names: { plan?: string; tenant?: string } = {}) {
  return {
    id: s.id,
    tenant_id: s.tenant_id,
    tenant_name: names.tenant ?? null,
    plan_id: s.plan_id,
    plan_name: names.plan ?? null,
    status: s.status,
    price_minor: s.price_minor,
    currency: s.currency,
    terms_sha256: s.terms_sha256,
    signed_by: s.signed_by,
    signed_at: s.signed_at,
    activated_at: s.activated_at,
    suspended_at: s.suspended_at,
    suspension_kind: s.suspension_kind,
    suspension_reason: s.suspension_reason,
    cancelled_at: s.cancelled_at,
    created_at: s.created_at,
  };
}

export function toKycCaseDto(k: KycCaseRow & { tenant_name?: string }) {
  return { id: k.id, tenant_id: k.tenant_id, tenant_name: k.tenant_name ?? null, kind: k.kind, status: k.status, reason: k.reason, submitted_at: k.submitted_at, reviewed_at: k.reviewed_at };
}

export function toDocumentDto(d: Omit<KycDocumentRow, 'content_enc'>) {
  return { id: d.id, filename: d.filename, content_type: d.content_type, size_bytes: d.size_bytes, sha256: d.sha256, created_at: d.created_at };
}
