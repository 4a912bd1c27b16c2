import type { LiveSessionDetail } from '@onda/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeChannel, makeLiveSession, makeVod } from '../test/fixtures';
import { FakeStatsApi, liveStatsFixture, renderWithStats, StoryboardVtt, timelineFixture, vodStatsFixture } from '../stats/testing';
import { StatsSessionPage } from './stats-session-page';
import { StatsVodPage } from './stats-vod-page';
import { FakeConsoleApi } from './testing';

const SESSION = '00000000-0000-4000-8000-00000000aaaa';

const card = (key: string) => within(screen.getByTestId(`card-${key}`)).getByRole('definition').textContent;
const qoe = (key: string) => within(screen.getByTestId(`qoe-${key}`)).getByRole('definition').textContent;

describe(StatsSessionPage.name, () => {
  let api: FakeConsoleApi;
  let stats: FakeStatsApi;
  const channel = makeChannel({ slug: 'show', title: 'Morning show' });
  let vodId: string;

  beforeEach(() => {
    api = new FakeConsoleApi();
    stats = new FakeStatsApi();
    api.channels.set(channel.id, channel);
    const vod = makeVod(channel.id, { liveSessionId: SESSION, durationSeconds: 360 });
    vodId = vod.id;
    api.vods.set(vod.id, vod);
    api.storyboards.set(vod.storyboardUrl!, StoryboardVtt);
    stats.live.set(SESSION, liveStatsFixture(SESSION, channel.id));
    stats.timelines.set(SESSION, timelineFixture(SESSION, vod.id));
  });

  it('shows the audience cards, QoE, charts, highlights with thumbnails and jump links, and CSV downloads', async () => {
    renderWithStats(`/console/sessions/${SESSION}/stats`, api, stats);

    await screen.findByTestId('session-stats');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Broadcast statistics · Morning show'));
    expect(card('peak')).toBe('1,500');
    expect(card('average')).toBe('601.2');
    expect(card('unique')).toBe('2,345');
    expect(card('watch')).toBe('3h 25m');
    // Ended: no "watching now".
    expect(screen.queryByTestId('card-now')).toBeNull();

    expect(qoe('playbacks')).toBe('2,500');
    expect(qoe('startup-p50')).toBe('1.23s');
    expect(qoe('startup-p90')).toBe('3.46s');
    expect(qoe('rebuffer-ratio')).toBe('1.3%');
    expect(qoe('rebuffers')).toBe('42');
    expect(qoe('errors')).toBe('7 (1)');

    // The charts are drawn (SVG surfaces with their series), the viewers chart with two value axes.
    const viewers = screen.getByTestId('viewers-chart');
    expect(viewers.querySelector('svg.recharts-surface')).not.toBeNull();
    expect(viewers.querySelectorAll('.recharts-yAxis')).toHaveLength(2);
    expect(viewers.querySelector('.recharts-area-area')).not.toBeNull();
    expect(viewers.querySelectorAll('.recharts-bar-rectangle').length).toBeGreaterThan(0);
    expect(viewers.textContent).toContain('1,200');
    expect(screen.getByTestId('rendition-chart').textContent).toContain('720p');
    expect(screen.getByTestId('ingest-charts').querySelectorAll('svg.recharts-surface')).toHaveLength(4);
    const timeline = await screen.findByTestId('timeline-chart');
    expect(timeline.querySelectorAll('.recharts-reference-area')).toHaveLength(2);
    expect(screen.getByText('Countries are not tracked (no GeoIP source configured).')).toBeTruthy();

    const highlights = await screen.findAllByTestId('highlight');
    expect(highlights).toHaveLength(2);
    expect(within(highlights[0]!).getByTestId('highlight-span').textContent).toBe('2:00 – 2:10');
    expect(within(highlights[0]!).getByTestId('highlight-link').getAttribute('href')).toBe(`/v/${vodId}?t=120`);
    expect(highlights[0]!.textContent).toContain('chat ×4.2 over baseline');
    // The first has no thumbnail of its own: the storyboard tile at 2:00 (first tile), cropped from the sprite.
    const sprite = await waitFor(() => within(highlights[0]!).getByTestId('highlight-sprite'));
    expect(sprite.style.backgroundImage).toContain(`/media/vod/${vodId}/sprite-0.jpg`);
    expect(sprite.style.backgroundPosition).toBe('0px 0px');
    // The second brings a sprite region of its own.
    const own = within(highlights[1]!).getByTestId('highlight-sprite');
    expect(own.style.backgroundImage).toBe('url("/media/x/storyboard/sprite-1.jpg")');
    expect(own.style.backgroundPosition).toBe('-320px 0px');

    expect(screen.getByTestId('csv-live').getAttribute('href')).toBe(`/v1/live-sessions/${SESSION}/stats?format=csv`);
    expect(screen.getByTestId('csv-timeline').getAttribute('href')).toBe(`/v1/live-sessions/${SESSION}/timeline?format=csv`);
    expect(screen.getByTestId('vod-stats-link').getAttribute('href')).toBe(`/console/vods/${vodId}/stats`);
  });

  it('formats for Korean and shows viewers now while the broadcast runs', async () => {
    stats.live.set(SESSION, liveStatsFixture(SESSION, channel.id, { endedAt: null, concurrentNow: 1204 }));
    renderWithStats(`/console/sessions/${SESSION}/stats`, api, stats, 'ko');

    await screen.findByTestId('session-stats');
    expect(card('now')).toBe('1,204');
    expect(card('watch')).toBe('3시간 25분');
    // Highlight reasons are worded from their data in the page's language.
    const highlights = await screen.findAllByTestId('highlight');
    expect(highlights[0]!.textContent).toContain('채팅 평소 대비 ×4.2');
    expect(highlights[1]!.textContent).toContain('최고 시청자 (80명)');
    expect(screen.getByTestId('card-peak').textContent).toContain('최고 동시 시청자');
    expect(qoe('startup-p50')).toBe('1.23초');
    expect(screen.getByText('LIVE').className).toContain('badge--live');
  });

  it('says so when there is no such session', async () => {
    renderWithStats('/console/sessions/00000000-0000-4000-8000-00000000ffff/stats', api, stats);
    expect((await screen.findByTestId('error-state')).textContent).toContain('nothing for');
  });

  it('is linked from the sessions list', async () => {
    const session: LiveSessionDetail = { ...makeLiveSession(channel.id, { id: SESSION }), lastHealth: null, source: null } as unknown as LiveSessionDetail;
    api.listLiveSessions = async () => ({ items: [session], nextCursor: null });
    renderWithStats('/console/sessions', api, stats);
    const link = await screen.findByTestId('open-session-stats');
    expect(link.getAttribute('href')).toBe(`/console/sessions/${SESSION}/stats`);
  });
});

