/**
 * partnergate <command>
 *   serve [--demo]                        run the service (migrates first)
 *   migrate                               apply the migration set
 *   admin create --email E --password P   bootstrap a SUPER_ADMIN (idempotent on email)
 *   seed demo [--json]                    seed (or describe) the demo world
 *   audit verify                          check the audit hash chain
 *   db check                              does row-level security hold for the service's role?
 */
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type Config } from '../config/config.ts';
import { listenProblem, migrateAsOwner, openRuntime, wallReport } from './runtime.ts';
import { asSystem } from '../platform/db/db-context.ts';
import { buildApp } from '../app/build-app.ts';
import { seedDemo, describeWorld } from '../modules/demo/demo.seed.ts';
import { systemContext } from '../platform/http/request-context.ts';
import { CLI_EXTENSIONS } from './extensions.ts';

const USAGE = `Usage: partnergate <command>

  serve [--demo]                         run Partnergate (applies migrations first)
  migrate                                apply database migrations
  admin create --email E --password P [--name N]
                                         create (or promote) a platform SUPER_ADMIN
  seed demo [--json]                     seed the demo world; print its logins
  audit verify                           verify the audit log hash chain
  db check                               check that row-level security holds for DATABASE_URL's role
${CLI_EXTENSIONS.map((e) => e.usage).join('\n')}
Settings come from the environment (see README); --config FILE reads a JSON config file.`;

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
  if (values.help || !cmd) {
    process.stdout.write(USAGE + '\n');
    return cmd || values.help ? 0 : 2;
  }
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

  switch (cmd) {
    case 'serve':
      return serve(config);
    case 'migrate': {
      const rt = await openRuntime(config, { migrate: false });
      try {
        const r = await migrateAsOwner(rt.config, rt.db);
        process.stdout.write(r.applied.length ? `applied: ${r.applied.join(', ')}\n` : 'database is up to date\n');
      } finally {
        await rt.db.close();
      }
      return 0;
    }
    case 'db': {
      if (sub !== 'check') {
        process.stderr.write('usage: partnergate db check\n');
        return 2;
      }
      const rt = await openRuntime(config, { migrate: false });
      try {
        if (rt.db.dialect !== 'postgres') {
          process.stdout.write('SQLite: the embedded single-user mode has no row-level security (set DATABASE_URL for PostgreSQL)\n');
          return 0;
        }
        const problems = await wallReport(rt.db);
        if (problems.length === 0) {
          process.stdout.write('row-level security holds: the service role is no superuser, cannot bypass RLS, owns no table, and every tenant table is walled\n');
          return 0;
        }
        for (const p of problems) process.stdout.write(`row-level security does NOT hold: ${p}\n`);
        return 1;
      } finally {
        await rt.db.close();
      }
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
      process.stderr.write(`partnergate: unknown command ${cmd}\n\n${USAGE}\n`);
      return 2;
    }
  }
}

/** CLI commands act as the system: every row is theirs to see (row-level security's 'system' context). */
function withApp(config: Config, fn: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<number>): Promise<number> {
  return asSystem(() => withAppAsSystem(config, fn));
}

async function withAppAsSystem(config: Config, fn: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<number>): Promise<number> {
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
  // Loud, not fatal: a single-URL installation keeps working, and `partnergate db check` fails.
  for (const p of await wallReport(rt.db)) {
    app.log.warn(`row-level security does NOT hold: ${p}`);
    process.stderr.write(`warning: row-level security does NOT hold: ${p} (see README, "The second wall")\n`);
  }
  let banner = '';
  if (rt.config.demo) banner = describeWorld(await asSystem(() => seedDemo(app.services)));
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
