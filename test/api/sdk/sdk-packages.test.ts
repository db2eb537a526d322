/**
 * The SDK packages as an integrator gets them: `npm pack` builds each one (prepack) into a tarball that
 * holds built ESM and CommonJS code with types, a README and the LICENSE, and nothing else. Both tarballs
 * are installed into a fresh project made with `tsc --init` (its defaults, plus `"types": ["node"]` as its
 * own comments advise for Node.js), every example in the two READMEs is compiled there, and the client's
 * examples — ESM and CommonJS — are run against a real Partnergate server.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { apiToken } from '../gateway/helpers.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const PACKAGES = [
  { name: '@partnergate/client', dir: 'packages/client', short: 'client' },
  { name: '@partnergate/upstream-verifier', dir: 'packages/upstream-verifier', short: 'verifier' },
] as const;

/** The environment without the npm_* variables of the `npm`/`npx` that started this run. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

async function sh(file: string, args: string[], cwd: string, env = cleanEnv()): Promise<string> {
  try {
    const r = await run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
    return r.stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')} in ${cwd} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** The fenced ```ts and ```js blocks of a README, in order. */
function examples(readme: string): { lang: 'ts' | 'js'; code: string }[] {
  return [...readme.matchAll(/```(ts|js)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] as 'ts' | 'js', code: m[2] }));
}

interface Packed {
  file: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

describe('the SDK packages, packed and installed into a fresh project', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'partnergate-sdk-'));
  const packs = path.join(work, 'packs');
  const project = path.join(work, 'project');
  const packed = new Map<string, Packed>();
  const written: { file: string; pkg: string; lang: 'ts' | 'js' }[] = [];
  let t: TestApp;

  beforeAll(async () => {
    mkdirSync(packs);
    mkdirSync(project);
    for (const p of PACKAGES) {
      // --json: the tarball's name, sizes and file list; prepack builds dist/ first
      const out = await sh('npm', ['pack', '--json', '--pack-destination', packs], path.join(ROOT, p.dir));
      const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
      packed.set(p.name, { file: path.join(packs, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path).sort() });
    }

    writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }, null, 2)}\n`);
    const typesNode = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')).version as string;
    // only the tarballs and @types/node; their own dependencies come from the npm cache (or the registry)
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', ...PACKAGES.map((p) => packed.get(p.name)!.file), `@types/node@${typesNode}`], project);

    await sh(process.execPath, [TSC, '--init'], project);
    const tsconfig = readFileSync(path.join(project, 'tsconfig.json'), 'utf8');
    // the one change tsc --init's comments ask for in a Node.js project
    expect(tsconfig).toMatch(/^ {4}"types": \[\],$/m);
    writeFileSync(path.join(project, 'tsconfig.json'), tsconfig.replace(/^ {4}"types": \[\],$/m, '    "types": ["node"],'));

    for (const p of PACKAGES) {
      examples(readFileSync(path.join(ROOT, p.dir, 'README.md'), 'utf8')).forEach((ex, i) => {
        // TypeScript as ESM (the project is "type": "module"); the JavaScript examples use require()
        const file = `${p.short}-${i + 1}${ex.lang === 'ts' ? '.ts' : '.cjs'}`;
        writeFileSync(path.join(project, file), ex.code);
        written.push({ file, pkg: p.name, lang: ex.lang });
      });
    }

    t = await startTestApp({ listen: true });
  }, 600_000);

  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('each tarball was built on pack and holds ESM and CommonJS code with types, the README and the LICENSE, and nothing else', () => {
    const report: string[] = [];
    for (const p of PACKAGES) {
      const { files, size, unpackedSize } = packed.get(p.name)!;
      report.push(`${p.name}: ${(size / 1024).toFixed(1)} KiB packed, ${(unpackedSize / 1024).toFixed(1)} KiB unpacked, ${files.length} files`);
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json']));
      expect(files.filter((f) => !/^(LICENSE|README\.md|package\.json|dist\/.+)$/.test(f))).toEqual([]);
      expect(files.filter((f) => f.endsWith('.test.js') || f.includes('/test/'))).toEqual([]);
      const installed = JSON.parse(readFileSync(path.join(project, 'node_modules', p.name, 'package.json'), 'utf8'));
      expect(installed.exports['.']).toMatchObject({
        import: { types: './dist/esm/index.d.ts', default: './dist/esm/index.js' },
        require: { types: './dist/cjs/index.d.ts', default: './dist/cjs/index.js' },
      });
      expect(readFileSync(path.join(project, 'node_modules', p.name, 'LICENSE'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'));
    }
    expect(packed.get('@partnergate/client')!.files).toEqual(expect.arrayContaining(['dist/esm/schema.d.ts', 'dist/cjs/schema.d.ts']));
    console.info(report.join('\n'));
  });

  it('the README examples compile under tsc --init defaults, TypeScript and CommonJS JavaScript alike', async () => {
    expect(written.filter((w) => w.pkg === '@partnergate/client' && w.lang === 'ts').length).toBeGreaterThanOrEqual(2);
    expect(written.filter((w) => w.lang === 'js').map((w) => w.pkg).sort()).toEqual(['@partnergate/client', '@partnergate/upstream-verifier']);
    // the TypeScript examples, emitted next to their sources (no outDir in the default tsconfig)
    await sh(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    // the JavaScript (require) examples, type-checked against the CommonJS types
    await sh(process.execPath, [TSC, '-p', 'tsconfig.json', '--allowJs', '--checkJs', '--noEmit'], project);
    const emitted = readdirSync(project);
    for (const w of written.filter((x) => x.lang === 'ts')) expect(emitted).toContain(w.file.replace(/\.ts$/, '.js'));
  }, 240_000);

  it('runs the client README example against a real server, as ESM and as CommonJS', async () => {
    const tenant = await t.world.tenant();
    const token = await apiToken(t, tenant.admin);
    const env = cleanEnv({ PARTNERGATE_URL: t.url!, PARTNERGATE_TOKEN: token, PARTNERGATE_TENANT_ID: tenant.id });

    const esm = await sh(process.execPath, ['client-1.js'], project, env);
    expect(esm).toMatch(new RegExp(`^tenant .+ \\(${tenant.id}\\)$`, 'm'));

    const cjs = await sh(process.execPath, [written.find((w) => w.pkg === '@partnergate/client' && w.lang === 'js')!.file], project, env);
    expect(cjs.trim()).toBe(`signed in as ${tenant.admin.email}`);

    // a token that is not valid: the ESM example fails with the server's problem code, as its README says
    await expect(sh(process.execPath, ['client-1.js'], project, { ...env, PARTNERGATE_TOKEN: 'pgpat_not_a_real_token' })).rejects.toThrow(/401 \w+/);
  }, 120_000);

  it('the upstream verifier loads from both module systems and refuses a request that skipped the gateway', async () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    const cjs = await sh(process.execPath, [written.find((w) => w.pkg === '@partnergate/upstream-verifier' && w.lang === 'js')!.file], project, cleanEnv({ PARTNERGATE_UPSTREAM_KEY: key }));
    expect(cjs.trim()).toBe('missing');
    const esm = await sh(process.execPath, ['--input-type=module', '-e', "const m = await import('@partnergate/upstream-verifier'); console.log(typeof m.createVerifier, typeof m.verifyAssertion)"], project);
    expect(esm.trim()).toBe('function function');
  }, 60_000);
});
