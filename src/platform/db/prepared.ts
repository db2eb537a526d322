/**
 * A statement built and compiled by Kysely once per database handle and re-run with new values:
 * for the few statements a hot path runs on every request (the token endpoint's store reads and
 * writes), where building the query tree and compiling it again each time costs more CPU than
 * SQLite takes to run it. The SQL and the query tree (what the PostgreSQL dialect walks for
 * row-level security) are exactly what the builder made; only the parameter values change.
 *
 * `build` receives one marker string per argument and must use each marker only as a parameter
 * value (a marker may appear more than once, e.g. in an upsert's insert and update parts).
 */
import type { CompiledQuery, QueryResult } from 'kysely';
import type { Executor } from './database.ts';

export function prepared<R, N extends number>(
  arity: N,
  build: (db: Executor, ...markers: string[]) => { compile(): CompiledQuery<R> },
): (db: Executor, ...args: unknown[]) => Promise<QueryResult<R>> {
  const cache = new WeakMap<object, { query: CompiledQuery<R>; at: number[][] }>();
  return async (db, ...args) => {
    if (args.length !== arity) throw new Error(`prepared statement takes ${arity} values, got ${args.length}`);
    let c = cache.get(db);
    if (!c) {
      const markers = Array.from({ length: arity }, (_, i) => `\u0000prepared-${i}\u0000`);
      const query = build(db, ...markers).compile();
      const at = markers.map((m) => query.parameters.flatMap((p, i) => (p === m ? [i] : [])));
      if (at.some((positions) => positions.length === 0)) throw new Error('a prepared statement uses every value as a parameter');
      c = { query, at };
      cache.set(db, c);
    }
    const parameters = [...c.query.parameters];
    for (let i = 0; i < arity; i++) for (const pos of c.at[i]) parameters[pos] = args[i];
    return db.executeQuery<R>({ ...c.query, parameters });
  };
}
