/**
 * The API reference: what /openapi.json says beyond what each route declares, and the reader at /docs.
 *
 *  - every operation is tagged by its audience (Public, Me, Operator, Tenant, Partner, Gateway, OAuth, Embed, Sync),
 *    decided here from the path and the route's config, so a new route is grouped the moment it exists;
 *  - routes with `config.public` carry `security: []` (no lock);
 *  - success responses get a name: response schemas with a `title` become named components
 *    (`#/components/schemas/Tenant`), and each success response a description instead of "Default Response";
 *  - ids, times and e-mail addresses in responses get realistic examples (`tnt_01jd…`, not "string");
 *  - the OAuth endpoints oidc-provider serves (discovery, authorization, token, introspection, revocation, PAR,
 *    userinfo, JWKS, end-session) are described as documented paths, although no Fastify route backs them.
 *
 * All of this touches only the document. Response schemas also drive serialization (fast-json-stringify keeps
 * only declared properties), so nothing here adds to, or removes from, a route's schema at runtime.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { completeOperations } from './openapi-operations.ts';

export const AUDIENCE_TAGS = [
  { name: 'Public', description: 'No credentials: health, sign-in, invitations by link, partner applications.' },
  { name: 'Me', description: 'The signed-in caller: session, profile, personal API tokens, invitations, catalogs, and the decision engine about yourself.' },
  { name: 'Operator', description: 'The platform operator (SUPER_ADMIN): users, partner lifecycle, every delegation, the whole audit log.' },
  { name: 'Tenant', description: "A customer organization's members: billing accounts, delegations, connected partners, agencies, vouchers, audit." },
  { name: 'Partner', description: "A partner organization's members: apps, links and delegations, customers, the consolidated MSP views." },
  { name: 'Gateway', description: 'Resource APIs behind the gateway (OAuth access token), and the forward-auth check for NGINX, Traefik and Envoy.' },
  { name: 'OAuth', description: 'The OAuth 2 / OpenID Connect authorization server (RFC 6749, 7636, 7662, 7009, 8414, 8693, 9068, 9126).' },
  { name: 'Embed', description: "An agency's embedded voucher form (agency token pgagt_…; 20 requests per minute per token)." },
  { name: 'Sync', description: "Provider data in: a data source's push API (source token pgsync_…) and Stripe's webhook deliveries (Stripe-Signature)." },
] as const;

export type AudienceTag = (typeof AUDIENCE_TAGS)[number]['name'];

interface RouteLike {
  url: string;
  method: string | string[];
  config?: { public?: boolean; operator?: string } | null;
}

/** Needs no credentials: `config.public` on /api routes, and the health probes. */
const isPublic = (route: RouteLike) => !!route.config?.public || route.url === '/healthz' || route.url === '/readyz';

