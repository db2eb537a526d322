/**
 * Scheduled delegation work that must happen exactly once per due item, however many instances
 * run it and across restarts (the state is in tables, nothing in memory):
 *  - auto-extend: an active link reaching its end date gets `auto_extend_days` more (180 by
 *    default, GDAP-like) — every link, with or without a settings row, unless the tenant opted
 *    out or the link's role or one of its eligible roles is one the tenant marked privileged. The update is a
 *    compare-and-set on the old end date under the row lock: of two instances, one extends, the
 *    other finds the date already moved and does nothing. Audited and sent as delegation.extended.
 *  - expiry notices at 30, 7 and 1 days before ends_at, to both sides: the notice row
 *    (delegation, ends_at, threshold) is inserted with ON CONFLICT DO NOTHING, and only the
 *    instance whose insert added the row writes the delegation.expiring event (in the same
 *    transaction). A later end date (a renewal, an auto-extend) gets its own notices.
 * Expiry itself stays in expiry-sweep.ts; `runOnce` runs auto-extend before it.
 */
import { asSystem } from '../../platform/db/db-context.ts';
import { lockRows, mutate } from '../../platform/db/database.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import { eventBase, privilegedOn, settingsOf, type ActivationsDeps } from './activations.ts';
import * as repo from './delegations.repo.ts';
import * as jit from './activations.repo.ts';
import * as lifecycle from './lifecycle.repo.ts';

export const NOTICE_THRESHOLDS_DAYS = [30, 7, 1] as const;
const DAY_MS = 86_400_000;

export class LifecycleSweep {
  readonly #d: ActivationsDeps;
  #timer: NodeJS.Timeout | null = null;
  constructor(d: ActivationsDeps) {
    this.#d = d;
  }

  start(intervalMs: number, expire: (ctx: RequestContext) => Promise<number>): void {
    if (this.#timer || intervalMs <= 0) return;
    const ctx = systemContext('delegation-lifecycle');
    this.#timer = setInterval(() => {
      asSystem(async () => {
        await this.autoExtend(ctx);
        await expire(ctx);
        await this.sendExpiryNotices(ctx);
      }).catch((e) => this.#d.onError?.(e));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Extend every due auto-extending link once; returns how many this call extended. */
  async autoExtend(ctx: RequestContext, limit = 200): Promise<number> {
    const nowIso = this.#d.clock.now().toISOString();
    const due = await lifecycle.listAutoExtendDue(this.#d.db.kysely, nowIso, limit);
    let n = 0;
    for (const c of due) {
      const done = await mutate(this.#d.db, async (trx) => {
        await lockRows(this.#d.db, trx, 'delegations', { id: c.id });
        const d = await repo.findDelegationById(trx, c.id);
        if (!d || d.status !== 'active' || d.ends_at !== c.ends_at || d.ends_at > nowIso) return false;
        const st = settingsOf(await jit.findSettings(trx, d.id));
        if (!st.auto_extend || privilegedOn(d.role, st).length > 0) return false;
        const endsAt = new Date(Date.parse(d.ends_at) + st.auto_extend_days * DAY_MS).toISOString();
        if (!(await lifecycle.extendIfUnchanged(trx, d.id, d.ends_at, endsAt, nowIso))) return false;
        await this.#d.feed.record(trx, 'delegation', d.id);
        await this.#d.audit.record(trx, ctx, { action: 'delegation.auto_extended', tenantId: d.tenant_id, partnerId: d.partner_id, targetType: 'delegation', targetId: d.id, details: { origin: d.origin, from: d.ends_at, to: endsAt, days: st.auto_extend_days } });
        const base = await eventBase(trx, { ...d, ends_at: endsAt }, null);
        await this.#d.events.emit(trx, { type: 'delegation.extended', tenantId: d.tenant_id, partnerId: d.partner_id, data: { ...base, reason: `Extended automatically by ${st.auto_extend_days} days.`, previous_ends_at: d.ends_at } });
        return true;
      });
      if (done) n++;
    }
    if (n > 0) await this.#d.feed.kick();
    return n;
  }

  /** Send the due 30/7/1-day notices (each once); returns how many this call sent. */
  async sendExpiryNotices(ctx: RequestContext, limit = 500): Promise<number> {
    const now = this.#d.clock.now();
    const nowIso = now.toISOString();
    const horizon = new Date(now.getTime() + NOTICE_THRESHOLDS_DAYS[0] * DAY_MS).toISOString();
    const due = await lifecycle.listEndingBy(this.#d.db.kysely, nowIso, horizon, limit);
    let n = 0;
    for (const d of due) {
      const left = Date.parse(d.ends_at) - now.getTime();
      // the nearest threshold crossed: a link made with 5 days left gets the 7-day notice, not the 30-day one
      const threshold = [...NOTICE_THRESHOLDS_DAYS].reverse().find((t) => left <= t * DAY_MS);
      if (threshold === undefined) continue;
      const sent = await mutate(this.#d.db, async (trx) => {
        if (!(await lifecycle.insertNoticeOnce(trx, { delegation_id: d.id, ends_at: d.ends_at, threshold_days: threshold, tenant_id: d.tenant_id, partner_id: d.partner_id, sent_at: nowIso }))) return false;
        const base = await eventBase(trx, d, null);
        await this.#d.events.emit(trx, { type: 'delegation.expiring', tenantId: d.tenant_id, partnerId: d.partner_id, data: { ...base, days_left: Math.max(0, Math.ceil(left / DAY_MS)) } });
        await this.#d.audit.record(trx, ctx, { action: 'delegation.expiry_notice_sent', tenantId: d.tenant_id, partnerId: d.partner_id, targetType: 'delegation', targetId: d.id, details: { origin: d.origin, threshold_days: threshold, ends_at: d.ends_at } });
        return true;
      });
      if (sent) n++;
    }
    return n;
  }
}

/** Notices already sent for a delegation (the portal shows them). */
export async function noticesOf(d: ActivationsDeps, delegationId: string) {
  return lifecycle.listNotices(d.db.kysely, delegationId);
}
