/**
 * An operator is told in the bell that an organization applied to become a partner; once any operator
 * approves or rejects the application, that notice stops being new for every operator (the badge drops).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const application = () => {
  const slug = unique('apl');
  return { name: `Partner ${slug}`, slug, contact_email: `${slug}@example.test`, owner: { name: 'Owner', email: `${slug}-o@example.test`, password: 'owner passphrase 1' } };
};

describe("the operators' notice of an application", () => {
  it.each([
    ['approved', { capabilities: ['delegated'] }],
    ['rejected', { reason: 'Not a fit for the programme' }],
  ] as const)('is no longer new once the application is %s', async (answer, body) => {
    const [first, second] = [await t.world.operator(), await t.world.operator()];
    const [a, b] = [await first.login(), await second.login()];
    const applied = await new Client(t.app).post('/api/v1/partner-applications', application());
    expect(applied.status).toBe(201);
    const partnerId: string = applied.body.partner.id;
    await t.services.notifications.worker.tick();
    const unread = async (c: Client) => ((await c.get('/api/v1/me/notifications?limit=100')).body.data as { type: string; read_at: string | null; link: string | null }[]).filter((n) => n.type === 'partner.applied' && n.link?.endsWith(partnerId) && n.read_at === null);
    expect(await unread(a)).toHaveLength(1);
    expect(await unread(b)).toHaveLength(1);
    const r = await a.post(`/api/v1/partners/${partnerId}/${answer === 'approved' ? 'approve' : 'reject'}`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await unread(a)).toHaveLength(0);
    expect(await unread(b)).toHaveLength(0);
  });
});
