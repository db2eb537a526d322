/**
 * `partnergate service-account create --email … [--name …]`: an account for a resource service
 * that asks the decision engine (POST /api/v1/authz/check and /explain) and can do nothing else
 * (platform role RESOURCE_SERVICE). Prints its personal API token once; only its hash is stored.
 */
import { randomBytes } from 'node:crypto';
import type { CliCommand } from '../../platform/cli-command.ts';
import { mutate } from '../../platform/db/database.ts';
import { systemContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';

export const serviceAccountCli: CliCommand = {
  command: 'service-account',
  usage: '  service-account create --email E [--name N]   a RESOURCE_SERVICE account for authz/check; prints its API token once',
  help: {
    summary: 'create an account for a resource service that asks the decision engine',
    usage: ['service-account create --email E [--name N]'],
    description:
      'Creates a user with the platform role RESOURCE_SERVICE, which can call POST /api/v1/authz/check and /explain and nothing else, and prints its API token once (only its hash is stored).',
    options: [['--email E', 'the account’s email (required)'], ['--name N', 'display name (default: the email’s local part)']],
    examples: ['partnergate service-account create --email billing-service@example.com --name "Billing service"'],
    needsInstallation: true,
  },
  async run({ sub, values, withApp }) {
    const email = typeof values.email === 'string' ? values.email.trim().toLowerCase() : '';
    if (sub !== 'create' || !/^[^@\s]+@[^@\s]+$/.test(email)) {
      process.stderr.write('usage: partnergate service-account create --email E [--name N]\n');
      return 2;
    }
    const name = typeof values.name === 'string' && values.name.trim() ? values.name.trim() : email.split('@')[0];
    return withApp(async (app) => {
      const s = app.services;
      if (await s.identity.findUserByEmail(email)) {
        process.stderr.write(`partnergate: a user with the email ${email} already exists\n`);
        return 1;
      }
      const ctx = systemContext('cli-service-account');
      // No one logs in as a service account: its password is random and never shown.
      const userId = await mutate(s.db, async (trx) => {
        const id = await s.identity.createUser(trx, { email, name, password: randomBytes(32).toString('base64url'), platformRole: 'RESOURCE_SERVICE' });
        await s.audit.record(trx, ctx, { action: 'user.service_account_created', targetType: 'user', targetId: id, details: { email, platform_role: 'RESOURCE_SERVICE' } });
        return id;
      });
      await s.feed.kick();
      const principal: Principal = { kind: 'api_token', userId, email, name, userStatus: 'active', platformRole: 'RESOURCE_SERVICE', tenants: [], partner: null, sessionId: null, csrfToken: null, tokenId: null };
      const { token } = await s.identity.createApiToken(ctx, principal, 'resource service', null);
      process.stdout.write(`created RESOURCE_SERVICE ${email} (${userId})\nAPI token (shown once): ${token}\n`);
      return 0;
    });
  },
};
