import type { WorkerDestination } from '@onda/contracts';
import type { WorkerApiClient } from './api-client.js';
import type { Logger } from './logger.js';
import { DestinationPush } from './simulcast-push.js';
import type { PushStateOptions } from './simulcast-state.js';

export interface SimulcastOptions {
  sessionId: string;
  api: WorkerApiClient;
  pullUrl: () => string;
  logger: Logger;
  ffmpegPath?: string;
  allowPrivate?: boolean;
  /** How often the channel's destinations are read again (default 5 s): enabling one on a live broadcast takes this long. */
  pollMs?: number;
  backoff?: PushStateOptions;
  inputArgs?: readonly string[];
}

/**
 * The simulcast pushes of one live session: one DestinationPush per enabled destination, following what the
 * owner changes while live (added, disabled, removed, new key or URL: restarted), all stopped with the broadcast.
 */
export class Simulcast {
  private readonly pushes = new Map<string, { revision: string; push: DestinationPush }>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: SimulcastOptions) {}

  /** Reads the destinations and starts their pushes; keeps following them until `stop`. */
  start(): void {
    if (!this.o.api.destinations) return;
    this.sync();
    this.timer = setInterval(() => this.sync(), this.o.pollMs ?? 5000);
  }

  /** Stops every push (the broadcast ended or this worker lets go of it). */
  async stop(opts: { report?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    await Promise.all([...this.pushes.values()].map((p) => p.push.stop(opts)));
    this.pushes.clear();
  }

  private sync(): void {
    this.syncing = this.syncing.then(async () => {
      if (this.stopped) return;
      let wanted: WorkerDestination[];
      try {
        wanted = await this.o.api.destinations!(this.o.sessionId);
      } catch (err) {
        this.o.logger.warn({ err }, 'could not read the simulcast destinations');
        return;
      }
      if (this.stopped) return;
      const ids = new Set(wanted.map((d) => d.id));
      for (const [id, running] of this.pushes) {
        const now = wanted.find((d) => d.id === id);
        if (ids.has(id) && now?.revision === running.revision) continue;
        this.pushes.delete(id);
        // A removed or disabled destination: the API already shows it idle; a changed one is reported by its next push.
        await running.push.stop({ report: false });
      }
      for (const d of wanted) {
        if (this.pushes.has(d.id)) continue;
        this.o.logger.info({ destinationId: d.id }, 'simulcast push starting');
        const push = new DestinationPush({
          destinationId: d.id,
          pushUrl: d.pushUrl,
          pullUrl: this.o.pullUrl,
          sourceUp: async () => (await this.o.api.session(this.o.sessionId)).publisherConnected,
          report: (r) => this.o.api.destinationState!(this.o.sessionId, d.id, r),
          logger: this.o.logger,
          ffmpegPath: this.o.ffmpegPath,
          allowPrivate: this.o.allowPrivate === true,
          ...(this.o.backoff ? { backoff: this.o.backoff } : {}),
          ...(this.o.inputArgs ? { inputArgs: this.o.inputArgs } : {}),
        });
        this.pushes.set(d.id, { revision: d.revision, push });
        push.start();
      }
    });
  }
}
