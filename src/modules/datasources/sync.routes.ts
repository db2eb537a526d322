/**
 * The push sync API at /sync/v1, outside the /api audience routers like SCIM's: a data source
 * authenticates with its own token (Authorization: Bearer pgsync_…), which names the source —
 * never the body. A batch is NDJSON (one sync line per line), bounded in bytes and lines (413),
 * limited per source (429, the shared rate limiter), and answered with one result per line.
 *   POST /sync/v1/batches   apply a batch
 *   GET  /sync/v1/state     the highest version applied and the last sync per kind (to resume)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { setRequestDbContext, SYSTEM_CONTEXT } from '../../platform/db/db-context.ts';
import { enforceRateLimit, type RateLimiter } from '../../platform/ratelimit/index.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import { sourceContext, type DataSourcesService } from './datasources.service.ts';
import type { SourceRow } from './datasources.service.ts';
import type { SyncLineInput } from './sync-apply.ts';
import { problems } from '../../platform/http/schemas.ts';
import { SyncBatchBody, SyncBatchResult, SyncState } from './sync.schemas.ts';

export const SYNC_BASE_PATH = '/sync/v1';
/** A batch's bounds: bytes and lines (413 beyond either). */
export const SYNC_MAX_BYTES = 8 * 1024 * 1024;
export const SYNC_MAX_LINES = 10_000;
/** Batches a source may send per minute (429 beyond). */
export const SYNC_BATCHES_PER_MINUTE = 60;
/**
 * Batches one instance applies at once, whatever their sources; the next ones wait their turn, at most
 * SYNC_QUEUE_WAIT_MS, then are answered 503 sync_busy with Retry-After. More at once only made them
 * wait on each other's rows and the pool's connections (each holds one for its whole transaction) until
 * a statement or a connection timed out halfway through a batch.
 */
export const SYNC_CONCURRENT_BATCHES = 2;
export const SYNC_QUEUE_WAIT_MS = 30_000;
export const SYNC_BUSY_RETRY_AFTER_SEC = 5;

/** A counting gate: `enter` resolves when a place is free (true) or after `waitMs` without one (false). */
export function admissionGate(places: number) {
  let free = places;
  const queue: (() => void)[] = [];
  return {
    async enter(waitMs: number): Promise<boolean> {
      if (free > 0) {
        free--;
        return true;
      }
      return new Promise<boolean>((resolve) => {
        const go = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          queue.splice(queue.indexOf(go), 1);
          resolve(false);
        }, waitMs);
        queue.push(go);
      });
    },
    leave(): void {
      const next = queue.shift();
      if (next) next();
      else free++;
    },
  };
}

const BEARER = /^Bearer\s+(\S+)$/i;
/** The routes read their own input (the NDJSON text, the token); their schemas document it for /openapi.json. */
const DOCUMENTED_ONLY = () => () => true;
const SOURCE_TOKEN = [{ syncToken: [] }];
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

export interface SyncRouteDeps {
  dataSources: DataSourcesService;
  limiter: RateLimiter;
  maxBytes?: number;
  maxLines?: number;
  batchesPerMinute?: number;
  concurrentBatches?: number;
  queueWaitMs?: number;
}

/** Split an NDJSON body into lines (blank lines skipped, numbers kept as in the body). */
export function splitNdjson(body: string, maxLines: number): SyncLineInput[] {
  const out: SyncLineInput[] = [];
  const parts = body.split('\n');
  for (let i = 0; i < parts.length; i++) {
    const text = parts[i].trim();
    if (text === '') continue;
    if (out.length >= maxLines) throw E.sync_batch_too_large(`A batch holds at most ${maxLines} lines; split it into several batches.`);
    try {
      out.push({ line: i + 1, value: JSON.parse(text) as unknown });
    } catch (e) {
      out.push({ line: i + 1, value: null, parseError: (e as Error).message.slice(0, 200) });
    }
  }
  return out;
}

