import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot, runTool, toolAvailable } from './tools.js';

interface Service {
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  container_name?: string;
  command?: string[];
  image?: string;
}

const file = path.join(repoRoot, 'docker-compose.yml');
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const secrets = {
  ONDA_INTERNAL_TOKEN: 'x'.repeat(32), ONDA_SECRET: 'y'.repeat(40), POSTGRES_PASSWORD: 'pg-secret', S3_ACCESS_KEY_ID: 'key-id', S3_SECRET_ACCESS_KEY: 'key-secret',
};
const unset = Object.fromEntries(Object.keys(secrets).map((k) => [k, undefined]));

describe('docker-compose.yml', () => {
  it('publishes no host port on a service that scales (api, ingest, worker) nor on the S3 store', () => {
    for (const name of ['api', 'ingest', 'worker', 's3', 'postgres', 'redis']) {
      expect(compose.services[name], name).toBeDefined();
      expect(compose.services[name]!.ports, `${name} publishes a port`).toBeUndefined();
      expect(compose.services[name]!.container_name, `${name} has a fixed container name`).toBeUndefined();
    }
  });

  it('puts HAProxy in front: HTTP and RTMP published by the balancer, with the repo config', () => {
    const lb = compose.services.lb!;
    expect(lb.image).toMatch(/^haproxy:2\.\d+/);
    expect(lb.ports).toEqual(['${LB_HTTP_PORT:-8080}:8080', '${LB_RTMP_PORT:-1935}:1935']);
    expect(lb.volumes).toContain('./infra/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
  });

  it('lets each ingest replica advertise its own address instead of a shared service name', () => {
    const env = compose.services.ingest!.environment!;
    expect(env.INGEST_PULL_URL).toBeUndefined();
    expect(JSON.stringify(compose)).not.toMatch(/rtmp:\/\/ingest[:/]/);
  });

  it('has no default for any secret or credential', () => {
    const env = compose.services.api!.environment!;
    for (const key of ['ONDA_INTERNAL_TOKEN', 'ONDA_SECRET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) expect(env[key], key).toMatch(/^\$\{[A-Z0-9_]+:\?/);
    expect(env.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
    expect(readFileSync(file, 'utf8')).not.toMatch(/S3RVER|:-onda\}/);
  });

  const compose1 = toolAvailable('docker-compose');

  it.skipIf(!compose1)('is valid for Compose (docker-compose config) once the secrets are set', () => {
    const ok = runTool('docker-compose', ['-f', file, 'config', '-q'], secrets);
    expect(ok.output).toBe('');
    expect(ok.status).toBe(0);
    const resolved = parse(runTool('docker-compose', ['-f', file, 'config'], secrets).output) as { services: Record<string, Service> };
    expect(Object.keys(resolved.services).sort()).toEqual(['api', 'ingest', 'lb', 'postgres', 'redis', 's3', 'web', 'worker']);
    expect(resolved.services.api!.ports).toBeUndefined();
    expect(resolved.services.api!.environment!.S3_ACCESS_KEY_ID).toBe('key-id');
  });

  it.skipIf(!compose1)('refuses to start without each secret, naming it', () => {
    for (const missing of Object.keys(secrets)) {
      const r = runTool('docker-compose', ['-f', file, 'config', '-q'], { ...secrets, ...unset, ...Object.fromEntries(Object.entries(secrets).filter(([k]) => k !== missing)) });
      expect(r.status, missing).not.toBe(0);
      expect(r.output).toContain(`set ${missing}`);
    }
  });
});
