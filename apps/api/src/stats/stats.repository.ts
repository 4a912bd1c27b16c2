import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';
import { newPlaybackState, type PlaybackState, type PlaybackUpdate, type ReceivedBeacon, type StatsTarget } from './stats.aggregate.js';

/** A beacon ready to be written: validated, its target known. */
export interface QueuedBeacon extends ReceivedBeacon {
  target: StatsTarget;
}

export interface IngestResult {
  /** Beacons written (new playbackId + seq). */
  inserted: number;
  /** Retried beacons already stored, skipped. */
  duplicates: number;
}

/** Turns a playback's new beacons into its update; run under the playback's row lock. */
export type Aggregate = (state: PlaybackState, beacons: QueuedBeacon[], target: StatsTarget) => PlaybackUpdate;

/** A chat message as the broadcast's replay shows it. */
export type ReplayMessage = { id: string; channelId: string; kind: 'message' | 'announcement'; authorKey: string; nickname: string; role: string; registered: boolean; text: string; masked: boolean; createdAt: Date };
const replaySelect = { id: true, channelId: true, kind: true, authorKey: true, nickname: true, role: true, registered: true, text: true, masked: true, createdAt: true } as const;

export interface LiveSessionRow {
  id: string;
  channelId: string;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface VodRow {
  id: string;
  channelId: string;
  liveSessionId: string | null;
  durationSeconds: number | null;
  status: string;
  channel: { ownerId: string; visibility: string };
}

export interface PlaybackSummary {
  playbacks: number;
  /** Playbacks that played at least a moment (a VOD's views). */
  watchedPlaybacks: number;
  uniqueViewers: number;
  watchSeconds: number;
  stallMs: number;
  rebufferEvents: number;
  errors: number;
  fatalErrors: number;
  startupMsP50: number | null;
  startupMsP90: number | null;
  activeNow: number;
}

export interface IngestHealthRow {
  at: Date;
  bitrateKbps: number;
  fps: number;
  keyframeIntervalSeconds: number | null;
  droppedFrames: number;
  speed: number | null;
}

/** Chat messages that viewers saw (delivered, masked, or held and approved); deleted ones still count as activity. */
const SHOWN = `(outcome IN ('delivered', 'masked') OR (outcome = 'held' AND approved IS TRUE))`;
/** The key of `pg_try_advisory_xact_lock` for the raw-beacon cleanup: one API node at a time. */
const RETENTION_LOCK = 6_0601_0001;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Statistics tables (stats_*) and the reads of chat and VOD data they are joined with. */
@Injectable()
export class StatsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async liveSessions(ids: string[]): Promise<LiveSessionRow[]> {
    if (!ids.length) return [];
    return this.prisma.liveSession.findMany({ where: { id: { in: ids } }, select: { id: true, channelId: true, createdAt: true, startedAt: true, endedAt: true } });
  }

  async vods(ids: string[]): Promise<Array<{ id: string; durationSeconds: number | null }>> {
    if (!ids.length) return [];
    return this.prisma.vod.findMany({ where: { id: { in: ids } }, select: { id: true, durationSeconds: true } });
  }

  /** The channel of a live session: who owns it and who may see it (playback tickets). */
  async sessionChannel(id: string): Promise<{ channelId: string; ownerId: string; visibility: string } | null> {
    const row = await this.prisma.liveSession.findUnique({ where: { id }, select: { channelId: true, channel: { select: { ownerId: true, visibility: true } } } });
    return row ? { channelId: row.channelId, ...row.channel } : null;
  }

  /** The channel of a VOD, as sessionChannel. */
  async vodChannel(id: string): Promise<{ channelId: string; ownerId: string; visibility: string } | null> {
    const row = await this.prisma.vod.findUnique({ where: { id }, select: { channelId: true, channel: { select: { ownerId: true, visibility: true } } } });
    return row ? { channelId: row.channelId, ...row.channel } : null;
  }

  /** The session with its channel's owner (who may read its statistics is managesChannel's to say). */
  async liveSessionWithOwner(id: string): Promise<(LiveSessionRow & { ownerId: string }) | null> {
    const row = await this.prisma.liveSession.findUnique({ where: { id }, select: { id: true, channelId: true, createdAt: true, startedAt: true, endedAt: true, channel: { select: { ownerId: true } } } });
    if (!row) return null;
    const { channel, ...session } = row;
    return { ...session, ownerId: channel.ownerId };
  }

