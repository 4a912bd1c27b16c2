import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export async function text(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** Variant playlist URLs of a master playlist, resolved against it. */
export function variants(masterUrl: string, master: string): Array<{ uri: string; attrs: string }> {
  const lines = master.split('\n').map((l) => l.trim());
  const out: Array<{ uri: string; attrs: string }> = [];
  lines.forEach((line, i) => {
    if (line.startsWith('#EXT-X-STREAM-INF:')) out.push({ attrs: line.slice('#EXT-X-STREAM-INF:'.length), uri: new URL(lines[i + 1]!, masterUrl).toString() });
  });
  return out;
}

/** Presentation times of the video keyframes of an HLS rendition, as ffprobe reads them. */
export async function keyframeTimes(playlistUrl: string): Promise<number[]> {
  const { stdout } = await exec(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', playlistUrl],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter(Boolean)
    .map(Number);
}
