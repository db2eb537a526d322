/**
 * The configuration manager's features over HTTP: the operator's feature catalog (list, create, update, retire —
 * each audited), and the partner's own view of its features (what is on, and why) with the
 * owner's switch for opt-in ones, which writes through PartnersService.updateConfigSection, so it is
 * versioned and audited like an operator's change. What is on comes from the decision snapshot.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, problems } from '../../platform/http/schemas.ts';
import { authzErrors, type Access } from '../authz/index.ts';
import type { PartnersService } from './partners.service.ts';
import { toFeatureDto, type FeatureCatalogService } from './feature-catalog.service.ts';
import { problemDetails as PD } from './partners.problem-details.ts';

const FeatureKey = Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$', description: 'a stable key, e.g. exports.pdf' });
const Lifecycle = Type.Union([Type.Literal('beta'), Type.Literal('general'), Type.Literal('retired')]);
const FeatureDto = Type.Object({
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  default_on: Type.Boolean({ description: 'on for every partner unless its configuration switches it off' }),
  lifecycle: Lifecycle,
  opt_in: Type.Boolean({ description: "the partner's owner may switch it themselves" }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
const KeyParams = Strict({ key: FeatureKey });
const CreateBody = Strict({
  key: FeatureKey,
  name: Type.String({ minLength: 1, maxLength: 80 }),
  description: Type.String({ minLength: 1, maxLength: 500 }),
  default_on: Type.Boolean(),
  lifecycle: Type.Optional(Type.Union([Type.Literal('beta'), Type.Literal('general')], { default: 'beta' })),
  opt_in: Type.Boolean(),
});
const UpdateBody = Strict({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  default_on: Type.Optional(Type.Boolean()),
  lifecycle: Type.Optional(Lifecycle),
  opt_in: Type.Optional(Type.Boolean()),
});
const PartnerFeatureDto = Type.Object({
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  lifecycle: Lifecycle,
  opt_in: Type.Boolean(),
  enabled: Type.Boolean({ description: 'on for this partner now' }),
  source: Type.Union([Type.Literal('default'), Type.Literal('partner')], { description: "default: the catalog's default; partner: this partner's own setting" }),
  can_switch: Type.Boolean({ description: 'the caller may switch it (an opt-in feature, and the caller is the owner)' }),
});
const PartnerParams = Strict({ partner_id: Id('ptr') });
const PartnerKeyParams = Strict({ partner_id: Id('ptr'), key: FeatureKey });

type FeatureCatalogRouteDeps = { catalog: FeatureCatalogService; partners: PartnersService; access: Access; featureEnabled: (partnerId: string, key: string) => boolean };
const TAGS = ['feature catalog'];

export function featureCatalogRoutes(d: FeatureCatalogRouteDeps): AudienceRoutes {
  return {
    operator(app) {
      registerCatalogRoutes(app, d);
    },

    partner(app) {
      registerPartnerFeatureRoutes(app, d);
    },
  };
}

/** The feature catalog, for the operator: list, add, change, retire. */
function registerCatalogRoutes(app: App, { catalog, access }: FeatureCatalogRouteDeps): void {
  app.get(
    '/api/v1/features',
    { config: { operator: 'platform.partners.manage' }, schema: { tags: TAGS, summary: 'The feature catalog (operator)', response: { 200: Type.Object({ data: Type.Array(FeatureDto) }), ...problems(401, 403) } } },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return { data: (await catalog.list()).map(toFeatureDto) };
    },
  );
  app.post(
    '/api/v1/features',
    {
      config: { operator: 'platform.partners.manage' },
      schema: { tags: TAGS, summary: 'Add a feature to the catalog (operator; audited as feature.created)', body: CreateBody, response: { 201: FeatureDto, ...problems(400, 401, 403, 409) } },
    },
    async (req, reply) => {
      access.operator(req, 'platform.partners.manage');
      return reply.code(201).send(toFeatureDto(await catalog.create(req.ctx(), req.body)));
    },
  );
  app.patch(
    '/api/v1/features/:key',
    {
      config: { operator: 'platform.partners.manage' },
      schema: {
        tags: TAGS,
        summary: 'Change a feature of the catalog (operator; audited as feature.updated)',
        description: 'The lifecycle moves only forward: beta → general → retired. Every instance applies the change on its next request.',
        params: KeyParams,
        body: UpdateBody,
        response: { 200: FeatureDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return toFeatureDto(await catalog.update(req.ctx(), req.params.key, req.body));
    },
  );
  app.post(
    '/api/v1/features/:key/retire',
    {
      config: { operator: 'platform.partners.manage' },
      schema: { tags: TAGS, summary: 'Retire a feature: off for every partner from the next request (operator; audited as feature.retired)', params: KeyParams, response: { 200: FeatureDto, ...problems(400, 401, 403, 404, 409) } },
    },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return toFeatureDto(await catalog.retire(req.ctx(), req.params.key));
    },
  );
}

