/**
 * A handler in front of Fastify on the same server: the requests it takes (it returns true) are
 * answered on Node's own request and response and never reach Fastify's routing, hooks or reply
 * objects; every other request goes to Fastify as before. For one hot, self-contained endpoint
 * (the forward-auth check, modules/gateway/forward-auth.http.ts), whose cost per request is the
 * product: the server itself, its timeouts and its keep-alive settings stay Fastify's.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

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
