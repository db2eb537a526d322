/**
 * Start-up in two steps, so that an orchestrator sees a starting instance as alive but not ready:
 * `serve` listens first, then loads the snapshots (the decision snapshot of 1M delegations takes
 * seconds). Until they are loaded, /healthz answers 200, /readyz 503, and every other request 503
 * service_unavailable with Retry-After — never an answer from a half-built snapshot. The hot
 * endpoints answered in front of Fastify (front-handler.ts) hand their requests to Fastify until
 * then, so they meet the same refusal.
 *
 * Tests and CLI commands start in one step (`app.ready()` loads everything, as before): the gate is
 * open before their first request.
 */
import type { FastifyInstance } from 'fastify';
import { platformErrors } from '../platform/errors/platform.errors.ts';
import { holdFronts } from '../platform/http/front-handler.ts';

/** The routes a starting instance answers: the probes and the metrics scrape. */
const OPEN_WHILE_STARTING: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export class StartupGate {
  #run: () => Promise<void> = async () => {};
  #starting: Promise<void> | null = null;
  #ready = false;
  #closing = false;
  #server: FastifyInstance['server'] | null = null;

  /** What start() runs (set once the services it starts are built). */
  onStart(run: () => Promise<void>): void {
    this.#run = run;
  }

  /** true once every snapshot and index is loaded and the feed runs */
  get ready(): boolean {
    return this.#ready;
  }

  /** Loads everything (once; a second call waits for the first). */
  start(): Promise<void> {
    this.#starting ??= this.#run().then(() => {
      this.#ready = true;
      if (this.#server) holdFronts(this.#server, false);
    });
    return this.#starting;
  }

  /** Refuse what a starting instance cannot answer yet (before any route is registered). */
  install(app: Pick<FastifyInstance, 'addHook' | 'server'>): void {
    this.#server = app.server;
    holdFronts(app.server, true);
    app.addHook('onRequest', (req, _reply, done) => {
      if (this.#closing) return done(platformErrors.service_unavailable('Shutting down: send the request again, another instance answers it.', { headers: { 'retry-after': '1', connection: 'close' } }));
      if (this.#ready || OPEN_WHILE_STARTING.has(req.routeOptions.url ?? '')) return done();
      done(platformErrors.service_unavailable('Starting: the authorization data is still loading.', { headers: { 'retry-after': '2' } }));
    });
    // A stopping instance (SIGTERM) drains what it has in flight; a request that still reaches it
    // on a kept-alive connection is refused in the same envelope as a starting one's — 503 with
    // Retry-After, never Fastify's own bare 503 — and its connection closed, so the client's next
    // attempt opens one to an instance that serves.
    app.addHook('preClose', (done) => {
      this.#closing = true;
      done();
    });
  }
}
