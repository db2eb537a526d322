/**
 * An earlier release's code, as files beside this checkout, for the upgrade test: `git archive` of
 * that commit's src/, bin/, packages/ and package.json into a temp dir, with this checkout's node_modules
 * linked in (a release's dependencies are the ones this checkout installs, or older ones it still
 * satisfies). `git archive` needs no work tree of its own and leaves the repository unchanged.
 *
 * The commit must be in the clone. A shallow clone (CI systems often make one) is deepened with
 * `git fetch --unshallow` first; when the commit still cannot be had, this throws — the upgrade test
 * fails rather than passing without having run the release it is about.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './server-process.ts';

export interface Release {
  commit: string;
  /** its src/main.ts */
  main: string;
  dir: string;
  cleanup(): void;
}

const git = (args: string[]) => spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
const hasCommit = (commit: string) => git(['cat-file', '-e', `${commit}^{commit}`]).status === 0;

export function materializeRelease(commit: string): Release {
  if (!hasCommit(commit) && git(['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true') git(['fetch', '--quiet', '--unshallow']);
  if (!hasCommit(commit)) {
    throw new Error(`the release ${commit} is not in this clone (${ROOT}): the upgrade test runs that release's code, so the clone needs the history up to it (git fetch --unshallow)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), `release-${commit.slice(0, 7)}-`));
  try {
    const archive = path.join(dir, 'release.tar');
    execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', '-o', archive, commit, 'src', 'bin', 'packages', 'package.json']);
    execFileSync('tar', ['-xf', archive, '-C', dir]);
    rmSync(archive);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const main = path.join(dir, 'src/main.ts');
    if (!existsSync(main)) throw new Error(`the release ${commit} has no src/main.ts`);
    return { commit, main, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
