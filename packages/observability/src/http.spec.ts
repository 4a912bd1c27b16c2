import { afterEach, describe, expect, it } from 'vitest';
import { CheckFailure, checkReadiness, httpCheck, readinessBody, storageCheck, type ReadinessReport } from './health.js';
import { bearerMatches, startOpsServer, type OpsServer } from './http.js';
import { chatMetrics } from './metrics.js';
import { findSamples, parsePrometheusText } from './parse.js';
import { createMetricsRegistry } from './registry.js';

describe('readiness checks', () => {
  it('pass, fail with a safe reason, and time out', async () => {
    const report = await checkReadiness([
      { name: 'fine', check: async () => 'ok' },
      { name: 'refused', check: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432')) },
      { name: 'http', check: async () => Promise.reject(new CheckFailure('HTTP 502')) },
      { name: 'hangs', check: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))) },
    ], { timeoutMs: 200 });
    expect(report.ready).toBe(false);
    expect(report.checks.map(({ name, ok, reason }) => ({ name, ok, reason }))).toEqual([
      { name: 'fine', ok: true, reason: undefined },
      { name: 'refused', ok: false, reason: 'unreachable' },
      { name: 'http', ok: false, reason: 'HTTP 502' },
      { name: 'hangs', ok: false, reason: 'timed out after 200 ms' },
    ]);
    expect((report.checks[1]!.error as Error).message).toContain('ECONNREFUSED');
  });

  it('stay ready but say degraded when only a degradesOnly check fails; a required one still fails', async () => {
    const down = (name: string, degradesOnly?: boolean) => ({ name, degradesOnly, check: async () => Promise.reject(new Error('connect ECONNREFUSED')) });
    const degraded = await checkReadiness([{ name: 'database', check: async () => 1 }, down('storage', true)]);
    expect(degraded.ready).toBe(true);
    expect(readinessBody(degraded)).toEqual({ status: 200, contentType: 'application/json', body: { status: 'degraded', checks: { database: 'ok', storage: 'unreachable' } } });
    const notReady = await checkReadiness([down('database'), down('storage', true)]);
    expect(notReady.ready).toBe(false);
    expect(readinessBody(notReady)).toMatchObject({ status: 503, body: { detail: 'Not ready: database (unreachable), storage (unreachable)' } });
  });

  it('count an absent probe key as a storage that answers', async () => {
    expect((await checkReadiness([storageCheck({ head: async () => null })])).ready).toBe(true);
    expect((await checkReadiness([storageCheck({ head: async () => Promise.reject(new Error('no bucket')) })])).ready).toBe(false);
  });
});

describe('bearerMatches', () => {
  it('accepts anything without a token and only the exact token with one', () => {
    expect(bearerMatches(undefined, undefined)).toBe(true);
    expect(bearerMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('Bearer s3cre', 's3cret')).toBe(false);
    expect(bearerMatches(undefined, 's3cret')).toBe(false);
    expect(bearerMatches('Basic s3cret', 's3cret')).toBe(false);
  });
});

describe(startOpsServer.name, () => {
  let sut: OpsServer | undefined;
  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  it('serves /metrics in the Prometheus text format, /healthz, and /readyz', async () => {
    const registry = createMetricsRegistry({ labels: { role: 'worker' } });
    chatMetrics(registry).messageIn();
    sut = await startOpsServer({ host: '127.0.0.1', port: 0, registry, readiness: [{ name: 'api', check: async () => undefined }] });

    const metrics = await fetch(`${sut.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const parsed = parsePrometheusText(await metrics.text());
    expect(findSamples(parsed, 'onda_chat_messages_in_total', { role: 'worker' })[0]?.value).toBe(1);
    expect(findSamples(parsed, 'nodejs_heap_size_used_bytes')).toHaveLength(1);

    const health = await fetch(`${sut.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${sut.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { api: 'ok' } }]);
    const missing = await fetch(`${sut.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });

  it('without METRICS_TOKEN serves /metrics only to unproxied loopback scrapes (finding 14)', async () => {
    sut = await startOpsServer({ host: '127.0.0.1', port: 0, registry: createMetricsRegistry({ defaultMetrics: false }), readiness: [] });
    expect((await fetch(`${sut.url}/metrics`)).status).toBe(200);
    // Relayed by a reverse proxy on this host: someone elsewhere is asking.
    const proxied = await fetch(`${sut.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(401);
    expect((await fetch(`${sut.url}/metrics`, { headers: { forwarded: 'for=203.0.113.9' } })).status).toBe(401);
  });

  it('answers /readyz with a 503 problem naming the failed dependency, and tells the caller why', async () => {
    const reports: ReadinessReport[] = [];
    const api = await startOpsServer({ host: '127.0.0.1', port: 0, registry: createMetricsRegistry({ defaultMetrics: false }), readiness: [] });
    const apiUrl = api.url;
    await api.close(); // nothing listens there any more
    sut = await startOpsServer({
      host: '127.0.0.1', port: 0, registry: createMetricsRegistry({ defaultMetrics: false }),
      readiness: [httpCheck('api', `${apiUrl}/healthz`), { name: 'redis', check: async () => undefined }],
      onNotReady: (r) => reports.push(r),
    });
    const res = await fetch(`${sut.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual({
      type: 'https://onda.dev/problems/unavailable', title: 'Service unavailable', status: 503, code: 'unavailable',
      detail: 'Not ready: api (unreachable)', errors: [{ path: 'api', message: 'unreachable' }],
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.checks.find((c) => c.name === 'api')?.error).toBeInstanceOf(Error);
  });

  it('protects /metrics with METRICS_TOKEN when one is set', async () => {
    sut = await startOpsServer({ host: '127.0.0.1', port: 0, registry: createMetricsRegistry({ defaultMetrics: false }), token: 'scrape-me', readiness: [] });
    const denied = await fetch(`${sut.url}/metrics`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${sut.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${sut.url}/metrics`, { headers: { authorization: 'Bearer scrape-me' } })).status).toBe(200);
    // Health endpoints stay open: orchestrators probe them without credentials.
    expect((await fetch(`${sut.url}/healthz`)).status).toBe(200);
  });
});
