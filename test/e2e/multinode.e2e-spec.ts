import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { benchFaults } from '../../bench/src/faults.js';

const hasHaproxy = spawnSync('sh', ['-c', 'command -v haproxy'], { stdio: 'ignore' }).status === 0;
if (!hasHaproxy && process.env.ONDA_REQUIRE_DEPLOY_TOOLS) throw new Error('haproxy is required (ONDA_REQUIRE_DEPLOY_TOOLS)');

/**
 * The core of the multi-node suite (`npm run bench -- --only faults` runs the same scenario and writes
 * bench/results/faults.json): HAProxy in front of 2 API nodes and 2 ingest nodes, 2 workers, PostgreSQL,
 * Redis and s3rver, each role its own process; two broadcasts through the balancer; then a worker
 * SIGKILLed, an API node SIGKILLed under traffic, an ingest drained, a worker drained. Bounds are loose
 * on purpose: this runs on 2 shared cores; the figures themselves are in the bench output.
 */
describe.skipIf(!hasHaproxy)('Onda on several nodes behind HAProxy', () => {
  it('keeps both broadcasts at their URLs through a worker kill, an API node kill, an ingest drain and a worker drain', { timeout: 420_000 }, async () => {
    const r = await benchFaults((line) => console.log(`[faults] ${line}`), { viewers: 40 });
    expect(r.broadcasts).toBe(2);
    // leastconn put the two publishes on different ingest nodes.
    expect(r.distinctIngests).toBe(true);
    // The dead worker's broadcast resumed on another worker at the same URL: lock (5 s) + check (1 s) +
    // ffmpeg start; the other broadcast, on the surviving worker, kept its 2 s cadence.
    expect(r.workerKill.sameUrl).toBe(true);
    expect(r.workerKill.darkSeconds).toBeGreaterThan(2);
    expect(r.workerKill.darkSeconds).toBeLessThan(30);
    expect(r.workerKill.otherBroadcastDarkSeconds).toBeLessThan(10);
    // HAProxy retried the requests the dead node had taken (GET) on the other one: no client saw an error.
    expect(r.apiKill.requests).toBeGreaterThan(20);
    expect(r.apiKill.serverErrors).toBe(0);
    expect(r.apiKill.failed).toBe(0);
    expect(r.apiKill.markedDownSeconds).toBeLessThan(5);
    // The draining ingest cut its publish only at INGEST_DRAIN_SECONDS (3 s); the encoder came back
    // through the balancer on the other ingest within the reconnect window: same session, and the
    // worker pulls from the node now holding the publisher.
    expect(r.ingestDrain.publisherCutAfterSeconds).toBeGreaterThanOrEqual(3);
    expect(r.ingestDrain.sameSession).toBe(true);
    expect(r.ingestDrain.pulledFromOtherIngest).toBe(true);
    expect(r.ingestDrain.darkSeconds).toBeLessThan(30);
    // A SIGTERMed worker hands its broadcast to a successor worker that encodes beside it and continues the
    // playlists once it has output (README "Graceful drain"): same URL, no dark gap beyond the ladder's cadence.
    expect(r.workerDrain.sameUrl).toBe(true);
    expect(r.workerDrain.darkSeconds).toBeLessThan(30);
    expect(r.endedCleanly).toBe(true);
    // Chat viewers rode through it all (those on the killed API node reconnected to the other and re-joined
    // with `since`): every acknowledged message reached every viewer exactly once.
    expect(r.chat.sent).toBeGreaterThan(20);
    expect(r.chat.lost).toBe(0);
    expect(r.chat.duplicated).toBe(0);
    expect(r.chat.stillDown).toBe(0);
    expect(r.chat.reconnected).toBeGreaterThan(0);
    // The replays are whole but for the time no process had the media (a worker's restart or hand-over,
    // the encoder's reconnect): never longer than what was published, never shorter by more than the dark time.
    const [a, b] = r.recordings;
    expect(a!.liveSeconds).toBeLessThan(a!.publishedSeconds + 2);
    expect(a!.publishedSeconds - a!.liveSeconds).toBeLessThan(r.workerKill.darkSeconds + r.workerDrain.darkSeconds + 4);
    expect(b!.liveSeconds).toBeLessThan(b!.publishedSeconds + 2);
    expect(b!.publishedSeconds - b!.liveSeconds).toBeLessThan(r.ingestDrain.darkSeconds + r.workerKill.otherBroadcastDarkSeconds + 4);
  });
});
