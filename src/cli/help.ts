/**
 * `partnergate help [command]` and `partnergate <command> --help`: each command's own usage,
 * options and examples. Built-in commands are described here; commands contributed by modules
 * carry their help in their CliCommand (src/platform/cli-command.ts).
 */

export type { CommandHelp } from '../platform/cli-command.ts';
import type { CommandHelp } from '../platform/cli-command.ts';

const CONFIG_OPTION: [string, string] = ['--config FILE', 'read settings from a JSON file (environment variables win)'];

export const BUILTIN_HELP: CommandHelp[] = [
  {
    command: 'serve',
    summary: 'run Partnergate (applies migrations first)',
    usage: ['serve [--demo] [--config FILE]'],
    description: 'Starts the service on HOST:PORT: API, OAuth server, gateway and portal. Creates the database (SQLite in DATA_DIR, or DATABASE_URL) and applies pending migrations first (on a PostgreSQL database that has a schema, the expand ones only: see `partnergate help migrate`).',
    options: [['--demo', 'seed the demo world and print its logins (same as DEMO=true)'], CONFIG_OPTION],
    examples: ['partnergate serve', 'PORT=8080 DATABASE_URL=postgres://… REDIS_URL=redis://… partnergate serve', 'partnergate serve --demo'],
  },
  {
    command: 'migrate',
    summary: 'apply database migrations (by phase, for rolling upgrades)',
    usage: ['migrate [--phase expand|contract|all] [--wait SECONDS] [--config FILE]', 'migrate status'],
    description:
      'Applies the pending migrations to the database in DATA_DIR (SQLite) or DATABASE_URL, creating it if needed, and prints their names. With DATABASE_OWNER_URL it migrates as that role (the schema owner) and grants DATABASE_URL’s role what the service needs. ' +
      'Each migration is an expand one (safe while the release before still serves) or a contract one (run once it no longer does): without --phase, PostgreSQL gets the expand ones (every one on a new database), SQLite every one. A rolling upgrade is `migrate --phase expand`, then the new instances, then `migrate --phase contract` (docs/operators/upgrades.md). `migrate status` lists what is applied and pending, by phase.',
    options: [
      ['--phase P', 'expand, contract (refused while expand migrations are pending) or all (every instance stopped)'],
      ['--wait SECONDS', 'PostgreSQL: wait up to this long for the database to answer (a container still starting)'],
      CONFIG_OPTION,
    ],
    examples: ['partnergate migrate', 'partnergate migrate --phase expand', 'partnergate migrate --phase contract', 'partnergate migrate status', 'DATABASE_URL=postgres://postgres@db/partnergate partnergate migrate'],
  },
  {
    command: 'admin',
    summary: 'create (or promote) a platform SUPER_ADMIN',
    usage: ['admin create --email E --password P [--name N]'],
    description: 'Bootstraps an operator account: creates the user with the platform role SUPER_ADMIN, or promotes an existing user with that email. Run it once after installing.',
    options: [['--email E', 'the operator’s email (required)'], ['--password P', 'their password (required; the password policy applies)'], ['--name N', 'display name (default: Operator)'], CONFIG_OPTION],
    examples: ["partnergate admin create --email ops@example.com --password 'a long passphrase'"],
  },
  {
    command: 'seed',
    summary: 'seed the demo world; print its logins',
    usage: ['seed demo [--json]'],
    description: 'Creates the demo tenants, partners, apps and agencies if they are missing, and prints their logins. Running it again changes nothing and prints the same world.',
    options: [['--json', 'print the world as JSON (stdout holds only the JSON)'], CONFIG_OPTION],
    examples: ['partnergate seed demo', 'partnergate seed demo --json | jq .operator'],
  },
  {
    command: 'audit',
    summary: 'verify the audit log hash chain',
    usage: ['audit verify'],
    description: 'Recomputes the hash chain of the audit log of an existing installation up to its head checkpoint and reports the first broken link. Exit code 0 when intact, 1 when broken or cut short.',
    options: [CONFIG_OPTION],
    examples: ['partnergate audit verify', 'DATA_DIR=/var/lib/partnergate partnergate audit verify'],
    needsInstallation: true,
  },
  {
    command: 'db',
    summary: 'check row-level security (db check), or a restored database as a whole (db verify)',
    usage: ['db check', 'db verify [--json]'],
    description:
      '`db check` (PostgreSQL): checks that the role the service connects as (DATABASE_URL) is no superuser, has no BYPASSRLS, owns no table (directly or through a role), and that every table with a tenant_id has row-level security enabled and forced. Exit code 0 when the wall holds, 1 naming each reason when it does not. ' +
      '`db verify`, after a restore or an upgrade: the schema (every expand migration of this release applied, nothing a newer release contracted), row-level security (as `db check`), the audit hash chain up to its head (it seals events committed but not yet chained, as a running instance would) and the decision snapshot (loads every delegation). One line per check; exit code 0 when all pass, 1 otherwise.',
    options: [['--json', 'db verify: print {ok, checks: [{check, ok, detail}]} as one JSON line'], CONFIG_OPTION],
    examples: ['partnergate db check', 'DATABASE_URL=postgres://partnergate_app@db/partnergate partnergate db check', 'partnergate db verify', 'partnergate db verify --json'],
    needsInstallation: true,
  },
  {
    command: 'help',
    summary: 'this list, or one command’s usage, options and examples',
    usage: ['help [command]', '<command> --help'],
    description: 'Without a command, lists every command. With one, prints its usage, options and examples.',
    examples: ['partnergate help', 'partnergate help keys', 'partnergate audit --help'],
  },
];

const INSTALLATION_NOTE =
  'Needs an existing installation: a DATA_DIR holding its database (or a migrated DATABASE_URL); it never creates one.';

/** The full help of one command. */
export function formatCommandHelp(h: CommandHelp): string {
  const lines = [`Usage: ${h.usage.map((u) => `partnergate ${u}`).join('\n       ')}`, '', h.description];
  if (h.needsInstallation) lines.push('', INSTALLATION_NOTE);
  const options: [string, string][] = [...(h.options ?? []), ['--help, -h', 'this help']];
  const width = Math.max(...options.map(([f]) => f.length));
  lines.push('', 'Options:', ...options.map(([flag, meaning]) => `  ${flag.padEnd(width)}  ${meaning}`));
  lines.push('', 'Examples:', ...h.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

/** The command list (`partnergate help`, `partnergate --help`). */
export function formatGlobalHelp(commands: CommandHelp[]): string {
  const first = (c: CommandHelp) => c.usage.join(' | ');
  const width = Math.max(...commands.map((c) => first(c).length));
  return [
    'Usage: partnergate <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${first(c).padEnd(width)}  ${c.summary}`),
    '',
    'Run `partnergate help <command>` (or `partnergate <command> --help`) for its options and examples.',
    'Settings come from the environment (see docs/operators/configuration.md); --config FILE reads a JSON config file.',
    '`partnergate --version` prints the version.',
  ].join('\n') + '\n';
}
