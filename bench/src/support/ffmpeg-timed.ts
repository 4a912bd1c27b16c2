import { run } from '@onda/testing';

/** Runs ffmpeg with `-benchmark` and returns its own user+system CPU time and real time, in seconds. */
export async function ffmpegTimed(args: string[]): Promise<{ cpu: number; wall: number }> {
  const proc = run('ffmpeg', 'ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-benchmark', ...args]);
  try {
    const code = await proc.exited;
    // -benchmark prints the process's rusage at exit: all threads, decode + filters + encoders + muxer.
    const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(proc.output());
    if (code !== 0 || !m) throw new Error(`ffmpeg failed (${code}):\n${proc.output().slice(-3000)}`);
    return { cpu: Number(m[1]) + Number(m[2]), wall: Number(m[3]) };
  } finally {
    await proc.stop(2000);
  }
}
