/**
 * Load generator for bench/api.bench.ts, run as its own process so its CPU is not the server's.
 * Reads one JSON job from argv[2]: { url, cookie, durationMs, warmupMs, concurrency }. Each of
 * `concurrency` loops keeps one GET in flight over a keep-alive connection. Prints one JSON line:
 * { requests, ok, errors, seconds, per_sec, p50_ms, p99_ms, max_ms }.
 */
import http from 'node:http';

interface Job {
  url: string;
  cookie: string;
  durationMs: number;
  warmupMs: number;
  concurrency: number;
}

const job = JSON.parse(process.argv[2]) as Job;
const target = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });

function get(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'GET', headers: { cookie: job.cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const latencies: number[] = [];
let ok = 0;
let errors = 0;
const start = performance.now();
const measureFrom = start + job.warmupMs;
const end = measureFrom + job.durationMs;

async function loop(): Promise<void> {
  while (performance.now() < end) {
    const t0 = performance.now();
    const status = await get().catch(() => 0);
    const t1 = performance.now();
    if (t0 < measureFrom) continue;
    if (status === 200) {
      ok++;
      latencies.push(t1 - t0);
    } else errors++;
  }
}

await Promise.all(Array.from({ length: job.concurrency }, loop));
latencies.sort((a, b) => a - b);
const q = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(2));
const seconds = job.durationMs / 1000;
process.stdout.write(
  JSON.stringify({ requests: ok + errors, ok, errors, seconds, per_sec: Math.round(ok / seconds), p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1) }) + '\n',
);
agent.destroy();
