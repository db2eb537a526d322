/**
 * partnergate <command>
 *   serve [--demo]                        run the service (migrates first)
 *   migrate [--phase P] | migrate status  apply the migration set (by phase), or say where it stands
 *   admin create --email E --password P   bootstrap a SUPER_ADMIN (idempotent on email)
 *   seed demo [--json]                    seed (or describe) the demo world
 *   audit verify                          check the audit hash chain
 *   db check                              does row-level security hold for the service's role?
 *   db verify [--json]                    after a restore: schema, row-level security, audit chain, decision snapshot
 *   help [command]                        the command list, or one command's usage, options and examples
 *   --version                             the version (package.json)
 * (and the commands modules contribute, extensions.ts)
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { loadConfig, ConfigError, type Config } from '../config/config.ts';
import { checkListen, listenProblem, migrateAsOwner, openRuntime, requireInstallation, waitForDatabase, wallReport } from './runtime.ts';
import { asSystem } from '../platform/db/db-context.ts';
import { BUILTIN_HELP, formatCommandHelp, formatGlobalHelp, type CommandHelp } from './help.ts';
import { systemContext } from '../platform/http/request-context.ts';
import { systemClock } from '../platform/clock.ts';
import { passwordProblem } from '../modules/identity/password-policy.ts';
import { installProcessGuard } from '../platform/process-guard.ts';
import { migrationStatus, newerReleaseProblem, pendingByPhase, PHASES_TO_APPLY, type PhaseToApply } from '../platform/db/migrate.ts';
import type { Db } from '../platform/db/database.ts';
import { jsonLogs } from '../platform/observability/logging.ts';

/**
 * Where a command reads its settings and writes its output: the process's (src/main.ts), or a
 * test's, which runs a command in its own process rather than spawning one. Extension commands
 * write to the process's streams.
 */
export interface CliIo {
  env: Record<string, string | undefined>;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

/**
 * The whole command line to an exit code: what src/main.ts does with the process. A command that
 * fails prints one line, `partnergate: <why>`, and exits 1 (a StartupError names the setting).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await runCli(argv, io);
  } catch (err) {
    const e = err as Error;
    io.err.write(`partnergate: ${e?.message ?? String(err)}\n`);
    return 1;
  }
}

/** Every command's help: the built-in ones, then those modules contribute (imported only when needed). */
async function commandHelp(): Promise<CommandHelp[]> {
  const { CLI_EXTENSIONS } = await import('./extensions.ts');
  const help = BUILTIN_HELP.filter((h) => h.command !== 'help');
  for (const e of CLI_EXTENSIONS) {
    const usage = e.usage.trim().split(/\s{2,}/)[0];
    help.push({ command: e.command, ...(e.help ?? { summary: e.usage.trim().slice(usage.length).trim(), usage: [usage], description: e.usage.trim(), examples: [`partnergate ${usage}`] }) });
  }
  return [...help, BUILTIN_HELP.find((h) => h.command === 'help')!];
}

const usage = async () => formatGlobalHelp(await commandHelp());

/** `help [command]`: 0 with the help on stdout, 2 for an unknown command. */
async function printHelp(io: CliIo, command: string | undefined): Promise<number> {
  if (!command) {
    io.out.write(await usage());
    return 0;
  }
  const h = (await commandHelp()).find((c) => c.command === command);
  if (!h) {
    io.err.write(`partnergate: unknown command ${command}\n\n${await usage()}`);
    return 2;
  }
  io.out.write(formatCommandHelp(h));
  return 0;
}

const OPTIONS = {
  demo: { type: 'boolean' },
  json: { type: 'boolean' },
  email: { type: 'string' },
  password: { type: 'string' },
  name: { type: 'string' },
  config: { type: 'string' },
  source: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  phase: { type: 'string' },
  wait: { type: 'string' },
} as const;

/** The flags the command line takes, as a user types them. */
const VALID_FLAGS = Object.entries(OPTIONS)
  .map(([name, o]) => `--${name}${o.type === 'string' ? ' VALUE' : ''}${'short' in o ? ` (-${o.short})` : ''}`)
  .join(', ');

/**
 * A command line the parser refuses, in one line that names the flag and lists the valid ones —
 * not the parser's message, which quotes the argument (a mistyped `--pasword=…` would echo a
 * password) and suggests `--` to users who only mistyped. null for any other error.
 */
function flagProblem(err: unknown): string | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return null;
  const quoted = /'(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)/.exec((err as Error).message ?? '')?.[1];
  const what =
    code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? `unknown flag ${quoted ?? ''}`.trim()
      : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
        ? `flag ${quoted ?? ''} has a missing or unexpected value`.replace('  ', ' ')
        : 'unexpected argument';
  return `${what}; valid flags: ${VALID_FLAGS} (see partnergate help)`;
}

