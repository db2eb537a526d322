/** The app's log lines (pino JSON), kept in memory: pass `logger` to buildApp and read `lines`. */
import { Writable } from 'node:stream';

export interface CapturedLog {
  /** buildApp's `logger` option */
  logger: { level: string; stream: Writable };
  lines: Record<string, unknown>[];
  /** error-level (and worse) lines: server faults only */
  errors(): Record<string, unknown>[];
}

export function captureLog(level = 'info'): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: { level, stream }, lines, errors: () => lines.filter((l) => Number(l.level) >= 50) };
}
