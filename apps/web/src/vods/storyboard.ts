/** One storyboard thumbnail: the sprite region shown for times in [start, end). */
export interface StoryboardCue {
  start: number;
  end: number;
  /** Absolute URL of the sprite image (resolved against the WebVTT's URL, without the fragment). */
  url: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const TIMING = /^(\S+)\s+-->\s+(\S+)/;
// Media fragment `#xywh=x,y,w,h`, optionally with the `pixel:` unit (the only one that maps to a sprite).
const XYWH = /#xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)$/;

/** WebVTT timestamp `hh:mm:ss.ttt` or `mm:ss.ttt` in seconds, or NaN. */
export function parseVttTime(value: string): number {
  const match = /^(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})$/.exec(value);
  if (!match) return Number.NaN;
  const [, hours = '0', minutes, seconds, millis] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis) / 1000;
}

/**
 * Parses a thumbnail WebVTT (cues whose payload is `sprite.jpg#xywh=x,y,w,h`). Sprite URLs are resolved
 * against `vttUrl`, itself resolved against `base` (the page) when root-relative. Cues that are not
 * sprite regions are skipped; the result is sorted by start time. Not a WebVTT file: no cues.
 */
export function parseStoryboardVtt(text: string, vttUrl: string, base: string = globalThis.location?.href ?? 'http://localhost/'): StoryboardCue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (!/^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')) return [];
  const vttAbsolute = new URL(vttUrl, base);
  const cues: StoryboardCue[] = [];
  for (let i = 1; i < lines.length; i++) {
    const timing = TIMING.exec(lines[i]!.trim());
    if (!timing) continue;
    const start = parseVttTime(timing[1]!);
    const end = parseVttTime(timing[2]!);
    const payload = (lines[i + 1] ?? '').trim();
    const region = XYWH.exec(payload);
    if (!region || !Number.isFinite(start) || !Number.isFinite(end) || end <= start) continue;
    const sprite = new URL(payload.slice(0, region.index), vttAbsolute);
    sprite.hash = '';
    const [x, y, width, height] = region.slice(1).map(Number) as [number, number, number, number];
    cues.push({ start, end, url: sprite.toString(), x, y, width, height });
    i += 1;
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue showing at `time` (the last one past the end, the first one before the start), or null without cues. */
export function cueAt(cues: readonly StoryboardCue[], time: number): StoryboardCue | null {
  if (cues.length === 0) return null;
  let low = 0;
  let high = cues.length - 1;
  // Binary search for the last cue starting at or before `time`.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (cues[mid]!.start <= time) low = mid;
    else high = mid - 1;
  }
  return cues[low]!;
}
