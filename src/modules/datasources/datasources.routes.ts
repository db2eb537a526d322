/**
 * The portal's side of data sources:
 *  - the operator lists sources with their last sync, record counts per kind, held lines and the
 *    rejected lines of recent batches in words; registers a source (token shown once), rotates or
 *    revokes its token, applies held lines again or sets them aside;
 *  - any page showing provider records reads where they came from and when (the freshness line):
 *    a customer's own records, and a partner's managed customers'.
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Id, Name, Nullable, Strict, Type, problems } from '../../platform/http/schemas.ts';
import { admittedPerson } from '../../platform/http/admission.ts';
import type { Access } from '../authz/index.ts';
import type { DataSourcesService } from './datasources.service.ts';
import type { HeldLineRow, SourceRow } from './datasources.service.ts';
import { SOURCE_KINDS, displayVersion } from './sync-lines.ts';
import { HeldMissing } from './sync.schemas.ts';
import { missingOf } from './sync-types.ts';

/** Data sources write customers' records: the permission that manages customers. */
const PERMISSION = 'platform.tenants.manage';
const TAGS = ['data sources'];

const Kind = Type.Enum([...SOURCE_KINDS]);
const Named = Type.Object({ id: Type.String(), name: Type.String() });
const KindState = Type.Object({
  kind: Type.String({ description: 'the kind of line (billing_account, invoice, payment, service, order, ticket, usage, sla)' }),
  records: Type.Integer(),
  last_synced_at: Type.String({ format: 'date-time' }),
  last_version: Nullable(Type.Union([Type.Integer(), Type.String()])),
});
const Rejection = Type.Object({ line: Type.Integer(), kind: Nullable(Type.String()), external_id: Nullable(Type.String()), code: Type.String(), detail: Type.String() });
const Batch = Type.Object({ id: Type.String(), received_at: Type.String({ format: 'date-time' }), lines: Type.Integer(), applied: Type.Integer(), unchanged: Type.Integer(), held: Type.Integer(), rejected: Type.Integer(), rejections: Type.Array(Rejection) });
const HeldLine = Type.Object({
  id: Type.String(),
  line: Type.Integer({ description: 'its line number in the batch that sent it' }),
  kind: Type.String(),
  external_id: Type.String(),
  waiting_for: Type.String({ description: 'what it names that is not known yet, in English words, e.g. billing account BAN-123; `missing` says it as data' }),
  missing: HeldMissing,
  reason: Type.String({ description: 'in English words; `missing` says it as data' }),
  held_at: Type.String({ format: 'date-time' }),
});
const SourceDto = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    built_in: Type.Boolean({ description: 'the demo world’s records (no token)' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
    kinds: Type.Array(Kind),
    scope: Type.Object({ all: Type.Boolean(), tenants: Type.Array(Named), partners: Type.Array(Named) }),
    token_prefix: Nullable(Type.String()),
    token_created_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
    last_batch_at: Nullable(Type.String({ format: 'date-time' })),
    held_lines: Type.Integer(),
    counts: Type.Array(KindState),
  },
  { title: 'DataSource' },
);
const SourceDetail = Type.Object({ ...SourceDto.properties, held: Type.Array(HeldLine), batches: Type.Array(Batch) }, { title: 'DataSourceDetail' });
const Issued = Type.Object({ token: Type.String({ description: 'shown once; stored only as a keyed hash' }), source: SourceDto }, { title: 'DataSourceTokenIssued' });
const CreateBody = Strict({
  name: Name,
  kinds: Type.Array(Kind, { minItems: 1, maxItems: SOURCE_KINDS.length, uniqueItems: true }),
  scope: Strict({
    all: Type.Boolean({ description: 'every customer; otherwise only the listed customers and the customers of the listed partners' }),
    tenant_ids: Type.Optional(Type.Array(Id('tnt'), { maxItems: 1000, uniqueItems: true })),
    partner_ids: Type.Optional(Type.Array(Id('ptr'), { maxItems: 100, uniqueItems: true })),
  }),
});
const Params = Strict({ source_id: Id('dsrc') });
const HeldParams = Strict({ source_id: Id('dsrc'), held_id: Id('hld') });
const RetryResult = Type.Object({ applied: Type.Integer(), still_held: Type.Integer(), rejected: Type.Integer() }, { title: 'HeldLinesRetried' });
export const Freshness = Type.Object(
  {
    kinds: Type.Array(
      Type.Object({
        kind: Kind,
        sources: Type.Array(Type.Object({ source_id: Type.String(), source_name: Type.String(), last_synced_at: Type.String({ format: 'date-time' }) }), { description: 'newest sync first' }),
      }),
    ),
  },
  { title: 'DataFreshness' },
);

