/**
 * The embedded API (/embed/v1, `Authorization: Bearer pgagt_…`) and the embeddable form.
 *
 * An embed request passes these steps, in this order:
 *   1. cors                   any origin may call (the form lives on third-party sites); no
 *                             credentials — the token is the only credential, cookies are ignored
 *   2. authenticateAgency     token → tenant + agency from the in-memory index (no DB read);
 *                             401 agency_token_required / agency_token_invalid / agency_token_revoked,
 *                             403 agency_inactive / agency_tenant_inactive
 *   3. limitPerToken          20 requests in any rolling minute per token (fixed by the agency embed requirement, not a setting),
 *                             429 rate_limited + Retry-After; 503 rate_limiter_unavailable
 *   4. refuseContextInPayload a tenant or agency named in the body, query or X-Active-Tenant-Id is
 *                             refused (400 agency_context_in_payload): context comes from the token only
 *   5. the route: issue a voucher of an allowed type, look up one of this agency's vouchers, or
 *      read the form configuration. Nothing else answers to an agency token (404 here, 403
 *      agency_token_not_allowed anywhere outside /embed/v1 — see installAgencyTokenGuard).
 *
 * The form page (/embed/form) is the only page Partnergate lets other sites frame
 * (frame-ancestors *); it loads its script and styles from /embed/assets (CSP: no inline code).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app-types.ts';
import { Type, Strict, Email, Nullable, problems } from '../../platform/http/schemas.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { enforceRateLimit, type RateLimiter, type RatePolicy } from '../../platform/ratelimit/index.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import { bearerToken } from '../identity/index.ts';
import { effectiveStatus, toVoucherTypeDto, voucherType, type VoucherRow, type VouchersService } from '../vouchers/index.ts';
import type { AgenciesService } from './agencies.service.ts';
import type { AgencyPrincipal } from './agency-token-index.ts';
import { agencyErrors as E } from './agencies.errors.ts';
import { AGENCY_TOKEN_PREFIX, looksLikeAgencyToken } from './agency-token.ts';
import { setRequestDbContext, tenantContext } from '../../platform/db/db-context.ts';
import { formMessagesScript, loaderScript } from './embed-catalogs.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the agency an /embed/v1 request acts for, from its token; null elsewhere */
    agency: AgencyPrincipal | null;
  }
}

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'embed-assets');
const CONTEXT_FIELDS = ['tenant_id', 'tenant', 'tenant_slug', 'agency_id', 'agency', 'partner_agency_id'];
const CONTEXT_HEADERS = ['x-active-tenant-id', 'x-tenant-id', 'x-agency-id'];

/** The page the iframe shows. CSP forbids inline code; only this page may be framed, by anyone. */
const FORM_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

/** Request headers a cross-origin caller of /embed/v1 may send: exactly what the form sends. */
export const EMBED_ALLOWED_HEADERS = 'Authorization, Content-Type';

/**
 * Powerful features the form never uses, switched off for the page and anything it could load,
 * whatever the framing site's `allow` attribute says. It keeps clipboard-write (the Copy button).
 */
export const FORM_PAGE_PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'browsing-topics',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'picture-in-picture',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
  'clipboard-read',
]
  .map((f) => `${f}=()`)
  .concat('clipboard-write=(self)')
  .join(', ');

