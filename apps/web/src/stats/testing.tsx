import type { LiveStats, SessionTimeline, VodStats } from '@onda/contracts';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ApiError, type ViewerApi } from '../api/client';
import type { ConsoleApi } from '../api/console-client';
import { AppProviders, AppRoutes } from '../app';
import { createI18n, type Language } from '../i18n/i18n';
import type { ChatReplayPage, ReplayMessage, StatsApi } from './stats-api';
import { StatsApiProvider } from './stats-context';

/** An in-memory StatsApi; every call is recorded as `"<method> <args>"`. */
export class FakeStatsApi implements StatsApi {
  live = new Map<string, LiveStats>();
  timelines = new Map<string, SessionTimeline>();
  vods = new Map<string, VodStats>();
  /** Chat of recordings by VOD id. */
  chat = new Map<string, ReplayMessage[]>();
  calls: string[] = [];

  async getLiveStats(id: string): Promise<LiveStats> {
    this.calls.push(`getLiveStats ${id}`);
    return found(this.live.get(id), id);
  }
  async getTimeline(id: string): Promise<SessionTimeline> {
    this.calls.push(`getTimeline ${id}`);
    return found(this.timelines.get(id), id);
  }
  async getVodStats(id: string): Promise<VodStats> {
    this.calls.push(`getVodStats ${id}`);
    return found(this.vods.get(id), id);
  }
  async getVodChat(id: string, from: number, to: number): Promise<ChatReplayPage> {
    this.calls.push(`getVodChat ${id} ${from} ${to}`);
    const items = (this.chat.get(id) ?? []).filter((m) => m.offsetSeconds >= from && m.offsetSeconds < to);
    return { items, nextFrom: null };
  }
}

function found<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw new ApiError('not_found', 404, `nothing for ${id}`);
  return value;
}

/** Renders the app at `path` with fake viewer/console APIs and a fake StatsApi. */
export function renderWithStats(path: string, api: ViewerApi & Partial<ConsoleApi>, stats: FakeStatsApi, language: Language = 'en') {
  const i18n = createI18n(language);
  const consoleApi = 'me' in api ? (api as ConsoleApi) : undefined;
  const result = render(
    <AppProviders api={api} consoleApi={consoleApi} i18n={i18n}>
      <StatsApiProvider api={stats}>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
        </MemoryRouter>
      </StatsApiProvider>
    </AppProviders>,
  );
  return { ...result, i18n };
}

const minute = (start: string, i: number) => new Date(Date.parse(start) + i * 60_000).toISOString();

/** A finished broadcast of 6 minutes: numbers picked so every formatted value is easy to check. */
export function liveStatsFixture(liveSessionId: string, channelId: string, overrides: Partial<LiveStats> = {}): LiveStats {
  const startedAt = '2026-03-01T12:00:00.000Z';
  const viewers = [0, 3, 1204, 1500, 900, 0];
  return {
    liveSessionId,
    channelId,
    startedAt,
    endedAt: '2026-03-01T12:06:00.000Z',
    concurrentNow: 0,
    peakConcurrent: 1500,
    averageConcurrent: 601.17,
    uniqueViewers: 2345,
    watchSeconds: 12_300,
    viewersPerMinute: viewers.map((v, i) => ({ minute: minute(startedAt, i), viewers: v, chatMessages: i * 10 })),
    renditions: { '720p': 0.6, '480p': 0.3, '360p': 0.1 },
    qoe: { playbacks: 2500, startupMsP50: 1234, startupMsP90: 3456, rebufferRatio: 0.0125, rebufferEvents: 42, errors: 7, fatalErrors: 1 },
    countries: null,
    ingest: [0, 1, 2].map((i) => ({ at: minute(startedAt, i), bitrateKbps: 2500 + i * 10, fps: 30, keyframeIntervalSeconds: 2, droppedFrames: i, speed: 1 })),
    ...overrides,
  };
}

export function timelineFixture(liveSessionId: string, vodId: string | null): SessionTimeline {
  return {
    liveSessionId,
    vodId,
    bucketSeconds: 10,
    buckets: Array.from({ length: 36 }, (_, i) => ({
      start: i * 10,
      chatMessages: i === 12 ? 40 : 2,
      uniqueChatters: i === 12 ? 15 : 1,
      reactions: i === 12 ? 9 : 0,
      viewers: 100 + i,
      vodSessions: 3,
    })),
    highlights: [
      { start: 120, end: 130, score: 4.25, reasons: ['chat x4.2 over baseline'], signals: [{ kind: 'chat-ratio', ratio: 4.2 }], url: vodId ? `/v/${vodId}?t=120` : null, thumbnailUrl: null },
      { start: 200, end: 220, score: 2, reasons: ['viewer peak (80)'], signals: [{ kind: 'viewer-peak', viewers: 80 }], url: vodId ? `/v/${vodId}?t=200` : null, thumbnailUrl: '/media/x/storyboard/sprite-1.jpg#xywh=320,0,160,90' },
    ],
  };
}

export function vodStatsFixture(vodId: string): VodStats {
  return {
    vodId,
    views: 80,
    uniqueViewers: 64,
    watchSeconds: 4000,
    retention: Array.from({ length: 9 }, (_, i) => ({ start: i * 10, sessions: 80 - i * 8 })),
    qoe: { playbacks: 80, startupMsP50: 800, startupMsP90: 2100, rebufferRatio: 0, rebufferEvents: 0, errors: 0, fatalErrors: 0 },
  };
}

/** A two-cue storyboard: 0-150 s in the first tile, 150-300 s in the second. */
export const StoryboardVtt = ['WEBVTT', '', '00:00:00.000 --> 00:02:30.000', 'sprite-0.jpg#xywh=0,0,160,90', '', '00:02:30.000 --> 00:05:00.000', 'sprite-0.jpg#xywh=160,0,160,90', ''].join('\n');
