/**
 * Whose rows a database statement may see: the context PostgreSQL's row-level security keys on
 * (migration 0008). The application decides who may do what; this context is the second wall,
 * so a query that forgot its `where tenant_id = …`, or was handed another tenant's id, finds
 * nothing there.
 *
 * The context lives in an AsyncLocalStorage: `withDbContext(ctx, fn)` for a unit of work (a
 * background job, a CLI command, a service step that must act for a tenant it just created), and
 * a per-request holder that the HTTP layer fills once it knows the caller (openRequestDbScope +
 * setRequestDbContext). The PostgreSQL driver (pg-context-dialect.ts) sends it with every
 * statement as transaction-local settings (`set_config(name, value, true)`), in the same round
 * trip as the statement or its transaction's BEGIN. No context → no settings → the policies see
 * no tenant row at all. SQLite (the embedded single-user mode) has no row-level security and
 * ignores the context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type DbContext =
  /** background work, CLI, migrations, demo seed, snapshot loaders, the audit chain: every row */
  | { readonly kind: 'system' }
  /** a platform operator (SUPER_ADMIN) on a cross-tenant route: every row */
  | { readonly kind: 'operator' }
  /** one tenant's rows */
  | { readonly kind: 'tenant'; readonly tenantId: string }
  /**
   * a partner: its own delegations and audit events, and the rows of the tenants it may act on
   * right now (from the decision snapshot, so the database enforces what the application decided)
   */
  | { readonly kind: 'partner'; readonly partnerId: string; readonly tenantIds: readonly string[] }
  /** a signed-in user outside any organization route: its own memberships */
  | { readonly kind: 'user'; readonly userId: string };

export const SYSTEM_CONTEXT: DbContext = Object.freeze({ kind: 'system' });
export const OPERATOR_CONTEXT: DbContext = Object.freeze({ kind: 'operator' });

/** The settings the policies read (`current_setting(name, true)`). */
export const DB_SETTINGS = ['app.scope', 'app.tenant_id', 'app.partner_id', 'app.tenant_ids', 'app.user_id'] as const;

interface Holder {
  ctx: DbContext | null;
}

const storage = new AsyncLocalStorage<Holder>();

/** Run `fn` (and everything it starts) with `ctx` (null: explicitly none — it sees no tenant row). */
export function withDbContext<T>(ctx: DbContext | null, fn: () => T): T {
  return storage.run({ ctx }, fn);
}

/** Run `fn` as the system: work that is cross-tenant by nature (see DbContext 'system'). */
export function asSystem<T>(fn: () => T): T {
  return storage.run({ ctx: SYSTEM_CONTEXT }, fn);
}

/** The context statements run with here, or null (they then see no tenant row). */
export function currentDbContext(): DbContext | null {
  return storage.getStore()?.ctx ?? null;
}

/**
 * The context here, or `ambient` when no scope is open at all (not a request's, not a
 * withDbContext's). Production databases have no ambient context; a test harness gives its own
 * direct calls the system's, like the CLI — requests and explicit scopes are unaffected.
 */
export function effectiveDbContext(ambient: DbContext | null): DbContext | null {
  const h = storage.getStore();
  return h ? h.ctx : ambient;
}

/**
 * Starts a request's scope with no context yet and calls `next` inside it (an onRequest hook's
 * `done`): what the request runs later shares the holder, so the authentication hook can fill it
 * in once it knows the caller (setRequestDbContext), even from inside a promise chain.
 */
export function openRequestDbScope(next: () => void): void {
  storage.run({ ctx: null }, next);
}

/** Sets the context of the current request scope (see openRequestDbScope); false outside one. */
export function setRequestDbContext(ctx: DbContext | null): boolean {
  const h = storage.getStore();
  if (!h) return false;
  h.ctx = ctx;
  return true;
}

/** A tenant's context. */
export function tenantContext(tenantId: string): DbContext {
  return { kind: 'tenant', tenantId };
}

/**
 * The SQL that sets `ctx` for the current transaction: one SELECT of set_config calls (no
 * parameters, so it can share a simple-protocol message with BEGIN). Every setting is written,
 * the unused ones empty, so a transaction that switches context keeps nothing of the previous
 * one. Values are quoted literals; ids never hold a quote, but they are escaped anyway.
 */
export function contextSql(ctx: DbContext): string {
  if (ctx.kind === 'partner') {
    const kept = partnerSql.get(ctx.tenantIds);
    if (kept?.partnerId === ctx.partnerId) return kept.sql;
  }
  const v: Record<(typeof DB_SETTINGS)[number], string> = { 'app.scope': ctx.kind, 'app.tenant_id': '', 'app.partner_id': '', 'app.tenant_ids': '', 'app.user_id': '' };
  if (ctx.kind === 'tenant') v['app.tenant_id'] = ctx.tenantId;
  else if (ctx.kind === 'partner') {
    v['app.partner_id'] = ctx.partnerId;
    v['app.tenant_ids'] = ctx.tenantIds.join(',');
  } else if (ctx.kind === 'user') v['app.user_id'] = ctx.userId;
  const text = 'select ' + DB_SETTINGS.map((k) => `set_config('${k}', ${sqlLiteral(v[k])}, true)`).join(', ');
  if (ctx.kind === 'partner') partnerSql.set(ctx.tenantIds, { partnerId: ctx.partnerId, sql: text });
  return text;
}

/**
 * A partner context's statement, made once per tenant list: a request's context (request-db-context.ts)
 * hands each of its statements the same array, and an MSP's 10,000 customers are 300 kB to join, escape
 * and copy into the statement — each of a dashboard's statements did it again.
 */
const partnerSql = new WeakMap<readonly string[], { partnerId: string; sql: string }>();

/** A PostgreSQL string literal, whatever standard_conforming_strings says (as pg's escapeLiteral). */
export function sqlLiteral(v: string): string {
  if (v.includes('\0')) throw new Error('an SQL literal may not hold U+0000');
  const quoted = "'" + v.replaceAll("'", "''").replaceAll('\\', '\\\\') + "'";
  return v.includes('\\') ? 'E' + quoted : quoted;
}
