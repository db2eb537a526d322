/**
 * A handler in front of Fastify on the same server: the requests it takes (it returns true) are
 * answered on Node's own request and response and never reach Fastify's routing, hooks or reply
 * objects; every other request goes to Fastify as before. For one hot, self-contained endpoint
 * (the forward-auth check, modules/gateway/forward-auth.http.ts; the token endpoint, oauth.routes.ts), whose cost per request is the
 * product: the server itself, its timeouts and its keep-alive settings stay Fastify's.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Put `front` before Fastify's request listener on `server` (Fastify's own http.Server). */
export function putInFront(server: Server, front: FrontHandler): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (listeners.length !== 1) throw new Error(`expected Fastify's one request listener on the server, found ${listeners.length}`);
  const fastify = listeners[0];
  server.removeListener('request', fastify);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!front(req, res)) fastify.call(server, req, res);
  });
}

/** Servers whose fronts are held: their requests go to Fastify (an app still starting, app/startup-gate.ts). */
const held = new WeakSet<Server>();

/** Hold (or release) every front of `server`: while held, Fastify answers all requests. */
export function holdFronts(server: Server, hold: boolean): void {
  if (hold) held.add(server);
  else held.delete(server);
}

/**
 * Put `front` before the app's Fastify for as long as the app runs: while it starts (holdFronts)
 * and once it starts closing, every request goes to Fastify, which answers 503 then.
 */
export function installFront(app: Pick<FastifyInstance, 'server' | 'addHook'>, front: FrontHandler): void {
  let stopped = false;
  putInFront(app.server, (req, res) => !stopped && !held.has(app.server) && front(req, res));
  app.addHook('preClose', (done) => {
    stopped = true;
    done();
  });
}
