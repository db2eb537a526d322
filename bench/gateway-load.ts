/**
 * The load generator of bench:gateway, run as its own process so it does not share an event
 * loop with what it measures. Input: one JSON argument. Output: one JSON line.
 *   mode "throughput": `connections` keep-alive HTTP/1.1 connections, each sending its next
 *                      request as soon as the last answer is complete, for `durationSec`; with
 *                      `tokensFile`, every request carries the next fresh token (cold path)
 *   mode "latency":    one keep-alive connection, sequential requests timed with hrtime (µs
 *                      precision; autocannon's histogram rounds to whole milliseconds)
 *
 * Why not autocannon for throughput: on this 2-core machine the load generator shares the CPU
 * with what it measures, so its own cost per request must be the same in every configuration.
 * autocannon sends a fixed request from a buffer it built once, but a request whose header
 * changes every time (a fresh token) goes through its request builder again: measured here,
 * ~45 µs of the generator's CPU per cold request against ~20 µs per fixed one — charged to the
 * gateway's cold path. This generator writes a prepared buffer per request in every mode (the
 * cold path's buffers are built before the clock starts) and reads only the status line and
 * Content-Length of each answer.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
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

function pct(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function requestBytes(u: URL, headers: Record<string, string>): Buffer {
  let s = `GET ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\nuser-agent: partnergate-bench\r\naccept: */*\r\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
  return Buffer.from(s + '\r\n', 'latin1');
}

const CRLF2 = Buffer.from('\r\n\r\n');

async function throughput(): Promise<void> {
  const u = new URL(job.url);
  const durationMs = (job.durationSec ?? 8) * 1000;
  const fixed = requestBytes(u, job.headers);
  let requests: Buffer[] | null = null;
  let tokensWrapped = false;
  if (job.tokensFile) {
    // One prepared request per fresh token, from tokenOffset on, built before the clock starts.
    const tokens = readFileSync(job.tokensFile, 'utf8').split('\n').filter(Boolean);
    const offset = job.tokenOffset ?? 0;
    // what is left, up to more than 2 cores can take in this run (20,000 requests/s)
    const n = Math.min(tokens.length, Math.max(1, tokens.length - offset), Math.ceil((job.durationSec ?? 8) * 20_000));
    if (offset >= tokens.length) tokensWrapped = true;
    requests = new Array<Buffer>(n);
    for (let i = 0; i < n; i++) requests[i] = requestBytes(u, { ...job.headers, authorization: `Bearer ${tokens[(offset + i) % tokens.length]}` });
  }
  let next = 0;
  const take = (): Buffer => {
    if (requests === null) return fixed;
    if (next >= requests.length) tokensWrapped = true; // out of fresh tokens: reusing cached ones
    return requests[next++ % requests.length];
  };

  const latencies: number[] = [];
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  let stopping = false;
  const start = performance.now();
  const deadline = start + durationMs;
  const cpu0 = process.cpuUsage(); // the generator's own CPU while the clock runs (bench:gateway's CPU per request)

  const open = (): Promise<void> =>
    new Promise((resolveConn) => {
      let sock: Socket;
      let buf: Buffer | null = null;
      let sentAt = 0;
      const send = () => {
        if (stopping || performance.now() >= deadline) {
          stopping = true;
          sock.end();
          return resolveConn();
        }
        sentAt = performance.now();
        sock.write(take());
      };
      const onData = (chunk: Buffer) => {
        buf = buf === null ? chunk : Buffer.concat([buf, chunk]);
        const end = buf.indexOf(CRLF2);
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const total = end + 4 + (m ? Number(m[1]) : 0);
        if (buf.length < total) return;
        // one answer at a time (no pipelining): anything after it would be a protocol error
        buf = buf.length > total ? buf.subarray(total) : null;
        const status = Number(head.slice(9, 12));
        if (status < 200 || status > 299) non2xx++;
        latencies.push(performance.now() - sentAt);
        done++;
        send();
      };
      const connectNow = () => {
        sock = connect({ host: u.hostname, port: Number(u.port), noDelay: true }, send);
        sock.on('data', onData);
        sock.on('error', () => {
          errors++;
        });
        sock.on('close', () => {
          if (!stopping && performance.now() < deadline) {
            errors++;
            buf = null;
            connectNow(); // the server closed the connection: open another
          } else resolveConn();
        });
      };
      connectNow();
    });

  await Promise.all(Array.from({ length: job.connections ?? 32 }, open));
  const elapsed = Math.min(performance.now(), deadline) - start;
  const cpu = process.cpuUsage(cpu0);
  const sorted = Float64Array.from(latencies).sort();
  process.stdout.write(
    JSON.stringify({
      rps: (done / elapsed) * 1000,
      requests: done,
      p50_ms: Math.round(pct(sorted, 50) * 1000) / 1000,
      p99_ms: Math.round(pct(sorted, 99) * 1000) / 1000,
      non2xx,
      errors,
      tokens_used: requests ? next : null,
      tokens_wrapped: requests ? tokensWrapped : null,
      cpu_us: cpu.user + cpu.system,
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
