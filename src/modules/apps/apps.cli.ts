/**
 * `partnergate apps reset-demo-secret`: the demo apps' client secrets are derived from SECRET_KEY
 * (so `seed demo --json` can print them and the sample partner app can use them). When an owner
 * rotates one in the portal or the API, the derived value stops working; this puts it back.
 */
import type { CliCommand } from '../../platform/cli-command.ts';
import { systemContext } from '../../platform/http/request-context.ts';
import { resetDemoSecrets } from './apps.demo.ts';

export const appsCliExtension: CliCommand = {
  command: 'apps',
  usage: `  apps reset-demo-secret [--json]        give the demo apps their derived client secret back (after a rotation)`,
  help: {
    summary: 'give the demo apps their derived client secret back',
    usage: ['apps reset-demo-secret [--json]'],
    description:
      'The demo apps’ client secrets derive from SECRET_KEY, so `seed demo --json` and the sample partner app know them. After an owner rotated one in the portal or the API, this puts the derived secret back and prints it.',
    options: [['--json', 'print the apps and secrets as JSON']],
    examples: ['partnergate apps reset-demo-secret', 'partnergate apps reset-demo-secret --json'],
    needsInstallation: true,
  },
  async run({ sub, values, withApp }) {
    if (sub !== 'reset-demo-secret') {
      process.stderr.write('usage: partnergate apps reset-demo-secret [--json]\n');
      return 2;
    }
    return withApp(async (app) => {
      const result = await resetDemoSecrets(app.services, systemContext('cli-apps-reset-demo-secret'));
      if (values.json) {
        process.stdout.write(JSON.stringify(result.map(({ partner_slug, client_id, client_secret, reset }) => ({ partner_slug, client_id, client_secret, reset })), null, 2) + '\n');
        return 0;
      }
      if (result.length === 0) process.stdout.write('no demo apps: run `partnergate seed demo` first\n');
      for (const a of result) process.stdout.write(`${a.partner_slug}  ${a.client_id}  ${a.client_secret}  ${a.reset ? 'restored' : 'unchanged (already the demo secret)'}\n`);
      return 0;
    });
  },
};
