/** The partner configuration document: sections, versions with who/when/diff, compare-and-set, snapshot. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

describe('partner configuration', () => {
  it('replaces a section as a new version, records who changed what, and reaches the decision snapshot', async () => {
    const p = await t.world.partner();
    const empty = await operator.get(`/api/v1/partners/${p.id}/configuration`);
    expect(empty.body).toEqual({ partner_id: p.id, version: 0, config: {} });

    const first = await operator.put(`/api/v1/partners/${p.id}/configuration/session`, { value: { idle_minutes: 30, max_sessions: 3 } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, config: { session: { idle_minutes: 30, max_sessions: 3 } } });
    const second = await operator.put(`/api/v1/partners/${p.id}/configuration/session`, { value: { idle_minutes: 15, max_sessions: 3 }, expected_version: 1 });
    expect(second.body.version).toBe(2);

    // the same value again is no change: no new version
    expect((await operator.put(`/api/v1/partners/${p.id}/configuration/session`, { value: { idle_minutes: 15, max_sessions: 3 } })).body.version).toBe(2);

    // an editor on an older version is refused, and nothing is written
    const stale = await operator.put(`/api/v1/partners/${p.id}/configuration/session`, { value: { idle_minutes: 5 }, expected_version: 1 });
    expect([stale.status, stale.body.code]).toEqual([409, 'config_version_conflict']);

    const history = await operator.get(`/api/v1/partners/${p.id}/configuration/versions`);
    expect(history.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(history.body.data[0]).toMatchObject({ section: 'session', changes: [{ path: 'idle_minutes', from: 30, to: 15 }] });
    expect(history.body.data[0].changed_by).toMatchObject({ name: expect.any(String), email: expect.stringContaining('@') });

    const events = await operator.get(`/api/v1/audit-events?action=partner.config_changed&target_id=${p.id}`);
    expect(events.body.data).toHaveLength(2);

    await t.services.feed.kick();
    expect(t.services.authz.snapshot.partner(p.id).config).toEqual({ session: { idle_minutes: 15, max_sessions: 3 } });

    // null returns a section to the platform's defaults
    expect((await operator.put(`/api/v1/partners/${p.id}/configuration/session`, { value: null })).body).toMatchObject({ version: 3, config: {} });
  });

  it('refuses bad input with a code and writes nothing: unknown fields, absurd numbers, unknown sections, other callers', async () => {
    const p = await t.world.partner();
    for (const [section, value] of [
      ['session', { idle_minutes: -1 }],
      ['session', { idle_minutes: 10_000_000 }],
      ['session', { nap_minutes: 5 }],
      ['limits', { per_minute: { gateway: 0 } }],
      ['roles', { member_roles: 'MSP_FULL' }],
    ] as const) {
      const r = await operator.put(`/api/v1/partners/${p.id}/configuration/${section}`, { value });
      expect([r.status, r.body.code], JSON.stringify(value)).toEqual([400, 'validation_failed']);
    }
    expect((await operator.put(`/api/v1/partners/${p.id}/configuration/colour`, { value: {} })).status).toBe(404);
    expect((await operator.get(`/api/v1/partners/${p.id}/configuration`)).body.version).toBe(0);
    const owner = await p.owner.login();
    const r = await owner.put(`/api/v1/partners/${p.id}/configuration/session`, { value: { idle_minutes: 5 } });
    expect(r.status).toBe(403);
  });
});
