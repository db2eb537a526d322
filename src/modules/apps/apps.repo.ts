import type { CompiledQuery, Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AppsTable } from '../../platform/db/schema.ts';

/** The algorithms an app's ID tokens may be signed with. */
export type IdTokenSigningAlg = 'RS256' | 'ES256';

export type AppRow = Selectable<AppsTable>;

/** An app with what the authorization server needs to know about its partner. */
export interface ClientRecord {
  app: AppRow;
  partner: {
    id: string;
    slug: string;
    name: string;
    website: string | null;
    status: string;
    capabilities: string[];
    homeTenantId: string | null;
  };
  /** the wholesaler's own billing account (first active one of its home tenant) */
  homeBan: { id: string; account_number: string } | null;
}

export function findApp(db: Executor, id: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApps(db: Executor, partnerId: string): Promise<AppRow[]> {
  return db.selectFrom('apps').selectAll().where('partner_id', '=', partnerId).where('status', '=', 'active').orderBy('created_at').orderBy('id').execute();
}

export async function countApps(db: Executor, partnerId: string): Promise<number> {
  const r = await db
    .selectFrom('apps')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partner_id', '=', partnerId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertApp(db: Executor, row: Insertable<AppsTable>): Promise<void> {
  await db.insertInto('apps').values(row).execute();
}

export async function updateApp(db: Executor, id: string, patch: Partial<Insertable<AppsTable>>): Promise<void> {
  await db.updateTable('apps').set(patch).where('id', '=', id).execute();
}

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

