/**
 * Every /api route validates all of its input, even the parts a route does not declare:
 *  - no querystring schema → an empty strict one: `GET /api/v1/me?color=blue` is 400 validation_failed,
 *    like an unknown field in a body;
 *  - a mutation (POST/PUT/PATCH/DELETE) with no body schema → "empty or absent": `{}` or nothing;
 *  - a PATCH body must name at least one field: an empty change is a client mistake, not a no-op
 *    (and an empty UPDATE must never reach the database).
 * Only /api/ routes: OAuth (/oauth, RFC 6749 form bodies and extension parameters), the gateway
 * (/resources, /authz/forward-auth, which pass requests through) and the embed (/embed) keep
 * their own rules.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const NO_QUERY = Object.freeze({ type: 'object', properties: {}, additionalProperties: false, description: 'this route takes no query parameters' });
export const NO_BODY = Object.freeze({ type: ['object', 'null'], properties: {}, additionalProperties: false, description: 'no body, or an empty JSON object' });

type Schema = Record<string, unknown> & { type?: unknown; minProperties?: number; $id?: string; anyOf?: unknown; oneOf?: unknown };

function methods(route: RouteOptions): string[] {
  return (Array.isArray(route.method) ? route.method : [route.method]).map((m) => String(m).toUpperCase());
}

export function applyStrictInputs(route: RouteOptions): void {
  if (!route.url.startsWith('/api/')) return;
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  if (!schema.querystring) schema.querystring = NO_QUERY;
  const ms = methods(route);
  if (!schema.body && ms.some((m) => MUTATIONS.has(m))) schema.body = NO_BODY;
  const body = schema.body as Schema | undefined;
  if (ms.includes('PATCH') && body && body.type === 'object' && body.minProperties === undefined && body.$id === undefined) {
    // A copy: the same TypeBox object may serve another route.
    schema.body = { ...body, minProperties: 1 };
  }
}

export function installStrictInputs(app: FastifyInstance): void {
  app.addHook('onRoute', applyStrictInputs);
}
