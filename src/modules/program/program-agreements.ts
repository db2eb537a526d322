/**
 * Versioned agreements: drafted by the operator, signed by the partner owner (the SHA-256 of the
 * exact terms recorded), approved by the operator (superseding the version before).
 */
import type { Db } from '../../platform/db/database.ts';
import { serviceWrites } from '../../platform/db/database.ts';
import { partnerQueries } from '../partners/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { sha256 } from '../../platform/crypto.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { programErrors as E } from './program.errors.ts';
import * as repo from './program.repo.ts';
import { problemDetails as PD } from './program.problem-details.ts';

export interface AgreementInput {
  title: string;
  terms_markdown: string;
  commission: { percent_bps?: number | null; bounty_minor?: number | null; months: number; payout_threshold_minor: number; currency: string };
  effective_date: string;
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

export interface AgreementsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  /** the partner, which must have the referral capability */
  requireReferralPartner: (partnerId: string) => Promise<unknown>;
}

export class ProgramAgreements {
  readonly #d: AgreementsDeps;
  constructor(d: AgreementsDeps) {
    this.#d = d;
  }

  /** the time now, and a write that nudges the change feed */
  readonly #w = serviceWrites(() => this.#d);

  get #k() { return this.#d.db.kysely; }

  async draft(ctx: RequestContext, partnerId: string, input: AgreementInput): Promise<repo.AgreementRow> {
    await this.#d.requireReferralPartner(partnerId);
    const c = input.commission;
    if ((c.percent_bps ?? null) === null && (c.bounty_minor ?? null) === null) throw E.agreement_terms_invalid(PD.giveCommissionPercentageBounty);
    return this.#w.write(async (trx) => {
      await partnerQueries.lockPartner(this.#d.db, trx, partnerId);
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
        created_at: this.#w.now(),
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

  async sign(ctx: RequestContext, partnerId: string, agreementId: string, input: { full_name: string; accept: boolean }): Promise<repo.AgreementRow> {
    if (input.accept !== true) throw E.agreement_acceptance_required(PD.tickBoxAcceptAgreement, { fields: [{ pointer: '/body/accept', detail: 'must be true' }] });
    const a = await repo.findAgreement(this.#k, agreementId);
    if (!a || a.partner_id !== partnerId) throw E.agreement_not_found();
    if (a.status !== 'draft') throw E.agreement_not_signable(PD.versionOnlyVersionWaiting, { values: { status: a.status } });
    const patch = {
      status: 'signed' as const,
      signed_by: ctx.actor.userId,
      signed_full_name: input.full_name.trim(),
      signed_at: this.#w.now(),
      signed_ip: ctx.ip,
      signed_user_agent: ctx.userAgent,
      signed_sha256: sha256(canonicalAgreementText(a)),
    };
    return this.#w.write(async (trx) => {
      if (!(await repo.updateAgreement(trx, a.id, 'draft', patch))) throw E.agreement_not_signable(PD.versionWasSignedMoment);
      await this.#d.audit.record(trx, ctx, { action: 'partner.agreement_signed', partnerId, targetType: 'agreement', targetId: a.id, details: { version: a.version, sha256: patch.signed_sha256, full_name: patch.signed_full_name } });
      return { ...a, ...patch };
    });
  }

  async approve(ctx: RequestContext, agreementId: string): Promise<repo.AgreementRow> {
    const a = await repo.findAgreement(this.#k, agreementId);
    if (!a) throw E.agreement_not_found();
    if (a.status !== 'signed') throw E.agreement_not_approvable(PD.versionPartnerOwnerSigns, { values: { status: a.status } });
    const now = this.#w.now();
    const patch = { status: 'approved' as const, approved_by: ctx.actor.userId, approved_at: now };
    return this.#w.write(async (trx) => {
      await partnerQueries.lockPartner(this.#d.db, trx, a.partner_id);
      if (!(await repo.updateAgreement(trx, a.id, 'signed', patch))) throw E.agreement_not_approvable(PD.versionWasApprovedMoment);
      const superseded = await repo.supersedeApproved(trx, a.partner_id, a.id, now);
      await this.#d.audit.record(trx, ctx, { action: 'partner.agreement_approved', partnerId: a.partner_id, targetType: 'agreement', targetId: a.id, details: { version: a.version, superseded } });
      return { ...a, ...patch };
    });
  }
}
