/**
 * Real server processes for the OAuth suites: `node src/main.ts serve` on a given database, data
 * folder and port, waited for until /readyz answers, stopped gracefully or killed outright.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { TEST_SECRET } from '../../helpers/config.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export interface ServerProcess {
  proc: ChildProcess;
  base: string;
  port: number;
  output: string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startServerProcess(o: { port: number; dataDir: string; databaseUrl: string | null; publicUrl: string; redisUrl?: string | null; redisKeyPrefix?: string; env?: Record<string, string> }): Promise<ServerProcess> {
  const output: string[] = [];
  const proc = spawn(process.execPath, [path.join(root, 'src/main.ts'), 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
      ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
      ...(o.redisKeyPrefix ? { REDIS_KEY_PREFIX: o.redisKeyPrefix } : {}),
      PORT: String(o.port),
      HOST: '127.0.0.1',
      PUBLIC_URL: o.publicUrl,
      SECRET_KEY: TEST_SECRET,
      LOG_LEVEL: 'silent',
      SCRYPT_COST: '10',
      DATA_DIR: o.dataDir,
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
  proc.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
  const base = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${output.join('')}`);
    try {
      if ((await fetch(base + '/readyz')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server did not start: ${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, base, port: o.port, output };
}

/** SIGTERM and wait (SIGKILL after 5 s); or `hard: true` to kill it outright, like a crash. */
export async function stopServerProcess(s: ServerProcess | undefined, o: { hard?: boolean } = {}): Promise<void> {
  if (!s || s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill(o.hard ? 'SIGKILL' : 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (s.proc.exitCode === null && s.proc.signalCode === null) {
    s.proc.kill('SIGKILL');
    await exited;
  }
}
