import { formatClock } from '../vods/format';
import { formatSpan } from '../i18n/format';

/** Number formats of the dashboards in the UI language (one Intl object per kind, made once per language). */
export interface StatsFormat {
  /** A count: "1,234" / "1,234". */
  count(value: number): string;
  /** A count with up to one decimal: "12.5". */
  decimal(value: number): string;
  /** A ratio 0..1 as a percentage: "2.4%". */
  ratio(value: number | null): string;
  /** Milliseconds as seconds: "1.2 s" / "1.2초". */
  millis(value: number | null): string;
  /** A duration in words: "3h 20m" / "3시간 20분". */
  span(seconds: number): string;
  /** A position on a timeline: "1:02:03". */
  clock(seconds: number): string;
  /** A time of day: "14:05" / "오후 2:05". */
  time(iso: string | number): string;
  /** A time of day with seconds, for spans of a few minutes: "14:05:30". */
  timeSeconds(iso: string | number): string;
  /** A bitrate given in kbps: "800 kb/s", "2.5 Mb/s". */
  kbps(value: number): string;
}

const cache = new Map<string, StatsFormat>();

export function statsFormat(language: string): StatsFormat {
  const cached = cache.get(language);
  if (cached) return cached;
  const count = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  const seconds = new Intl.NumberFormat(language, { style: 'unit', unit: 'second', unitDisplay: 'narrow', maximumFractionDigits: 2 });
  const time = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
  const timeSeconds = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const kbps = new Intl.NumberFormat(language, { style: 'unit', unit: 'kilobit-per-second', unitDisplay: 'short', maximumFractionDigits: 0 });
  const mbps = new Intl.NumberFormat(language, { style: 'unit', unit: 'megabit-per-second', unitDisplay: 'short', maximumFractionDigits: 1 });
  const format: StatsFormat = {
    count: (value) => count.format(value),
    decimal: (value) => decimal.format(value),
    ratio: (value) => (value === null || !Number.isFinite(value) ? '—' : percent.format(value)),
    millis: (value) => (value === null || !Number.isFinite(value) ? '—' : seconds.format(value / 1000)),
    span: (value) => formatSpan(value, language),
    clock: (value) => formatClock(value),
    time: (value) => {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? '' : time.format(date);
    },
    timeSeconds: (value) => {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? '' : timeSeconds.format(date);
    },
    kbps: (value) => (value >= 1000 ? mbps.format(value / 1000) : kbps.format(value)),
  };
  cache.set(language, format);
  return format;
}

const ClockSteps = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600];

/** Ticks for a timeline axis from 0 to `maxSeconds` at round clock steps (10 s, 30 s, 1 min, 5 min, ... 6 h), about `target` of them. */
export function clockTicks(maxSeconds: number, target = 6): number[] {
  if (!(maxSeconds > 0)) return [0];
  const step = ClockSteps.find((s) => maxSeconds / s <= target) ?? Math.ceil(maxSeconds / target / 3600) * 3600;
  const ticks: number[] = [];
  for (let t = 0; t <= maxSeconds; t += step) ticks.push(t);
  return ticks;
}
