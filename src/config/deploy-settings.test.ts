/**
 * The deployment files set only documented settings: every variable that deploy/compose.yaml gives a
 * Partnergate container (the services built from this repository's image), that the Dockerfile sets
 * with ENV, and that scripts/container-smoke.sh passes to its containers is a setting of settings.ts —
 * the list the configuration reference's table is written from. A misspelt or invented variable would
 * be ignored by the service without a word, so this fails on it, naming it.
 *
 * The compose file is read with the small YAML reader below (block mappings and sequences, anchors,
 * aliases, `<<` merges, block scalars): the shapes a compose file uses. It throws on anything else,
 * so a new shape fails loudly rather than hiding variables.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from './settings.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

type Yaml = string | null | Yaml[] | { [key: string]: Yaml };
type Line = { indent: number; text: string; no: number };

/** Removes a comment (`#` at the start or after a space, outside quotes). */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

function parseYaml(source: string): Yaml {
  const raw = source.split('\n');
  const anchors = new Map<string, Yaml>();
  const lines: Line[] = [];
  raw.forEach((l, no) => {
    const text = stripComment(l);
    if (text.trim()) lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: no + 1 });
  });
  let i = 0;
  const scalar = (v: string): Yaml => {
    if (/^(["']).*\1$/.test(v)) return v.slice(1, -1);
    if (v.startsWith('*')) {
      if (!anchors.has(v.slice(1))) throw new Error(`unknown alias ${v}`);
      return anchors.get(v.slice(1))!;
    }
    return v === '' || v === '~' || v === 'null' ? null : v;
  };
  /** A block scalar's lines (more indented than the key's line), raw. */
  const blockScalar = (indent: number, style: string): string => {
    const start = i;
    if (i >= lines.length || lines[i].indent <= indent) return '';
    while (i < lines.length && lines[i].indent > indent) i++;
    const body = raw.slice(lines[start]?.no - 1, lines[i - 1]?.no).map((l) => l.trim());
    return style.startsWith('|') ? body.join('\n') : body.join(' ');
  };
  const value = (rest: string, indent: number): Yaml => {
    let v = rest.trim();
    let anchor: string | null = null;
    const a = /^&([\w.-]+)\s*(.*)$/.exec(v);
    if (a) [, anchor, v] = a;
    let out: Yaml;
    if (v === '') out = i < lines.length && lines[i].indent > indent ? block(lines[i].indent) : null;
    else if (/^[>|][-+]?$/.test(v)) out = blockScalar(indent, v);
    else out = scalar(v);
    if (anchor) anchors.set(anchor, out);
    return out;
  };
  const block = (indent: number): Yaml => {
    if (lines[i].text.startsWith('- ') || lines[i].text === '-') {
      const seq: Yaml[] = [];
      while (i < lines.length && lines[i].indent === indent && lines[i].text.startsWith('-')) {
        const item = lines[i].text.slice(1).trim();
        if (/^[\w.-]+:(\s|$)/.test(item)) throw new Error(`line ${lines[i].no}: a mapping inside a sequence is not read here`);
        i++;
        seq.push(value(item, indent));
      }
      return seq;
    }
    const map: { [key: string]: Yaml } = {};
    const merged: { [key: string]: Yaml } = {};
    while (i < lines.length && lines[i].indent === indent) {
      const line = lines[i];
      const m = /^("[^"]*"|'[^']*'|[^\s:][^:]*?):(?:\s+(.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.no}: not a "key: value" line: ${line.text}`);
      i++;
      const key = String(scalar(m[1]));
      const v = value(m[2] ?? '', indent);
      if (key === '<<') {
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`line ${line.no}: << needs a mapping`);
        Object.assign(merged, v);
      } else map[key] = v;
    }
    if (i < lines.length && lines[i].indent > indent) throw new Error(`line ${lines[i].no}: unexpected indentation`);
    return { ...merged, ...map };
  };
  const doc = block(lines[0]?.indent ?? 0);
  if (i < lines.length) throw new Error(`line ${lines[i].no}: not read`);
  return doc;
}

const asMap = (y: Yaml): { [key: string]: Yaml } => (y && typeof y === 'object' && !Array.isArray(y) ? y : {});

/** The variables a compose file gives each service built from this repository's image (name → variables). */
function partnergateEnvironments(compose: string): Map<string, string[]> {
  const services = asMap(asMap(parseYaml(compose)).services);
  const out = new Map<string, string[]>();
  for (const [name, s] of Object.entries(services)) {
    const svc = asMap(s);
    const image = typeof svc.image === 'string' ? svc.image : '';
    if (!/partnergate/i.test(image) || /nginx|postgres|redis/i.test(image)) continue;
    const env = svc.environment;
    const names = Array.isArray(env) ? env.map((e) => String(e).split('=')[0]) : Object.keys(asMap(env));
    out.set(name, names);
  }
  return out;
}

const documented = new Set<string>(SETTING_NAMES);
const undocumented = (names: string[]) => names.filter((n) => !documented.has(n));

describe('deploy/compose.yaml', () => {
  const compose = read('deploy/compose.yaml');
  const envs = partnergateEnvironments(compose);
  const services = asMap(asMap(parseYaml(compose)).services);

  it('gives the Partnergate containers only documented settings', () => {
    expect([...envs.keys()].sort()).toEqual(['migrate', 'partnergate-1', 'partnergate-2']);
    for (const [name, vars] of envs) {
      expect(vars.length, name).toBeGreaterThan(0);
      expect(undocumented(vars), `${name}: not a setting of src/config/settings.ts`).toEqual([]);
    }
  });

  it('reads the compose file this test checks, and would name an undocumented variable', () => {
    const bad = compose.replace('    REDIS_URL: redis://redis:6379\n', '    REDIS_URL: redis://redis:6379\n    REDIS_HOST: redis\n');
    expect(bad).not.toBe(compose);
    expect(undocumented(partnergateEnvironments(bad).get('partnergate-2') ?? [])).toEqual(['REDIS_HOST']);
    // the list form of `environment` too
    const list = 'services:\n  app:\n    image: partnergate:latest\n    environment:\n      - PORT=8080\n      - SECRET=x\n';
    expect(undocumented(partnergateEnvironments(list).get('app') ?? [])).toEqual(['SECRET']);
  });

  it('migrates once as the owner before two instances serve as the application role', () => {
    const env = asMap(asMap(services['partnergate-1']).environment);
    expect(String(env.DATABASE_URL)).toMatch(/^postgres:\/\/partnergate_app:/);
    expect(String(env.DATABASE_OWNER_URL)).toMatch(/^postgres:\/\/partnergate_owner:/);
    expect(JSON.stringify(env)).toBe(JSON.stringify(asMap(asMap(services['partnergate-2']).environment)));
    expect(asMap(services.migrate).command).toBe('["migrate", "--wait", "120"]');
    for (const n of ['partnergate-1', 'partnergate-2']) {
      expect(asMap(asMap(asMap(services[n]).depends_on).migrate).condition).toBe('service_completed_successfully');
    }
    // nothing waits on a health check: podman runs none on a host without systemd, and `up` would wait forever
    expect(compose).not.toMatch(/condition:\s*service_healthy/);
    // a local image name, never pulled: --build cannot quietly run someone else's image
    expect(String(asMap(services['partnergate-1']).image)).toMatch(/^\$\{PARTNERGATE_IMAGE:-localhost\//);
    expect(asMap(services['partnergate-1']).pull_policy).toBe('never');
    // GATEWAY_ROUTES is JSON, and its route is the one NGINX protects with forward auth
    const routes = JSON.parse(String(env.GATEWAY_ROUTES)) as { prefix: string }[];
    expect(read('deploy/nginx/partnergate.conf')).toContain(`location ${routes[0].prefix}/ {`);
    // the roles script makes the application role one that row-level security applies to
    expect(read('deploy/postgres/10-partnergate-roles.sh')).toMatch(/CREATE ROLE :"app" LOGIN PASSWORD :'app_pw' NOSUPERUSER NOBYPASSRLS/);
  });
});

describe('the image and the container smoke test', () => {
  it('Dockerfile ENV sets only documented settings', () => {
    const lines = read('Dockerfile').replace(/\\\n/g, ' ').split('\n').filter((l) => /^ENV\s/.test(l));
    const names = lines.flatMap((l) => [...l.slice(4).matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]));
    expect(names).toEqual(['HOST', 'PORT', 'DATA_DIR']);
    expect(undocumented(names)).toEqual([]);
  });

  it('scripts/container-smoke.sh passes only documented settings', () => {
    const script = read('scripts/container-smoke.sh');
    const start = script.indexOf('cat > "$env_file" <<EOF\n');
    expect(start).toBeGreaterThan(0);
    const body = script.slice(start, script.indexOf('\nEOF\n', start)).split('\n').slice(1);
    const names = [...body.map((l) => l.split('=')[0]), ...[...script.matchAll(/ -e ([A-Z_]+)=/g)].map((m) => m[1])];
    expect(names.length).toBeGreaterThan(5);
    expect(undocumented(names)).toEqual([]);
  });
});
