import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  VOD_FILES, type ChatRole, type ChatReplayItem, type Highlight, type IngestHealthPoint, type LiveStats, type Qoe, type SessionTimeline, type TimelineBucket,
  type VodChatReplay, type VodStats,
} from '@onda/contracts';
import type { ObjectStorage } from '@onda/storage';
import { hasScope, managesChannel, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { STORAGE } from '../common/tokens.js';
import { VodsService } from '../vods/vods.service.js';
import { BeaconIngest } from './beacon.ingest.js';
import { detectHighlights } from './highlights.js';
import { BUCKET_SECONDS } from './stats.aggregate.js';
import { STATS_OPTIONS, type StatsOptions } from './stats.options.js';
import { StatsRepository, type LiveSessionRow, type PlaybackSummary } from './stats.repository.js';

/** Chat replay page size. */
export const CHAT_REPLAY_PAGE = 500;
/** Ingest health points returned at most; longer sessions are thinned evenly. */
const MAX_HEALTH_POINTS = 1440;
const STORYBOARD_CACHE = 200;

interface Cue {
  start: number;
  end: number;
  target: string;
}

const vttSeconds = (t: string): number => t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);

/** Parses `00:00:10.000 --> 00:00:20.000` cues followed by their target line. */
export function parseStoryboard(vtt: string): Cue[] {
  const lines = vtt.split(/\r?\n/);
  const cues: Cue[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*([\d:.]+)\s+-->\s+([\d:.]+)/.exec(lines[i]!);
    const target = lines[i + 1]?.trim();
    if (m && target) cues.push({ start: vttSeconds(m[1]!), end: vttSeconds(m[2]!), target });
  }
  return cues;
}

const qoe = (s: PlaybackSummary): Qoe => ({
  playbacks: s.playbacks,
  startupMsP50: s.startupMsP50 === null ? null : Math.round(s.startupMsP50),
  startupMsP90: s.startupMsP90 === null ? null : Math.round(s.startupMsP90),
  rebufferRatio: s.watchSeconds + s.stallMs / 1000 > 0 ? s.stallMs / 1000 / (s.watchSeconds + s.stallMs / 1000) : null,
  rebufferEvents: s.rebufferEvents,
  errors: s.errors,
  fatalErrors: s.fatalErrors,
});

/** Read side of the statistics: live and VOD statistics, the reaction timeline with highlights, chat replay. */
@Injectable()
export class StatsService {
  private readonly logger = new Logger('Stats');
  private readonly storyboards = new Map<string, Cue[]>();

  constructor(
    private readonly repo: StatsRepository,
    private readonly ingest: BeaconIngest,
    private readonly vods: VodsService,
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(STATS_OPTIONS) private readonly options: StatsOptions,
  ) {}

  /** Counts one chat reaction in the live session's timeline (the chat calls this when a viewer reacts). */
  countReaction(liveSessionId: string, at?: Date): Promise<void> {
    return this.ingest.countReaction(liveSessionId, at?.getTime());
  }

  async liveStats(principal: Principal, id: string): Promise<LiveStats> {
    const session = await this.ownSession(principal, id);
    const now = this.options.now();
    const t0 = session.createdAt.getTime();
    const minutes = Math.max(1, Math.ceil(((session.endedAt?.getTime() ?? now) - t0) / 60_000));
    const [perMinute, chat, summary, renditions, countries, health] = await Promise.all([
      this.repo.liveMinutes(id),
      this.repo.chatActivity(id, session.createdAt, 60),
      this.repo.summary({ liveSessionId: id }, new Date(now - this.options.concurrentWindowSeconds * 1000)),
      this.repo.renditionSeconds({ liveSessionId: id }),
      this.options.countryHeader ? this.repo.countries(id) : Promise.resolve(null),
      this.repo.ingestHealth(id),
    ]);
    const viewersPerMinute = Array.from({ length: minutes }, (_, m) => ({
      minute: new Date(t0 + m * 60_000).toISOString(),
      viewers: perMinute.get(m) ?? 0,
      chatMessages: chat.get(m)?.messages ?? 0,
    }));
    const totalRendition = Object.values(renditions).reduce((a, b) => a + b, 0);
    const step = Math.max(1, Math.ceil(health.length / MAX_HEALTH_POINTS));
    return {
      liveSessionId: session.id,
      channelId: session.channelId,
      startedAt: session.startedAt?.toISOString() ?? null,
      endedAt: session.endedAt?.toISOString() ?? null,
      concurrentNow: summary.activeNow,
      peakConcurrent: Math.max(0, ...viewersPerMinute.map((m) => m.viewers)),
      averageConcurrent: Math.round((viewersPerMinute.reduce((a, m) => a + m.viewers, 0) / minutes) * 100) / 100,
      uniqueViewers: summary.uniqueViewers,
      watchSeconds: Math.round(summary.watchSeconds * 10) / 10,
      viewersPerMinute,
      renditions: totalRendition > 0 ? Object.fromEntries(Object.entries(renditions).map(([r, s]) => [r, Math.round((s / totalRendition) * 10_000) / 10_000])) : {},
      qoe: qoe(summary),
      countries,
      ingest: health.filter((_, i) => i % step === 0).map(
        (h): IngestHealthPoint => ({ at: h.at.toISOString(), bitrateKbps: h.bitrateKbps, fps: h.fps, keyframeIntervalSeconds: h.keyframeIntervalSeconds, droppedFrames: h.droppedFrames, speed: h.speed }),
      ),
    };
  }

