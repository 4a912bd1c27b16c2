import type { Row } from './report.js';
import { DarkWatch, playlistSeconds, publish } from './faults.js';
import { FaultChat, type ChatFaultStats } from './faults-chat.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { sleep, waitFor, type Proc } from '@onda/testing';

/**
 * Outages of the backing services on a scaled-out Onda (support/cluster.ts with `faults`: a private Redis
 * and a fault proxy per role in front of PostgreSQL, Redis and S3): one broadcast through the balancer and
 * chat viewers spread over both API nodes, then one at a time S3 stopped, Redis restarted (its data lost),
 * PostgreSQL unreachable for every role, and the workers partitioned from S3 while the API still reaches it.
 * During each: the API through the balancer is polled (every answer is 200 or a 503 problem, never another
 * 5xx) and /readyz watched; after each: how long the broadcast was dark and how long until all recovered.
 * At the end: chat messages lost/duplicated over the whole run and the recording's length against the
 * publish time.
 */
export interface OutageResult {
  name: string;
  heldSeconds: number;
  /** Longest time without a new live segment around the outage. */
  darkSeconds: number;
  /** From the heal to the API answering 200 and /readyz ready again. */
  recoveredAfterSeconds: number;
  requests: number;
  ok: number;
  /** 503 answers with a problem+json body (the expected refusal while a dependency is down). */
  unavailable: number;
  /** Any other 5xx, or a 503 without a problem body: a crash or a storm. */
  otherErrors: number;
  /** /readyz (any node) said the dependency was out while it was. */
  readyzReported: string | null;
  /** A new publish tried during the outage: refused (the encoder gave up) within this many seconds, or null if it got through. */
  newPublishRefusedAfterSeconds?: number | null;
}

export interface OutagesOptions {
  /** Chat viewers (spread over both API nodes by the balancer). */
  viewers?: number;
  /** How long each outage lasts (s). */
  holdSeconds?: number;
  /** Wait for the VOD encode at the end (minutes on 2 cores). */
  vod?: boolean;
  log?: (line: string) => void;
}

export interface OutagesResult {
  outages: OutageResult[];
  chat: ChatFaultStats;
  /** Wall-clock seconds the encoder published. */
  publishedSeconds: number;
  /** Media seconds in the finished live playlist (the replay) and in the encoded VOD. */
  liveSeconds: number;
  vodSeconds: number | null;
  discontinuities: number;
  endedCleanly: boolean;
}

interface Channel {
  liveSession: { id: string; playbackUrl: string | null } | null;
}

/** Polls one API route and /readyz through the balancer until stopped; classifies every answer. */
function poll(c: Cluster, path: string): { stop(): Promise<Omit<OutageResult, 'name' | 'heldSeconds' | 'darkSeconds' | 'recoveredAfterSeconds'>> } {
  const r = { requests: 0, ok: 0, unavailable: 0, otherErrors: 0, readyzReported: null as string | null };
  let on = true;
  const loop = (async () => {
    while (on) {
      r.requests++;
      const res = await fetch(`${c.url}${path}`, { headers: { authorization: `Bearer ${c.token}` } }).catch(() => null);
      const body = await res?.text().catch(() => '');
      if (res?.status === 200) r.ok++;
      else if (res?.status === 503 && res.headers.get('content-type')?.includes('problem+json')) r.unavailable++;
      else if (!res || res.status >= 500) r.otherErrors++;
      const ready = await fetch(`${c.url}/readyz`).catch(() => null);
      const readyBody = await ready?.text().catch(() => '');
      if (ready && ready.status !== 200) r.readyzReported ??= readyBody?.match(/"detail":"([^"]*)"/)?.[1] ?? `HTTP ${ready.status}`;
      else if (readyBody && /unreachable|timed out/.test(readyBody)) r.readyzReported ??= readyBody;
      void body;
      await sleep(100);
    }
  })();
  return { stop: async () => ((on = false), await loop, r) };
}

