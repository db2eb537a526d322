/**
 * Sign-in domains: an organization proves it owns an e-mail domain by publishing a TXT record.
 *
 *  - partner:  /api/v1/partners/:partner_id/domains   the partner's owner (partner.profile.update)
 *  - tenant:   /api/v1/tenants/:tenant_id/domains     the tenant's admins (tenant.update)
 *  - operator: /api/v1/domains                        every organization's claims; remove any
 *
 * The organization comes from the URL behind the organization wall, never from the body.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { recordName, recordValue } from './dns-check.ts';
import type { DomainRow, DomainsService, Owner } from './domains.service.ts';
import * as S from './domains.schemas.ts';

export const PARTNER_DOMAINS_PERMISSION = 'partner.profile.update';
export const TENANT_DOMAINS_PERMISSION = 'tenant.update';
export const OPERATOR_DOMAINS_PERMISSION = 'platform.partners.manage';

export interface DomainRouteDeps {
  domains: DomainsService;
  access: Access;
  partnerNames: (ids: string[]) => Promise<Map<string, string>>;
  tenantNames: (ids: string[]) => Promise<Map<string, string>>;
}

export function toDomainDto(row: DomainRow, takenElsewhere = false) {
  return {
    id: row.id,
    domain: row.domain,
    status: row.status,
    record: { type: 'TXT' as const, name: recordName(row.domain), value: recordValue(row.token) },
    verified_at: row.verified_at,
    last_checked_at: row.last_checked_at,
    last_check_result: row.last_check_result,
    taken_elsewhere: takenElsewhere,
    created_at: row.created_at,
  };
}

const tags = ['domains'];

/** The four routes of one organization kind, under its prefix. */
function organizationRoutes(app: App, d: DomainRouteDeps, kind: 'partner' | 'tenant'): void {
  const base = kind === 'partner' ? '/api/v1/partners/:partner_id/domains' : '/api/v1/tenants/:tenant_id/domains';
  const who = kind === 'partner' ? "the partner's" : "the tenant's";
  const owner = (params: { partner_id?: string; tenant_id?: string }): Owner => ({ type: kind, id: (kind === 'partner' ? params.partner_id : params.tenant_id)! });
  const allow = (req: Parameters<Access['user']>[0], id: string) =>
    kind === 'partner' ? d.access.partner(req, id, PARTNER_DOMAINS_PERMISSION) : d.access.tenant(req, id, TENANT_DOMAINS_PERMISSION);
  const params = kind === 'partner' ? S.PartnerParams : S.TenantParams;
  const one = kind === 'partner' ? S.PartnerDomainParams : S.TenantDomainParams;
  const dto = async (row: DomainRow) => toDomainDto(row, (await d.domains.takenElsewhere([row])).has(row.id));

  app.get(base, { schema: { tags, summary: `${who} sign-in domains and the TXT record each must publish`, params, response: { 200: S.DomainList, ...problems(400, 401, 403, 404) } } }, async (req) => {
    const o = owner(req.params as never);
    allow(req, o.id);
    const rows = await d.domains.list(o);
    const taken = await d.domains.takenElsewhere(rows);
    return { data: rows.map((r) => toDomainDto(r, taken.has(r.id))) };
  });

  app.post(
    base,
    {
      schema: {
        tags,
        summary: `Claim an e-mail domain for ${who} sign-in; the answer says which TXT record to publish before checking`,
        params,
        body: S.AddDomainBody,
        response: { 201: S.DomainDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const o = owner(req.params as never);
      allow(req, o.id);
      const row = await d.domains.add(req.ctx(), o, (req.body as { domain: string }).domain);
      return reply.code(201).send(await dto(row));
    },
  );

  app.post(
    `${base}/:domain_id/check`,
    {
      schema: {
        tags,
        summary: 'Look the TXT record up now: verified when found, failed with the reason in words when not (409 domain_taken when another organization verified it first)',
        params: one,
        response: { 200: S.DomainDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const o = owner(req.params as never);
      allow(req, o.id);
      return dto(await d.domains.check(req.ctx(), o, (req.params as { domain_id: string }).domain_id));
    },
  );

  app.delete(`${base}/:domain_id`, { schema: { tags, summary: 'Give a domain up', params: one, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } }, async (req, reply) => {
    const o = owner(req.params as never);
    allow(req, o.id);
    await d.domains.remove(req.ctx(), o, (req.params as { domain_id: string }).domain_id);
    return reply.code(204).send(null);
  });
}

export function domainRoutes(d: DomainRouteDeps): AudienceRoutes {
  return {
    partner(app: App): void {
      organizationRoutes(app, d, 'partner');
    },
    tenant(app: App): void {
      organizationRoutes(app, d, 'tenant');
    },
    operator(app: App): void {
      app.get(
        '/api/v1/domains',
        {
          config: { operator: OPERATOR_DOMAINS_PERMISSION },
          schema: { tags, summary: "Every organization's sign-in domains, newest first (operator)", querystring: S.OperatorQuery, response: { 200: S.OperatorDomainPage, ...problems(400, 401, 403) } },
        },
        async (req) => {
          d.access.operator(req, OPERATOR_DOMAINS_PERMISSION);
          const q = req.query as { limit?: number; cursor?: string; domain?: string };
          const limit = q.limit ?? 50;
          const rows = await d.domains.listAll({ limit: limit + 1, cursor: q.cursor, domain: q.domain?.trim().toLowerCase() });
          const pageRows = rows.slice(0, limit);
          const ids = (t: Owner['type']) => [...new Set(pageRows.filter((r) => r.owner_type === t).map((r) => r.owner_id))];
          const [partners, tenants, taken] = await Promise.all([d.partnerNames(ids('partner')), d.tenantNames(ids('tenant')), d.domains.takenElsewhere(pageRows)]);
          const name = (r: DomainRow) => (r.owner_type === 'partner' ? partners.get(r.owner_id) : tenants.get(r.owner_id)) ?? `A removed ${r.owner_type}`;
          return {
            data: pageRows.map((r) => ({ ...toDomainDto(r, taken.has(r.id)), owner: { type: r.owner_type, id: r.owner_id, name: name(r) } })),
            next_cursor: rows.length > limit ? pageRows[pageRows.length - 1].id : null,
          };
        },
      );

      app.delete(
        '/api/v1/domains/:domain_id',
        {
          config: { operator: OPERATOR_DOMAINS_PERMISSION },
          schema: { tags, summary: "Remove any organization's domain claim (operator); a verified domain is then free to verify again", params: S.DomainParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } },
        },
        async (req, reply) => {
          d.access.operator(req, OPERATOR_DOMAINS_PERMISSION);
          await d.domains.removeAny(req.ctx(), (req.params as { domain_id: string }).domain_id);
          return reply.code(204).send(null);
        },
      );
    },
  };
}
