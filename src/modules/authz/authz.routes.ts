/** The role and permission catalogs, as data. */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, problems } from '../../platform/http/schemas.ts';
import type { Access } from './access.ts';

const RoleDto = Type.Object({
  id: Type.String(),
  catalog: Type.String(),
  name: Type.String(),
  description: Type.String(),
  grants: Type.Array(Type.String()),
}, { title: 'Role' });

export function catalogRoutes(d: { access: Access }): AudienceRoutes {

  return {
    me(app: App): void {
      app.get(
        '/api/v1/roles',
        {
          schema: {
            tags: ['authz'],
            summary: 'Role catalogs: platform, partner organization, tenant and delegation roles with their grants',
            querystring: Strict({ catalog: Type.Optional(Type.Union(['platform', 'partner', 'tenant', 'delegation'].map((c) => Type.Literal(c)))) }),
            response: { 200: Type.Object({ data: Type.Array(RoleDto) }), ...problems(400, 401, 403) },
          },
        },
        async (req) => {
          d.access.user(req);
          return { data: d.access.roles.list(req.query.catalog as never) };
        },
      );

      app.get(
        '/api/v1/permissions',
        {
          schema: {
            tags: ['authz'],
            summary: 'Every known permission name',
            response: { 200: Type.Object({ data: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })) }), ...problems(401, 403) },
          },
        },
        async (req) => {
          d.access.user(req);
          return { data: [...d.access.roles.permissions].map(([name, description]) => ({ name, description })) };
        },
      );
    },
  };
}
