import pg from 'pg';
import { FaultChat, type ChatFaultStats } from './faults-chat.js';
import type { Row } from './report.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { run, sleep, waitFor, type Proc } from '@onda/testing';

/**
 * Faults on a scaled-out Onda (support/cluster.ts): two broadcasts through the balancer, then one at a
 * time a worker SIGKILLed, an API node SIGKILLed under REST traffic, and an ingest node drained
 * (SIGTERM) with its encoder reconnecting through the balancer. After each: the broadcasts still grow at
 * the same URLs, with how long each was dark.
 */
export interface FaultsResult {
  broadcasts: number;
  /** The two publishes went to different ingest nodes (leastconn). */
  distinctIngests: boolean;
  workerKill: { darkSeconds: number; otherBroadcastDarkSeconds: number; sameUrl: boolean };
  apiKill: { requests: number; failed: number; serverErrors: number; markedDownSeconds: number };
  ingestDrain: { publisherCutAfterSeconds: number; darkSeconds: number; sameSession: boolean; pulledFromOtherIngest: boolean };
  /** SIGTERM to the worker of broadcast A: it hands the broadcast back to the queue, another resumes it. */
  workerDrain: { darkSeconds: number; exitedAfterSeconds: number; sameUrl: boolean };
  /** Both broadcasts ended cleanly after the faults (every rendition playlist has ENDLIST). */
  endedCleanly: boolean;
  /** Chat viewers of broadcast A connected through every fault (the API kill moves some to the other node). */
  chat: ChatFaultStats;
  /** Each broadcast's replay (the finished live playlist) against the time its encoder published. */
  recordings: RecordingLength[];
}

export interface RecordingLength {
  slug: string;
  /** Wall-clock seconds the encoder was publishing (B: minus the time it was cut by the ingest drain). */
  publishedSeconds: number;
  liveSeconds: number;
  discontinuities: number;
}

interface Channel {
  status: string;
  liveSession: { id: string; playbackUrl: string | null } | null;
}

type Log = (line: string) => void;

