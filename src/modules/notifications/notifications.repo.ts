/** Queries of the events-out tables: the outbox, webhook endpoints and deliveries, notifications, mail. */
import { PostgresAdapter, sql, type CompiledQuery, type Insertable, type RawBuilder, type Selectable } from 'kysely';
import { writeSoon, type Db, type Executor, type Tx } from '../../platform/db/database.ts';
import type { DomainEventsTable, MailMessagesTable, NotificationsTable, WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from '../../platform/db/schema.ts';

export type DomainEventRow = Selectable<DomainEventsTable>;
export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type MailRow = Selectable<MailMessagesTable>;
export type OwnerType = EndpointRow['owner_type'];

/** PostgreSQL: rows another instance holds are skipped, not waited for (SQLite has one writer). */
const skipLocked = (db: Db) => (db.dialect === 'postgres' ? sql` for update skip locked` : sql``);

// ---- outbox ---------------------------------------------------------------------------------

/**
 * Pending events, oldest first, locked for this transaction (another instance takes the next ones).
 * PostgreSQL reads them in the pending index's own order (migration 0044), the first `limit` entries:
 * behind the tenant wall the planner takes the policy's terms to leave about one row, and chose to
 * fetch every pending event and sort them on disk instead — 3.7 s a claim with a million pending
 * (a sync of a million invoices), against 17 ms in index order. Sorting is off for this statement.
 */
export async function claimPendingEvents(db: Db, trx: Tx, limit: number): Promise<DomainEventRow[]> {
  const pg = db.dialect === 'postgres';
  if (pg) await sql`select set_config('enable_sort', 'off', true)`.execute(trx);
  const r = await sql<DomainEventRow>`select * from domain_events where status = 'pending' order by occurred_at, id limit ${limit}${skipLocked(db)}`.execute(trx);
  if (pg) await sql`select set_config('enable_sort', 'on', true)`.execute(trx);
  return r.rows;
}

/** An insert of the events `select` yields, its columns in the order of domain_events' own (event-names.ts delegationEventSelect). */
export function insertEventFrom(db: Executor, select: RawBuilder<unknown>): CompiledQuery {
  return sql`insert into domain_events (id, type, version, tenant_id, partner_id, payload, occurred_at, status, dispatched_at) ${select}`.compile(db);
}

/**
 * Write events in the caller's transaction. PostgreSQL: all of them in one statement with one parameter,
 * the rows as a JSON array read back into the table's row type (a sync batch writes thousands);
 * SQLite: a thousand rows a statement (nine columns a row: under its bound on a statement's parameters).
 */
export async function insertEvents(trx: Tx, rows: Insertable<DomainEventsTable>[]): Promise<void> {
  if (rows.length > 1 && trx.getExecutor().adapter instanceof PostgresAdapter) {
    const list = sql.join(Object.keys(rows[0]).map((c) => sql.id(c)));
    await sql`insert into domain_events (${list}) select ${list} from json_populate_recordset(null::domain_events, ${JSON.stringify(rows)}::json)`.execute(trx);
    return;
  }
  for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('domain_events').values(rows.slice(i, i + 1000)).execute();
}

export async function markDispatched(trx: Tx, ids: string[], at: string): Promise<void> {
  if (ids.length) await trx.updateTable('domain_events').set({ status: 'dispatched', dispatched_at: at }).where('id', 'in', ids).execute();
}

// ---- endpoints ------------------------------------------------------------------------------

export async function insertEndpoint(db: Executor, row: Insertable<WebhookEndpointsTable>): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export function listEndpoints(db: Executor, ownerType: OwnerType, ownerId: string): Promise<EndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('owner_type', '=', ownerType).where('owner_id', '=', ownerId).orderBy('created_at', 'desc').execute();
}

export function findEndpoint(db: Executor, ownerType: OwnerType, ownerId: string, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('owner_type', '=', ownerType).where('owner_id', '=', ownerId).executeTakeFirst();
}

export function findEndpointById(db: Executor, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateEndpoint(db: Executor, id: string, patch: Partial<EndpointRow>): Promise<void> {
  await db.updateTable('webhook_endpoints').set(patch).where('id', '=', id).execute();
}

export async function deleteEndpoint(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

/** The active endpoints of any of these tenants and partners, and the platform's: one read for a batch of events. */
export function endpointsOfOwners(db: Executor, tenantIds: readonly string[], partnerIds: readonly string[]): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('owner_type', '=', 'platform'),
        ...(tenantIds.length ? [eb.and([eb('owner_type', '=', 'tenant'), eb('owner_id', 'in', tenantIds)])] : []),
        ...(partnerIds.length ? [eb.and([eb('owner_type', '=', 'partner'), eb('owner_id', 'in', partnerIds)])] : []),
      ]),
    )
    .execute();
}

// ---- deliveries -----------------------------------------------------------------------------

