/**
 * The API reference is the contract: every route the server answers is in /openapi.json — the sync
 * API and Stripe's webhook included — unless it is one of the few that are no API (the portal, HTML
 * pages a browser is sent to, the reference itself) or are described by their own standard, each
 * listed here with the reason. A new route that is neither fails this test. The generated client
 * (packages/client) knows the same operations.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

type Doc = { paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, unknown> }>> };

/** Routes that are not in the reference, by (method or *) and path, each with why. */
const NOT_API: [method: string, path: RegExp, why: string][] = [
  ['*', /^\*$/, 'the portal (a single-page app in HTML) and the 404 of any other path'],
  ['GET', /^\/(assets\/[^/]+|index\.html|favicon\.svg)$/, "the portal's built files (one route each, when web/dist is built)"],
  ['GET', /^\/(docs|docs\*|openapi\.json)$/, 'the reference itself'],
  ['GET', /^\/metrics$/, 'Prometheus text exposition for scrapers (docs/operators/observability.md)'],
  ['*', /^\/oauth\/interaction\//, "the authorization server's sign-in and consent pages (HTML), reached by its redirects"],
  ['*', /^\/authz\/forward-auth\*$/, 'the documented forward-auth check under any path suffix (/authz/forward-auth/…)'],
  ['*', /^\/\.well-known\/(openid-configuration|oauth-authorization-server)(\/oauth)?$/, 'discovery answered by the provider (GET is documented; the RFC 8414 §3.1 issuer-path aliases and other methods are its own)'],
  ['*', /^\/sso\//, 'single sign-on: browser redirects, SAML metadata (XML) and the relying party’s JWKS for identity providers (docs/partners-and-customers/single-sign-on.md)'],
  ['*', /^\/scim\/v2\//, 'SCIM 2.0 (RFC 7643/7644), described by its own discovery at /scim/v2/ServiceProviderConfig, /Schemas and /ResourceTypes (docs/partners-and-customers/scim-provisioning.md)'],
  ['*', /^\/sample-partner-app/, "the demo's sample partner app (HTML), not Partnergate's API"],
  ['GET', /^\/embed\/(form|assets\/:file)$/, "the embeddable form's page and script"],
  ['GET', /^\/brand\/logos\/:file$/, "partners' logos: public image files at content-addressed paths, for the portal, the consent page and e-mail"],
];

/** Every (method, path) Fastify answers, from its route tree (HEAD, which Fastify adds for each GET, left out). */
function routesOf(tree: string): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2];
    stack.push(path);
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push({ method, path });
  }
  return out;
}

let t: TestApp;
let doc: Doc;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  t = await startTestApp();
  doc = (await t.client().get('/openapi.json')).body as Doc;
  routes = routesOf(t.app.printRoutes({ commonPrefix: false }));
});
afterAll(() => t.close());

describe('/openapi.json lists every route', () => {
  it('every route is documented, or listed above with the reason it is not', () => {
    expect(routes.length).toBeGreaterThan(400);
    const undocumented: string[] = [];
    for (const { method, path } of routes) {
      const template = path.replace(/:(\w+)/g, '{$1}');
      if (doc.paths[template]?.[method.toLowerCase()]) continue;
      if (NOT_API.some(([m, re]) => (m === '*' || m === method) && re.test(path))) continue;
      undocumented.push(`${method} ${path}`);
    }
    expect(undocumented).toEqual([]);
  });

  it('holds the sync API and the Stripe webhook, with their token, body and answers', () => {
    const batches = doc.paths['/sync/v1/batches']?.post;
    expect(batches?.tags).toEqual(['Sync']);
    expect(batches?.security).toEqual([{ syncToken: [] }]);
    expect(Object.keys(batches?.requestBody?.content ?? {})).toContain('application/x-ndjson');
    expect(Object.keys(batches?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '413', '429', '503']));
    expect(doc.paths['/sync/v1/state']?.get?.security).toEqual([{ syncToken: [] }]);
    const hook = doc.paths['/sync/v1/stripe/{source_id}/webhook']?.post;
    expect(hook?.tags).toEqual(['Sync']);
    expect(hook?.security).toEqual([]);
    expect(JSON.stringify(hook)).toContain('stripe-signature');
  });

  it('is what the generated client knows', () => {
    const client = readFileSync(new URL('../../../packages/client/src/schema.d.ts', import.meta.url), 'utf8');
    for (const p of ['/sync/v1/batches', '/sync/v1/state', '/sync/v1/stripe/{source_id}/webhook', '/.well-known/oauth-protected-resource']) expect(client, p).toContain(`"${p}"`);
  });

  it('answers each listed route (the list holds no route that is gone)', () => {
    // the portal's built files are routes only where the portal is built
    for (const [method, re, why] of NOT_API.filter(([, re]) => !re.source.includes('assets'))) expect(routes.some((r) => (method === '*' || r.method === method) && re.test(r.path)), why).toBe(true);
  });
});
