/**
 * `partnergate db verify`: is this database one the service can serve — after a restore, a
 * point-in-time recovery or an upgrade (docs/operators/backup-and-restore.md)? Four checks, each
 * read-only but the audit check, which seals the events that committed before the copy was taken
 * (what any instance does at its next write):
 *  - schema: every expand migration of this release applied, and nothing a newer release
 *    contracted (platform/db/migrate.ts);
 *  - row-level security (PostgreSQL): the service's role cannot bypass it, and every tenant table
 *    has it enabled and forced (the same report as `db check`);
 *  - audit: the hash chain verifies up to its head (the same walk as `audit verify`);
 *  - decision snapshot: every role, partner, tenant, account, user and delegation loads into the
 *    snapshot the gateway decides with.
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../platform/db/database.ts';
import { asSystem } from '../platform/db/db-context.ts';
import { migrationStatus, newerReleaseProblem, pendingByPhase } from '../platform/db/migrate.ts';
import { systemClock } from '../platform/clock.ts';
import { wallReport } from './runtime.ts';

export interface VerifyCheck {
  check: 'schema' | 'row_level_security' | 'audit_chain' | 'decision_snapshot';
  ok: boolean;
  detail: string;
}

async function schemaCheck(db: Db): Promise<VerifyCheck> {
  const s = await migrationStatus(db);
  const pending = pendingByPhase(s);
  const newer = newerReleaseProblem(s);
  if (newer) return { check: 'schema', ok: false, detail: newer };
  if (pending.expand.length) return { check: 'schema', ok: false, detail: `migrations pending: ${pending.expand.join(', ')} (run \`partnergate migrate\`)` };
  const latest = s.applied[s.applied.length - 1] ?? 'none';
  const parts = [`${s.applied.length} of ${s.applied.length + s.pending.length} migrations applied, latest ${latest}`];
  if (pending.contract.length) parts.push(`contract step pending: ${pending.contract.join(', ')}`);
  if (s.newer.length) parts.push(`expanded by a newer release: ${s.newer.map((m) => m.name).join(', ')}`);
  return { check: 'schema', ok: true, detail: parts.join('; ') };
}

async function rlsCheck(db: Db): Promise<VerifyCheck> {
  if (db.dialect !== 'postgres') return { check: 'row_level_security', ok: true, detail: 'SQLite: the embedded mode has no row-level security' };
  const problems = await wallReport(db);
  return problems.length
    ? { check: 'row_level_security', ok: false, detail: problems.join('; ') }
    : { check: 'row_level_security', ok: true, detail: "enabled and forced on every tenant table; the service's role cannot bypass it" };
}

async function auditCheck(db: Db): Promise<VerifyCheck> {
  const { AuditLog } = await import('../modules/audit/index.ts');
  const v = await asSystem(() => new AuditLog(db, systemClock).verify());
  return v.ok
    ? { check: 'audit_chain', ok: true, detail: `intact: ${v.checked} events verified up to the head` }
    : { check: 'audit_chain', ok: false, detail: `BROKEN at seq ${v.brokenAtSeq}: ${v.reason} (${v.checked} events verified before it)` };
}

async function snapshotCheck(db: Db): Promise<VerifyCheck> {
  const { AuthzSnapshot, SnapshotLoader } = await import('../modules/authz/index.ts');
  const snapshot = new AuthzSnapshot();
  const started = performance.now();
  try {
    await asSystem(() => new SnapshotLoader(db, snapshot).loadAll());
  } catch (e) {
    return { check: 'decision_snapshot', ok: false, detail: `does not load: ${(e as Error).message.split('\n')[0]}` };
  }
  return { check: 'decision_snapshot', ok: true, detail: `loaded ${snapshot.delegations.size} delegations in ${Math.round(performance.now() - started)} ms` };
}

/** Every check, in order; a check that throws fails with its message. */
export async function verifyDatabase(db: Db): Promise<VerifyCheck[]> {
  const out: VerifyCheck[] = [];
  for (const [check, run] of [
    ['schema', schemaCheck],
    ['row_level_security', rlsCheck],
    ['audit_chain', auditCheck],
    ['decision_snapshot', snapshotCheck],
  ] as const) {
    try {
      out.push(await run(db));
    } catch (e) {
      out.push({ check, ok: false, detail: `could not be checked: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  return out;
}
