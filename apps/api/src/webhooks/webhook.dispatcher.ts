import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OUTBOUND_FAILURES, outboundRequest } from '@onda/outbound';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { signWebhook } from './webhook-signature.js';
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
    // The outbound guard resolves the name once, refuses special-purpose addresses (unless the operator allowed
    // them), connects to the address it checked and follows no redirect. Its failures are fixed sentences that
    // say nothing about the network behind the name, so the delivery log is no scanner.
    const res = await outboundRequest(delivery.endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Onda-Webhooks/1',
        'onda-event': delivery.eventType,
        'onda-delivery': delivery.id,
        'onda-signature': signWebhook(secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      allowPrivate: this.options.webhooksAllowPrivate === true,
      timeoutMs: this.timeoutMs,
      connectTimeoutMs: this.timeoutMs,
      // The receiver's answer is not read: only its status counts.
      maxResponseBytes: 64 * 1024,
    });
    if (res.ok) {
      statusCode = res.status;
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } else {
      error = OUTBOUND_FAILURES[res.reason];
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
