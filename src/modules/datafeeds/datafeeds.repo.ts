/** Queries of the Stripe feed's tables (migrations 0036, 0065). */
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { StripeCustomersTable, StripeObjectsTable, StripeSourcesTable } from '../../platform/db/schema.ts';

export type StripeSourceRow = Selectable<StripeSourcesTable>;
export type StripeCustomerRow = Selectable<StripeCustomersTable>;
export type StripeObjectRow = Selectable<StripeObjectsTable>;

export function findStripeSource(db: Executor, sourceId: string): Promise<StripeSourceRow | undefined> {
  return db.selectFrom('stripe_sources').selectAll().where('source_id', '=', sourceId).executeTakeFirst();
}

export async function upsertStripeSource(db: Executor, row: StripeSourceRow): Promise<void> {
  await db
    .insertInto('stripe_sources')
    .values(row)
    .onConflict((oc) => oc.column('source_id').doUpdateSet({ webhook_secret_sealed: row.webhook_secret_sealed, api_key_sealed: row.api_key_sealed, api_base: row.api_base, updated_at: row.updated_at }))
    .execute();
}

export async function touchStripeSource(db: Executor, sourceId: string, patch: { last_event_at?: string; last_backfill_at?: string }): Promise<void> {
  await db.updateTable('stripe_sources').set(patch).where('source_id', '=', sourceId).execute();
}

export function findCustomer(db: Executor, sourceId: string, customerId: string): Promise<StripeCustomerRow | undefined> {
  return db.selectFrom('stripe_customers').selectAll().where('source_id', '=', sourceId).where('customer_id', '=', customerId).executeTakeFirst();
}

export function listCustomers(db: Executor, sourceId: string, limit: number): Promise<StripeCustomerRow[]> {
  return db.selectFrom('stripe_customers').selectAll().where('source_id', '=', sourceId).orderBy('customer_id').limit(limit).execute();
}

export async function upsertCustomer(db: Executor, row: StripeCustomerRow): Promise<void> {
  await db
    .insertInto('stripe_customers')
    .values(row)
    .onConflict((oc) => oc.columns(['source_id', 'customer_id']).doUpdateSet({ name: row.name, email: row.email, ban: row.ban, origin: row.origin, updated_at: row.updated_at }))
    .execute();
}

export function findObject(db: Executor, sourceId: string, objectId: string): Promise<StripeObjectRow | undefined> {
  return db.selectFrom('stripe_objects').selectAll().where('source_id', '=', sourceId).where('object_id', '=', objectId).executeTakeFirst();
}

/** The invoice a charge or payment intent paid. */
export function findObjectByPaymentRef(db: Executor, sourceId: string, ref: string): Promise<StripeObjectRow | undefined> {
  return db
    .selectFrom('stripe_objects')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('payment_refs', 'like', `%${JSON.stringify(ref)}%`)
    .executeTakeFirst();
}

export async function upsertObject(db: Executor, row: StripeObjectRow): Promise<void> {
  await db
    .insertInto('stripe_objects')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['source_id', 'object_id']).doUpdateSet({
        customer_id: row.customer_id,
        line: row.line,
        version: row.version,
        payment_refs: row.payment_refs,
        refunded_cents: row.refunded_cents,
        adjustments: row.adjustments,
        waiting: row.waiting,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export function waitingObjects(db: Executor, sourceId: string, customerId: string): Promise<StripeObjectRow[]> {
  return db.selectFrom('stripe_objects').selectAll().where('source_id', '=', sourceId).where('customer_id', '=', customerId).where('waiting', '=', 1).orderBy('version').execute();
}

export async function countWaiting(db: Executor, sourceId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('stripe_objects').select((eb) => ['customer_id', eb.fn.countAll<number>().as('n')]).where('source_id', '=', sourceId).where('waiting', '=', 1).groupBy('customer_id').execute();
  return new Map(rows.map((r) => [r.customer_id, Number(r.n)]));
}

/** Record an event id; false when it was processed before. */
export async function markEvent(db: Executor, sourceId: string, eventId: string, type: string, at: string): Promise<boolean> {
  const r = await db.insertInto('stripe_events').values({ source_id: sourceId, event_id: eventId, type, received_at: at }).onConflict((oc) => oc.columns(['source_id', 'event_id']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function eventSeen(db: Executor, sourceId: string, eventId: string): Promise<boolean> {
  return !!(await db.selectFrom('stripe_events').select(sql<number>`1`.as('x')).where('source_id', '=', sourceId).where('event_id', '=', eventId).executeTakeFirst());
}
