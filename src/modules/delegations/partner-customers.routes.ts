/**
 * The caller's own partner, no partner id in the path (/api/v1/partner/…): the customers it
 * manages (the MSP views) and the context switch (X-Active-Tenant-Id).
 */
import { admittedPerson } from '../../platform/http/admission.ts';
import { checkPaging, PageFields, parseRange, parseSort } from '../../platform/http/list-params.ts';
import type { App } from '../../platform/http/app-types.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import type { Access } from '../authz/index.ts';
import { authzErrors, type AuthzService } from '../authz/index.ts';
import type { DelegationsService, DelegationStatus, DelegationView } from './delegations.service.ts';
import type { toDelegationDto } from './delegations.service.ts';
import * as S from './delegations.schemas.ts';
import { DELEGATION_SORT_FIELDS } from './delegations.schemas.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export interface PartnerCustomerRouteDeps {
  delegations: DelegationsService;
  authz: AuthzService;
  access: Access;
}

/** A delegation's wire shape, with whether the approver still counts (delegations.routes.ts builds it). */
export type DelegationDtoOf = (v: Parameters<typeof toDelegationDto>[0]) => ReturnType<typeof toDelegationDto> & { approver_active: ReturnType<AuthzService['approverActive']> };

const TAGS = ['delegations'];

export function statuses(q: string | undefined): DelegationStatus[] | undefined {
  return q ? (q.split(',') as DelegationStatus[]) : undefined;
}

function customerTenant(v: DelegationView) {
  return { id: v.tenant_id, name: v.tenant_name, slug: v.tenant_slug, status: v.tenant_status, tier: v.tenant_tier, created_at: v.tenant_created_at };
}

/** The caller's own partner's customers, and one customer (MSP views). */
export function registerCustomerRoutes(app: App, { delegations, authz }: PartnerCustomerRouteDeps, dto: DelegationDtoOf): void {
  app.get(
    '/api/v1/partner/customers',
    {
      config: { admission: { permission: null, rateClass: 'read' } },
      schema: {
        tags: TAGS,
        summary: 'Customers I manage: tenants the partner holds a delegation for, with the limited tenant view',
        description:
          'Default: requested and active delegations. A distributor also sees the customers it reaches through its resellers\' links (the customer allowed it), each with `through_reseller`; `reseller_id` narrows to one reseller\'s. ' +
          'Filter with `status` (comma-separated) and `origin`; `q` searches the customer name; `sort` by ' +
          DELEGATION_SORT_FIELDS.join(', ') +
          '; `from`/`to` (ISO 8601) bound when the link was requested. Pages with limit/offset (total) or the cursor.',
        querystring: S.CustomerListQuery,
        response: { 200: Type.Object({ data: Type.Array(S.CustomerSummary), total: PageFields.total, limit: PageFields.limit, offset: PageFields.offset, next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...problems(400, 401, 403, 429) },
      },
    },
    async (req) => {
      const { partnerId } = admittedPerson(req);
      const q = req.query;
      checkPaging(q);
      const sort = parseSort(q.sort, DELEGATION_SORT_FIELDS) as { field: (typeof DELEGATION_SORT_FIELDS)[number]; desc: boolean }[];
      const range = parseRange(q.from, q.to);
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      // two-tier partners: a distributor's resellers' customers, where decide() reaches them now (the
      // customer's admin let it act through the reseller's link); reseller_id narrows to those alone
      const reach = authz.resellerReach(partnerId);
      const chain = q.reseller_id === undefined ? { partnerId, alsoIds: reach.map((r) => r.delegationId) } : { ids: reach.filter((r) => r.resellerId === q.reseller_id).map((r) => r.delegationId) };
      const f = { ...chain, status: statuses(q.status) ?? (['requested', 'active'] as DelegationStatus[]), origin: q.origin, q: q.q, sort, createdFrom: range.from, createdTo: range.to, limit, offset };
      const [rows, total] = await Promise.all([delegations.list({ ...f, cursor: q.cursor }), delegations.count(f)]);
      const through = (v: DelegationView) => (v.partner_id === partnerId ? null : { id: v.partner_id, name: v.partner_name });
      const page = pageOf(rows, limit, (v) => ({ tenant: customerTenant(v), delegation: dto(v), through_reseller: through(v) }), (c) => c.delegation.id);
      return { ...page, next_cursor: sort.length === 0 ? page.next_cursor : null, total, limit, offset };
    },
  );

  app.get(
    '/api/v1/partner/customers/:tenant_id',
    {
      // the one customer's record: decided for this person (link ∩ member role, MFA), as the gateway would
      config: { admission: { permission: null, rateClass: 'read', tenant: { from: 'params', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'One managed customer: limited tenant view, the delegation, covered billing accounts and your effective permissions',
        description: 'Needs an effective delegation. An unknown tenant and a tenant without a delegation answer the same 404 delegation_not_found.',
        params: S.CustomerParams,
        response: { 200: S.CustomerDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { partnerId } = admittedPerson(req);
      const tenantId = req.params.tenant_id;
      const decision = authz.partnerAccess(partnerId, tenantId);
      if (!decision.allow) throw authz.refusalError(decision);
      if (!decision.delegationId) throw authzErrors.delegation_not_found(PD.noDelegationGivesAccess);
      const v = await delegations.get(decision.delegationId);
      const accounts = await delegations.billingAccounts(tenantId);
      const covered = decision.bans === null ? accounts : accounts.filter((a) => decision.bans!.includes(a.id));
      return {
        tenant: customerTenant(v),
        delegation: dto(v),
        billing_accounts: covered.map((a) => ({ id: a.id, account_number: a.account_number, name: a.name, status: a.status })),
        permissions: authz.partnerPermissions(partnerId, tenantId),
      };
    },
  );
}

/** The caller's own partner context: which customer is active and what they may do there. */
export function registerPartnerContextRoute(app: App, { authz, access }: PartnerCustomerRouteDeps): void {
  app.get(
    '/api/v1/partner/context',
    {
      config: { admission: { permission: null, rateClass: 'read', tenant: { from: 'header', field: 'x-active-tenant-id' }, nonPartnersToo: true } },
      schema: {
        tags: TAGS,
        summary: 'Resolve X-Active-Tenant-Id (the MSP context switch): the effective tenant, how you reach it and your permissions there',
        description:
          'Send `X-Active-Tenant-Id: tnt_…`. No header: 400 tenant_context_required. A tenant you have no delegation for — or one that does not exist — 404 delegation_not_found; ' +
          'a known delegation that is not effective: 403 delegation_pending, delegation_not_started, delegation_expired, delegation_revoked or delegation_rejected.',
        headers: Type.Object({ 'x-active-tenant-id': Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: S.ContextDto, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (req) => {
      const p = access.user(req);
      const ctx = authz.requireContext(req, p.userId);
      const tenantId = ctx.tenantId!;
      return {
        tenant_id: tenantId,
        via: ctx.via,
        delegation_id: ctx.delegationId,
        role: ctx.role,
        ban_ids: ctx.bans === null ? null : [...ctx.bans],
        permissions: authz.effectivePermissions({ type: 'user', userId: p.userId }, { tenantId }),
      };
    },
  );
}
