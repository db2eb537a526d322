/**
 * The one JSON body parser of every Fastify app of this service. Before a body is parsed it is
 * scanned once, linearly, for its nesting depth (`[` and `{` outside strings, escapes honoured):
 * beyond MAX_JSON_DEPTH it is refused with 400 `json_too_deep`. Nothing recursive — parsing,
 * the NUL check of validation.ts, Ajv, a DTO mapper — ever sees a body nested tens of thousands
 * of levels deep and overflows the stack (which answered 500 internal_error before).
 * No request of this API nests beyond a handful of levels.
 *
 * Then Fastify's own parser (secure-json-parse): `__proto__` and `constructor.prototype` keys
 * are refused with 400 `malformed_json` (the code clients already know) and a detail that says
 * why, instead of "not valid JSON".
 *
 * Form bodies (@fastify/formbody, oidc-provider's own parser) are flat: `a[b][c]=1` is one key
 * named `a[b][c]`, never expanded into nested objects, so they need no depth limit.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { platformErrors } from '../errors/platform.errors.ts';

export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Does this JSON text nest arrays/objects deeper than `max`? One pass, no allocation; works on
 * malformed text too (the parser refuses that afterwards).
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  // A text of n characters nests at most n levels.
  if (text.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string (indexOf is native): to the next quote after an even run of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false; // unterminated: nothing after it nests
        let k = end - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if ((end - 1 - k) % 2 === 0) break;
      }
      i = end;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

type Done = (err: Error | null, body?: unknown) => void;
type BodyParser = (req: FastifyRequest, body: string, done: Done) => void;

/** Wraps Fastify's default JSON parser with the depth check, and says why a prototype key is refused. */
export function depthLimitedJsonParser(app: FastifyInstance): BodyParser {
  const parse = app.getDefaultJsonParser('error', 'error') as unknown as BodyParser;
  return (req, body, done) => {
    if (jsonDepthExceeds(body)) return done(platformErrors.json_too_deep(`The JSON body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels.`));
    parse(req, body, (err, value) => {
      if (err && (err as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY' && isValidJson(body)) {
        return done(platformErrors.malformed_json('The JSON body uses a reserved property name (__proto__, or constructor with prototype).'));
      }
      done(err, value);
    });
  };
}

function isValidJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

/** Replaces the app's application/json parser with the depth-limited one (before any route or scope is registered). */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parser = depthLimitedJsonParser(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parser as never);
}
