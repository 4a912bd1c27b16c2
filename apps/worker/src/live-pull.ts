import { setTimeout as sleep } from 'node:timers/promises';
import type { FfmpegProcess } from '@onda/media';
import type { WorkerApiClient } from './api-client.js';
import type { Logger } from './logger.js';

const POLL_MS = 150;
const RECONNECT_POLL_MS = 1000;
// After a reconnect the new ingest reports where to pull about a second after the publish; wait that long
// at most, then fall back to the last known URL (an API that never reports one).
const PULL_URL_WAIT_MS = 5000;

export interface PullFollowerOptions {
  sessionId: string;
  /** The job's pull URL (the ingest of the first publish). */
  pullUrl: string;
  api: WorkerApiClient;
  logger: Logger;
  signal?: AbortSignal;
  /** How often a running ffmpeg checks with the API that the publisher is still there (default 1 s). */
  publisherPollMs?: number;
}

/**
 * Where a live session's publish is pulled, and whether it is still there: the job's URL, then what the
 * API says after a reconnect (maybe to another ingest node).
 */
export class PullFollower {
  pullUrl: string;

  constructor(private readonly o: PullFollowerOptions) {
    this.pullUrl = o.pullUrl;
  }

  /**
   * A job taken over from a dead or draining worker names the ingest of the first publish; the encoder
   * may have reconnected to another node since.
   */
  async refresh(): Promise<void> {
    await this.o.api.session(this.o.sessionId).then((v) => {
      if (v.pullUrl) this.pullUrl = v.pullUrl;
    }, () => undefined);
  }

  /** Restart when the publisher is back; wait while the API holds the session open for a reconnect. */
  async decide(): Promise<'restart' | 'finish'> {
    const since = Date.now();
    for (;;) {
      let view;
      try {
        view = await this.o.api.session(this.o.sessionId);
      } catch (err) {
        this.o.logger.error({ err }, 'cannot ask the API about the session; finishing it');
        return 'finish';
      }
      if (view.state === 'ended' || view.state === 'failed' || view.finish) return 'finish';
      if (view.publisherConnected) {
        if (view.pullUrl === null && Date.now() - since < PULL_URL_WAIT_MS) {
          await sleep(POLL_MS);
          continue;
        }
        if (view.pullUrl) this.pullUrl = view.pullUrl;
        return 'restart';
      }
      if (view.state !== 'reconnecting' || this.o.signal?.aborted) return 'finish';
      await sleep(RECONNECT_POLL_MS);
    }
  }

  /**
   * The ingest's EOF to our pull can lag the publisher's departure by up to -rw_timeout (10 s); a
   * publisher back within that time would be missed by this run (its pull is dead) and the next (not
   * started yet). So once the publisher has left and come back, this run stops. Not as soon as it
   * leaves: a loaded ffmpeg may still be encoding buffered input that a stop would drop.
   * Returns the function that stops watching.
   */
  watchRun(proc: FfmpegProcess): () => void {
    let left = false;
    const watching = setInterval(() => {
      this.o.api.session(this.o.sessionId).then((v) => {
        if (v.state === 'reconnecting' && !v.publisherConnected) left = true;
        else if (left && v.publisherConnected) void proc.stop();
      }, () => undefined);
    }, this.o.publisherPollMs ?? 1000);
    return () => clearInterval(watching);
  }
}
