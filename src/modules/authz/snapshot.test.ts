/**
 * The snapshot's delegation storage, compact enough for a million delegations (columns, packed ids, an open-addressing id table,
 * an approver list threaded through the slots). decide.property.test.ts checks decisions on
 * worlds with short ids (`dlg_0`), which the snapshot keeps as strings; these cases use the ids
 * the platform makes (`newId('dlg')`, packed) and enough of them that the id table grows,
 * slots are reused and removals shift probe chains — against a plain Map as the model.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AuthzSnapshot, toMs, type DelegationInput } from './snapshot.ts';
import { decide } from './decide.ts';
import { parseList } from './snapshot-loader.ts';
import { newId } from '../../platform/ids.ts';

const BASE = Date.parse('2030-01-01T00:00:00Z');
const STATUSES = ['requested', 'active', 'expired', 'revoked', 'rejected'] as const;
const ORIGINS = ['link', 'consent', 'wholesale'] as const;

function world(): AuthzSnapshot {
  const s = new AuthzSnapshot();
  s.putRole('MSP_FULL', ['billing.*', 'orders.*']);
  s.putRole('AUDITOR', ['billing.invoices.read']);
  for (const p of ['ptr_a', 'ptr_b']) s.putPartner({ id: p, status: 'active', capabilities: ['managed_services', 'delegated', 'wholesale'] });
  for (const t of ['tnt_a', 'tnt_b', 'tnt_c']) {
    s.putTenant({ id: t, status: 'active' });
    s.putBan({ id: `ban_${t}`, tenantId: t, accountNumber: `BAN-${t}`, status: 'active' });
    s.putUser({ id: `usr_${t}`, status: 'active', tenants: [[t, 'TENANT_ADMIN']] });
  }
  return s;
}

/** The fields a SnapDelegation shows, as plain data to compare with the input it came from. */
function shown(s: AuthzSnapshot, id: string) {
  const d = s.delegations.get(id);
  if (d === undefined) return undefined;
  return {
    id: d.id,
    partnerId: d.partnerId,
    tenantId: d.tenantId,
    origin: ORIGINS[d.origin],
    role: d.role.id,
    status: STATUSES[d.status],
    startsAt: d.startsMs,
    endsAt: d.endsMs,
    banIds: d.banIds === null ? null : [...d.banIds],
    grant: [...d.grant.list],
    deny: [...d.deny.list],
    scopes: d.scopes === null ? null : [...d.scopes.list],
    clientId: d.clientId,
    approvedBy: d.approverId,
  };
}

function expected(d: DelegationInput) {
  return {
    id: d.id,
    partnerId: d.partnerId,
    tenantId: d.tenantId,
    origin: d.origin,
    role: d.role,
    status: d.status,
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    banIds: d.banIds ?? null,
    grant: d.grant ?? [],
    deny: d.deny ?? [],
    scopes: d.scopes ?? null,
    clientId: d.clientId ?? null,
    approvedBy: d.origin === 'wholesale' ? null : (d.approvedBy ?? null),
  };
}

const delegationArb = (id: string): fc.Arbitrary<DelegationInput> =>
  fc.record({
    id: fc.constant(id),
    partnerId: fc.constantFrom('ptr_a', 'ptr_b'),
    tenantId: fc.constantFrom('tnt_a', 'tnt_b', 'tnt_c'),
    origin: fc.constantFrom(...ORIGINS),
    role: fc.constantFrom('MSP_FULL', 'AUDITOR'),
    status: fc.constantFrom(...STATUSES),
    startsAt: fc.integer({ min: -100, max: 100 }).map((h) => BASE + h * 3_600_000),
    endsAt: fc.integer({ min: 101, max: 10_000 }).map((h) => BASE + h * 3_600_000 + 1),
    banIds: fc.option(fc.subarray(['ban_tnt_a', 'ban_tnt_b', 'ban_tnt_c']), { nil: null }),
    grant: fc.subarray(['orders.read', 'support.*']),
    deny: fc.subarray(['billing.invoices.export']),
    scopes: fc.option(fc.subarray(['billing.*', 'orders.read']), { nil: null }),
    clientId: fc.option(fc.constantFrom('cli_1', 'cli_2'), { nil: null }),
    // usr_new is no user until an op puts it (an approver the snapshot learns of after its delegations)
    approvedBy: fc.option(fc.constantFrom('usr_tnt_a', 'usr_tnt_b', 'usr_tnt_c', 'usr_new'), { nil: null }),
  });

