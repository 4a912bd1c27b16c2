import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { k8sDir, loadManifests, schemaErrors, typeErrors, type Manifest } from './manifests.js';
import { repoRoot } from './tools.js';

const manifests = loadManifests();
const byKind = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string): Manifest => {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind}/${name}`);
  return m;
};
const clone = <T>(v: T): T => structuredClone(v);
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
const config = named('ConfigMap', 'onda-config').body.data as Record<string, string>;

describe('Kubernetes manifests (infra/k8s)', () => {
  it('parse, and every document passes the Kubernetes / KEDA schema validation', async () => {
    expect(manifests.length).toBeGreaterThanOrEqual(15);
    expect(await schemaErrors(manifests)).toEqual([]);
  });

  it('type-check against the models: no unknown field, no wrong type', () => {
    expect(typeErrors({ manifests })).toEqual({ manifests: [] });
  });

  it('reject planted mistakes, each by at least one of the two checks', async () => {
    const api = named('Deployment', 'onda-api');
    const scaled = named('ScaledObject', 'onda-worker');
    const hpa = named('HorizontalPodAutoscaler', 'onda-api');
    const typo = clone(api);
    typo.body.spec.replica = typo.body.spec.replicas; // unknown field: passes the schema, not tsc
    delete typo.body.spec.replicas;
    const wrongType = clone(api);
    wrongType.body.spec.replicas = 'two';
    const probeTypo = clone(api);
    probeTypo.body.spec.template.spec.containers[0].readinessProbe.httpGet.paht = '/readyz';
    const kedaTypo = clone(scaled);
    kedaTypo.body.spec.minReplicas = 2;
    const noSelector = clone(api);
    delete noSelector.body.spec.selector;
    const badMetric = clone(hpa);
    // (A misspelt metric `type` string is caught by neither: the schema has it as a free string.)
    badMetric.body.spec.metrics[0].resource.target.averageUtilization = '65%';

    const planted = { typo, wrongType, probeTypo, kedaTypo, noSelector, badMetric };
    const tsc = typeErrors(Object.fromEntries(Object.entries(planted).map(([k, v]) => [k, [v]])));
    const schema = Object.fromEntries(await Promise.all(Object.entries(planted).map(async ([k, v]) => [k, await schemaErrors([v])] as const)));
    for (const name of Object.keys(planted)) {
      expect([...tsc[name]!, ...schema[name]!].length, `${name} was not rejected`).toBeGreaterThan(0);
    }
    // The runtime validators alone miss unknown fields: that is what the type-check is for.
    expect(schema.typo).toEqual([]);
    expect(tsc.typo!.join()).toMatch(/TS2353.*"replica"' does not exist/);
    expect(tsc.probeTypo!.join()).toMatch(/TS2353.*"paht"' does not exist/);
    expect(tsc.kedaTypo!.join()).toMatch(/TS2353.*"minReplicas"' does not exist/);
    expect(schema.wrongType!.join()).toMatch(/replicas/);
  });

  it('lists every manifest in kustomization.yaml except the migration Job (run before each rollout)', () => {
    const k = parse(readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const files = [...new Set(manifests.map((m) => m.file))].filter((f) => f !== 'migrate-job.yaml');
    expect([...k.resources].sort()).toEqual(files.sort());
    const job = named('Job', 'onda-migrate');
    expect(job.body.spec.template.spec.containers[0].args).toEqual(['migrate']);
  });

  it('gives every Onda container readiness on /readyz and liveness on /healthz, on ports it declares', () => {
    for (const d of byKind('Deployment')) {
      for (const c of d.body.spec.template.spec.containers) {
        const ports = (c.ports ?? []).map((p: { name: string }) => p.name);
        const onda = String(c.image).startsWith('onda');
        expect(c.readinessProbe?.httpGet?.path, `${d.metadata.name}/${c.name}`).toBe(onda ? '/readyz' : '/healthz');
        expect(c.livenessProbe?.httpGet?.path, `${d.metadata.name}/${c.name}`).toBe('/healthz');
        expect(ports).toContain(c.readinessProbe.httpGet.port);
        expect(ports).toContain(c.livenessProbe.httpGet.port);
        expect(c.resources?.requests?.cpu, `${d.metadata.name} cpu request (HPA utilisation needs it)`).toBeDefined();
      }
    }
    expect(byKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(['onda-api', 'onda-ingest', 'onda-web', 'onda-worker']);
  });

  it('covers every Deployment with a PodDisruptionBudget and every Service with pods', () => {
    for (const d of byKind('Deployment')) {
      const labels = d.body.spec.template.metadata.labels;
      expect(matches(d.body.spec.selector.matchLabels, labels)).toBe(true);
      const pdbs = byKind('PodDisruptionBudget').filter((p) => matches(p.body.spec.selector.matchLabels, labels));
      expect(pdbs, `${d.metadata.name} PDB`).toHaveLength(1);
    }
    for (const s of byKind('Service')) {
      const targets = byKind('Deployment').filter((d) => matches(s.body.spec.selector, d.body.spec.template.metadata.labels));
      expect(targets, s.metadata.name).toHaveLength(1);
      const ports = targets[0]!.body.spec.template.spec.containers.flatMap((c: { ports?: Array<{ name: string }> }) => (c.ports ?? []).map((p) => p.name));
      for (const p of s.body.spec.ports) expect(ports).toContain(p.targetPort);
    }
    const rtmp = named('Service', 'onda-rtmp').body.spec;
    expect(rtmp.type).toBe('LoadBalancer');
    expect(rtmp.ports).toEqual([{ name: 'rtmp', port: 1935, targetPort: 'rtmp', protocol: 'TCP' }]);
  });

  it('reads secrets only by reference to the onda-secrets Secret, never inline', () => {
    expect(byKind('Secret')).toEqual([]);
    const secretish = /TOKEN|SECRET|PASSWORD|DATABASE_URL|REDIS_URL/;
    for (const d of [...byKind('Deployment'), ...byKind('Job')]) {
      for (const c of [...d.body.spec.template.spec.containers, ...(d.body.spec.template.spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          if (secretish.test(e.name)) {
            expect(e.value, `${d.metadata.name} ${e.name}`).toBeUndefined();
            expect(e.valueFrom.secretKeyRef.name).toBe('onda-secrets');
          }
        }
      }
    }
    for (const key of Object.keys(config)) expect(key).not.toMatch(secretish);
  });

  it("makes each ingest pod advertise its own address, never the Service's", () => {
    const env = named('Deployment', 'onda-ingest').body.spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
    const podIp = env.findIndex((e) => e.name === 'POD_IP');
    const pull = env.findIndex((e) => e.name === 'INGEST_PULL_URL');
    expect(env[podIp]!.valueFrom!.fieldRef!.fieldPath).toBe('status.podIP');
    // $(VAR) expands only variables defined earlier in the list.
    expect(podIp).toBeLessThan(pull);
    expect(env[pull]!.value).toBe('rtmp://$(POD_IP):1935/live');
  });

  it("scales workers on BullMQ's Redis lists of the configured prefix and queues, and the API on CPU and chat connections", async () => {
    const { JobSchemas } = await import('@onda/contracts');
    const triggers = named('ScaledObject', 'onda-worker').body.spec.triggers as Array<{ type: string; metadata: Record<string, string> }>;
    const lists = triggers.map((t) => t.metadata.listName);
    expect(lists).toEqual([`${config.QUEUE_PREFIX}:live:wait`, `${config.QUEUE_PREFIX}:live:active`, `${config.QUEUE_PREFIX}:vod-encode:wait`]);
    for (const l of lists) expect(Object.keys(JobSchemas)).toContain(l!.split(':')[1]);
    // The capacity trigger counts running live jobs per pod: WORKER_CONCURRENCY of them.
    expect(triggers[1]!.metadata.listLength).toBe(config.WORKER_CONCURRENCY);
    expect(named('ScaledObject', 'onda-worker').body.spec.scaleTargetRef.name).toBe('onda-worker');
    const metrics = named('HorizontalPodAutoscaler', 'onda-api').body.spec.metrics as Array<{ type: string; resource?: { name: string }; pods?: { metric: { name: string } } }>;
    expect(metrics.map((m) => m.resource?.name ?? m.pods?.metric.name)).toEqual(['cpu', 'onda_chat_connections']);
    // The metric the HPA reads is one the API exports.
    expect(readFileSync(path.join(repoRoot, 'packages/observability/src/metrics.ts'), 'utf8')).toContain("'onda_chat_connections'");
  });
});
