/**
 * A partner's end customers (the tenants a wholesaler resells) with their segment, and their KYC
 * cases: details and documents encrypted, never logged or audited in clear.
 */
import type { Executor, Tx } from '../../platform/db/database.ts';
import { includeTenant, lockRows, mutateAndKick } from '../../platform/db/database.ts';
import { decryptWithSecret, encryptWithSecret, sha256 } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { eligibility, type Eligibility, type KycState, type Segment } from './eligibility.ts';
import { planErrors as E } from './plans.errors.ts';
import * as repo from './plans.repo.ts';
import type { CustomerRow, KycCaseRow, KycDocumentRow, PartnerPlanRow, PlanRow, SubscriptionRow } from './plans.repo.ts';
import { parseList } from './plans-dtos.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import { delegationQueries, delegationViews } from '../delegations/index.ts';
import { problemDetails as PD } from './plans.problem-details.ts';

export const KYC_MAX_DOCUMENT_BYTES = 1024 * 1024;
export const KYC_MAX_DOCUMENTS = 3;
/** what a KYC file may be, recognised by its first bytes (the declared type must agree) */
const FILE_SIGNATURES: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};
export const KYC_CONTENT_TYPES = Object.keys(FILE_SIGNATURES);

export interface KycInput {
  kind: 'individual' | 'company';
  details: Record<string, string>;
  documents: { filename: string; content_type: string; content_base64: string }[];
}

export interface CustomerView {
  tenant: { id: string; name: string };
  partner: { id: string; name: string };
  segment: Segment;
  kyc_status: KycState;
  subscription: SubscriptionRow | null;
  plan_name: string | null;
}

export interface PlanCustomersDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  secretKey: string;
}

export class PlanCustomers {
  readonly #d: PlanCustomersDeps;
  constructor(d: PlanCustomersDeps) {
    this.#d = d;
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  async #commit<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    return mutateAndKick(this.#d.db, this.#d.feed, fn);
  }

  // ---- customers ---------------------------------------------------------------------------

  /** The customer's record, created on first use for the wholesaler that resells it (guest, basic). */
  async ensureCustomer(trx: Tx, tenantId: string, partnerId: string | null): Promise<CustomerRow> {
    await tenantQueries.lockTenant(this.#d.db, trx, tenantId);
    const existing = await repo.findCustomer(trx, tenantId);
    if (existing) {
      if (partnerId !== null && existing.partner_id !== partnerId) throw E.customer_not_found();
      return existing;
    }
    const reseller = await delegationQueries.findWholesalerOf(trx, tenantId);
    if (reseller === null || (partnerId !== null && reseller !== partnerId)) throw E.customer_not_found();
    const now = this.#now();
    const row: CustomerRow = { tenant_id: tenantId, partner_id: reseller, segment: 'basic', kyc_status: 'guest', created_at: now, updated_at: now };
    await repo.insertCustomer(trx, row);
    return row;
  }

  /** A customer as its partner (or the customer itself) sees it; null when the tenant is nobody's resold customer. */
  async #customerView(db: Executor, tenantId: string): Promise<{ row: CustomerRow; partnerName: string; tenantName: string } | null> {
    const row = await repo.findCustomer(db, tenantId);
    const partnerId = row?.partner_id ?? (await delegationQueries.findWholesalerOf(db, tenantId));
    if (partnerId === null) return null;
    const [p, t] = await Promise.all([
      partnerQueries.findPartnerById(db, partnerId),
      tenantQueries.findTenantById(db, tenantId),
    ]);
    const now = this.#now();
    return { row: row ?? { tenant_id: tenantId, partner_id: partnerId, segment: 'basic', kyc_status: 'guest', created_at: now, updated_at: now }, partnerName: p?.name ?? '', tenantName: t?.name ?? '' };
  }