type SnapshotOp = { put: DelegationInput } | { puts: DelegationInput[] } | { remove: string } | { gone: string } | { user: string; adminOf: string[] };

/** Applies random puts and removals to a snapshot and to a plain Map, and expects the snapshot to answer like the Map. */
function expectLikeAMap(ops: readonly SnapshotOp[], pool: readonly string[]): void {
  const s = world();
  const model = new Map<string, DelegationInput>();
  // user → the tenants it is an active admin of (none for usr_new until it is put)
  const admins = new Map<string, readonly string[]>([
    ['usr_tnt_a', ['tnt_a']],
    ['usr_tnt_b', ['tnt_b']],
    ['usr_tnt_c', ['tnt_c']],
  ]);
  for (const op of ops) {
    if ('put' in op) {
      s.putDelegation(op.put);
      model.set(op.put.id, op.put);
    } else if ('puts' in op) {
      s.putDelegations(op.puts);
      for (const d of op.puts) model.set(d.id, d);
    } else if ('remove' in op) {
      s.removeDelegation(op.remove);
      model.delete(op.remove);
    } else if ('gone' in op) {
      s.removeUser(op.gone);
      admins.delete(op.gone);
    } else {
      s.putUser({ id: op.user, status: 'active', tenants: (['tnt_a', 'tnt_b', 'tnt_c'] as const).map((t) => [t, op.adminOf.includes(t) ? 'TENANT_ADMIN' : 'TENANT_USER']) });
      admins.set(op.user, op.adminOf);
    }
  }
  expect(s.delegations.size).toBe(model.size);
  expect(new Set(s.delegations.keys())).toEqual(new Set(model.keys()));
  for (const id of pool) {
    const d = model.get(id);
    expect(shown(s, id)).toEqual(d === undefined ? undefined : expected(d));
    if (d === undefined) continue;
    // the approver stands while it is an active TENANT_ADMIN of the delegation's tenant
    const approver = d.origin === 'wholesale' ? null : (d.approvedBy ?? null);
    const stands = approver === null || admins.get(approver)?.includes(d.tenantId) === true;
    expect(s.delegations.get(id)?.approverActive).toBe(stands);
  }
  // every delegation is reachable through its partner and tenant, and nothing else is
  for (const p of ['ptr_a', 'ptr_b'])
    for (const t of ['tnt_a', 'tnt_b', 'tnt_c']) {
      const want = [...model.values()].filter((d) => d.partnerId === p && d.tenantId === t).map((d) => d.id);
      expect(new Set(s.pair(p, t).map((d) => d.id))).toEqual(new Set(want));
    }
}

