/**
 * Purpose-bound consent (the CAMARA model): a partner acts on a customer's data for named
 * purposes, each granted by the customer and revocable on its own.
 *  - purposes: the catalog the operator keeps (built-in ones seeded here; the operator adds more
 *    and retires them), each with a plain-words name and description the customer reads;
 *  - gateway_route_purposes: the purpose a gateway route requires, by its method and pattern
 *    ("GET /resources/v1/invoices"), set by the operator; held in memory by every instance;
 *  - delegations.purposes: the purposes a consent or a link grants (JSON array of catalog ids;
 *    null on a delegation made before purposes existed, which grants none of them).
 * Neither new table names a tenant: the catalog and the route requirements are the platform's.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

const BUILT_IN: { id: string; name: string; description: string }[] = [
  { id: 'billing_management', name: 'Billing management', description: 'See your invoices, payments and billing accounts, and manage them for you.' },
  { id: 'support', name: 'Customer support', description: 'Open, follow and answer support tickets for you.' },
  { id: 'ordering_on_behalf', name: 'Ordering on your behalf', description: 'Place, change and cancel orders for services in your name.' },
  { id: 'fraud_prevention', name: 'Fraud prevention', description: 'Check the activity on your accounts to detect and stop fraud.' },
  { id: 'service_management', name: 'Service management', description: 'Set up, change and watch over the services you use.' },
  { id: 'usage_reporting', name: 'Usage and reporting', description: 'Read your usage and service levels to report on them.' },
];

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('purposes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('gateway_route_purposes')
      .addColumn('route', 'text', (c) => c.primaryKey())
      .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('delegations').addColumn('purposes', 'text').execute();
    const now = new Date().toISOString();
    await db
      .insertInto('purposes' as never)
      .values(BUILT_IN.map((p) => ({ ...p, status: 'active', built_in: 1, created_by: null, created_at: now, updated_at: now })) as never)
      .execute();
  },
};
