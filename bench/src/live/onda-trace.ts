import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Platform } from '../support/platform.js';

const CLOCK_TICKS = 100;
/** Boot time in epoch ms to 10 ms (/proc/stat's btime is whole seconds: too coarse here). */
const bootTimeMs = (): number => Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;

/** Start time (epoch ms, 10 ms resolution) of the live ffmpeg writing into `marker`, if one runs. */
function ffmpegStartedAt(marker: string): number | null {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('ffmpeg') || !cmd.includes(marker)) continue;
      // Field 22 (starttime) follows the parenthesised command name, which may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return bootTimeMs() + (Number(fields[19]) / CLOCK_TICKS) * 1000;
    } catch {
      // The process went away while we looked.
    }
  }
  return null;
}

const mtime = (file: string): number | null => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
};

const subdirs = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
};

/**
 * Where Onda's publish-to-playable time goes, read from outside the platform (no instrumentation in the
 * product): the session's createdAt (ingest accepted the publish), the worker's ffmpeg start (/proc), the
 * first segment in the worker's scratch folder (ffmpeg's local playlist appears once a segment is complete),
 * the segment and the playlist in storage (file mtimes in embedded mode's local storage), the master, and
 * the first API answer saying live. Each is the moment the LAST rendition got there: the master waits for all.
 */
export class OndaTrace {
  playbackUrl: string | null = null;
  readonly milestones: Record<string, number> = {};
  private sessionId: string | null = null;
  private renditions: string[] = [];

  constructor(private readonly platform: Platform, private readonly slug: string) {}

  async poll(): Promise<void> {
    const m = this.milestones;
    if (m.apiLive === undefined) {
      const channel = (await this.platform.api<{ status: string; liveSession: { id: string; createdAt: string; playbackUrl: string | null } | null }>(`/v1/channels/${this.slug}`)).body;
      const s = channel?.liveSession;
      if (s && this.sessionId === null) {
        this.sessionId = s.id;
        m.ingestAccepted = Date.parse(s.createdAt);
      }
      if (channel?.status === 'live' && s?.playbackUrl) {
        m.apiLive = Date.now();
        this.playbackUrl = s.playbackUrl;
      }
    }
    const sid = this.sessionId;
    if (sid === null) return;
    const scratch = path.join(this.platform.dataDir, 'scratch', sid);
    const media = path.join(this.platform.dataDir, 'media', 'live', sid);
    if (m.ffmpegSpawned === undefined) {
      const at = ffmpegStartedAt(scratch);
      if (at !== null) m.ffmpegSpawned = at;
    }
    if (this.renditions.length === 0) this.renditions = subdirs(scratch).filter((d) => d !== 'archive');
    if (this.renditions.length === 0) return;
    const last = (files: string[]): number | undefined => {
      const times = files.map(mtime);
      return times.every((t) => t !== null) ? Math.max(...(times as number[])) : undefined;
    };
    m.firstSegmentWritten ??= last(this.renditions.map((r) => path.join(scratch, r, 'index.m3u8')))!;
    m.segmentUploaded ??= last(this.renditions.map((r) => path.join(media, r, 'r0_00000.ts')))!;
    m.playlistPublished ??= last(this.renditions.map((r) => path.join(media, r, 'index.m3u8')))!;
    m.masterPublished ??= last([path.join(media, 'master.m3u8')])!;
    for (const k of Object.keys(m)) if (m[k] === undefined) delete m[k];
  }
}