describe('delegation storage', () => {
  it('keeps platform ids packed and gives them back unchanged', () => {
    const s = world();
    const ids = Array.from({ length: 3000 }, () => newId('dlg'));
    for (const [i, id] of ids.entries()) s.putDelegation({ id, partnerId: 'ptr_a', tenantId: 'tnt_a', origin: 'link', role: 'MSP_FULL', status: 'active', startsAt: BASE, endsAt: BASE + i + 1 });
    expect(s.delegations.size).toBe(ids.length);
    // compared as whole lists: one expect, not thousands (cheap under load)
    expect(ids.map((id) => [s.delegations.get(id)?.id, s.delegations.get(id)?.endsMs])).toEqual(ids.map((id, i) => [id, BASE + i + 1]));
    expect(new Set(s.delegations.keys())).toEqual(new Set(ids));
    // near misses are not found: another character, another prefix, a short or odd id
    const one = ids[0];
    const flipped = one.slice(0, -1) + (one.endsWith('0') ? '1' : '0');
    for (const miss of [flipped, `ptr_${one.slice(4)}`, one.slice(0, -1), `${one}0`, one.toUpperCase(), 'dlg_0']) expect(s.delegations.has(miss)).toBe(ids.includes(miss));
    // removing every other one shifts the table's probe chains: the rest are all still found
    for (const [i, id] of ids.entries()) if (i % 2 === 0) s.removeDelegation(id);
    expect(s.delegations.size).toBe(ids.length / 2);
    expect(ids.map((id) => s.delegations.get(id)?.id)).toEqual(ids.map((id, i) => (i % 2 === 0 ? undefined : id)));
    for (const [i, id] of ids.entries()) if (i % 2 === 0) s.putDelegation({ id, partnerId: 'ptr_b', tenantId: 'tnt_b', origin: 'link', role: 'AUDITOR', status: 'active', startsAt: BASE, endsAt: BASE + i + 1 });
    expect(ids.map((id) => s.delegations.get(id)?.partnerId)).toEqual(ids.map((_, i) => (i % 2 === 0 ? 'ptr_b' : 'ptr_a')));
    expect(s.pair('ptr_a', 'tnt_a')).toHaveLength(ids.length / 2);
    // the table grows again while freed slots wait for reuse among the ones in use: all still found
    for (const [i, id] of ids.entries()) if (i % 3 === 0) s.removeDelegation(id);
    const more = Array.from({ length: 3000 }, () => newId('dlg'));
    for (const id of more) s.putDelegation({ id, partnerId: 'ptr_b', tenantId: 'tnt_c', origin: 'link', role: 'AUDITOR', status: 'active', startsAt: BASE, endsAt: BASE + 1 });
    const kept = [...ids.filter((_, i) => i % 3 !== 0), ...more];
    expect(s.delegations.size).toBe(kept.length);
    expect(kept.map((id) => s.delegations.get(id)?.id)).toEqual(kept);
    expect(new Set(s.delegations.keys())).toEqual(new Set(kept));
  });

  it('follows random puts and removals of packed and odd ids like a Map', () => {
    const pool = [...Array.from({ length: 40 }, () => newId('dlg')), 'dlg_0', 'dlg_acme', 'DLG_x'];
    const opArb = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...pool).chain(delegationArb).map((d) => ({ put: d })) },
      { weight: 2, arbitrary: fc.constantFrom(...pool).map((id) => ({ remove: id })) },
      // a user put with the tenants it is admin of (any of the three), or removed
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('usr_tnt_a', 'usr_tnt_b', 'usr_tnt_c', 'usr_new'), fc.subarray(['tnt_a', 'tnt_b', 'tnt_c'])).map(([user, adminOf]) => ({ user, adminOf })) },
      { weight: 1, arbitrary: fc.constantFrom('usr_tnt_a', 'usr_tnt_b', 'usr_tnt_c', 'usr_new').map((gone) => ({ gone })) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 300 }), (ops) => expectLikeAMap(ops, pool)),
      { numRuns: 150 },
    );
  });

  it('a removed delegation frees its slot for the next one, which decides as itself', () => {
    const s = world();
    const first = newId('dlg');
    const second = newId('dlg');
    s.putDelegation({ id: first, partnerId: 'ptr_a', tenantId: 'tnt_a', origin: 'link', role: 'MSP_FULL', status: 'active', startsAt: BASE, endsAt: BASE + 1e9, banIds: ['ban_tnt_a'] });
    s.removeDelegation(first);
    s.putDelegation({ id: second, partnerId: 'ptr_b', tenantId: 'tnt_b', origin: 'link', role: 'AUDITOR', status: 'revoked', startsAt: BASE, endsAt: BASE + 1e9 });
    s.putUser({ id: 'usr_pa', status: 'active', partner: { partnerId: 'ptr_a', role: 'PARTNER_STAFF', status: 'active' } });
    s.putUser({ id: 'usr_pb', status: 'active', partner: { partnerId: 'ptr_b', role: 'PARTNER_STAFF', status: 'active' } });
    expect(s.delegations.get(first)).toBeUndefined();
    expect(decide(s, { type: 'user', userId: 'usr_pa' }, 'orders.read', { tenantId: 'tnt_a' }, BASE + 1).code).toBe('delegation_not_found');
    const d = decide(s, { type: 'user', userId: 'usr_pb' }, 'billing.invoices.read', { tenantId: 'tnt_b' }, BASE + 1);
    expect(d).toMatchObject({ allow: false, code: 'delegation_revoked', delegationId: second });
  });

  it('an answer names the delegation it was about, even once that slot holds another, and says so in JSON', () => {
    const s = world();
    const first = newId('dlg');
    const second = newId('dlg');
    s.putUser({ id: 'usr_pa', status: 'active', partner: { partnerId: 'ptr_a', role: 'PARTNER_STAFF', status: 'active' } });
    s.putDelegation({ id: first, partnerId: 'ptr_a', tenantId: 'tnt_a', origin: 'link', role: 'MSP_FULL', status: 'active', startsAt: BASE, endsAt: BASE + 1e9 });
    const allowed = decide(s, { type: 'user', userId: 'usr_pa' }, 'orders.read', { tenantId: 'tnt_a' }, BASE + 1);
    const expired = decide(s, { type: 'user', userId: 'usr_pa' }, 'orders.read', { tenantId: 'tnt_a' }, BASE + 2e9);
    // the slot is given back and taken by another delegation before anyone reads the answers' ids
    s.removeDelegation(first);
    s.putDelegation({ id: second, partnerId: 'ptr_a', tenantId: 'tnt_a', origin: 'link', role: 'AUDITOR', status: 'revoked', startsAt: BASE, endsAt: BASE + 1e9 });
    expect(allowed).toMatchObject({ allow: true, delegationId: first, role: 'MSP_FULL' });
    expect(expired).toMatchObject({ allow: false, code: 'delegation_expired', delegationId: first });
    expect(JSON.parse(JSON.stringify(allowed))).toEqual({ allow: true, code: 'allowed', reason: 'The delegation role grants it.', matched: { source: 'delegation_role', grant: 'orders.*', role: 'MSP_FULL' }, via: 'delegation', tenantId: 'tnt_a', delegationId: first, bans: null, role: 'MSP_FULL' });
    expect(JSON.parse(JSON.stringify(expired))).toEqual({ allow: false, code: 'delegation_expired', reason: 'The delegation has expired.', matched: null, delegationId: first });
    expect(decide(s, { type: 'user', userId: 'usr_pa' }, 'orders.read', { tenantId: 'tnt_a' }, BASE + 1)).toMatchObject({ code: 'delegation_revoked', delegationId: second });
  });
});