export async function insertDeliveries(db: Executor, rows: Insertable<WebhookDeliveriesTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('webhook_deliveries').values(rows.slice(i, i + 500)).execute();
}

export function listDeliveries(db: Executor, endpointId: string, limit: number, cursor?: string): Promise<DeliveryRow[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (cursor) q = q.where('id', '<', cursor);
  return q.orderBy('id', 'desc').limit(limit + 1).execute();
}

export function findDelivery(db: Executor, endpointId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('id', '=', id).executeTakeFirst();
}

export function listAttempts(db: Executor, deliveryId: string) {
  return db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();
}

/**
 * Claim due deliveries of active endpoints: each gets a lease (locked_until) in this
 * transaction, so no other instance takes it until the lease lapses (a crashed instance's claim
 * is picked up again then: at least once).
 */
export async function claimDueDeliveries(db: Db, trx: Tx, nowIso: string, leaseUntil: string, limit: number, onlyIds?: string[]): Promise<DeliveryRow[]> {
  const only = onlyIds ? sql` and d.id in (${sql.join(onlyIds)})` : sql``;
  const due = await sql<{ id: string }>`
    select d.id from webhook_deliveries d
     where d.status = 'pending' and d.next_attempt_at <= ${nowIso} and (d.locked_until is null or d.locked_until <= ${nowIso})
       and exists (select 1 from webhook_endpoints e where e.id = d.endpoint_id and e.status = 'active')${only}
     order by d.next_attempt_at, d.id limit ${limit}${db.dialect === 'postgres' ? sql` for update of d skip locked` : sql``}`.execute(trx);
  const ids = due.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  await trx.updateTable('webhook_deliveries').set({ locked_until: leaseUntil }).where('id', 'in', ids).execute();
  return trx.selectFrom('webhook_deliveries').selectAll().where('id', 'in', ids).orderBy('next_attempt_at').execute();
}

// ---- notifications --------------------------------------------------------------------------

export async function insertNotifications(db: Executor, rows: Insertable<NotificationsTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('notifications').values(rows).execute();
}

export function listNotifications(db: Executor, userId: string, opts: { unread?: boolean; limit: number; cursor?: string }): Promise<NotificationRow[]> {
  let q = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (opts.unread) q = q.where('read_at', 'is', null);
  if (opts.cursor) q = q.where('id', '<', opts.cursor);
  return q.orderBy('id', 'desc').limit(opts.limit + 1).execute();
}

export async function countUnread(db: Executor, userId: string, exceptTypes: readonly string[] = []): Promise<number> {
  let q = db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null);
  if (exceptTypes.length > 0) q = q.where('type', 'not in', exceptTypes);
  const r = await q.executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * A request was answered (approved, rejected, withdrawn or lapsed): the notices that asked for the
 * answer stop being new, for every person who got one. The notice names its event; the event's
 * payload names the delegation (`"id":"dlg_…"` — an id holds no quote or wildcard of its own).
 */
export async function settleRequestNotices(db: Executor, delegationId: string, at: string): Promise<void> {
  const events = db.selectFrom('domain_events').select('id').where('type', '=', 'delegation.requested').where('payload', 'like', `%"id":"${delegationId}"%`);
  // in a transaction on PostgreSQL it travels with the next statement (writeSoon)
  await writeSoon(db, db.updateTable('notifications').set({ read_at: at }).where('type', '=', 'delegation.requested').where('read_at', 'is', null).where('event_id', 'in', events));
}

/** A partner's application was answered: the operators' notices of it stop being new (the event names the partner in its own column). */
export async function settleApplicationNotices(db: Executor, partnerId: string, at: string): Promise<void> {
  const events = db.selectFrom('domain_events').select('id').where('type', '=', 'partner.applied').where('partner_id', '=', partnerId);
  // in a transaction on PostgreSQL it travels with the next statement (writeSoon)
  await writeSoon(db, db.updateTable('notifications').set({ read_at: at }).where('type', '=', 'partner.applied').where('read_at', 'is', null).where('event_id', 'in', events));
}

/**
 * An alert was acknowledged or resolved: someone is on it, so the notices that raised it stop being
 * new, for every person who got one (the payload names the alert: `"alert":{"id":"alr_…"`).
 */
export async function settleAlertNotices(db: Executor, alertId: string, at: string): Promise<void> {
  const events = db.selectFrom('domain_events').select('id').where('type', '=', 'alert.raised').where('payload', 'like', `%"alert":{"id":"${alertId}"%`);
  // in a transaction on PostgreSQL it travels with the next statement (writeSoon)
  await writeSoon(db, db.updateTable('notifications').set({ read_at: at }).where('type', '=', 'alert.raised').where('read_at', 'is', null).where('event_id', 'in', events));
}

