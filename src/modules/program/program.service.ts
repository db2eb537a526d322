/**
 * The partner program (issue 14, seed 003): referral codes, attributed sign-ups, the limited
 * tenant view, versioned agreements (drafted by the operator, signed by the partner owner,
 * approved by the operator), earnings computed from referred tenants' paid invoices, payouts.
 * Every mutation commits with its audit event; seed 003's event names map to the dotted ones in
 * README "Partner program".
 */
import { randomInt } from 'node:crypto';
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockRows, mutate } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { sha256 } from '../../platform/crypto.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { identityErrors } from '../identity/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { PartnersService } from '../partners/index.ts';
import { slugify } from '../partners/index.ts';
import { programErrors as E } from './program.errors.ts';
import * as repo from './program.repo.ts';
import { commissionMinor, monthsBetween, periodOf } from './earnings-math.ts';

export type { AgreementRow, CodeListRow, EarningListRow, PayoutRow } from './program.repo.ts';

export interface ProgramDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  identity: IdentityService;
  tenants: TenantsService;
  partners: PartnersService;
  onError?: (err: unknown) => void;
}

/** Readable codes: no 0/O, 1/I/L, U (easy to read out and type). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
/** A page of the earnings computation: referred tenants read (and their lines written, in one transaction) at a time. */
const TENANT_PAGE = 200;
/** A page of one month's computation: paid invoices read at a time. */
const INVOICE_PAGE = 2_000;

export interface AgreementInput {
  title: string;
  terms_markdown: string;
  commission: { percent_bps?: number | null; bounty_minor?: number | null; months: number; payout_threshold_minor: number; currency: string };
  effective_date: string;
}

export interface ComputeResult {
  periods: string[] | 'all';
  created: number;
  reversed: number;
  unchanged: number;
}

/** The exact text an owner signs: every term of the version, in a fixed order (its SHA-256 is recorded). */
export function canonicalAgreementText(a: repo.AgreementRow): string {
  return JSON.stringify([
    ['id', a.id],
    ['partner_id', a.partner_id],
    ['version', a.version],
    ['title', a.title],
    ['terms_markdown', a.terms_markdown],
    ['percent_bps', a.percent_bps],
    ['bounty_minor', a.bounty_minor],
    ['months', a.months],
    ['payout_threshold_minor', a.payout_threshold_minor],
    ['currency', a.currency],
    ['effective_date', a.effective_date],
  ]);
}

export class ProgramService {
  readonly #d: ProgramDeps;
  #timer: NodeJS.Timeout | null = null;
  constructor(d: ProgramDeps) {
    this.#d = d;
    d.tenants.setReferralHook({
      resolve: (trx, code) => this.#resolveCode(trx, code),
      record: (trx, ctx, tenantId, ref, source, at) => this.#recordAttribution(trx, ctx, tenantId, ref, source, at),
    });
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  async #write<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    try {
      return await mutate(this.#d.db, fn);
    } finally {
      await this.#d.feed.kick();
    }
  }

