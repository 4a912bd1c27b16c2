import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The parts of `ffprobe -show_streams -show_format` Onda reads. */
export interface ProbeResult {
  streams: {
    index: number;
    codec_type: 'video' | 'audio' | 'data' | 'subtitle' | string;
    codec_name?: string;
    profile?: string;
    level?: number;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    sample_rate?: string;
    channels?: number;
    bit_rate?: string;
  }[];
  format: { format_name?: string; duration?: string; start_time?: string; bit_rate?: string; size?: string };
}

export interface ProbeOptions {
  /** Binary to run (default `ffprobe` on PATH). */
  ffprobePath?: string;
}

/** Streams and container of a file or URL, via `ffprobe -of json`. */
export async function probe(fileOrUrl: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const { stdout } = await run(opts.ffprobePath ?? 'ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', fileOrUrl], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = JSON.parse(stdout) as Partial<ProbeResult>;
  return { streams: parsed.streams ?? [], format: parsed.format ?? {} };
}

/** Presentation times (seconds) of the keyframes of a file's first video stream, read from packets (no decode). */
export async function keyframeTimes(file: string, opts: ProbeOptions = {}): Promise<number[]> {
  const { stdout } = await run(
    opts.ffprobePath ?? 'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .map((l) => l.split(','))
    .filter(([pts, flags]) => pts !== undefined && pts !== 'N/A' && flags?.includes('K'))
    .map(([pts]) => Number(pts));
}

/**
 * Presentation and decode times (seconds) of the keyframes of a file's first video stream, from packets (no
 * decode). With B-frames a keyframe is decoded before it is shown: a stream copy that starts on a keyframe must
 * seek to its decode time (ffmpeg's output-side -ss drops copied packets by decode time).
 */
export async function keyframePackets(file: string, opts: ProbeOptions = {}): Promise<{ pts: number; dts: number }[]> {
  const { stdout } = await run(opts.ffprobePath ?? 'ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,dts_time,flags', '-of', 'json', file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const packets = (JSON.parse(stdout) as { packets?: { pts_time?: string; dts_time?: string; flags?: string }[] }).packets ?? [];
  return packets
    .filter((p) => p.flags?.includes('K') && p.pts_time !== undefined && p.pts_time !== 'N/A')
    // A packet without its own decode time (some muxers omit it when it equals the presentation time).
    .map((p) => ({ pts: Number(p.pts_time), dts: p.dts_time !== undefined && p.dts_time !== 'N/A' ? Number(p.dts_time) : Number(p.pts_time) }));
}
