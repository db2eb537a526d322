/**
 * The partner program: referral codes, attributed sign-ups, the limited
 * tenant view, versioned agreements (drafted by the operator, signed by the partner owner,
 * approved by the operator), earnings computed from referred tenants' paid invoices, payouts.
 * Every mutation commits with its audit event; the program's event names (PARTNER_REFERRAL_CREATED, …) map to the dotted ones in
 * the referral program guide (docs/partners-and-customers/referral-program.md).
 */
import { negotiateLocale } from '../../platform/i18n/locales.ts';
import { randomInt } from 'node:crypto';
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import { mutateAndKick } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { renderMail } from '../../platform/mail/mail-template.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { identityErrors, identityQueries } from '../identity/index.ts';
import { tenantQueries, type TenantsService } from '../tenants/index.ts';
import type { PartnersService } from '../partners/index.ts';
import { partnerQueries, slugify } from '../partners/index.ts';
import { programErrors as E } from './program.errors.ts';
import * as repo from './program.repo.ts';
import { invoiceQueries } from '../resources/index.ts';
import { periodOf } from './earnings-math.ts';
import { EarningsComputation, byMonth, nextPayoutMinor, type ComputeResult } from './program-earnings.ts';
import { signupDoneMail, signupExistingMail } from './program-mail.ts';
import { ProgramAgreements, type AgreementInput } from './program-agreements.ts';
import { problemDetails as PD } from './program.problem-details.ts';

export type { AgreementRow, CodeListRow, EarningListRow, PayoutRow } from './program.repo.ts';
export { byMonth, nextPayoutMinor, type ComputeResult } from './program-earnings.ts';
export { canonicalAgreementText, type AgreementInput } from './program-agreements.ts';

export interface ProgramDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  identity: IdentityService;
  tenants: TenantsService;
  partners: PartnersService;
  onError?: (err: unknown) => void;
  /** e-mail to the address of a public sign-up (none when absent: the message is skipped) */
  mailer?: Mailer;
  publicUrl?: string;
  onMailError?: (err: unknown) => void;
}