describe('delegation storage, a chunk at a time', () => {
  it("takes a loader's chunk of puts (groups, an id twice in one chunk, an approver's last row replaced) as it takes them one by one", () => {
    const pool = [...Array.from({ length: 40 }, () => newId('dlg')), 'dlg_0', 'dlg_acme', 'DLG_x'];
    const put = fc.constantFrom(...pool).chain(delegationArb);
    const opArb = fc.oneof(
      // up to 80 rows: more than one of putDelegations' groups, and the pool's ids come back within a chunk
      { weight: 3, arbitrary: fc.array(put, { minLength: 1, maxLength: 80 }).map((puts) => ({ puts })) },
      { weight: 1, arbitrary: fc.constantFrom(...pool).map((id) => ({ remove: id })) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('usr_tnt_a', 'usr_tnt_b', 'usr_tnt_c', 'usr_new'), fc.subarray(['tnt_a', 'tnt_b', 'tnt_c'])).map(([user, adminOf]) => ({ user, adminOf })) },
      { weight: 1, arbitrary: fc.constantFrom('usr_tnt_a', 'usr_tnt_b', 'usr_tnt_c', 'usr_new').map((gone) => ({ gone })) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 12 }), (ops) => expectLikeAMap(ops, pool)),
      { numRuns: 150 },
    );
    // a delegation put again by the approver whose only row it was, then that approver loses its role: the new row follows
    const [id, other] = pool;
    const row = (dlg: string): DelegationInput => ({ id: dlg, partnerId: 'ptr_a', tenantId: 'tnt_a', origin: 'link', role: 'MSP_FULL', status: 'active', startsAt: BASE, endsAt: BASE + 1e9, approvedBy: 'usr_tnt_a' });
    const demoted: SnapshotOp = { user: 'usr_tnt_a', adminOf: [] };
    expectLikeAMap([{ put: row(id) }, { put: row(id) }, demoted], pool);
    expectLikeAMap([{ puts: [row(id)] }, { puts: [row(id), row(other), row(id)] }, demoted], pool);
  });
});