/** Who a route is for, from its path and config. Order matters: the first rule that matches wins. */
export function audienceOf(route: RouteLike): AudienceTag {
  const url = route.url;
  const config = route.config ?? {};
  if (isPublic(route)) return 'Public';
  if (url.startsWith('/access/') || url === '/.well-known/authzen-configuration') return 'Gateway';
  if (url.startsWith('/oauth') || url.startsWith('/.well-known') || url.startsWith('/api/v1/oauth/')) return 'OAuth';
  if (url.startsWith('/embed/')) return 'Embed';
  if (url.startsWith('/sync/')) return 'Sync';
  if (url.startsWith('/resources/') || url.startsWith('/authz/')) return 'Gateway';
  if (config.operator || /^\/api\/v1\/(users|audit-events|delegations)\b/.test(url)) return 'Operator';
  if (url.startsWith('/api/v1/tenants')) return 'Tenant';
  if (url.startsWith('/api/v1/partners') || url.startsWith('/api/v1/partner/') || url.startsWith('/api/v1/partner-')) return 'Partner';
  return 'Me';
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A name for a success response: the schema's title, a page or list of titled items, or the route's summary. */
function describeSuccess(status: string, schema: Json | undefined, summary: string | undefined): string {
  if (status === '204' || !schema) return 'Done; no content';
  const props = isObj(schema.properties) ? schema.properties : {};
  const items = isObj(props.data) && isObj(props.data.items) ? props.data.items : null;
  let name: string | null = null;
  if (typeof schema.title === 'string') name = schema.title;
  else if (items && typeof items.title === 'string') name = `${'next_cursor' in props ? 'A page of' : 'A list of'} ${items.title}`;
  const head = status === '201' ? 'Created' : status === '202' ? 'Accepted' : 'OK';
  if (name) return `${head}: ${name}`;
  // else the summary's first clause, without its parenthesized asides
  const clause = summary?.split(/[.;:]\s|\s\(/)[0].trim();
  return clause ? `${head}: ${clause}` : head;
}

/** fastify-swagger's per-route transform: audience tag, lock or none, named success responses. */
export function transformRoute({ schema, url, route }: { schema: Json | undefined; url: string; route: RouteLike }): { schema: Json; url: string } {
  const s: Json = { ...(schema ?? {}) };
  if (s.hide) return { schema: s, url };
  s.tags = [audienceOf(route)];
  if (isPublic(route)) s.security = [];
  if (url.startsWith('/api/v1/partners/')) s.params = partnerRefParams(s.params);
  if (isObj(s.response)) {
    const response: Json = { ...s.response };
    for (const [status, r] of Object.entries(response)) {
      if (!/^2\d\d$/.test(status) || !isObj(r) || typeof r.description === 'string' || r['x-response-description']) continue;
      // fastify-swagger takes the response's description from this key and drops it from the schema
      response[status] = { ...r, 'x-response-description': describeSuccess(status, r, typeof s.summary === 'string' ? s.summary : undefined) };
    }
    s.response = response;
  }
  return { schema: s, url };
}

/**
 * A partner route's partner takes its id or its slug (identity/auth-hook.ts resolves the slug before
 * the route validates its parameters, so the route's own schema names only the id).
 */
function partnerRefParams(params: unknown): unknown {
  if (!isObj(params) || !isObj(params.properties)) return params;
  const properties: Json = { ...params.properties };
  for (const name of ['partner_id', 'reseller_id']) {
    if (!isObj(properties[name])) continue;
    properties[name] = {
      type: 'string',
      pattern: '^(?:ptr_[0-9a-hjkmnp-tv-z]{26}|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$',
      description: `the ${name === 'partner_id' ? 'partner' : 'reseller'}'s id (ptr_…) or its slug`,
      examples: ['ptr_01jd9x0a8q4m7w2k3v5b6c8d9e', 'fabrikam-msp'],
    };
  }
  return { ...params, properties };
}

// ---- examples -----------------------------------------------------------------------------------

const ULID_BODY = '01jd9x0a8q4m7w2k3v5b6c8d9e';
const TITLE_PREFIX: Record<string, string> = {
  Tenant: 'tnt', Partner: 'ptr', Delegation: 'dlg', User: 'usr', App: 'app', Agency: 'agy', AgencyToken: 'agt',
  ApiToken: 'pat', AuditEvent: 'evt', Order: 'ord', BillingAccount: 'ban', Account: 'ban', Invitation: 'inv',
  MyInvitation: 'inv', PendingInvitation: 'inv', ResoldTenant: 'tnt',
  Agreement: 'agr', Earning: 'ern', OperatorEarning: 'ern', Payout: 'pay', Referral: 'tnt',
};
const FIELD_PREFIX: Record<string, string> = {
  tenant_id: 'tnt', partner_id: 'ptr', delegation_id: 'dlg', user_id: 'usr', app_id: 'app', agency_id: 'agy',
  ban_id: 'ban', bill_to_ban_id: 'ban', billing_account_id: 'ban', order_id: 'ord', request_id: 'req', token_id: 'agt',
  invitation_id: 'inv', actor_user_id: 'usr', approved_by: 'usr', revoked_by: 'usr', created_by: 'usr', placed_by: 'usr',
  requested_by: 'usr', decided_by: 'usr', owner_user_id: 'usr',
  referred_by_partner_id: 'ptr', acting_partner_id: 'ptr',
  agreement_id: 'agr', payout_id: 'pay', source_invoice_id: 'inv',
};
/** A nested object named like this holds that entity's `id` (`partner: { id, name }`). */
const NESTED_TITLE: Record<string, string> = { partner: 'Partner', tenant: 'Tenant', agency: 'Agency', app: 'App', user: 'User', delegation: 'Delegation', billing_account: 'BillingAccount' };
const EXAMPLE_TIME = '2025-06-02T09:30:00.000Z';

function exampleFor(name: string, prop: Json, ownerTitle: string | null): unknown {
  const types = Array.isArray(prop.type) ? prop.type : [prop.type];
  const anyOf = Array.isArray(prop.anyOf) ? (prop.anyOf as Json[]) : null;
  const isString = types.includes('string') || (anyOf?.some((x) => x.type === 'string') ?? false);
  if (!isString) return undefined;
  if (name === 'id' && ownerTitle && TITLE_PREFIX[ownerTitle]) return `${TITLE_PREFIX[ownerTitle]}_${ULID_BODY}`;
  if (FIELD_PREFIX[name]) return `${FIELD_PREFIX[name]}_${ULID_BODY}`;
  if (/_at$/.test(name) || name === 'created' || name === 'expires') return EXAMPLE_TIME;
  if (name === 'email' || name.endsWith('_email')) return 'ada.lovelace@example.com';
  if (name === 'currency') return 'EUR';
  return undefined;
}

/** Adds `examples` to id-, time- and e-mail-like string properties that have none. */
function addExamples(schema: unknown, ownerTitle: string | null = null): void {
  if (Array.isArray(schema)) {
    for (const x of schema) addExamples(x, ownerTitle);
    return;
  }
  if (!isObj(schema)) return;
  const title = typeof schema.title === 'string' ? schema.title : ownerTitle;
  if (isObj(schema.properties)) {
    for (const [name, prop] of Object.entries(schema.properties)) {
      if (!isObj(prop)) continue;
      if (prop.examples === undefined && prop.example === undefined) {
        const ex = exampleFor(name, prop, title);
        if (ex !== undefined) prop.examples = [ex];
      }
      addExamples(prop, NESTED_TITLE[name] ?? null);
    }
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) if (key in schema) addExamples(schema[key], key === 'items' ? null : title);
}

// ---- named components ---------------------------------------------------------------------------

/**
 * Moves titled response schemas into components.schemas and refers to them, so the reference lists
 * "Tenant" once and a generated client gets `components['schemas']['Tenant']`. A title used by two
 * different shapes keeps the second inline (with its title) rather than mislabel it.
 */
function hoistTitled(doc: Json): void {
  const components = (doc.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Json;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObj(node)) return node;
    for (const [k, v] of Object.entries(node)) node[k] = walk(v);
    const title = node.title;
    if (typeof title === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(title) && (node.type === 'object' || node.properties)) {
      const existing = schemas[title];
      if (existing === undefined) {
        schemas[title] = node;
        return { $ref: `#/components/schemas/${title}` };
      }
      if (JSON.stringify(existing) === JSON.stringify(node)) return { $ref: `#/components/schemas/${title}` };
    }
    return node;
  };
  for (const ops of Object.values((doc.paths ?? {}) as Json)) {
    if (!isObj(ops)) continue;
    for (const op of Object.values(ops)) {
      if (!isObj(op) || !isObj(op.responses)) continue;
      for (const r of Object.values(op.responses)) {
        if (!isObj(r) || !isObj(r.content)) continue;
        for (const media of Object.values(r.content)) if (isObj(media) && media.schema) media.schema = walk(media.schema);
      }
    }
  }
}

// ---- the OAuth endpoints oidc-provider serves -----------------------------------------------------

const oauthError = {
  description: 'RFC 6749 §5.2 error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthError' } } },
};
const form = (properties: Json, required: string[]) => ({
  required: true,
  content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties, required } } },
});
const clientAuth = [{ oauthClient: [] }];
const str = (description: string, extra: Json = {}) => ({ type: 'string', description, ...extra });