  get #k() {
    return this.#d.db.kysely;
  }

  /** The partner, which must have the referral capability (only a referral partner has a program). */
  async requireReferralPartner(partnerId: string) {
    const p = await this.#d.partners.requirePartner(partnerId);
    const caps = JSON.parse(p.capabilities) as string[];
    if (!caps.includes('referral')) throw E.referral_capability_required('This partner is not a referral partner.');
    return p;
  }

  // ---- codes ----------------------------------------------------------------------------------

  /** `fixed`: the demo world's codes, the same on every installation (a code a person may type). */
  async createCode(ctx: RequestContext, partnerId: string, input: { label?: string; landing_note?: string }, fixed?: string) {
    const partner = await this.requireReferralPartner(partnerId);
    const prefix = (slugify(partner.name).split('-')[0] || 'REF').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12) || 'REF';
    return this.#write(async (trx) => {
      for (let attempt = 0; ; attempt++) {
        let suffix = '';
        for (let i = 0; i < (attempt < 5 ? 4 : 6); i++) suffix += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
        const code = fixed ?? `${prefix}-${suffix}`;
        if (!fixed && (await repo.findCode(trx, code))) continue;
        const now = this.#now();
        const row: repo.CodeRow = { code, partner_id: partnerId, label: input.label ?? null, landing_note: input.landing_note ?? null, status: 'active', created_by: ctx.actor.userId, created_at: now, updated_at: now };
        await repo.insertCode(trx, row);
        await this.#d.audit.record(trx, ctx, { action: 'partner.referral_code_created', partnerId, targetType: 'referral_code', targetId: code, details: { label: row.label } });
        return code;
      }
    });
  }

  async setCodeActive(ctx: RequestContext, partnerId: string, code: string, active: boolean): Promise<void> {
    const row = await repo.findCode(this.#k, code);
    if (!row || row.partner_id !== partnerId) throw E.referral_code_not_found();
    const status = active ? 'active' : 'inactive';
    if (row.status === status) return;
    await this.#write(async (trx) => {
      await repo.updateCodeStatus(trx, code, status, this.#now());
      await this.#d.audit.record(trx, ctx, { action: active ? 'partner.referral_code_activated' : 'partner.referral_code_deactivated', partnerId, targetType: 'referral_code', targetId: code });
    });
  }

  async getCode(partnerId: string, code: string, createdBy?: string): Promise<repo.CodeListRow> {
    const all = await repo.listCodes(this.#k, { partnerId, createdBy, limit: 10_000, offset: 0 });
    const row = all.find((c) => c.code === code);
    if (!row) throw E.referral_code_not_found();
    return row;
  }

  async listCodes(f: { partnerId: string; createdBy?: string; limit: number; offset: number }) {
    const [items, total] = await Promise.all([repo.listCodes(this.#k, f), repo.countCodes(this.#k, f)]);
    return { items, total };
  }

  /** What the public sign-up page shows for a code: only an active code of an active referral partner answers. */
  async landing(code: string): Promise<{ partner_name: string; landing_note: string | null } | null> {
    const row = await repo.findCode(this.#k, code.trim().toUpperCase());
    if (!row || row.status !== 'active') return null;
    const p = await this.#d.partners.getPartner(row.partner_id);
    if (!p || p.status !== 'active' || !(JSON.parse(p.capabilities) as string[]).includes('referral')) return null;
    return { partner_name: p.name, landing_note: row.landing_note };
  }

  async #resolveCode(trx: Tx, input: string): Promise<{ partnerId: string; code: string }> {
    const code = input.trim().toUpperCase();
    const row = code ? await repo.findCode(trx, code) : undefined;
    const partner = row ? await repo.findPartnerBrief(trx, row.partner_id) : undefined;
    if (!row || row.status !== 'active' || !partner || partner.status !== 'active' || !(JSON.parse(partner.capabilities) as string[]).includes('referral')) {
      throw E.referral_code_invalid('This referral code is not valid. Check it, or sign up without one.', { fields: [{ pointer: '/body/referral_code', detail: 'unknown or inactive referral code' }] });
    }
    return { partnerId: row.partner_id, code };
  }

  /** The attribution (seed 003 PARTNER_REFERRAL_CREATED, then PARTNER_REFERRAL_LOCKED): written once, in the tenant's transaction. */
  async #recordAttribution(trx: Tx, ctx: RequestContext, tenantId: string, ref: { partnerId: string; code: string }, source: 'signup' | 'operator', when?: string): Promise<void> {
    const at = when ?? this.#now();
    await repo.insertAttribution(trx, { tenant_id: tenantId, partner_id: ref.partnerId, code: ref.code, attributed_at: at, source });
    await this.#d.audit.record(trx, ctx, { action: 'partner.referral_created', tenantId, partnerId: ref.partnerId, targetType: 'tenant', targetId: tenantId, details: { code: ref.code, source } });
    await this.#d.audit.record(trx, ctx, { action: 'partner.referral_locked', tenantId, partnerId: ref.partnerId, targetType: 'tenant', targetId: tenantId, details: { code: ref.code, locked_at: at } });
  }

  // ---- public sign-up --------------------------------------------------------------------------

  /**
   * A new customer organization signs itself up: the tenant, its first admin (who can log in at
   * once) and, with a code, the attribution — one transaction. The request has no organization
   * yet, so it runs as the system (it creates the tenant it then writes for).
   */
  async signup(ctx: RequestContext, input: { organization_name: string; admin_name: string; email: string; password: string; referral_code?: string }) {
    this.#d.identity.checkPassword(input.password, input.email, '/body/password');
    const email = input.email.trim().toLowerCase();
    return asSystem(() =>
      this.#write(async (trx) => {
        if (await this.#d.identity.findUserByEmail(email, trx)) throw identityErrors.email_taken('A user with this email already exists; log in instead.');
        let slug = slugify(input.organization_name);
        if (slug === 'partner') slug = 'org';
        if (await repo.tenantSlugTaken(trx, slug)) slug = `${slug.slice(0, 56)}-${randomInt(36 ** 5).toString(36).padStart(5, '0')}`;
        const { tenant } = await this.#d.tenants.createTenant(ctx, { name: input.organization_name.trim(), slug, referral_code: input.referral_code, referral_source: 'signup' }, trx);
        const userId = await this.#d.identity.createUser(trx, { email, name: input.admin_name.trim(), password: input.password });
        const actx = { ...ctx, actor: { ...ctx.actor, type: 'user' as const, userId } };
        await this.#d.tenants.addMember(trx, { scopeId: tenant.id, userId, role: 'TENANT_ADMIN', invitedBy: null, invitationId: null }, actx);
        return tenant;
      }),
    );
  }

  // ---- the limited tenant view -------------------------------------------------------------------

  async listReferrals(f: repo.ReferralFilter & { limit: number; offset: number }) {
    const [rows, total] = await Promise.all([repo.listReferrals(this.#k, f), repo.countReferrals(this.#k, f)]);
    return { items: await this.#withRevenue(rows), total };
  }

  async getReferral(f: repo.ReferralFilter & { tenantId: string }) {
    const rows = await repo.listReferrals(this.#k, { ...f, limit: 1, offset: 0 });
    if (rows.length === 0) throw E.referral_not_found('No tenant referred by this partner has this id.');
    return (await this.#withRevenue(rows))[0];
  }

  /**
   * Aggregated revenue per referred tenant. Invoices are the tenant's own data, behind the wall
   * for the partner's context: the sum is read as the system, for tenants the caller's
   * attribution query has just returned — no invoice row leaves this function.
   */
  async #withRevenue(rows: Awaited<ReturnType<typeof repo.listReferrals>>) {
    const revenue = await asSystem(() => repo.latestMonthlyRevenue(this.#k, rows.map((r) => r.id)));
    return rows.map((r) => ({ ...r, monthly_revenue_minor: revenue.get(r.id)?.minor ?? 0, currency: revenue.get(r.id)?.currency ?? 'EUR' }));
  }

  // ---- agreements -------------------------------------------------------------------------------

  listAgreements(partnerId: string) {
    return repo.listAgreements(this.#k, partnerId);
  }

  async draftAgreement(ctx: RequestContext, partnerId: string, input: AgreementInput): Promise<repo.AgreementRow> {
    await this.requireReferralPartner(partnerId);
    const c = input.commission;
    if ((c.percent_bps ?? null) === null && (c.bounty_minor ?? null) === null) throw E.agreement_terms_invalid('Give a commission percentage, a bounty per qualified sign-up, or both.');
    return this.#write(async (trx) => {
      await lockRows(this.#d.db, trx, 'partners', { id: partnerId });
      const row: repo.AgreementRow = {
        id: newId('agr'),
        partner_id: partnerId,
        version: (await repo.maxAgreementVersion(trx, partnerId)) + 1,
        title: input.title,
        terms_markdown: input.terms_markdown,
        percent_bps: c.percent_bps ?? null,
        bounty_minor: c.bounty_minor ?? null,
        months: c.months,
        payout_threshold_minor: c.payout_threshold_minor,
        currency: c.currency,
        effective_date: input.effective_date,
        status: 'draft',
        created_by: ctx.actor.userId,
        created_at: this.#now(),
        signed_by: null,
        signed_full_name: null,
        signed_at: null,
        signed_ip: null,
        signed_user_agent: null,
        signed_sha256: null,
        approved_by: null,
        approved_at: null,
        superseded_at: null,
      };
      await repo.insertAgreement(trx, row);
      await this.#d.audit.record(trx, ctx, { action: 'partner.agreement_created', partnerId, targetType: 'agreement', targetId: row.id, details: { version: row.version, title: row.title } });
      return row;
    });
  }

  async signAgreement(ctx: RequestContext, partnerId: string, agreementId: string, input: { full_name: string; accept: boolean }): Promise<repo.AgreementRow> {
    if (input.accept !== true) throw E.agreement_acceptance_required('Tick the box to accept the agreement.', { fields: [{ pointer: '/body/accept', detail: 'must be true' }] });
    const a = await repo.findAgreement(this.#k, agreementId);
    if (!a || a.partner_id !== partnerId) throw E.agreement_not_found();
    if (a.status !== 'draft') throw E.agreement_not_signable(`This version is ${a.status}; only a version waiting for a signature can be signed.`);
    const patch = {
      status: 'signed' as const,
      signed_by: ctx.actor.userId,
      signed_full_name: input.full_name.trim(),
      signed_at: this.#now(),
      signed_ip: ctx.ip,
      signed_user_agent: ctx.userAgent,
      signed_sha256: sha256(canonicalAgreementText(a)),
    };
    return this.#write(async (trx) => {
      if (!(await repo.updateAgreement(trx, a.id, 'draft', patch))) throw E.agreement_not_signable('This version was signed a moment ago.');
      await this.#d.audit.record(trx, ctx, { action: 'partner.agreement_signed', partnerId, targetType: 'agreement', targetId: a.id, details: { version: a.version, sha256: patch.signed_sha256, full_name: patch.signed_full_name } });
      return { ...a, ...patch };
    });
  }

  async approveAgreement(ctx: RequestContext, agreementId: string): Promise<repo.AgreementRow> {
    const a = await repo.findAgreement(this.#k, agreementId);
    if (!a) throw E.agreement_not_found();
    if (a.status !== 'signed') throw E.agreement_not_approvable(`This version is ${a.status}; the partner owner signs it first.`);
    const now = this.#now();
    const patch = { status: 'approved' as const, approved_by: ctx.actor.userId, approved_at: now };
    return this.#write(async (trx) => {
      await lockRows(this.#d.db, trx, 'partners', { id: a.partner_id });
      if (!(await repo.updateAgreement(trx, a.id, 'signed', patch))) throw E.agreement_not_approvable('This version was approved a moment ago.');
      const superseded = await repo.supersedeApproved(trx, a.partner_id, a.id, now);
      await this.#d.audit.record(trx, ctx, { action: 'partner.agreement_approved', partnerId: a.partner_id, targetType: 'agreement', targetId: a.id, details: { version: a.version, superseded } });
      return { ...a, ...patch };
    });
  }

  // ---- earnings -----------------------------------------------------------------------------------

  /** Compute once an hour, on every instance (idempotent; the unique key keeps instances from double-counting). */
  startSchedule(intervalMs = 3_600_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      asSystem(() => this.runScheduled()).catch((e) => this.#d.onError?.(e));
    }, intervalMs);
    this.#timer.unref();
  }

  /**
   * One scheduled run: last month (its late payments and refunds) and this month, by the
   * project's clock.
   */
  async runScheduled(): Promise<ComputeResult[]> {
    const ctx = systemContext('program-earnings');
    const now = this.#d.clock.now();
    const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    return [await this.computeEarnings(ctx, { period: periodOf(prev) }), await this.computeEarnings(ctx, { period: periodOf(now) })];
  }

  stopSchedule(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /**
   * Earnings from the referred tenants' paid invoices, under the agreement in force for each
   * invoice's month (the latest approved version effective by then; none → nothing accrues):
   *  - commission: percent_bps of the invoice's subtotal (before tax), rounded half up to the
   *    minor unit, for invoices within `months` months of the sign-up, in the agreement's currency;
   *  - bounty: bounty_minor once per tenant, on its first paid month's first invoice since the
   *    sign-up (a "qualified sign-up").
   * One line per (kind, source): the unique key and insert-or-nothing make a re-run — or a second
   * instance computing at the same moment — change nothing. Lines whose invoice is no longer paid
   * (refunded, voided) become reversed. Streamed page by page (referred tenants by id for a full
   * run, the month's invoices by id for one month), one transaction per page with its audit event,
   * so memory stays bounded whatever the number of invoices.
   */
  async computeEarnings(ctx: RequestContext, f: { period?: string; partnerId?: string } = {}): Promise<ComputeResult> {
    return asSystem(async () => {
      const agreements = await repo.listInForceAgreements(this.#k, f.partnerId);
      const byPartner = new Map<string, repo.AgreementRow[]>();
      for (const a of agreements) byPartner.set(a.partner_id, [...(byPartner.get(a.partner_id) ?? []), a]);
      let created = 0;
      let reversed = 0;
      let unchanged = 0;
      for (const [partnerId, list] of byPartner) {
        const r = await this.#computePartner(ctx, partnerId, list, f.period);
        created += r.created;
        reversed += r.reversed;
        unchanged += r.unchanged;
      }
      return { periods: f.period ? [f.period] : 'all', created, reversed, unchanged };
    });
  }

  async #computePartner(ctx: RequestContext, partnerId: string, agreements: repo.AgreementRow[], period?: string) {
    const inForce = (p: string): repo.AgreementRow | null => {
      let best: repo.AgreementRow | null = null;
      for (const a of agreements) if (a.effective_date.slice(0, 7) <= p && (!best || a.effective_date > best.effective_date || (a.effective_date === best.effective_date && a.version > best.version))) best = a;
      return best;
    };
    let created = 0;
    let unchanged = 0;
    const insertPage = async (lines: repo.EarningRow[]) => {
      if (lines.length === 0) return;
      const inserted = await this.#write(async (trx) => {
        const got = await repo.insertEarnings(trx, lines);
        if (got.length > 0) {
          await this.#d.audit.record(trx, ctx, {
            action: 'partner.earning_created',
            partnerId,
            targetType: 'partner',
            targetId: partnerId,
            details: { lines: got.length, amount_minor: got.reduce((s, l) => s + l.amount_minor, 0), currency: got[0].currency, periods: [...new Set(got.map((l) => l.period))].sort() },
          });
        }
        return got.length;
      });
      created += inserted;
      unchanged += lines.length - inserted;
    };
    const line = (a: repo.AgreementRow, inv: { tenant_id: string; period: string; id: string; base: number }, kind: 'commission' | 'bounty', amount: number): repo.EarningRow => ({
      id: newId('ern'),
      partner_id: partnerId,
      tenant_id: inv.tenant_id,
      agreement_id: a.id,
      period: inv.period,
      kind,
      source_invoice_id: inv.id,
      source_key: kind === 'commission' ? inv.id : inv.tenant_id,
      base_minor: inv.base,
      amount_minor: amount,
      currency: a.currency,
      state: 'pending',
      payout_id: null,
      created_at: this.#now(),
      approved_at: null,
      approved_by: null,
      reversed_at: null,
    });
    /** the agreement in force for an invoice's month, if the invoice may earn under it */
    const applicable = (p: { period: string; currency: string; attributed_at: string }): repo.AgreementRow | null => {
      const a = inForce(p.period);
      if (!a || p.currency !== a.currency) return null;
      const age = monthsBetween(p.attributed_at.slice(0, 7), p.period);
      return age >= 0 && age < a.months ? a : null;
    };

    const wantCommission = agreements.some((a) => a.percent_bps !== null);
    const wantBounty = agreements.some((a) => a.bounty_minor !== null);
    /** the lines of some referred tenants and (some of) their paid invoices; lines that exist already are left out */
    const linesFor = async (tenants: repo.ReferredTenant[], invoices: repo.SourceInvoice[]) => {
      const since = new Map(tenants.map((x) => [x.tenant_id, x.attributed_at]));
      const existing = await repo.existingLineKeys(this.#k, [...since.keys()]);
      const out: repo.EarningRow[] = [];
      if (wantCommission) {
        for (const inv of invoices) {
          const signedUp = since.get(inv.tenant_id);
          const a = signedUp ? applicable({ ...inv, attributed_at: signedUp }) : null;
          if (a && a.percent_bps !== null) out.push(line(a, { ...inv, base: inv.subtotal_cents }, 'commission', commissionMinor(inv.subtotal_cents, a.percent_bps)));
        }
      }
      if (wantBounty) {
        // only tenants without their bounty yet (in steady state: the new ones)
        const open = tenants.filter((x) => !existing.has(`bounty:${x.tenant_id}`));
        unchanged += period ? 0 : tenants.length - open.length;
        for (const f of await repo.firstPaidOf(this.#k, open, period)) {
          const a = applicable({ ...f, attributed_at: since.get(f.tenant_id)! });
          if (a && a.bounty_minor !== null) out.push(line(a, { tenant_id: f.tenant_id, period: f.period, id: f.invoice_id, base: 0 }, 'bounty', a.bounty_minor));
        }
      }
      const fresh = out.filter((l) => !existing.has(`${l.kind}:${l.source_key}`));
      unchanged += out.length - fresh.length;
      return fresh;
    };

    if (period) {
      // one month: its paid invoices page by page (an index range), kept when a tenant of this partner's
      for (let after = ''; ; ) {
        const page = await repo.pagePeriodInvoices(this.#k, { period, after, limit: INVOICE_PAGE });
        if (page.length === 0) break;
        after = page[page.length - 1].id;
        const tenants = await repo.attributionsAmong(this.#k, partnerId, [...new Set(page.map((i) => i.tenant_id))]);
        if (tenants.length > 0) await insertPage(await linesFor(tenants, page));
      }
    } else {
      // every month: the partner's referred tenants page by page, with all their paid invoices
      for (let after = ''; ; ) {
        const tenants = await repo.pageReferredTenants(this.#k, { partnerId, after, limit: TENANT_PAGE });
        if (tenants.length === 0) break;
        after = tenants[tenants.length - 1].tenant_id;
        await insertPage(await linesFor(tenants, wantCommission ? await repo.paidInvoicesOf(this.#k, tenants.map((x) => x.tenant_id)) : []));
      }
    }
    const rev = await this.#write(async (trx) => {
      const rows = await repo.reverseUnpaidSources(trx, { partnerId, period, now: this.#now() });
      if (rows.length > 0) {
        await this.#d.audit.record(trx, ctx, { action: 'partner.earning_reversed', partnerId, targetType: 'partner', targetId: partnerId, details: { lines: rows.length, amount_minor: rows.reduce((s, l) => s + l.amount_minor, 0) } });
      }
      return rows.length;
    });
    return { created, reversed: rev, unchanged };
  }

  async listEarnings(f: repo.EarningFilter & { limit: number; offset: number }) {
    const [items, total] = await Promise.all([repo.listEarnings(this.#k, f), repo.countEarnings(this.#k, f)]);
    return { items, total };
  }

  /** Every line of a partner, for the CSV export (newest month first); the export is audited. */
  async exportEarnings(ctx: RequestContext, partnerId: string) {
    const rows = await repo.listEarnings(this.#k, { partnerId, limit: 100_000, offset: 0 });
    await this.#write((trx) => this.#d.audit.record(trx, ctx, { action: 'partner.earnings_exported', partnerId, targetType: 'partner', targetId: partnerId, details: { lines: rows.length } }));
    return rows;
  }

  earningTotals(partnerId?: string) {
    return repo.earningTotals(this.#k, { partnerId });
  }

  async approveEarnings(ctx: RequestContext, ids: string[]): Promise<number> {
    return this.#write(async (trx) => {
      const rows = await repo.approveEarnings(trx, [...new Set(ids)], ctx.actor.userId, this.#now());
      if (rows.length === 0) throw E.earnings_not_approvable('None of these earnings is pending.');
      const byPartner = new Map<string, { n: number; minor: number }>();
      for (const r of rows) {
        const t = byPartner.get(r.partner_id) ?? { n: 0, minor: 0 };
        t.n++;
        t.minor += r.amount_minor;
        byPartner.set(r.partner_id, t);
      }
      for (const [partnerId, t] of byPartner) {
        await this.#d.audit.record(trx, ctx, { action: 'partner.earning_approved', partnerId, targetType: 'partner', targetId: partnerId, details: { lines: t.n, amount_minor: t.minor } });
      }
      return rows.length;
    });
  }

  /** A payout batch: pays the partner's approved lines (all, or the ones named), at or above the current agreement's threshold. */
  async recordPayout(ctx: RequestContext, input: { partner_id: string; reference: string; paid_date: string; earning_ids?: string[] }): Promise<repo.PayoutRow> {
    await this.#d.partners.requirePartner(input.partner_id);
    return this.#write(async (trx) => {
      await lockRows(this.#d.db, trx, 'partners', { id: input.partner_id });
      const ids = input.earning_ids ? [...new Set(input.earning_ids)] : undefined;
      const lines = await repo.listApprovedForPayout(trx, input.partner_id, ids);
      if (ids && lines.length !== ids.length) throw E.payout_lines_invalid('Some of these earnings are not approved earnings of this partner.');
      if (lines.length === 0) throw E.payout_nothing_to_pay('This partner has no approved earnings to pay.');
      const currencies = new Set(lines.map((l) => l.currency));
      if (currencies.size !== 1) throw E.payout_lines_invalid('A payout is in one currency: choose the lines of one currency.');
      const amount = lines.reduce((s, l) => s + l.amount_minor, 0);
      const current = (await repo.listAgreements(trx, input.partner_id)).find((a) => a.status === 'approved');
      const threshold = current?.payout_threshold_minor ?? 0;
      if (amount < threshold) throw E.payout_below_threshold(`The approved earnings (${amount}) are below the payout threshold (${threshold}).`);
      const payout: repo.PayoutRow = { id: newId('pay'), partner_id: input.partner_id, amount_minor: amount, currency: lines[0].currency, reference: input.reference, paid_date: input.paid_date, lines: lines.length, created_by: ctx.actor.userId, created_at: this.#now() };
      await repo.insertPayout(trx, payout);
      const paid = await repo.markPaid(trx, lines.map((l) => l.id), payout.id);
      if (paid !== lines.length) throw E.payout_lines_invalid('Some of these earnings changed a moment ago; reload and try again.');
      await this.#d.audit.record(trx, ctx, { action: 'partner.earning_paid', partnerId: input.partner_id, targetType: 'payout', targetId: payout.id, details: { lines: lines.length, amount_minor: amount, currency: payout.currency, reference: payout.reference, paid_date: payout.paid_date } });
      return payout;
    });
  }

  listPayouts(partnerId?: string) {
    return repo.listPayouts(this.#k, partnerId);
  }

  // ---- summaries ------------------------------------------------------------------------------------

  async summary(partnerId: string, opts: { codeCreatedBy?: string; owner: boolean }) {
    const [signUps, active, totals, agreements] = await Promise.all([
      repo.countReferrals(this.#k, { partnerId, codeCreatedBy: opts.codeCreatedBy }),
      repo.countActiveReferrals(this.#k, partnerId, opts.codeCreatedBy),
      repo.earningTotals(this.#k, { partnerId }),
      repo.listAgreements(this.#k, partnerId),
    ]);
    const current = agreements.find((a) => a.status === 'approved') ?? null;
    const toSign = opts.owner ? (agreements.find((a) => a.status === 'draft') ?? null) : null;
    return { sign_ups: signUps, active_referred_tenants: active, currency: current?.currency ?? totals[0]?.currency ?? 'EUR', ...byMonth(totals), current, toSign };
  }

  async operatorOverview() {
    const partners = (await this.#d.partners.listPartners({ capability: 'referral', limit: 500 })).slice(0, 500);
    const [signups, totals] = await Promise.all([repo.signupCounts(this.#k), repo.partnerTotals(this.#k)]);
    const out = [];
    for (const p of partners) {
      const agreements = await repo.listAgreements(this.#k, p.id);
      const current = agreements.find((a) => a.status === 'approved');
      const t = (s: string) => totals.filter((x) => x.partner_id === p.id && x.state === s).reduce((a, x) => a + x.minor, 0);
      out.push({
        partner: { id: p.id, name: p.name },
        sign_ups: signups.get(p.id)?.sign_ups ?? 0,
        referred_tenants: signups.get(p.id)?.active ?? 0,
        currency: current?.currency ?? 'EUR',
        pending_minor: t('pending'),
        approved_minor: t('approved'),
        paid_minor: t('paid'),
        current_agreement_version: current?.version ?? null,
        waiting: agreements.some((a) => a.status === 'signed') ? ('approve' as const) : agreements.some((a) => a.status === 'draft') ? ('sign' as const) : null,
      });
    }
    return out;
  }

  userNames(ids: (string | null)[]) {
    return repo.userNames(this.#k, ids);
  }

  async requireAgreement(id: string) {
    const a = await repo.findAgreement(this.#k, id);
    if (!a) throw E.agreement_not_found();
    return a;
  }
}

/** Totals by state and by month from grouped sums. */
export function byMonth(totals: { period: string; state: repo.EarningState; minor: number }[]) {
  const sum = { pending_minor: 0, approved_minor: 0, paid_minor: 0, reversed_minor: 0 };
  const months = new Map<string, typeof sum>();
  for (const t of totals) {
    const key = `${t.state}_minor` as keyof typeof sum;
    sum[key] += t.minor;
    const m = months.get(t.period) ?? { pending_minor: 0, approved_minor: 0, paid_minor: 0, reversed_minor: 0 };
    m[key] += t.minor;
    months.set(t.period, m);
  }
  return { totals: sum, by_month: [...months.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, m]) => ({ month, ...m })) };
}
