import { WechatApiError } from './errors';

export interface WechatHttpOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

// One HTTP exchange with WeChat (or the sandbox) at `base`: JSON in and out, errcode turned into an error.
// Integers beyond 2^53 (msg_id) are kept exact by reading them as strings.
export async function wechatHttp<T>(base: string, path: string, options: WechatHttpOptions = {}): Promise<T> {
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new WechatApiError(-1, `network: ${(err as Error).message}`, path);
  }
  const text = await response.text();
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text.replace(/("[A-Za-z_]*id"\s*:\s*)(\d{16,})/g, '$1"$2"')) as Record<string, unknown>;
  } catch {
    throw new WechatApiError(-1, `HTTP ${response.status}: not JSON`, path);
  }
  const errcode = typeof data['errcode'] === 'number' ? data['errcode'] : 0;
  if (errcode !== 0) throw new WechatApiError(errcode, String(data['errmsg'] ?? ''), path, data);
  if (!response.ok) throw new WechatApiError(-1, `HTTP ${response.status}`, path);
  return data as T;
}