export async function benchOutages(o: OutagesOptions = {}): Promise<OutagesResult> {
  const log = o.log ?? (() => undefined);
  const hold = (o.holdSeconds ?? 20) * 1000;
  const c = await startCluster({}, { faults: true });
  const deps = c.deps!;
  let publisher: Proc | null = null;
  let watch: DarkWatch | null = null;
  const chat = new FaultChat(c.url, 'outage', c.token);
  try {
    await c.api('/v1/channels', { method: 'POST', body: JSON.stringify({ slug: 'outage', title: 'outage', reconnectWindowSeconds: 60 }) });
    const { body: key } = await c.api<{ streamKey: string }>('/v1/channels/outage/stream-key');
    publisher = publish(`${c.rtmpUrl}/${key.streamKey}`);
    const live = await waitFor('outage live', async () => {
      const s = (await c.api<Channel>('/v1/channels/outage')).body.liveSession;
      return s?.playbackUrl ? s : null;
    }, 60_000, 250);
    const variant = live.playbackUrl!.replace(/master\.m3u8$/, '360p/index.m3u8');
    const w = (watch = new DarkWatch(variant));
    await waitFor('the broadcast producing', async () => w.count >= 2, 60_000, 250);
    await chat.connect(o.viewers ?? 20);
    chat.startSending(1600);
    log(`live, ${o.viewers ?? 20} chat viewers joined`);

    const outages: OutageResult[] = [];
    await c.api('/v1/channels', { method: 'POST', body: JSON.stringify({ slug: 'outage-new', title: 'outage-new' }) });
    const { body: key2 } = await c.api<{ streamKey: string }>('/v1/channels/outage-new/stream-key');
    /** A second channel starting to broadcast mid-outage: the ingest must refuse it, not hang or half-start it. */
    const tryNewPublish = async (): Promise<number | null> => {
      const t = Date.now();
      const p = publish(`${c.rtmpUrl}/${key2.streamKey}`);
      const exited = await Promise.race([p.exited.then(() => true), sleep(20_000).then(() => false)]);
      await p.stop(1000);
      return exited ? Math.round((Date.now() - t) / 100) / 10 : null;
    };
    const outage = async (name: string, inject: () => Promise<void> | void, heal: () => Promise<void> | void, opts: { newPublish?: boolean } = {}): Promise<void> => {
      w.reset();
      const p = poll(c, '/v1/channels/outage');
      await inject();
      const started = Date.now();
      const refused = opts.newPublish ? await tryNewPublish() : undefined;
      await sleep(Math.max(0, hold - (Date.now() - started)));
      const healedAt = Date.now();
      await heal();
      await waitFor(`${name}: the API back`, async () => (await fetch(`${c.url}/readyz`)).status === 200 && (await c.api('/v1/channels/outage')).status === 200, 120_000, 200);
      const recoveredAfterSeconds = Math.round((Date.now() - healedAt) / 100) / 10;
      const darkSeconds = await w.darkSeconds(3, 120_000);
      await sleep(2000);
      outages.push({ name, heldSeconds: Math.round((healedAt - started) / 100) / 10, darkSeconds, recoveredAfterSeconds, ...(await p.stop()), ...(refused !== undefined ? { newPublishRefusedAfterSeconds: refused } : {}) });
      log(`${name}: ${JSON.stringify(outages.at(-1))}`);
    };
    await outage('S3 stopped', () => c.stopS3(), () => c.startS3());
    await outage('Redis restarted (data lost)', () => deps.stopRedis(), () => deps.startRedis());
    await outage('PostgreSQL unreachable', () => deps.down('postgres'), () => deps.heal('postgres'), { newPublish: true });
    await outage('workers partitioned from S3', () => {
      deps.partition('worker', 's3');
    }, () => deps.heal('s3'));

    const chatStats = await chat.finish();
    const publishedSeconds = (Date.now() - publisher.spawnedAt) / 1000;
    await publisher.stop();
    const full = live.playbackUrl!.replace(/master\.m3u8$/, '360p/full.m3u8');
    const ended = await waitFor('ENDLIST', async () => {
      const text = await (await fetch(variant)).text();
      return text.includes('#EXT-X-ENDLIST') ? text : null;
    }, 120_000, 500).catch(() => null);
    const finalText = ended ?? (await (await fetch(full).catch(() => null))?.text()) ?? '';
    let vodSeconds: number | null = null;
    if (o.vod) {
      const vod = await waitFor('the VOD encode', async () => {
        const { body } = await c.api<{ status: string; durationSeconds: number | null }>(`/v1/vods/${live.id}`);
        return body?.status === 'ready' || body?.status === 'failed' ? body : null;
      }, 600_000, 1000).catch(() => null);
      vodSeconds = vod?.durationSeconds == null ? null : Math.round(vod.durationSeconds * 10) / 10;
    }
    return {
      outages, chat: chatStats, publishedSeconds: Math.round(publishedSeconds * 10) / 10,
      liveSeconds: Math.round(playlistSeconds(finalText) * 10) / 10, vodSeconds,
      discontinuities: finalText.match(/#EXT-X-DISCONTINUITY\n/g)?.length ?? 0, endedCleanly: ended !== null,
    };
  } catch (e) {
    log(`outages failed; node logs:\n${c.logs().slice(-30_000)}`);
    throw e;
  } finally {
    chat.close();
    watch?.stop();
    await publisher?.stop(2000);
    await c.stop();
  }
}

export function outageRows(r: OutagesResult): Row[] {
  return [
    ...r.outages.map((x): Row => ({
      bench: 'faults', metric: `${x.name} for ${x.heldSeconds} s: dark; recovered after; 503 / other 5xx / requests`, target: '', ok: null,
      value: `${x.darkSeconds} s; ${x.recoveredAfterSeconds} s; ${x.unavailable} / ${x.otherErrors} / ${x.requests}`,
    })),
    {
      bench: 'faults', metric: `chat through every outage: ${r.chat.viewers} viewers, lost / duplicated / sends refused; slowest re-join`, target: '', ok: null,
      value: `${r.chat.lost} / ${r.chat.duplicated} / ${r.chat.sendFailures} of ${r.chat.sent + r.chat.sendFailures}; ${(r.chat.maxReconnectMs / 1000).toFixed(1)} s`,
    },
    {
      bench: 'faults', metric: 'recording after the outages: published / live replay / VOD seconds (discontinuities)', target: '', ok: null,
      value: `${r.publishedSeconds} / ${r.liveSeconds} / ${r.vodSeconds ?? '-'} (${r.discontinuities})`,
    },
  ];
}
