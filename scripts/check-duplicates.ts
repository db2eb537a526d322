// Copy-paste check for the server (src/) and the portal (web/src/): jscpd finds every pair of
// blocks of 10 or more lines that are the same, and this script fails when one block lives in
// three or more places — a third copy is where a shared function belongs. Pairs (two copies) are
// listed, not failed, as are the overall figures. Usage: node scripts/check-duplicates.ts [--json]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Place = { name: string; start: number; end: number };
type Report = {
  duplicates: { firstFile: Place; secondFile: Place; lines: number }[];
  statistics: { total: { lines: number; clones: number; duplicatedLines: number; percentage: number } };
};

const MIN_LINES = 10;
const MAX_COPIES = 2;

const out = mkdtempSync(join(tmpdir(), 'jscpd-'));
try {
  execFileSync(
    'npx',
    [
      'jscpd',
      'src',
      'web/src',
      '--min-lines',
      String(MIN_LINES),
      '--min-tokens',
      '50',
      '--format',
      'typescript,tsx',
      '--ignore',
      '**/*.generated.ts,**/generated/**,**/*.gen.ts',
      '--reporters',
      'json',
      '--output',
      out,
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const report = JSON.parse(readFileSync(join(out, 'jscpd-report.json'), 'utf8')) as Report;

  // Places are joined when jscpd pairs them or when two places in one file overlap; a group of
  // more than MAX_COPIES distinct places is one block copied too often.
  const places: Place[] = [];
  const parent: number[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  const add = (p: Place): number => {
    const at = places.length;
    places.push(p);
    parent.push(at);
    places.forEach((q, i) => {
      if (i !== at && q.name === p.name && q.start <= p.end && p.start <= q.end) union(i, at);
    });
    return at;
  };
  for (const d of report.duplicates) union(add(d.firstFile), add(d.secondFile));

  const groups = new Map<number, Place[]>();
  places.forEach((p, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), p]);
  });
  const distinct = (ps: Place[]) => {
    const merged: Place[] = [];
    for (const p of [...ps].sort((a, b) => a.name.localeCompare(b.name) || a.start - b.start)) {
      const last = merged.at(-1);
      if (last && last.name === p.name && p.start <= last.end) last.end = Math.max(last.end, p.end);
      else merged.push({ ...p });
    }
    return merged;
  };
  const blocks = [...groups.values()].map(distinct);
  const tooMany = blocks.filter((b) => b.length > MAX_COPIES);
  const at = (p: Place) => `${p.name}:${p.start}-${p.end}`;

  const total = report.statistics.total;
  console.log(
    `copy-paste: ${total.clones} pairs of ${MIN_LINES}+ identical lines, ${total.duplicatedLines} of ${total.lines} lines (${total.percentage} %)`,
  );
  for (const b of blocks.filter((x) => x.length <= MAX_COPIES)) console.log(`  two copies: ${b.map(at).join('  ')}`);
  for (const b of tooMany) console.log(`  ${b.length} copies (at most ${MAX_COPIES}): ${b.map(at).join('  ')}`);
  console.log(
    JSON.stringify({
      pairs: total.clones,
      duplicated_lines: total.duplicatedLines,
      lines: total.lines,
      percentage: total.percentage,
      blocks_over_limit: tooMany.length,
    }),
  );
  if (tooMany.length > 0) process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
