import type { Page } from 'playwright-core';
import { BARCODE_BITS, BARCODE_HEIGHT } from './barcode.js';
import type { LatencyPoint } from './timeline.js';

/** One reading of the picture on screen: the source frame number decoded from the barcode. */
export interface FrameSample {
  /** Date.now() when the displayed frame was grabbed. */
  at: number;
  frame: number;
  width: number;
  height: number;
}

/**
 * One row of the player timeline (every 250 ms, and on each hls.js playlist/fragment/stall event): where the
 * seconds and stalls of a viewer come from. `edge` is the newest media the player's playlist names, `latency`
 * and `target` hls.js's own (edge + playlist age - currentTime, and its target), `ahead` the buffer.
 */
export interface PlayerTraceRow {
  at: number;
  ev: string;
  ct: number;
  ahead: number;
  rate: number;
  paused: boolean;
  rs: number;
  edge?: number;
  latency?: number;
  target?: number | null;
  info?: string;
}

/** What the page recorded about its viewer. */
export interface ViewerLog {
  /** Date.now() when the first frame was presented (requestVideoFrameCallback), or null. */
  firstFrameAt: number | null;
  samples: FrameSample[];
  /** Time spent waiting for data after the first frame (video `waiting` until playback moves again). */
  stallMs: number;
  stalls: number;
  /** From the first frame to the end of the window. */
  watchedMs: number;
  /** Player timeline (pages that expose their hls.js as `window.__onda.hls`). */
  trace: PlayerTraceRow[];
}

declare global {
  interface Window {
    __viewer?: {
      firstFrameAt: number | null;
      samples: FrameSample[];
      stallMs: number;
      stalls: number;
      stallStart: number | null;
      trace: PlayerTraceRow[];
    };
  }
}

/**
 * Installs the glass-to-glass probe before any page script runs: every `everyMs` it draws the barcode band
 * of the frame the <video> shows into a canvas and decodes the frame number (bit k = box k, luma >= 128,
 * 5x5 patch per box so a compression artefact cannot flip a bit), and it times stalls from `waiting` to
 * the next `playing`/advancing `timeupdate`. Works at any rendition: box positions scale with the picture.
 */
