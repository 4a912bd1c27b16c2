/** Tuning of the statistics feature; every field has a default (ApiOptions.stats overrides the tuning, the configuration the rest). */
export interface StatsOptions {
  /** Raw beacons older than this are deleted (STATS_RAW_RETENTION_DAYS); aggregates are kept. */
  rawRetentionDays: number;
  /** How often one API node (advisory lock) runs the retention cleanup; 0 = never (tests call it). */
  cleanupIntervalMs: number;
  /** Buffered beacons are written every this often, one multi-row statement per table. */
  flushIntervalMs: number;
  /** Beacons one client address may send per minute to one API node (STATS_BEACONS_PER_IP_PER_MINUTE). */
  beaconsPerIpPerMinute: number;
  /** Beacons held in memory at most; past it POST /v1/beacons answers 503 until a flush drains the buffer. */
  maxBufferedBeacons: number;
  /** Beacons of a live session are still taken this long after it ended (unload beacons, the instant replay). */
  liveGraceSeconds: number;
  /** A playback counts as watching now when its last beacon is this recent (and it did not end). */
  concurrentWindowSeconds: number;
  /** Lifetime of a playback ticket; the player renews it before (finding 9). */
  ticketTtlSeconds: number;
  /** New playback tickets per client address (renewals are free); shared through Redis with several nodes. */
  ticketsPerIp: { limit: number; windowMs: number };
  /** Request header carrying the viewer's country code set by a CDN or proxy (e.g. `cf-ipcountry`); none = no countries. */
  countryHeader?: string;
  /**
   * `batched` (always, in production): buffer and write once per flush. `per-beacon`: one transaction per beacon as
   * it arrives, with the same statements; only the beacon benchmark uses it, as the alternative to compare with.
   */
  writeMode: 'batched' | 'per-beacon';
  /** Clock (ms since the epoch): tests pin it. */
  now: () => number;
}

export const DEFAULT_STATS_OPTIONS: StatsOptions = {
  rawRetentionDays: 7,
  cleanupIntervalMs: 3600_000,
  flushIntervalMs: 1000,
  beaconsPerIpPerMinute: 3000,
  maxBufferedBeacons: 100_000,
  liveGraceSeconds: 300,
  concurrentWindowSeconds: 30,
  ticketTtlSeconds: 600,
  ticketsPerIp: { limit: 30, windowMs: 600_000 },
  writeMode: 'batched',
  now: Date.now,
};

/** Statistics settings that are configuration (STATS_*): ApiOptions carries them under the config's names. */
export type StatsConfigKeys = 'rawRetentionDays' | 'beaconsPerIpPerMinute' | 'countryHeader';

/** The defaults, then the tuning, then the configured retention, beacon limit and country header. */
export const resolveStatsOptions = (
  tuning: Partial<Omit<StatsOptions, StatsConfigKeys>> = {},
  config: { statsRawRetentionDays?: number; statsBeaconsPerIpPerMinute?: number; statsCountryHeader?: string } = {},
): StatsOptions => ({
  ...DEFAULT_STATS_OPTIONS,
  ...tuning,
  ...(config.statsRawRetentionDays !== undefined ? { rawRetentionDays: config.statsRawRetentionDays } : {}),
  ...(config.statsBeaconsPerIpPerMinute !== undefined ? { beaconsPerIpPerMinute: config.statsBeaconsPerIpPerMinute } : {}),
  ...(config.statsCountryHeader !== undefined ? { countryHeader: config.statsCountryHeader } : {}),
});

/** Injection token of the resolved StatsOptions. */
export const STATS_OPTIONS = Symbol('STATS_OPTIONS');
