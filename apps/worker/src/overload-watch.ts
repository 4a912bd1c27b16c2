import type { FfmpegProcess } from '@onda/media';
import type { OverloadController, OverloadDecision } from './overload-controller.js';
import { processCpuSeconds } from './overload-cpu.js';

/**
 * Samples a running live ffmpeg for the overload controller (progress and CPU time, every `intervalMs`)
 * and calls `onDecision` once when the controller wants another step; the caller restarts ffmpeg there.
 * Returns the function that stops the sampling.
 */
export function watchOverload(proc: FfmpegProcess, controller: OverloadController, onDecision: (d: NonNullable<OverloadDecision>) => void, intervalMs = 1000): () => void {
  controller.runStarted(Date.now());
  let decided = false;
  const timer = setInterval(() => {
    const pid = proc.pid;
    void (pid ? processCpuSeconds(pid) : Promise.resolve(null)).then((cpuSeconds) => {
      if (decided) return;
      const decision = controller.sample({ atMs: Date.now(), outTimeSeconds: proc.lastProgress?.outTimeSeconds ?? null, cpuSeconds });
      if (!decision) return;
      decided = true;
      clearInterval(timer);
      onDecision(decision);
    });
  }, intervalMs);
  return () => clearInterval(timer);
}
