import path from 'node:path';
import { benchDrift, DEFAULT_DRIFT_MINUTES, driftRows } from './drift.js';
import { benchLlSoak, DEFAULT_LL_SOAK_OPTIONS, llSoakRows, type LlMode, type LlSoakResult } from './ll-soak.js';
import type { Row } from './report.js';
import { regenerateReadme, writeSuiteResults } from './results-file.js';
import { OBS_HEIGHT } from './support/obs-source.js';
import { repoRoot } from './support/platform.js';
import { benchSoak, DEFAULT_SOAK_OPTIONS, soakRows } from './soak.js';

/** The long runs: never in the default `npm run bench`, each only with `--only <name>`. */
export const LONG_SUITES = ['soak', 'llsoak', 'drift'] as const;
export type LongSuite = (typeof LONG_SUITES)[number];

/** Command-line flags of the long runs (strings as parseArgs gives them). */
export interface LongFlags {
  'soak-minutes'?: string;
  'soak-height'?: string;
  'llsoak-minutes'?: string;
  'llsoak-height'?: string;
  'llsoak-modes'?: string;
  'drift-minutes'?: string;
  'drift-height'?: string;
}

const num = (v: string | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`expected a positive number, got "${v}"`);
  return n;
};

/**
 * Runs one long suite and writes its results: bench/results/<suite>.json (and the README block) only for
 * the reference run (1080p source, at least the default minutes); shorter or smaller runs are functional
 * checks and go to bench/out/<suite>.json.
 */
export async function runLongSuite(name: LongSuite, flags: LongFlags, loadAtStart: number, log: (line: string) => void): Promise<{ rows: Row[]; details: unknown }> {
  const started = Date.now();
  let rows: Row[];
  let details: unknown;
  let conditions: Record<string, unknown>;
  let reference: boolean;
  if (name === 'soak') {
    const o = { minutes: num(flags['soak-minutes'], DEFAULT_SOAK_OPTIONS.minutes), height: num(flags['soak-height'], OBS_HEIGHT) };
    const r = await benchSoak(log, o);
    rows = soakRows(r);
    details = { cases: r.cases };
    conditions = { options: r.options, sources: r.sources, platform: 'embedded (onda all), a fresh platform per case, channel defaults (normal latency, recording on); Chromium viewers on the same machine, waiting on the channel page before the publish' };
    reference = o.height === OBS_HEIGHT && o.minutes >= DEFAULT_SOAK_OPTIONS.minutes;
  } else {
    let r: LlSoakResult;
    if (name === 'llsoak') {
      const modes = flags['llsoak-modes']?.split(',').map((m) => m.trim()).filter(Boolean) as LlMode[] | undefined;
      for (const m of modes ?? []) if (!DEFAULT_LL_SOAK_OPTIONS.modes.includes(m)) throw new Error(`unknown --llsoak-modes "${m}"; choose from ${DEFAULT_LL_SOAK_OPTIONS.modes.join(', ')}`);
      const o = { minutes: num(flags['llsoak-minutes'], DEFAULT_LL_SOAK_OPTIONS.minutes), height: num(flags['llsoak-height'], OBS_HEIGHT), modes: modes ?? DEFAULT_LL_SOAK_OPTIONS.modes };
      r = await benchLlSoak(log, o);
      rows = llSoakRows(r);
      reference = o.height === OBS_HEIGHT && o.minutes >= DEFAULT_LL_SOAK_OPTIONS.minutes && o.modes.length === DEFAULT_LL_SOAK_OPTIONS.modes.length;
    } else {
      const o = { minutes: num(flags['drift-minutes'] ?? process.env.BENCH_DRIFT_MINUTES, DEFAULT_DRIFT_MINUTES), height: num(flags['drift-height'], OBS_HEIGHT) };
      r = await benchDrift(log, o);
      rows = driftRows(r);
      reference = o.height === OBS_HEIGHT && o.minutes >= DEFAULT_DRIFT_MINUTES;
    }
    details = { cases: r.cases };
    conditions = { options: r.options, source: r.source, channel: 'latencyMode low, other settings default (recording on)', embedded: 'onda all, local storage', scaleOut: 'HAProxy + 2 API + 2 ingest + 2 workers, S3 (s3rver), PostgreSQL, Redis; the viewer page on the balancer, its playlist requests sent to the API nodes in turn' };
  }
  const file = await writeSuiteResults(name, { durationSeconds: (Date.now() - started) / 1000, conditions: { loadAtStart, ...conditions }, rows, details }, reference ? undefined : path.join(repoRoot, 'bench/out'));
  log(`${name}: written to ${path.relative(process.cwd(), file)}${reference ? '' : ' (a functional check: shorter or smaller than the reference run)'}`);
  if (reference) log(`README.md regenerated: ${(await regenerateReadme()).join(', ') || 'no marked block'}`);
  return { rows, details };
}
