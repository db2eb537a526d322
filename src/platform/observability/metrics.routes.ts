/**
 * GET /metrics (Prometheus text) and the per-request counter hook.
 * Off by default: without METRICS_TOKEN the route answers 404 metrics_disabled (and the hook is
 * not installed, so requests pay nothing). With it, a scrape must send `Authorization: Bearer
 * <METRICS_TOKEN>`; anything else is 401 metrics_unauthorized.
 */
import type { FastifyInstance } from 'fastify';
import { constantTimeEqual, sha256 } from '../crypto.ts';
import { defineErrors } from '../errors/app-error.ts';
import { sendProblem } from '../http/error-handler.ts';
import type { Metrics } from './metrics.ts';

export const observabilityErrors = defineErrors('observability', {
  metrics_disabled: { status: 404, title: 'Metrics are not enabled' },
  metrics_unauthorized: { status: 401, title: 'The metrics token is missing or wrong' },
});

export function installMetrics(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  if (metrics.enabled) {
    // Callback-style: an async hook costs a promise per request on the gateway's hot path.
    app.addHook('onResponse', (req, reply, done) => {
      const o = req.routeOptions;
      metrics.response(o.url, (o.config as { routeClass?: unknown } | undefined)?.routeClass, reply.statusCode, reply.elapsedTime);
      done();
    });
  }
  const expected = token === null ? null : sha256(token);
  app.get('/metrics', { schema: { hide: true }, config: { routeClass: 'metrics' } }, async (req, reply) => {
    if (expected === null || !metrics.enabled) return sendProblem(reply, req, observabilityErrors.metrics_disabled('Set METRICS_TOKEN to serve /metrics.'));
    const h = req.headers.authorization;
    const given = typeof h === 'string' && /^Bearer /i.test(h) ? h.slice(7).trim() : null;
    if (given === null || !constantTimeEqual(sha256(given), expected)) {
      reply.header('www-authenticate', 'Bearer realm="partnergate-metrics"');
      return sendProblem(reply, req, observabilityErrors.metrics_unauthorized('Send Authorization: Bearer <METRICS_TOKEN>.'));
    }
    reply.header('cache-control', 'no-store');
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
