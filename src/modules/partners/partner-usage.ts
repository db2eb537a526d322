/**
 * Partners' usage by day: the gateway notes each partner request in memory on the
 * request path (one Map update, no I/O) and this adds the counts to partner_usage in one
 * transaction every `flushIntervalMs`, from every instance (an upsert that adds, so instances
 * never overwrite each other). A batch whose write fails is kept for the next one; a crash loses
 * at most one interval of counts — the history, never a decision (the quotas are decided by the
 * rate limiter's counters). The usage views read it with the quotas from the partner's
 * configuration.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { quotaPeriods, type PartnerConfig } from '../authz/index.ts';

interface Pending {
  requests: number;
  refused: number;
}

export interface UsageDay {
  day: string;
  requests: number;
  refused: number;
}

export interface PartnerUsageView {
  daily_quota: number | null;
  monthly_quota: number | null;
  today: { day: string; requests: number; limit: number | null; resets_at: string };
  month: { month: string; requests: number; limit: number | null; resets_at: string };
  days: UsageDay[];
}

export class PartnerUsage {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;
  /** `partner|day` → counts noted since the last flush */
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  /** the current UTC day and when it ends, so a note does not format a date */
  #day = '';
  #dayEndMs = 0;

  constructor(d: { db: Db; clock: Clock; onError?: (err: unknown) => void }) {
    this.#db = d.db;
    this.#clock = d.clock;
    this.#onError = d.onError ?? (() => {});
  }

  start(intervalMs = 5_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }

  /** One request of `partnerId`: admitted, or refused for a limit or a quota. Memory only. */
  note(partnerId: string, admitted: boolean): void {
    const now = this.#clock.nowMs();
    if (now >= this.#dayEndMs || now < this.#dayEndMs - 86_400_000) {
      const p = quotaPeriods(now);
      this.#day = p.day;
      this.#dayEndMs = p.dayEndMs;
    }
    const key = partnerId + '|' + this.#day;
    let c = this.#pending.get(key);
    if (c === undefined) {
      c = { requests: 0, refused: 0 };
      this.#pending.set(key, c);
    }
    if (admitted) c.requests++;
    else c.refused++;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Add what was noted to the table (one transaction); on failure it is kept for the next flush. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushNow());
    return this.#flushing;
  }

  async #flushNow(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const now = this.#clock.now().toISOString();
    try {
      await asSystem(() =>
        mutate(this.#db, async (trx) => {
          for (const [key, c] of [...batch].sort(([a], [b]) => (a < b ? -1 : 1))) {
            const [partnerId, day] = key.split('|');
            await trx
              .insertInto('partner_usage')
              .values({ partner_id: partnerId, day, requests: c.requests, refused: c.refused, updated_at: now })
              .onConflict((oc) =>
                oc.columns(['partner_id', 'day']).doUpdateSet({
                  requests: sql<number>`partner_usage.requests + ${c.requests}`,
                  refused: sql<number>`partner_usage.refused + ${c.refused}`,
                  updated_at: now,
                }),
              )
              .execute();
          }
        }),
      );
    } catch (e) {
      // keep the counts for the next flush (merged with what was noted meanwhile)
      for (const [key, c] of batch) {
        const p = this.#pending.get(key);
        if (p) {
          p.requests += c.requests;
          p.refused += c.refused;
        } else this.#pending.set(key, c);
      }
      this.#onError(e);
    }
  }

  /**
   * A partner's usage: today's and this month's requests against its quotas, and the requests of
   * each day from `from` to `to` (inclusive, YYYY-MM-DD; default the last 30 days), days without
   * requests included as zero. What this instance noted is flushed first.
   */
  async view(partnerId: string, config: PartnerConfig, range: { from?: string; to?: string } = {}): Promise<PartnerUsageView> {
    await this.flush();
    const nowMs = this.#clock.nowMs();
    const p = quotaPeriods(nowMs);
    const to = range.to ?? p.day;
    const from = range.from ?? new Date(Date.parse(to + 'T00:00:00Z') - 29 * 86_400_000).toISOString().slice(0, 10);
    const monthStart = p.month + '-01';
    const lo = from < monthStart ? from : monthStart;
    const hi = to > p.day ? to : p.day;
    const rows = await this.#db.kysely.selectFrom('partner_usage').select(['day', 'requests', 'refused']).where('partner_id', '=', partnerId).where('day', '>=', lo).where('day', '<=', hi).execute();
    const byDay = new Map(rows.map((r) => [r.day, { requests: Number(r.requests), refused: Number(r.refused) }]));
    const days: UsageDay[] = [];
    for (let t = Date.parse(from + 'T00:00:00Z'), end = Date.parse(to + 'T00:00:00Z'); t <= end && days.length < 400; t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const r = byDay.get(day);
      days.push({ day, requests: r?.requests ?? 0, refused: r?.refused ?? 0 });
    }
    let month = 0;
    for (const [day, r] of byDay) if (day.startsWith(p.month) && day <= p.day) month += r.requests;
    const limits = config.limits;
    return {
      daily_quota: limits?.daily_quota ?? null,
      monthly_quota: limits?.monthly_quota ?? null,
      today: { day: p.day, requests: byDay.get(p.day)?.requests ?? 0, limit: limits?.daily_quota ?? null, resets_at: new Date(p.dayEndMs).toISOString() },
      month: { month: p.month, requests: month, limit: limits?.monthly_quota ?? null, resets_at: new Date(p.monthEndMs).toISOString() },
      days,
    };
  }
}
