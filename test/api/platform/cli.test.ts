/**
 * The partnergate CLI: migrate, admin create, seed demo, audit verify, bad settings. Run as a real
 * process (`node src/main.ts …`) wherever the process matters — exit codes, one line on stderr,
 * nothing else printed — and those commands start without building the app, so a process costs
 * little. The commands that build the whole app (admin create, seed demo) run here through
 * main(), exactly what src/main.ts runs with the process's streams: a process per run cost ~2.5 s
 * of CPU each, which timed the file out at load average 8.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { TEST_SECRET } from '../../helpers/config.ts';
import { ROOT as root, runCli, type Env } from '../../helpers/server-process.ts';
import { main } from '../../../src/cli/cli.ts';
import { dropAuditGuards, installAuditGuards } from '../../../src/platform/db/migrations/0006-audit-head.ts';
import { SecretHasher } from '../../../src/platform/crypto.ts';

let db: TestDb;

// PostgreSQL: the owner migrates (DATABASE_OWNER_URL), the commands run as the app's role.
const cli = (args: string[], env: Env = {}) => runCli(args, { DATA_DIR: db.dataDir, SCRYPT_COST: '10', DATABASE_URL: db.databaseUrl, DATABASE_OWNER_URL: db.ownerUrl, ...env });

/** The same command run in this process by main(), its output captured. */
async function cliHere(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = { code: 0, out: '', err: '' };
  const env = { SECRET_KEY: TEST_SECRET, DATA_DIR: db.dataDir, SCRYPT_COST: '10', DATABASE_URL: db.databaseUrl ?? undefined };
  r.code = await main(args, { env, out: { write: (s: string) => (r.out += s) }, err: { write: (s: string) => (r.err += s) } });
  return r;
}

beforeAll(async () => {
  db = await createTestDb({ migrate: false });
});
afterAll(() => db.drop());

