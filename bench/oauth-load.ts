/**
 * Load generator for bench/oauth.bench.ts, run as its own process so its CPU is not the server's.
 * Reads one JSON job from argv[2]:
 *   { url, mode: 'cc' | 'refresh', durationMs, warmupMs, concurrency, basic, scope?, refreshTokens? }
 * Each of `concurrency` loops keeps one request in flight over a keep-alive connection; in refresh
 * mode each loop owns a refresh token chain (every response rotates it). Prints one JSON line:
 * { requests, errors, seconds, per_sec, p50_ms, p99_ms, max_ms, status: {…}, refreshTokens? } — in refresh
 * mode the chains' current tokens, so the next run continues them (null for a chain that broke).
 */
import http from 'node:http';

interface Job {
  url: string;
  mode: 'cc' | 'refresh';
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  basic: string;
  scope?: string;
  refreshTokens?: (string | null)[];
}

const job = JSON.parse(process.argv[2]) as Job;
const target = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });

function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { authorization: `Basic ${job.basic}`, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const latencies: number[] = [];
const chains: (string | null)[] = [...(job.refreshTokens ?? [])];
const statuses: Record<string, number> = {};
let errors = 0;
let measuring = false;

async function loop(i: number, until: number): Promise<void> {
  let rt = job.refreshTokens?.[i];
  if (job.mode === 'refresh' && !rt) return;
  const ccBody = new URLSearchParams({ grant_type: 'client_credentials', ...(job.scope ? { scope: job.scope } : {}) }).toString();
  while (Date.now() < until) {
    const body = job.mode === 'cc' ? ccBody : new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt! }).toString();
    const t0 = process.hrtime.bigint();
    let status = 0;
    try {
      const r = await post(body);
      status = r.status;
      if (r.status === 200 && job.mode === 'refresh') chains[i] = rt = (JSON.parse(r.text) as { refresh_token: string }).refresh_token;
      if (r.status !== 200 && job.mode === 'refresh') {
        chains[i] = null;
        // A refresh chain that broke cannot continue; stop this loop.
        if (measuring) errors++;
        return;
      }
    } catch {
      if (measuring) errors++;
      continue;
    }
    if (measuring) {
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200) errors++;
    }
  }
}

const start = Date.now();
const end = start + job.warmupMs + job.durationMs;
setTimeout(() => {
  measuring = true;
}, job.warmupMs);
const t0 = Date.now() + job.warmupMs;
await Promise.all(Array.from({ length: job.concurrency }, (_, i) => loop(i, end)));
const seconds = (Date.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : 0);
const ok = statuses['200'] ?? 0;
process.stdout.write(
  JSON.stringify({
    requests: latencies.length,
    ok,
    errors,
    seconds: Number(seconds.toFixed(2)),
    per_sec: Math.round(ok / seconds),
    p50_ms: Number(pct(50).toFixed(2)),
    p99_ms: Number(pct(99).toFixed(2)),
    max_ms: Number((latencies[latencies.length - 1] ?? 0).toFixed(2)),
    status: statuses,
    ...(job.mode === 'refresh' ? { refreshTokens: chains } : {}),
  }) + '\n',
);
agent.destroy();
