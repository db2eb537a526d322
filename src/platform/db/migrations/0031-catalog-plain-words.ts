/**
 * The role and permission catalogs in plain words: the first catalog's descriptions carried
 * references a reader cannot use — a requirement document's number in parentheses and the
 * matrix's code names ("(canManagePartnerUsers)") — and the portal shows these descriptions to
 * people choosing roles. Drops exactly those parentheticals; every other word stays.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

const REFERENCE = / \((?:seed \d{3}|can[A-Z][A-Za-z]+)\)/g;

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    for (const table of ['roles', 'permissions'] as const) {
      const key = table === 'roles' ? 'id' : 'name';
      const rows = (await db.selectFrom(table).select([key, 'description']).execute()) as { id?: string; name?: string; description: string }[];
      for (const row of rows) {
        const plain = row.description.replace(REFERENCE, '');
        if (plain === row.description) continue;
        await db
          .updateTable(table)
          .set({ description: plain })
          .where(key as never, '=', (row.id ?? row.name) as never)
          .execute();
      }
    }
  },
};
