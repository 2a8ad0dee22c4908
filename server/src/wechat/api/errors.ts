/** An error answer from WeChat's API, carrying WeChat's own errcode (never match on errmsg: it changes). */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly path: string,
    /** WeChat's whole answer, for the errors that carry data (45065 returns the existing msg_id). */
    readonly body?: Record<string, unknown>,
  ) {
    super(`WeChat ${path} failed: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

// WECHAT.md 1.9: the token is stale (refresh once, retry once); the platform is busy (back off); a quota is spent
// (no retry: retrying only burns more of it).
export const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
export const BUSY = -1;
export const QUOTA_ERRORS = new Set([45009, 45011]);
