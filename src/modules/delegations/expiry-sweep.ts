/**
 * The expiry sweep: active delegations past their end date are marked expired (audited). The
 * decision engine already refuses them by time; this keeps the stored status and the lists honest.
 * Every instance may run it: the update is idempotent.
 */
import { asSystem } from '../../platform/db/db-context.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import type { DelegationSteps } from './delegation-steps.ts';
import * as repo from './delegations.repo.ts';
import type { DelegationTransitions } from './transitions.ts';

export class ExpirySweep {
  readonly #s: DelegationSteps;
  readonly #transitions: DelegationTransitions;
  readonly #onError: ((err: unknown) => void) | undefined;
  #timer: NodeJS.Timeout | null = null;
  constructor(steps: DelegationSteps, transitions: DelegationTransitions, onError?: (err: unknown) => void) {
    this.#s = steps;
    this.#transitions = transitions;
    this.#onError = onError;
  }

  /** Every minute, mark lapsed delegations expired. */
  start(intervalMs = 60_000): void {
    if (this.#timer) return;
    const ctx = systemContext('delegation-expiry');
    this.#timer = setInterval(() => {
      asSystem(() => this.expireLapsed(ctx)).catch((e) => this.#onError?.(e));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Mark up to `limit` lapsed delegations expired, in one transaction; returns how many. */
  async expireLapsed(ctx: RequestContext, limit = 500): Promise<number> {
    const nowIso = this.#s.now().toISOString();
    const lapsed = await repo.listLapsed(this.#s.db.kysely, nowIso, limit);
    if (lapsed.length === 0) return 0;
    return this.#s.write(async (trx) => {
      let n = 0;
      for (const l of lapsed) if (await this.#transitions.expire(trx, ctx, l.id, nowIso)) n++;
      return n;
    });
  }
}
