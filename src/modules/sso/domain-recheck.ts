/**
 * The periodic re-check of verified sign-in domains (DOMAIN_RECHECK_INTERVAL_MS): a verified domain
 * whose TXT record is gone loses its verification (DomainsService.check writes it, audited as
 * domain.verification_lost), so single sign-on stops routing its addresses at once, and the
 * organization's owners are told (the domain.verification_lost event: bell and e-mail). When DNS gives no
 * definite answer (a timeout, a server failure), the domain stays verified for a grace period and the owners are
 * told once (domain.dns_unanswered); only an outage longer than that un-verifies it. Each round
 * looks at the domains whose last check is older than the interval, a batch at a time; every
 * instance may run it — a check is idempotent, and a second instance finds the domain checked.
 */
import { mutate, type Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { WakeableLoop } from '../../platform/wakeable-loop.ts';
import { systemContext } from '../../platform/http/request-context.ts';
import { DNS_UNANSWERED_GRACE_MS, type DomainsService } from '../domains/index.ts';
import type { EventOutbox } from '../notifications/index.ts';

const BATCH = 50;

/** Time between rounds for a re-check every `intervalMs`: a tenth of it, from 1 s to a minute, so a row is looked at soon after it is due. */
export function roundPeriodMs(intervalMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.floor(intervalMs / 10)));
}

export interface DomainRecheckDeps {
  db: Db;
  clock: Clock;
  domains: DomainsService;
  outbox: EventOutbox;
  intervalMs: number;
  onError: (err: unknown) => void;
}

export class DomainRecheck {
  readonly #d: DomainRecheckDeps;
  /** one round at a time on this instance */
  readonly #loop: WakeableLoop;
  constructor(d: DomainRecheckDeps) {
    this.#d = d;
    this.#loop = new WakeableLoop(async () => (await this.runOnce()).checked, d.onError);
  }

  /** One round: re-check the verified domains due; returns how many lost their verification. */
  async runOnce(): Promise<{ checked: number; lost: number }> {
    const before = new Date(this.#d.clock.nowMs() - this.#d.intervalMs).toISOString();
    const due = await this.#d.domains.dueForRecheck(before, BATCH);
    let lost = 0;
    const ctx = systemContext('domain-recheck');
    for (const row of due) {
      const owner = { type: row.owner_type, id: row.owner_id };
      try {
        const after = await this.#d.domains.check(ctx, owner, row.id);
        if (after.unanswered && row.dns_unanswered_since === null) {
          await mutate(this.#d.db, (trx) =>
            this.#d.outbox.emit(trx, {
              type: 'domain.dns_unanswered',
              tenantId: owner.type === 'tenant' ? owner.id : null,
              partnerId: owner.type === 'partner' ? owner.id : null,
              data: { domain: { id: row.id, domain: row.domain, reason: after.last_check_result ?? '' }, owner, verified_until: new Date(Date.parse(after.dns_unanswered_since!) + DNS_UNANSWERED_GRACE_MS).toISOString() },
            }),
          );
        }
        if (after.status === 'verified') continue;
        lost++;
        await mutate(this.#d.db, (trx) =>
          this.#d.outbox.emit(trx, {
            type: 'domain.verification_lost',
            tenantId: owner.type === 'tenant' ? owner.id : null,
            partnerId: owner.type === 'partner' ? owner.id : null,
            data: { domain: { id: row.id, domain: row.domain, reason: after.last_check_result ?? 'The TXT record was not found.' }, owner },
          }),
        );
      } catch (e) {
        this.#d.onError(e);
      }
    }
    return { checked: due.length, lost };
  }

  start(): void {
    if (this.#d.intervalMs > 0) this.#loop.start(roundPeriodMs(this.#d.intervalMs));
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
