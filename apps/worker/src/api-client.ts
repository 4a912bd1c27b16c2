import {
  WorkerDestinationListSchema, WorkerSessionViewSchema, type DestinationStateReport, type LlPlaylistModel, type WorkerDestination, type IngestHealthPoint, type WorkerArchiveReport, type WorkerEvent, type WorkerSessionView, type WorkerVodProgress, type WorkerVodResult, type WorkerClipResult,
} from '@onda/contracts';
import { retry, type RetryOptions } from './retry.js';

/** What the worker asks of the API (`/internal/worker/...`). */
export interface WorkerApiClient {
  /** Reports a lifecycle or health event of a live session. */
  event(sessionId: string, e: WorkerEvent): Promise<void>;
  /** The session as the API sees it: decides between restarting ffmpeg and finishing. */
  session(sessionId: string): Promise<WorkerSessionView>;
  /** Reports the joined archive of a recorded broadcast (stored and checked, or failed). */
  vodArchive(vodId: string, r: WorkerArchiveReport): Promise<void>;
  /** Reports VOD encode progress. */
  vodProgress(vodId: string, p: WorkerVodProgress): Promise<void>;
  /** Reports how a VOD encode ended. */
  vodResult(vodId: string, r: WorkerVodResult): Promise<void>;
  /** Reports how a clip cut ended. */
  clipResult(clipId: string, r: WorkerClipResult): Promise<void>;
  /** Posts one ingest health sample of a live session, once: a lost sample is replaced by the next. */
  health?(sessionId: string, point: IngestHealthPoint): Promise<void>;
  /** Announces a rendition's new LL-HLS playlist model (after its objects are stored), once: the next part carries a newer one. */
  llModel?(sessionId: string, model: LlPlaylistModel): Promise<void>;
  /** The simulcast destinations to push the session to (enabled ones, with their push URLs). */
  destinations?(sessionId: string): Promise<WorkerDestination[]>;
  /** Reports one simulcast push's state. */
  destinationState?(sessionId: string, destinationId: string, r: DestinationStateReport): Promise<void>;
}

/** An HTTP answer that will not get better by retrying (4xx). */
export class WorkerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerApiError';
  }
}

/** An HTTP answer worth retrying (5xx). */
class RetryableHttpError extends Error {}

/** The internal API over HTTP with the shared bearer token; network errors and 5xx are retried with backoff. */
export function createHttpWorkerApiClient(baseUrl: string, internalToken: string, retryOptions?: Partial<RetryOptions>): WorkerApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  const opts: RetryOptions = {
    attempts: 6,
    baseMs: 250,
    maxMs: 4000,
    ...retryOptions,
    retryable: (err) => !(err instanceof WorkerApiError),
  };

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return retry(async () => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${internalToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (res.status >= 500) throw new RetryableHttpError(`${method} ${path}: HTTP ${res.status}`);
      if (!res.ok) throw new WorkerApiError(res.status, `${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return text.length > 0 ? JSON.parse(text) : null;
    }, opts);
  }

  return {
    async health(sessionId, point) {
      const path = `/internal/worker/sessions/${encodeURIComponent(sessionId)}/health`;
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(point),
        signal: AbortSignal.timeout(5_000),
      });
      await res.body?.cancel();
      if (!res.ok) throw new WorkerApiError(res.status, `POST ${path}: HTTP ${res.status}`);
    },
    async llModel(sessionId, model) {
      const path = `/internal/worker/sessions/${encodeURIComponent(sessionId)}/ll`;
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(model),
        signal: AbortSignal.timeout(2_000),
      });
      await res.body?.cancel();
      if (!res.ok) throw new WorkerApiError(res.status, `POST ${path}: HTTP ${res.status}`);
    },
    async destinations(sessionId) {
      return WorkerDestinationListSchema.parse(await call('GET', `/internal/worker/sessions/${encodeURIComponent(sessionId)}/destinations`)).items;
    },
    async destinationState(sessionId, destinationId, r) {
      await call('POST', `/internal/worker/sessions/${encodeURIComponent(sessionId)}/destinations/${encodeURIComponent(destinationId)}/state`, r);
    },
    async event(sessionId, e) {
      await call('POST', `/internal/worker/sessions/${encodeURIComponent(sessionId)}/events`, e);
    },
    async session(sessionId) {
      return WorkerSessionViewSchema.parse(await call('GET', `/internal/worker/sessions/${encodeURIComponent(sessionId)}`));
    },
    async vodArchive(vodId, r) {
      await call('POST', `/internal/worker/vods/${encodeURIComponent(vodId)}/archive`, r);
    },
    async vodProgress(vodId, p) {
      await call('POST', `/internal/worker/vods/${encodeURIComponent(vodId)}/progress`, p);
    },
    async vodResult(vodId, r) {
      await call('POST', `/internal/worker/vods/${encodeURIComponent(vodId)}/result`, r);
    },
    async clipResult(clipId, r) {
      await call('POST', `/internal/worker/clips/${encodeURIComponent(clipId)}/result`, r);
    },
  };
}
