import type { ErrorBody } from '@fanbase/shared/contracts/common';

/** An error answer from the Fanbase API (or a network failure, with status 0 and code NETWORK_ERROR). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorBody['details'] = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface HttpOptions {
  /** The bearer token to send, read at call time. */
  token: () => string | null;
  /** Called on a 401 from a request that carried a token (expired, revoked or forged). */
  onUnauthorized?: (error: ApiError) => void;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** A small JSON client for /api: bearer auth, JSON bodies, and every failure turned into an ApiError. */
export function createHttp({ token, onUnauthorized }: HttpOptions) {
  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const bearer = token();
    if (bearer) headers['authorization'] = `Bearer ${bearer}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path + queryString(options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        credentials: 'same-origin',
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (!response.ok) {
      const body = (data ?? {}) as Partial<ErrorBody>;
      const error = new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText, body.details);
      if (response.status === 401 && bearer) onUnauthorized?.(error);
      throw error;
    }
    return data as T;
  }

  return {
    get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
    patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
    put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
    delete: <T>(path: string) => request<T>('DELETE', path),
  };
}

export type Http = ReturnType<typeof createHttp>;
