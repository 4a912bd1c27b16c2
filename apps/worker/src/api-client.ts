import {
  WorkerDestinationListSchema, WorkerSessionViewSchema, type DestinationStateReport, type LlPlaylistModel, type WorkerDestination, type IngestHealthPoint, type WorkerArchiveReport, type WorkerEvent, type WorkerSessionView, type WorkerVodProgress, type WorkerVodResult, type WorkerClipResult,
} from '@onda/contracts';
import { createInternalHttpClient, type InternalHttpPolicy } from '@onda/internal-http';

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

/**
 * The internal API over HTTP with the shared bearer token; failures are `InternalHttpError`s. Calls are retried
 * with backoff on no answer, 5xx and 429, except `health` and `llModel`, which are sent once (the next one
 * replaces a lost one).
 */
export function createHttpWorkerApiClient(baseUrl: string, internalToken: string, policy: Partial<InternalHttpPolicy> = {}): WorkerApiClient {
  const http = createInternalHttpClient(baseUrl, internalToken, { timeoutMs: 10_000, attempts: 6, baseMs: 250, maxMs: 4_000, ...policy });
  const sessionPath = (sessionId: string) => `/internal/worker/sessions/${encodeURIComponent(sessionId)}`;

  return {
    async health(sessionId, point) {
      await http.post(`${sessionPath(sessionId)}/health`, point, { attempts: 1, timeoutMs: 5_000 });
    },
    async llModel(sessionId, model) {
      await http.post(`${sessionPath(sessionId)}/ll`, model, { attempts: 1, timeoutMs: 2_000 });
    },
    async destinations(sessionId) {
      return (await http.get(`${sessionPath(sessionId)}/destinations`, { parse: WorkerDestinationListSchema.parse })).items;
    },
    async destinationState(sessionId, destinationId, r) {
      await http.post(`${sessionPath(sessionId)}/destinations/${encodeURIComponent(destinationId)}/state`, r);
    },
    async event(sessionId, e) {
      await http.post(`${sessionPath(sessionId)}/events`, e);
    },
    session: (sessionId) => http.get(sessionPath(sessionId), { parse: WorkerSessionViewSchema.parse }),
    async vodArchive(vodId, r) {
      await http.post(`/internal/worker/vods/${encodeURIComponent(vodId)}/archive`, r);
    },
    async vodProgress(vodId, p) {
      await http.post(`/internal/worker/vods/${encodeURIComponent(vodId)}/progress`, p);
    },
    async vodResult(vodId, r) {
      await http.post(`/internal/worker/vods/${encodeURIComponent(vodId)}/result`, r);
    },
    async clipResult(clipId, r) {
      await http.post(`/internal/worker/clips/${encodeURIComponent(clipId)}/result`, r);
    },
  };
}
