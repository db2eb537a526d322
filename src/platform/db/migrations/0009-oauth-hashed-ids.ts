/**
 * OAuth: the protocol store keeps no bearer value. From this version on a row's id is
 * the keyed hash (SecretHasher: HMAC-SHA256 under the installation's SECRET_KEY) of the code,
 * token, session or interaction id the library hands over, and payloads lose their copy of it
 * (src/modules/oauth/oauth-store.ts). The rows written before:
 *  - refresh tokens — partners' access hangs on them — and the other long-lived models are hashed
 *    in place (id → its hash, `jti` dropped from the payload), so they keep working;
 *  - grants and member-grant marks stay as they are: a grant id is no bearer value;
 *  - everything else is short-lived (codes: 60 s, interactions, sign-in sessions at the provider,
 *    pushed requests, opaque access tokens) and is dropped: a sign-in in flight at the upgrade
 *    starts again.
 * On SQLite the rewrite runs with secure_delete, so the plaintext does not linger in freed pages.
 * On PostgreSQL the old row versions stay in the table's files until vacuumed (`VACUUM FULL
 * oauth_store` rewrites them); a dump no longer shows them.
 *
 * Hashing needs SECRET_KEY; the CLI always passes it (migrate, serve). Without it — only tests
 * migrating a fresh database do that — the migration refuses to run if there is a row to hash.
 */
import { sql, type Kysely } from 'kysely';
import { SecretHasher } from '../../crypto.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';

/** Not bearer values: kept as they are. */
const KEEP = ['Grant', 'PartnergateMemberGrant'];
/** Long-lived: hashed in place. Every other model is dropped. */
const HASH_IN_PLACE = ['RefreshToken', 'ReplayDetection', 'RegistrationAccessToken', 'InitialAccessToken'];
/** What a hashed id looks like (the library's ids are 43 characters of base64url). */
const HASHED_ID = /^[0-9a-f]{64}$/;
const BATCH = 500;

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect, secretKey }) {
    let secureDelete: number | null = null;
    if (dialect === 'sqlite') {
      secureDelete = Number((await sql<{ secure_delete: number }>`PRAGMA secure_delete`.execute(db)).rows[0]?.secure_delete ?? 0);
      await sql`PRAGMA secure_delete = ON`.execute(db);
    }
    try {
      await db
        .deleteFrom('oauth_store')
        .where('model', 'not in', [...KEEP, ...HASH_IN_PLACE])
        .execute();
      const toHash = await db.selectFrom('oauth_store').select(db.fn.countAll().as('n')).where('model', 'in', HASH_IN_PLACE).executeTakeFirst();
      if (Number(toHash?.n ?? 0) === 0) return;
      if (!secretKey) throw new Error('0009-oauth-hashed-ids needs SECRET_KEY to hash the stored refresh tokens; run `partnergate migrate` with the installation settings');
      const hasher = new SecretHasher(secretKey);
      for (const model of HASH_IN_PLACE) await hashModel(db, model, hasher);
    } finally {
      if (secureDelete !== null) await sql.raw(`PRAGMA secure_delete = ${secureDelete ? 'ON' : 'OFF'}`).execute(db);
    }
  },
};

async function hashModel(db: Kysely<any>, model: string, hasher: SecretHasher): Promise<void> {
  let after = '';
  for (;;) {
    const rows: { id: string; payload: string }[] = await db
      .selectFrom('oauth_store')
      .select(['id', 'payload'])
      .where('model', '=', model)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    for (const r of rows) {
      after = r.id;
      // already hashed (written by this version, or met again after its own update)
      if (HASHED_ID.test(r.id)) continue;
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(r.payload) as Record<string, unknown>;
      } catch {
        await db.deleteFrom('oauth_store').where('model', '=', model).where('id', '=', r.id).execute();
        continue;
      }
      if (payload.jti === r.id) delete payload.jti;
      await db
        .updateTable('oauth_store')
        .set({ id: hasher.hash(r.id), payload: JSON.stringify(payload) })
        .where('model', '=', model)
        .where('id', '=', r.id)
        .execute();
    }
  }
}
