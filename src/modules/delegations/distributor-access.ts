/**
 * Two-tier partners, the customer's side: on a link (or wholesale delegation) of a reseller, the
 * customer decides whether the reseller's distributor may act through it — off by default. While
 * on, the distributor's people reach the customer with the link's permissions ∩ their own roles
 * (decide(), the chain rule); it ends when the link ends or either partner is suspended.
 * Turning it on or off is audited in the customer's log and the distributor's, naming the chain.
 */
import type { Db } from '../../platform/db/database.ts';
import { serviceWrites } from '../../platform/db/database.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { authzErrors } from '../authz/index.ts';
import * as repo from './delegations.repo.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

/** A partner's name and its distributor (modules/partners answers it). */
export interface PartnerChain {
  name: string;
  distributor: { id: string; name: string } | null;
}

export interface DistributorAccessDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  /** names and distributors of partners, by id */
  chainsOf: (partnerIds: string[]) => Promise<Map<string, PartnerChain>>;
}

/** One link of a reseller on the customer, and what its distributor may do through it. */
export interface ResellerLink {
  delegation_id: string;
  status: string;
  origin: string;
  reseller: { id: string; name: string };
  distributor: { id: string; name: string };
  distributor_access: boolean;
}

export class DistributorAccess {
  readonly #d: DistributorAccessDeps;
  readonly #w: ReturnType<typeof serviceWrites>;

  constructor(d: DistributorAccessDeps) {
    this.#d = d;
    this.#w = serviceWrites(() => d);
  }

  /** The customer's links held by partners that resell under a distributor (link and wholesale; not ended). */
  async listResellerLinks(tenantId: string): Promise<ResellerLink[]> {
    const rows = await repo.listOpenNonConsentOfTenant(this.#d.db.kysely, tenantId);
    if (rows.length === 0) return [];
    const chains = await this.#d.chainsOf([...new Set(rows.map((r) => r.partner_id))]);
    const out: ResellerLink[] = [];
    for (const r of rows) {
      const c = chains.get(r.partner_id);
      if (!c?.distributor) continue;
      out.push({ delegation_id: r.id, status: r.status, origin: r.origin, reseller: { id: r.partner_id, name: c.name }, distributor: c.distributor, distributor_access: Number(r.distributor_access) === 1 });
    }
    return out;
  }

  /**
   * The customer turns the distributor's access through one link on or off. A link of another
   * tenant, a consent, or a partner without a distributor is 404 as an unknown link.
   */
  async setDistributorAccess(ctx: RequestContext, tenantId: string, delegationId: string, allowed: boolean): Promise<ResellerLink> {
    const link = (await this.listResellerLinks(tenantId)).find((l) => l.delegation_id === delegationId);
    if (!link) throw authzErrors.delegation_not_found(PD.noLinkResellerId);
    if (link.distributor_access === allowed) return link;
    return this.#w.write(async (trx) => {
      await repo.setDistributorAccess(trx, tenantId, delegationId, allowed, this.#w.now());
      await this.#d.feed.record(trx, 'delegation', delegationId);
      const details = { delegation_id: delegationId, reseller_id: link.reseller.id, distributor_id: link.distributor.id, allowed };
      const action = allowed ? 'delegation.distributor_access_granted' : 'delegation.distributor_access_revoked';
      // the customer's log (tenant) and the distributor's (partner) both see it
      await this.#d.audit.record(trx, ctx, { action, tenantId, partnerId: link.distributor.id, targetType: 'delegation', targetId: delegationId, details });
      return { ...link, distributor_access: allowed };
    });
  }
}
