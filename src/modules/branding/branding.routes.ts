/**
 * A partner's brand on the partner plane (/api/v1/partners/:partner_id/branding: its people read it,
 * its owner and the operator change it, the operator alone switches it off for the partner's
 * customers); the brand a customer's people see (/api/v1/tenants/:tenant_id/brand); and the logos'
 * public, content-addressed files (/brand/logos/<sha256>.<ext>), outside /api so e-mail clients and
 * the consent page can load them.
 */
import type { FastifyInstance } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Id, Nullable, Strict, Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { LOGO_MAX_BYTES, LOGO_PATH, type BrandingService } from './branding.service.ts';

const TAGS = ['branding'];
/** what an upload may carry, base64 (four times the logo's cap, so a too-large file is told so in words) */
const UPLOAD_MAX_BASE64 = Math.ceil((LOGO_MAX_BYTES * 4 * 4) / 3);
const Params = Strict({ partner_id: Id('ptr') });
const Hex = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'a colour as #rrggbb' });

const BrandDto = Type.Object(
  {
    partner_id: Type.String(),
    partner_name: Type.String(),
    display_name: Nullable(Type.String({ description: 'the name shown instead of the partner’s name; null: its name' })),
    primary_color: Nullable(Type.String({ description: '#rrggbb: buttons and links (at least 4.5:1 against white)' })),
    accent_color: Nullable(Type.String({ description: '#rrggbb: lines and bars (at least 3:1 against white)' })),
    logo: Nullable(Type.Object({ url: Type.String({ description: 'a content-addressed path on this server, cached for a year' }), content_type: Type.String(), width: Type.Integer(), height: Type.Integer(), size: Type.Integer() })),
    customer_branding: Type.String({ description: 'allowed: the partner’s customers see this brand; off: the operator switched it off for them' }),
    customer_branding_reason: Nullable(Type.String()),
    updated_at: Nullable(Type.String()),
  },
  { title: 'PartnerBrand' },
);

const ShownBrandDto = Type.Object(
  {
    partner_id: Type.String(),
    name: Type.String(),
    primary_color: Nullable(Type.String()),
    accent_color: Nullable(Type.String()),
    logo_url: Nullable(Type.String()),
    powered_by: Type.String({ description: 'the provider, named beside the partner’s brand' }),
  },
  { title: 'ShownBrand' },
);

const shown = (b: Awaited<ReturnType<BrandingService['ownBrand']>>) => (b ? { partner_id: b.partner_id, name: b.name, primary_color: b.primary_color, accent_color: b.accent_color, logo_url: b.logo_url, powered_by: b.powered_by } : null);

export function brandingRoutes(d: { branding: BrandingService; access: Access }): AudienceRoutes {
  const { branding, access } = d;
  return {
    partner(app: App): void {
      app.get(
        '/api/v1/partners/:partner_id/branding',
        { schema: { tags: TAGS, summary: 'The partner’s brand: display name, colours, logo, and whether its customers see it (members, operator)', params: Params, response: { 200: BrandDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.profile.read', { allowInactivePartner: true });
          return branding.get(req.params.partner_id);
        },
      );
      app.patch(
        '/api/v1/partners/:partner_id/branding',
        {
          schema: {
            tags: TAGS,
            summary: 'Change the display name or colours (owner, operator); a colour that is not readable on white is refused with its contrast',
            params: Params,
            body: Type.Object(
              {
                display_name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 80 }))),
                primary_color: Type.Optional(Nullable(Hex)),
                accent_color: Type.Optional(Nullable(Hex)),
              },
              { additionalProperties: false, minProperties: 1 },
            ),
            response: { 200: BrandDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.profile.update');
          return branding.update(req.ctx(), req.params.partner_id, req.body);
        },
      );
      app.put(
        '/api/v1/partners/:partner_id/branding/logo',
        {
          // a larger file still reaches the service, which says how large it is and what is allowed (413)
          bodyLimit: UPLOAD_MAX_BASE64 + 64 * 1024,
          schema: {
            tags: TAGS,
            summary: `Upload the logo (owner, operator): a PNG, JPEG or WebP of at most ${LOGO_MAX_BYTES / 1024} KiB and 1024×1024 px, recognised from its bytes; SVG is refused`,
            params: Params,
            body: Strict({ content_base64: Type.String({ minLength: 4, maxLength: UPLOAD_MAX_BASE64, contentEncoding: 'base64', description: 'the image file, base64' }) }),
            response: { 200: BrandDto, ...problems(400, 401, 403, 404, 413, 415) },
          },
        },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.profile.update');
          return branding.setLogo(req.ctx(), req.params.partner_id, Buffer.from(req.body.content_base64, 'base64'));
        },
      );
      app.delete(
        '/api/v1/partners/:partner_id/branding/logo',
        { schema: { tags: TAGS, summary: 'Remove the logo (owner, operator)', params: Params, response: { 200: BrandDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.profile.update');
          return branding.setLogo(req.ctx(), req.params.partner_id, null);
        },
      );
      app.put(
        '/api/v1/partners/:partner_id/branding/customers',
        {
          config: { operator: 'platform.partners.manage' },
          schema: {
            tags: TAGS,
            summary: 'Let this partner’s customers see its brand, or switch it off for them (operator); its own people keep seeing it',
            params: Params,
            body: Strict({ allowed: Type.Boolean(), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }),
            response: { 200: BrandDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.operator(req, 'platform.partners.manage');
          return branding.setCustomerBranding(req.ctx(), req.params.partner_id, req.body.allowed, req.body.reason ?? null);
        },
      );
    },

    me(app: App): void {
      app.get(
        '/api/v1/me/brand',
        { schema: { tags: TAGS, summary: 'The brand of your own partner organization, for its people (null: none set, or you belong to no partner)', response: { 200: Type.Object({ brand: Nullable(ShownBrandDto) }), ...problems(401) } } },
        async (req) => {
          const p = access.user(req);
          return { brand: p.partner ? shown(await branding.ownBrand(p.partner.partnerId)) : null };
        },
      );
    },

    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/brand',
        {
          schema: {
            tags: TAGS,
            summary: 'The brand this customer’s people see: its wholesaler’s, else its one managing partner’s, where the provider allows it (null: the provider’s own look)',
            params: Strict({ tenant_id: Id('tnt') }),
            response: { 200: Type.Object({ brand: Nullable(ShownBrandDto) }), ...problems(400, 401, 404) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.read');
          return { brand: shown(await branding.brandForTenant(req.params.tenant_id)) };
        },
      );
    },
  };
}

/** The logos' files: public (an e-mail client loads them), immutable under their content hash. */
export async function registerLogoFiles(app: FastifyInstance, d: { branding: BrandingService }): Promise<void> {
  app.get<{ Params: { file: string } }>(`${LOGO_PATH}/:file`, { schema: { hide: true } }, async (req, reply) => {
    const m = /^([0-9a-f]{64})\.(png|jpg|webp)$/.exec(req.params.file);
    if (!m) {
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');
    }
    const logo = await d.branding.logo(m[1]).catch(() => null);
    if (!logo) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');
    return reply
      .header('content-type', logo.content_type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', `"${logo.sha256}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(Buffer.from(logo.data));
  });
}
