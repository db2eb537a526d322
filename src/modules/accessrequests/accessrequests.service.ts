/**
 * Access templates and approval policies (AWS partner temporary delegation, Azure Lighthouse
 * offers, Google's Privileged Access Manager): the templates partners ask with (templates.ts), the
 * requests and their approval (requests.ts), the tenants' approval policies (policies.ts), the
 * sweep that reminds and expires (request-sweep.ts), and the "waiting for you" count of the bell.
 * Approval creates the delegation through the delegations module: no policy is decided here twice.
 */
import { asSystem } from '../../platform/db/db-context.ts';
import type { AccessRequestStatus } from '../../platform/db/schema.ts';
import { tenantQueries } from '../tenants/index.ts';
import { accessRequestErrors as E } from './accessrequests.errors.ts';
import * as repo from './accessrequests.repo.ts';
import type { AccessRequestsDeps } from './accessrequests.types.ts';
import { ApprovalPolicies } from './policies.ts';
import { requestViews, type Side } from './request-views.ts';
import { AccessRequestSweep } from './request-sweep.ts';
import { AccessRequests } from './requests.ts';
import { AccessTemplates } from './templates.ts';

export type { TemplateRow } from './accessrequests.repo.ts';
export type AccessRequestView = Awaited<ReturnType<typeof requestViews>>[number];

export class AccessRequestsService {
  readonly #d: AccessRequestsDeps;
  readonly templates: AccessTemplates;
  readonly policies: ApprovalPolicies;
  readonly requests: AccessRequests;
  readonly sweep: AccessRequestSweep;

  constructor(d: AccessRequestsDeps) {
    this.#d = d;
    this.templates = new AccessTemplates(d);
    this.policies = new ApprovalPolicies(d);
    this.requests = new AccessRequests(d, this.policies);
    this.sweep = new AccessRequestSweep(d, this.templates);
  }

  async list(side: Side, f: { tenantId?: string; partnerId?: string; status?: AccessRequestStatus[]; limit: number; before?: string }): Promise<AccessRequestView[]> {
    const rows = await repo.listRequests(this.#d.db.kysely, f);
    return requestViews(this.#d.db.kysely, this.templates, rows, side);
  }

  async get(side: Side, id: string, scope: { tenantId?: string; partnerId?: string }): Promise<AccessRequestView> {
    const r = await repo.findRequest(this.#d.db.kysely, id);
    if (!r || (scope.tenantId && r.tenant_id !== scope.tenantId) || (scope.partnerId && r.partner_id !== scope.partnerId)) throw E.access_request_not_found();
    const [v] = await requestViews(this.#d.db.kysely, this.templates, [r], side);
    return v;
  }

  /**
   * The bell's "waiting for you": per tenant this person administers, the pending requests they
   * may still answer (one count per request; not their own, not already approved by them).
   */
  async waitingFor(userId: string, adminOf: readonly string[]) {
    const counts = await asSystem(() => repo.countWaitingFor(this.#d.db.kysely, adminOf, userId));
    const names = counts.length ? await tenantQueries.findTenantNames(this.#d.db.kysely, counts.map((c) => c.tenant_id)) : new Map<string, string>();
    return counts.map((c) => ({ tenant_id: c.tenant_id, tenant_name: names.get(c.tenant_id) ?? 'your organization', count: c.n }));
  }
}
