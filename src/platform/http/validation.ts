/**
 * Two Ajv instances: bodies are validated strictly (no type coercion: "5" is not 5), while
 * query strings, params and headers — which are always strings on the wire — are coerced.
 * Unknown fields are never removed silently; the schemas refuse them.
 *
 * Every compiled validator first refuses the NUL character (U+0000) anywhere in the input —
 * in a value or in a key. PostgreSQL text cannot hold it (error 22021), SQLite would store a
 * string that C-based tools cut short, and no field of this API has a use for it; refusing it
 * here gives every route the same 400 validation_failed, naming the field, on both databases.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

/** JSON pointer escaping (RFC 6901). */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON pointer (below the request part) of the first string value or object key holding
 * U+0000, or null. The input is already-parsed JSON or a query/params object: no cycles.
 */
export function findNul(value: unknown, pointer = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${pointer}/${i}`);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = `${pointer}/${escapePointer(k.replaceAll('\u0000', '\\u0000'))}`;
      if (k.includes('\u0000')) return here;
      const hit = findNul(v, here);
      if (hit !== null) return hit;
    }
  }
  return null;
}

export const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

type Validator = ValidateFunction & ((data: unknown, ctx?: unknown) => boolean);

/** Wrap an Ajv validator with the NUL check; errors look like Ajv's so the error handler maps them the same way. */
function refusingNul(validate: ValidateFunction): Validator {
  const wrapped = function (this: unknown, data: unknown, ctx?: unknown): boolean {
    const at = findNul(data);
    if (at !== null) {
      wrapped.errors = [{ instancePath: at, schemaPath: '#/nul', keyword: 'nul', params: {}, message: NUL_MESSAGE }];
      return false;
    }
    const ok = (validate as (d: unknown, c?: unknown) => boolean).call(this, data, ctx);
    wrapped.errors = validate.errors;
    return ok;
  } as Validator;
  // Fastify passes the parent object (so Ajv may coerce the root value) only to Ajv validators.
  Object.assign(wrapped, { schema: validate.schema, schemaEnv: validate.schemaEnv });
  return wrapped;
}

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return refusingNul(ajv.compile(schema as object));
  };
}
