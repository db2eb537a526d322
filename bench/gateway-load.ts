/**
 * The load generator of bench:gateway, run as its own process so it does not share an event
 * loop with what it measures. Input: one JSON argument. Output: one JSON line.
 *   mode "throughput": autocannon, `connections` keep-alive connections for `durationSec`;
 *                      with `tokensFile`, every request carries the next fresh token (cold path)
 *   mode "latency":    one keep-alive connection, sequential requests timed with hrtime (µs
 *                      precision; autocannon's histogram rounds to whole milliseconds)
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Client } from 'undici';

interface Job {
  mode: 'throughput' | 'latency';
  url: string;
  headers: Record<string, string>;
  connections?: number;
  durationSec?: number;
  tokensFile?: string;
  /** first fresh token to use (tokens used by earlier runs are cached by the gateway) */
  tokenOffset?: number;
  requests?: number;
}

const job = JSON.parse(process.argv[2]) as Job;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function throughput(): Promise<void> {
  const tokens = job.tokensFile ? readFileSync(job.tokensFile, 'utf8').split('\n').filter(Boolean) : null;
  const offset = job.tokenOffset ?? 0;
  let i = 0;
  const result = await autocannon({
    url: job.url,
    connections: job.connections ?? 32,
    duration: job.durationSec ?? 8,
    headers: job.headers,
    ...(tokens
      ? {
          requests: [
            {
              setupRequest: (req: { headers?: Record<string, string> }) => {
                req.headers = { ...(req.headers ?? {}), authorization: `Bearer ${tokens[(offset + i++) % tokens.length]}` };
                return req;
              },
            },
          ],
        }
      : {}),
  } as autocannon.Options);
  process.stdout.write(
    JSON.stringify({
      rps: result.requests.average,
      requests: result.requests.total,
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      tokens_used: tokens ? i : null,
      tokens_wrapped: tokens ? offset + i > tokens.length : null,
    }) + '\n',
  );
}

async function latency(): Promise<void> {
  const u = new URL(job.url);
  const client = new Client(u.origin, { pipelining: 1 });
  const path = u.pathname + u.search;
  const n = job.requests ?? 3000;
  const times: number[] = [];
  let bad = 0;
  for (let k = 0; k < n + 500; k++) {
    const t0 = process.hrtime.bigint();
    const r = await client.request({ method: 'GET', path, headers: job.headers });
    await r.body.arrayBuffer();
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.statusCode !== 200) bad++;
    if (k >= 500) times.push(dt); // the first 500 warm the connection and the JIT
  }
  await client.close();
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ p50_ms: pct(times, 50), p99_ms: pct(times, 99), mean_ms: times.reduce((a, b) => a + b, 0) / times.length, non2xx: bad }) + '\n');
}

await (job.mode === 'latency' ? latency() : throughput());
