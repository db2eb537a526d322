/**
 * The summary of bench/writes.bench.ts: medians over rounds, the ratios, and the model of writes/s
 * on more cores built from the CPU per write.
 *
 * Model. The bench's proxy and load generator are left out (a deployment's load balancer and
 * clients run elsewhere). With n instances, a write costs S(n) ms of CPU in the instances (the one
 * that serves it, and every instance applying the change) and P(n) ms in PostgreSQL, measured for
 * n = 1 and 2 and extended by the same step per instance: X(n) = X(1) + (n − 1)·(X(2) − X(1)).
 * On C cores, when CPU is the limit: writes/s = C·1000 / (S(n) + P(n)); and as each instance's
 * work runs on one JavaScript thread, at most n·1000 / S(n). The lower of the two is the model.
 * The check: one instance with every process of the run pinned to one core (`taskset`), then to
 * two; the model says writes/s = cores·1000 / (all the run's CPU per write), and two cores twice one.
 */
import { cpus, loadavg } from 'node:os';

export interface RunFigures {
  per_sec: number;
  p99_ms: number;
  errors: number;
  machine_busy_pct: number;
  server_ms_per_write: number;
  postgres_ms_per_write: number;
  proxy_ms_per_write: number;
  load_ms_per_write: number;
  total_ms_per_write: number;
  round_trips_per_write: number;
  answered_per_write?: number;
  statements_per_write: number;
  load_avg: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (x: number) => Number(x.toFixed(2));
const r3 = (x: number) => Number(x.toFixed(3));

/** The text lines and the JSON object (last line) of a bench run. */
export function summarize(runs: Record<string, RunFigures[]>, meta: { server: string; proxyDelayMs: number; seconds: number }): string {
  const med = (key: string, f: (r: RunFigures) => number) => r3(median((runs[key] ?? []).map(f)));
  const keys = Object.keys(runs);
  const levels = [...new Set(keys.filter((k) => k.startsWith('i')).map((k) => Number(k.split('_c')[1])))];
  const top = Math.max(0, ...levels);
  const ratio = (a: number, b: number) => (b > 0 ? r2(a / b) : null);
  const perSec = Object.fromEntries(keys.map((k) => [k, med(k, (r) => r.per_sec)]));
  const cpu = Object.fromEntries(
    keys.map((k) => [k, { server: med(k, (r) => r.server_ms_per_write), postgres: med(k, (r) => r.postgres_ms_per_write), proxy: med(k, (r) => r.proxy_ms_per_write), load: med(k, (r) => r.load_ms_per_write), total: med(k, (r) => r.total_ms_per_write) }]),
  );
  const wire = Object.fromEntries(keys.map((k) => [k, { round_trips: med(k, (r) => r.round_trips_per_write), messages_answered: med(k, (r) => r.answered_per_write ?? 0), statements: med(k, (r) => r.statements_per_write) }]));
  const one = cpu[`i1_c${top}`];
  const two = cpu[`i2_c${top}`];
  const lines: string[] = [];
  let model: Record<string, number> | null = null;
  let secondInstance: number | null = null;
  if (one && two) {
    const s = (n: number) => one.server + (n - 1) * (two.server - one.server);
    const p = (n: number) => one.postgres + (n - 1) * (two.postgres - one.postgres);
    secondInstance = r3((two.server + two.postgres) / Math.max(0.001, one.server + one.postgres) - 1);
    model = {};
    for (const cores of [8, 32]) for (const n of [2, 8]) model[`cores${cores}_i${n}`] = Math.round(Math.min((cores * 1000) / (s(n) + p(n)), (n * 1000) / s(n)));
    lines.push(
      `at ${top} users, medians: 1 instance ${one.server} ms server + ${one.postgres} ms PostgreSQL; 2 instances ${two.server} + ${two.postgres} ms: the second instance adds ${(secondInstance * 100).toFixed(1)} % CPU per write`,
      `model (server + PostgreSQL only): ${Object.entries(model)
        .map(([k, v]) => `${k.replace('cores', '').replace('_i', ' cores, ')} instances ${v}/s`)
        .join(' · ')}`,
    );
  }
  let pinCheck: Record<string, number | null> | null = null;
  const p1 = runs[`pin1_c${top}`];
  const p2 = runs[`pin2_c${top}`];
  if (p1 && p2) {
    const all1 = med(`pin1_c${top}`, (r) => r.total_ms_per_write);
    const all2 = med(`pin2_c${top}`, (r) => r.total_ms_per_write);
    pinCheck = {
      one_core_per_sec: med(`pin1_c${top}`, (r) => r.per_sec),
      one_core_model: Math.round(1000 / Math.max(0.01, all1)),
      two_cores_per_sec: med(`pin2_c${top}`, (r) => r.per_sec),
      two_cores_model: Math.round(2000 / Math.max(0.01, all2)),
      two_vs_one: ratio(med(`pin2_c${top}`, (r) => r.per_sec), med(`pin1_c${top}`, (r) => r.per_sec)),
      cpu_per_write_one_core: all1,
      cpu_per_write_two_cores: all2,
    };
    lines.push(
      `pinned, ${top} users, 1 instance (all the run's CPU per write in the model): 1 core ${pinCheck.one_core_per_sec}/s (model ${pinCheck.one_core_model}, ${all1} ms/write) · 2 cores ${pinCheck.two_cores_per_sec}/s (model ${pinCheck.two_cores_model}, ${all2} ms/write) · 2 vs 1 core ${pinCheck.two_vs_one}×`,
    );
  }
  const summary = {
    bench: 'writes',
    server: meta.server,
    proxy_delay_ms: meta.proxyDelayMs,
    rounds: Math.max(0, ...Object.values(runs).map((x) => x.length)),
    writes_per_sec: perSec,
    writes_per_sec_rounds: Object.fromEntries(keys.map((k) => [k, runs[k].map((r) => r.per_sec)])),
    c64_vs_c16_1_instance: ratio(perSec.i1_c64 ?? 0, perSec.i1_c16 ?? 0),
    c64_vs_c16_2_instances: ratio(perSec.i2_c64 ?? 0, perSec.i2_c16 ?? 0),
    two_vs_one_instance_c64: ratio(perSec.i2_c64 ?? 0, perSec.i1_c64 ?? 0),
    cpu_ms_per_write: cpu,
    cpu_ms_per_write_rounds: Object.fromEntries(keys.map((k) => [k, runs[k].map((r) => ({ server: r.server_ms_per_write, postgres: r.postgres_ms_per_write, total: r.total_ms_per_write }))])),
    second_instance_adds: secondInstance,
    modelled_writes_per_sec: model,
    pinned: pinCheck,
    wire_per_write: wire,
    machine_busy_pct: Object.fromEntries(keys.map((k) => [k, runs[k].map((r) => r.machine_busy_pct)])),
    errors: Object.values(runs)
      .flat()
      .reduce((a, v) => a + v.errors, 0),
    load_average_1m: Number(loadavg()[0].toFixed(2)),
    cores: cpus().length,
    seconds: meta.seconds,
  };
  return `${lines.join('\n')}\nload average ${summary.load_average_1m}\n\n${JSON.stringify(summary)}`;
}
