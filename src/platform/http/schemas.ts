/** Schema building blocks shared by every route: strict objects, ids, pagination, problems. */
import Type, { type TProperties, type TSchema } from 'typebox';
import { idPattern } from '../ids.ts';
import { LANGUAGES } from '../i18n/locales.ts';

export { Type };

/** An object that refuses unknown fields (400 validation_failed, never silently dropped). */
export function Strict<T extends TProperties>(props: T, opts: { description?: string; title?: string; minProperties?: number } = {}) {
  return Type.Object(props, { additionalProperties: false, ...opts });
}

export function Id(prefix: string, description?: string) {
  return Type.String({ pattern: idPattern(prefix), description: description ?? `${prefix}_… identifier`, examples: [`${prefix}_01jd9x0a8q4m7w2k3v5b6c8d9e`] });
}

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$', minLength: 1, maxLength: 63, description: 'lowercase letters, digits and dashes' });
export const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** A language people can read Partnergate in (platform/i18n/locales.ts), by its BCP 47 tag. */
export const Language = (description?: string) => Type.Union(LANGUAGES.map((l) => Type.Literal(l)), description ? { description } : {});

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_]+$' })),
};

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'stable machine-readable code' }),
    request_id: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
    retry_after: Type.Optional(Type.Integer({ description: 'whole seconds until a request will be admitted (429 rate_limited; also in Retry-After)' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** Standard error responses for the OpenAPI document. */
export function problems(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const s of statuses) out[s] = { $ref: 'Problem#', description: 'RFC 9457 problem+json' };
  return out;
}

export function page<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), next_cursor: Nullable(Type.String()) });
}