  async timeline(principal: Principal, id: string): Promise<SessionTimeline> {
    const session = await this.ownSession(principal, id);
    const t0 = session.createdAt.getTime();
    const count = Math.max(1, Math.ceil(((session.endedAt?.getTime() ?? this.options.now()) - t0) / 1000 / BUCKET_SECONDS));
    // The VOD of a recording has the live session's id.
    const [chat, live, vod] = await Promise.all([this.repo.chatActivity(id, session.createdAt, BUCKET_SECONDS), this.repo.liveBuckets(id), this.repo.vod(id)]);
    const vodBuckets = vod ? await this.repo.vodBuckets(vod.id) : new Map<number, number>();
    const buckets: TimelineBucket[] = Array.from({ length: count }, (_, b) => ({
      start: b * BUCKET_SECONDS,
      chatMessages: chat.get(b)?.messages ?? 0,
      uniqueChatters: chat.get(b)?.chatters ?? 0,
      reactions: live.get(b)?.reactions ?? 0,
      viewers: live.get(b)?.viewers ?? 0,
      vodSessions: vodBuckets.get(b) ?? 0,
    }));
    const moments = detectHighlights(buckets);
    const images = vod && moments.length ? await this.thumbnails(principal, vod.id, moments.map((m) => m.start)) : null;
    const highlights: Highlight[] = moments.map((m, i) => ({
      ...m,
      url: vod ? `/v/${vod.id}?t=${m.start}` : null,
      thumbnailUrl: images?.[i] ?? null,
    }));
    return { liveSessionId: session.id, vodId: vod?.id ?? null, bucketSeconds: BUCKET_SECONDS, buckets, highlights };
  }

  async vodStats(principal: Principal, id: string): Promise<VodStats> {
    const vod = await this.repo.vod(id);
    if (!vod || !managesChannel(principal, { id: vod.channelId, ownerId: vod.channel.ownerId })) throw new AppError('not_found', `No VOD ${id} of yours`);
    const [summary, perBucket] = await Promise.all([this.repo.summary({ vodId: id }, new Date(this.options.now())), this.repo.vodBuckets(id)]);
    const count = vod.durationSeconds !== null ? Math.ceil(vod.durationSeconds / BUCKET_SECONDS) : perBucket.size ? Math.max(...perBucket.keys()) + 1 : 0;
    return {
      vodId: vod.id,
      views: summary.watchedPlaybacks,
      uniqueViewers: summary.uniqueViewers,
      watchSeconds: Math.round(summary.watchSeconds * 10) / 10,
      retention: Array.from({ length: count }, (_, b) => ({ start: b * BUCKET_SECONDS, sessions: perBucket.get(b) ?? 0 })),
      qoe: qoe(summary),
    };
  }