/** Segments a variant playlist has produced so far (media sequence + segments listed), or -1 if unreadable. */
async function produced(variantUrl: string): Promise<number> {
  const res = await fetch(variantUrl).catch(() => null);
  if (!res?.ok) return -1;
  const text = await res.text();
  const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
  return seq + (text.match(/#EXTINF/g)?.length ?? 0);
}

/** Watches a playlist and reports the longest time without a new segment in [from, to]. */
export class DarkWatch {
  private lastCount = -1;
  private lastChange = Date.now();
  private longest = 0;
  private timer: NodeJS.Timeout;
  constructor(private readonly url: string) {
    this.timer = setInterval(() => void this.sample(), 250);
  }
  private async sample(): Promise<void> {
    const n = await produced(this.url);
    const now = Date.now();
    if (n > this.lastCount) {
      this.longest = Math.max(this.longest, now - this.lastChange);
      this.lastCount = n;
      this.lastChange = now;
    }
  }
  reset(): void {
    this.longest = 0;
    this.lastChange = Date.now();
  }
  /**
   * Longest time without a new segment since reset() (a healthy 2 s ladder: ~2 s), once the playlist has
   * grown by `growth` segments since this call: the recovery is seen, not a segment that was in flight
   * when the fault hit. Past `timeoutMs` without that growth: the time since the last segment.
   */
  async darkSeconds(growth = 3, timeoutMs = 90_000): Promise<number> {
    const since = Date.now();
    const count = this.lastCount;
    await waitFor('the playlist to grow again', async () => this.lastCount >= count + growth || Date.now() - since > timeoutMs, timeoutMs + 1000, 100);
    const ms = this.lastCount >= count + growth ? this.longest : Date.now() - this.lastChange;
    return Math.round(ms / 100) / 10;
  }
  get count(): number {
    return this.lastCount;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

export const publish = (url: string): Proc =>
  run('publisher', 'ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '600', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', url]);

/**
 * The worker transcoding this session: the one whose /metrics has its per-broadcast series. /metrics names a broadcast
 * by an opaque per-process label (security finding 14); each worker logs the label next to the job (= session) id.
 */
async function workerOf(c: Cluster, sessionId: string): Promise<string> {
  return waitFor(`the worker of ${sessionId}`, async () => {
    for (const [name, p] of c.nodes) {
      if (!name.startsWith('worker') || p.child.exitCode !== null || p.child.signalCode !== null) continue;
      const output = p.output();
      const labels = output.split('\n').filter((l) => l.includes('metrics label of this broadcast') && l.includes(sessionId)).map((l) => /"broadcast":"(\w+)"/.exec(l)?.[1]);
      const metricsUrl = /metrics at (http:\/\/\S+\/metrics)/.exec(output)?.[1];
      const text = metricsUrl && labels.length > 0 ? await (await fetch(metricsUrl).catch(() => null))?.text() : undefined;
      if (labels.some((label) => label && text?.includes(`broadcast="${label}"`))) return name;
    }
    return null;
  }, 20_000, 500);
}

/** Which ingest's log names this live session ("publish started"). */
function holder(c: Cluster, prefix: string, sessionId: string): string {
  const names = [...c.nodes].filter(([n, p]) => n.startsWith(prefix) && p.child.exitCode === null && p.child.signalCode === null && p.output().includes(sessionId)).map(([n]) => n);
  if (names.length === 0) throw new Error(`no ${prefix} holds ${sessionId}`);
  return names.at(-1)!;
}

/** Media seconds a playlist lists (the sum of its EXTINF). */
export const playlistSeconds = (text: string): number => [...text.matchAll(/#EXTINF:([\d.]+)/g)].reduce((s, m) => s + Number(m[1]), 0);

export async function benchFaults(log: Log, opts: { viewers?: number } = {}): Promise<FaultsResult> {
  const c = await startCluster();
  const publishers: Proc[] = [];
  const watches: DarkWatch[] = [];
  const chat = new FaultChat(c.url, 'fault-a', c.token);
  try {
    const keys: string[] = [];
    for (const slug of ['fault-a', 'fault-b']) {
      await c.api('/v1/channels', { method: 'POST', body: JSON.stringify({ slug, title: slug, reconnectWindowSeconds: 30 }) });
      const { body } = await c.api<{ streamKey: string }>(`/v1/channels/${slug}/stream-key`);
      keys.push(body.streamKey);
    }
    for (const key of keys) {
      publishers.push(publish(`${c.rtmpUrl}/${key}`));
      // One after the other: leastconn sees the first publish before placing the second.
      await sleep(1500);
    }
    const live = await Promise.all(['fault-a', 'fault-b'].map((slug) => waitFor(`${slug} live`, async () => {
      const { body } = await c.api<Channel>(`/v1/channels/${slug}`);
      return body.liveSession?.playbackUrl ? { id: body.liveSession.id, url: body.liveSession.playbackUrl } : null;
    }, 60_000, 250)));
    const variant = (master: string) => master.replace(/master\.m3u8$/, '360p/index.m3u8');
    for (const l of live) watches.push(new DarkWatch(variant(l.url)));
    await waitFor('both broadcasts producing', async () => watches.every((w) => w.count >= 2), 60_000, 250);
    await chat.connect(opts.viewers ?? 20);
    chat.startSending(1600);
    log(`${opts.viewers ?? 20} chat viewers joined`);
    const ingests = live.map((l) => holder(c, 'ingest', l.id));
    log(`broadcasts live on ${ingests.join(' and ')}`);

    // 1. SIGKILL the worker transcoding broadcast A (its ffmpeg dies with it, like a lost machine).
    const workerA = await workerOf(c, live[0]!.id);
    watches.forEach((w) => w.reset());
    process.kill(-c.nodes.get(workerA)!.child.pid!, 'SIGKILL');
    log(`killed ${workerA}`);
    // A replacement node, as an orchestrator would start; the surviving worker may take the job first.
    const replacement = c.start(`worker-${c.nodes.size + 1}`);
    const workerDark = await watches[0]!.darkSeconds();
    const otherDark = await watches[1]!.darkSeconds();
    await replacement;
    const sameUrlA = (await c.api<Channel>('/v1/channels/fault-a')).body.liveSession?.playbackUrl === live[0]!.url;
    log(`worker kill: broadcast A dark ${workerDark} s, B ${otherDark} s`);

    // 2. SIGKILL an API node while clients keep calling the API through the balancer.
    let requests = 0;
    let failed = 0;
    let serverErrors = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        requests++;
        const res = await fetch(`${c.url}/v1/channels/fault-a`).catch(() => null);
        if (!res) failed++;
        else if (res.status >= 500) serverErrors++;
        await res?.arrayBuffer().catch(() => undefined);
        await sleep(20);
      }
    })();
    await sleep(1000);
    const killedAt = Date.now();
    process.kill(-c.nodes.get('api-1')!.child.pid!, 'SIGKILL');
    await waitFor('api-1 DOWN', async () => (await c.states('api')).api1 === 'DOWN', 20_000, 50);
    const markedDown = (Date.now() - killedAt) / 1000;
    await sleep(2000);
    polling = false;
    await poller;
    log(`api kill: ${requests} requests, ${failed} failed, ${serverErrors} 5xx; DOWN after ${markedDown.toFixed(1)} s`);
    await c.start('api-1');
    await waitFor('api-1 UP again', async () => (await c.states('api')).api1 === 'UP', 30_000, 250);

    // 3. Drain the ingest holding broadcast B: the publish is cut at INGEST_DRAIN_SECONDS; the encoder
    //    reconnects through the balancer (as OBS does) and lands on the other ingest, same session.
    const ingestB = ingests[1]!;
    const other = ingestB === 'ingest-1' ? 'ingest-2' : 'ingest-1';
    watches.forEach((w) => w.reset());
    const drainAt = Date.now();
    c.nodes.get(ingestB)!.child.kill('SIGTERM');
    await publishers[1]!.exited;
    const cutAfter = (Date.now() - drainAt) / 1000;
    await waitFor(`${ingestB} out of the pool`, async () => (await c.states('ingest'))[ingestB.replace('-', '')] !== 'UP', 10_000, 100);
    await sleep(1000);
    const cutSeconds = (Date.now() - drainAt) / 1000 - cutAfter;
    const firstB = publishers[1]!;
    publishers[1] = publish(`${c.rtmpUrl}/${keys[1]}`);
    const drainDark = await watches[1]!.darkSeconds();
    const after = (await c.api<Channel>('/v1/channels/fault-b')).body.liveSession;
    const db = new pg.Client({ connectionString: c.databaseUrl });
    await db.connect();
    const pull = (await db.query<{ pull_url: string | null; ingest_id: string }>('SELECT pull_url, ingest_id FROM live_sessions WHERE id = $1', [live[1]!.id])).rows[0];
    await db.end();
    const otherPort = c.rtmpPort(other);
    log(`ingest drain: cut after ${cutAfter.toFixed(1)} s, dark ${drainDark} s; session ${after?.id === live[1]!.id ? 'kept' : 'changed'}; now ${pull?.ingest_id} ${pull?.pull_url?.replace(/\?.*/, '')}`);
    await c.start(ingestB);

    // 4. SIGTERM the worker now transcoding broadcast A (a rolling upgrade, a scale-down).
    const workerNow = await workerOf(c, live[0]!.id);
    watches.forEach((w) => w.reset());
    const termAt = Date.now();
    c.nodes.get(workerNow)!.child.kill('SIGTERM');
    await c.nodes.get(workerNow)!.exited;
    const workerExited = (Date.now() - termAt) / 1000;
    const workerDrainDark = await watches[0]!.darkSeconds();
    const sameUrlAfterDrain = (await c.api<Channel>('/v1/channels/fault-a')).body.liveSession?.playbackUrl === live[0]!.url;
    log(`worker drain: ${workerNow} exited after ${workerExited.toFixed(1)} s; broadcast A dark ${workerDrainDark} s`);

    // The end: chat settles; both encoders stop; both broadcasts finish with ENDLIST at their URLs.
    const chatStats = await chat.finish();
    log(`chat: ${JSON.stringify(chatStats)}`);
    const stoppedAt = Date.now();
    for (const p of publishers) await p.stop();
    const finals = await Promise.all(live.map((l) => waitFor('ENDLIST', async () => {
      const text = await (await fetch(variant(l.url))).text();
      return text.includes('#EXT-X-ENDLIST') ? text : null;
    }, 90_000, 500).catch(() => null)));
    const ended = finals.map((f) => f !== null);
    const published = [(stoppedAt - publishers[0]!.spawnedAt) / 1000, (stoppedAt - firstB.spawnedAt) / 1000 - cutSeconds];
    const recordings = finals.map((text, i): RecordingLength => ({
      slug: ['fault-a', 'fault-b'][i]!, publishedSeconds: Math.round(published[i]! * 10) / 10,
      liveSeconds: Math.round(playlistSeconds(text ?? '') * 10) / 10, discontinuities: text?.match(/#EXT-X-DISCONTINUITY\n/g)?.length ?? 0,
    }));
    log(`recordings: ${JSON.stringify(recordings)}`);
    return {
      broadcasts: live.length,
      distinctIngests: new Set(ingests).size === 2,
      workerKill: { darkSeconds: workerDark, otherBroadcastDarkSeconds: otherDark, sameUrl: sameUrlA },
      apiKill: { requests, failed, serverErrors, markedDownSeconds: Math.round(markedDown * 10) / 10 },
      ingestDrain: {
        publisherCutAfterSeconds: Math.round(cutAfter * 10) / 10, darkSeconds: drainDark, sameSession: after?.id === live[1]!.id,
        pulledFromOtherIngest: pull?.ingest_id === other && (pull?.pull_url ?? '').includes(`:${otherPort}/`),
      },
      workerDrain: { darkSeconds: workerDrainDark, exitedAfterSeconds: Math.round(workerExited * 10) / 10, sameUrl: sameUrlAfterDrain },
      endedCleanly: ended.every(Boolean),
      chat: chatStats,
      recordings,
    };
  } catch (e) {
    log(`faults failed; node logs:\n${c.logs().slice(-30_000)}`);
    throw e;
  } finally {
    chat.close();
    watches.forEach((w) => w.stop());
    await Promise.all(publishers.map((p) => p.stop(2000)));
    await c.stop();
  }
}

export function faultRows(r: FaultsResult): Row[] {
  return [
    { bench: 'faults', metric: 'worker SIGKILL: broadcast dark (other broadcast)', target: '', ok: null, value: `${r.workerKill.darkSeconds} s (${r.workerKill.otherBroadcastDarkSeconds} s), same URL: ${r.workerKill.sameUrl}` },
    { bench: 'faults', metric: 'API node SIGKILL under load: failed / 5xx / requests; marked down', target: '', ok: null, value: `${r.apiKill.failed} / ${r.apiKill.serverErrors} / ${r.apiKill.requests}; ${r.apiKill.markedDownSeconds} s` },
    { bench: 'faults', metric: 'worker SIGTERM (hand-over): broadcast dark; worker exited after', target: '', ok: null, value: `${r.workerDrain.darkSeconds} s; ${r.workerDrain.exitedAfterSeconds} s` },
    { bench: 'faults', metric: 'ingest drain: publish cut after; dark; same session; pulled from the other ingest', target: '', ok: null, value: `${r.ingestDrain.publisherCutAfterSeconds} s; ${r.ingestDrain.darkSeconds} s; ${r.ingestDrain.sameSession}; ${r.ingestDrain.pulledFromOtherIngest}` },
    {
      bench: 'faults', metric: `chat through the kills and drains: ${r.chat.viewers} viewers, lost / duplicated; re-joined (slowest)`, target: '', ok: null,
      value: `${r.chat.lost} / ${r.chat.duplicated} of ${r.chat.sent} messages; ${r.chat.reconnected} (${(r.chat.maxReconnectMs / 1000).toFixed(1)} s)`,
    },
    ...r.recordings.map((x): Row => ({
      bench: 'faults', metric: `${x.slug} replay after the faults: published / live seconds (discontinuities)`, target: '', ok: null,
      value: `${x.publishedSeconds} / ${x.liveSeconds} (${x.discontinuities})`,
    })),
  ];
}
