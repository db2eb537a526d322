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
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
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

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * A request's logger that becomes the logger's child (the request id bound) only when the request
 * writes a line. Fastify makes a child logger for every request; with the redaction of
 * log-redaction.ts that is ~3 µs of CPU and its garbage per request (3.0–3.3 µs measured on a quiet
 * machine), while at the default level nearly no request writes anything. Every line it writes is
 * the child's line: the same bindings, redaction, serializers and level.
 */
class RequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  readonly #bindings: Bindings;
  #child: FastifyBaseLogger | null = null;

  constructor(parent: FastifyBaseLogger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings);
    return this.#child;
  }

  #write(level: Level, args: LogArgs): void {
    // a line the level drops makes no child
    if (this.#child === null && this.#parent.isLevelEnabled?.(level) === false) return;
    (this.#real()[level] as (...a: LogArgs) => void)(...args);
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }
  set level(level: string) {
    this.#real().level = level;
  }
  // methods on the prototype, not a closure each per request (pino's own need their `this` as well)
  fatal(...args: LogArgs): void {
    this.#write('fatal', args);
  }
  error(...args: LogArgs): void {
    this.#write('error', args);
  }
  warn(...args: LogArgs): void {
    this.#write('warn', args);
  }
  info(...args: LogArgs): void {
    this.#write('info', args);
  }
  debug(...args: LogArgs): void {
    this.#write('debug', args);
  }
  trace(...args: LogArgs): void {
    this.#write('trace', args);
  }
  silent(): void {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: a RequestLogger, or the child itself when the route sets its own
 * level or serializers (none of Partnergate's do).
 */
export function requestLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  if (opts.level !== undefined || opts.serializers !== undefined) return logger.child(bindings, opts);
  return new RequestLogger(logger, bindings);
}