  async liveSession(id: string): Promise<LiveSessionRow | null> {
    return this.prisma.liveSession.findUnique({ where: { id }, select: { id: true, channelId: true, createdAt: true, startedAt: true, endedAt: true } });
  }

  async vod(id: string): Promise<VodRow | null> {
    return this.prisma.vod.findUnique({
      where: { id },
      select: { id: true, channelId: true, liveSessionId: true, durationSeconds: true, status: true, channel: { select: { ownerId: true, visibility: true } } },
    });
  }

  /**
   * Writes a batch in one transaction, one statement per table: the raw beacons (the primary key drops retried
   * ones), then the playbacks they belong to (created, locked in id order, updated from `aggregate`), then the
   * bucket counters, plus chat reactions per live bucket.
   */
  async ingest(beacons: QueuedBeacon[], reactions: Map<string, Map<number, number>>, aggregate: Aggregate): Promise<IngestResult> {
    return this.prisma.$transaction(
      async (tx) => {
        // A retry may sit in the same batch as its original: keep the first of each playbackId + seq.
        const unique = new Map<string, QueuedBeacon>();
        for (const q of beacons) {
          const key = `${q.beacon.playbackId}\u0000${q.beacon.seq}`;
          if (!unique.has(key)) unique.set(key, q);
        }
        const sorted = [...unique.values()].sort((a, b) => (a.beacon.playbackId < b.beacon.playbackId ? -1 : a.beacon.playbackId > b.beacon.playbackId ? 1 : a.beacon.seq - b.beacon.seq));
        const stored = sorted.length
          ? await tx.$queryRawUnsafe<Array<{ playback_id: string; seq: number }>>(
              `INSERT INTO stats_beacons (playback_id, seq, viewer_id, live_session_id, vod_id, received_at, position, watched_seconds, rendition, played, events)
               SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::uuid[], $5::uuid[], $6::timestamptz[], $7::float8[], $8::float8[], $9::text[], $10::jsonb[], $11::jsonb[])
               ON CONFLICT DO NOTHING RETURNING playback_id, seq`,
              sorted.map((q) => q.beacon.playbackId),
              sorted.map((q) => q.beacon.seq),
              sorted.map((q) => q.beacon.viewerId),
              sorted.map((q) => q.beacon.liveSessionId ?? null),
              sorted.map((q) => q.beacon.vodId ?? null),
              sorted.map((q) => new Date(q.receivedAt).toISOString()),
              sorted.map((q) => q.beacon.position),
              sorted.map((q) => q.beacon.watchedSeconds),
              sorted.map((q) => q.beacon.rendition),
              sorted.map((q) => (q.beacon.played ? JSON.stringify(q.beacon.played) : null)),
              sorted.map((q) => JSON.stringify(q.beacon.events)),
            )
          : [];
        const fresh = new Set(stored.map((r) => `${r.playback_id}\u0000${r.seq}`));
        const byPlayback = new Map<string, QueuedBeacon[]>();
        for (const q of sorted) {
          if (!fresh.has(`${q.beacon.playbackId}\u0000${q.beacon.seq}`)) continue;
          const list = byPlayback.get(q.beacon.playbackId);
          if (list) list.push(q);
          else byPlayback.set(q.beacon.playbackId, [q]);
        }
        const ids = [...byPlayback.keys()];
        const live = new Map<string, { viewers: number; reactions: number }>();
        const minutes = new Map<string, number>();
        const vod = new Map<string, number>();
        const bump = <V>(map: Map<string, V>, key: string, fn: (v: V | undefined) => V): void => void map.set(key, fn(map.get(key)));
        for (const [sessionId, counts] of reactions) {
          for (const [bucket, n] of counts) bump(live, `${sessionId}|${bucket}`, (v) => ({ viewers: v?.viewers ?? 0, reactions: (v?.reactions ?? 0) + n }));
        }
        if (ids.length) {
          const firsts = ids.map((id) => byPlayback.get(id)![0]!);
          await tx.$executeRawUnsafe(
            `INSERT INTO stats_playbacks (playback_id, viewer_id, live_session_id, vod_id, country, first_at, last_at)
             SELECT u.*, u.first_at FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[]) AS u(playback_id, viewer_id, live_session_id, vod_id, country, first_at)
             ORDER BY u.playback_id ON CONFLICT (playback_id) DO NOTHING`,
            ids,
            firsts.map((q) => q.beacon.viewerId),
            firsts.map((q) => q.beacon.liveSessionId ?? null),
            firsts.map((q) => q.beacon.vodId ?? null),
            firsts.map((q) => q.country),
            firsts.map((q) => new Date(Math.min(...byPlayback.get(q.beacon.playbackId)!.map((b) => b.receivedAt))).toISOString()),
          );
          const rows = await tx.$queryRawUnsafe<Array<{
            playback_id: string; live_session_id: string | null; vod_id: string | null; last_bucket: number; last_minute: number;
            vod_buckets: Uint8Array | null; rendition_seconds: Record<string, number>; startup_ms: number | null; ended: boolean;
          }>>(
            `SELECT playback_id, live_session_id, vod_id, last_bucket, last_minute, vod_buckets, rendition_seconds, startup_ms, ended
             FROM stats_playbacks WHERE playback_id = ANY($1::text[]) ORDER BY playback_id FOR UPDATE`,
            ids,
          );
          const updates: Array<{ id: string; u: PlaybackUpdate }> = [];
          for (const row of rows) {
            const list = byPlayback.get(row.playback_id)!;
            const target = list[0]!.target;
            // A playbackId reused for another source (a client bug) does not mix two sources' statistics.
            if ((target.kind === 'live' ? row.live_session_id : row.vod_id) !== target.id) continue;
            const state: PlaybackState = {
              ...newPlaybackState(),
              lastBucket: row.last_bucket,
              lastMinute: row.last_minute,
              vodBuckets: row.vod_buckets ? new Uint8Array(row.vod_buckets) : null,
              renditionSeconds: row.rendition_seconds ?? {},
              startupMs: row.startup_ms,
              ended: row.ended,
            };
            const u = aggregate(state, list, target);
            updates.push({ id: row.playback_id, u });
            for (const b of u.liveBuckets) bump(live, `${target.id}|${b}`, (v) => ({ viewers: (v?.viewers ?? 0) + 1, reactions: v?.reactions ?? 0 }));
            for (const m of u.liveMinutes) bump(minutes, `${target.id}|${m}`, (v) => (v ?? 0) + 1);
            for (const b of u.vodBuckets) bump(vod, `${target.id}|${b}`, (v) => (v ?? 0) + 1);
          }
          if (updates.length) {
            await tx.$executeRawUnsafe(
              `UPDATE stats_playbacks p SET
                 last_at = greatest(p.last_at, u.last_at), beacons = p.beacons + u.beacons, watch_seconds = p.watch_seconds + u.watch_seconds,
                 stall_ms = p.stall_ms + u.stall_ms, rebuffer_events = p.rebuffer_events + u.rebuffer_events, errors = p.errors + u.errors,
                 fatal_errors = p.fatal_errors + u.fatal_errors, startup_ms = u.startup_ms, ended = u.ended, rendition_seconds = u.rendition_seconds,
                 last_bucket = u.last_bucket, last_minute = u.last_minute, vod_buckets = decode(u.vod_buckets, 'hex')
               FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::float8[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::boolean[],
                           $11::jsonb[], $12::int[], $13::int[], $14::text[])
                 AS u(playback_id, last_at, beacons, watch_seconds, stall_ms, rebuffer_events, errors, fatal_errors, startup_ms, ended,
                      rendition_seconds, last_bucket, last_minute, vod_buckets)
               WHERE p.playback_id = u.playback_id`,
              updates.map((x) => x.id),
              updates.map((x) => new Date(x.u.lastAt).toISOString()),
              updates.map((x) => x.u.beacons),
              updates.map((x) => x.u.watchSeconds),
              updates.map((x) => Math.round(x.u.stallMs)),
              updates.map((x) => x.u.rebufferEvents),
              updates.map((x) => x.u.errors),
              updates.map((x) => x.u.fatalErrors),
              updates.map((x) => x.u.state.startupMs),
              updates.map((x) => x.u.state.ended),
              updates.map((x) => JSON.stringify(x.u.state.renditionSeconds)),
              updates.map((x) => x.u.state.lastBucket),
              updates.map((x) => x.u.state.lastMinute),
              // Hex text, not Buffers: in a parameter array that starts with null, Buffers would reach PostgreSQL as base64 text.
              updates.map((x) => (x.u.state.vodBuckets ? Buffer.from(x.u.state.vodBuckets).toString('hex') : null)),
            );
          }
        }
        await this.addCounters(tx, 'stats_live_buckets', 'live_session_id', 'bucket', live, ['viewers', 'reactions'], (v) => [v.viewers, v.reactions]);
        await this.addCounters(tx, 'stats_live_minutes', 'live_session_id', 'minute', minutes, ['viewers'], (v) => [v]);
        await this.addCounters(tx, 'stats_vod_buckets', 'vod_id', 'bucket', vod, ['sessions'], (v) => [v]);
        return { inserted: fresh.size, duplicates: beacons.length - fresh.size };
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  }

  /** One multi-row upsert that adds to counters keyed `<uuid>|<slot>`, in key order (no deadlock between nodes). */
  private async addCounters<V>(
    tx: Pick<PrismaClient, '$executeRawUnsafe'>, table: string, idColumn: string, slotColumn: string, counters: Map<string, V>, columns: string[], values: (v: V) => number[],
  ): Promise<void> {
    if (!counters.size) return;
    const entries = [...counters].map(([key, v]) => {
      const bar = key.indexOf('|');
      return { id: key.slice(0, bar), slot: Number(key.slice(bar + 1)), values: values(v) };
    }).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.slot - b.slot));
    const params = columns.map((_, i) => `$${i + 3}::int[]`).join(', ');
    const set = columns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
    await tx.$executeRawUnsafe(
      `INSERT INTO ${table} (${idColumn}, ${slotColumn}, ${columns.join(', ')})
       SELECT * FROM unnest($1::uuid[], $2::int[], ${params}) ORDER BY 1, 2
       ON CONFLICT (${idColumn}, ${slotColumn}) DO UPDATE SET ${set}`,
      entries.map((e) => e.id),
      entries.map((e) => e.slot),
      ...columns.map((_, i) => entries.map((e) => e.values[i]!)),
    );
  }