/** The version in package.json. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function parseCliArgs(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
}
type CliArgs = ReturnType<typeof parseCliArgs>;
type CliValues = CliArgs['values'];

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: CliArgs;
  try {
    parsed = parseCliArgs(argv);
  } catch (e) {
    const problem = flagProblem(e);
    if (problem === null) throw e;
    io.err.write(`partnergate: ${problem}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out.write(`partnergate ${version()}\n`);
    return 0;
  }
  const [cmd, sub] = positionals;
  if (!cmd) {
    (values.help ? io.out : io.err).write(await usage());
    return values.help ? 0 : 2;
  }
  // Before the settings are read: help needs none, and works with broken ones.
  if (cmd === 'help') return printHelp(io, sub);
  if (values.help) return printHelp(io, cmd);
  const config = commandConfig(io, cmd, values);
  if (config === null) return 2;
  if ((await commandHelp()).find((c) => c.command === cmd)?.needsInstallation) await requireInstallation(config);
  return runCommand(io, config, parsed);
}

/** The settings a command runs with; null (after saying why) when they are broken. */
function commandConfig(io: CliIo, cmd: string, values: CliValues): Config | null {
  try {
    return loadConfig(io.env, {
      ...(values.config ? { CONFIG_FILE: values.config } : {}),
      ...(values.demo ? { DEMO: 'true' } : {}),
      // The CLI prints its own results; keep the service log quiet unless asked.
      ...(cmd !== 'serve' && !io.env.LOG_LEVEL ? { LOG_LEVEL: 'silent' } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err.write(`partnergate: ${e.message}\n`);
      return null;
    }
    throw e;
  }
}

async function runCommand(io: CliIo, config: Config, { values, positionals }: CliArgs): Promise<number> {
  const [cmd, sub] = positionals;
  switch (cmd) {
    case 'serve':
      return serve(config);
    case 'migrate':
      return migrate(io, config, sub, values);
    case 'db':
      return dbCheck(io, config, sub, values);
    case 'admin':
      return adminCreate(io, config, sub, values);
    case 'seed':
      return seedDemoWorld(io, config, sub, values);
    case 'audit':
      return auditVerify(io, config, sub);
    default: {
      const { CLI_EXTENSIONS } = await import('./extensions.ts');
      const ext = CLI_EXTENSIONS.find((e) => e.command === cmd);
      if (ext) return ext.run({ config, sub, args: positionals.slice(2), values, withApp: (fn) => withApp(config, fn) });
      io.err.write(`partnergate: unknown command ${cmd}\n\n${await usage()}`);
      return 2;
    }
  }
}

/** partnergate migrate [--phase expand|contract|all] | migrate status */
async function migrate(io: CliIo, config: Config, sub: string | undefined, values: CliValues): Promise<number> {
  const phase = (values.phase ?? 'auto') as PhaseToApply;
  const wait = values.wait === undefined ? 0 : /^\d{1,4}$/.test(values.wait) ? Number(values.wait) : -1;
  if ((sub !== undefined && sub !== 'status') || !PHASES_TO_APPLY.includes(phase) || (sub === 'status' && values.phase) || wait < 0) {
    io.err.write('usage: partnergate migrate [--phase expand|contract|all] [--wait SECONDS] | partnergate migrate status\n');
    return 2;
  }
  if (wait > 0) await waitForDatabase(config, wait);
  // A command that only migrates makes up no installation secret (serve and seed do).
  const rt = await openRuntime(config, { migrate: false, createSecret: false });
  try {
    if (sub === 'status') return await migrateStatus(io, rt.db);
    const r = await migrateAsOwner(rt.config, rt.db, phase);
    io.out.write(`${r.applied.length ? `applied: ${r.applied.join(', ')}` : 'database is up to date'}\n${r.phase === 'all' ? '' : `phase: ${r.phase}\n`}`);
    if (r.contractPending.length) {
      io.out.write(`waiting for the contract step: ${r.contractPending.join(', ')} — run \`partnergate migrate --phase contract\` once every instance runs this release\n`);
    }
  } finally {
    await rt.db.close();
  }
  return 0;
}

/** partnergate migrate status: this release's migrations against the database's, by phase. */
async function migrateStatus(io: CliIo, db: Db): Promise<number> {
  const s = await migrationStatus(db);
  const pending = pendingByPhase(s);
  io.out.write(`applied: ${s.applied.length} of this release's ${s.applied.length + s.pending.length} migrations\n`);
  io.out.write(`pending expand: ${pending.expand.join(', ') || 'none'}\n`);
  io.out.write(`pending contract: ${pending.contract.join(', ') || 'none'}\n`);
  if (s.newer.length) io.out.write(`applied by a newer release: ${s.newer.map((m) => `${m.name} (${m.phase ?? 'phase not recorded'})`).join(', ')}\n`);
  const problem = newerReleaseProblem(s);
  if (problem) io.out.write(`this release cannot serve it: ${problem}\n`);
  return problem ? 1 : 0;
}

/** partnergate db check | db verify [--json] */
async function dbCheck(io: CliIo, config: Config, sub: string | undefined, values: CliValues): Promise<number> {
  if (sub !== 'check' && sub !== 'verify') {
    io.err.write('usage: partnergate db check | partnergate db verify [--json]\n');
    return 2;
  }
  const rt = await openRuntime(config, { migrate: false, createSecret: false });
  try {
    if (sub === 'verify') return await dbVerify(io, rt.db, values.json === true);
    if (rt.db.dialect !== 'postgres') {
      io.out.write('SQLite: the embedded single-user mode has no row-level security (set DATABASE_URL for PostgreSQL)\n');
      return 0;
    }
    const problems = await wallReport(rt.db);
    if (problems.length === 0) {
      io.out.write('row-level security holds: the service role is no superuser, cannot bypass RLS, owns no table, and every tenant table is walled\n');
      return 0;
    }
    for (const p of problems) io.out.write(`row-level security does NOT hold: ${p}\n`);
    return 1;
  } finally {
    await rt.db.close();
  }
}

/** partnergate db verify: the checks after a restore (db-verify.ts); 0 when all pass. */
async function dbVerify(io: CliIo, db: Db, json: boolean): Promise<number> {
  const { verifyDatabase } = await import('./db-verify.ts');
  const checks = await verifyDatabase(db);
  const ok = checks.every((c) => c.ok);
  if (json) io.out.write(JSON.stringify({ ok, checks }) + '\n');
  else for (const c of checks) io.out.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check.replaceAll('_', ' ')}: ${c.detail}\n`);
  return ok ? 0 : 1;
}

/** partnergate admin create */
async function adminCreate(io: CliIo, config: Config, sub: string | undefined, values: CliValues): Promise<number> {
  if (sub !== 'create' || !values.email || !values.password) {
    io.err.write('usage: partnergate admin create --email E --password P [--name N]\n');
    return 2;
  }
  // refused before the database is opened and the app built
  const weak = passwordProblem(values.password, values.email);
  if (weak) {
    io.err.write(`partnergate: The password ${weak}.\n`);
    return 1;
  }
  return withApp(config, async (app) => {
    const r = await app.services.identity.ensureSuperAdmin(systemContext('cli-admin-create'), values.email!, values.name ?? 'Operator', values.password!);
    io.out.write(`${r.created ? 'created' : 'promoted'} SUPER_ADMIN ${values.email} (${r.userId})\n`);
    return 0;
  });
}

/** partnergate seed demo */
async function seedDemoWorld(io: CliIo, config: Config, sub: string | undefined, values: CliValues): Promise<number> {
  if (sub !== 'demo') {
    io.err.write('usage: partnergate seed demo [--json]\n');
    return 2;
  }
  return withApp(config, async (app) => {
    const { seedDemo, describeWorld } = await import('../demo/demo.seed.ts');
    const world = await seedDemo(app.services);
    io.out.write((values.json ? JSON.stringify(world, null, 2) : describeWorld(world)) + '\n');
    return 0;
  });
}

/** partnergate audit verify */
async function auditVerify(io: CliIo, config: Config, sub: string | undefined): Promise<number> {
  if (sub !== 'verify') {
    io.err.write('usage: partnergate audit verify\n');
    return 2;
  }
  // the chain is read from the database alone: no app to build, no background work started
  const rt = await openRuntime(config, { createSecret: false });
  try {
    const { AuditLog } = await import('../modules/audit/index.ts');
    // the chain runs through every tenant's events: read as the system
    const v = await asSystem(() => new AuditLog(rt.db, systemClock).verify());
    if (v.ok) {
      io.out.write(`audit chain intact: ${v.checked} events verified\n`);
      return 0;
    }
    io.out.write(`audit chain BROKEN at seq ${v.brokenAtSeq}: ${v.reason} (${v.checked} events verified before it)\n`);
    return 1;
  } finally {
    await rt.db.close();
  }
}

/** CLI commands act as the system: every row is theirs to see (row-level security's 'system' context). */
function withApp(config: Config, fn: (app: FastifyInstance) => Promise<number>): Promise<number> {
  return asSystem(() => withAppAsSystem(config, fn));
}

async function withAppAsSystem(config: Config, fn: (app: FastifyInstance) => Promise<number>): Promise<number> {
  const rt = await openRuntime(config);
  // imported when a command needs the app: a bad setting or an unknown command answers without it
  const { buildApp } = await import('../app/build-app.ts');
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
  try {
    await checkListen(rt.config);
  } catch (e) {
    await rt.db.close();
    throw e;
  }
  const { buildApp } = await import('../app/build-app.ts');
  // listen first, then load: the probes answer while the snapshots load (app/startup-gate.ts)
  const app = await buildApp({ config: rt.config, db: rt.db, redis: rt.redis, deferStart: true });
  installProcessGuard(app.log);
  // Between a rolling upgrade's steps (docs/operators/upgrades.md): say what this instance serves with.
  const schema = await migrationStatus(rt.db);
  if (schema.newer.length) app.log.warn(`the database has a newer release's expand migrations (${schema.newer.map((m) => m.name).join(', ')}); this release serves it`);
  const contract = pendingByPhase(schema).contract;
  if (contract.length) app.log.info(`contract migrations wait (${contract.join(', ')}): run \`partnergate migrate --phase contract\` once every instance runs this release`);
  // Loud, not fatal: a single-URL installation keeps working, and `partnergate db check` fails.
  for (const p of await wallReport(rt.db)) {
    app.log.warn(`row-level security does NOT hold: ${p}`);
    process.stderr.write(`warning: row-level security does NOT hold: ${p} (see docs/operators/install.md, "The second wall")\n`);
  }
  let banner = '';
  if (rt.config.demo) {
    const { seedDemo, describeWorld } = await import('../demo/demo.seed.ts');
    banner = describeWorld(await asSystem(() => seedDemo(app.services)));
  }
  try {
    await app.listen({ port: rt.config.port, host: rt.config.host });
  } catch (e) {
    await app.close();
    await rt.db.close();
    // One line naming PORT or HOST (printed by main.ts) rather than a bare EADDRINUSE.
    throw listenProblem(e, rt.config) ?? e;
  }
  const stop = async (signal: string) => {
    // Drain within the grace period: no new connections, the requests in flight answered, the
    // access events written (again and again while the database is away); then exit, done or not.
    const grace = rt.config.shutdownGraceMs;
    const started = Date.now();
    setTimeout(() => {
      app.log.error(`${signal}: not drained within SHUTDOWN_GRACE_MS (${grace} ms); exiting (access events not written stay in DATA_DIR's spool)`);
      process.exit(1);
    }, grace).unref();
    app.log.info(`${signal}: draining (at most ${grace} ms)`);
    // the last second is for closing the connections
    app.services.gateway.auditBuffer.drainBy(started + Math.max(0, grace - 1000));
    await app.close();
    const left = app.services.gateway.auditBuffer.pending;
    if (left > 0) app.log.error(`${signal}: ${left} access events could not be written to the database; they stay in DATA_DIR's spool for the next instance started on it`);
    else app.log.info(`${signal}: drained in ${Date.now() - started} ms`);
    await rt.db.close();
    process.exit(left > 0 ? 1 : 0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    await app.startup.start();
  } catch (e) {
    await app.close().catch(() => {});
    await rt.db.close().catch(() => {});
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : rt.config.port;
  const email = rt.config.smtpUrl ? 'smtp' : 'outbox';
  if (jsonLogs(rt.config)) {
    // JSON logs (a log collector reads stdout): the banner is one JSON line like the others
    const line = {
      level: 30,
      time: Date.now(),
      pid: process.pid,
      hostname: hostname(),
      msg: 'Partnergate is running',
      database: rt.db.dialect === 'postgres' ? 'postgresql' : 'sqlite',
      redis: rt.redis !== null,
      portal_url: rt.config.publicUrl,
      docs_url: `${rt.config.publicUrl}/docs`,
      listening: `${rt.config.host}:${port}`,
      email,
      ...(banner ? { demo: banner } : {}),
    };
    process.stdout.write(JSON.stringify(line) + '\n');
  } else process.stdout.write(
    `\nPartnergate is running on ${rt.db.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite (' + rt.config.dataDir + ')'}` +
      `${rt.redis ? ' with Redis' : ''}.\nPortal: ${rt.config.publicUrl}  ·  API docs: ${rt.config.publicUrl}/docs  ·  listening on ${rt.config.host}:${port}\n` +
      (rt.config.smtpUrl
        ? 'E-mail: sent through the SMTP server in SMTP_URL\n'
        : `E-mail: no SMTP_URL, so messages are kept in the database's mail outbox (operators read them in the portal: Operator → Mail outbox)\n`) +
      (banner ? '\n' + banner + '\n' : '') +
      '\n',
  );
  return new Promise<number>(() => {});
}
