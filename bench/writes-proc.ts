/**
 * What bench/writes.bench.ts reads about processes and the wire (Linux /proc; zeros elsewhere):
 * CPU of the machine, of one process, of the PostgreSQL processes serving the bench's database;
 * pinning processes to cores (taskset); and the proxy between instances and PostgreSQL, which
 * delays every message by a fixed time and counts the protocol messages it forwards.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** Busy and total jiffies of the whole machine (a jiffy is 10 ms: CLK_TCK 100 on Linux). */
export function machineTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** User + system jiffies of one process (all its threads). */
export function processTicks(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/**
 * Jiffies per PostgreSQL process, by whom it serves: `ours` the backends connected to `dbName`
 * (and its autovacuum workers), `shared` the server's own processes (WAL writer, checkpointer,
 * background writer: shared by every database), `others` the backends of other databases (other
 * people's tests on this machine), which the bench does not count. Keyed by pid, so a sum over a
 * window takes each process's difference.
 */
export function postgresProcesses(dbName: string): Map<number, { kind: 'ours' | 'shared' | 'others'; ticks: number }> {
  const out = new Map<number, { kind: 'ours' | 'shared' | 'others'; ticks: number }>();
  for (const d of readdirSafe('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const words = cmd.split(/\s+/);
      const client = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(cmd) || cmd.includes('autovacuum worker');
      const kind = !client ? 'shared' : words.includes(dbName) ? 'ours' : 'others';
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(d), { kind, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // a process that ended meanwhile
    }
  }
  return out;
}

/** Jiffies of `ours` and `shared` processes between two readings (a process new since `before` counts from 0). */
export function postgresDelta(before: ReturnType<typeof postgresProcesses>, after: ReturnType<typeof postgresProcesses>): { ours: number; shared: number } {
  const sum = { ours: 0, shared: 0 };
  for (const [pid, a] of after) {
    if (a.kind === 'others') continue;
    sum[a.kind] += a.ticks - (before.get(pid)?.ticks ?? 0);
  }
  return sum;
}

/** Pin every thread of a process to the given cores ("0" or "0,1"); false when taskset is missing or fails. */
export function pin(pid: number | undefined, cores: string): boolean {
  if (!pid) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Protocol messages sent by instances to PostgreSQL: round trips (what a connection sends before it
 * waits: its first bytes after an answer — pipelined messages written together are one), messages
 * answered (Sync, simple Query: each gets its own ReadyForQuery, pipelined or not), statements
 * (Execute, simple Query).
 */
export interface WireCounts {
  roundTrips: number;
  answered: number;
  statements: number;
  parses: number;
  bytesOut: number;
  bytesIn: number;
  /** statement text → executions (the first 160 characters, whitespace collapsed) */
  byText: Map<string, number>;
}

/** Splits one connection's frontend byte stream into messages (type byte + int32 length; the first is the untyped start-up). */
function frontendCounter(counts: WireCounts): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  let started = false;
  /** this connection's prepared statements by name, and the one the last Bind chose */
  const prepared = new Map<string, string>();
  let bound = '';
  const cstring = (buf: Buffer, from: number) => {
    const end = buf.indexOf(0, from);
    return { text: buf.toString('utf8', from, end), next: end + 1 };
  };
  const short = (q: string) => q.replace(/\s+/g, ' ').trim().slice(0, 160);
  const executed = (q: string) => counts.byText.set(q, (counts.byText.get(q) ?? 0) + 1);
  return (chunk) => {
    counts.bytesOut += chunk.length;
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (!started) {
        if (pending.length - at < 4) break;
        const len = pending.readInt32BE(at);
        if (pending.length - at < len) break;
        const code = pending.readInt32BE(at + 4);
        at += len;
        // an SSL or GSS request is answered with one byte, then the real start-up message follows
        if (code !== 80877103 && code !== 80877104) started = true;
        continue;
      }
      if (pending.length - at < 5) break;
      const type = String.fromCharCode(pending[at]);
      const len = pending.readInt32BE(at + 1);
      if (pending.length - at < len + 1) break;
      const body = at + 5;
      if (type === 'S') counts.answered++;
      else if (type === 'Q') {
        counts.answered++;
        counts.statements++;
        executed(short(cstring(pending, body).text));
      } else if (type === 'E') {
        counts.statements++;
        executed(bound);
      } else if (type === 'P') {
        counts.parses++;
        const name = cstring(pending, body);
        prepared.set(name.text, short(cstring(pending, name.next).text));
      } else if (type === 'B') {
        const portal = cstring(pending, body);
        bound = prepared.get(cstring(pending, portal.next).text) ?? '?';
      }
      at += len + 1;
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
  };
}

/** Every chunk an instance sends waits `delayMs` before it goes on (in order); answers come back at once. */
export function startProxy(upstreamHost: string, upstreamPort: number, port: number, delayMs: number, counts: WireCounts): Promise<net.Server> {
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect({ host: upstreamHost, port: upstreamPort });
    upstream.setNoDelay(true);
    const count = frontendCounter(counts);
    // a round trip starts with the first bytes sent after an answer (or the first ever)
    let waited = true;
    client.on('data', (chunk) => {
      if (waited) counts.roundTrips++;
      waited = false;
      count(chunk);
      setTimeout(() => upstream.write(chunk), delayMs);
    });
    upstream.on('data', (chunk) => {
      waited = true;
      counts.bytesIn += chunk.length;
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
