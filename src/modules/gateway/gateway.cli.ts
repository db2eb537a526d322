/**
 * `partnergate upstream serve`: the reference resource service alone, on PORT/HOST, for running
 * it as its own process or host (point the gateway at it with RESOURCES_UPSTREAM_URL). It
 * shares the database and SECRET_KEY with the gateway: the key verifies the gateway assertion.
 */
import type { CliExtension } from '../../cli/extensions.ts';
import { buildUpstreamApp } from '../resources/index.ts';
import { upstreamAuthenticator } from './gateway.install.ts';

export const upstreamCommand: CliExtension = {
  command: 'upstream',
  usage: '  upstream serve                         run only the reference resource service (the gateway upstream) on PORT',
  async run({ config, sub, withApp }) {
    if (sub !== 'serve') {
      process.stderr.write('usage: partnergate upstream serve\n');
      return 2;
    }
    return withApp(async (app) => {
      const s = app.services;
      const upstream = await buildUpstreamApp({
        resources: s.resources,
        tenants: s.tenants,
        vouchers: s.vouchers,
        authenticate: upstreamAuthenticator(s.config.secretKey, s.clock),
        bodyLimit: s.config.bodyLimitBytes,
        logger: process.env.LOG_LEVEL && process.env.LOG_LEVEL !== 'silent' ? { level: process.env.LOG_LEVEL } : false,
      });
      await upstream.listen({ port: config.port, host: config.host });
      const addr = upstream.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      process.stdout.write(`Partnergate reference resource service listening on http://${config.host}:${port}/v1 (set RESOURCES_UPSTREAM_URL on the gateway to it)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await upstream.close();
      return 0;
    });
  },
};
