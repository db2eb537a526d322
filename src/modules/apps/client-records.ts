/**
 * The authorization server's client record (a cross-table read model, listed in READERS in
 * src/app/table-owners.ts): an app with its partner and the partner's own billing account, read
 * in one compiled query on every token request. Asking the partners and tenants owners in turn
 * would add two round trips to the token path. It only reads.
 */
import type { CompiledQuery } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AppRow, ClientRecord } from './apps.repo.ts';

/** One query: the app, its partner and the partner's own billing account. */
function clientRecordQuery(db: Executor, clientId: string) {
  return db
    .selectFrom('apps as a')
    .innerJoin('partners as p', 'p.id', 'a.partner_id')
    .selectAll('a')
    .select(['p.slug as p_slug', 'p.name as p_name', 'p.website as p_website', 'p.status as p_status', 'p.capabilities as p_capabilities', 'p.home_tenant_id as p_home_tenant_id'])
    .select((eb) =>
      eb
        .selectFrom('billing_accounts as b')
        .select('b.id')
        .whereRef('b.tenant_id', '=', 'p.home_tenant_id')
        .where('b.status', '=', 'active')
        .orderBy('b.created_at')
        .orderBy('b.id')
        .limit(1)
        .as('home_ban_id'),
    )
    .select((eb) =>
      eb
        .selectFrom('billing_accounts as b')
        .select('b.account_number')
        .whereRef('b.tenant_id', '=', 'p.home_tenant_id')
        .where('b.status', '=', 'active')
        .orderBy('b.created_at')
        .orderBy('b.id')
        .limit(1)
        .as('home_ban_number'),
    )
    .where('a.id', '=', clientId);
}

type ClientRecordRow = NonNullable<Awaited<ReturnType<ReturnType<typeof clientRecordQuery>['executeTakeFirst']>>>;

/** The app and its partner, without the home BAN (which only a client-credentials token's claims name). */
function clientAuthQuery(db: Executor, clientId: string) {
  return db
    .selectFrom('apps as a')
    .innerJoin('partners as p', 'p.id', 'a.partner_id')
    .selectAll('a')
    .select(['p.slug as p_slug', 'p.name as p_name', 'p.website as p_website', 'p.status as p_status', 'p.capabilities as p_capabilities', 'p.home_tenant_id as p_home_tenant_id'])
    .where('a.id', '=', clientId);
}

type ClientAuthRow = NonNullable<Awaited<ReturnType<ReturnType<typeof clientAuthQuery>['executeTakeFirst']>>>;

/**
 * The token endpoint asks for its client on every request: the query is compiled once per
 * database handle and re-run with the client id as its only varying parameter.
 */
const PLACEHOLDER = '\u0000client_id';
const compiled = new WeakMap<object, { query: CompiledQuery<ClientRecordRow>; at: number }>();
const compiledAuth = new WeakMap<object, { query: CompiledQuery<ClientAuthRow>; at: number }>();

function runCompiled<R>(db: Executor, cache: WeakMap<object, { query: CompiledQuery<R>; at: number }>, build: (db: Executor, id: string) => { compile(): CompiledQuery<R> }, clientId: string) {
  let c = cache.get(db);
  if (!c) {
    const query = build(db, PLACEHOLDER).compile();
    c = { query, at: query.parameters.indexOf(PLACEHOLDER) };
    cache.set(db, c);
  }
  const parameters = [...c.query.parameters];
  parameters[c.at] = clientId;
  return db.executeQuery<R>({ ...c.query, parameters });
}

function toClientAuth(r: ClientAuthRow): Omit<ClientRecord, 'homeBan'> {
  const { p_slug, p_name, p_website, p_status, p_capabilities, p_home_tenant_id, ...app } = r;
  return {
    app: app as AppRow,
    partner: { id: app.partner_id, slug: p_slug, name: p_name, website: p_website, status: p_status, capabilities: JSON.parse(p_capabilities) as string[], homeTenantId: p_home_tenant_id },
  };
}

export async function findClientRecord(db: Executor, clientId: string): Promise<ClientRecord | undefined> {
  const r = (await runCompiled(db, compiled, clientRecordQuery, clientId)).rows[0];
  if (!r) return undefined;
  const { home_ban_id, home_ban_number, ...rest } = r;
  return { ...toClientAuth(rest), homeBan: home_ban_id && home_ban_number ? { id: home_ban_id, account_number: home_ban_number } : null };
}

/**
 * The app and its partner as they are now, for authenticating the client: findClientRecord
 * without the home BAN's two sub-selects (on PostgreSQL it then reads no walled table, so it
 * also goes without the row-level-security context).
 */
export async function findClientAuth(db: Executor, clientId: string): Promise<Omit<ClientRecord, 'homeBan'> | undefined> {
  const r = (await runCompiled(db, compiledAuth, clientAuthQuery, clientId)).rows[0];
  return r ? toClientAuth(r) : undefined;
}

