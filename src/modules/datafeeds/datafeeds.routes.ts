/**
 * The routes of the other feeds:
 *  - POST /sync/v1/stripe/:source_id/webhook — Stripe's webhook deliveries, outside the /api routers
 *    like the sync API: the raw body is what Stripe signed, checked against the source's signing secret;
 *  - a referral partner's: where the billing data behind its earnings comes from (its freshness line);
 *  - the operator's (platform.tenants.manage): set a source up for Stripe, map Stripe customers to
 *    billing accounts, run a backfill; CSV import — templates per kind, a preview with each row's
 *    errors, and applying only on confirmation.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { setRequestDbContext, SYSTEM_CONTEXT } from '../../platform/db/db-context.ts';
import { Id, Nullable, Strict, Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { HeldMissing, SYNC_BASE_PATH, SyncLineResult } from '../datasources/index.ts';
import type { DataImport } from './import.service.ts';
import { IMPORT_KINDS, requireKind, template } from './csv-import.ts';
import { STRIPE_NEWEST_API_VERSION, STRIPE_OLDEST_API_VERSION, STRIPE_WEBHOOK_EVENTS, type StripeFeed } from './stripe.service.ts';

const PERMISSION = 'platform.tenants.manage';
const TAGS = ['data sources'];
/** a webhook delivery's largest body (Stripe's events are well below) */
const WEBHOOK_MAX_BYTES = 1024 * 1024;
/** a CSV file's largest size, sent as text in a JSON body */
export const IMPORT_MAX_BYTES = 8 * 1024 * 1024;

export const stripeWebhookPath = (sourceId: string) => `${SYNC_BASE_PATH}/stripe/${sourceId}/webhook`;

/** The route reads the raw body and the signature itself; its schema documents them for /openapi.json. */
const DOCUMENTED_ONLY = () => () => true;
const STRIPE_WEBHOOK_SCHEMA = {
  summary: "Receive a Stripe webhook event for a data source set up for Stripe (checked against the source's signing secret)",
  description: 'Stripe posts here; the Stripe-Signature header must match the raw body and the signing secret. The answer says what the event became. Supported API versions and events: docs/integrators/data-sync.md §7.',
  security: [],
  params: Type.Object({ source_id: Type.String({ description: 'the data source (dsrc_…)' }) }),
  headers: Type.Object({ 'stripe-signature': Type.String({ description: 't=…,v1=… (Stripe’s signature of the raw body)' }) }),
  body: Type.Object({ id: Type.String({ description: 'evt_…' }), type: Type.String(), api_version: Nullable(Type.String()), created: Type.Integer(), data: Type.Object({ object: Type.Object({}, { additionalProperties: true }) }) }, { additionalProperties: true, description: 'a Stripe Event object, as Stripe sends it' }),
  response: {
    200: Type.Object(
      {
        event_id: Type.String(),
        type: Type.String(),
        outcome: Type.Union([Type.Literal('applied'), Type.Literal('waiting'), Type.Literal('ignored'), Type.Literal('duplicate')]),
        reason: Type.Optional(Type.String({ description: 'in words, when nothing was applied' })),
        results: Type.Array(SyncLineResult),
      },
      { title: 'StripeWebhookResult' },
    ),
    ...problems(400, 404),
  },
};

export async function registerStripeWebhook(app: FastifyInstance, d: { stripe: StripeFeed }): Promise<void> {
  await app.register(async (scope) => {
    // the signature covers the body as sent: keep it raw
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_MAX_BYTES }, (_req, body, done) => done(null, body));
    scope.addHook('onRequest', async () => {
      setRequestDbContext(SYSTEM_CONTEXT);
    });
    scope.post<{ Params: { source_id: string } }>(`${SYNC_BASE_PATH}/stripe/:source_id/webhook`, { bodyLimit: WEBHOOK_MAX_BYTES, validatorCompiler: DOCUMENTED_ONLY, schema: STRIPE_WEBHOOK_SCHEMA }, async (req) => {
      const sig = req.headers['stripe-signature'];
      const ua = req.headers['user-agent'];
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : '');
      return d.stripe.receiveWebhook(req.params.source_id, body, typeof sig === 'string' ? sig : undefined, { requestId: String(req.id), ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null });
    });
  });
}

