import { describe, expect, it } from 'vitest';
import { broadcastLabel, chatMetrics, httpMetrics, ingestMetrics, jobMetrics, liveSessionMetrics, liveTranscodeMetrics, queueDepthMetrics } from './metrics.js';
import { findSamples, parsePrometheusText } from './parse.js';
import { createMetricsRegistry } from './registry.js';

const scrape = async (registry: ReturnType<typeof createMetricsRegistry>) => parsePrometheusText(await registry.metrics());
const value = (parsed: ReturnType<typeof parsePrometheusText>, name: string, labels: Record<string, string> = {}) => {
  const found = findSamples(parsed, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
};

describe('metric definitions', () => {
  it('include the default process metrics unless turned off', async () => {
    expect((await scrape(createMetricsRegistry())).types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect((await scrape(createMetricsRegistry({ defaultMetrics: false }))).samples).toEqual([]);
  });

  it('register each definition once per registry, so roles sharing a process share the series', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false, labels: { role: 'all' } });
    const a = jobMetrics(registry);
    const b = jobMetrics(registry);
    a.started('live');
    b.started('live');
    a.finished('live', 'completed', 2);
    chatMetrics(registry);
    chatMetrics(registry);
    httpMetrics(registry);
    httpMetrics(registry);
    const parsed = await scrape(registry);
    expect(value(parsed, 'onda_jobs_running', { queue: 'live', role: 'all' })).toBe(1);
    expect(value(parsed, 'onda_job_duration_seconds_count', { queue: 'live', outcome: 'completed' })).toBe(1);
    expect(value(parsed, 'onda_job_duration_seconds_bucket', { queue: 'live', outcome: 'completed', le: '1' })).toBe(0);
    expect(value(parsed, 'onda_job_duration_seconds_bucket', { queue: 'live', outcome: 'completed', le: '5' })).toBe(1);
  });

  it('observe HTTP requests by route template and keep odd label values out', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const sut = httpMetrics(registry);
    sut.observe('get', '/v1/channels/:idOrSlug', 200, 0.03);
    sut.observe('GET', '/v1/channels/:idOrSlug', 200, 0.2);
    sut.observe('GET', 'a path with spaces and "quotes"', 404, 0.001);
    const parsed = await scrape(registry);
    expect(parsed.types.get('onda_http_request_duration_seconds')).toBe('histogram');
    expect(value(parsed, 'onda_http_request_duration_seconds_count', { method: 'GET', route: '/v1/channels/:idOrSlug', status: '200' })).toBe(2);
    expect(value(parsed, 'onda_http_request_duration_seconds_bucket', { route: '/v1/channels/:idOrSlug', le: '0.05' })).toBe(1);
    expect(value(parsed, 'onda_http_request_duration_seconds_count', { route: '(other)', status: '404' })).toBe(1);
  });

  it('read queue depth and live sessions at scrape time, keeping the last value when the source fails', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    let failing = false;
    queueDepthMetrics(registry, { counts: async (name) => (failing ? Promise.reject(new Error('redis down')) : { waiting: name.length, active: 1, failed: 0 }) }, ['live', 'vod-encode']);
    liveSessionMetrics(registry, async () => (failing ? Promise.reject(new Error('db down')) : { live: 3, reconnecting: 1 }));
    let parsed = await scrape(registry);
    expect(value(parsed, 'onda_queue_jobs', { queue: 'vod-encode', state: 'waiting' })).toBe(10);
    expect(value(parsed, 'onda_queue_jobs', { queue: 'live', state: 'active' })).toBe(1);
    expect(value(parsed, 'onda_live_sessions', { state: 'live' })).toBe(3);
    expect(value(parsed, 'onda_live_sessions', { state: 'starting' })).toBe(0);
    failing = true;
    parsed = await scrape(registry);
    expect(value(parsed, 'onda_queue_jobs', { queue: 'live', state: 'waiting' })).toBe(4);
    expect(value(parsed, 'onda_live_sessions', { state: 'reconnecting' })).toBe(1);
  });

  it('label broadcasts opaquely: no series names a live session id (finding 14)', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const id = '0190a000-0000-7000-8000-00000000beef';
    liveTranscodeMetrics(registry).sample(id, { bitrateKbps: 4500, fps: 30, speed: 1, keyframeIntervalSeconds: 2, droppedFrames: 0 });
    ingestMetrics(registry, () => [{ liveSessionId: id, bytesRead: 1000, startedAt: 0 }]);
    const text = await registry.metrics();
    expect(text).not.toContain(id);
    expect(text).not.toContain('live_session_id');
    expect(broadcastLabel(id)).toMatch(/^[0-9a-f]{12}$/);
    expect(broadcastLabel(id)).toBe(broadcastLabel(id));
    expect(broadcastLabel(id)).not.toBe(broadcastLabel('0190a000-0000-7000-8000-00000000beee'));
    expect(value(await scrape(registry), 'onda_live_transcode_fps', { broadcast: broadcastLabel(id) })).toBe(30);
  });

  it('keep per-session live series only while the session runs', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const sut = liveTranscodeMetrics(registry);
    sut.sessionStarted();
    sut.sample('s1', { bitrateKbps: 4500, fps: 30, speed: 1.02, keyframeIntervalSeconds: 2, droppedFrames: 3 });
    sut.sample('s1', { bitrateKbps: 4400, fps: 29.5, speed: null, keyframeIntervalSeconds: 2, droppedFrames: 2 });
    let parsed = await scrape(registry);
    expect(value(parsed, 'onda_worker_live_sessions')).toBe(1);
    expect(value(parsed, 'onda_live_source_bitrate_kbps', { broadcast: broadcastLabel('s1') })).toBe(4400);
    expect(value(parsed, 'onda_live_transcode_fps', { broadcast: broadcastLabel('s1') })).toBe(29.5);
    expect(findSamples(parsed, 'onda_live_transcode_speed')).toEqual([]);
    expect(value(parsed, 'onda_live_dropped_frames_total', { broadcast: broadcastLabel('s1') })).toBe(5);
    sut.sessionEnded('s1');
    parsed = await scrape(registry);
    expect(value(parsed, 'onda_worker_live_sessions')).toBe(0);
    expect(parsed.samples.filter((s) => s.labels.broadcast === broadcastLabel('s1'))).toEqual([]);
  });

  it('compute the ingest bitrate from bytes received between scrapes', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    let now = 10_000;
    const publishers = [{ liveSessionId: 's1', bytesRead: 500_000, startedAt: 0 }];
    const sut = ingestMetrics(registry, () => publishers, () => now);
    sut.publish('accepted');
    sut.publish('refused');
    sut.publish('refused');
    let parsed = await scrape(registry);
    expect(value(parsed, 'onda_ingest_publishers')).toBe(1);
    // 500 kB in the first 10 s = 400 kbit/s.
    expect(value(parsed, 'onda_ingest_bitrate_kbps', { broadcast: broadcastLabel('s1') })).toBe(400);
    expect(value(parsed, 'onda_ingest_publishes_total', { result: 'refused' })).toBe(2);
    publishers[0]!.bytesRead += 250_000;
    now += 1000; // too short a window: the last value stands
    expect(value(await scrape(registry), 'onda_ingest_bitrate_kbps', { broadcast: broadcastLabel('s1') })).toBe(400);
    now += 4000;
    expect(value(await scrape(registry), 'onda_ingest_bitrate_kbps', { broadcast: broadcastLabel('s1') })).toBe(400);
    publishers.pop();
    parsed = await scrape(registry);
    expect(value(parsed, 'onda_ingest_publishers')).toBe(0);
    expect(findSamples(parsed, 'onda_ingest_bitrate_kbps')).toEqual([]);
  });

  it('count chat connections, messages in and out, and filter hits', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const sut = chatMetrics(registry);
    sut.connectionOpened();
    sut.connectionOpened();
    sut.connectionClosed();
    sut.messageIn();
    sut.frameOut(3, 10);
    sut.frameOut(0, 10);
    sut.filterHit('profanity', 'masked');
    sut.filterHit('profanity', 'masked');
    sut.filterHit('links', 'held');
    const parsed = await scrape(registry);
    expect(value(parsed, 'onda_chat_connections')).toBe(1);
    expect(value(parsed, 'onda_chat_messages_in_total')).toBe(1);
    expect(value(parsed, 'onda_chat_messages_out_total')).toBe(30);
    expect(value(parsed, 'onda_chat_frames_out_total')).toBe(2);
    expect(value(parsed, 'onda_chat_filter_hits_total', { rule: 'profanity', action: 'masked' })).toBe(2);
    expect(value(parsed, 'onda_chat_filter_hits_total', { rule: 'links', action: 'held' })).toBe(1);
  });
});
