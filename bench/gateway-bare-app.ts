/**
 * Configuration (b) of bench:gateway: a bare reverse proxy on the gateway's own stack — the
 * whole Partnergate server as `partnergate serve` builds it (Fastify with every plugin and
 * every-request hook: request ids, security headers, cookies, the logger; the same undici
 * keep-alive pools and response copying) — plus one route that forwards /bare/v1/* to UPSTREAM
 * with the client's headers as they are and no checks at all: no token, no decision, no rate
 * limit, no signed identity, no audit. What (c) costs beyond this is what the gateway's checks
 * cost, as Kong's "with and without the auth and rate-limiting plugins" measures it.
 *
 * This route exists only in this bench process; the product has no way to switch checks off.
 */
import { loadConfig } from '../src/config/config.ts';
import { openRuntime } from '../src/cli/runtime.ts';
import { buildApp } from '../src/app/build-app.ts';
import { UpstreamPools } from '../src/modules/gateway/index.ts';

const upstream = new URL(process.env.UPSTREAM_URL!);
const base = upstream.pathname.replace(/\/+$/, '');
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade', 'te', 'trailer']);
const SKIP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'trailer', 'upgrade', 'te', 'x-request-id']);

const rt = await openRuntime(loadConfig(process.env, {}));
const app = await buildApp({ config: rt.config, db: rt.db, redis: rt.redis });
const pools = new UpstreamPools();
await app.register(async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  scope.all('/bare/v1/*', { schema: { hide: true } }, async (req, reply) => {
    const headers: Record<string, string | string[]> = {};
    for (const k in req.headers) if (!HOP.has(k) && req.headers[k] !== undefined) headers[k] = req.headers[k] as string;
    const res = await pools.request(upstream.origin, { method: req.method, path: base + req.url.slice('/bare/v1'.length), headers, body: Buffer.isBuffer(req.body) ? req.body : null });
    reply.code(res.statusCode);
    for (const k in res.headers) if (!SKIP.has(k) && res.headers[k] !== undefined) reply.header(k, res.headers[k]);
    return reply.send(Buffer.from(await res.body.arrayBuffer()));
  });
});
await app.listen({ port: rt.config.port, host: '127.0.0.1' });
process.stdout.write(`bare app proxy on ${rt.config.port}\n`);
process.on('SIGTERM', () => void app.close().then(() => pools.close()).then(() => rt.db.close()).then(() => process.exit(0)));
