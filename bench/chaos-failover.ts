/**
 * `npm run chaos:failover`: the failover suite (test/helpers/failover-suite.ts) at a longer settle
 * time — etcd, two Patroni-managed PostgreSQL nodes with synchronous replication behind HAProxy, a
 * Redis master and replica under three Sentinels, two Partnergate processes under a write and a
 * gateway load; kill -9 of the PostgreSQL primary, a planned Redis failover (SENTINEL FAILOVER: the
 * master demoted while still up), kill -9 of the Redis master, then of an instance whose DATA_DIR is
 * deleted, then SIGTERM to the other one. Prints the figures per fault, then one
 * JSON line. Needs Debian's patroni, etcd-server, haproxy and redis-server (it says so when one
 * is missing). Everything on loopback, in temp folders, removed at the end.
 *
 *   npm run chaos:failover               # settle 5 s around each fault
 *   npm run chaos:failover -- --settle 10
 */
import { runFailoverSuite } from '../test/helpers/failover-suite.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

const t0 = Date.now();
const r = await runFailoverSuite({ settleSec: arg('settle', 5), log: (l) => process.stderr.write(l + '\n') });
const rows = r.faults.map((f) => [
  f.fault,
  `${f.acknowledged_writes_lost}/${f.acknowledged_writes}`,
  `${f.access_events_lost}/${f.access_events_acknowledged}${f.access_events_bound !== null ? ` (bound ${f.access_events_bound})` : ''}`,
  String(f.unauthorized_admitted),
  String(f.non_503_5xx),
  String(f.answered_503),
  String(f.seconds_until_writes_succeed),
  String(f.seconds_until_gateway_admits),
  f.seconds_until_new_primary === null ? '–' : String(f.seconds_until_new_primary),
]);
const head = ['fault', 'writes lost/acked', 'access events lost/acked', 'unauthorized admitted', '5xx not 503', '503', 's until writes succeed', 's until gateway admits', 's until new primary'];
const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
for (const row of [head, ...rows]) process.stdout.write(row.map((c, i) => c.padEnd(width[i])).join('  ') + '\n');
process.stdout.write(`audit chain verifies: ${r.audit_chain_verifies} (${r.audit_events_verified} events); set-up ${r.setup_seconds} s; whole run ${Math.round((Date.now() - t0) / 1000)} s\n`);
process.stdout.write(JSON.stringify({ bench: 'chaos:failover', ...r, run_seconds: Math.round((Date.now() - t0) / 1000) }) + '\n');
process.exit(0);
