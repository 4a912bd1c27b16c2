import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { repoRoot } from './platform.js';

/** The machine a result was measured on. */
export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
}

export function describeMachine(): Machine {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/**
 * The commit measured, with "-dirty" when the work tree has uncommitted changes. The bench's own outputs
 * (bench/results and the README tables generated from them) do not count: an earlier suite of the same
 * checkout writes them, and they change nothing that is measured.
 */
export function describeCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot }).toString().trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results', ':!README.md'], { cwd: repoRoot }).toString().trim();
    const dirty = changed !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}

function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle + iowait
  return { busy: total - fields[3]! - (fields[4] ?? 0), total };
}

/** Load on the machine over one measuring window: 1-min load averages every 5 s, and cores busy. */
export interface WindowLoad {
  loadavg: number[];
  /** Mean number of busy cores over the window, from /proc/stat (all processes, ours included). */
  busyCores: number;
  seconds: number;
}

/** Starts watching the load; the returned function ends the window and gives its figures. */
export function watchLoad(): () => WindowLoad {
  const start = cpuTicks();
  const startedAt = Date.now();
  const loads = [Number(os.loadavg()[0]!.toFixed(2))];
  const timer = setInterval(() => loads.push(Number(os.loadavg()[0]!.toFixed(2))), 5000);
  return () => {
    clearInterval(timer);
    const end = cpuTicks();
    const cores = os.cpus().length;
    const busyCores = end.total > start.total ? ((end.busy - start.busy) / (end.total - start.total)) * cores : 0;
    return { loadavg: loads, busyCores: Number(busyCores.toFixed(2)), seconds: (Date.now() - startedAt) / 1000 };
  };
}