const TokenResponse = {
  type: 'object',
  title: 'TokenResponse',
  required: ['access_token', 'token_type', 'expires_in'],
  properties: {
    access_token: str('RFC 9068 JWT for the gateway (or an opaque token when only identity scopes were asked for)', { examples: ['eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJhcHBfMDFqZDl4In0.c2lnbmF0dXJl'] }),
    token_type: str('Bearer, or DPoP for a DPoP-bound token', { examples: ['Bearer'] }),
    expires_in: { type: 'integer', examples: [900] },
    refresh_token: str('rotates on every use; reusing an old one revokes the whole family'),
    id_token: str('OpenID Connect ID token, when openid was asked for'),
    scope: str('granted scopes, space-separated', { examples: ['orders.read billing.invoices.read'] }),
    issued_token_type: str('token exchange (RFC 8693) only', { examples: ['urn:ietf:params:oauth:token-type:access_token'] }),
  },
};

function oauthPaths(issuerPath: string): Json {
  const p = (s: string) => `${issuerPath}${s}`;
  const tags = ['OAuth'];
  const discovery = {
    get: {
      tags, security: [], summary: 'Authorization server metadata (RFC 8414 / OpenID Connect Discovery)',
      description: 'Also served at `/.well-known/oauth-authorization-server`, and under the issuer path (RFC 8414 §3.1).',
      responses: { 200: { description: 'OK: server metadata', content: { 'application/json': { schema: { type: 'object', additionalProperties: true, properties: {
        issuer: str('', { examples: ['https://partnergate.example.com/oauth'] }), authorization_endpoint: str(''), token_endpoint: str(''), jwks_uri: str(''),
        introspection_endpoint: str(''), revocation_endpoint: str(''), pushed_authorization_request_endpoint: str(''), userinfo_endpoint: str(''),
        grant_types_supported: { type: 'array', items: { type: 'string' } }, token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
      } } } } } },
    },
  };
  return {
    '/.well-known/openid-configuration': discovery,
    '/.well-known/oauth-authorization-server': structuredClone(discovery),
    [p('/auth')]: {
      get: {
        tags, security: [], summary: 'Authorization endpoint: the customer signs in at Partnergate and approves the app (code + PKCE S256)',
        description: 'Answers with a redirect to the sign-in and consent pages, then to the `redirect_uri` with `code`, `state` and `iss`. A `request_uri` from PAR may stand for the other parameters.',
        parameters: [
          ['response_type', 'always `code`', true], ['client_id', 'the app\'s client id', true], ['redirect_uri', 'exactly as registered', true],
          ['scope', 'space-separated scopes', true], ['state', 'opaque, returned as is', false], ['code_challenge', 'PKCE S256 challenge (required)', true],
          ['code_challenge_method', '`S256`', true], ['resource', 'RFC 8707 resource indicator (default: the gateway)', false], ['request_uri', 'from the PAR endpoint', false],
        ].map(([name, description, required]) => ({ in: 'query', name, description, required, schema: { type: 'string' } })),
        responses: { 303: { description: 'Redirect to sign-in/consent, or back to the app with `code` (or `error`)' }, 400: { description: 'Bad request: an HTML error page (the redirect URI cannot be trusted)' } },
      },
    },
    [p('/request')]: {
      post: {
        tags, security: clientAuth, summary: 'Pushed authorization request (RFC 9126)',
        requestBody: form({ client_id: str('the app'), response_type: str('`code`'), redirect_uri: str(''), scope: str(''), state: str(''), code_challenge: str(''), code_challenge_method: str('`S256`') }, ['response_type', 'redirect_uri', 'scope', 'code_challenge']),
        responses: {
          201: { description: 'Created: a request_uri for the authorization endpoint', content: { 'application/json': { schema: { type: 'object', title: 'PushedAuthorizationResponse', required: ['request_uri', 'expires_in'], properties: { request_uri: str('', { examples: ['urn:ietf:params:oauth:request_uri:q0Zk2m8sYd'] }), expires_in: { type: 'integer', examples: [60] } } } } } },
          400: oauthError, 401: oauthError,
        },
      },
    },
    [p('/token')]: {
      post: {
        tags, security: clientAuth, summary: 'Token endpoint: authorization_code, refresh_token, client_credentials, token exchange (RFC 8693)',
        description: 'The client authenticates with its secret in the Authorization header or the form body (unless its owner restricted it to one), or with private_key_jwt if registered so (see `token_endpoint_auth_methods_supported` in the metadata). ' +
          'A wholesaler exchanges its own token for one acting for a resold customer with `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`.',
        requestBody: form({
          grant_type: str('', { enum: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'] }),
          code: str('authorization_code'), redirect_uri: str('authorization_code'), code_verifier: str('authorization_code (PKCE)'),
          refresh_token: str('refresh_token'), scope: str('client_credentials, refresh_token (narrowing)'), resource: str('RFC 8707'),
          subject_token: str('token exchange'), subject_token_type: str('token exchange'), audience: str('token exchange: the customer tenant (tnt_…)'),
        }, ['grant_type']),
        responses: { 200: { description: 'OK: TokenResponse', content: { 'application/json': { schema: TokenResponse } } }, 400: oauthError, 401: oauthError },
      },
    },
    [p('/token/introspection')]: {
      post: {
        tags, security: clientAuth, summary: 'Token introspection (RFC 7662): only for tokens issued to the calling client',
        requestBody: form({ token: str(''), token_type_hint: str('', { enum: ['access_token', 'refresh_token'] }) }, ['token']),
        responses: {
          200: { description: 'OK: IntrospectionResponse', content: { 'application/json': { schema: { type: 'object', title: 'IntrospectionResponse', required: ['active'], additionalProperties: true, properties: {
            active: { type: 'boolean' }, sub: str(''), client_id: str(''), scope: str(''), exp: { type: 'integer' }, iat: { type: 'integer' }, token_type: str(''),
            partner_id: str('', { examples: [`ptr_${ULID_BODY}`] }), tenant_id: str('', { examples: [`tnt_${ULID_BODY}`] }), dlg: str('the delegation', { examples: [`dlg_${ULID_BODY}`] }),
          } } } } },
          400: oauthError, 401: oauthError,
        },
      },
    },
    [p('/token/revocation')]: {
      post: {
        tags, security: clientAuth, summary: 'Token revocation (RFC 7009); revoking a refresh token ends its grant',
        requestBody: form({ token: str(''), token_type_hint: str('', { enum: ['access_token', 'refresh_token'] }) }, ['token']),
        responses: { 200: { description: 'OK: revoked (also for an unknown token, RFC 7009 §2.2)' }, 400: oauthError, 401: oauthError },
      },
    },
    [p('/me')]: {
      get: {
        tags, security: [{ accessToken: [] }], summary: 'UserInfo (OpenID Connect Core §5.3)',
        responses: { 200: { description: 'OK: UserInfo', content: { 'application/json': { schema: { type: 'object', title: 'UserInfo', required: ['sub'], additionalProperties: true, properties: {
          sub: str('', { examples: [`usr_${ULID_BODY}`] }), name: str(''), email: str('', { examples: ['ada.lovelace@example.com'] }), email_verified: { type: 'boolean' },
        } } } } }, 401: { description: 'invalid_token (WWW-Authenticate)' } },
      },
    },
    [p('/jwks')]: {
      get: {
        tags, security: [], summary: 'The public signing keys (JWKS): verify access tokens locally; keys rotate with overlap',
        responses: { 200: { description: 'OK: JSON Web Key Set', content: { 'application/json': { schema: { type: 'object', title: 'JsonWebKeySet', required: ['keys'], properties: {
          keys: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { kty: str('', { examples: ['EC'] }), kid: str(''), alg: str('', { examples: ['ES256'] }), use: str('', { examples: ['sig'] }) } } },
        } } } } } },
      },
    },
    [p('/session/end')]: {
      get: {
        tags, security: [], summary: 'RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)',
        parameters: [
          { in: 'query', name: 'id_token_hint', schema: { type: 'string' } },
          { in: 'query', name: 'post_logout_redirect_uri', schema: { type: 'string' } },
          { in: 'query', name: 'state', schema: { type: 'string' } },
        ],
        responses: { 200: { description: 'OK: a confirmation page (HTML)' } },
      },
    },
  };
}