const Params = Strict({ source_id: Id('dsrc') });
const LineResultDto = Type.Object({ line: Type.Integer(), kind: Nullable(Type.String()), external_id: Nullable(Type.String()), status: Type.String(), record_id: Type.Optional(Nullable(Type.String())), reason: Type.Optional(Type.String()), problem: Type.Optional(Type.Any()) });
const StripeStatus = Type.Object(
  {
    configured: Type.Boolean(),
    has_api_key: Type.Boolean({ description: 'a backfill is possible' }),
    last_event_at: Nullable(Type.String()),
    last_backfill_at: Nullable(Type.String()),
    webhook_path: Type.String({ description: 'where Stripe sends this source’s events (after the public address)' }),
    webhook_url: Type.String({ description: 'the endpoint URL to paste in Stripe’s dashboard (the public address and webhook_path)' }),
    webhook_events: Type.Array(Type.String(), { description: 'the events to choose for the endpoint in Stripe' }),
    api_versions: Type.Object({ oldest: Type.String(), newest: Type.String() }, { description: 'the Stripe API versions whose events are read; set the endpoint’s version within them' }),
  },
  { title: 'StripeSourceStatus' },
);
const StripeSetupBody = Strict({
  webhook_secret: Type.String({ minLength: 8, maxLength: 200, pattern: '^whsec_', description: 'the endpoint’s signing secret (whsec_…); stored sealed, never returned' }),
  api_key: Type.Optional(Nullable(Type.String({ minLength: 8, maxLength: 300, pattern: '^(sk|rk)_', description: 'a secret or restricted key that reads customers, invoices and subscriptions (for a backfill); stored sealed, never returned' }))),
});
const CustomerDto = Type.Object({ customer_id: Type.String(), name: Nullable(Type.String()), email: Nullable(Type.String()), ban: Nullable(Type.String()), origin: Type.String({ description: 'metadata (the customer’s metadata.ban), operator (mapped here), seen (no billing account yet)' }), waiting: Type.Integer({ description: 'invoices and subscriptions waiting for a billing account' }) }, { title: 'StripeCustomerMapping' });
const Counts = Type.Object({ pages: Type.Integer(), customers: Type.Integer(), invoices: Type.Integer(), subscriptions: Type.Integer(), lines: Type.Integer(), applied: Type.Integer(), unchanged: Type.Integer(), held: Type.Integer(), rejected: Type.Integer(), waiting: Type.Integer() }, { title: 'StripeBackfill' });

const Kind = Type.Enum([...IMPORT_KINDS]);
const Field = Type.Object({ name: Type.String(), required: Type.Boolean(), type: Type.String(), choices: Type.Optional(Type.Array(Type.String())), hint: Type.String() });
const RowError = Type.Object({ row: Type.Integer({ description: 'the row’s number in the file (the header is row 1)' }), field: Nullable(Type.String()), reason: Type.String() });
const HeldRow = Type.Object({
  row: Type.Integer(),
  reason: Type.String({ description: 'in English words; `missing` says it as data, for the reader\'s language' }),
  missing: HeldMissing,
});
const ImportBody = Strict({
  kind: Kind,
  csv: Type.String({ minLength: 1, maxLength: IMPORT_MAX_BYTES, description: 'the file’s text: a header row, then one row per record' }),
  mapping: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 200 }), { description: 'field → column; absent: matched by header names' })),
});
const Preview = Type.Object(
  {
    kind: Type.String(),
    columns: Type.Array(Type.String()),
    fields: Type.Array(Field),
    mapping: Type.Record(Type.String(), Type.String()),
    rows: Type.Integer(),
    valid_rows: Type.Integer(),
    ready_rows: Type.Integer({ description: 'rows the applier would write (or find unchanged)' }),
    held_rows: Type.Integer({ description: 'rows that would be held: what they name does not exist yet and is not created earlier in the file' }),
    preview: Type.Array(Type.Object({ row: Type.Integer(), values: Type.Record(Type.String(), Type.String()), ok: Type.Boolean({ description: 'no error in the row itself' }), status: Type.Union([Type.Literal('ready'), Type.Literal('held'), Type.Literal('error')]) })),
    errors: Type.Array(RowError),
    held_reasons: Type.Array(HeldRow, { description: 'rows that would be held (at the check) or were held (when applied), with why in words' }),
  },
  { title: 'ImportPreview' },
);
const Applied = Type.Object(
  { ...Preview.properties, applied: Type.Integer(), unchanged: Type.Integer(), held: Type.Integer(), rejected: Type.Integer(), skipped: Type.Integer({ description: 'rows with errors, not sent' }), results: Type.Array(Type.Object({ row: Type.Integer(), status: Type.String(), reason: Type.Optional(Type.String()) })) },
  { title: 'ImportApplied' },
);