describe('partnergate CLI', () => {
  it('migrate applies the migration set once', () => {
    const first = cli(['migrate']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/applied: 0001-foundation/);
    const second = cli(['migrate']);
    expect(second.out).toMatch(/up to date/);
  });

  it('admin create bootstraps a SUPER_ADMIN', async () => {
    const r = await cliHere(['admin', 'create', '--email', 'root@example.test', '--password', 'root passphrase 1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/created SUPER_ADMIN root@example\.test/);
    const weak = cli(['admin', 'create', '--email', 'root2@example.test', '--password', 'short']);
    expect(weak.code).not.toBe(0);
    expect(weak.err).toMatch(/^partnergate: The password .+\.\n$/);
  });

  it('seed demo --json prints the whole world, and prints the same world again without changing anything', async () => {
    const first = await cliHere(['seed', 'demo', '--json']);
    expect(first.code).toBe(0);
    const world = JSON.parse(first.out);
    expect(world.operator).toEqual({ email: expect.any(String), password: expect.any(String) });
    expect(world.tenants).toHaveLength(2);
    for (const tnt of world.tenants) {
      expect(tnt).toMatchObject({ id: expect.stringMatching(/^tnt_/), slug: expect.any(String), name: expect.any(String) });
      expect(tnt.admin.password).toEqual(expect.any(String));
      expect(tnt.user.password).toEqual(expect.any(String));
      expect(tnt.bans).toHaveLength(2);
    }
    const caps = world.partners.flatMap((p: { capabilities: string[] }) => p.capabilities).sort();
    expect(caps).toEqual(expect.arrayContaining(['delegated', 'managed_services', 'referral', 'wholesale']));
    for (const p of world.partners) expect(p).toMatchObject({ id: expect.stringMatching(/^ptr_/), owner: { email: expect.any(String) }, staff: { email: expect.any(String) } });
    // one agency per demo tenant, with a working embed token (checked against the database: only its hash is stored)
    expect(world.agencies.map((a: { tenant_slug: string }) => a.tenant_slug).sort()).toEqual(world.tenants.map((x: { slug: string }) => x.slug).sort());
    for (const a of world.agencies) {
      expect(a).toEqual({ tenant_slug: expect.any(String), agency_id: expect.stringMatching(/^agy_/), name: expect.any(String), token: expect.stringMatching(/^pgagt_[0-9A-Za-z]{49}$/), status: 'active' });
      const row = await db.db.kysely.selectFrom('partner_tokens').select(['status', 'partner_agency_id']).where('token_hash', '=', new SecretHasher(TEST_SECRET).hash(a.token)).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'active', partner_agency_id: a.agency_id });
    }

    const count = async () => Number((await sql<{ n: number }>`select count(*) as n from audit_events`.execute(db.owner.kysely)).rows[0].n);
    const before = await count();
    const second = await cliHere(['seed', 'demo', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toEqual(world);
    expect(await count()).toBe(before);
  });

  it('audit verify reports an intact chain, and a broken one with exit code 1', async () => {
    const ok = cli(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit chain intact: \d+ events verified/);
    // The database refuses to change events; an attacker able to drop the guards is still caught.
    await expect(sql`delete from audit_events where seq = (select max(seq) from audit_events)`.execute(db.owner.kysely)).rejects.toThrow(/append-only/);
    await dropAuditGuards(db.owner.kysely, db.owner.dialect);
    await sql`delete from audit_events where seq = (select max(seq) from audit_events)`.execute(db.owner.kysely);
    const truncated = cli(['audit', 'verify']);
    expect(truncated.code).toBe(1);
    expect(truncated.out).toMatch(/BROKEN at seq \d+: the chain ends at seq \d+ but the audit head records seq \d+/);
    await sql`update audit_events set action = 'tenant.deleted' where seq = (select min(seq) + 1 from audit_events)`.execute(db.owner.kysely);
    const bad = cli(['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/BROKEN at seq \d+: hash does not match the content/);
    await installAuditGuards(db.owner.kysely, db.owner.dialect);
  });

  it('a bad setting stops the process with one clear line naming it', () => {
    const r = cli(['migrate'], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('partnergate: Invalid setting PORT: must be an integer, got "eighty"');
    const u = cli(['migrate'], { DATABASE_URL: 'mysql://x' });
    expect(u.err.trim().split('\n')).toHaveLength(1);
    expect(u.err).toMatch(/Invalid setting DATABASE_URL: must use postgres: or postgresql:/);
  });

  it('a DATA_DIR that is not a folder, or a HOST that is no address, stops the process with one line naming it', () => {
    const oneLine = (r: ReturnType<typeof cli>, setting: string) => {
      expect(r.code).not.toBe(0);
      expect(r.code).not.toBeNull();
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(setting);
    };
    const file = path.join(db.dataDir, 'not-a-folder');
    writeFileSync(file, 'x');
    for (const dir of [file, path.join(file, 'below')]) {
      const r = cli(['migrate'], { DATA_DIR: dir });
      oneLine(r, 'DATA_DIR');
      expect(r.err).toMatch(/^partnergate: Invalid setting DATA_DIR: .*is not a folder/);
    }
    for (const host of ['999.1.1.1', 'bad host', '-x.example']) {
      const r = cli(['serve'], { HOST: host });
      oneLine(r, 'HOST');
      expect(r.err).toMatch(/^partnergate: Invalid setting HOST: must be an IP address/);
    }
  });

  it('a database that does not answer stops the process with one line naming DATABASE_URL, without its password', () => {
    for (const cmd of [['serve'], ['migrate']]) {
      const r = cli(cmd, { DATABASE_URL: 'postgres://postgres:hunter2-secret@127.0.0.1:1/x', DATABASE_OWNER_URL: null });
      expect(r.code).not.toBe(0);
      expect(r.code).not.toBeNull();
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^partnergate: cannot reach PostgreSQL at DATABASE_URL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x \(.*ECONNREFUSED/);
      expect(r.err + r.out).not.toContain('hunter2');
    }
  });

  it('a PORT in use or a HOST that is not this machine\'s stops serve with one line naming it', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const r = cli(['serve'], { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent' });
      expect(r.code).not.toBe(0);
      expect(r.code).not.toBeNull();
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(new RegExp(`^partnergate: cannot listen on PORT ${port} on HOST 127\\.0\\.0\\.1: the port is already in use`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): a well-formed address no machine has
    const h = cli(['serve'], { HOST: '192.0.2.1', PORT: '0', LOG_LEVEL: 'silent' });
    expect(h.code).not.toBe(0);
    expect(h.code).not.toBeNull();
    expect(h.err.trim().split('\n')).toHaveLength(1);
    expect(h.err).toMatch(/^partnergate: cannot listen on PORT 0 on HOST 192\.0\.2\.1: .*HOST/);
  });

  it('bin/partnergate.js on an older Node re-runs itself with the pinned Node 24, or says in one line what it needs', () => {
    const bin = path.join(root, 'bin/partnergate.js');
    const major = (node: string) => Number(spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.split('.')[0]);
    // The system Node (20 on the CI image) when there is one older than 24; else the test's own.
    const older = ['/usr/bin/node', '/usr/local/bin/node'].find((n) => existsSync(n) && major(n) < 24);
    const node = older ?? process.execPath;
    const env = { PATH: process.env.PATH ?? '', DATA_DIR: db.dataDir, SECRET_KEY: TEST_SECRET };
    const r = spawnSync(node, [bin, 'frobnicate'], { cwd: root, encoding: 'utf8', env, timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command frobnicate/);
    expect(r.stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|\n\s+at /);
    if (older) {
      // No pinned Node to turn to (the guard a re-run sets): one clear line, exit 1.
      const refused = spawnSync(older, [bin, 'migrate'], { cwd: root, encoding: 'utf8', env: { ...env, PARTNERGATE_REEXEC: '1' } });
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(/^partnergate: Node >= 24 is needed \(this is Node 2[0-3]\./);
    }
  });

  it('prints usage for an unknown command', () => {
    const r = cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command frobnicate/);
  });
});
