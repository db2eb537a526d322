/**
 * partnergate <command>
 *   serve [--demo]                        run the service (migrates first)
 *   migrate                               apply the migration set
 *   admin create --email E --password P   bootstrap a SUPER_ADMIN (idempotent on email)
 *   seed demo [--json]                    seed (or describe) the demo world
 *   audit verify                          check the audit hash chain
 *   help [command]                        the command list, or one command's usage, options and examples
 * (and the commands modules contribute, extensions.ts)
 */
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type Config } from '../config/config.ts';
import { listenProblem, openRuntime, requireInstallation } from './runtime.ts';
import { BUILTIN_HELP, formatCommandHelp, formatGlobalHelp, type CommandHelp } from './help.ts';
import { buildApp } from '../app/build-app.ts';
import { seedDemo, describeWorld } from '../modules/demo/demo.seed.ts';
import { systemContext } from '../platform/http/request-context.ts';
import { CLI_EXTENSIONS } from './extensions.ts';

/** Every command's help: the built-in ones, then those modules contribute. */
function commandHelp(): CommandHelp[] {
  const help = BUILTIN_HELP.filter((h) => h.command !== 'help');
  for (const e of CLI_EXTENSIONS) {
    const usage = e.usage.trim().split(/\s{2,}/)[0];
    help.push({ command: e.command, ...(e.help ?? { summary: e.usage.trim().slice(usage.length).trim(), usage: [usage], description: e.usage.trim(), examples: [`partnergate ${usage}`] }) });
  }
  return [...help, BUILTIN_HELP.find((h) => h.command === 'help')!];
}

const USAGE = formatGlobalHelp(commandHelp());

/** `help [command]`: 0 with the help on stdout, 2 for an unknown command. */
function printHelp(command: string | undefined): number {
  if (!command) {
    process.stdout.write(USAGE);
    return 0;
  }
  const h = commandHelp().find((c) => c.command === command);
  if (!h) {
    process.stderr.write(`partnergate: unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  process.stdout.write(formatCommandHelp(h));
  return 0;
}

export async function runCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      demo: { type: 'boolean' },
      json: { type: 'boolean' },
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub] = positionals;
  if (!cmd) {
    (values.help ? process.stdout : process.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  // Before the settings are read: help needs none, and works with broken ones.
  if (cmd === 'help') return printHelp(sub);
  if (values.help) return printHelp(cmd);
  let config: Config;
  try {
    config = loadConfig(process.env, {
      ...(values.config ? { CONFIG_FILE: values.config } : {}),
      ...(values.demo ? { DEMO: 'true' } : {}),
      // The CLI prints its own results; keep the service log quiet unless asked.
      ...(cmd !== 'serve' && !process.env.LOG_LEVEL ? { LOG_LEVEL: 'silent' } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`partnergate: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (commandHelp().find((c) => c.command === cmd)?.needsInstallation) await requireInstallation(config);

  switch (cmd) {
    case 'serve':
      return serve(config);
    case 'migrate': {
      const rt = await openRuntime(config, { migrate: false });
      const { migrateToLatest } = await import('../platform/db/migrate.ts');
      const r = await migrateToLatest(rt.db, { secretKey: rt.config.secretKey });
      process.stdout.write(r.applied.length ? `applied: ${r.applied.join(', ')}\n` : 'database is up to date\n');
      await rt.db.close();
      return 0;
    }
    case 'admin': {
      if (sub !== 'create' || !values.email || !values.password) {
        process.stderr.write('usage: partnergate admin create --email E --password P [--name N]\n');
        return 2;
      }
      return withApp(config, async (app) => {
        const r = await app.services.identity.ensureSuperAdmin(systemContext('cli-admin-create'), values.email!, values.name ?? 'Operator', values.password!);
        process.stdout.write(`${r.created ? 'created' : 'promoted'} SUPER_ADMIN ${values.email} (${r.userId})\n`);
        return 0;
      });
    }
    case 'seed': {
      if (sub !== 'demo') {
        process.stderr.write('usage: partnergate seed demo [--json]\n');
        return 2;
      }
      return withApp(config, async (app) => {
        const world = await seedDemo(app.services);
        process.stdout.write((values.json ? JSON.stringify(world, null, 2) : describeWorld(world)) + '\n');
        return 0;
      });
    }
    case 'audit': {
      if (sub !== 'verify') {
        process.stderr.write('usage: partnergate audit verify\n');
        return 2;
      }
      return withApp(config, async (app) => {
        const v = await app.services.audit.verify();
        if (v.ok) {
          process.stdout.write(`audit chain intact: ${v.checked} events verified\n`);
          return 0;
        }
        process.stdout.write(`audit chain BROKEN at seq ${v.brokenAtSeq}: ${v.reason} (${v.checked} events verified before it)\n`);
        return 1;
      });
    }
    default: {
      const ext = CLI_EXTENSIONS.find((e) => e.command === cmd);
      if (ext) return ext.run({ config, sub, args: positionals.slice(2), values, withApp: (fn) => withApp(config, fn) });
      process.stderr.write(`partnergate: unknown command ${cmd}\n\n${USAGE}`);
      return 2;
    }
  }
}

async function withApp(config: Config, fn: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<number>): Promise<number> {
  const rt = await openRuntime(config);
  const app = await buildApp({ config: rt.config, db: rt.db, redis: rt.redis, logger: false });
  try {
    await app.ready();
    return await fn(app);
  } finally {
    await app.close();
    await rt.db.close();
  }
}

async function serve(config: Config): Promise<number> {
  const rt = await openRuntime(config);
  const app = await buildApp({ config: rt.config, db: rt.db, redis: rt.redis });
  let banner = '';
  if (rt.config.demo) banner = describeWorld(await seedDemo(app.services));
  try {
    await app.listen({ port: rt.config.port, host: rt.config.host });
  } catch (e) {
    await app.close();
    await rt.db.close();
    // One line naming PORT or HOST (printed by main.ts) rather than a bare EADDRINUSE.
    throw listenProblem(e, rt.config) ?? e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : rt.config.port;
  process.stdout.write(
    `\nPartnergate is running on ${rt.db.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite (' + rt.config.dataDir + ')'}` +
      `${rt.redis ? ' with Redis' : ''}.\nPortal: ${rt.config.publicUrl}  ·  API docs: ${rt.config.publicUrl}/docs  ·  listening on ${rt.config.host}:${port}\n` +
      (banner ? '\n' + banner + '\n' : '') +
      '\n',
  );
  const stop = async () => {
    await app.close();
    await rt.db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}
