import { describe, expect, it } from 'vitest';
import { apiClient, createChannel, publish } from '@onda/testing';
import { platformAndBrowser } from './support/browser-suite.js';

/**
 * A viewer waiting on the channel page is told over the chat socket it already holds that the broadcast
 * became playable (`live` item in a `frame`), and starts playing at once instead of on its next status
 * poll (5 s, a fallback only): the first picture at once, playback from where a joining viewer would
 * stand. Real parts: embedded platform, ffmpeg publishing over RTMP, Chromium.
 */

/** What the page records about the start: first picture, `playing`, the position then, stalls after it. */
interface StartProbe {
  pictureAt: number | null;
  playingAt: number | null;
  behind: number | null;
  target: number | null;
  stalls: number;
  /** What ended the player's wait: 'target' (its start position) or 'timeout'. */
  rule: string | null;
}
describe('a waiting viewer starts by push', () => {
  const e2e = platformAndBrowser();

  const api = apiClient(() => e2e.platform);

  // Both latency modes: normal (0.5 s first segment, then 2 s; target 2.5 s) and low (LL-HLS, a first segment of
  // one part, then one of two parts; target PART-HOLD-BACK).
  it.each(['normal', 'low'] as const)('%s latency: shows the stream within about a second of the `live` push (asking the API right after it) and plays from the target latency', async (latencyMode) => {
    const slug = `e2e-push-${latencyMode}`;
    const { publishUrl } = await createChannel(api, { slug, title: 'Push', reconnectWindowSeconds: 0, latencyMode });

    const page = await e2e.browser.newPage();
    let pushedAt: number | null = null;
    const channelRequests: number[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        if (pushedAt === null && String(payload).includes('"type":"live"')) pushedAt = Date.now();
      });
    });
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === `/v1/channels/${slug}`) channelRequests.push(Date.now());
    });
    await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
    await page.getByTestId('offline-state').waitFor({ timeout: 15_000 });
    // Joined to the chat room before the publish, as a viewer who has been waiting would be.
    await page.locator('[data-testid="chat-panel"][data-status="joined"]').waitFor({ timeout: 15_000 });
    await page.evaluate(() => {
      const w = window as unknown as { __start?: StartProbe };
      new MutationObserver(() => {
        const video = document.querySelector('video');
        if (video && !video.dataset.watched) {
          video.dataset.watched = '1';
          const start: StartProbe = { pictureAt: null, playingAt: null, behind: null, target: null, stalls: 0, rule: null };
          w.__start = start;
          // The first picture on screen (the player shows it while it waits for its start position).
          video.addEventListener('loadeddata', () => (start.pictureAt ??= Date.now()), { once: true });
          video.addEventListener('playing', () => {
            if (start.playingAt !== null) return;
            start.playingAt = Date.now();
            // Where playback began against the live edge, as hls.js reckons it (newest listed media + playlist age).
            const hls = (window as unknown as { __onda?: { hls: { latestLevelDetails: { edge: number; age: number } | null; targetLatency: number | null } | null } }).__onda?.hls;
            const d = hls?.latestLevelDetails;
            if (d) start.behind = d.edge + d.age - video.currentTime;
            start.target = hls?.targetLatency ?? null;
            start.rule = video.dataset.liveStart ?? null;
          });
          video.addEventListener('waiting', () => {
            if (start.playingAt !== null) start.stalls += 1;
          });
        }
      }).observe(document.body, { childList: true, subtree: true });
    });

    // Publish right after one of the page's 5 s status polls, so that the push (about 2 s later, once
    // the stream is playable) lands mid-cycle where a fetch caused by it cannot be the next poll.
    const polls = channelRequests.length;
    await expect.poll(() => channelRequests.length, { timeout: 15_000, interval: 20 }).toBeGreaterThan(polls);
    const publisher = publish(publishUrl, { seconds: 25 });
    try {
      const probe = async (): Promise<StartProbe> => (await page.evaluate(() => (window as unknown as { __start?: StartProbe }).__start!));
      await page.waitForFunction(() => (window as unknown as { __start?: StartProbe }).__start?.playingAt, undefined, { timeout: 45_000 });
      // Six seconds of playback: a start on the 0.5 s first segment stalled within the first two.
      await new Promise((r) => setTimeout(r, 6000));
      const start = await probe();
      const playingAt = start.playingAt!;
      expect(pushedAt).not.toBeNull();
      const pushed = pushedAt!;
      console.log(`channel requests relative to the push: ${channelRequests.map((t) => t - pushed).join(' ')} ms; picture ${start.pictureAt! - pushed} ms, playing ${playingAt - pushed} ms at ${start.behind?.toFixed(2)} s behind the edge (target ${start.target}, rule ${start.rule}), stalls in the next 6 s: ${start.stalls}; load ${(await import('node:os')).loadavg()[0]}`);
      // The page asked for the playback URL right after the push (tens of ms on an idle machine), long
      // before its next status poll (every 5 s) was due.
      const asked = channelRequests.find((t) => t >= pushed);
      const before = channelRequests.filter((t) => t < pushed).pop();
      expect(asked).toBeDefined();
      expect(before).toBeDefined();
      // Had the push caused nothing, the next request would be the poll 5 s after `before`: a request
      // within 1 s of the push proves it only if the push came in the first 3.5 s of the cycle (it
      // normally does: the publish started right after a poll). A push that a loaded machine delayed
      // past that cannot tell the two apart: logged rather than failed.
      if (pushed - before! > 3_500) console.warn(`push came ${pushed - before!} ms into a 5 s poll cycle: the request after it is not attributable`);
      else expect(asked! - pushed).toBeLessThan(1000);
      // The picture within ~1 s of the stream becoming playable; the bound leaves room for a 2-core CI box
      // shared with other work (measured 1.7 s at a load average of 21).
      expect(start.pictureAt! - pushed).toBeLessThan(2000);
      // Playback itself begins where a viewer joining later would stand, hls.js's target latency behind the
      // edge, not on the 0.5 s first segment (which ran dry before the next segment and stalled the viewer
      // back by several seconds): the player's start rule waits up to 5 s for that position, normally about
      // 2 s here (low latency: PART-HOLD-BACK, three parts). Only a start that hit that limit (a machine so busy the second segment came late) may stand
      // closer.
      expect(playingAt - pushed).toBeLessThan(8000);
      expect(start.rule).toMatch(/^(target|timeout)$/);
      if (start.rule === 'target') expect(start.behind!).toBeGreaterThanOrEqual(start.target! - 0.1);
      else console.warn('the start rule gave up waiting for its position: the second segment came late');
      console.log(`push -> channel request ${asked! - pushed} ms, push -> picture ${start.pictureAt! - pushed} ms, push -> playing ${playingAt - pushed} ms`);
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-20_000)}`);
      throw error;
    } finally {
      await publisher.stop();
      await page.close();
    }
  }, 120_000);
});