const FORM_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Partnergate</title>
<link rel="stylesheet" href="/embed/assets/form.css">
</head>
<body>
<main id="pg-embed" data-api="/embed/v1" aria-live="polite"><p class="pg-muted">…</p></main>
<script src="/embed/assets/form-messages.js"></script>
<script src="/embed/assets/form-words.js"></script>
<script src="/embed/assets/form.js"></script>
</body>
</html>
`;

export const EmbedVoucherDto = Type.Object({
  code: Type.String(),
  type: Type.String(),
  description: Type.String(),
  amount: Nullable(Type.Integer({ description: 'minor units (cents)' })),
  currency: Nullable(Type.String()),
  status: Type.String({ description: 'issued, redeemed, void or expired' }),
  recipient_name: Nullable(Type.String()),
  recipient_email: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  expires_at: Nullable(Type.String()),
  created_at: Type.String(),
  redeemed_at: Nullable(Type.String()),
}, { title: 'EmbedVoucher' });

export function toEmbedVoucherDto(v: VoucherRow, now: string) {
  return {
    code: v.code,
    type: v.type,
    description: v.description,
    amount: v.amount,
    currency: v.currency,
    status: effectiveStatus(v, now),
    recipient_name: v.recipient_name,
    recipient_email: v.recipient_email,
    reference: v.reference,
    expires_at: v.expires_at,
    created_at: v.created_at,
    redeemed_at: v.redeemed_at,
  };
}

const IssueBody = Strict({
  type: Type.String({ minLength: 1, maxLength: 64, description: 'one of the form’s allowed voucher types' }),
  recipient_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  recipient_email: Type.Optional(Email),
  reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'your own reference (booking, customer number…)' })),
});

const FormDto = Type.Object({
  tenant: Type.Object({ name: Type.String() }),
  agency: Type.Object({ id: Type.String(), name: Type.String() }),
  form: Type.Object({
    label: Type.String(),
    intro_text: Type.String(),
    rules_list: Type.Array(Type.String()),
    voucher_types: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), description: Type.String(), amount: Nullable(Type.Integer()), currency: Nullable(Type.String()), validity_days: Type.Integer() }),
    ),
  }),
  rate_limit: Type.Object({ limit: Type.Integer(), window_seconds: Type.Integer() }),
}, { title: 'EmbedForm' });

const NoQuery = Strict({});
const security = [{ agencyToken: [] }];

/**
 * Agency tokens reach /embed/v1 and nothing else. Anywhere else, a bearer with the agency prefix
 * is refused by its prefix alone — before the personal-API-token check could call it an unknown
 * token, and without looking it up.
 */
export function installAgencyTokenGuard(app: App): void {
  app.addHook('onRequest', (req, _reply, done) => {
    // A cheap test first: this runs on every request, the gateway's included. The routes that
    // take agency tokens say so (config.agencyToken, on the embed router's /embed/v1 routes).
    const h = req.headers.authorization;
    if (h === undefined || !h.includes(AGENCY_TOKEN_PREFIX) || req.routeOptions.config?.agencyToken === true) return done();
    const bearer = bearerToken(req);
    if (bearer && looksLikeAgencyToken(bearer)) {
      return done(E.agency_token_not_allowed('Agency tokens work only on the embedded API (/embed/v1: issue and look up vouchers, read the form). Use a personal API token or a session here.'));
    }
    done();
  });
}

export interface EmbedDeps {
  agencies: AgenciesService;
  vouchers: VouchersService;
  limiter: RateLimiter;
  clock: Clock;
}

/** The agency embed requirement fixes it: 20 requests per token in any rolling minute, the same on every installation. */
export const AGENCY_REQUESTS_PER_MINUTE = 20;

export function registerEmbedRoutes(app: App, d: EmbedDeps): void {
  const policy: RatePolicy = { name: 'agency', limit: AGENCY_REQUESTS_PER_MINUTE, windowMs: 60_000 };
  app.decorateRequest('agency', null);
  const pipeline = embedPipeline(d, policy);
  registerEmbedApi(app, pipeline, policy);
  registerEmbedVoucherRoutes(app, d, pipeline);
  refuseOtherEmbedRoutes(app, pipeline);
  registerEmbedForm(app);
}

/**
 * The steps before an embed API handler, in order: CORS, the agency token, its rate limit, and no
 * tenant or agency in the payload.
 */
function embedPipeline(d: EmbedDeps, policy: RatePolicy) {
  const { agencies, clock } = d;
  const cors = async (_req: FastifyRequest, reply: FastifyReply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'RateLimit, RateLimit-Policy, Retry-After, X-Request-Id');
    reply.header('cache-control', 'no-store');
  };

  const authenticateAgency = async (req: FastifyRequest) => {
    const bearer = bearerToken(req);
    const challenge = (error?: string) => ({ headers: { 'www-authenticate': `Bearer realm="partnergate-embed"${error ? `, error="${error}"` : ''}` } });
    if (bearer === null) throw E.agency_token_required('Send the form token in the Authorization header: "Bearer pgagt_…".', challenge());
    if (bearer === '') throw E.agency_token_invalid('The Authorization header must be "Bearer <token>".', challenge('invalid_request'));
    const v = await agencies.index.authenticate(bearer);
    if (!v.ok) throw E[v.code](v.detail, v.code.startsWith('agency_token') ? challenge('invalid_token') : undefined);
    req.agency = v.principal;
    // the token's tenant is the only one this request's statements may touch (row-level security)
    setRequestDbContext(tenantContext(v.principal.tenantId));
  };

  const limitPerToken = async (req: FastifyRequest, reply: FastifyReply) => {
    await enforceRateLimit(reply, d.limiter, `agency-token:${req.agency!.tokenId}`, policy, (s) =>
      `This form allows ${policy.limit} requests per minute. Try again in ${s} second${s === 1 ? '' : 's'}.`,
    );
    // "last used" means admitted: a refused request (429) does not count as a use
    agencies.usage.record(req.agency!.tokenId, clock.now());
  };

  const refuseContextInPayload = async (req: FastifyRequest) => {
    const named = (o: unknown) => (o && typeof o === 'object' && !Array.isArray(o) ? CONTEXT_FIELDS.filter((f) => Object.hasOwn(o, f)) : []);
    const fields = [...named(req.body).map((f) => `/body/${f}`), ...named(req.query).map((f) => `/querystring/${f}`), ...CONTEXT_HEADERS.filter((h) => req.headers[h] !== undefined).map((h) => `/headers/${h}`)];
    if (fields.length) {
      throw E.agency_context_in_payload('The tenant and the agency come from the form token alone; remove them from the request.', {
        fields: fields.map((pointer) => ({ pointer, detail: 'is decided by the token and may not be sent' })),
      });
    }
  };

  // config.agencyToken: the one place an agency token is not refused by installAgencyTokenGuard
  const config = { agencyToken: true };
  return { config, onRequest: [cors], preValidation: [authenticateAgency, limitPerToken, refuseContextInPayload], authenticateAgency, limitPerToken };
}
type EmbedPipeline = ReturnType<typeof embedPipeline>;

/** The request context of an agency token's request: the agency is the actor. */
function ctxOf(req: FastifyRequest): RequestContext {
  const base = req.ctx();
  return { ...base, actor: { type: 'agency', userId: null, partnerId: null, clientId: null, agencyId: req.agency!.agencyId } };
}

/** The embed API's preflight and the token's form. */
function registerEmbedApi(app: App, { config, onRequest, preValidation }: EmbedPipeline, policy: RatePolicy): void {
  app.options('/embed/v1/*', { config, schema: { hide: true } }, async (_req, reply) => {
    // A fixed list, never an echo of what the preflight asks for: the form sends the token and a
    // JSON body (Accept is CORS-safelisted), so a browser lets a page send nothing else.
    reply
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', EMBED_ALLOWED_HEADERS)
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  });

  app.get(
    '/embed/v1/form',
    {
      config,
      onRequest,
      preValidation,
      schema: { tags: ['embed'], security, summary: "The token's form: intro text, rules and the voucher types it may issue", querystring: NoQuery, response: { 200: FormDto, ...problems(400, 401, 403, 429, 503) } },
    },
    async (req) => {
      const a = req.agency!;
      return {
        tenant: { name: a.tenantName },
        agency: { id: a.agencyId, name: a.agencyName },
        form: {
          label: a.label,
          intro_text: a.formConfig.intro_text,
          rules_list: a.formConfig.rules_list,
          voucher_types: a.formConfig.allowed_voucher_types.map(voucherType).filter((t) => t !== undefined).map(toVoucherTypeDto),
        },
        rate_limit: { limit: policy.limit, window_seconds: policy.windowMs / 1000 },
      };
    },
  );
}

/** Issue a voucher of the form's allowed types, and look up one this agency issued. */
function registerEmbedVoucherRoutes(app: App, { vouchers, clock }: EmbedDeps, { config, onRequest, preValidation }: EmbedPipeline): void {
  app.post(
    '/embed/v1/vouchers',
    {
      config,
      onRequest,
      preValidation,
      schema: {
        tags: ['embed'],
        security,
        summary: "Issue a voucher of one of the form's allowed types, attributed to the token's agency",
        querystring: NoQuery,
        body: IssueBody,
        response: { 201: EmbedVoucherDto, ...problems(400, 401, 403, 429, 503) },
      },
    },
    async (req, reply) => {
      const a = req.agency!;
      if (!a.formConfig.allowed_voucher_types.includes(req.body.type)) {
        throw E.voucher_type_not_allowed(`This form may issue only: ${a.formConfig.allowed_voucher_types.join(', ') || 'nothing'}.`);
      }
      const v = await vouchers.issue(ctxOf(req), {
        tenantId: a.tenantId,
        type: req.body.type,
        recipientName: req.body.recipient_name,
        recipientEmail: req.body.recipient_email,
        reference: req.body.reference,
        partnerAgencyId: a.agencyId,
        issuedByTokenId: a.tokenId,
      });
      return reply.code(201).send(toEmbedVoucherDto(v, clock.now().toISOString()));
    },
  );

  app.get(
    '/embed/v1/vouchers/:code',
    {
      config,
      onRequest,
      preValidation,
      schema: {
        tags: ['embed'],
        security,
        summary: "Look up a voucher this agency issued (anyone else's answers exactly like a missing one)",
        params: Strict({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: NoQuery,
        response: { 200: EmbedVoucherDto, ...problems(400, 401, 403, 404, 429, 503) },
      },
    },
    async (req) => {
      const a = req.agency!;
      const v = await vouchers.lookupByCode(ctxOf(req), a.tenantId, req.params.code, { partnerAgencyId: a.agencyId, audit: true });
      return toEmbedVoucherDto(v, clock.now().toISOString());
    },
  );
}

/** Anything else under /embed/v1: authenticated and counted like the rest, then refused. */
function refuseOtherEmbedRoutes(app: App, { config, onRequest, authenticateAgency, limitPerToken }: EmbedPipeline): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/embed/v1/*',
    config,
    schema: { hide: true },
    onRequest,
    preValidation: [authenticateAgency, limitPerToken],
    handler: async (req) => {
      throw platformErrors.not_found(`An agency token can only issue vouchers, look up its own vouchers and read its form; there is no ${req.method} ${req.url.split('?')[0]}.`);
    },
  });
}

/** The embeddable form page and its assets. */
function registerEmbedForm(app: App): void {
  app.get('/embed/form', { schema: { hide: true } }, async (_req, reply) => {
    reply.removeHeader('x-frame-options');
    return reply
      .header('content-security-policy', FORM_PAGE_CSP)
      .header('permissions-policy', FORM_PAGE_PERMISSIONS_POLICY)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(FORM_PAGE);
  });

  const assets: Record<string, { type: string; body: string }> = {
    'form.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(ASSETS, 'form.js'), 'utf8') },
    // the form's words: every language's messages, and the code that picks the visitor's and formats them
    'form-messages.js': { type: 'text/javascript; charset=utf-8', body: formMessagesScript() },
    'form-words.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(ASSETS, 'form-words.js'), 'utf8') },
    'form.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(ASSETS, 'form.css'), 'utf8') },
    'embed.js': { type: 'text/javascript; charset=utf-8', body: loaderScript(readFileSync(path.join(ASSETS, 'embed.js'), 'utf8')) },
  };
  app.get('/embed/assets/:file', { schema: { hide: true, params: Strict({ file: Type.String({ maxLength: 32 }) }) } }, async (req, reply) => {
    const a = assets[req.params.file];
    if (!a || !Object.hasOwn(assets, req.params.file)) throw platformErrors.not_found('No such file.');
    // Third-party pages load embed.js with a <script> tag.
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return reply.header('cache-control', 'public, max-age=300').type(a.type).send(a.body);
  });
}