  async listCustomers(partnerId: string): Promise<CustomerView[]> {
    const db = this.#d.db.kysely;
    const [resold, rows, subs, partner] = await Promise.all([
      delegationViews.listResoldTenantNames(db, partnerId),
      repo.listCustomers(db, partnerId),
      repo.listSubscriptionsOfPartner(db, partnerId),
      partnerQueries.findPartnerById(db, partnerId),
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
      const c = await this.ensureCustomer(trx, tenantId, partnerId);
      const row = { ...c, segment, updated_at: this.#now() };
      await repo.updateCustomer(trx, tenantId, { segment, updated_at: row.updated_at });
      await this.#d.audit.record(trx, ctx, { action: 'customer.segment_changed', tenantId, partnerId, targetType: 'tenant', targetId: tenantId, details: { from: c.segment, to: segment } });
      return row;
    });
  }

  /**
   * What the customer's own people see: their provider, segment, verification and subscription; null when no
   * provider that offers plans serves the organization — a state of the organization, not a missing record.
   */
  async customerOverview(tenantId: string): Promise<{ customer: CustomerView; kyc: KycCaseRow | null; documents: Omit<KycDocumentRow, 'content_enc'>[] } | null> {
    const db = this.#d.db.kysely;
    const v = await this.#customerView(db, tenantId);
    if (!v) return null;
    const [sub, kyc] = await Promise.all([repo.currentSubscription(db, tenantId), repo.latestKycCase(db, tenantId)]);
    const plan = sub ? await repo.findPlan(db, sub.plan_id) : undefined;
    const documents = kyc ? await repo.listDocumentsMeta(db, [kyc.id]) : [];
    return {
      customer: { tenant: { id: tenantId, name: v.tenantName }, partner: { id: v.row.partner_id, name: v.partnerName }, segment: v.row.segment, kyc_status: v.row.kyc_status, subscription: sub ?? null, plan_name: plan?.name ?? null },
      kyc: kyc ?? null,
      documents,
    };
  }

  /** Every plan the customer's partner offers, each with whether this customer may take it and why not (none without a provider). */
  async availablePlans(tenantId: string): Promise<{ plan: PlanRow; offer: PartnerPlanRow; eligibility: Eligibility }[]> {
    const db = this.#d.db.kysely;
    const v = await this.#customerView(db, tenantId);
    if (!v) return [];
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
      if (bytes.length > KYC_MAX_DOCUMENT_BYTES) throw E.kyc_document_too_large(PD.documentLargerThanKib, { values: { filename: d.filename, kib: KYC_MAX_DOCUMENT_BYTES / 1024 }, fields: [{ pointer: `/documents/${i}/content_base64`, detail: 'too large' }] });
      const sig = FILE_SIGNATURES[d.content_type];
      if (!sig || bytes.length < sig.length || !sig.every((b, j) => bytes[j] === b)) {
        throw E.kyc_document_type_not_allowed(PD.notFile, { values: { filename: d.filename, kycContentTypes: KYC_CONTENT_TYPES.join(', ') }, fields: [{ pointer: `/documents/${i}`, detail: 'not a PDF, PNG or JPEG file' }] });
      }
      return { ...d, bytes };
    });
    return this.#commit(async (trx) => {
      const c = await this.ensureCustomer(trx, tenantId, null);
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
      await repo.insertKycCase(trx, kyc);
      const docs: Omit<KycDocumentRow, 'content_enc'>[] = [];
      for (const f of files) {
        const meta = { id: newId('kdoc'), case_id: kyc.id, tenant_id: tenantId, partner_id: c.partner_id, filename: f.filename, content_type: f.content_type, size_bytes: f.bytes.length, sha256: sha256(f.bytes), created_at: now };
        await repo.insertKycDocument(trx, { ...meta, content_enc: encryptWithSecret(this.#d.secretKey, f.bytes.toString('base64')) });
        docs.push(meta);
      }
      await repo.updateCustomer(trx, tenantId, { kyc_status: 'pending', updated_at: now });
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
    const names = await tenantQueries.findTenantNames(db, ids);
    return cases.map((c) => ({ ...c, tenant_name: names.get(c.tenant_id) ?? '' }));
  }

  /** One case for its reviewer, with the details decrypted and the documents' descriptions. */
  async getKycCase(partnerId: string, caseId: string): Promise<{ kyc: KycCaseRow & { tenant_name: string }; details: Record<string, string>; documents: Omit<KycDocumentRow, 'content_enc'>[] }> {
    const db = this.#d.db.kysely;
    const kyc = await repo.findKycCase(db, caseId);
    if (!kyc || kyc.partner_id !== partnerId) throw E.kyc_case_not_found();
    const t = await tenantQueries.findTenantById(db, kyc.tenant_id);
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
    if (input.decision === 'reject' && !reason) throw E.kyc_reason_required(PD.sayWhatCustomerMust, { fields: [{ pointer: '/reason', detail: 'required when rejecting' }] });
    return this.#commit(async (trx) => {
      await lockRows(this.#d.db, trx, 'kyc_cases', { id: caseId });
      const kyc = await repo.findKycCase(trx, caseId);
      if (!kyc || kyc.partner_id !== partnerId) throw E.kyc_case_not_found();
      if (kyc.status !== 'submitted') throw E.kyc_case_already_reviewed(PD.caseWasAlready, { values: { status: kyc.status } });
      const now = this.#now();
      const status = input.decision === 'verify' ? 'verified' : 'rejected';
      const row: KycCaseRow = { ...kyc, status, reason, reviewed_by: ctx.actor.userId, reviewed_at: now };
      await repo.updateKycCase(trx, caseId, { status, reason, reviewed_by: row.reviewed_by, reviewed_at: now });
      await includeTenant(this.#d.db, trx, kyc.tenant_id);
      await repo.updateCustomer(trx, kyc.tenant_id, { kyc_status: status, updated_at: now });
      await this.#d.audit.record(trx, ctx, { action: status === 'verified' ? 'kyc.verified' : 'kyc.rejected', tenantId: kyc.tenant_id, partnerId, targetType: 'kyc_case', targetId: caseId, details: reason ? { reason } : {} });
      return row;
    });
  }
}
