import { publish } from './support/encoder.js';
import { waitOffline, type Platform } from './support/platform.js';
import { playable, sleep } from '@onda/testing';
import { secs, summarize, type Summary } from './support/stats.js';
import type { Row } from './report.js';

const RUNS = 5;
const BROADCAST_SECONDS = 8;
const POLL_MS = 40;
const SEGMENT_MS = 2000;
const TARGET_MS = 3000;

/** One broadcast's milestones, in ms after the publisher was spawned. */
export interface PublishRun {
  sessionStarting: number;
  live: number;
  playable: number;
}

/** Results of the publish-to-playable benchmark. */
export interface PublishResult {
  runs: PublishRun[];
  playable: Summary;
  spawnToSession: Summary;
  startingToLive: Summary;
  liveToPlayable: Summary;
  overheadMs: number;
}

/** Times one broadcast: spawn -> session 'starting' -> channel live -> every playlist fetchable with a segment. */
async function once(platform: Platform, slug: string, publishUrl: string): Promise<PublishRun> {
  const publisher = publish(publishUrl, { seconds: BROADCAST_SECONDS });
  const t0 = publisher.spawnedAt;
  let sessionStarting: number | null = null;
  let live: number | null = null;
  let playbackUrl: string | null = null;
  let renditions = 0;
  try {
    while (Date.now() - t0 < 20_000) {
      if (publisher.child.exitCode !== null) throw new Error(`publisher exited (${publisher.child.exitCode}):\n${publisher.output()}`);
      if (live === null) {
        const channel = await platform.channel(slug);
        const now = Date.now();
        // A session seen directly as 'live' (a poll missed 'starting') still started before now.
        if (sessionStarting === null && channel.liveSession) sessionStarting = now;
        if (channel.status === 'live' && channel.liveSession?.playbackUrl) {
          live = now;
          playbackUrl = channel.liveSession.playbackUrl;
          renditions = channel.liveSession.renditions.length;
        }
      }
      if (live !== null && playbackUrl !== null && (await playable(playbackUrl, renditions))) {
        return { sessionStarting: sessionStarting! - t0, live: live - t0, playable: Date.now() - t0 };
      }
      await sleep(POLL_MS);
    }
    throw new Error(`not playable 20 s after publishing (session ${sessionStarting !== null}, live ${live !== null})\n${platform.proc.output().slice(-4000)}`);
  } finally {
    // Let the broadcast run its course, so each run also exercises a clean end before the next one.
    await Promise.race([publisher.exited, sleep((BROADCAST_SECONDS + 10) * 1000)]);
    await publisher.stop(2000);
    await waitOffline(platform, slug);
  }
}

/** Publish-to-playable over RUNS broadcasts on one channel, with its breakdown. */
export async function benchPublishToPlayable(platform: Platform, log: (line: string) => void): Promise<PublishResult> {
  const slug = 'bench-publish';
  const publishUrl = await platform.createChannel(slug);
  const runs: PublishRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await once(platform, slug, publishUrl);
    runs.push(r);
    log(`publish-to-playable run ${i + 1}/${RUNS}: session ${secs(r.sessionStarting)} s, live ${secs(r.live)} s, playable ${secs(r.playable)} s`);
  }
  const p = summarize(runs.map((r) => r.playable));
  return {
    runs,
    playable: p,
    spawnToSession: summarize(runs.map((r) => r.sessionStarting)),
    startingToLive: summarize(runs.map((r) => r.live - r.sessionStarting)),
    liveToPlayable: summarize(runs.map((r) => r.playable - r.live)),
    overheadMs: p.median - SEGMENT_MS,
  };
}

/** Table rows for the report. */
export function publishRows(r: PublishResult): Row[] {
  const mmm = (s: Summary): string => `${secs(s.min)} / ${secs(s.median)} / ${secs(s.max)} s`;
  return [
    { bench: 'publish-to-playable', metric: `spawn -> playable, min / median / max (${r.playable.n} runs)`, value: mmm(r.playable), target: `<= ${secs(TARGET_MS)} s`, ok: r.playable.median <= TARGET_MS },
    { bench: 'publish-to-playable', metric: 'spawn -> session starting (median)', value: `${secs(r.spawnToSession.median)} s`, target: '', ok: null },
    { bench: 'publish-to-playable', metric: 'starting -> live (median)', value: `${secs(r.startingToLive.median)} s`, target: '', ok: null },
    { bench: 'publish-to-playable', metric: 'live -> playlists fetchable (median)', value: `${secs(r.liveToPlayable.median)} s`, target: '', ok: null },
    { bench: 'publish-to-playable', metric: `overhead over one ${secs(SEGMENT_MS)} s segment (median - segment)`, value: `${secs(r.overheadMs)} s (x${(r.playable.median / SEGMENT_MS).toFixed(2)} of the lower bound)`, target: '', ok: null },
  ];
}