/** Whether this notification is the user's. */
export async function notificationExists(db: Executor, userId: string, id: string): Promise<boolean> {
  return (await db.selectFrom('notifications').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function markRead(db: Executor, userId: string, ids: string[] | 'all', at: string): Promise<number> {
  let q = db.updateTable('notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== 'all') q = q.where('id', 'in', ids.length ? ids : ['']);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0);
}

export async function findPreferences(db: Executor, userId: string): Promise<Record<string, { in_app: boolean; email: boolean }>> {
  const r = await db.selectFrom('notification_preferences').select('settings').where('user_id', '=', userId).executeTakeFirst();
  return r ? (JSON.parse(r.settings) as Record<string, { in_app: boolean; email: boolean }>) : {};
}

export async function savePreferences(db: Executor, userId: string, settings: Record<string, { in_app: boolean; email: boolean }>, at: string): Promise<void> {
  const existing = await db.selectFrom('notification_preferences').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  if (existing) await db.updateTable('notification_preferences').set({ settings: JSON.stringify(settings), updated_at: at }).where('user_id', '=', userId).execute();
  else await db.insertInto('notification_preferences').values({ user_id: userId, settings: JSON.stringify(settings), updated_at: at }).execute();
}

// ---- recipients -----------------------------------------------------------------------------

/** A person who hears of an event (their owners answer who: tenants, partners, identity). */
export interface Recipient {
  id: string;
  email: string;
  name: string;
}

// ---- mail -----------------------------------------------------------------------------------

export async function insertMail(db: Executor, rows: Insertable<MailMessagesTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('mail_messages').values(rows).execute();
}

export async function claimDueMail(db: Db, trx: Tx, nowIso: string, leaseUntil: string, limit: number): Promise<MailRow[]> {
  const due = await sql<{ id: string }>`
    select id from mail_messages where status = 'pending' and next_attempt_at <= ${nowIso} and (locked_until is null or locked_until <= ${nowIso})
     order by next_attempt_at, id limit ${limit}${skipLocked(db)}`.execute(trx);
  const ids = due.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  await trx.updateTable('mail_messages').set({ locked_until: leaseUntil }).where('id', 'in', ids).execute();
  return trx.selectFrom('mail_messages').selectAll().where('id', 'in', ids).execute();
}

/** The operator's overview: webhook endpoints turned off or failing, by owner, and e-mail that failed for good. */
export async function deliveryHealth(db: Executor) {
  const [endpoints, mail] = await Promise.all([
    db
      .selectFrom('webhook_endpoints')
      .select(['owner_type', sql<number>`sum(case when status = 'disabled' then 1 else 0 end)`.as('disabled'), sql<number>`sum(case when status = 'active' and consecutive_failures > 0 then 1 else 0 end)`.as('failing')])
      .groupBy('owner_type')
      .execute(),
    db.selectFrom('mail_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'failed').executeTakeFirstOrThrow(),
  ]);
  return { endpoints: endpoints.map((r) => ({ owner_type: r.owner_type, disabled: Number(r.disabled ?? 0), failing: Number(r.failing ?? 0) })), mailFailed: Number(mail.n) };
}

/** A dispatch pass's attempts, 500 rows a statement. */
export async function insertAttempts(db: Executor, rows: Insertable<WebhookAttemptsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('webhook_attempts').values(rows.slice(i, i + 500)).execute();
}

/** Deliveries that succeeded: one statement per 500, their answer codes and times as CASE lists. */
export async function markDeliveriesSucceeded(db: Executor, ok: { id: string; status: number | null; latency: number }[], at: string): Promise<void> {
  for (let i = 0; i < ok.length; i += 500) {
    const part = ok.slice(i, i + 500);
    const caseOf = (f: (x: (typeof part)[number]) => number | null) => sql`case id ${sql.join(part.map((x) => sql`when ${x.id} then cast(${f(x)} as integer)`), sql` `)} end`;
    await sql`update webhook_deliveries
                 set status = 'succeeded', attempts = attempts + 1, last_status_code = ${caseOf((x) => x.status)}, last_latency_ms = ${caseOf((x) => x.latency)},
                     last_error = null, locked_until = null, completed_at = ${at}
               where id in (${sql.join(part.map((x) => x.id))})`.execute(db);
  }
}

export async function updateDelivery(db: Executor, id: string, patch: Partial<Insertable<WebhookDeliveriesTable>>): Promise<void> {
  await db.updateTable('webhook_deliveries').set(patch).where('id', '=', id).execute();
}

/** An endpoint's failures in a row and its status (the dispatcher's health check). */
export function findEndpointHealth(db: Executor, id: string): Promise<{ consecutive_failures: number; status: EndpointRow['status'] } | undefined> {
  return db.selectFrom('webhook_endpoints').select(['consecutive_failures', 'status']).where('id', '=', id).executeTakeFirst();
}

export async function updateMail(db: Executor, id: string, patch: Partial<Insertable<MailMessagesTable>>): Promise<void> {
  await db.updateTable('mail_messages').set(patch).where('id', '=', id).execute();
}
