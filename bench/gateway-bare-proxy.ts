/**
 * Configuration (b0) of bench:gateway, for reference: a minimal reverse proxy on the gateway's libraries —
 * Fastify, raw bodies, the same undici keep-alive pool and response copying — with no checks at
 * all: /resources/v1/* is forwarded to UPSTREAM (…/v1/*) with the client's headers as they are.
 */
import Fastify from 'fastify';
import { UpstreamPools } from '../src/modules/gateway/index.ts';

const port = Number(process.env.PORT);
const upstream = new URL(process.env.UPSTREAM_URL!);
const base = upstream.pathname.replace(/\/+$/, '');
const pools = new UpstreamPools();
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade', 'te', 'trailer']);
const SKIP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'trailer', 'upgrade', 'te']);

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.all('/resources/v1/*', async (req, reply) => {
  const headers: Record<string, string | string[]> = {};
  for (const k in req.headers) if (!HOP.has(k) && req.headers[k] !== undefined) headers[k] = req.headers[k] as string;
  const res = await pools.request(upstream.origin, { method: req.method, path: base + req.url.slice('/resources/v1'.length), headers, body: Buffer.isBuffer(req.body) ? req.body : null });
  reply.code(res.statusCode);
  for (const k in res.headers) if (!SKIP.has(k) && res.headers[k] !== undefined) reply.header(k, res.headers[k]);
  return reply.send(Buffer.from(await res.body.arrayBuffer()));
});
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`bare proxy on ${port}\n`);
process.on('SIGTERM', () => void app.close().then(() => pools.close()).then(() => process.exit(0)));
