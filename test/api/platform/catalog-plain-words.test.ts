/**
 * The role and permission catalogs people read when they choose a role speak in plain words: no
 * requirement document's number in parentheses and no code name of the permission matrix
 * ("(canManagePartnerUsers)") in any description, on a database migrated from nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

const REFERENCE = /\((?:seed \d{3}|can[A-Z][A-Za-z]+)\)|\bseed \d{3}\b|\bissue \d+\b/;

describe('the role and permission catalogs', () => {
  it('describe every role and permission without document numbers or code names', async () => {
    const roles = await t.owner.kysely.selectFrom('roles').select(['id', 'description']).execute();
    const permissions = await t.owner.kysely.selectFrom('permissions').select(['name', 'description']).execute();
    expect(roles.length).toBeGreaterThan(5);
    expect(permissions.length).toBeGreaterThan(20);
    expect(roles.filter((r) => REFERENCE.test(r.description)).map((r) => `${r.id}: ${r.description}`)).toEqual([]);
    expect(permissions.filter((p) => REFERENCE.test(p.description)).map((p) => `${p.name}: ${p.description}`)).toEqual([]);
    // the words themselves stay
    expect(roles.find((r) => r.id === 'PARTNER_OWNER')?.description).toBe('Full control within the partner organization.');
    expect(permissions.find((p) => p.name === 'partner.members.manage')?.description).toBe('Invite, remove members and change roles');
  });
});
