/**
 * Two things every operation of the OpenAPI document gets here, once, instead of in ~300 route schemas:
 *
 *  - an `operationId`, unless the route declares one: the method's verb and the path's words in camelCase,
 *    with the path's last parameter as `By<Name>` (`GET /api/v1/partner/billing/invoices` →
 *    `getPartnerBillingInvoices`, `DELETE /api/v1/tenants/{tenant_id}/members/{user_id}` →
 *    `deleteTenantsMembersByUserId`). `/api` and version segments (`v1`) are left out. Should two operations
 *    come out alike, both take the long form with every segment and parameter, so neither name depends on
 *    the order routes were registered in. Generated clients name their methods and types by these ids.
 *  - a request body that may be absent is not required: fastify-swagger marks every declared body
 *    `required: true`, but a body schema that admits `null` (NO_BODY: "no body, or an empty JSON object")
 *    accepts a request without one, and a typed client must not demand it.
 */
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const pascal = (word: string) =>
  word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/** `get` + PascalCase words; `long` keeps `/api`, the version and every parameter. */
export function deriveOperationId(method: string, url: string, long = false): string {
  const segments = url.split('/').filter(Boolean);
  const words: string[] = [];
  segments.forEach((seg, i) => {
    const param = /^\{(.+)\}$/.exec(seg) ?? /^:(.+)$/.exec(seg);
    if (param) {
      if (long || i === segments.length - 1) words.push(`By${pascal(param[1])}`);
      return;
    }
    if (!long && (/^v\d+$/.test(seg) || (i === 0 && seg === 'api'))) return;
    words.push(pascal(seg));
  });
  return method.toLowerCase() + words.join('');
}

/** Sets `operationId` where an operation has none; makes a request body that admits null optional. */
export function completeOperations(doc: Json): void {
  const paths = isObj(doc.paths) ? doc.paths : {};
  const derived: { op: Json; method: string; url: string; id: string }[] = [];
  const declared = new Set<string>();
  for (const [url, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      if (isObj(op.requestBody) && op.requestBody.required === true && bodyMayBeAbsent(op.requestBody)) op.requestBody.required = false;
      if (typeof op.operationId === 'string' && op.operationId) declared.add(op.operationId);
      else derived.push({ op, method, url, id: deriveOperationId(method, url) });
    }
  }
  const count = new Map<string, number>();
  for (const d of derived) count.set(d.id, (count.get(d.id) ?? 0) + 1);
  for (const d of derived) {
    const clash = (count.get(d.id) ?? 0) > 1 || declared.has(d.id);
    d.op.operationId = clash ? deriveOperationId(d.method, d.url, true) : d.id;
  }
}

function bodyMayBeAbsent(body: Json): boolean {
  const media = isObj(body.content) ? Object.values(body.content) : [];
  if (media.length === 0) return false;
  return media.every((m) => {
    const schema = isObj(m) && isObj(m.schema) ? m.schema : null;
    if (!schema) return false;
    const type = schema.type;
    return type === 'null' || (Array.isArray(type) && type.includes('null'));
  });
}
