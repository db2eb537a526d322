/**
 * Orders when the operator routes them to the provider's system: placing one sends it there first
 * (its own Idempotency-Key, the caller's identity signed by the gateway) and keeps it here as
 * provisional — no provisioned service yet: the provider's source sends that — bound to the id the
 * provider answered with; cancelling one the provider's source knows sends the cancellation there
 * first. A refusal or an unreachable provider leaves nothing here.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ResourceCaller } from './resource-caller.ts';
import { providerKey, sentColumns, type RecordWrites, type WriteTarget } from './record-writes.ts';
import * as repo from './resources.repo.ts';

export interface SentOrderDeps {
  db: Db;
  writes: RecordWrites;
  audit: (trx: Tx, details: Record<string, unknown>) => Promise<void>;
}

/** Send a new order, then keep it as provisional. `order` is the row as the reference service would write it. */
export async function placeSentOrder(d: SentOrderDeps, ctx: RequestContext, c: ResourceCaller, t: WriteTarget, order: repo.OrderRow, ban: { account_number: string }, now: Date, key: string | null): Promise<repo.OrderRow> {
  const sendKey = providerKey(c, key);
  const body = { ban: ban.account_number, product_code: order.product_code, quantity: order.quantity, notes: order.notes, persona: order.persona };
  const ans = await d.writes.send(t, { method: 'POST', path: '/orders', body, caller: c, requestId: ctx.requestId, idempotencyKey: sendKey, recordId: order.id });
  const row: repo.OrderRow = { ...order, ...sentColumns(t, now) };
  await mutate(d.db, async (trx) => {
    await repo.insertOrder(trx, row);
    await d.writes.bind(trx, t, 'order', ans.externalId ?? sendKey, row.id, c.tenantId);
    await d.audit(trx, { sent_to: t.routeName, external_id: ans.externalId });
  });
  return row;
}

/** Send a cancellation of an order the provider's source knows by `externalId`; the caller then writes it here as provisional. */
export async function sendCancellation(d: Pick<SentOrderDeps, 'writes'>, ctx: RequestContext, c: ResourceCaller, t: WriteTarget, orderId: string, externalId: string): Promise<void> {
  await d.writes.send(t, { method: 'POST', path: `/orders/${encodeURIComponent(externalId)}/cancel`, body: {}, caller: c, requestId: ctx.requestId, idempotencyKey: providerKey(c, `cancel ${orderId}`), recordId: orderId });
}
