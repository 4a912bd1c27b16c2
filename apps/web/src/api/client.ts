import { ChannelSchema, PageSchema, ProblemSchema, type Channel, type ErrorCode } from '@onda/contracts';

/** Why a request failed: an Onda error code from problem+json, or a transport/shape failure. */
export type ApiErrorCode = ErrorCode | 'network' | 'bad_response';

/** A failed API call; `status` is 0 when the server was never reached. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What the viewer pages need from the API; components depend on this, tests fake it. */
export interface ViewerApi {
  listLiveChannels(signal?: AbortSignal): Promise<Page<Channel>>;
  getChannel(idOrSlug: string, signal?: AbortSignal): Promise<Channel>;
}

const ChannelPageSchema = PageSchema(ChannelSchema);

/** Anything with zod's safeParse (a schema for a response body). */
export interface ParseSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

/** Typed fetch wrappers for the REST API; the only place in the web app that calls fetch. */
export class ApiClient implements ViewerApi {
  constructor(
    private readonly baseUrl = '',
    private readonly fetchFn: typeof fetch = (input, init) => globalThis.fetch(input, init),
  ) {}

  listLiveChannels(signal?: AbortSignal): Promise<Page<Channel>> {
    return this.get('/v1/channels?live=true', ChannelPageSchema, signal);
  }

  getChannel(idOrSlug: string, signal?: AbortSignal): Promise<Channel> {
    return this.get(`/v1/channels/${encodeURIComponent(idOrSlug)}`, ChannelSchema, signal);
  }

  private get<T>(path: string, schema: ParseSchema<T>, signal?: AbortSignal): Promise<T> {
    return this.request('GET', path, schema, { signal });
  }

  /**
   * One JSON request with the session cookie (same origin); `schema: null` for bodiless answers (204).
   * Protected so feature clients (the console's) share the error handling without a second fetch.
   */
  protected async request<T>(method: string, path: string, schema: ParseSchema<T> | null, options: { body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const { body, signal } = options;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchFn(this.baseUrl + path, {
        method,
        headers,
        credentials: 'same-origin',
        signal,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError('network', 0, error instanceof Error ? error.message : String(error));
    }
    const json = await readJson(response);
    if (!response.ok) throw toApiError(response.status, json);
    if (schema === null) return undefined as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiError('bad_response', response.status, parsed.error.message);
    return parsed.data;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, body: unknown): ApiError {
  const problem = ProblemSchema.safeParse(body);
  if (problem.success) return new ApiError(problem.data.code, status, problem.data.detail || problem.data.title);
  // A proxy or dev server answering for an unreachable API (5xx without a problem body) is a
  // network failure from the viewer's point of view: pages keep polling instead of giving up.
  if (status >= 500) {
    return new ApiError('network', status, `HTTP ${status}`);
  }
  return new ApiError(status === 404 ? 'not_found' : 'bad_response', status, `HTTP ${status}`);
}
