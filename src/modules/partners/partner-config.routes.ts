/**
 * The partner configuration manager's operator API: read a partner's configuration,
 * replace one section (a new version), and read the version history. The sections' enforcement lives
 * with what they govern (the decision snapshot, the gateway, sessions); this is the document.
 */
import type { AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { PartnersService } from './partners.service.ts';
import { CONFIG_SECTION_SCHEMAS, CONFIG_SECTIONS, type ConfigSection, type PartnerConfig } from '../authz/index.ts';

const Params = Strict({ partner_id: Id('ptr') });
const ConfigDto = Type.Object(
  {
    partner_id: Type.String(),
    version: Type.Integer({ description: 'bumped by every change; send it back as expected_version to refuse overwriting a newer change' }),
    config: Type.Object(
      {
        features: Type.Optional(CONFIG_SECTION_SCHEMAS.features),
        roles: Type.Optional(CONFIG_SECTION_SCHEMAS.roles),
        session: Type.Optional(CONFIG_SECTION_SCHEMAS.session),
        limits: Type.Optional(CONFIG_SECTION_SCHEMAS.limits),
        api: Type.Optional(CONFIG_SECTION_SCHEMAS.api),
      },
      { additionalProperties: false },
    ),
  },
  { description: "A partner's configuration: only the sections set for it; an absent section means the platform's defaults" },
);
const ChangeDto = Type.Object({ path: Type.String(), from: Type.Unknown(), to: Type.Unknown() });
const VersionDto = Type.Object({
  version: Type.Integer(),
  section: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  changes: Type.Array(ChangeDto),
  changed_by: Nullable(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() })),
  changed_at: Type.String({ format: 'date-time' }),
});
const VersionsQuery = Strict({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'versions older than this one (the next page)' })),
  section: Type.Optional(Type.Union(CONFIG_SECTIONS.map((s) => Type.Literal(s)))),
});

export function partnerConfigRoutes(d: { partners: PartnersService; access: Access }): AudienceRoutes {
  const { partners, access } = d;
  const dto = (partnerId: string, r: { version: number; config: PartnerConfig }) => ({ partner_id: partnerId, version: r.version, config: r.config });
  return {
    // operator routes under /partners/:partner_id live in the partner router (config.operator), like /capabilities
    partner(app) {
      app.get(
        '/api/v1/partners/:partner_id/configuration',
        { config: { operator: 'platform.partners.manage' }, schema: { tags: ['partner configuration'], summary: "A partner's configuration (operator)", params: Params, response: { 200: ConfigDto, ...problems(401, 403, 404) } } },
        async (req) => {
          access.operator(req, 'platform.partners.manage');
          return dto(req.params.partner_id, await partners.getConfig(req.params.partner_id));
        },
      );

      app.get(
        '/api/v1/partners/:partner_id/configuration/versions',
        {
          config: { operator: 'platform.partners.manage' },
          schema: { tags: ['partner configuration'], summary: "A partner's configuration history, newest first (operator)", params: Params, querystring: VersionsQuery, response: { 200: Type.Object({ data: Type.Array(VersionDto), next_before: Nullable(Type.Integer()) }), ...problems(400, 401, 403, 404) } },
        },
        async (req) => {
          access.operator(req, 'platform.partners.manage');
          const limit = req.query.limit ?? 25;
          const rows = await partners.listConfigVersions(req.params.partner_id, { limit, before: req.query.before, section: req.query.section });
          const more = rows.length > limit;
          const data = rows.slice(0, limit).map((r) => ({
            version: r.version,
            section: r.section,
            before: JSON.parse(r.before) as unknown,
            after: JSON.parse(r.after) as unknown,
            changes: JSON.parse(r.diff) as { path: string; from: unknown; to: unknown }[],
            changed_by: r.changed_by ? { id: r.changed_by, name: r.changed_by_name ?? '', email: r.changed_by_email ?? '' } : null,
            changed_at: r.changed_at,
          }));
          return { data, next_before: more ? (data.at(-1)?.version ?? null) : null };
        },
      );

      for (const section of CONFIG_SECTIONS) {
        app.put(
          `/api/v1/partners/:partner_id/configuration/${section}`,
          {
            config: { operator: 'platform.partners.manage' },
            schema: {
              tags: ['partner configuration'],
              summary: `Replace the partner's ${section} settings (a new version; operator)`,
              params: Params,
              body: Strict({ value: Type.Union([CONFIG_SECTION_SCHEMAS[section], Type.Null()], { description: 'the whole section; null returns it to the platform defaults' }), expected_version: Type.Optional(Type.Integer({ minimum: 0 })) }),
              response: { 200: ConfigDto, ...problems(400, 401, 403, 404, 409) },
            },
          },
          async (req) => {
            access.operator(req, 'platform.partners.manage');
            const body = req.body as { value: never; expected_version?: number };
            return dto(req.params.partner_id, await partners.updateConfigSection(req.ctx(), req.params.partner_id, section as ConfigSection, body.value, body.expected_version));
          },
        );
      }
    },
  };
}
