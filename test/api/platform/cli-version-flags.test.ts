/**
 * The partnergate command line around its commands: `--version` prints the version in
 * package.json; a flag it does not know gets one friendly line listing the valid flags (exit 2),
 * not the parser's message; and `migrate` without SECRET_KEY makes up no installation secret in
 * DATA_DIR (only the commands that run or fill the service create one). Real processes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../helpers/server-process.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pg-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('partnergate command line', () => {
  it('--version prints the version from package.json and exits 0', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = runCli(['--version'], { DATA_DIR: tempDir() });
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(`partnergate ${version}`);
    expect(r.err).toBe('');
  });

  it('an unknown flag gets one line naming it and listing the valid flags, exit 2', () => {
    const r = runCli(['migrate', '--frobnicate'], { DATA_DIR: tempDir() });
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^partnergate: unknown flag --frobnicate; valid flags: --demo, --json, --email VALUE, .*--version/);
    expect(r.err).not.toMatch(/positional|place it at the end/);
    // a mistyped flag with a value is named without the value (it may be a password)
    const typo = runCli(['admin', 'create', '--pasword=hunter2-secret'], { DATA_DIR: tempDir() });
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/unknown flag --pasword;/);
    expect(typo.err).not.toContain('hunter2-secret');
  });

  it('migrate without SECRET_KEY writes no secret into DATA_DIR', () => {
    const dir = tempDir();
    const r = runCli(['migrate'], { DATA_DIR: dir, SECRET_KEY: null });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/applied: 0001-foundation/);
    expect(existsSync(path.join(dir, 'secret.key'))).toBe(false);
    const again = runCli(['migrate'], { DATA_DIR: dir, SECRET_KEY: null });
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/database is up to date/);
    expect(existsSync(path.join(dir, 'secret.key'))).toBe(false);
  });
});
