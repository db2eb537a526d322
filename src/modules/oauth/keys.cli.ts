/** `partnergate keys rotate | list`: signing-key rotation without downtime. */
import type { CliCommand } from '../../platform/cli-command.ts';
import { systemContext } from '../../platform/http/request-context.ts';

export const keysCliExtension: CliCommand = {
  command: 'keys',
  usage: `  keys rotate                            new signing keys (ES256, RS256 and EdDSA); the previous ones stay published until their tokens expire
  keys list                              the published signing keys`,
  help: {
    summary: 'rotate or list the token signing keys',
    usage: ['keys rotate', 'keys list'],
    description:
      'rotate: makes a new signing key current for each algorithm (ES256, RS256 and EdDSA) on every instance; the previous ones stay published in the JWKS until the tokens they signed have expired, so nothing breaks. list: the signing keys with their status (current, retired) and until when a retired one is published.',
    examples: ['partnergate keys list', 'partnergate keys rotate'],
    needsInstallation: true,
  },
  async run({ sub, withApp }) {
    if (sub !== 'rotate' && sub !== 'list') {
      process.stderr.write('usage: partnergate keys rotate | keys list\n');
      return 2;
    }
    return withApp(async (app) => {
      const keys = app.services.oauth.keys;
      if (sub === 'rotate') {
        const r = await keys.rotate(systemContext('cli-keys-rotate'));
        // The access-token key first (its kid is the one scripts read), then the other algorithms'.
        const fresh = Object.entries(r.kids).sort(([, a], [, b]) => (a === r.kid ? -1 : b === r.kid ? 1 : 0));
        const made = fresh.map(([alg, kid]) => `new signing key ${kid} (${alg})`).join('; ');
        process.stdout.write(`${made}${r.retired.length ? `; retired ${r.retired.join(', ')} (published until their tokens expire)` : ''}${r.removed.length ? `; removed ${r.removed.join(', ')}` : ''}\n`);
        return 0;
      }
      for (const k of keys.list()) process.stdout.write(`${k.kid}  ${k.alg}  ${k.status}${k.expires_at ? `  published until ${k.expires_at}` : ''}  created ${k.created_at}\n`);
      return 0;
    });
  },
};
