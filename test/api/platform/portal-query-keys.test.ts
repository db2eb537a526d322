/**
 * The portal names each cached request once: a query key is built by its resource's factory in
 * web/src/api/keys/<resource>.ts, never written as an array literal in a page, a component or a hook.
 * Two pages that spell the same GET differently cache it twice (and a change refreshes one of them);
 * an invalidation written by hand drifts from the key it means to refresh.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const KEYS_DIR = 'web/src/api/keys/';

/** Places where a key is written: a hook's first argument, a queryKey option or prop, an invalidation list, a `key = [...]` constant. */
const LITERAL_KEY = [
  /useApi(?:Query|List)\s*(?:<[^(]*>)?\(\s*\[/,
  /queryKey\s*[:=]\s*\{?\s*\[/,
  /invalidates:\s*\[\s*(?:\[|\.\.\.)/,
  /invalidates:\s*\[[^\]\n]*,\s*\[/,
  /(?:setQueryData|getQueryData|invalidateQueries|refetchQueries|removeQueries)\(\s*\[/,
  /[kK]ey\s*=\s*\[\s*['"`]/,
  /[kK]ey\s*=\s*\[\s*\.\.\./,
];

function portalSources(): string[] {
  return readdirSync(path.join(ROOT, 'web/src'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

describe('portal query keys', () => {
  it('come from the key factories in web/src/api/keys, never from array literals elsewhere', () => {
    const files = portalSources();
    expect(files.filter((f) => f.startsWith(KEYS_DIR)).length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const f of files) {
      if (f.startsWith(KEYS_DIR)) continue;
      readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (LITERAL_KEY.some((re) => re.test(line))) found.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('would catch a literal key (the patterns match the ways a key is written)', () => {
    const samples = [
      "const q = useApiQuery(['tenants', id], () => api.tenants.get(id));",
      "const l = useApiList<Row>(['x', q], load);",
      "useQuery({ queryKey: ['notifications', 'latest'], queryFn })",
      "<Panel queryKey={['delegations', id]} />",
      "{ invalidates: [['program', pid]] }",
      "{ invalidates: [programKeys.all, ['x']] }",
      "const key = ['webhooks', kind];",
    ];
    for (const s of samples) expect(LITERAL_KEY.some((re) => re.test(s)), s).toBe(true);
    expect(LITERAL_KEY.some((re) => re.test('useApiQuery(tenantKeys.detail(id), () => api.tenants.get(id))'))).toBe(false);
  });
});
