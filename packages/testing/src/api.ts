/** What an API call answers: the HTTP status and the JSON body (null when there is none). */
export interface ApiResult<T> {
  status: number;
  body: T;
}

/** An authenticated call to an Onda API (an embedded platform, a cluster's balancer, a test API). */
export type ApiCall = <T>(path: string, init?: RequestInit) => Promise<ApiResult<T>>;

/** An ApiCall that also hands back the response headers. */
export type ApiClient = <T>(path: string, init?: RequestInit) => Promise<ApiResult<T> & { headers: Headers }>;

/** Where the calls go and as whom (no token: anonymous). */
export interface ApiTarget {
  apiUrl: string;
  token?: string | null;
}

/**
 * A JSON client for an Onda API. `target` may be a function, read at each call, so a suite can make the client
 * before its platform has started (`apiClient(() => platform)`).
 */
export function apiClient(target: ApiTarget | (() => ApiTarget)): ApiClient {
  return async <T>(path: string, init: RequestInit = {}) => {
    const { apiUrl, token } = typeof target === 'function' ? target() : target;
    const res = await fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });
    return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as T };
  };
}
