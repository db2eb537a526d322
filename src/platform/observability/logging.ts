/**
 * The service's logger settings: JSON lines for machines, human-readable lines (pino-pretty) for
 * a person at a terminal (`npm start`), and no line per request at `info`.
 *
 * A line per request was the main cost of forward-auth behind NGINX (0.80× a no-op auth service at
 * `info`, 1.07× at `warn`), and it buried the demo banner; access events already go to the audit
 * log. Fastify's own request logging is off; at `debug` (or `trace`) each request is logged
 * (method, URL redacted, address) as it comes in, and with its status and time when answered.
 *
 * Whatever the format, the options go through secureLoggerOptions (log-redaction.ts): the pretty
 * printer is the scrubbing stream's target, so it only ever sees scrubbed JSON lines.
 */
import PinoPretty from 'pino-pretty';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.ts';

/** pino options for the app's logger from LOG_LEVEL and LOG_FORMAT (false: no logger). */
export function loggerFor(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  out: { isTTY?: boolean; destination?: NodeJS.WritableStream } = {},
): false | Record<string, unknown> {
  const isTTY = out.isTTY ?? process.stdout.isTTY === true;
  if (config.logLevel === 'silent') return false;
  const pretty = !jsonLogs(config, isTTY);
  if (!pretty) return out.destination ? { level: config.logLevel, stream: out.destination } : { level: config.logLevel };
  return {
    level: config.logLevel,
    // in-process and synchronous: lines are written in order with the banner, none lost on exit
    stream: PinoPretty({ colorize: isTTY, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', ...(out.destination ? { destination: out.destination } : {}) }),
  };
}

/** Whether the app's log lines are JSON (what loggerFor chooses): then what the CLI prints at start is a JSON line too. */
export function jsonLogs(config: Pick<Config, 'logFormat'>, isTTY = process.stdout.isTTY === true): boolean {
  return !(config.logFormat === 'pretty' || (config.logFormat === 'auto' && isTTY));
}

/**
 * At debug or below, Fastify's pair of lines per request, at debug: the incoming request (the
 * only line of a request the OAuth provider answers on the raw response) and its completion.
 */
export function installRequestLog(app: FastifyInstance): void {
  if (app.log.level !== 'debug' && app.log.level !== 'trace') return;
  app.addHook('onRequest', (req, _reply, done) => {
    req.log.debug({ req }, 'incoming request');
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.log.debug({ status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
    done();
  });
}
