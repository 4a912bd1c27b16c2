import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { benchOutages } from '../../bench/src/faults-outages.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const tools = has('haproxy') && has('redis-server');
if (!tools && process.env.ONDA_REQUIRE_DEPLOY_TOOLS) throw new Error('haproxy and redis-server are required (ONDA_REQUIRE_DEPLOY_TOOLS)');

/**
 * Backing services failing under a scaled-out Onda (HAProxy, 2 API nodes, 2 ingest nodes, 2 workers), one
 * kind at a time, each for 15 s: S3 stopped (the cluster's own s3rver), Redis restarted (a private
 * redis-server; the shared one is never touched) losing its data, PostgreSQL unreachable for every role (a
 * fault proxy resets and refuses its connections; the shared server keeps running), and the workers
 * partitioned from S3 (their proxy holds traffic) while the API still reaches it. A broadcast runs and chat
 * viewers stay connected throughout. `npm run bench -- --only faults` runs it longer with ~1,000 viewers.
 */
describe.skipIf(!tools)('Onda through outages of PostgreSQL, Redis and S3', () => {
  it('answers 503 problems (never another 5xx), reports the outage on /readyz, recovers by itself, and keeps the recording and chat whole', { timeout: 420_000 }, async () => {
    const r = await benchOutages({ viewers: 20, holdSeconds: 15, log: (line) => console.log(`[outages] ${line.slice(0, 2000)}`) });
    const by = (prefix: string) => r.outages.find((o) => o.name.startsWith(prefix))!;
    for (const o of r.outages) {
      // Every answer through the balancer was a 200 or a 503 problem+json: no 500, no HTML error page.
      expect(o.otherErrors, o.name).toBe(0);
      expect(o.ok, o.name).toBeGreaterThan(0);
      // Back without restarting anything: API and /readyz within seconds of the heal, the live playlist growing again.
      expect(o.recoveredAfterSeconds, o.name).toBeLessThan(15);
      expect(o.darkSeconds, o.name).toBeLessThan(o.heldSeconds + 20);
    }
    // S3 and Redis are shared by every node: /readyz says `degraded` naming them, and nodes stay in the balancer.
    expect(by('S3').readyzReported).toMatch(/degraded.*storage":"unreachable/);
    expect(by('S3').unavailable).toBe(0);
    expect(by('Redis').readyzReported).toMatch(/degraded.*redis":"(unreachable|timed out)/);
    // REST does not need Redis: rate limits fall back to each node's own window, nothing is refused.
    expect(by('Redis').unavailable).toBe(0);
    // Without PostgreSQL the API cannot answer: 503 problems (from the nodes, then from HAProxy once they are out).
    expect(by('PostgreSQL').readyzReported).toMatch(/database/);
    expect(by('PostgreSQL').unavailable).toBeGreaterThan(0);
    // ...but a running public broadcast keeps playing: media needs no database per request (each node keeps the
    // session's visibility through the outage) and HAProxy's media pool checks /healthz, not /readyz.
    expect(by('PostgreSQL').darkSeconds).toBeLessThan(by('PostgreSQL').heldSeconds - 5);
    // ...and a new broadcast cannot be authorised: its encoder is refused, not left hanging.
    expect(by('PostgreSQL').newPublishRefusedAfterSeconds).not.toBeNull();
    // Workers cut off from S3 while the API reaches it: the API stays fully up; the segments wait on the workers' disks.
    expect(by('workers').readyzReported).toBeNull();
    expect(by('workers').unavailable).toBe(0);
    // The recording is whole: no segment was given up during any outage (no discontinuity), and the media
    // time matches the time the encoder published (ffmpeg's start and the last partial segment aside).
    expect(r.endedCleanly).toBe(true);
    expect(r.discontinuities).toBe(0);
    expect(Math.abs(r.publishedSeconds - r.liveSeconds)).toBeLessThan(3);
    // Chat: every acknowledged message reached every viewer exactly once; sends during the Redis outage were
    // refused with an answer (never silently dropped), and everyone is still in the room.
    expect(r.chat.sent).toBeGreaterThan(20);
    expect(r.chat.lost).toBe(0);
    expect(r.chat.duplicated).toBe(0);
    expect(r.chat.stillDown).toBe(0);
    expect(Object.keys(r.chat.refusals).filter((code) => code !== 'unavailable' && code !== 'rate_limited')).toEqual([]);
  });
});
