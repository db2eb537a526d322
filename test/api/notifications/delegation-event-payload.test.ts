/**
 * A delegation's event, as webhooks, the bell and e-mail receive it. On PostgreSQL its payload is
 * built by the database, in a statement sent ahead of the writer's next one; elsewhere the writer
 * reads the names and builds it. Both must say the same thing in the same text, key for key,
 * and match the event catalog's schema: the delegation, its role's name, both parties' names, who acted and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Value from 'typebox/value';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { inDays } from '../delegations/helpers.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { EventOutbox } from '../../../src/modules/notifications/event-outbox.ts';
import { eventType } from '../../../src/modules/notifications/events.catalog.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type EventRow = { id: string; type: string; version: number; tenant_id: string | null; partner_id: string | null; payload: string; status: string };
const eventsOf = async (delegationId: string): Promise<EventRow[]> =>
  (await t.testDb.owner.kysely.selectFrom('domain_events').select(['id', 'type', 'version', 'tenant_id', 'partner_id', 'payload', 'status']).where('payload', 'like', `%${delegationId}%`).orderBy('id').execute()) as EventRow[];
const parsed = (r: EventRow) => ({ ...r, id: undefined, payload: JSON.parse(r.payload) as Record<string, unknown> });

describe("a delegation's event", () => {
  it('says the same whether the database builds it or the writer does, and matches the catalog', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const r = await owner.post(`/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'MSP_SUPPORT', justification: 'Support "24/7" \\ contract – é ✓', ends_at: inDays(30) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id as string;

    // the request's event, written by the request itself, in the tenant's context
    const [requested] = await eventsOf(id);
    expect(parsed(requested).payload).toMatchObject({
      delegation: { id, origin: 'link', role: 'MSP_SUPPORT', status: 'requested' },
      tenant: { id: tenant.id, name: tenant.name },
      partner: { id: partner.id, name: partner.name },
      actor: { user_id: partner.owner.id, name: 'Owner' },
      reason: 'Support "24/7" \\ contract – é ✓',
    });

    // each kind of delegation event, built both ways from the same audited change
    const atCommit = new EventOutbox(systemClock, t.testDb.db.dialect);
    const byWriter = new EventOutbox(systemClock, 'sqlite');
    const ctx = { ...systemContext('req_test'), actor: { ...systemContext('req_test').actor, type: 'user' as const, userId: partner.owner.id } };
    const entries = [
      { action: 'delegation.requested', details: {} },
      { action: 'delegation.approved', details: {} },
      { action: 'delegation.revoked', details: { reason: 'contract ended\n\t"early" \\ \u0001 </script>' } },
      { action: 'delegation.renewed', details: { from: '2026-01-01T00:00:00.000Z' } },
    ];
    let writersRequest: EventRow | undefined;
    for (const e of entries) {
      const entry = { ...e, tenantId: tenant.id, partnerId: partner.id, targetType: 'delegation', targetId: id };
      const before = new Set((await eventsOf(id)).map((x) => x.id));
      await asSystem(() => mutate(t.testDb.db, (trx) => atCommit.fromAudit(trx, ctx, entry)));
      await asSystem(() => mutate(t.testDb.db, (trx) => byWriter.fromAudit(trx, ctx, entry)));
      // the two new ones (ids made in the same millisecond need not sort in the order they were made)
      const [fromDb, fromWriter] = (await eventsOf(id)).filter((x) => !before.has(x.id));
      expect(fromWriter, e.action).toBeDefined();
      if (e.action === 'delegation.requested') writersRequest = fromWriter;
      expect(fromDb, e.action).toBeDefined();
      expect(parsed(fromDb), e.action).toEqual(parsed(fromWriter));
      // the same text too: readers find an event by its payload's text (`"id":"dlg_…"`)
      expect(fromDb.payload, e.action).toBe(fromWriter.payload);
      expect(Value.Check(eventType(fromDb.type)!.schema, JSON.parse(fromDb.payload)), e.action).toBe(true);
    }
    // and the request's own event matches the one the writer builds for it
    expect(writersRequest).toBeDefined();
    expect(parsed(requested)).toEqual(parsed(writersRequest!));
    expect(requested.payload).toBe(writersRequest!.payload);
  });
});
