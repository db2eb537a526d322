/**
 * docs/observability/alerts.yml: every series its rules query is one /metrics serves (a renamed
 * metric would leave an alert that never fires), and — where promtool is installed — Prometheus
 * accepts the file (`promtool check rules`, what scripts/check-alert-rules.sh runs).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

const RULES = path.resolve(import.meta.dirname, '../../../docs/observability/alerts.yml');
const TOKEN = 'metrics-scrape-token-0123456789';

describe('alert rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => t.close());

  it('query only series /metrics serves', async () => {
    const text = readFileSync(RULES, 'utf8');
    // the queries, not the prose of summaries and descriptions
    const exprs = text.split('\n').filter((l) => !/^(summary|description|#)/.test(l.trimStart())).join('\n');
    const names = new Set([...exprs.matchAll(/\b(partnergate_[a-z0-9_]+)/g)].map((m) => m[1]));
    expect([...names]).toEqual(expect.arrayContaining(['partnergate_http_requests_total', 'partnergate_gateway_decisions_total', 'partnergate_webhook_deliveries_total', 'partnergate_emails_total', 'partnergate_audit_backlog']));
    expect(exprs).toMatch(/up\{job="partnergate"\} == 0/);
    const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.statusCode).toBe(200);
    // declared series (a counter nothing has moved yet has its TYPE line but no sample)
    const served = new Set([...r.body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    for (const n of names) expect(served.has(n), n).toBe(true);
  });

  it('promtool accepts the file (when promtool is installed)', () => {
    const which = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (which.error) return; // not installed here: scripts/check-alert-rules.sh says so too
    const r = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 6 rules found/);
  });
});

describe('the Grafana dashboard (docs/grafana/partnergate.json)', () => {
  // Grafana's placeholders, spelt without a literal template-looking string
  const input = (name: string) => '$' + `{${name}}`;
  it('imports with a choice of Prometheus data source (the DS_PROMETHEUS input), which its panels then use', () => {
    const d = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../docs/grafana/partnergate.json'), 'utf8')) as {
      __inputs?: { name: string; type: string; pluginId: string }[];
      templating: { list: { name: string; current?: { value?: string } }[] };
      panels: { datasource: { uid: string } }[];
    };
    expect(d.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(d.templating.list.find((v) => v.name === 'datasource')?.current?.value).toBe(input('DS_PROMETHEUS'));
    for (const p of d.panels) expect(p.datasource.uid).toBe(input('datasource'));
  });
});
