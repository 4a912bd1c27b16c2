import type { LiveStats, SessionTimeline, VodStats } from '@onda/contracts';

const line = (cells: Array<string | number>): string => cells.map((c) => (typeof c === 'number' ? String(c) : /[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
const table = (header: string[], rows: Array<Array<string | number>>): string => [line(header), ...rows.map(line)].join('\r\n') + '\r\n';

/** RFC 4180 CSV of the three statistics series (CRLF line ends, one header row). */
export const liveStatsCsv = (s: LiveStats): string => table(['minute', 'viewers', 'chat_messages'], s.viewersPerMinute.map((m) => [m.minute, m.viewers, m.chatMessages]));

export const timelineCsv = (t: SessionTimeline): string =>
  table(
    ['start_seconds', 'chat_messages', 'unique_chatters', 'reactions', 'viewers', 'vod_sessions'],
    t.buckets.map((b) => [b.start, b.chatMessages, b.uniqueChatters, b.reactions, b.viewers, b.vodSessions]),
  );

export const vodStatsCsv = (s: VodStats): string => table(['start_seconds', 'sessions'], s.retention.map((r) => [r.start, r.sessions]));
