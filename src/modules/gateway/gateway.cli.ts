/**
 * Gateway commands:
 *  - `partnergate upstream serve`: the reference resource service alone, on PORT/HOST, for running
 *    it as its own process or host (point the gateway at it with RESOURCES_UPSTREAM_URL). It
 *    shares the database with the gateway and verifies the gateway assertion with its own
 *    upstream key (that of `reference-resources`) only.
 *  - `partnergate gateway upstream-key <name>`: the key an upstream needs to verify the gateway
 *    assertion — derived from GATEWAY_ASSERTION_SECRET (default: from SECRET_KEY) and the
 *    upstream's name, so the upstream's host never holds the master secret.
 */
import type { CliCommand } from '../../platform/cli-command.ts';
import { existingSecret, listenProblem } from '../../platform/startup.ts';
import { REFERENCE_UPSTREAM_NAME } from '../../config/config.ts';
import { buildUpstreamApp } from '../resources/index.ts';
import { formatUpstreamKey } from './assertion.ts';
import { referenceBodyCheck, upstreamAuthenticator, upstreamKeyFor } from './gateway.install.ts';

export const upstreamCommand: CliCommand = {
  command: 'upstream',
  usage: '  upstream serve                         run only the reference resource service (the gateway upstream) on PORT',
  help: {
    summary: 'run only the reference resource service',
    usage: ['upstream serve'],
    description:
      'Runs the reference resource service (customers’ orders, invoices, tickets, …) alone on HOST:PORT, as the gateway’s upstream on its own host. It shares the installation’s database and verifies the gateway assertion with its own upstream key. Point the gateway at it with RESOURCES_UPSTREAM_URL.',
    examples: ['PORT=4000 partnergate upstream serve'],
    needsInstallation: true,
  },
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
        authenticate: upstreamAuthenticator(upstreamKeyFor(s.config, REFERENCE_UPSTREAM_NAME), s.clock),
        checkBody: referenceBodyCheck,
        bodyLimit: s.config.bodyLimitBytes,
        logger: config.logLevel !== 'silent' ? { level: config.logLevel } : false,
      });
      try {
        await upstream.listen({ port: config.port, host: config.host });
      } catch (e) {
        await upstream.close();
        throw listenProblem(e, config) ?? e;
      }
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

export const gatewayCommand: CliCommand = {
  command: 'gateway',
  usage: '  gateway upstream-key <name>            print the key an upstream verifies the gateway assertion with (its GATEWAY_ROUTES name, or reference-resources)',
  help: {
    summary: 'print the key an upstream verifies the gateway assertion with',
    usage: ['gateway upstream-key <name>'],
    description:
      'Prints the key one upstream (its GATEWAY_ROUTES name, or reference-resources) uses to verify the gateway’s signed assertion. It derives from GATEWAY_ASSERTION_SECRET (default: from the installation’s SECRET_KEY) and the name, so the upstream’s host never holds the master secret.',
    examples: ['partnergate gateway upstream-key reference-resources', 'partnergate gateway upstream-key billing'],
  },
  async run({ config, sub, args, values }) {
    const name = args[0] ?? (typeof values.name === 'string' ? values.name : undefined);
    if (sub !== 'upstream-key' || !name || args.length > 1) {
      process.stderr.write('usage: partnergate gateway upstream-key <name>\n');
      return 2;
    }
    const known = [REFERENCE_UPSTREAM_NAME, ...config.gatewayRoutes.map((r) => r.name)];
    if (!known.includes(name)) {
      // Keys derive from any name; a name no route uses is most likely a typo.
      process.stderr.write(`partnergate: no upstream is named ${JSON.stringify(name)} (known: ${known.join(', ')})\n`);
      return 2;
    }
    process.stdout.write(formatUpstreamKey(upstreamKeyFor(config.gatewayAssertionSecret ? config : existingSecret(config), name)) + '\n');
    return 0;
  },
};