/** The heading of the SDK guide in the reader at /docs; the portal's developer pages link to it. */
const SDK_GUIDE_HEADING = 'TypeScript SDK';

/**
 * The SDK's own guide (packages/client/README.md, shipped in the image with packages/), under one heading in the
 * document's description, so the reader at /docs shows it in its introduction and lists it in its sidebar: the
 * page a developer lands on leads to the typed client instead of leaving it to be found in the source.
 */
function sdkGuide(): string {
  let readme = '';
  try {
    readme = readFileSync(new URL('../../packages/client/README.md', import.meta.url), 'utf8');
  } catch {
    // an install without packages/: the heading and the package name still say where the SDK is
  }
  // its opening and the install command; a long example here would push the first operation out of the reader's
  // first render on a phone, and the README holds the examples
  const start = readme.replace(/^# .*\n/, '');
  const install = start.indexOf('```\n', start.indexOf('```sh'));
  const body = (install > 0 ? start.slice(0, install + 4) : start).trim();
  return `## ${SDK_GUIDE_HEADING}\n\n${body}\n\nThe whole guide (a first call, every operation by its id, errors, regenerating the types) is the package's README: \`packages/client/README.md\` in the source, \`node_modules/@partnergate/client/README.md\` once installed.`;
}

/** fastify-swagger's transformObject: OAuth paths, audience tags, named components, examples. */
export function transformDocument(issuerPath: string) {
  return ({ openapiObject }: { openapiObject: Partial<Json> }): Json => {
    // a deep copy: nothing below may reach the schema objects routes serialize with
    const doc = JSON.parse(JSON.stringify(openapiObject)) as Json;
    const oauth = oauthPaths(issuerPath);
    // marked, so a walk over the document can tell them from Fastify routes (they answer in RFC 6749's shape)
    for (const ops of Object.values(oauth)) for (const op of Object.values(ops as Json)) (op as Json)['x-served-by'] = 'oidc-provider';
    doc.paths = { ...((doc.paths ?? {}) as Json), ...oauth };
    doc.tags = AUDIENCE_TAGS.map((t) => ({ ...t }));
    const info = (doc.info ??= {}) as Json;
    info.description = `${String(info.description ?? '')}\n\n${sdkGuide()}`;
    const components = (doc.components ??= {}) as Json;
    const schemas = (components.schemas ??= {}) as Json;
    schemas.OAuthError = {
      type: 'object', required: ['error'], description: 'RFC 6749 §5.2 error response',
      properties: { error: str('', { examples: ['invalid_grant'] }), error_description: str('', { examples: ['grant request is invalid'] }) },
    };
    const securitySchemes = (components.securitySchemes ??= {}) as Json;
    securitySchemes.oauthClient = {
      type: 'http', scheme: 'basic',
      description: 'OAuth client authentication: client_id and client_secret in the Authorization header (client_secret_basic) or the form (client_secret_post), or private_key_jwt with client_assertion for apps registered so.',
    };
    hoistTitled(doc);
    for (const schema of Object.values(schemas)) addExamples(schema);
    for (const ops of Object.values(doc.paths as Json)) {
      if (!isObj(ops)) continue;
      for (const op of Object.values(ops)) {
        if (!isObj(op) || !isObj(op.responses)) continue;
        for (const r of Object.values(op.responses)) if (isObj(r) && isObj(r.content)) for (const m of Object.values(r.content)) if (isObj(m)) addExamples(m.schema);
      }
    }
    // an operationId for every operation, and no demanded body where none is needed (openapi-operations.ts)
    completeOperations(doc);
    return doc;
  };
}

/**
 * The reader at /docs: Scalar (search, models, examples), served from this process (no CDN), reading
 * /openapi.json. Scalar's Fastify plugin carries its 4 MB browser bundle inside its module, and importing it
 * costs ~0.6 s — on every start and every CLI command — so it is loaded on the first visit to /docs, into a
 * small Fastify instance of its own that the app's /docs routes answer from.
 */
/**
 * Where the reader's own markup falls short of WCAG and no setting reaches it: the page's language, muted
 * text and HTTP-method colours under 4.5:1 (raised here through its colour variables), and, applied as it
 * renders, icon-only copy buttons without a name, its request editor's combobox without the attributes
 * the role requires, scrolling code blocks a keyboard cannot reach, and its joke hint in the token field.
 */
const READER_COLOURS = `.light-mode {
  --scalar-color-2: #4b5157; --scalar-color-3: #5c6168;
  --scalar-color-blue: #0065a8; --scalar-color-green: #17703a; --scalar-color-orange: #a44c00;
  --scalar-color-red: #b4202f; --scalar-color-purple: #6b3fb0; --scalar-color-yellow: #7a5f00;
}
.dark-mode { --scalar-color-3: #a9adb3; }`;
const READER_FIXES = `(() => {
  const fix = () => {
    for (const b of document.querySelectorAll('button.scalar-code-copy:not([aria-label])')) b.setAttribute('aria-label', 'Copy');
    for (const b of document.querySelectorAll('button:not([aria-label]):not([aria-labelledby]):not([title])')) {
      if (!b.textContent.trim()) b.setAttribute('aria-label', b.getAttribute('aria-expanded') === 'true' ? 'Hide' : 'Show');
    }
    for (const e of document.querySelectorAll('.code-input-lite__editor[role="combobox"]:not([aria-expanded])')) {
      e.setAttribute('aria-expanded', 'false');
      e.setAttribute('aria-controls', '');
      if (!e.getAttribute('aria-label')) e.setAttribute('aria-label', e.getAttribute('data-placeholder') || 'Value');
    }
    for (const e of document.querySelectorAll('.endpoints:not([tabindex]), code.custom-scroll:not([tabindex])')) e.setAttribute('tabindex', '0');
    // the reader's own example in the token field is a joke (base64 of "ALL YOUR BASE ARE BELONG TO US"): a neutral hint
    for (const e of document.querySelectorAll('[placeholder="QUxMIFlPVVIgQkFTRSBBUkUgQkVMT05HIFRPIFVT"]')) e.setAttribute('placeholder', 'pgpat_… or an access token');
    for (const e of document.querySelectorAll('[data-placeholder="QUxMIFlPVVIgQkFTRSBBUkUgQkVMT05HIFRPIFVT"]')) e.setAttribute('data-placeholder', 'pgpat_… or an access token');
  };
  new MutationObserver(fix).observe(document.documentElement, { subtree: true, childList: true });
  fix();
})();`;
function accessiblePage(html: string): string {
  return html.replace(/<html(?![^>]*\blang=)/, '<html lang="en"').replace('</body>', `<script>${READER_FIXES}</script></body>`);
}

const SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO_FONTS = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';

export function registerApiReference(app: FastifyInstance): void {
  let reader: Promise<FastifyInstance> | null = null;
  const load = async (): Promise<FastifyInstance> => {
    const { default: scalar } = await import('@scalar/fastify-api-reference');
    const inner = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
    await inner.register(scalar, {
      routePrefix: '/docs',
      configuration: {
        url: '/openapi.json',
        pageTitle: 'Partnergate API reference',
        searchHotKey: 'k',
        // Fully offline and only about this API: no web fonts from the reader's CDN (the portal's system font
        // stack instead), none of the reader's hosted-product features (its AI assistant, MCP generator,
        // developer toolbar with Deploy/Share), no telemetry.
        withDefaultFonts: false,
        customCss: `:root { --scalar-font: ${SYSTEM_FONTS}; --scalar-font-code: ${MONO_FONTS}; }\n${READER_COLOURS}`,
        agent: { disabled: true },
        mcp: { disabled: true },
        showDeveloperTools: 'never',
        showToolbar: 'never',
        telemetry: false,
      } as Record<string, unknown>,
    });
    await inner.ready();
    return inner;
  };
  const serve = async (req: { url: string }, reply: { code(n: number): unknown; header(k: string, v: string): unknown; send(b: Buffer): unknown }) => {
    const inner = await (reader ??= load().catch((err: unknown) => {
      reader = null;
      throw err;
    }));
    const r = await inner.inject({ method: 'GET', url: req.url });
    reply.code(r.statusCode);
    for (const name of ['content-type', 'location']) {
      const v = r.headers[name];
      if (typeof v === 'string') reply.header(name, v);
    }
    if (req.url.includes('/js/')) reply.header('cache-control', 'public, max-age=3600');
    if (String(r.headers['content-type']).startsWith('text/html')) return reply.send(Buffer.from(accessiblePage(r.payload)));
    return reply.send(r.rawPayload);
  };
  app.get('/docs', { schema: { hide: true } }, serve as never);
  app.get('/docs/*', { schema: { hide: true } }, serve as never);
  app.addHook('onClose', async () => {
    if (reader) await (await reader.catch(() => null))?.close();
  });
}
