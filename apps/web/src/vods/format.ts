import type { Vod } from '@onda/contracts';

/** A media clock such as "0:07", "4:05" or "1:02:03" (the same in every language). */
export function formatClock(totalSeconds: number): string {
  const whole = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** A file size in the UI language: "850 kB", "12.4 MB", "1.2 GB". */
export function formatBytes(bytes: number, language: string): string {
  const units = [
    ['gigabyte', 1e9],
    ['megabyte', 1e6],
    ['kilobyte', 1e3],
  ] as const;
  const [unit, size] = units.find(([, size]) => bytes >= size) ?? ['byte', 1];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: bytes >= 1e9 ? 2 : 1 }).format(bytes / size);
}

/** A whole percentage in the UI language ("42%", "42%"). */
export function formatPercent(percent: number, language: string): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(Math.min(100, Math.max(0, percent)) / 100);
}

/**
 * The start time of a deep link `?t=`: seconds ("90", "90.5", "90s"), "1m30s" / "1h2m3s", or a clock
 * ("1:30", "1:02:03"). Null when absent or unreadable.
 */
export function parseStartTime(value: string | null): number | null {
  const text = value?.trim().toLowerCase();
  if (!text) return null;
  if (/^\d+(\.\d+)?s?$/.test(text)) return Number.parseFloat(text);
  const units = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (units && (units[1] || units[2] || units[3])) return Number(units[1] ?? 0) * 3600 + Number(units[2] ?? 0) * 60 + Number(units[3] ?? 0);
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(text);
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  return null;
}

/** Extensions of containers the encoder reads, for files the browser gives no MIME type. */
const VideoExtensions = ['mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'flv', 'ts', 'mts', 'm2ts', 'mpg', 'mpeg', 'wmv', '3gp', 'ogv'];

/** A first, client-side guess that a file is a video (the server probes it and has the last word). */
export function looksLikeVideo(file: { name: string; type: string }): boolean {
  if (file.type.startsWith('video/')) return true;
  // A known non-video type (image, audio, text, PDF...) is refused; an unknown one is judged by its extension.
  if (file.type && file.type !== 'application/octet-stream') return false;
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  return VideoExtensions.includes(extension);
}

/** The file name without its extension, as a default title. */
export function titleFromFileName(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[_]+/g, ' ').trim().slice(0, 140);
}

/** True while the server still works on a VOD (the library polls quickly then). */
export function isInProgress(vod: Vod): boolean {
  return vod.status === 'uploading' || vod.status === 'processing';
}
