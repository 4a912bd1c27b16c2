import { ChannelSchema, ClipSchema, PageSchema, ProblemSchema, VodSchema, type Channel, type Clip, type CreateClip, type ErrorCode, type UpdateClip, type Vod } from '@onda/contracts';

/** Why a request failed: an Onda error code from problem+json, or a transport/shape failure. */
export type ApiErrorCode = ErrorCode | 'network' | 'bad_response';

/** A failed API call; `status` is 0 when the server was never reached. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly status: number,
    message: string,
    /** From Retry-After on a 429: how long until the server takes the request again. */
    readonly retryAfterSeconds?: number,
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
  /** One VOD (public and unlisted for anyone; private ones for their owner). */
  getVod(id: string, signal?: AbortSignal): Promise<Vod>;
  /** A channel's VODs, newest first (ready ones only, unless the caller owns the channel). */
  listChannelVods(idOrSlug: string, limit: number, signal?: AbortSignal): Promise<Page<Vod>>;
  /** The text of a VOD's storyboard WebVTT (a media URL, not an API route). */
  getStoryboard(url: string, signal?: AbortSignal): Promise<string>;
  /** Makes a clip (needs a signed-in session); answers it `processing`. */
  createClip(body: CreateClip): Promise<Clip>;
  getClip(id: string, signal?: AbortSignal): Promise<Clip>;
  /** A channel's clips, newest first (ready and shown ones; its owner also gets hidden, processing and failed ones). */
  listChannelClips(idOrSlug: string, limit: number, cursor?: string, signal?: AbortSignal): Promise<Page<Clip>>;
  /** Counts one view of a clip's page. */
  countClipView(id: string): Promise<void>;
  /** The channel owner's moderation: rename or hide. */
  updateClip(id: string, body: UpdateClip): Promise<Clip>;
  deleteClip(id: string): Promise<void>;
}

const ChannelPageSchema = PageSchema(ChannelSchema);
const VodPageSchema = PageSchema(VodSchema);
const ClipPageSchema = PageSchema(ClipSchema);

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

  getVod(id: string, signal?: AbortSignal): Promise<Vod> {
    return this.get(`/v1/vods/${encodeURIComponent(id)}`, VodSchema, signal);
  }

  listChannelVods(idOrSlug: string, limit: number, signal?: AbortSignal): Promise<Page<Vod>> {
    const params = new URLSearchParams({ channel: idOrSlug, limit: String(limit) });
    return this.get(`/v1/vods?${params}`, VodPageSchema, signal);
  }

  createClip(body: CreateClip): Promise<Clip> {
    return this.request('POST', '/v1/clips', ClipSchema, { body });
  }

  getClip(id: string, signal?: AbortSignal): Promise<Clip> {
    return this.get(`/v1/clips/${encodeURIComponent(id)}`, ClipSchema, signal);
  }

  listChannelClips(idOrSlug: string, limit: number, cursor?: string, signal?: AbortSignal): Promise<Page<Clip>> {
    const params = new URLSearchParams({ channel: idOrSlug, limit: String(limit), ...(cursor ? { cursor } : {}) });
    return this.get(`/v1/clips?${params}`, ClipPageSchema, signal);
  }

  countClipView(id: string): Promise<void> {
    return this.request('POST', `/v1/clips/${encodeURIComponent(id)}/views`, null);
  }

  updateClip(id: string, body: UpdateClip): Promise<Clip> {
    return this.request('PATCH', `/v1/clips/${encodeURIComponent(id)}`, ClipSchema, { body });
  }

  deleteClip(id: string): Promise<void> {
    return this.request('DELETE', `/v1/clips/${encodeURIComponent(id)}`, null);
  }

  async getStoryboard(url: string, signal?: AbortSignal): Promise<string> {
    let response: Response;
    try {
      response = await this.fetchFn(url, { credentials: 'same-origin', signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError('network', 0, error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw toApiError(response.status, undefined);
    return response.text();
  }

  private get<T>(path: string, schema: ParseSchema<T>, signal?: AbortSignal): Promise<T> {
    return this.request('GET', path, schema, { signal });
  }

  /**
   * One JSON request with the session cookie (same origin); `schema: null` for bodiless answers (204).
   * Protected so feature clients (the console's) share the error handling without a second fetch.
   */
  protected async request<T>(method: string, path: string, schema: ParseSchema<T> | null, options: { body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<T> {
    const { body, signal } = options;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
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
    if (!response.ok) throw toApiError(response.status, json, response.headers.get('retry-after'));
    if (schema === null) return undefined as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiError('bad_response', response.status, parsed.error.message);
    return parsed.data;
  }

  /**
   * Sends a file body with upload progress (fetch cannot report it), the way `request` would:
   * problem+json answers become an ApiError, a dropped connection a network error.
   * `url` may be absolute (a presigned storage URL) or a path of this API.
   */
  protected sendFile(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Blob,
    onProgress: (loaded: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const target = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : this.baseUrl + url;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const xhr = this.createXhr();
      xhr.open(method, target);
      // The console's session cookie authorises a PUT to the API (harmless for presigned URLs).
      xhr.withCredentials = true;
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : body.size);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) return resolve();
        let json: unknown;
        try {
          json = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : undefined;
        } catch {
          json = undefined;
        }
        reject(toApiError(xhr.status, json));
      };
      xhr.onerror = () => reject(new ApiError('network', 0, 'the upload connection failed'));
      xhr.onabort = () => reject(signal?.reason ?? new DOMException('The upload was aborted', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  }

  /** The XMLHttpRequest behind `sendFile`; tests replace it. */
  protected createXhr(): XMLHttpRequest {
    return new XMLHttpRequest();
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

function toApiError(status: number, body: unknown, retryAfter: string | null = null): ApiError {
  const problem = ProblemSchema.safeParse(body);
  const wait = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  if (problem.success) return new ApiError(problem.data.code, status, problem.data.detail || problem.data.title, wait);
  // A proxy or dev server answering for an unreachable API (5xx without a problem body) is a
  // network failure from the viewer's point of view: pages keep polling instead of giving up.
  if (status >= 500) {
    return new ApiError('network', status, `HTTP ${status}`);
  }
  return new ApiError(status === 404 ? 'not_found' : 'bad_response', status, `HTTP ${status}`);
}
