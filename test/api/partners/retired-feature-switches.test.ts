/**
 * A feature retired while it is on for a partner does not block anything else: the owner still
 * switches its other opt-in features, and the operator still saves the partner's features
 * section. Only switching a retired feature on is refused; one already on is left as saved (and
 * is off for the partner all the same), and may be switched off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { loginAs } from '../gateway/helpers.ts';

let t: TestApp;
let operator: Client;
let n = 0;
const key = (p: string) => `${p}.r${process.pid}x${++n}`;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

const catalog = async (k: string, extra: Record<string, unknown> = {}) => {
  const r = await operator.post('/api/v1/features', { key: k, name: `Feature ${k}`, description: 'A test feature.', default_on: false, opt_in: true, lifecycle: 'general', ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
};

describe('a retired feature that is on for a partner', () => {
  it("does not block the owner's switches of other features; switching it on again is refused, off is allowed", async () => {
    const p = await t.world.partner();
    const owner = await loginAs(t, p.owner);
    const [gone, other] = [key('gone'), key('other')];
    await catalog(gone);
    await catalog(other);
    expect((await owner.put(`/api/v1/partners/${p.id}/features/${gone}`, { enabled: true })).status).toBe(200);
    expect((await operator.post(`/api/v1/features/${gone}/retire`, {})).status).toBe(200);
    await t.services.feed.drain();
    const snap = t.services.authz.snapshot;
    expect(snap.featureEnabled(p.id, gone)).toBe(false);

    const on = await owner.put(`/api/v1/partners/${p.id}/features/${other}`, { enabled: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toMatchObject({ key: other, enabled: true, source: 'partner' });
    const off = await owner.put(`/api/v1/partners/${p.id}/features/${other}`, { enabled: false });
    expect([off.status, off.body.enabled]).toEqual([200, false]);
    await t.services.feed.drain();
    expect([snap.featureEnabled(p.id, other), snap.featureEnabled(p.id, gone)]).toEqual([false, false]);
    // the retired one is left as saved: no change its owner did not make
    expect((await operator.get(`/api/v1/partners/${p.id}/configuration`)).body.config.features).toEqual({ [gone]: true, [other]: false });

    const again = await owner.put<Problem>(`/api/v1/partners/${p.id}/features/${gone}`, { enabled: true });
    expect([again.status, again.body.code]).toEqual([400, 'feature_retired']);
    const drop = await owner.put(`/api/v1/partners/${p.id}/features/${gone}`, { enabled: false });
    expect([drop.status, drop.body.enabled, drop.body.lifecycle], JSON.stringify(drop.body)).toEqual([200, false, 'retired']);
    expect((await operator.get(`/api/v1/partners/${p.id}/configuration`)).body.config.features).toEqual({ [gone]: false, [other]: false });
    const changes = await operator.get(`/api/v1/audit-events?action=partner.config_changed&target_id=${p.id}`);
    expect(changes.body.data).toHaveLength(4);
  });

  it("does not block the operator's save of the section; a retired feature newly switched on is refused with nothing written", async () => {
    const p = await t.world.partner();
    const [gone, later, other] = [key('gone'), key('later'), key('other')];
    await catalog(gone, { opt_in: false });
    await catalog(later, { opt_in: false });
    await catalog(other, { opt_in: false });
    expect((await operator.put(`/api/v1/partners/${p.id}/configuration/features`, { value: { [gone]: true } })).status).toBe(200);
    await operator.post(`/api/v1/features/${gone}/retire`, {});
    await operator.post(`/api/v1/features/${later}/retire`, {});

    const save = await operator.put(`/api/v1/partners/${p.id}/configuration/features`, { value: { [gone]: true, [other]: true } });
    expect(save.status, JSON.stringify(save.body)).toBe(200);
    await t.services.feed.drain();
    expect([t.services.authz.snapshot.featureEnabled(p.id, other), t.services.authz.snapshot.featureEnabled(p.id, gone)]).toEqual([true, false]);

    const refused = await operator.put<Problem>(`/api/v1/partners/${p.id}/configuration/features`, { value: { [gone]: true, [other]: true, [later]: true } });
    expect([refused.status, refused.body.code]).toEqual([400, 'feature_retired']);
    expect(refused.body.errors?.[0]?.pointer).toBe(`/body/value/${later}`);
    expect((await operator.get(`/api/v1/partners/${p.id}/configuration`)).body.config.features).toEqual({ [gone]: true, [other]: true });
  });
});
