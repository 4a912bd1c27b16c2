import { FfmpegProcess, type FfmpegProgress } from '@onda/media';

export interface RunFfmpegOptions {
  ffmpegPath?: string;
  /** Aborting stops ffmpeg (SIGINT, then SIGKILL) and the run throws. */
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
  /** What is running, for the error thrown on interruption (`VOD encode`, `clip`). */
  what: string;
}

/** Runs a batch ffmpeg (VOD encode, clip cut) to completion at nice 10: a live broadcast on the same machine comes first. */
export async function runFfmpeg(args: string[], o: RunFfmpegOptions): Promise<void> {
  const proc = FfmpegProcess.start(args, { ffmpegPath: o.ffmpegPath, niceness: 10 });
  const onAbort = (): void => void proc.stop();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.onProgress) proc.on('progress', o.onProgress);
  try {
    const exit = await proc.exited;
    if (o.signal?.aborted) throw new Error(`${o.what} interrupted by shutdown`);
    if (exit.code !== 0) throw new Error(`ffmpeg failed: ${exit.reason ?? `exit ${exit.code ?? exit.signal}`}\n${proc.stderrTail().slice(-5).join('\n')}`);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