export async function installViewerProbe(page: Page, sourceWidth: number, sourceHeight: number, everyMs = 500): Promise<void> {
  await page.addInitScript(({ sourceWidth, sourceHeight, bits, band, everyMs }) => {
    const state = { firstFrameAt: null as number | null, samples: [] as FrameSample[], stallMs: 0, stalls: 0, stallStart: null as number | null, trace: [] as PlayerTraceRow[] };
    window.__viewer = state;
    const tracedHls = new WeakSet<object>();
    const row = (ev: string, info?: string): void => {
      const video = document.querySelector('video');
      if (!video) return;
      const b = video.buffered;
      let ahead = 0;
      for (let i = 0; i < b.length; i++) if (b.start(i) <= video.currentTime + 0.1 && b.end(i) > video.currentTime) ahead = b.end(i) - video.currentTime;
      const hls = (window as unknown as { __onda?: { hls: { latestLevelDetails?: { edge: number } | null; latency: number; targetLatency: number | null } | null } }).__onda?.hls;
      const r: PlayerTraceRow = { at: Date.now(), ev, ct: +video.currentTime.toFixed(3), ahead: +ahead.toFixed(3), rate: video.playbackRate, paused: video.paused, rs: video.readyState };
      if (hls) {
        r.edge = hls.latestLevelDetails?.edge;
        r.latency = +hls.latency.toFixed(3);
        r.target = hls.targetLatency;
      }
      if (info) r.info = info;
      state.trace.push(r);
    };
    setInterval(() => {
      row('tick');
      const hls = (window as unknown as { __onda?: { hls: { on(e: string, f: (e: string, d: Record<string, unknown>) => void): void } | null } }).__onda?.hls;
      if (hls && !tracedHls.has(hls)) {
        tracedHls.add(hls);
        hls.on('hlsLevelUpdated', (_e, d) => row('level', String((d.details as { edge: number }).edge)));
        hls.on('hlsFragLoaded', (_e, d) => {
          const f = d.frag as { sn: number; start: number; duration: number };
          row('frag', `${f.sn} ${f.start.toFixed(2)}+${f.duration.toFixed(2)}`);
        });
        hls.on('hlsError', (_e, d) => row('error', String(d.details)));
      }
    }, 250);
    const hooked = new WeakSet<HTMLVideoElement>();
    const canvas = document.createElement('canvas');
    const endStall = (): void => {
      if (state.stallStart !== null) {
        state.stallMs += Date.now() - state.stallStart;
        state.stallStart = null;
      }
    };
    const hook = (video: HTMLVideoElement): void => {
      hooked.add(video);
      let lastTime = -1;
      const first = (): void => {
        if (state.firstFrameAt === null) state.firstFrameAt = Date.now();
      };
      if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(first);
      video.addEventListener('playing', () => {
        first();
        endStall();
      });
      for (const ev of ['playing', 'waiting', 'pause', 'play', 'ratechange', 'seeking', 'loadeddata']) video.addEventListener(ev, () => row(ev));
      video.addEventListener('waiting', () => {
        if (state.firstFrameAt !== null && state.stallStart === null) {
          state.stallStart = Date.now();
          state.stalls += 1;
        }
      });
      video.addEventListener('timeupdate', () => {
        if (video.currentTime > lastTime && lastTime >= 0 && video.readyState >= 3) endStall();
        lastTime = video.currentTime;
      });
    };
    setInterval(() => {
      const video = document.querySelector('video');
      if (!video) return;
      if (!hooked.has(video)) hook(video);
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!w || !h || video.readyState < 2 || state.firstFrameAt === null) return;
      const bandH = Math.max(1, Math.round((band * h) / sourceHeight));
      canvas.width = w;
      canvas.height = bandH;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0, w, bandH, 0, 0, w, bandH);
      const at = Date.now();
      const box = Math.floor(sourceWidth / bits);
      let frame = 0;
      for (let k = 0; k < bits; k++) {
        const x = Math.round(((k * box + box / 2) * w) / sourceWidth);
        const y = Math.floor(bandH / 2);
        const d = ctx.getImageData(x - 2, Math.max(0, y - 2), 5, Math.min(5, bandH)).data;
        let sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
        if (sum / (d.length / 4) >= 128) frame += 2 ** k;
      }
      state.samples.push({ at, frame, width: w, height: h });
    }, everyMs);
  }, { sourceWidth, sourceHeight, bits: BARCODE_BITS, band: BARCODE_HEIGHT, everyMs });
}

/** Reads what the probe recorded, closing a stall still open at the end of the window. */
export async function readViewerLog(page: Page): Promise<ViewerLog> {
  return page.evaluate(() => {
    const s = window.__viewer;
    const now = Date.now();
    if (!s) return { firstFrameAt: null, samples: [], stallMs: 0, stalls: 0, watchedMs: 0, trace: [] };
    const open = s.stallStart !== null ? now - s.stallStart : 0;
    return { firstFrameAt: s.firstFrameAt, samples: s.samples, stallMs: s.stallMs + open, stalls: s.stalls, watchedMs: s.firstFrameAt === null ? 0 : now - s.firstFrameAt, trace: s.trace };
  });
}

/**
 * Latency of each trustworthy sample: glass time minus the moment the source frame was sent (publisher spawn
 * + frame / fps; `-re` starts its clock a few tens of ms after the spawn, so this errs slightly high for
 * every contender alike). A sample is dropped when its frame cannot have been sent yet or runs backwards
 * (a mis-read), and counted.
 */
export function latencies(samples: readonly FrameSample[], spawnedAt: number, fps: number): { ms: number[]; points: LatencyPoint[]; dropped: number } {
  const ms: number[] = [];
  const points: LatencyPoint[] = [];
  let dropped = 0;
  let last = -1;
  for (const s of samples) {
    const sentAt = spawnedAt + (s.frame * 1000) / fps;
    if (s.frame <= 0 || sentAt > s.at || s.frame < last) {
      dropped++;
      continue;
    }
    last = s.frame;
    ms.push(s.at - sentAt);
    points.push({ at: s.at, ms: s.at - sentAt });
  }
  return { ms, points, dropped };
}