/** A partner's own features: what is on, and switching an opt-in one. */
function registerPartnerFeatureRoutes(app: App, d: FeatureCatalogRouteDeps): void {
  const { catalog, partners, access } = d;
  app.get(
    '/api/v1/partners/:partner_id/features',
    {
      schema: {
        tags: TAGS,
        summary: 'Your features: what is on for your organization and why; which ones your owner may switch',
        params: PartnerParams,
        response: { 200: Type.Object({ data: Type.Array(PartnerFeatureDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const a = access.partner(req, req.params.partner_id, 'partner.profile.read');
      return { data: await partnerView(d, req.params.partner_id, a.membership !== null && access.can(a.membership.role, 'partner.features.manage')) };
    },
  );
  app.put(
    '/api/v1/partners/:partner_id/features/:key',
    {
      schema: {
        tags: TAGS,
        summary: 'Switch an opt-in feature on or off for your organization (owner)',
        description: 'Only features the operator marked opt-in. A new configuration version, audited as partner.config_changed; on at every instance on the next request.',
        params: PartnerKeyParams,
        body: Strict({ enabled: Type.Boolean() }),
        response: { 200: PartnerFeatureDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const a = access.partner(req, req.params.partner_id, 'partner.features.manage');
      if (a.membership === null) throw authzErrors.permission_denied(PD.operatorChangesPartnersFeatures);
      const { partner_id: partnerId, key } = req.params;
      const f = await catalog.get(key);
      // a retired feature is not switched on again; switching it off (dropping a stale "on") is allowed
      if (f.lifecycle === 'retired' && req.body.enabled) throw authzErrors.feature_retired(PD.retired, { values: { name: f.name } });
      if (Number(f.opt_in) !== 1) throw authzErrors.feature_not_opt_in(PD.switchedPlatformOperatorNot, { values: { name: f.name } });
      const cur = await partners.getConfig(partnerId);
      await partners.updateConfigSection(req.ctx(), partnerId, 'features', { ...(cur.config.features ?? {}), [key]: req.body.enabled });
      const view = await partnerView(d, partnerId, true);
      // the snapshot may not have the change yet on this instance's read: answer with what was written
      const mine = view.find((v) => v.key === key);
      if (!mine) return { key: f.key, name: f.name, description: f.description, lifecycle: f.lifecycle, opt_in: true, enabled: false, source: 'partner' as const, can_switch: false };
      return { ...mine, enabled: req.body.enabled, source: 'partner' as const };
    },
  );
}

/** The features as a partner sees them: what is on for it and why, and which ones its owner may switch. */
async function partnerView(d: FeatureCatalogRouteDeps, partnerId: string, canManage: boolean) {
  const { catalog, partners } = d;
  const [rows, cfg] = await Promise.all([catalog.list(), partners.getConfig(partnerId)]);
  return rows
    .filter((r) => r.lifecycle !== 'retired')
    .map((r) => {
      const f = toFeatureDto(r);
      const own = cfg.config.features?.[r.key];
      return {
        key: f.key,
        name: f.name,
        description: f.description,
        lifecycle: f.lifecycle,
        opt_in: f.opt_in,
        enabled: d.featureEnabled(partnerId, r.key),
        source: own === undefined ? ('default' as const) : ('partner' as const),
        can_switch: canManage && f.opt_in,
      };
    });
}
