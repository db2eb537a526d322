/**
 * Migrations by phase (platform/db/migrate.ts, docs/operators/upgrades.md): an expand run leaves the
 * contract migrations for later, an older release serves a database a newer one only expanded and is
 * refused one it contracted, and contract waits for expand. The releases are migration sets of their
 * own here (the phase table's real migration, 0073, and small ones that add and drop a table), on a
 * database of this file's dialect.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, migrationStatus, MigrationRefused } from '../../../src/platform/db/migrate.ts';
import type { PartnergateMigration } from '../../../src/platform/db/migration-helpers.ts';
import { migration as phaseTable } from '../../../src/platform/db/migrations/0073-migration-phases.ts';
import { MIGRATIONS } from '../../../src/platform/db/migrations/index.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';

const createTable = (table: string): PartnergateMigration => ({
  phase: 'expand',
  up: async ({ db }) => db.schema.createTable(table).addColumn('id', 'text', (c) => c.primaryKey()).execute(),
});
const dropTable = (table: string): PartnergateMigration => ({ phase: 'contract', up: async ({ db }) => db.schema.dropTable(table).execute() });

/** The release before: what it reads and writes is `old_things`. */
const OLD: [string, PartnergateMigration][] = [
  ['0073-migration-phases', phaseTable],
  ['9000-old-things', createTable('old_things')],
];
/** The new release: adds `new_things` (expand) and drops `old_things`, which it no longer uses (contract). */
const NEW: [string, PartnergateMigration][] = [...OLD, ['9001-new-things', createTable('new_things')], ['9002-drop-old-things', dropTable('old_things')]];

let t: TestDb | null = null;
afterEach(async () => {
  await t?.drop();
  t = null;
});

async function tables(db: TestDb): Promise<string[]> {
  const names = await db.owner.kysely.introspection.getTables();
  return names.map((x) => x.name).filter((n) => n.endsWith('_things')).sort();
}

describe('migrations by phase', () => {
  it('every migration of this release declares its phase', () => {
    for (const [name, m] of MIGRATIONS) expect(['expand', 'contract'], name).toContain(m.phase);
    expect(MIGRATIONS.find(([n]) => n === '0073-migration-phases')?.[1].phase).toBe('expand');
  });

  it('docs/operators/upgrades.md names every migration with its phase', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/operators/upgrades.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Which migrations are safe while old instances serve'));
    const rows = [...section.matchAll(/^\| `(\d{4})(?:-[a-z0-9-]+)?`(?:–`(\d{4})`)? \| (expand|contract) \|/gm)].map((m) => ({ from: m[1], to: m[2] ?? m[1], phase: m[3] }));
    expect(rows.length).toBeGreaterThan(1);
    for (const [name, m] of MIGRATIONS) {
      const n = name.slice(0, 4);
      const row = rows.find((r) => r.from <= n && n <= r.to);
      expect(row?.phase, `${name} has no row in docs/operators/upgrades.md`).toBe(m.phase);
    }
  });

  it('expand, then the release before still starts, then contract; after it the release before is refused', async () => {
    t = await createTestDb({ migrate: false });
    const db = t.owner;
    expect((await migrateToLatest(db, { migrations: OLD, phase: 'auto' })).phase).toBe('all');

    const expand = await migrateToLatest(db, { migrations: NEW, phase: 'expand' });
    expect(expand).toEqual({ applied: ['9001-new-things'], phase: 'expand', contractPending: ['9002-drop-old-things'] });
    expect(await tables(t)).toEqual(['new_things', 'old_things']);

    // an instance of the release before, restarted now, migrates as it always does and serves
    expect(await migrationStatus(db, OLD)).toMatchObject({ newer: [{ name: '9001-new-things', phase: 'expand' }] });
    expect((await migrateToLatest(db, { migrations: OLD, phase: 'auto' })).applied).toEqual([]);

    const contract = await migrateToLatest(db, { migrations: NEW, phase: 'contract' });
    expect(contract).toEqual({ applied: ['9002-drop-old-things'], phase: 'contract', contractPending: [] });
    expect(await tables(t)).toEqual(['new_things']);

    // now what it reads is gone: it refuses to start, naming the migration, and changes nothing
    await expect(migrateToLatest(db, { migrations: OLD, phase: 'auto' })).rejects.toThrow(MigrationRefused);
    await expect(migrateToLatest(db, { migrations: OLD, phase: 'auto' })).rejects.toThrow(/newer release .*: 9002-drop-old-things \(contract\)/);
    expect((await migrateToLatest(db, { migrations: NEW, phase: 'auto' })).applied).toEqual([]);
  });

  it('refuses contract while expand migrations are pending', async () => {
    t = await createTestDb({ migrate: false });
    await migrateToLatest(t.owner, { migrations: OLD });
    await expect(migrateToLatest(t.owner, { migrations: NEW, phase: 'contract' })).rejects.toThrow('expand migrations are pending (9001-new-things)');
    expect(await tables(t)).toEqual(['old_things']);
  });

  it('auto: every migration on a new database; on an existing one, expand only on PostgreSQL and all on SQLite', async () => {
    t = await createTestDb({ migrate: false });
    await migrateToLatest(t.owner, { migrations: OLD, phase: 'auto' });
    const r = await migrateToLatest(t.owner, { migrations: NEW, phase: 'auto' });
    if (t.owner.dialect === 'postgres') expect([r.phase, r.applied, r.contractPending]).toEqual(['expand', ['9001-new-things'], ['9002-drop-old-things']]);
    else expect([r.phase, r.applied, r.contractPending]).toEqual(['all', ['9001-new-things', '9002-drop-old-things'], []]);
  });

  it('refuses a database whose newer migrations have no recorded phase', async () => {
    t = await createTestDb({ migrate: false });
    await migrateToLatest(t.owner, { migrations: NEW, phase: 'expand' });
    await sql`delete from schema_migration_phases where name = '9001-new-things'`.execute(t.owner.kysely);
    await expect(migrateToLatest(t.owner, { migrations: OLD, phase: 'auto' })).rejects.toThrow(/9001-new-things \(phase not recorded\)/);
  });
});
