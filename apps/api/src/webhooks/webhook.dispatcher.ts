import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { signWebhook } from './webhook-signature.js';
import { resolvesToPrivate } from './webhook-url.js';
import { WebhooksRepository, type DueDelivery } from './webhooks.repository.js';
import { WebhookService } from './webhooks.service.js';

/** 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h, 8 h: the last attempt is ~32 h after the event. */
export const RETRY_DELAYS_MS = [10, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800, 28800].map((s) => s * 1000);

/**
 * Sends due outbox deliveries from inside the API process. Several API nodes may run it: leases
 * taken with FOR UPDATE SKIP LOCKED keep them from sending one delivery twice at the same time.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly delays: number[];
  private readonly timeoutMs: number;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly webhooks: WebhookService,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.delays = options.webhooks?.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.timeoutMs = options.webhooks?.timeoutMs ?? 10_000;
  }

  onApplicationBootstrap(): void {
    const pollMs = this.options.webhooks?.pollMs ?? 1000;
    if (pollMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().then(() => undefined).catch((e: unknown) => this.logger.error(`poll failed: ${(e as Error).message}`)).finally(() => (this.running = null));
    }, pollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Sends every delivery due now; returns how many were attempted. */
  async tick(): Promise<number> {
    const due = await this.repo.lease(20, this.timeoutMs * 3);
    await Promise.all(due.map((d) => this.send(d)));
    return due.length;
  }

  private async send(delivery: DueDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const secret = this.webhooks.secrets.decrypt(delivery.endpoint.secretCiphertext);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      // Registration refused private literals; a name may still resolve to one (or be re-pointed later).
      const blocked = this.options.webhooks?.allowPrivate ? null : await resolvesToPrivate(delivery.endpoint.url);
      if (blocked) {
        await this.repo.recordAttempt(delivery.id, { status: 'failed', statusCode: null, error: `Not sent: ${blocked} is a private or loopback address (set WEBHOOKS_ALLOW_PRIVATE=true to allow)`, nextAttemptAt: null });
        return;
      }
      const res = await fetch(delivery.endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Onda-Webhooks/1',
          'onda-event': delivery.eventType,
          'onda-delivery': delivery.id,
          'onda-signature': signWebhook(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).message.slice(0, 500);
    }
    if (!error) {
      await this.repo.recordAttempt(delivery.id, { status: 'succeeded', statusCode, error: null, nextAttemptAt: null });
      return;
    }
    const delay = this.delays[delivery.attempts];
    await this.repo.recordAttempt(delivery.id, {
      status: delay === undefined ? 'failed' : 'pending',
      statusCode,
      error,
      nextAttemptAt: delay === undefined ? null : new Date(Date.now() + delay),
    });
  }
}
