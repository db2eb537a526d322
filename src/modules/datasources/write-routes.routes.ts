/**
 * The operator's choice of where writes go, per record kind that can be written:
 *   GET /api/v1/data-sources/write-routes         each kind's choice, the gateway routes that could
 *                                                 take it (and what each lacks), the sources that could
 *                                                 bring the records back
 *   PUT /api/v1/data-sources/write-routes/:kind   the reference service, or a route and a source
 * Both are the data sources' permission (platform.tenants.manage); the change is audited.
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Nullable, Strict, Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { SourceRow } from './datasources.service.ts';
import type { WriteRoutesService } from './write-routes.service.ts';

const PERMISSION = 'platform.tenants.manage';
const TAGS = ['data sources'];
const Kind = Type.Union([Type.Literal('orders'), Type.Literal('tickets')]);

const Choice = Type.Object({
  kind: Kind,
  goes_to: Type.Union([Type.Literal('reference_service'), Type.Literal('provider')], { description: 'reference_service: written here at once; provider: sent to the route, provisional until the source sends it back' }),
  route_name: Nullable(Type.String()),
  source: Nullable(Type.Object({ id: Type.String(), name: Type.String(), active: Type.Boolean() })),
  confirm_within_minutes: Nullable(Type.Integer({ description: 'after this long without its record back, the portal says to check with the provider' })),
  updated_at: Nullable(Type.String({ format: 'date-time' })),
});
const WriteRoutes = Type.Object(
  {
    kinds: Type.Array(Choice),
    routes: Type.Array(
      Type.Object({
        name: Type.String(),
        prefix: Type.String(),
        missing: Type.Object({ orders: Type.Array(Type.String()), tickets: Type.Array(Type.String()) }, { description: 'per kind, the calls this route has no rule for (empty: it can take that kind)' }),
      }),
    ),
    sources: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), kinds: Type.Array(Type.String()) }), { description: 'active sources that could bring records back' }),
  },
  { title: 'WriteRoutes' },
);
const SetBody = Type.Union([
  Strict({ goes_to: Type.Literal('reference_service') }),
  Strict({
    goes_to: Type.Literal('provider'),
    route_name: Type.String({ minLength: 1, maxLength: 100 }),
    source_id: Type.String({ minLength: 1, maxLength: 64 }),
    confirm_within_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080, default: 60 })),
  }),
]);

export function writeRouteRoutes(d: { writeRoutes: WriteRoutesService; access: Access; sources: () => Promise<SourceRow[]> }): AudienceRoutes {
  const { writeRoutes, access } = d;
  const view = async () => {
    const [kinds, sources] = await Promise.all([writeRoutes.list(), d.sources()]);
    return {
      kinds: kinds.map((k) => ({
        kind: k.kind,
        goes_to: k.target ? ('provider' as const) : ('reference_service' as const),
        route_name: k.target?.routeName ?? null,
        source: k.target ? { id: k.target.sourceId, name: k.target.sourceName, active: k.source_status === 'active' } : null,
        confirm_within_minutes: k.target?.confirmWithinMinutes ?? null,
        updated_at: k.updated_at,
      })),
      routes: writeRoutes.availableRoutes(),
      sources: sources.filter((s) => s.status === 'active' && s.built_in !== 1).map((s) => ({ id: s.id, name: s.name, kinds: JSON.parse(s.kinds) as string[] })),
    };
  };
  return {
    operator(app: App): void {
      const op = { config: { operator: PERMISSION } };
      const gate = (req: FastifyRequest) => access.operator(req, PERMISSION);
      app.get('/api/v1/data-sources/write-routes', { ...op, schema: { tags: TAGS, summary: 'Where new orders and tickets, and changes to them, are sent: the reference service or the provider’s system', response: { 200: WriteRoutes, ...problems(401, 403) } } }, async (req) => {
        gate(req);
        return view();
      });
      app.put(
        '/api/v1/data-sources/write-routes/:kind',
        {
          ...op,
          schema: {
            tags: TAGS,
            summary: 'Send a kind’s writes to the reference service, or to a gateway route of the provider’s system with the data source its records come back through; audited',
            params: Strict({ kind: Kind }),
            body: SetBody,
            response: { 200: WriteRoutes, ...problems(400, 401, 403) },
          },
        },
        async (req) => {
          gate(req);
          const b = req.body;
          await writeRoutes.set(req.ctx(), req.params.kind, b.goes_to === 'provider' ? { route_name: b.route_name, source_id: b.source_id, confirm_within_minutes: b.confirm_within_minutes } : null);
          return view();
        },
      );
    },
  };
}
