/**
 * The audit export and retention as a recipient checks them: pages of a time range carry the
 * hash-chain proof, which verifies, and catches an event taken out of a page or changed in it;
 * pages chain to each other. The retention sweep deletes the events every organization naming
 * them has let expire, keeps the others, leaves a checkpoint the export continues from, and
 * `audit verify` still walks the whole chain. Organization walls and bad input. Both databases.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { verifyExport, type WireEvent } from '../../../src/modules/auditstream/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';

const clock = new ManualClock();
let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let partner: TestPartner;
let admin: Client;
const ctx = systemContext('audit-export-test');

type Page = { prev_hash: string; last_hash: string; events: WireEvent[]; next_cursor: string | null };

async function tenantEvents(tenantId: string, n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i++) await t.services.tenants.createBillingAccount(ctx, tenantId, { name: `${label} ${i + 1}` });
  await t.services.audit.seal({ wait: true });
}

const range = (since: Date, until: Date, more = '') => `/api/v1/tenants/${tenant.id}/audit-export?since=${since.toISOString()}&until=${until.toISOString()}${more}`;

beforeAll(async () => {
  clock.set(Date.now() - 10 * 86_400_000);
  t = await startTestApp({ clock });
  tenant = await t.world.tenant();
  other = await t.world.tenant();
  partner = await t.world.partner();
  admin = await tenant.admin.login();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('export with the hash-chain proof', () => {
  it('a page verifies; without one of its events, or with one changed, it does not', async () => {
    clock.advance(1000);
    const since = clock.now();
    await tenantEvents(tenant.id, 5, 'Export');
    await tenantEvents(other.id, 2, 'Other');
    clock.advance(1000);
    const r = await admin.get(range(since, clock.now()));
    expect(r.status).toBe(200);
    const page = r.body as Page;
    expect(page.events.filter((e) => e.action === 'billing_account.created')).toHaveLength(5);
    expect(page.events.every((e) => e.tenant_id === tenant.id)).toBe(true);
    expect(verifyExport(page)).toMatchObject({ ok: true, checked: page.events.length, lastHash: page.last_hash });

    const removed = { ...page, events: page.events.filter((_, i) => i !== 2) };
    expect(verifyExport(removed)).toMatchObject({ ok: false, atEventId: page.events[3].id, reason: expect.stringMatching(/missing/) });
    const altered = { ...page, events: page.events.map((e, i) => (i === 1 ? { ...e, details: '{"name":"Forged"}' } : e)) };
    expect(verifyExport(altered)).toMatchObject({ ok: false, atEventId: page.events[1].id, reason: expect.stringMatching(/altered/) });
    const firstGone = { ...page, events: page.events.slice(1) };
    expect(verifyExport(firstGone).ok).toBe(false);
  });

  it('pages chain: each page’s prev_hash is the last page’s last_hash', async () => {
    const since = new Date(0);
    const until = new Date(clock.nowMs() + 1000);
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: unknown } = await admin.get(range(since, until, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(r.status).toBe(200);
      pages.push(r.body as Page);
      cursor = (r.body as Page).next_cursor;
    } while (cursor);
    expect(pages.length).toBeGreaterThan(2);
    for (let i = 0; i < pages.length; i++) {
      expect(verifyExport(pages[i]).ok).toBe(true);
      if (i > 0) expect(pages[i].prev_hash).toBe(pages[i - 1].last_hash);
    }
    const all = pages.flatMap((p) => p.events);
    expect(verifyExport({ prev_hash: pages[0].prev_hash, events: all }).ok).toBe(true);
  });

  it('the verification script in the integrators’ guide verifies an export, and refuses it with an event taken out', async () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/integrators/audit-streaming.md'), 'utf8');
    const script = /<!-- verify-export\.mjs -->\n```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(script).toBeTruthy();
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    try {
      writeFileSync(join(dir, 'verify-export.mjs'), script!);
      const page = (await admin.get(range(new Date(0), new Date(clock.nowMs() + 1000), '&limit=1000'))).body as Page;
      writeFileSync(join(dir, 'export.json'), JSON.stringify(page));
      const run = (file: string) => execFileSync(process.execPath, [join(dir, 'verify-export.mjs'), join(dir, file)], { encoding: 'utf8', stdio: 'pipe' });
      expect(run('export.json')).toMatch(new RegExp(`^verified: ${page.events.length} events`));
      writeFileSync(join(dir, 'cut.json'), JSON.stringify({ ...page, events: page.events.filter((_, i) => i !== 3) }));
      expect(() => run('cut.json')).toThrow(/NOT verified: an event is missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a range that ends before it starts, and another tenant’s or a partner’s caller', async () => {
    const now = clock.now();
    const bad = await admin.get(range(now, new Date(now.getTime() - 1000)));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('audit_export_range_invalid');
    expect((await admin.get(`/api/v1/tenants/${tenant.id}/audit-export?since=yesterday&until=today`)).body.code).toBe('validation_failed');
    const outsider = await other.admin.login();
    expect((await outsider.get(range(new Date(0), now))).status).toBe(404);
    const member = await tenant.user.login();
    expect((await member.get(range(new Date(0), now))).status).toBe(403);
    const owner = await partner.owner.login();
    expect((await owner.get(range(new Date(0), now))).status).toBe(404);
    // an organization's destination is not reachable from another's path
    const mine = await admin.post(`/api/v1/tenants/${tenant.id}/audit-streams`, { kind: 'otlp', name: 'Mine', address: 'https://collector.example.com' });
    expect(mine.status).toBe(201);
    const theirs = await outsider.get(`/api/v1/tenants/${other.id}/audit-streams/${mine.body.destination.id}`);
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('audit_destination_not_found');
  });

  it('refuses addresses it may not call and a CA that is not a certificate', async () => {
    const base = `/api/v1/tenants/${tenant.id}/audit-streams`;
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'syslog', name: 'x', address: 'siem.example.com' }, 'audit_destination_address_not_allowed'],
      [{ kind: 'syslog', name: 'x', address: '10.0.0.5:6514' }, 'audit_destination_address_not_allowed'],
      [{ kind: 'webhook', name: 'x', address: 'http://127.0.0.1:9/hook' }, 'audit_destination_address_not_allowed'],
      [{ kind: 'otlp', name: 'x', address: 'ftp://collector.example.com' }, 'audit_destination_address_not_allowed'],
      [{ kind: 'syslog', name: 'x', address: 'siem.example.com:6514', ca_pem: 'not a certificate' }, 'audit_destination_ca_invalid'],
      [{ kind: 'otlp', name: 'x', address: 'https://collector.example.com', authorization: 'Bearer a\r\nX-Evil: 1' }, 'audit_destination_secret_invalid'],
      [{ kind: 'kafka', name: 'x', address: 'a:1' }, 'validation_failed'],
    ];
    for (const [body, code] of cases) {
      const r = await admin.post(base, body);
      expect([r.status, r.body.code]).toEqual([400, code]);
    }
  });
});

describe('retention', () => {
  it('the sweep deletes what expired for every organization naming it, keeps a checkpoint, and the chain still verifies', async () => {
    const r = await admin.put(`/api/v1/tenants/${tenant.id}/audit-retention`, { days: 3 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ days: 3, checkpoint_hash: null, deleted_count: 0 });
    const old = clock.now();
    await tenantEvents(tenant.id, 3, 'Old');
    clock.advance(5 * 86_400_000);
    admin = await tenant.admin.login(); // the session of five days ago has lapsed
    const recent = clock.now();
    await tenantEvents(tenant.id, 2, 'Recent');
    const before = (await admin.get(range(new Date(0), new Date(clock.nowMs() + 1000), '&limit=1000'))).body as Page;

    expect(await t.services.auditStream.sweep()).toBeGreaterThan(0);
    const after = await admin.get(`/api/v1/tenants/${tenant.id}/audit-retention`);
    expect(after.body.deleted_count).toBeGreaterThan(0);
    expect(after.body.checkpoint_hash).toMatch(/^[0-9a-f]{64}$/);

    // what is left starts from the checkpoint and verifies
    const page = (await admin.get(range(new Date(0), new Date(clock.nowMs() + 1000), '&limit=1000'))).body as Page;
    expect(page.prev_hash).toBe(after.body.checkpoint_hash);
    expect(verifyExport(page).ok).toBe(true);
    expect(page.events.every((e) => e.occurred_at >= recent.toISOString() || e.tenant_id !== tenant.id)).toBe(true);
    expect(page.events.length).toBeLessThan(before.events.length);
    expect(before.events.some((e) => e.occurred_at < old.toISOString() + 'z')).toBe(true);
    // another tenant without retention keeps its events
    const otherAdmin = await other.admin.login();
    const kept = await otherAdmin.get(`/api/v1/tenants/${other.id}/audit-export?since=${new Date(0).toISOString()}&until=${new Date(clock.nowMs() + 1000).toISOString()}`);
    expect(kept.body.events.filter((e: WireEvent) => e.action === 'billing_account.created')).toHaveLength(4);
    // the whole chain still verifies: the tombstones keep the deleted events' links
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
    // the sweep is in the log (the retention change, five days old, went with the rest)
    const log = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=audit.*&limit=50`);
    const actions = (log.body.data as { action: string; details: { deleted?: number } }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['audit.retention_swept', 'audit.exported']));
    expect(actions).not.toContain('audit.retention_changed');
  });

  it('the guard still refuses deleting an audit event that has no tombstone', async () => {
    const db = t.testDb.db;
    const row = await db.kysely.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await expect(db.kysely.deleteFrom('audit_events').where('seq', '=', row.seq).execute()).rejects.toThrow(/append-only|permission denied/);
  });
});