  /** Totals and QoE over the playbacks of a live session or a VOD; `activeSince`: playbacks seen since then and not ended. */
  async summary(where: { liveSessionId: string } | { vodId: string }, activeSince: Date): Promise<PlaybackSummary> {
    const [column, id] = 'liveSessionId' in where ? ['live_session_id', where.liveSessionId] : ['vod_id', where.vodId];
    const [row] = await this.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT count(*) AS playbacks, count(*) FILTER (WHERE watch_seconds > 0) AS watched, count(DISTINCT viewer_id) AS unique_viewers, coalesce(sum(watch_seconds), 0) AS watch_seconds,
              coalesce(sum(stall_ms), 0) AS stall_ms, coalesce(sum(rebuffer_events), 0) AS rebuffer_events, coalesce(sum(errors), 0) AS errors,
              coalesce(sum(fatal_errors), 0) AS fatal_errors,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY startup_ms) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY startup_ms) AS p90,
              count(*) FILTER (WHERE last_at >= $2::timestamptz AND NOT ended) AS active_now
       FROM stats_playbacks WHERE ${column} = $1::uuid`,
      id,
      activeSince.toISOString(),
    );
    return {
      playbacks: num(row?.playbacks),
      watchedPlaybacks: num(row?.watched),
      uniqueViewers: num(row?.unique_viewers),
      watchSeconds: num(row?.watch_seconds),
      stallMs: num(row?.stall_ms),
      rebufferEvents: num(row?.rebuffer_events),
      errors: num(row?.errors),
      fatalErrors: num(row?.fatal_errors),
      startupMsP50: numOrNull(row?.p50),
      startupMsP90: numOrNull(row?.p90),
      activeNow: num(row?.active_now),
    };
  }

  /** Watched seconds per rendition over a live session's or VOD's playbacks. */
  async renditionSeconds(where: { liveSessionId: string } | { vodId: string }): Promise<Record<string, number>> {
    const [column, id] = 'liveSessionId' in where ? ['live_session_id', where.liveSessionId] : ['vod_id', where.vodId];
    const rows = await this.prisma.$queryRawUnsafe<Array<{ rendition: string; seconds: unknown }>>(
      `SELECT r.key AS rendition, sum(r.value::float8) AS seconds FROM stats_playbacks p, jsonb_each_text(p.rendition_seconds) r
       WHERE p.${column} = $1::uuid GROUP BY r.key`,
      id,
    );
    return Object.fromEntries(rows.map((r) => [r.rendition, num(r.seconds)]));
  }

  /** Distinct viewers per country code of a live session's playbacks. */
  async countries(liveSessionId: string): Promise<Record<string, number>> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ country: string; viewers: unknown }>>(
      `SELECT country, count(DISTINCT viewer_id) AS viewers FROM stats_playbacks WHERE live_session_id = $1::uuid AND country IS NOT NULL GROUP BY country`,
      liveSessionId,
    );
    return Object.fromEntries(rows.map((r) => [r.country, num(r.viewers)]));
  }

  async liveMinutes(liveSessionId: string): Promise<Map<number, number>> {
    const rows = await this.prisma.statsLiveMinute.findMany({ where: { liveSessionId }, select: { minute: true, viewers: true } });
    return new Map(rows.map((r) => [r.minute, r.viewers]));
  }

  async liveBuckets(liveSessionId: string): Promise<Map<number, { viewers: number; reactions: number }>> {
    const rows = await this.prisma.statsLiveBucket.findMany({ where: { liveSessionId }, select: { bucket: true, viewers: true, reactions: true } });
    return new Map(rows.map((r) => [r.bucket, { viewers: r.viewers, reactions: r.reactions }]));
  }

  async vodBuckets(vodId: string): Promise<Map<number, number>> {
    const rows = await this.prisma.statsVodBucket.findMany({ where: { vodId }, select: { bucket: true, sessions: true } });
    return new Map(rows.map((r) => [r.bucket, r.sessions]));
  }

  /** Chat messages viewers saw and distinct chatters per slot of `slotSeconds` since `t0` (slot < 0 folded into 0). */
  async chatActivity(liveSessionId: string, t0: Date, slotSeconds: number): Promise<Map<number, { messages: number; chatters: number }>> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ slot: number; messages: unknown; chatters: unknown }>>(
      `SELECT greatest(0, floor(extract(epoch FROM (created_at - $2::timestamptz)) / $3))::int AS slot,
              count(*) AS messages, count(DISTINCT author_key) AS chatters
       FROM chat_messages WHERE live_session_id = $1::uuid AND kind = 'message' AND ${SHOWN}
       GROUP BY 1`,
      liveSessionId,
      t0.toISOString(),
      slotSeconds,
    );
    return new Map(rows.map((r) => [r.slot, { messages: num(r.messages), chatters: num(r.chatters) }]));
  }

  /** Visible chat messages of a broadcast between two times, oldest first. */
  async chatBetween(liveSessionId: string, from: Date, to: Date, limit: number): Promise<ReplayMessage[]> {
    return this.prisma.chatMessage.findMany({
      where: {
        liveSessionId,
        deletedAt: null,
        createdAt: { gte: from, lte: to },
        OR: [{ outcome: { in: ['delivered', 'masked'] } }, { outcome: 'held', approved: true }],
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: replaySelect,
    });
  }

  /** Stores one ingest health point; false when the session does not exist. */
  async addIngestHealth(liveSessionId: string, p: IngestHealthRow): Promise<boolean> {
    if ((await this.prisma.liveSession.count({ where: { id: liveSessionId } })) === 0) return false;
    await this.prisma.statsIngestHealth.createMany({ data: [{ liveSessionId, ...p }], skipDuplicates: true });
    return true;
  }

  async ingestHealth(liveSessionId: string): Promise<IngestHealthRow[]> {
    return this.prisma.statsIngestHealth.findMany({
      where: { liveSessionId },
      orderBy: { at: 'asc' },
      select: { at: true, bitrateKbps: true, fps: true, keyframeIntervalSeconds: true, droppedFrames: true, speed: true },
    });
  }

  /**
   * Deletes up to `chunk` raw beacons received before `cutoff`, holding the retention lock for the transaction;
   * null when another API node holds it (it is doing the same work).
   */
  async deleteRawChunk(cutoff: Date, chunk: number): Promise<number | null> {
    return this.prisma.$transaction(async (tx) => {
      const [lock] = await tx.$queryRawUnsafe<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`, RETENTION_LOCK);
      if (!lock?.locked) return null;
      return tx.$executeRawUnsafe(
        `DELETE FROM stats_beacons WHERE ctid = ANY (ARRAY(SELECT ctid FROM stats_beacons WHERE received_at < $1::timestamptz LIMIT $2))`,
        cutoff.toISOString(),
        chunk,
      );
    });
  }
}