describe(StatsVodPage.name, () => {
  it('shows views, watch time and the retention curve, and is linked from the VOD library', async () => {
    const api = new FakeConsoleApi();
    const stats = new FakeStatsApi();
    const channel = makeChannel({ slug: 'show' });
    api.channels.set('show', channel);
    const vod = makeVod(channel.id, { title: '지난 방송', liveSessionId: SESSION });
    api.vods.set(vod.id, vod);
    stats.vods.set(vod.id, vodStatsFixture(vod.id));

    const view = renderWithStats('/console/vods', api, stats);
    const link = await screen.findByTestId('open-vod-stats');
    expect(link.getAttribute('href')).toBe(`/console/vods/${vod.id}/stats`);
    view.unmount();

    renderWithStats(`/console/vods/${vod.id}/stats`, api, stats);
    await screen.findByTestId('vod-stats');
    expect(card('views')).toBe('80');
    expect(card('unique')).toBe('64');
    expect(card('watch')).toBe('1h 6m');
    expect(card('per-view')).toBe('50s');
    const retention = screen.getByTestId('retention-chart');
    expect(retention.querySelector('.recharts-area-curve')).not.toBeNull();
    expect(retention.textContent).toContain('0:30');
    expect(retention.textContent).toContain('1:30');
    expect(qoe('rebuffer-ratio')).toBe('0%');
    expect(screen.getByTestId('csv-vod').getAttribute('href')).toBe(`/v1/vods/${vod.id}/stats?format=csv`);
    expect(screen.getByTestId('session-stats-link').getAttribute('href')).toBe(`/console/sessions/${SESSION}/stats`);
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('VOD statistics · 지난 방송'));
  });
});
