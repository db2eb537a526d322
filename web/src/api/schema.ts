/**
 * The API's wire types, generated from the server's /openapi.json into packages/client (`npm run
 * generate:client`; `-- --check` fails CI when they drift from the server). The portal uses these —
 * not a hand-written copy — so a changed response breaks the portal's typecheck, not a user's page.
 */
import type { components, paths } from '../../../packages/client/src/schema.d.ts';

export type { components, paths } from '../../../packages/client/src/schema.d.ts';
/** Every named schema of the API: `Schemas['Tenant']`, `Schemas['Delegation']`, … */
export type Schemas = components['schemas'];

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
/** What a path's method answers on success (its 200 or 201 JSON body), for answers the schema does not name. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer O } ? JsonOf<O> : R extends { 201: infer C } ? JsonOf<C> : never
  : never;
/** The JSON body a path's method takes. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;
/** The query a path's method takes (its parameters in the URL's query string). */
export type Params<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** A form's string as one of the values an API field takes (a Select answers any string), else undefined. */
export function chosen<T extends string>(allowed: readonly T[], v: string | null | undefined): T | undefined {
  return allowed.find((x) => x === v);
}
