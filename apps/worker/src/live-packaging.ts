import type { LadderRun, ThumbnailOutput } from '@onda/media';

/** What a run of the live ffmpeg reads and which outputs it writes (the packaging picks the output flags). */
export interface LiveRunInput {
  run: number;
  /** The input URL and the flags before `-i` (the RTMP pull, or what a test feeds). */
  input: { url: string; args: readonly string[] };
  /** The overload step this run produces. */
  ladder: LadderRun;
  /** The live thumbnail this run also writes (see LiveThumbnail). */
  thumbnail?: ThumbnailOutput;
}

/**
 * How a live session turns its ffmpeg's output into published media, one per latency mode: normal mode's
 * HLS segments (SegmentPackaging) or low latency's fMP4 parts (LlOutputs). The session owns the ffmpeg, the
 * restarts, the recording and the master playlist; the packaging owns the media playlists and their objects.
 */
export interface LivePackaging {
  /** Continues what an earlier worker published; resolves with the next run number (0 when nothing was). */
  restore(): Promise<number>;
  /** Prepares the outputs of a run and returns its ffmpeg arguments. */
  start(run: LiveRunInput): Promise<string[]>;
  /** While the run's ffmpeg runs: picks up its output; resolves when the run's output is all taken in. */
  follow(): { stop: () => Promise<void> };
  /** The next run follows a gap (a restart): its media starts with a discontinuity. */
  markDiscontinuity(): void;
  /** Media outputs (segments, parts) published by the current run. */
  readonly outputsThisRun: number;
  /** Every rendition has something in storage: the master playlist may name them. */
  readonly allStarted: boolean;
  /** Anything of this session was ever published (a takeover has something to close). */
  readonly published: boolean;
  /** Media seconds in the playlists (complete segments). */
  readonly mediaSeconds: number;
  /** The measured codec and bit rate of a copied rendition, once known (master playlist attributes). */
  measured(rendition: string): { codec: string; bitsPerSecond: number } | undefined;
  /** Successor of a hand-over: take the run's output in but publish nothing until release(). */
  hold(): void;
  /** Holding, every rendition has a complete held segment: the successor can take over at once. */
  readonly holdingComplete: boolean;
  /**
   * Successor, after restore(): publishes from the first segment that starts past the predecessor's end
   * (`lastAt`, see startsAfterSeam) on, continuing the restored playlists; the held output before it is dropped.
   */
  release(lastAt: number | null): void;
  /** Predecessor, its ffmpeg stopped for a successor: makes what it published whole in storage for the successor to continue. */
  seal(): Promise<unknown>;
  /** Waits for queued uploads. */
  idle(): Promise<unknown>;
  /** Ends every published playlist (ENDLIST). */
  finish(): Promise<unknown>;
}