function waitingFor(missingKey: string): string {
  const [what, ...rest] = missingKey.split(':');
  if (what === 'ban') return `billing account ${rest.join(':')}`;
  if (what === 'tenant') return `customer ${rest.join(':')}`;
  if (what === 'invoice') return `invoice ${rest.slice(1).join(':')}`;
  return missingKey;
}

type DataSourceRouteDeps = { dataSources: DataSourcesService; access: Access; partnerTenants: (partnerId: string) => readonly string[] };

/** The sources as the operator sees them: scope by name, token prefix while active, held lines, counts per kind. */
async function sourceDtos(ds: DataSourcesService, rows: SourceRow[]) {
  const [states, held] = await Promise.all([ds.kindStates(), ds.heldCounts()]);
  const tIds = [...new Set(rows.flatMap((r) => JSON.parse(r.scope_tenant_ids) as string[]))];
  const pIds = [...new Set(rows.flatMap((r) => JSON.parse(r.scope_partner_ids) as string[]))];
  const [tn, pn] = await Promise.all([ds.tenantNames(tIds), ds.partnerNames(pIds)]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    built_in: r.built_in === 1,
    status: r.status,
    kinds: JSON.parse(r.kinds) as (typeof SOURCE_KINDS)[number][],
    scope: {
      all: r.scope_all === 1,
      tenants: (JSON.parse(r.scope_tenant_ids) as string[]).map((id) => ({ id, name: tn.get(id) ?? id })),
      partners: (JSON.parse(r.scope_partner_ids) as string[]).map((id) => ({ id, name: pn.get(id) ?? id })),
    },
    token_prefix: r.status === 'active' ? r.token_prefix : null,
    token_created_at: r.status === 'active' ? r.token_created_at : null,
    created_at: r.created_at,
    last_batch_at: r.last_batch_at,
    held_lines: held.get(r.id) ?? 0,
    counts: states.filter((s) => s.source_id === r.id).map((s) => ({ kind: s.kind, records: s.records, last_synced_at: s.last_synced_at, last_version: displayVersion(s.last_version) })),
  }));
}

async function sourceDto(ds: DataSourcesService, r: SourceRow) {
  return (await sourceDtos(ds, [r]))[0];
}

/** A held line: what it waits for, in words. */
const heldDto = (h: HeldLineRow) => ({ id: h.id, line: h.line_no, kind: h.kind, external_id: h.external_id, waiting_for: waitingFor(h.missing_key), missing: missingOf(h.missing_key), reason: h.reason, held_at: h.created_at });
/** Where the customers' records come from and when each source last synced them, per kind. */
const freshness = async (ds: DataSourcesService, tenantIds: readonly string[]) => ({ kinds: (await ds.freshness(tenantIds)) as { kind: (typeof SOURCE_KINDS)[number]; sources: { source_id: string; source_name: string; last_synced_at: string }[] }[] });

export function dataSourceRoutes(d: DataSourceRouteDeps): AudienceRoutes {
  const { dataSources: ds, access } = d;
  return {
    operator(app: App): void {
      registerSourceAdminRoutes(app, d);
    },
    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/data-freshness',
        { schema: { tags: TAGS, summary: 'Where your records come from and when each source last synced them, per kind', params: Strict({ tenant_id: Id('tnt') }), response: { 200: Freshness, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.tenantMember(req, req.params.tenant_id);
          return freshness(ds, [req.params.tenant_id]);
        },
      );
    },
    partnerSelf(app: App): void {
      app.get(
        '/api/v1/partner/data-freshness',
        {
          config: { admission: { permission: null, rateClass: 'read' } },
          schema: { tags: TAGS, summary: 'Where the records of your managed customers come from and when each source last synced them, per kind', response: { 200: Freshness, ...problems(401, 403, 429) } },
        },
        async (req) => freshness(ds, d.partnerTenants(admittedPerson(req).partnerId)),
      );
    },
  };
}

