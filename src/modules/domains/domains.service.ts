/**
 * Verified domains per organization: a partner or a tenant claims an e-mail domain, publishes the
 * TXT record it is given, and asks for a check. A domain is verified by one organization at a time
 * (the partial unique index of migration 0032 backs the check made here); another organization may
 * still hold a pending claim, which a check then refuses with domain_taken.
 *
 * The DNS lookup runs outside any transaction; its outcome is written, with its audit event, in one.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockRows, mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { randomToken } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { normalizeDomain } from './domain-name.ts';
import type { TxtChecker } from './dns-check.ts';
import { domainErrors as E } from './domains.errors.ts';
import * as repo from './domains.repo.ts';
import type { DomainRow, Owner } from './domains.repo.ts';
import { problemDetails as PD } from './domains.problem-details.ts';
export type { DomainRow, Owner } from './domains.repo.ts';

/**
 * How long a verified domain stays verified while DNS gives no definite answer about its record (timeouts,
 * refusals, server failures), counted from the first such re-check: an outage of the organization's DNS or of
 * ours neither un-verifies it at once nor keeps it verified for ever. Stated in docs/partners-and-customers/single-sign-on.md.
 */
export const DNS_UNANSWERED_GRACE_MS = 72 * 3_600_000;

/** A check's outcome: the row as written, and whether DNS gave no definite answer about the record. */
export type CheckedDomain = DomainRow & { unanswered: boolean };

export interface DomainsDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  dns: TxtChecker;
}

export class DomainsService {
  readonly #d: DomainsDeps;
  constructor(d: DomainsDeps) {
    this.#d = d;
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  /** The audit event's organization fields for a row's owner. */
  #about(owner: Owner): { tenantId: string | null; partnerId: string | null } {
    return owner.type === 'tenant' ? { tenantId: owner.id, partnerId: null } : { tenantId: null, partnerId: owner.id };
  }