const EarningsFreshness = Type.Object(
  { sources: Type.Array(Type.Object({ source_name: Type.String(), last_synced_at: Type.String({ format: 'date-time' }) }), { description: 'newest sync first; empty: no source has sent billing data for these customers yet' }) },
  { title: 'EarningsFreshness' },
);

export function dataFeedRoutes(d: { stripe: StripeFeed; imports: DataImport; access: Access; earningsFreshness: (partnerId: string, codeCreatedBy?: string) => Promise<{ source_name: string; last_synced_at: string }[]> }): AudienceRoutes {
  const { stripe, imports, access } = d;
  return {
    partner(app: App): void {
      app.get(
        '/api/v1/partners/:partner_id/program/data-freshness',
        {
          schema: {
            tags: TAGS,
            summary: 'Where the billing data behind your earnings comes from: the sources of your referred customers’ invoices and when each last synced (owner, staff; canViewEarnings)',
            params: Strict({ partner_id: Id('ptr') }),
            response: { 200: EarningsFreshness, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          const a = access.partner(req, req.params.partner_id, 'partner.earnings.read');
          // staff see the customers their own codes brought, as on the program's other pages
          const role = a.membership ? a.membership.role : a.principal.platformRole;
          const own = access.can(role, 'partner.referrals.read_all') ? undefined : (a.principal.userId ?? undefined);
          return { sources: await d.earningsFreshness(req.params.partner_id, own) };
        },
      );
    },

    operator(app: App): void {
      stripeRoutes(app, stripe, access);
      importRoutes(app, imports, access);
    },
  };
}

const OPERATOR = { config: { operator: PERMISSION } };

/** The operator sets a source up for Stripe, maps its customers to accounts and backfills. */
function stripeRoutes(app: App, stripe: StripeFeed, access: Access): void {
  const gate = (req: FastifyRequest) => access.operator(req, PERMISSION);
  const status = async (id: string) => ({
    ...(await stripe.status(id)),
    webhook_path: stripeWebhookPath(id),
    webhook_url: `${stripe.publicUrl}${stripeWebhookPath(id)}`,
    webhook_events: [...STRIPE_WEBHOOK_EVENTS],
    api_versions: { oldest: STRIPE_OLDEST_API_VERSION, newest: STRIPE_NEWEST_API_VERSION },
  });

  app.get('/api/v1/data-sources/:source_id/stripe', { ...OPERATOR, schema: { tags: TAGS, summary: 'Whether the source receives Stripe webhooks, can backfill, and when it last did', params: Params, response: { 200: StripeStatus, ...problems(400, 401, 403, 404) } } }, async (req) => {
    gate(req);
    return status(req.params.source_id);
  });
  app.put(
    '/api/v1/data-sources/:source_id/stripe',
    { ...OPERATOR, schema: { tags: TAGS, summary: 'Set the source up for Stripe: its webhook signing secret and, for a backfill, an API key (both stored sealed, never returned)', params: Params, body: StripeSetupBody, response: { 200: StripeStatus, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      gate(req);
      await stripe.configure(req.ctx(), req.params.source_id, req.body);
      return status(req.params.source_id);
    },
  );
  app.get(
    '/api/v1/data-sources/:source_id/stripe/customers',
    { ...OPERATOR, schema: { tags: TAGS, summary: 'The Stripe customers seen and the billing account each maps to', params: Params, response: { 200: Type.Object({ data: Type.Array(CustomerDto) }), ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      gate(req);
      return { data: await stripe.customers(req.params.source_id) };
    },
  );
  app.put(
    '/api/v1/data-sources/:source_id/stripe/customers/:customer_id',
    {
      ...OPERATOR,
      schema: {
        tags: TAGS,
        summary: 'Map a Stripe customer to a billing account (null: back to its metadata); what waited for it is applied',
        params: Strict({ source_id: Id('dsrc'), customer_id: Type.String({ pattern: '^cus_[A-Za-z0-9]{1,100}$' }) }),
        body: Strict({ ban: Nullable(Type.String({ minLength: 1, maxLength: 64 })) }),
        response: { 200: Type.Object({ customer_id: Type.String(), ban: Nullable(Type.String()), results: Type.Array(LineResultDto) }), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      gate(req);
      return stripe.mapCustomer(req.ctx(), req.params.source_id, req.params.customer_id, req.body.ban);
    },
  );
  app.post(
    '/api/v1/data-sources/:source_id/stripe/backfill',
    { ...OPERATOR, schema: { tags: TAGS, summary: 'Load every Stripe customer and invoice (and subscription, when the source sends services) through the source', params: Params, response: { 200: Counts, ...problems(400, 401, 403, 404, 409, 502) } } },
    async (req) => {
      gate(req);
      return stripe.backfill(req.ctx(), req.params.source_id);
    },
  );
}

/** The operator's CSV import: a template per kind, a preview with each row's errors, then the apply. */
function importRoutes(app: App, imports: DataImport, access: Access): void {
  const gate = (req: FastifyRequest) => access.operator(req, PERMISSION);
  app.get(
    '/api/v1/data-sources/import/templates/:kind',
    {
      ...OPERATOR,
      schema: { tags: TAGS, summary: 'A CSV template for a kind of record: its columns and one example row', params: Strict({ kind: Kind }), response: { 200: Type.String({ description: 'text/csv' }), ...problems(400, 401, 403, 404) } },
    },
    async (req, reply) => {
      gate(req);
      const kind = requireKind(req.params.kind);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="partnergate-${kind.replace('_', '-')}s-template.csv"`)
        .send(template(kind));
    },
  );
  app.post(
    '/api/v1/data-sources/:source_id/import/preview',
    { ...OPERATOR, bodyLimit: IMPORT_MAX_BYTES + 64 * 1024, schema: { tags: TAGS, summary: 'Check a CSV file: its columns matched to the kind’s fields, the first rows, and each row’s errors — nothing is applied', params: Params, body: ImportBody, response: { 200: Preview, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      gate(req);
      return imports.preview(String(req.id), req.params.source_id, req.body.kind, req.body.csv, req.body.mapping);
    },
  );
  app.post(
    '/api/v1/data-sources/:source_id/import',
    {
      ...OPERATOR,
      bodyLimit: IMPORT_MAX_BYTES + 64 * 1024,
      schema: {
        tags: TAGS,
        summary: 'Apply a CSV file through the source (only with confirm: true): rows without errors become records, each row gets its result',
        params: Params,
        // without it, or false: 400 import_not_confirmed (the guide's words), not a schema failure
        body: Strict({ ...ImportBody.properties, confirm: Type.Optional(Type.Boolean({ description: 'must be true: the operator confirmed after the preview (otherwise 400 import_not_confirmed)' })) }),
        response: { 200: Applied, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      gate(req);
      return imports.apply(req.ctx(), req.params.source_id, req.body.kind, req.body.csv, req.body.mapping, req.body.confirm === true);
    },
  );
}