/** The data sources, for the operator: list, register, read, issue or revoke a token, retry or drop held lines. */
function registerSourceAdminRoutes(app: App, { dataSources: ds, access }: DataSourceRouteDeps): void {
  const op = { config: { operator: PERMISSION } };
  const gate = (req: FastifyRequest) => access.operator(req, PERMISSION);
  app.get('/api/v1/data-sources', { ...op, schema: { tags: TAGS, summary: 'The data sources: what each owns, for whom, its last sync, record counts and held lines', response: { 200: Type.Object({ data: Type.Array(SourceDto) }), ...problems(401, 403) } } }, async (req) => {
    gate(req);
    return { data: await sourceDtos(ds, await ds.list()) };
  });
  app.post(
    '/api/v1/data-sources',
    { ...op, schema: { tags: TAGS, summary: 'Register a data source: the record kinds it owns and the customers it may write for; its token is shown once', body: CreateBody, response: { 201: Issued, ...problems(400, 401, 403, 409) } } },
    async (req, reply) => {
      gate(req);
      const b = req.body;
      const { source, token } = await ds.create(req.ctx(), { name: b.name, kinds: b.kinds, scope: { all: b.scope.all, tenant_ids: b.scope.tenant_ids ?? [], partner_ids: b.scope.partner_ids ?? [] } });
      return reply.code(201).send({ token, source: await sourceDto(ds, source) });
    },
  );
  app.get(
    '/api/v1/data-sources/:source_id',
    { ...op, schema: { tags: TAGS, summary: 'One data source with its held lines and its last batches (rejected lines with their reasons)', params: Params, response: { 200: SourceDetail, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      gate(req);
      const s = await ds.require(req.params.source_id);
      const [held, batches] = await Promise.all([ds.listHeld(s.id), ds.listBatches(s.id)]);
      return { ...(await sourceDto(ds, s)), held: held.map(heldDto), batches: batches.map((b) => ({ id: b.id, received_at: b.received_at, lines: b.lines, applied: b.applied, unchanged: b.unchanged, held: b.held, rejected: b.rejected, rejections: JSON.parse(b.rejections) as never[] })) };
    },
  );
  app.post(
    '/api/v1/data-sources/:source_id/token',
    { ...op, schema: { tags: TAGS, summary: 'Rotate the source’s token: the new one is shown once, the previous stops working at once', params: Params, response: { 201: Issued, ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      gate(req);
      const { source, token } = await ds.rotate(req.ctx(), req.params.source_id);
      return reply.code(201).send({ token, source: await sourceDto(ds, source) });
    },
  );
  app.delete(
    '/api/v1/data-sources/:source_id/token',
    { ...op, schema: { tags: TAGS, summary: 'Revoke the source: its token stops working; its records stay', params: Params, response: { 200: SourceDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      gate(req);
      return sourceDto(ds, await ds.revoke(req.ctx(), req.params.source_id));
    },
  );
  app.post(
    '/api/v1/data-sources/:source_id/held/retry',
    { ...op, schema: { tags: TAGS, summary: 'Apply every held line of the source again (those whose billing account or customer exists now go through)', params: Params, response: { 200: RetryResult, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      gate(req);
      return ds.retryHeldLines(req.ctx(), req.params.source_id);
    },
  );
  app.post(
    '/api/v1/data-sources/:source_id/held/:held_id/retry',
    { ...op, schema: { tags: TAGS, summary: 'Apply one held line again', params: HeldParams, response: { 200: RetryResult, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      gate(req);
      return ds.retryHeldLines(req.ctx(), req.params.source_id, req.params.held_id);
    },
  );
  app.delete(
    '/api/v1/data-sources/:source_id/held/:held_id',
    { ...op, schema: { tags: TAGS, summary: 'Set a held line aside: it will not be applied', params: HeldParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      gate(req);
      await ds.dismissHeld(req.ctx(), req.params.source_id, req.params.held_id);
      return reply.code(204).send(null);
    },
  );
}
