/**
 * Writes to the provider's system of record, as the resources see them: where a kind's writes go
 * (the reference service — null — or a provider's gateway route), sending one, and binding the
 * record kept here to the id the provider gave it. Implemented by the data sources module
 * (WriteRoutesService), which owns the choice and the bindings, with the gateway's forwarding.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Tx } from '../../platform/db/database.ts';
import { idempotencyScope, type ResourceCaller } from './resource-caller.ts';

export interface WriteTarget {
  kind: 'orders' | 'tickets';
  routeName: string;
  sourceId: string;
  /** the provider's system in words */
  sourceName: string;
  confirmWithinMinutes: number;
}

export interface RecordWrites {
  targetFor(kind: 'orders' | 'tickets'): Promise<WriteTarget | null>;
  /** throws the gateway's refusal (provider_refused, upstream_unavailable, upstream_timeout), audited as a failure naming `recordId` */
  send(t: WriteTarget, w: { method: 'POST' | 'PATCH'; path: string; body: Record<string, unknown>; caller: ResourceCaller; requestId: string; idempotencyKey: string; recordId?: string | null }): Promise<{ status: number; externalId: string | null }>;
  bind(trx: Tx, t: WriteTarget, kind: 'order' | 'ticket', externalId: string, recordId: string, tenantId: string): Promise<void>;
  /** the target source's id of a record; null: not that source's record */
  externalIdOf(t: WriteTarget, kind: 'order' | 'ticket', recordId: string): Promise<string | null>;
}

/** The columns of a record written here directly. */
export const NOT_SENT = { write_state: null, write_sent_to: null, write_sent_at: null, write_confirm_by: null } as const;

/** The columns of a record sent to the provider at `now`: provisional until its source sends it back. */
export function sentColumns(t: WriteTarget, now: Date) {
  return {
    write_state: 'provisional' as const,
    write_sent_to: t.sourceName,
    write_sent_at: now.toISOString(),
    write_confirm_by: new Date(now.getTime() + t.confirmWithinMinutes * 60_000).toISOString(),
  };
}

/**
 * The Idempotency-Key a write is sent to the provider with: the caller's own key, made the caller's
 * (two parties choosing the same key send different ones: idempotencyScope) and the tenant's, as a
 * hash; a fresh one when the caller sent none. The same key on a retry: the provider takes it once.
 */
export function providerKey(c: Pick<ResourceCaller, 'tenantId' | 'partnerId' | 'clientId' | 'userId'>, key: string | null): string {
  if (key === null) return randomUUID();
  return createHash('sha256').update(`${c.tenantId}\n${idempotencyScope(c, key)}`).digest('base64url');
}

/** The Idempotency-Key header a caller sent (at most 200 characters), or null. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | null {
  const key = headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 ? key.slice(0, 200) : null;
}