export async function registerSyncRoutes(app: FastifyInstance, d: SyncRouteDeps): Promise<void> {
  const maxBytes = d.maxBytes ?? SYNC_MAX_BYTES;
  const maxLines = d.maxLines ?? SYNC_MAX_LINES;
  const policy = { name: 'sync', limit: d.batchesPerMinute ?? SYNC_BATCHES_PER_MINUTE, windowMs: 60_000 };
  const sources = new WeakMap<FastifyRequest, SourceRow>();
  const places = d.concurrentBatches ?? SYNC_CONCURRENT_BATCHES;
  const gate = admissionGate(places);

  await app.register(async (scope) => {
    scope.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));

    scope.addHook('onRequest', async (req, reply) => {
      // a batch's size is known before it is read (when the client says it)
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > maxBytes) throw E.sync_batch_too_large(`A batch holds at most ${maxBytes} bytes; split it into several batches.`);
      const m = BEARER.exec(req.headers.authorization ?? '');
      const source = m ? await d.dataSources.authenticate(m[1]) : null;
      if (!source) throw E.sync_token_invalid(m ? undefined : 'Send the data source token as Authorization: Bearer pgsync_…');
      sources.set(req, source);
      // the source's scope is checked line by line; each line's write runs under the source's own context
      setRequestDbContext(SYSTEM_CONTEXT);
      await enforceRateLimit(reply, d.limiter, `sync-source:${source.id}`, policy, (s) => `This source may send ${policy.limit} batches a minute. Try again in ${s} second${s === 1 ? '' : 's'}.`);
    });

    scope.setErrorHandler((err) => {
      // the one problem+json envelope; a body over the limit says so in the sync API's own words
      if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw E.sync_batch_too_large(`A batch holds at most ${maxBytes} bytes; split it into several batches.`);
      if ((err as { code?: string }).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw E.sync_content_type('Send the batch as application/x-ndjson: one JSON object per line.');
      throw err;
    });

    scope.post(
      `${SYNC_BASE_PATH}/batches`,
      {
        bodyLimit: maxBytes,
        validatorCompiler: DOCUMENTED_ONLY,
        schema: {
          summary: 'Apply a batch of sync lines (NDJSON), each on its own: one result per line',
          description: 'Idempotent by (source, kind, external_id) and version. A bad line is refused with its number and JSON pointers; the others are applied. At most 10,000 lines and 8 MiB; 60 batches a minute per source unless the operator set another limit.',
          security: SOURCE_TOKEN,
          consumes: NDJSON_TYPES,
          body: SyncBatchBody,
          response: { 200: SyncBatchResult, ...problems(400, 401, 413, 415, 429, 503) },
        },
      },
      async (req, reply) => {
        if (typeof req.body !== 'string') throw E.sync_content_type('Send the batch as application/x-ndjson: one JSON object per line.');
        const lines = splitNdjson(req.body, maxLines);
        if (lines.length === 0) throw E.sync_batch_empty('The batch has no lines.');
        const source = sources.get(req)!;
        const ua = req.headers['user-agent'];
        const ctx = sourceContext(source, String(req.id), req.ip ?? null, typeof ua === 'string' ? ua : null);
        if (!(await gate.enter(d.queueWaitMs ?? SYNC_QUEUE_WAIT_MS))) {
          throw E.sync_busy(`This instance is applying ${places} batches; send this one again in ${SYNC_BUSY_RETRY_AFTER_SEC} seconds.`, { headers: { 'retry-after': String(SYNC_BUSY_RETRY_AFTER_SEC) } });
        }
        try {
          const summary = await d.dataSources.receiveBatch(ctx, source, lines);
          return reply.code(200).send(summary);
        } finally {
          gate.leave();
        }
      },
    );

    scope.get(`${SYNC_BASE_PATH}/state`, { schema: { summary: 'The highest version applied, the last sync and the records per kind (to resume)', security: SOURCE_TOKEN, response: { 200: SyncState, ...problems(401, 429) } } }, async (req) => {
      const source = sources.get(req)!;
      return { source_id: source.id, source_name: source.name, kinds: await d.dataSources.state(source.id) };
    });
  });
}
