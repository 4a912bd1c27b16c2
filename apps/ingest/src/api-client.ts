import {
  IngestAuthorizeResultSchema,
  IngestAuthorizeSchema,
  IngestDisconnectedSchema,
  IngestSessionViewSchema,
  IngestStartedSchema,
  type IngestAuthorize,
  type IngestAuthorizeResult,
  type IngestSessionView,
  type IngestStarted,
} from '@onda/contracts';
import { createInternalHttpClient, InternalHttpError, type InternalHttpPolicy } from '@onda/internal-http';

/** What the ingest needs from the API's internal endpoints. */
export interface IngestApiClient {
  /** Checks a stream key; `null` means refused. Throws when the API cannot answer (the publish is then refused too). */
  authorize(req: IngestAuthorize): Promise<IngestAuthorizeResult | null>;
  /** Reports that the stream's metadata is known and where the worker can pull it. */
  started(sessionId: string, body: IngestStarted): Promise<void>;
  /** Reports that the encoder's connection closed. */
  disconnected(sessionId: string, reason: string): Promise<void>;
  /** What the API wants for a running publish; `disconnect` means close it now (e.g. force-ended). */
  session(sessionId: string): Promise<IngestSessionView>;
}

/**
 * An IngestApiClient over HTTP with bearer `internalToken`; failures are `InternalHttpError`s. `authorize` and
 * `session` are asked once (the encoder retries a refused publish itself, and the session is polled);
 * `started` and `disconnected` are retried on no answer, 5xx and 429.
 */
export function createHttpIngestApiClient(apiUrl: string, internalToken: string, policy: Partial<InternalHttpPolicy> = {}): IngestApiClient {
  const http = createInternalHttpClient(apiUrl, internalToken, { timeoutMs: 5_000, attempts: 4, ...policy });
  const sessionPath = (sessionId: string) => `/internal/ingest/sessions/${encodeURIComponent(sessionId)}`;

  return {
    async authorize(req) {
      try {
        return await http.post('/internal/ingest/authorize', IngestAuthorizeSchema.parse(req), { attempts: 1, parse: IngestAuthorizeResultSchema.parse });
      } catch (e) {
        // An unknown key, or a channel that may not stream: a refusal, not a failure.
        if (e instanceof InternalHttpError && (e.status === 403 || e.status === 404)) return null;
        throw e;
      }
    },
    async started(sessionId, body) {
      await http.post(`${sessionPath(sessionId)}/started`, IngestStartedSchema.parse(body));
    },
    async disconnected(sessionId, reason) {
      await http.post(`${sessionPath(sessionId)}/disconnected`, IngestDisconnectedSchema.parse({ reason: reason.slice(0, 200) }));
    },
    session: (sessionId) => http.get(sessionPath(sessionId), { attempts: 1, parse: IngestSessionViewSchema.parse }),
  };
}
