import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { markdownTable, type Row } from './report.js';
import { describeCommit, describeMachine, type Machine } from './support/machine.js';
import { repoRoot } from './support/platform.js';

/** What `bench/results/<suite>.json` holds: the figures, with where and on what they were measured. */
export interface SuiteResults {
  suite: string;
  date: string;
  commit: string;
  machine: Machine;
  durationSeconds: number;
  /** Conditions of the run (options, sources, contenders' settings). */
  conditions: Record<string, unknown>;
  rows: Row[];
  /** Every sample and intermediate figure. */
  details: unknown;
}

export const resultsDir = path.join(repoRoot, 'bench/results');

/** Writes bench/results/<suite>.json (or into `dir`, e.g. bench/out for runs that are not the reference). */
export async function writeSuiteResults(suite: string, r: Omit<SuiteResults, 'suite' | 'date' | 'commit' | 'machine'>, dir = resultsDir): Promise<string> {
  const body: SuiteResults = { suite, date: new Date().toISOString(), commit: describeCommit(), machine: describeMachine(), ...r };
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${suite}.json`);
  await writeFile(file, `${JSON.stringify(body, null, 1)}\n`);
  return file;
}

const begin = (suite: string): string => `<!-- bench:${suite}:begin (generated from bench/results/${suite}.json by npm run bench:report; do not edit) -->`;
const end = (suite: string): string => `<!-- bench:${suite}:end -->`;

/** The generated block of one suite: where and when it was measured, then its table. */
export function renderBlock(r: SuiteResults): string {
  const m = r.machine;
  const loads = (r.details as { cases?: Array<{ load?: { busyCores: number } }> })?.cases?.map((c) => c.load?.busyCores).filter((x) => x !== undefined) ?? [];
  const load = loads.length ? `; cores busy during the windows (all processes, the bench's own included) ${Math.min(...(loads as number[]))}-${Math.max(...(loads as number[]))}` : '';
  const saturated = loads.some((l) => (l as number) >= 0.95 * m.cores);
  return [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC at commit \`${r.commit}\` on ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; the run took ${Math.round(r.durationSeconds)} s${load}.`,
    ...(saturated ? ['', '**The machine was saturated during some windows (other work running): those figures describe the machine, not the software; re-run on a quiet machine.**'] : []),
    '',
    markdownTable(r.rows),
  ].join('\n');
}

/** Replaces each suite's marked block in `readme` (suites without markers are left out). */
export function updateReadme(readme: string, results: readonly SuiteResults[]): { text: string; updated: string[] } {
  let text = readme;
  const updated: string[] = [];
  for (const r of results) {
    const b = text.indexOf(begin(r.suite));
    const e = text.indexOf(end(r.suite));
    if (b < 0 || e < b) continue;
    text = `${text.slice(0, b + begin(r.suite).length)}\n${renderBlock(r)}\n${text.slice(e)}`;
    updated.push(r.suite);
  }
  return { text, updated };
}

/** Rewrites README.md's generated blocks from every bench/results/*.json. */
export async function regenerateReadme(): Promise<string[]> {
  const files = (await readdir(resultsDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  const results = await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(resultsDir, f), 'utf8')) as SuiteResults));
  const readmePath = path.join(repoRoot, 'README.md');
  const { text, updated } = updateReadme(await readFile(readmePath, 'utf8'), results);
  await writeFile(readmePath, text);
  return updated;
}
