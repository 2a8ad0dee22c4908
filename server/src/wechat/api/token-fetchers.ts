import type { WechatConfig } from '../../config';
import type { CredentialFetcher } from './credentials';
import { wechatHttp } from './http';

// stable_token (WECHAT.md 1.8): the normal mode hands every caller the same token, so nothing we or another
// system do invalidates it by asking; only when WeChat has told us that very token is stale do we force a new one.
export function stableTokenFetcher(config: Pick<WechatConfig, 'apiBase' | 'appId' | 'appSecret'>): CredentialFetcher {
  const fetchToken = (force: boolean) =>
    wechatHttp<{ access_token: string; expires_in: number }>(config.apiBase, '/cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: config.appId, secret: config.appSecret, force_refresh: force },
    });
  return async (previous) => {
    let result = await fetchToken(false);
    if (previous !== null && result.access_token === previous) result = await fetchToken(true);
    return { value: result.access_token, expiresIn: result.expires_in };
  };
}
