/**
 * The purpose catalog over HTTP: every signed-in person reads it (the consent screen and the
 * customer's "Partners with access" name purposes by it); the operator adds, changes and retires
 * purposes, and sets the purpose each gateway route requires — each change audited and enforced
 * by every instance from its next request.
 */
import type { AudienceRoutes } from '../../platform/http/app-types.ts';
import { Nullable, problems, Strict, Type } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { PurposeCatalog } from './purposes.service.ts';

export const PurposeId = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$', description: 'a catalog id, e.g. billing_management' });
const Dpv = Nullable(Type.String({ pattern: '^[A-Z][A-Za-z0-9]{1,79}$', description: "the W3C DPV purpose term CAMARA's dpv:<Purpose>#<scope> scopes name it by, e.g. FraudPreventionAndDetection; null: none" }));
const PurposeDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')]),
  built_in: Type.Boolean({ description: 'seeded with the platform' }),
  dpv: Dpv,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
const RouteDto = Type.Object({
  method: Type.String(),
  pattern: Type.String(),
  permission: Nullable(Type.String()),
  upstream: Type.String({ description: 'the upstream the route forwards to' }),
  purpose: Nullable(Type.String({ description: 'the purpose a partner must have been granted to use the route; null: none' })),
});
const IdParams = Strict({ purpose_id: PurposeId });
const OPERATOR = { operator: 'platform.partners.manage' };
const TAGS = ['purposes'];

export function purposeRoutes(d: { purposes: PurposeCatalog; access: Access }): AudienceRoutes {
  const { purposes, access } = d;
  return {
    me(app) {
      app.get(
        '/api/v1/purposes',
        {
          schema: {
            tags: TAGS,
            summary: 'The purpose catalog: what partners may be granted access for',
            querystring: Strict({ include_retired: Type.Optional(Type.Boolean({ default: false })) }),
            response: { 200: Type.Object({ data: Type.Array(PurposeDto) }), ...problems(401) },
          },
        },
        async (req) => {
          access.user(req);
          return { data: purposes.list(req.query.include_retired === true) };
        },
      );
    },
    operator(app) {
      app.post(
        '/api/v1/purposes',
        {
          config: OPERATOR,
          schema: {
            tags: TAGS,
            summary: 'Add a purpose to the catalog (operator; audited as purpose.created)',
            body: Strict({ id: PurposeId, name: Type.String({ minLength: 1, maxLength: 80 }), description: Type.String({ minLength: 1, maxLength: 300 }), dpv: Type.Optional(Dpv) }),
            response: { 201: PurposeDto, ...problems(400, 401, 403, 409) },
          },
        },
        async (req, reply) => {
          access.operator(req, 'platform.partners.manage');
          return reply.code(201).send(await purposes.create(req.ctx(), req.body));
        },
      );
      app.patch(
        '/api/v1/purposes/:purpose_id',
        {
          config: OPERATOR,
          schema: {
            tags: TAGS,
            summary: "Change a purpose's name, description or DPV term (operator; audited as purpose.updated)",
            params: IdParams,
            body: Strict({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })), description: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), dpv: Type.Optional(Dpv) }),
            response: { 200: PurposeDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.operator(req, 'platform.partners.manage');
          return purposes.update(req.ctx(), req.params.purpose_id, req.body);
        },
      );
      app.post(
        '/api/v1/purposes/:purpose_id/retire',
        {
          config: OPERATOR,
          schema: { tags: TAGS, summary: 'Retire a purpose: offered to no one any more (operator; audited as purpose.retired)', params: IdParams, response: { 200: PurposeDto, ...problems(400, 401, 403, 404, 409) } },
        },
        async (req) => {
          access.operator(req, 'platform.partners.manage');
          return purposes.retire(req.ctx(), req.params.purpose_id);
        },
      );
      app.get(
        '/api/v1/gateway-routes',
        { config: OPERATOR, schema: { tags: TAGS, summary: "The gateway's routes and the purpose each requires (operator)", response: { 200: Type.Object({ data: Type.Array(RouteDto) }), ...problems(401, 403) } } },
        async (req) => {
          access.operator(req, 'platform.partners.manage');
          return { data: purposes.routes() };
        },
      );
      app.put(
        '/api/v1/gateway-routes/purpose',
        {
          config: OPERATOR,
          schema: {
            tags: TAGS,
            summary: 'Set the purpose a gateway route requires (operator; audited as gateway.route_purpose_changed)',
            description: 'A partner whose access was not granted for the purpose is refused on the route with purpose_required, on every instance from its next request.',
            body: Strict({ method: Type.String({ pattern: '^[A-Za-z]{3,7}$' }), pattern: Type.String({ minLength: 1, maxLength: 300 }), purpose_id: Nullable(PurposeId) }),
            response: { 200: RouteDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.operator(req, 'platform.partners.manage');
          return purposes.setRoutePurpose(req.ctx(), req.body.method, req.body.pattern, req.body.purpose_id);
        },
      );
    },
  };
}