  /** The broadcast's chat for the VOD page: whoever may read the VOD may read it (private channels: the owner). */
  async vodChat(principal: Principal | null, id: string, fromSeconds: number, toSeconds: number | undefined): Promise<VodChatReplay> {
    const vod = await this.repo.vod(id);
    // As for VOD reads, a private channel's replay needs the owner (or an operator) with `vods:read` (finding 3).
    const owner = principal !== null && !!vod && hasScope(principal, 'vods:read') && managesChannel(principal, { id: vod.channelId, ownerId: vod.channel.ownerId });
    if (!vod || (vod.channel.visibility === 'private' && !owner)) throw new AppError('not_found', `No VOD ${id}`);
    const session = vod.liveSessionId ? await this.repo.liveSession(vod.liveSessionId) : null;
    if (!session) return { items: [], nextFrom: null };
    const t0 = session.createdAt.getTime();
    const to = toSeconds === undefined ? new Date(8.64e15) : new Date(t0 + Math.round(toSeconds * 1000));
    const rows = await this.repo.chatBetween(session.id, new Date(t0 + Math.round(fromSeconds * 1000)), to, CHAT_REPLAY_PAGE + 1);
    let page = rows;
    let nextFrom: number | null = null;
    if (rows.length > CHAT_REPLAY_PAGE) {
      // The next page starts at the first left-out message's millisecond: messages of that millisecond go there whole.
      const cut = rows[CHAT_REPLAY_PAGE]!.createdAt.getTime();
      page = rows.slice(0, CHAT_REPLAY_PAGE).filter((r) => r.createdAt.getTime() < cut);
      if (!page.length) page = rows.slice(0, CHAT_REPLAY_PAGE);
      nextFrom = Math.max(0, (cut - t0) / 1000);
    }
    const items: ChatReplayItem[] = page.map((r) => ({
      id: r.id,
      channelId: r.channelId,
      kind: r.kind,
      author: { key: r.authorKey, nickname: r.nickname, role: r.role as ChatRole, registered: r.registered },
      text: r.text,
      masked: r.masked,
      createdAt: r.createdAt.toISOString(),
      offsetSeconds: Math.max(0, (r.createdAt.getTime() - t0) / 1000),
    }));
    return { items, nextFrom };
  }

  /** Stores a worker's ingest health point of a live session. */
  async addIngestHealth(liveSessionId: string, p: IngestHealthPoint): Promise<void> {
    const at = new Date(p.at);
    if (Number.isNaN(at.getTime())) throw new AppError('validation_failed', 'at: not a date', [{ path: 'at', message: 'not a date' }]);
    const stored = await this.repo.addIngestHealth(liveSessionId, {
      at, bitrateKbps: p.bitrateKbps, fps: p.fps, keyframeIntervalSeconds: p.keyframeIntervalSeconds, droppedFrames: p.droppedFrames, speed: p.speed,
    });
    if (!stored) throw new AppError('not_found', `No live session ${liveSessionId}`);
  }

  private async ownSession(principal: Principal, id: string): Promise<LiveSessionRow> {
    const session = await this.repo.liveSessionWithOwner(id);
    if (!session || !managesChannel(principal, { id: session.channelId, ownerId: session.ownerId })) throw new AppError('not_found', `No live session ${id} of yours`);
    return session;
  }

  /**
   * A picture for each time: the storyboard tile (`storyboard.jpg#xywh=...`) covering it when the VOD is ready,
   * else the poster, else null. URLs come from the VOD as its owner sees it (signed for private channels).
   */
  private async thumbnails(principal: Principal, vodId: string, times: number[]): Promise<Array<string | null>> {
    try {
      const vod = await this.vods.read(principal, vodId);
      if (vod.status !== 'ready') return times.map(() => null);
      const cues = vod.storyboardUrl ? await this.storyboard(vodId) : [];
      const base = vod.storyboardUrl ? vod.storyboardUrl.slice(0, vod.storyboardUrl.lastIndexOf('/') + 1) : '';
      return times.map((t) => {
        const cue = cues.find((c) => t >= c.start && t < c.end) ?? cues.at(-1);
        return cue ? base + cue.target : vod.posterUrl;
      });
    } catch (error) {
      this.logger.warn(`thumbnails of VOD ${vodId}: ${(error as Error).message}`);
      return times.map(() => null);
    }
  }

  private async storyboard(vodId: string): Promise<Cue[]> {
    const cached = this.storyboards.get(vodId);
    if (cached) return cached;
    const object = await this.storage.get(`vod/${vodId}/${VOD_FILES.storyboardVtt}`);
    if (!object) return [];
    const chunks: Buffer[] = [];
    for await (const chunk of object.body) chunks.push(chunk as Buffer);
    const cues = parseStoryboard(Buffer.concat(chunks).toString('utf8'));
    if (this.storyboards.size >= STORYBOARD_CACHE) this.storyboards.clear();
    this.storyboards.set(vodId, cues);
    return cues;
  }
}
