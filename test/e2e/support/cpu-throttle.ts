import { readdir, readFile } from 'node:fs/promises';

/** Child processes of `parentPid` whose command line contains every one of `words` (Linux /proc). */
export async function childProcesses(parentPid: number, words: readonly string[]): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the command name, which may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parentPid) continue;
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (words.every((w) => cmdline.includes(w))) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export interface CpuThrottle {
  /** pids held so far (the throttled process is replaced at every overload step). */
  readonly pids: ReadonlySet<number>;
  /** Lifts the limit: every process held is continued. */
  stop(): Promise<void>;
}

/**
 * Holds processes to `share` of the wall clock, the way the kernel's CFS bandwidth control (a cgroup's
 * `cpu.max`) throttles a group that used its quota: each `periodMs` they run for `share` of it, then are
 * stopped (SIGSTOP) until the next period (SIGCONT). Unlike a CPU burner this touches nothing else on a
 * shared machine, and unlike a cgroup it needs no root or writable cgroup tree. `find` is asked every
 * period, so a process restarted under another pid is held too.
 */
export function throttleCpu(find: () => Promise<number[]>, opts: { share: number; periodMs?: number }): CpuThrottle {
  const periodMs = opts.periodMs ?? 200;
  const runMs = Math.max(1, Math.round(periodMs * opts.share));
  const pids = new Set<number>();
  const signal = (pid: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // Gone.
    }
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  let running = true;
  // Never leave a process stopped behind, whatever happens to the test.
  const release = (): void => pids.forEach((pid) => signal(pid, 'SIGCONT'));
  process.once('exit', release);
  const loop = (async () => {
    try {
      while (running) {
        const now = await find();
        now.forEach((pid) => pids.add(pid));
        now.forEach((pid) => signal(pid, 'SIGCONT'));
        await sleep(runMs);
        if (!running) break;
        now.forEach((pid) => signal(pid, 'SIGSTOP'));
        await sleep(periodMs - runMs);
      }
    } finally {
      release();
    }
  })();
  return {
    pids,
    async stop() {
      running = false;
      await loop;
      process.off('exit', release);
    },
  };
}
