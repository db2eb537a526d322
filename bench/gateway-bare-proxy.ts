/**
 * Configuration (b0) of bench:gateway, for reference: a minimal reverse proxy on the gateway's libraries —
 * Fastify, raw bodies, the gateway's own forwarding functions (header list, undici keep-alive pool,
 * response relay) — with no checks at
 * all: /resources/v1/* is forwarded to UPSTREAM (…/v1/*) with the client's headers as they are.
 */
import Fastify from 'fastify';
import { UpstreamPools, appendForwardedHeaders, relayResponse, isHopByHopHeader, type HeaderList } from '../src/modules/gateway/index.ts';

const port = Number(process.env.PORT);
const upstream = new URL(process.env.UPSTREAM_URL!);
const base = upstream.pathname.replace(/\/+$/, '');
const pools = new UpstreamPools();

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.all('/resources/v1/*', async (req, reply) => {
  const headers: HeaderList = [];
  appendForwardedHeaders(req, String(req.id), headers, isHopByHopHeader);
  const res = await pools.request(upstream.origin, { method: req.method, path: base + req.url.slice('/resources/v1'.length), headers, body: Buffer.isBuffer(req.body) ? req.body : null });
  return relayResponse(reply, res, req.method, null);
});
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`bare proxy on ${port}\n`);
process.on('SIGTERM', () => void app.close().then(() => pools.close()).then(() => process.exit(0)));
