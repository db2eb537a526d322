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
import { UpstreamPools, appendForwardedHeaders, relayResponse, isHopByHopHeader, type HeaderList } from '../src/modules/gateway/index.ts';

const upstream = new URL(process.env.UPSTREAM_URL!);
const base = upstream.pathname.replace(/\/+$/, '');

const rt = await openRuntime(loadConfig(process.env, {}));
const app = await buildApp({ config: rt.config, db: rt.db, redis: rt.redis });
const pools = new UpstreamPools();
await app.register(async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // The gateway's own forwarding (gateway.routes.ts) without its checks: the client's headers
  // pass as they are (the bench's client sends signed identity headers itself), plus the same
  // request id and X-Forwarded-* fields; the answer is relayed by the same function.
  scope.all('/bare/v1/*', { schema: { hide: true } }, async (req, reply) => {
    const headers: HeaderList = [];
    appendForwardedHeaders(req, String(req.id), headers, isHopByHopHeader);
    const res = await pools.request(upstream.origin, { method: req.method, path: base + req.url.slice('/bare/v1'.length), headers, body: Buffer.isBuffer(req.body) ? req.body : null });
    return relayResponse(reply, res, req.method, null);
  });
});
await app.listen({ port: rt.config.port, host: '127.0.0.1' });
process.stdout.write(`bare app proxy on ${rt.config.port}\n`);
process.on('SIGTERM', () => void app.close().then(() => pools.close()).then(() => rt.db.close()).then(() => process.exit(0)));