  list(owner: Owner): Promise<DomainRow[]> {
    return repo.listDomainsOfOwner(this.#d.db.kysely, owner);
  }

  listAll(q: { limit: number; cursor?: string; domain?: string }): Promise<DomainRow[]> {
    return repo.listAllDomains(this.#d.db.kysely, q);
  }

  /** The one verified claim of a domain (which organization's people it routes), if any. */
  verifiedClaim(domain: string): Promise<DomainRow | undefined> {
    return repo.findVerified(this.#d.db.kysely, domain);
  }

  /** Verified domains whose last check is older than `beforeIso`: what the periodic re-check looks at. */
  dueForRecheck(beforeIso: string, limit: number): Promise<DomainRow[]> {
    return repo.listVerifiedCheckedBefore(this.#d.db.kysely, beforeIso, limit);
  }

  /** Another organization's domain looks exactly like a missing one. */
  async require(owner: Owner, id: string): Promise<DomainRow> {
    const row = await repo.findDomainOfOwner(this.#d.db.kysely, owner, id);
    if (!row) throw E.domain_not_found();
    return row;
  }

  /** Which of these verified rows' domains another organization has verified (ids of the caller's rows). */
  async takenElsewhere(rows: DomainRow[]): Promise<Set<string>> {
    const verified = await repo.findVerifiedDomains(this.#d.db.kysely, [...new Set(rows.filter((r) => r.status !== 'verified').map((r) => r.domain))]);
    const byDomain = new Map(verified.map((v) => [v.domain, v]));
    return new Set(rows.filter((r) => r.status !== 'verified' && byDomain.has(r.domain)).map((r) => r.id));
  }

  /** Claim a domain: a pending row with a fresh token to publish. */
  async add(ctx: RequestContext, owner: Owner, input: string): Promise<DomainRow> {
    const v = normalizeDomain(input);
    if (!v.ok) throw E[v.code](v.reason);
    const now = this.#now();
    const row: DomainRow = {
      id: newId('dom'),
      owner_type: owner.type,
      owner_id: owner.id,
      domain: v.domain,
      token: randomToken(24),
      status: 'pending',
      verified_at: null,
      last_checked_at: null,
      last_check_result: null,
      dns_unanswered_since: null,
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    };
    return mutate(this.#d.db, async (trx) => {
      await repo.insertDomain(trx, row);
      await this.#d.audit.record(trx, ctx, { action: 'domain.added', ...this.#about(owner), targetType: 'domain', targetId: row.id, details: { domain: row.domain } });
      return row;
    });
  }

  /**
   * Look the TXT record up now and record the outcome. Found: verified (unless another organization
   * verified the domain first: 409 domain_taken, nothing changes). Not found: failed, with the reason
   * in words; a verified domain whose record went away is no longer verified.
   * Failures close: when DNS gives no definite answer (a timeout, a refusal, a server failure), a verified domain
   * stays verified — nothing that depends on it relaxes, "require single sign-on" included — for
   * DNS_UNANSWERED_GRACE_MS from the first such check (`unanswered: true`, audited as domain.check_unanswered), and
   * is un-verified only once the outage outlasts that; a domain not yet verified simply fails the check.
   */
  async check(ctx: RequestContext, owner: Owner, id: string): Promise<CheckedDomain> {
    const before = await this.require(owner, id);
    const outcome = await this.#d.dns.check(before.domain, before.token);
    return mutate(this.#d.db, async (trx) => {
      await lockRows(this.#d.db, trx, 'organization_domains', { id });
      const row = await repo.findDomainOfOwner(trx, owner, id);
      if (!row) throw E.domain_not_found();
      const now = this.#now();
      const about = { ...this.#about(owner), targetType: 'domain', targetId: id };
      if (outcome.found) {
        const holder = await repo.findVerified(trx, row.domain);
        if (holder && holder.id !== row.id) throw E.domain_taken(PD.anotherOrganizationHasAlready, { values: { domain: row.domain } });
        const result = `The TXT record was found at _partnergate.${row.domain}.`;
        const patch = { status: 'verified' as const, verified_at: row.status === 'verified' ? row.verified_at : now, last_checked_at: now, last_check_result: result, dns_unanswered_since: null, updated_at: now };
        await repo.updateDomain(trx, id, patch);
        if (row.status !== 'verified') await this.#d.audit.record(trx, ctx, { action: 'domain.verified', ...about, details: { domain: row.domain } });
        else await this.#d.audit.record(trx, ctx, { action: 'domain.checked', ...about, details: { domain: row.domain, result } });
        return { ...row, ...patch, unanswered: false };
      }
      if (!outcome.definite && row.status === 'verified') {
        const since = row.dns_unanswered_since ?? now;
        if (Date.parse(now) - Date.parse(since) < DNS_UNANSWERED_GRACE_MS) {
          const until = new Date(Date.parse(since) + DNS_UNANSWERED_GRACE_MS).toISOString();
          const result = `${outcome.reason} The domain stays verified until ${until} unless DNS answers before then.`;
          const patch = { last_checked_at: now, last_check_result: result, dns_unanswered_since: since, updated_at: now };
          await repo.updateDomain(trx, id, patch);
          await this.#d.audit.record(trx, ctx, { action: 'domain.check_unanswered', ...about, outcome: 'failure', details: { domain: row.domain, reason: outcome.reason, unanswered_since: since, verified_until: until } });
          return { ...row, ...patch, unanswered: true };
        }
      }
      // a verified domain losing its verification after the grace period says since when DNS has not answered
      const reason = outcome.definite || row.status !== 'verified' ? outcome.reason : `DNS has given no definite answer since ${row.dns_unanswered_since ?? now}: ${outcome.reason}`;
      const patch = { status: 'failed' as const, verified_at: null, last_checked_at: now, last_check_result: reason, dns_unanswered_since: null, updated_at: now };
      await repo.updateDomain(trx, id, patch);
      const action = row.status === 'verified' ? 'domain.verification_lost' : 'domain.check_failed';
      await this.#d.audit.record(trx, ctx, { action, ...about, outcome: 'failure', details: { domain: row.domain, reason } });
      return { ...row, ...patch, unanswered: false };
    });
  }

  /** The organization gives a domain up (a verified one is free for another organization from now on). */
  async remove(ctx: RequestContext, owner: Owner, id: string): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      const row = await repo.findDomainOfOwner(trx, owner, id);
      if (!row) throw E.domain_not_found();
      await this.#removeRow(trx, ctx, row);
    });
  }

  /** The operator removes any organization's domain (a dispute, a company that changed hands). */
  async removeAny(ctx: RequestContext, id: string): Promise<DomainRow> {
    return mutate(this.#d.db, async (trx) => {
      const row = await repo.findDomain(trx, id);
      if (!row) throw E.domain_not_found();
      await this.#removeRow(trx, ctx, row);
      return row;
    });
  }

  async #removeRow(trx: Tx, ctx: RequestContext, row: DomainRow): Promise<void> {
    await repo.deleteDomain(trx, row.id);
    await this.#d.audit.record(trx, ctx, {
      action: 'domain.removed',
      ...this.#about({ type: row.owner_type, id: row.owner_id }),
      targetType: 'domain',
      targetId: row.id,
      details: { domain: row.domain, status: row.status },
    });
  }
}
