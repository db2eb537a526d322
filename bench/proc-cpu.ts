/**
 * CPU time of a process's threads from /proc (Linux), for benches that split a request's machine
 * CPU between the processes on the path: throughput on a shared 2-core machine moves with the
 * neighbours' load, while the CPU each process spends per request barely does.
 *
 * Node 24 names its threads: `MainThread` (the event loop), `WorkerThread` (worker_threads, e.g.
 * the gateway's signature workers), `V8Worker` (V8's platform threads: concurrent marking,
 * sweeping, compiling), `libuv-worker` (the thread pool); anything else counts as `other`.
 * Where /proc is missing the figures are null.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type ThreadClass = 'main' | 'worker' | 'v8' | 'other';
export type CpuTimes = Record<ThreadClass, number>;

const TICK_US = 10_000; // USER_HZ is 100 on Linux

function classOf(comm: string): ThreadClass {
  if (comm === 'MainThread') return 'main';
  if (comm === 'WorkerThread') return 'worker';
  if (comm === 'V8Worker') return 'v8';
  return 'other';
}

/** µs of user + system CPU each class of a process's threads has used so far (live threads only). */
export function threadCpu(pid: number): CpuTimes | null {
  const out: CpuTimes = { main: 0, worker: 0, v8: 0, other: 0 };
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      // comm is in parentheses and may hold spaces; the fields after it are space-separated
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // fields 14 and 15 (utime, stime) are the 12th and 13th after the comm
      out[classOf(comm)] += (Number(f[11]) + Number(f[12])) * TICK_US;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** What each class used between two readings, in µs per request. */
export function perRequest(before: CpuTimes | null, after: CpuTimes | null, requests: number): CpuTimes | null {
  if (before === null || after === null || requests <= 0) return null;
  const r = (k: ThreadClass) => Math.round(((after[k] - before[k]) / requests) * 10) / 10;
  return { main: r('main'), worker: r('worker'), v8: r('v8'), other: r('other') };
}
