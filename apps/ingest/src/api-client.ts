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

/** Failure of an internal API call; `retryable` for network errors, timeouts, 5xx, 408 and 429. */
export class IngestApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'IngestApiError';
  }
}

/** Tuning for tests; production uses the defaults. */
export interface HttpIngestApiClientOptions {
  requestTimeoutMs?: number;
  /** Attempts for started/disconnected (authorize is tried once: the encoder retries the publish itself). */
  attempts?: number;
  backoffMs?: number;
}

/** An IngestApiClient over HTTP with bearer `internalToken`. */
export function createHttpIngestApiClient(apiUrl: string, internalToken: string, options: HttpIngestApiClientOptions = {}): IngestApiClient {
  const base = apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 250;

  async function post(path: string, body: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new IngestApiError(`POST ${path} failed: ${(e as Error).message}`, null, true);
    }
    return res;
  }

  async function fail(path: string, res: Response): Promise<never> {
    const text = await res.text().catch(() => '');
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new IngestApiError(`POST ${path} answered ${res.status}: ${text.slice(0, 200)}`, res.status, retryable);
  }

  async function postWithRetries(path: string, body: unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await post(path, body);
        if (!res.ok) await fail(path, res);
        await res.body?.cancel();
        return;
      } catch (e) {
        if (!(e instanceof IngestApiError) || !e.retryable || attempt >= attempts) throw e;
        await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
      }
    }
  }

  const sessionPath = (sessionId: string, what: string) => `/internal/ingest/sessions/${encodeURIComponent(sessionId)}/${what}`;

  return {
    async authorize(req) {
      const path = '/internal/ingest/authorize';
      const res = await post(path, IngestAuthorizeSchema.parse(req));
      if (res.status === 403 || res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (res.status !== 200) return fail(path, res);
      const parsed = IngestAuthorizeResultSchema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new IngestApiError(`POST ${path} answered an invalid body`, res.status, false);
      return parsed.data;
    },
    started: (sessionId, body) => postWithRetries(sessionPath(sessionId, 'started'), IngestStartedSchema.parse(body)),
    disconnected: (sessionId, reason) =>
      postWithRetries(sessionPath(sessionId, 'disconnected'), IngestDisconnectedSchema.parse({ reason: reason.slice(0, 200) })),
    async session(sessionId) {
      const path = `/internal/ingest/sessions/${encodeURIComponent(sessionId)}`;
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${internalToken}` }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw new IngestApiError(`GET ${path} failed: ${(e as Error).message}`, null, true);
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new IngestApiError(`GET ${path} answered ${res.status}`, res.status, res.status >= 500);
      }
      const parsed = IngestSessionViewSchema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new IngestApiError(`GET ${path} answered an invalid body`, res.status, false);
      return parsed.data;
    },
  };
}