describe('tenants found by their packed ids', () => {
  it('finds the tenant of every row of a chunk by its platform id, known or not yet, as putDelegation does one row at a time', () => {
    // platform-made tenant ids (packed and indexed), enough that the index grows inside a chunk, and one that is not canonical
    const known = Array.from({ length: 1500 }, () => newId('tnt'));
    const later = Array.from({ length: 1500 }, () => newId('tnt'));
    const all = [...known, ...later, 'tnt_short'];
    const rows: DelegationInput[] = Array.from({ length: 6000 }, (_, i) => ({
      id: newId('dlg'),
      partnerId: i % 3 === 0 ? 'ptr_a' : 'ptr_b',
      tenantId: all[(i * 7919) % all.length],
      origin: 'link',
      role: 'MSP_FULL',
      status: 'active',
      startsAt: BASE,
      endsAt: BASE + 1e9,
    }));
    const chunked = world();
    const single = world();
    for (const s of [chunked, single]) for (const t of known) s.putTenant({ id: t, status: 'active' });
    // as a loader hands them: its own rows, made into inputs a group at a time
    for (let i = 0; i < rows.length; i += 1000) chunked.putDelegations(rows.slice(i, i + 1000).map((input) => ({ input })), (row) => row.input);
    for (const d of rows) single.putDelegation(d);
    for (const s of [chunked, single]) {
      expect(s.tenants.size).toBe(3 + all.length);
      for (const d of rows) {
        const [got] = s.pair(d.partnerId, d.tenantId).filter((x) => x.id === d.id);
        // the very tenant object the snapshot holds for that id: active when known, an inactive placeholder when not
        expect(got?.tenant).toBe(s.tenants.get(d.tenantId));
        expect(got?.tenant.active).toBe(known.includes(d.tenantId));
      }
    }
    const decided = (s: AuthzSnapshot, t: string) => decide(s, { type: 'app', partnerId: 'ptr_a', clientId: 'cli', delegationId: rows[0].id, tenantId: null, bans: null, scopes: ['orders.*'], userId: null }, 'orders.read', { tenantId: t }, BASE + 1);
    expect(decided(chunked, rows[0].tenantId)).toEqual(decided(single, rows[0].tenantId));
  });
});

describe("a loader's JSON lists", () => {
  it('reads a list of one string as JSON.parse does, escapes and all, and what is not a list of strings as before', () => {
    const byJson = (t: string) => {
      try {
        const v = JSON.parse(t) as unknown;
        return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : null;
      } catch {
        return null;
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (x) => {
        expect(parseList(JSON.stringify([x]))).toEqual([x]);
      }), { numRuns: 2000 });
    // texts that look like a one-item list but are not one, or are written by hand
    const item = fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', ',', ' ', '[', ']', 'é') });
    fc.assert(fc.property(item, (x) => {
        expect(parseList(`["${x}"]`)).toEqual(byJson(`["${x}"]`));
      }), { numRuns: 3000 });
    for (const t of ['[]', '[""]', '["a","b"]', '["a"] ', ' ["a"]', '[1]', '["ban_1"]', '"a"', '["a', 'a"]', '[","]']) expect(parseList(t), t).toEqual(byJson(t));
  });
});

describe('times read by the snapshot', () => {
  it('reads every ISO 8601 UTC time exactly as Date.parse does, and leaves what is not one to it', () => {
    // any instant from 1970 to 2200, written as toISOString writes it
    fc.assert(fc.property(fc.integer({ min: 0, max: 7_258_118_400_000 }), (ms) => toMs(new Date(ms).toISOString()) === ms), { numRuns: 2000 });
    // the same shape with fields out of range or not digits: whatever Date.parse says (NaN or a date)
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, mo, d, h, mi, s) => {
        const t = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.123Z`;
        return Object.is(toMs(t), Date.parse(t));
      }),
      { numRuns: 5000 },
    );
    for (const t of ['2026-02-30T10:00:00.000Z', '2024-02-29T23:59:59.999Z', '0000-02-29T00:00:00.000Z', '0050-01-01T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2000-02-29T23:59:59.999Z', '9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z', '2026-11-24T24:00:00.000Z', '2026-11-24T10:00:00.00aZ', '2026-13-01T00:00:00.000Z', '2026-1a-01T00:00:00.000Z', '2026-11-23T12:00:00+01:00', '2026-11-23', '']) expect(Object.is(toMs(t), Date.parse(t)), t).toBe(true);
    expect(toMs(1_700_000_000_000)).toBe(1_700_000_000_000);
  });
});
