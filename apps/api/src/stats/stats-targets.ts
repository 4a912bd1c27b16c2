import { Inject, Injectable } from '@nestjs/common';
import type { Beacon } from '@onda/contracts';
import type { StatsTarget } from './stats.aggregate.js';
import { STATS_OPTIONS, type StatsOptions } from './stats.options.js';
import { StatsRepository } from './stats.repository.js';

/** Known targets are re-read after this long (a session's end time changes once); unknown ids are remembered as long. */
const TTL_MS = 10_000;
const MAX_ENTRIES = 20_000;

/**
 * Which live sessions and VODs beacons may count for, cached briefly per API node. The cache only saves
 * reads: every answer comes from PostgreSQL, so all nodes agree within TTL_MS.
 */
@Injectable()
export class StatsTargets {
  private readonly cache = new Map<string, { target: StatsTarget | null; at: number }>();

  constructor(
    private readonly repo: StatsRepository,
    @Inject(STATS_OPTIONS) private readonly options: StatsOptions,
  ) {}

  /** The target of each beacon, or null when it must be ignored (unknown, or a live session over for longer than the grace). */
  async resolve(beacons: Beacon[]): Promise<Array<StatsTarget | null>> {
    const now = this.options.now();
    const missing = { live: new Set<string>(), vod: new Set<string>() };
    for (const b of beacons) {
      const key = b.liveSessionId ? `l:${b.liveSessionId}` : `v:${b.vodId}`;
      const hit = this.cache.get(key);
      if (hit && hit.at > now - TTL_MS) continue;
      if (b.liveSessionId) missing.live.add(b.liveSessionId);
      else missing.vod.add(b.vodId!);
    }
    if (missing.live.size || missing.vod.size) await this.load([...missing.live], [...missing.vod], now);
    return beacons.map((b) => {
      const target = this.cache.get(b.liveSessionId ? `l:${b.liveSessionId}` : `v:${b.vodId}`)?.target ?? null;
      if (target?.kind === 'live' && target.endMs !== null && target.endMs < now - this.options.liveGraceSeconds * 1000) return null;
      return target;
    });
  }

  /** A live session's target for chat reactions (no grace check: reactions come while it is live). */
  async live(liveSessionId: string): Promise<Extract<StatsTarget, { kind: 'live' }> | null> {
    const now = this.options.now();
    const key = `l:${liveSessionId}`;
    const hit = this.cache.get(key);
    if (!hit || hit.at <= now - TTL_MS) await this.load([liveSessionId], [], now);
    const target = this.cache.get(key)?.target ?? null;
    return target?.kind === 'live' ? target : null;
  }

  /** Forgets everything (after a failed write: a target may have been deleted). */
  clear(): void {
    this.cache.clear();
  }

  private async load(liveIds: string[], vodIds: string[], now: number): Promise<void> {
    const [sessions, vods] = await Promise.all([this.repo.liveSessions(liveIds), this.repo.vods(vodIds)]);
    if (this.cache.size > MAX_ENTRIES) this.cache.clear();
    for (const id of liveIds) this.cache.set(`l:${id}`, { target: null, at: now });
    for (const id of vodIds) this.cache.set(`v:${id}`, { target: null, at: now });
    for (const s of sessions) {
      this.cache.set(`l:${s.id}`, { target: { kind: 'live', id: s.id, channelId: s.channelId, startMs: s.createdAt.getTime(), endMs: s.endedAt?.getTime() ?? null }, at: now });
    }
    for (const v of vods) this.cache.set(`v:${v.id}`, { target: { kind: 'vod', id: v.id, durationSeconds: v.durationSeconds }, at: now });
  }
}
