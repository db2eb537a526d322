/**
 * The small services of bench:forward-auth, each its own process: `upstream` (the protected
 * service behind NGINX: 200 and a small JSON body for any request), `noop-auth` (the baseline
 * auth service: 200 with no body for every check, deciding nothing) and, with BENCH_CEILING=1,
 * `identity-auth` (decides nothing either, but answers every check with the headers of one real
 * Partnergate answer, IDENTITY_HEADERS: what NGINX then copies onto the upstream request costs
 * what it costs Partnergate). With BENCH_FASTIFY=1, `fastify-noop-auth`: a conventional service
 * that decides nothing, written the usual way — Fastify with its default logger (info: a line when
 * each check arrives and one when it is answered, to stdout). PORT names the port.
 */
import { createServer } from 'node:http';
import Fastify from 'fastify';

const mode = process.argv[2];
const port = Number(process.env.PORT);

if (mode === 'fastify-noop-auth') {
  const app = Fastify({ logger: true });
  app.all('/*', async (_req, reply) => reply.code(200).send());
  await app.listen({ port, host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  const body = Buffer.from('{"ok":true}');
  const identity = mode === 'identity-auth' ? (JSON.parse(process.env.IDENTITY_HEADERS ?? '[]') as string[]) : [];
  const server = createServer((req, res) => {
    req.resume();
    if (mode === 'noop-auth') {
      res.writeHead(200, { 'content-length': '0' }).end();
      return;
    }
    if (mode === 'identity-auth') {
      res.writeHead(200, identity).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => process.stdout.write(`${mode} on ${port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
