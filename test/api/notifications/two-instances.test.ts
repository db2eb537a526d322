/**
 * Two real server processes and the in-process set-up app on one PostgreSQL database — three
 * events workers — all draining the same outbox and delivery queue every 50 ms: each of 200
 * events reaches the receiver exactly once (`FOR UPDATE SKIP LOCKED` for the fan-out, a lease for
 * each delivery). Always PostgreSQL (test/helpers/instance-pair.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import type { TestTenant } from '../../helpers/world.ts';

let pair: InstancePair;
let tenant: TestTenant;
let receiver: Server;
let url = '';
const ids: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    ids.push(String(req.headers['webhook-id']));
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  pair = await startInstancePair({
    name: 'wh',
    env: { NOTIFY_WORKER_INTERVAL_MS: '50', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    before: async (world) => {
      tenant = await world.tenant();
    },
  });
}, 180_000);

afterAll(async () => {
  await pair?.close();
  receiver?.closeAllConnections();
  receiver?.close();
});

describe('the events worker on several instances', () => {
  it('delivers each of 200 events exactly once while three instances drain the queue', { timeout: 120_000 }, async () => {
    const s = pair.setup.services;
    await s.notifications.createEndpoint(pair.world.ctx, { type: 'tenant', id: tenant.id }, { url, description: 'receiver', event_types: ['invitation.sent'] });
    await asSystem(() =>
      mutate(s.db, async (trx) => {
        for (let i = 0; i < 200; i++) {
          await s.notifications.outbox.emit(trx, {
            type: 'invitation.sent',
            tenantId: tenant.id,
            data: { invitation: { id: `inv_${i}`, email: `p${i}@example.com`, role: 'TENANT_USER' }, organization: { type: 'tenant', id: tenant.id, name: tenant.name }, actor: { user_id: null, name: null } },
          });
        }
      }),
    );
    // every delivery recorded as succeeded: nothing can be sent again after that
    const done = () => asSystem(() => s.db.kysely.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'succeeded').executeTakeFirst());
    await expect.poll(async () => Number((await done())?.n ?? 0), { timeout: 90_000, interval: 200 }).toBe(200);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    const events = await asSystem(() => s.db.kysely.selectFrom('domain_events').select('status').where('tenant_id', '=', tenant.id).where('type', '=', 'invitation.sent').execute());
    expect(events.filter((e) => e.status === 'dispatched')).toHaveLength(events.length);
  });
});