/** Readable codes: no 0/O, 1/I/L, U (easy to read out and type). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
export class ProgramService {
  readonly #d: ProgramDeps;
  readonly #earnings: EarningsComputation;
  readonly #agreements: ProgramAgreements;
  #timer: NodeJS.Timeout | null = null;
  constructor(d: ProgramDeps) {
    this.#d = d;
    this.#earnings = new EarningsComputation(d);
    this.#agreements = new ProgramAgreements({ ...d, requireReferralPartner: (id) => this.requireReferralPartner(id) });
    d.tenants.setReferralHook({
      resolve: (trx, code) => this.#resolveCode(trx, code),
      record: (trx, ctx, tenantId, ref, source, at) => this.#recordAttribution(trx, ctx, tenantId, ref, source, at),
    });
  }

  readonly #now = (): string => this.#d.clock.now().toISOString();

  readonly #write = <T>(fn: (trx: Tx) => Promise<T>) => mutateAndKick(this.#d.db, this.#d.feed, fn);

  get #k() { return this.#d.db.kysely; }

  /** The partner, which must have the referral capability (only a referral partner has a program). */
  async requireReferralPartner(partnerId: string) {
    const p = await this.#d.partners.requirePartner(partnerId);
    const caps = JSON.parse(p.capabilities) as string[];
    if (!caps.includes('referral')) throw E.referral_capability_required(PD.partnerNotReferralPartner);
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

  async #resolveCode(trx: Executor, input: string): Promise<{ partnerId: string; code: string }> {
    const code = input.trim().toUpperCase();
    const row = code ? await repo.findCode(trx, code) : undefined;
    const partner = row ? await partnerQueries.findPartnerById(trx, row.partner_id) : undefined;
    if (!row || row.status !== 'active' || !partner || partner.status !== 'active' || !(JSON.parse(partner.capabilities) as string[]).includes('referral')) {
      throw E.referral_code_invalid(PD.referralCodeInvalidReferralCodeNotValid, { fields: [{ pointer: '/body/referral_code', detail: 'unknown or inactive referral code' }] });
    }
    return { partnerId: row.partner_id, code };
  }

  /** The attribution (PARTNER_REFERRAL_CREATED, then PARTNER_REFERRAL_LOCKED): written once, in the tenant's transaction. */
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
   *
   * It never says whether the address already has an account: the answer is the same for a new
   * and an existing address (201, the organization's name and slug; only the id differs), after
   * the same expensive work (the password hash), and with the same refusals (a bad referral code).
   * For an existing address nothing is written; its owner gets an e-mail saying someone tried to
   * sign up with it. A new admin gets an e-mail that the organization was created.
   */
  async signup(ctx: RequestContext, input: { organization_name: string; admin_name: string; email: string; password: string; referral_code?: string }, acceptLanguage?: string): Promise<{ id: string; name: string; slug: string }> {
    this.#d.identity.checkPassword(input.password, input.email, '/body/password');
    const email = input.email.trim().toLowerCase();
    try {
      const tenant = await asSystem(() =>
        this.#write(async (trx) => {
          if (await this.#d.identity.findUserByEmail(email, trx)) throw identityErrors.email_taken(PD.userEmailAlreadyExists);
          const slug = await this.#signupSlug(trx, input.organization_name);
          const { tenant } = await this.#d.tenants.createTenant(ctx, { name: input.organization_name.trim(), slug, referral_code: input.referral_code, referral_source: 'signup' }, trx);
          const userId = await this.#d.identity.createUser(trx, { email, name: input.admin_name.trim(), password: input.password });
          const actx = { ...ctx, actor: { ...ctx.actor, type: 'user' as const, userId } };
          await this.#d.tenants.addMember(trx, { scopeId: tenant.id, userId, role: 'TENANT_ADMIN', invitedBy: null, invitationId: null }, actx);
          return tenant;
        }),
      );
      this.#sendMail(signupDoneMail(email, this.#d.publicUrl, negotiateLocale({ acceptLanguage })));
      return tenant;
    } catch (e) {
      // also a concurrent sign-up for the same new address (users_email_key): its transaction rolled back whole
      if (!(e instanceof AppError && e.code === 'email_taken')) throw e;
    }
    // The address has an account: answer as for a new one, writing nothing.
    return asSystem(async () => {
      const [user] = await Promise.all([this.#d.identity.findUserByEmail(email), this.#d.identity.hashPassword(input.password)]);
      const db = this.#d.db.kysely;
      if (input.referral_code !== undefined) await this.#resolveCode(db, input.referral_code);
      const slug = await this.#signupSlug(db, input.organization_name);
      if (user && user.status === 'active') this.#sendMail(signupExistingMail(user, this.#d.publicUrl, await this.#d.identity.readerLocale(user.id, acceptLanguage)));
      return { id: newId('tnt'), name: input.organization_name.trim(), slug };
    });
  }

  async #signupSlug(db: Executor, organizationName: string): Promise<string> {
    let slug = slugify(organizationName);
    if (slug === 'partner') slug = 'org';
    if (await tenantQueries.findTenantBySlug(db, slug)) slug = `${slug.slice(0, 56)}-${randomInt(36 ** 5).toString(36).padStart(5, '0')}`;
    return slug;
  }

  /** After the answer, as a password-reset link is: a slow mail server keeps nobody waiting, and the answer's timing says nothing. */
  #sendMail(mail: ReturnType<typeof renderMail>): void {
    if (!this.#d.mailer) return;
    void this.#d.mailer.send(mail).catch((e: unknown) => this.#d.onMailError?.(e));
  }

  // ---- the limited tenant view -------------------------------------------------------------------

  async listReferrals(f: repo.ReferralFilter & { limit: number; offset: number }) {
    const [rows, total] = await Promise.all([repo.listReferrals(this.#k, f), repo.countReferrals(this.#k, f)]);
    return { items: await this.#withRevenue(rows), total };
  }

  async getReferral(f: repo.ReferralFilter & { tenantId: string }) {
    const rows = await repo.listReferrals(this.#k, { ...f, limit: 1, offset: 0 });
    if (rows.length === 0) throw E.referral_not_found(PD.noTenantReferredPartner);
    return (await this.#withRevenue(rows))[0];
  }

  /**
   * Aggregated revenue per referred tenant. Invoices are the tenant's own data, behind the wall
   * for the partner's context: the sum is read as the system, for tenants the caller's
   * attribution query has just returned — no invoice row leaves this function.
   */
  async #withRevenue(rows: Awaited<ReturnType<typeof repo.listReferrals>>) {
    const revenue = await asSystem(() => invoiceQueries.latestMonthlyRevenue(this.#k, rows.map((r) => r.id)));
    return rows.map((r) => ({ ...r, monthly_revenue_minor: revenue.get(r.id)?.minor ?? 0, currency: revenue.get(r.id)?.currency ?? 'EUR' }));
  }

  // ---- agreements -------------------------------------------------------------------------------

  listAgreements(partnerId: string) {
    return repo.listAgreements(this.#k, partnerId);
  }

  draftAgreement(ctx: RequestContext, partnerId: string, input: AgreementInput): Promise<repo.AgreementRow> {
    return this.#agreements.draft(ctx, partnerId, input);
  }

  signAgreement(ctx: RequestContext, partnerId: string, agreementId: string, input: { full_name: string; accept: boolean }): Promise<repo.AgreementRow> {
    return this.#agreements.sign(ctx, partnerId, agreementId, input);
  }

  approveAgreement(ctx: RequestContext, agreementId: string): Promise<repo.AgreementRow> {
    return this.#agreements.approve(ctx, agreementId);
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

  /** Earnings from the referred tenants' paid invoices (program-earnings.ts has the rules). */
  computeEarnings(ctx: RequestContext, f: { period?: string; partnerId?: string } = {}): Promise<ComputeResult> {
    return this.#earnings.compute(ctx, f);
  }


  async listEarnings(f: repo.EarningFilter & { limit: number; offset: number }) {
    const [items, total] = await Promise.all([repo.listEarnings(this.#k, f), repo.countEarnings(this.#k, f)]);
    return { items, total };
  }

  /** Every line of a partner, for the CSV export (newest month first); the export is audited. */
  async exportEarnings(ctx: RequestContext, partnerId: string) {
    const rows = await repo.listEarnings(this.#k, { partnerId, limit: 100_000, offset: 0 });
    const numbers = await repo.invoiceNumbersOf(this.#k, partnerId);
    // the payout that paid a line, by the reference the operator gave it and its day
    const payouts = await repo.payoutsByIds(this.#k, [...new Set(rows.flatMap((r) => (r.payout_id ? [r.payout_id] : [])))]);
    await this.#write((trx) => this.#d.audit.record(trx, ctx, { action: 'partner.earnings_exported', partnerId, targetType: 'partner', targetId: partnerId, details: { lines: rows.length } }));
    return rows.map((r) => ({ ...r, invoice_numbers: numbers.get(r.id) ?? [], payout: r.payout_id ? (payouts.get(r.payout_id) ?? null) : null }));
  }

  earningTotals(partnerId?: string) {
    return repo.earningTotals(this.#k, { partnerId });
  }

  async approveEarnings(ctx: RequestContext, ids: string[]): Promise<number> {
    return this.#write(async (trx) => {
      const rows = await repo.approveEarnings(trx, [...new Set(ids)], ctx.actor.userId, this.#now());
      if (rows.length === 0) throw E.earnings_not_approvable(PD.noneTheseEarningsPending);
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

  /**
   * A payout batch: pays the partner's approved lines (all, or the ones named) net of every
   * clawback not yet paid (a refund after an earlier payout, approved by this payout), at or above
   * the current agreement's threshold. A batch whose net is zero or less is refused: a payout never
   * goes below zero, the clawbacks wait for the next earnings.
   */
  async recordPayout(ctx: RequestContext, input: { partner_id: string; reference: string; paid_date: string; earning_ids?: string[] }): Promise<repo.PayoutRow> {
    await this.#d.partners.requirePartner(input.partner_id);
    return this.#write(async (trx) => {
      await partnerQueries.lockPartner(this.#d.db, trx, input.partner_id);
      const ids = input.earning_ids ? [...new Set(input.earning_ids)] : undefined;
      const found = await repo.listForPayout(trx, input.partner_id, ids);
      if (ids && !ids.every((id) => found.some((l) => l.id === id && l.state === 'approved'))) throw E.payout_lines_invalid(PD.someTheseEarningsNot);
      const earned = found.filter((l) => l.kind !== 'clawback' || ids?.includes(l.id));
      if (earned.length === 0) throw E.payout_nothing_to_pay(PD.partnerHasNoApproved);
      const currencies = new Set(earned.map((l) => l.currency));
      if (currencies.size !== 1) throw E.payout_lines_invalid(PD.payoutOneCurrencyChoose);
      const currency = earned[0].currency;
      const lines = [...new Map([...earned, ...found.filter((l) => l.kind === 'clawback' && l.currency === currency)].map((l) => [l.id, l])).values()];
      const amount = lines.reduce((s, l) => s + l.amount_minor, 0);
      const clawedBack = lines.filter((l) => l.kind === 'clawback').reduce((s, l) => s + l.amount_minor, 0);
      if (amount <= 0) throw E.payout_net_not_positive(`Refunds after earlier payouts (${-clawedBack}) take back at least what is approved (${amount - clawedBack}); nothing is paid until new earnings exceed them.`);
      const current = (await repo.listAgreements(trx, input.partner_id)).find((a) => a.status === 'approved');
      const threshold = current?.payout_threshold_minor ?? 0;
      if (amount < threshold) throw E.payout_below_threshold(PD.approvedEarningsBelowPayout, { values: { amount, threshold } });
      const now = this.#now();
      const payout: repo.PayoutRow = { id: newId('pay'), partner_id: input.partner_id, amount_minor: amount, currency, reference: input.reference, paid_date: input.paid_date, lines: lines.length, created_by: ctx.actor.userId, created_at: now };
      await repo.insertPayout(trx, payout);
      const paid = await repo.markPaid(trx, lines.map((l) => l.id), payout.id, ctx.actor.userId, now);
      if (paid !== lines.length) throw E.payout_lines_invalid(PD.someTheseEarningsChanged);
      await this.#d.audit.record(trx, ctx, {
        action: 'partner.earning_paid',
        partnerId: input.partner_id,
        targetType: 'payout',
        targetId: payout.id,
        details: { lines: lines.length, amount_minor: amount, clawback_minor: clawedBack, currency: payout.currency, reference: payout.reference, paid_date: payout.paid_date },
      });
      return payout;
    });
  }

  /** A line and the invoices it came from (the owner's and the operator's drill-down). */
  async earningInvoices(id: string, partnerId?: string) {
    const line = await repo.findEarning(this.#k, id);
    if (!line || (partnerId && line.partner_id !== partnerId)) throw E.earning_not_found();
    return { line, invoices: await repo.lineInvoices(this.#k, id) };
  }

  listPayouts(partnerId?: string) {
    return repo.listPayouts(this.#k, partnerId);
  }

  // ---- summaries ------------------------------------------------------------------------------------

  async summary(partnerId: string, opts: { codeCreatedBy?: string; owner: boolean }) {
    const [signUps, active, paying, totals, agreements] = await Promise.all([
      repo.countReferrals(this.#k, { partnerId, codeCreatedBy: opts.codeCreatedBy }),
      repo.countActiveReferrals(this.#k, partnerId, opts.codeCreatedBy),
      // the referred customers' invoices are outside the partner's own database context (row-level
      // security on PostgreSQL): the funnel counts them as the system, and shows only the count
      asSystem(() => repo.countPayingReferrals(this.#k, partnerId, opts.codeCreatedBy)),
      repo.earningTotals(this.#k, { partnerId }),
      repo.listAgreements(this.#k, partnerId),
    ]);
    const current = agreements.find((a) => a.status === 'approved') ?? null;
    const toSign = opts.owner ? (agreements.find((a) => a.status === 'draft') ?? null) : null;
    const months = byMonth(totals);
    return {
      sign_ups: signUps,
      active_referred_tenants: active,
      funnel: { sign_ups: signUps, customers: active, paying },
      next_payout: { amount_minor: nextPayoutMinor(months.totals), threshold_minor: current?.payout_threshold_minor ?? 0 },
      currency: current?.currency ?? totals[0]?.currency ?? 'EUR',
      ...months,
      current,
      toSign,
    };
  }

  async operatorOverview() {
    const partners = (await this.#d.partners.listPartners({ capability: 'referral', limit: 500 })).slice(0, 500);
    const [signups, totals] = await Promise.all([repo.signupCounts(this.#k), repo.partnerTotals(this.#k)]);
    const out = [];
    for (const p of partners) {
      const agreements = await repo.listAgreements(this.#k, p.id);
      const current = agreements.find((a) => a.status === 'approved');
      const t = (s: string) => totals.filter((x) => x.partner_id === p.id && x.state === s).reduce((a, x) => a + x.minor, 0);
      const mine = totals.filter((x) => x.partner_id === p.id);
      const sums = byMonth(mine.map((x) => ({ ...x, period: '' }))).totals;
      const claws = sums.clawback_minor;
      out.push({
        partner: { id: p.id, name: p.name },
        sign_ups: signups.get(p.id)?.sign_ups ?? 0,
        referred_tenants: signups.get(p.id)?.active ?? 0,
        currency: current?.currency ?? 'EUR',
        pending_minor: t('pending'),
        approved_minor: t('approved'),
        paid_minor: t('paid'),
        clawback_minor: claws,
        payout_due_minor: nextPayoutMinor(sums),
        current_agreement_version: current?.version ?? null,
        waiting: agreements.some((a) => a.status === 'signed') ? ('approve' as const) : agreements.some((a) => a.status === 'draft') ? ('sign' as const) : null,
      });
    }
    return out;
  }

  userNames(ids: (string | null)[]) {
    return identityQueries.findUserNames(this.#k, ids);
  }

  /** The customers whose paid invoices the partner's earnings come from (staff: their own codes'). */
  async referredTenantIds(partnerId: string, codeCreatedBy?: string): Promise<string[]> {
    await this.requireReferralPartner(partnerId);
    return repo.listReferredTenantIds(this.#k, partnerId, codeCreatedBy);
  }

  async requireAgreement(id: string) {
    const a = await repo.findAgreement(this.#k, id);
    if (!a) throw E.agreement_not_found();
    return a;
  }
}
