/**
 * The one error handler: everything leaves as RFC 9457 problem+json with a stable code.
 * Unknown errors are logged with their stack and answered with a fixed internal_error.
 */
import { DEFAULT_LOCALE, negotiateLocale, type Locale } from '../i18n/locales.ts';
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../errors/app-error.ts';
import { isRlsViolation, mapDbError } from '../errors/db-errors.ts';
import { internalProblem, problemFrom, PROBLEM_CONTENT_TYPE } from '../errors/problem.ts';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldErrors(err: FastifyError): FieldError[] {
  const ctx = (err as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  return ((err.validation ?? []) as AjvIssue[]).map((v) => {
    let pointer = `/${ctx}${v.instancePath}`;
    let detail = v.message ?? 'is invalid';
    if (v.keyword === 'additionalProperties') {
      pointer += `/${String(v.params.additionalProperty)}`;
      detail = 'is not a known field';
    } else if (v.keyword === 'required') {
      pointer += `/${String(v.params.missingProperty)}`;
      detail = 'is required';
    }
    return { pointer, detail };
  });
}

export function toAppError(err: FastifyError | AppError | Error): AppError | null {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    const fields = fieldErrors(fe);
    const first = fields[0];
    // A malformed identifier in the path is its own, more useful, code.
    const code = (fe as FastifyError & { validationContext?: string }).validationContext === 'params' ? 'invalid_id' : 'validation_failed';
    return new AppError(code, 400, first ? `${first.pointer} ${first.detail}` : 'The request is not valid.', { fields });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', 400, fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'The JSON body is empty.' : 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('body_too_large', 413, 'The request body exceeds the size limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 415, 'Send request bodies as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('validation_failed', 400, 'The Content-Length header does not match the body.');
    case 'FST_ERR_BAD_URL':
      // Never echo the URL: it is attacker-chosen and may carry secrets (invitation links).
      return new AppError('bad_url', 400, 'The request path is not valid percent-encoding.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // A path segment longer than any identifier this service issues names nothing that exists.
      return new AppError('not_found', 404, 'No such resource.');
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new AppError('not_found', 404, 'No such resource.');
  }
  if (err instanceof SyntaxError && /JSON/.test(err.message)) return new AppError('malformed_json', 400, 'The request body is not valid JSON.');
  if ((err as { message?: string }).message?.includes('prototype')) {
    return new AppError('validation_failed', 400, 'The body contains a forbidden property name.');
  }
  const db = mapDbError(err);
  if (db) return db;
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('validation_failed', status === 400 ? 400 : status, 'The request could not be processed.');
  }
  return null;
}

/**
 * The language a request's problems are written in: the reader's (their choice, else their organization's
 * default, else the browser's Accept-Language). The first two come with the principal the auth hook
 * resolved (read with the session or token, no read of their own); a request without one has the browser's.
 */
export function problemLocale(request: FastifyRequest): Locale {
  const pref = request.principal?.locale;
  return negotiateLocale({ person: pref?.person, organization: pref?.organization, acceptLanguage: request.headers['accept-language'] });
}

/**
 * Content-Language names the language of the problem's `detail` when it is the reader's (a message the
 * catalog says, or English asked for), so the portal shows that sentence; a plain English detail to a reader
 * of another language leaves it out, and the portal falls back to its own words or the (translated) title.
 */
function sayLanguage(reply: FastifyReply, appErr: AppError, locale: Locale): void {
  if (appErr.localized !== undefined || locale === DEFAULT_LOCALE) reply.header('content-language', locale);
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, appErr: AppError): FastifyReply {
  if (appErr.headers) for (const [k, v] of Object.entries(appErr.headers)) reply.header(k, v);
  const locale = problemLocale(request);
  sayLanguage(reply, appErr, locale);
  return reply.code(appErr.status).type(PROBLEM_CONTENT_TYPE).send(problemFrom(appErr, String(request.id), undefined, locale));
}

/**
 * Errors the router raises before a route is chosen (bad percent-encoding, an overlong path
 * parameter): Fastify's `frameworkErrors` option. No hook has run for these requests, so the
 * headers every response carries are set here too.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appErr = toAppError(err) ?? new AppError('not_found', 404, 'No such resource.');
  reply.header('x-request-id', String(request.id));
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', 'no-store');
  void sendProblem(reply, request, appErr);
}

/**
 * The answer to an error a handler threw, logged as it deserves: its AppError, or null for an
 * unexpected one (answered with internal_error).
 */
export function answerFor(err: FastifyError | AppError | Error, log: Pick<FastifyBaseLogger, 'warn' | 'error'>): AppError | null {
  const appErr = toAppError(err);
  if (appErr) {
    // an outage answers every request that needs the database: one line each, not a stack each
    if (appErr.code === 'database_unavailable') log.warn({ code: appErr.code, cause: (err as { code?: string }).code ?? err.message }, 'database unavailable');
    else if (appErr.status >= 500) log.error({ err, code: appErr.code }, 'request failed');
    else if (isRlsViolation(err)) log.warn({ err }, 'row-level security refused a write outside the request\'s database context');
    return appErr;
  }
  log.error({ err }, 'unhandled error');
  return null;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const appErr = answerFor(err, request.log);
    if (appErr) return sendProblem(reply, request, appErr);
    const locale = problemLocale(request);
    reply.header('content-language', locale);
    return reply.code(500).type(PROBLEM_CONTENT_TYPE).send(internalProblem(String(request.id), locale));
  });
}

const PROBLEM_JSON = PROBLEM_CONTENT_TYPE + '; charset=utf-8';

/**
 * A problem answer on Node's own response, for a handler that answers without Fastify (the
 * forward-auth check): the status, headers and body sendProblem writes (every extension of the
 * problem included, as on a route without a response schema). `head` holds the headers every
 * answer carries (x-request-id and the security headers, request-basics.ts); err null:
 * internal_error.
 */
export function writeProblem(res: ServerResponse, head: string[], requestId: string, err: AppError | null): void {
  const body = JSON.stringify(err === null ? internalProblem(requestId) : problemFrom(err, requestId));
  if (err?.headers) for (const k in err.headers) head.push(k, err.headers[k]);
  head.push('content-type', PROBLEM_JSON, 'content-length', String(Buffer.byteLength(body)));
  res.writeHead(err === null ? 500 : err.status, head);
  res.end(body);
}
