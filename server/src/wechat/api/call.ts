import type { CredentialStore } from './credentials';
import { BUSY, TOKEN_ERRORS, WechatApiError } from './errors';

const BUSY_RETRIES = 3;
const BUSY_BACKOFF_MS = 200;

/**
 * Runs one WeChat API call with the shared access token and WeChat's retry rules (WECHAT.md 1.9): a stale token
 * is invalidated (if still current) and the call retried exactly once with a fresh one; "system busy" is retried
 * with exponential backoff; quota errors and everything else surface at once as a WechatApiError.
 */
export async function withAccessToken<T>(credentials: CredentialStore, call: (token: string) => Promise<T>, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  let refreshed = false;
  for (let busy = 0; ; ) {
    const token = await credentials.get('access_token');
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof WechatApiError)) throw err;
      if (TOKEN_ERRORS.has(err.errcode) && !refreshed) {
        refreshed = true;
        await credentials.invalidate('access_token', token);
        continue;
      }
      if (err.errcode === BUSY && busy < BUSY_RETRIES) {
        await sleep(BUSY_BACKOFF_MS * 2 ** busy);
        busy++;
        continue;
      }
      throw err;
    }
  }
}
