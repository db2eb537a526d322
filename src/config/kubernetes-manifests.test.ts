/**
 * deploy/kubernetes against the Kubernetes API's schemas, without a cluster (none runs here): each
 * object is validated with the kubernetes-models package's validators, generated from the
 * Kubernetes OpenAPI document (types, required fields, enums, formats), and the ServiceMonitor with
 * @kubernetes-models/prometheus-operator's, generated from the Prometheus Operator's CRD. Those
 * schemas allow fields they do not name (as the API server does without strict field validation),
 * so the fields that matter here are also checked by name below.
 *
 * And: every setting the manifests give Partnergate (env, the ConfigMap behind envFrom) is a
 * documented setting of settings.ts, or the `_FILE` form of a secret one pointing at a file the pod
 * mounts from the Secret.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { SETTING_NAMES } from './settings.ts';
import { FILE_SETTINGS, fileVariable } from './secret-files.ts';

const DIR = path.resolve(import.meta.dirname, '../../deploy/kubernetes');
const read = (file: string) => readFileSync(path.join(DIR, file), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: a manifest as parsed from YAML, walked field by field by the checks below
type Obj = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: any };

/** apiVersion/kind → the model whose validate() checks it against its schema */
// biome-ignore lint/suspicious/noExplicitAny: each model takes its own kind's interface; the parsed manifest is checked at run time
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

function objects(file: string): Obj[] {
  return parseAllDocuments(read(file)).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS() as Obj;
  });
}

const kustomization = objects('kustomization.yaml')[0] as unknown as { resources: string[] };
/** what `kubectl apply -k` applies, then what is applied on its own (the Job) or by the operator (the Secret) */
const FILES = [...kustomization.resources, 'migrate-job.yaml', 'secret.example.yaml'];
const all = FILES.flatMap((f) => objects(f).map((o) => ({ file: f, o })));
const one = (kind: string) => {
  const found = all.filter((x) => x.o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0].o;
};

function validate(o: Obj): string | null {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) return `no schema for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o).validate();
    return null;
  } catch (e) {
    return (e as Error).message.split('\n').slice(0, 3).join(' ');
  }
}

const documented = new Set<string>(SETTING_NAMES);
const asFile = new Map(FILE_SETTINGS.map((n) => [fileVariable(n), n]));

describe('deploy/kubernetes', () => {
  it('validates every object against the Kubernetes API schemas and the Prometheus Operator CRD', () => {
    expect(all.map((x) => x.o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'NetworkPolicy', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceMonitor']);
    for (const { file, o } of all) expect(validate(o), `${file}: ${o.kind} ${o.metadata?.name}`).toBeNull();
  });

  it('would refuse an object the schema does not allow', () => {
    const d = structuredClone(one('Deployment'));
    d.spec.replicas = 'two';
    expect(validate(d)).toMatch(/replicas/);
    const p = structuredClone(one('Deployment'));
    delete p.spec.template.spec.containers[0].name;
    expect(validate(p)).toMatch(/name/);
    const m = structuredClone(one('ServiceMonitor'));
    m.spec.endpoints[0].interval = 'every thirty seconds';
    expect(validate(m)).toMatch(/interval/);
  });

  it('gives Partnergate only documented settings, secrets as files it mounts', () => {
    const configMap = one('ConfigMap');
    for (const key of Object.keys(configMap.data)) expect(documented.has(key), `ConfigMap key ${key}`).toBe(true);
    for (const kind of ['Deployment', 'Job']) {
      const pod = one(kind).spec.template.spec;
      const [c] = pod.containers;
      for (const ref of c.envFrom ?? []) expect(ref.configMapRef.name).toBe(configMap.metadata.name);
      for (const e of c.env) {
        const secret = asFile.get(e.name);
        expect(documented.has(e.name) || secret !== undefined, `${kind}: ${e.name} is not a setting of src/config/settings.ts`).toBe(true);
        if (secret) {
          // the file is one the pod mounts from the Secret
          const mount = c.volumeMounts.find((m: { mountPath: string }) => e.value.startsWith(m.mountPath + '/'));
          const volume = pod.volumes.find((v: { name: string }) => v.name === mount?.name);
          expect(volume?.secret?.secretName, `${kind}: ${e.name}`).toBe(one('Secret').metadata.name);
          const item = volume.secret.items.find((i: { path: string }) => path.join(mount.mountPath, i.path) === e.value);
          expect(Object.keys(one('Secret').stringData), `${kind}: ${e.name}`).toContain(item?.key);
        }
      }
      // no secret as a plain variable
      for (const e of c.env) expect(FILE_SETTINGS as readonly string[], `${kind}: ${e.name}`).not.toContain(e.name);
    }
  });

  it('serves with probes and a drain, migrates in a Job as the owner, and keeps one instance through disruptions', () => {
    const deployment = one('Deployment');
    const pod = deployment.spec.template.spec;
    const [c] = pod.containers;
    expect(c.startupProbe.httpGet.path).toBe('/healthz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.lifecycle.preStop.exec.command[0]).toBe('node');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    // the service runs as the application role: the owner's URL is the Job's only
    expect(c.env.map((e: { name: string }) => e.name)).not.toContain('DATABASE_OWNER_URL_FILE');
    const job = one('Job').spec.template.spec.containers[0];
    expect(job.args).toEqual(['migrate']);
    expect(job.env.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['DATABASE_URL_FILE', 'DATABASE_OWNER_URL_FILE', 'SECRET_KEY_FILE']));

    const podLabels = deployment.spec.template.metadata.labels;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
    expect(selects(one('Service').spec.selector)).toBe(true);
    expect(selects(one('PodDisruptionBudget').spec.selector.matchLabels)).toBe(true);
    expect(selects(one('NetworkPolicy').spec.podSelector.matchLabels)).toBe(true);
    expect(one('HorizontalPodAutoscaler').spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(one('HorizontalPodAutoscaler').spec.minReplicas).toBeGreaterThanOrEqual(2);
    // the ServiceMonitor finds the Service, its port, and the token the scrape must send
    const monitor = one('ServiceMonitor');
    const service = one('Service');
    expect(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels?.[k] === v)).toBe(true);
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(monitor.spec.endpoints[0].port);
    expect(Object.keys(one('Secret').stringData)).toContain(monitor.spec.endpoints[0].authorization.credentials.key);
  });
});
