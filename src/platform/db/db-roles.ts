/**
 * The two PostgreSQL roles behind the second wall: an owner that runs the migrations and owns
 * every table (DATABASE_OWNER_URL), and the application role the service connects as
 * (DATABASE_URL) — not a superuser, NOBYPASSRLS, owning nothing, with only the privileges the
 * application needs. `migrate` grants them (grantAppRole) every time it runs; `serve` and
 * `partnergate db check` report a connection that would bypass row-level security (inspectRole).
 */
import { sql, type Kysely } from 'kysely';
import { tablesMissingRls } from './rls.ts';

/** Tables the application may read but never change (the migrator's own). */
const READ_ONLY_TABLES = ['schema_migrations', 'schema_migrations_lock', 'schema_migration_phases'];
/** Append-only or forward-only tables: rows are added (or moved forward), never removed. */
const NO_DELETE_TABLES: Record<string, string> = { audit_events: 'update, delete, truncate', audit_head: 'delete, truncate', audit_tombstones: 'update, delete, truncate' };
/** The columns the application may still update in a NO_DELETE table: the audit sealer's (migration 0012). */
const SEAL_COLUMNS: Record<string, string> = { audit_events: 'chain_seq, prev_hash, hash' };

const ROLE_NAME = /^[a-z_][a-z0-9_$-]{0,62}$/i;

function ident(name: string): string {
  if (!ROLE_NAME.test(name)) throw new Error(`${JSON.stringify(name)} is not a role name this set-up accepts (letters, digits, _ $ -)`);
  return '"' + name + '"';
}

/** The role a postgres:// URL connects as (null when it names none). */
export function roleOfUrl(url: string): string | null {
  try {
    const u = decodeURIComponent(new URL(url).username);
    return u === '' ? null : u;
  } catch {
    return null;
  }
}

/**
 * Run as the owner after the migrations: make sure the application role exists (created without
 * a password when the owner may create roles; a DBA sets one), and grant it what the application
 * needs on every table and sequence — now and, through default privileges, in future migrations.
 * Idempotent; serialized with the other instances by an advisory lock.
 */
export async function grantAppRole(db: Kysely<any>, role: string): Promise<void> {
  const r = ident(role);
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db);
  if (exists.rows[0].n === 0) {
    try {
      // Roles are cluster-wide: another database's migration may create it at the same moment.
      await sql
        .raw(
          `do $$ begin create role ${r} login nosuperuser nobypassrls nocreatedb nocreaterole; ` +
            `exception when duplicate_object or unique_violation then null; end $$`,
        )
        .execute(db);
    } catch (e) {
      throw new Error(
        `the application role ${role} does not exist and the owner may not create it (${(e as Error).message}); ` +
          `create it first: CREATE ROLE ${r} LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS;`,
        { cause: e },
      );
    }
  }
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(727002)`.execute(trx);
    const ns = (await sql<{ s: string }>`select quote_ident(current_schema()) as s`.execute(trx)).rows[0].s;
    const statements = [
      `grant usage on schema ${ns} to ${r}`,
      `grant select, insert, update, delete on all tables in schema ${ns} to ${r}`,
      `grant usage, select on all sequences in schema ${ns} to ${r}`,
      `alter default privileges in schema ${ns} grant select, insert, update, delete on tables to ${r}`,
      `alter default privileges in schema ${ns} grant usage, select on sequences to ${r}`,
    ];
    const present = new Set(
      (await sql<{ t: string }>`select relname as t from pg_class where relnamespace = current_schema()::regnamespace and relkind in ('r', 'p')`.execute(trx)).rows.map((x) => x.t),
    );
    for (const t of READ_ONLY_TABLES) if (present.has(t)) statements.push(`revoke insert, update, delete, truncate on ${t} from ${r}`);
    for (const [t, what] of Object.entries(NO_DELETE_TABLES)) if (present.has(t)) statements.push(`revoke ${what} on ${t} from ${r}`);
    const sealable = new Set(
      (await sql<{ t: string }>`select table_name as t from information_schema.columns where table_schema = current_schema() and column_name = 'chain_seq'`.execute(trx)).rows.map((x) => x.t),
    );
    for (const [t, cols] of Object.entries(SEAL_COLUMNS)) if (sealable.has(t)) statements.push(`grant update (${cols}) on ${t} to ${r}`);
    for (const s of statements) await sql.raw(s).execute(trx);
  });
}

export interface RoleReport {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  /** tables of the schema the role owns, or owns through a role it is a member of */
  ownedTables: string[];
  /** tables with a tenant_id that are not behind row-level security */
  tablesWithoutRls: string[];
}

/** What the current connection's role can do to the wall. */
export async function inspectRole(db: Kysely<any>): Promise<RoleReport> {
  const r = await sql<{ role: string; superuser: boolean; bypass: boolean }>`
    select current_user as role, rolsuper as superuser, rolbypassrls as bypass from pg_roles where rolname = current_user`.execute(db);
  const owned = await sql<{ t: string }>`
    select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind in ('r', 'p') and pg_has_role(current_user, c.relowner, 'USAGE')
     order by 1`.execute(db);
  const me = r.rows[0];
  return {
    role: me.role,
    superuser: me.superuser,
    bypassRls: me.bypass,
    ownedTables: owned.rows.map((x) => x.t),
    tablesWithoutRls: await tablesMissingRls(db),
  };
}

/** Why row-level security does not hold for this role (empty when it does). */
export function wallProblems(r: RoleReport): string[] {
  const out: string[] = [];
  if (r.superuser) out.push(`the role ${r.role} is a superuser: row-level security does not apply to it`);
  else if (r.bypassRls) out.push(`the role ${r.role} has BYPASSRLS: row-level security does not apply to it`);
  if (r.ownedTables.length > 0) {
    out.push(`the role ${r.role} owns ${r.ownedTables.length} table(s) (e.g. ${r.ownedTables.slice(0, 3).join(', ')}): it could switch row-level security off`);
  }
  if (r.tablesWithoutRls.length > 0) out.push(`tenant tables without forced row-level security: ${r.tablesWithoutRls.join(', ')}`);
  return out;
}
