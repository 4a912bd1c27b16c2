import {
  LiveStatsSchema,
  SessionTimelineSchema,
  VodChatReplaySchema,
  VodStatsSchema,
  type ChatReplayItem,
  type LiveStats,
  type SessionTimeline,
  type VodChatReplay,
  type VodStats,
} from '@onda/contracts';
import { ApiClient } from '../api/client';

/** A chat message of a recording, placed on its timeline (seconds since the broadcast started). */
export type ReplayMessage = ChatReplayItem;

/** One window of chat replay; `nextFrom` continues a window the server cut short (null: the window is complete). */
export type ChatReplayPage = VodChatReplay;

/** Statistics and chat replay over REST; the console dashboards and the VOD page use it, tests fake it. */
export interface StatsApi {
  getLiveStats(liveSessionId: string, signal?: AbortSignal): Promise<LiveStats>;
  getTimeline(liveSessionId: string, signal?: AbortSignal): Promise<SessionTimeline>;
  getVodStats(vodId: string, signal?: AbortSignal): Promise<VodStats>;
  /** Chat of a recording with `from <= offsetSeconds < to`. */
  getVodChat(vodId: string, from: number, to: number, signal?: AbortSignal): Promise<ChatReplayPage>;
}

/** Where the CSV export of a dashboard is (same route, `?format=csv`; the session cookie authorises the download). */
export function statsCsvUrl(kind: 'live' | 'timeline' | 'vod', id: string): string {
  const enc = encodeURIComponent(id);
  if (kind === 'vod') return `/v1/vods/${enc}/stats?format=csv`;
  return `/v1/live-sessions/${enc}/${kind === 'live' ? 'stats' : 'timeline'}?format=csv`;
}

const enc = encodeURIComponent;
const seconds = (value: number) => String(Math.max(0, Math.round(value * 1000) / 1000));

/** The REST client for statistics; shares ApiClient's fetch, cookie and problem+json handling. */
export class StatsRestClient extends ApiClient implements StatsApi {
  getLiveStats(liveSessionId: string, signal?: AbortSignal): Promise<LiveStats> {
    return this.request('GET', `/v1/live-sessions/${enc(liveSessionId)}/stats`, LiveStatsSchema, { signal });
  }

  getTimeline(liveSessionId: string, signal?: AbortSignal): Promise<SessionTimeline> {
    return this.request('GET', `/v1/live-sessions/${enc(liveSessionId)}/timeline`, SessionTimelineSchema, { signal });
  }

  getVodStats(vodId: string, signal?: AbortSignal): Promise<VodStats> {
    return this.request('GET', `/v1/vods/${enc(vodId)}/stats`, VodStatsSchema, { signal });
  }

  getVodChat(vodId: string, from: number, to: number, signal?: AbortSignal): Promise<ChatReplayPage> {
    const params = new URLSearchParams({ from: seconds(from), to: seconds(to) });
    return this.request('GET', `/v1/vods/${enc(vodId)}/chat?${params}`, VodChatReplaySchema, { signal });
  }
}
