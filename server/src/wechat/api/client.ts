import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { MenuTopButton } from '@fanbase/shared/wechat-menu';
import { toWechatMenu } from '@fanbase/shared/wechat-menu';
import WechatAPI from 'co-wechat-api';
import type { Clock } from '../../clock';
import type { WechatConfig } from '../../config';
import { jsapiSignature } from '../jssdk';
import { withAccessToken } from './call';
import type { CredentialFetcher, CredentialStore } from './credentials';
import { WechatApiError } from './errors';
import { wechatHttp } from './http';
import { redactCredentials } from './redact';
import {
  assertAccountTagCount,
  assertClientMsgId,
  assertMassRecipients,
  assertMenu,
  assertQrRequest,
  assertTagId,
  assertTagName,
  chunk,
  WECHAT_LIMITS,
  type QrRequest,
} from './limits';

export const WECHAT_API_HOST = 'https://api.weixin.qq.com';
const TIMEOUT_MS = 10_000;

export type CustomMessage =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'news'; articles: { title: string; description?: string; url: string; picUrl?: string }[] };

export interface TemplateMessage {
  openId: string;
  templateId: string;
  url?: string;
  miniprogram?: { appid: string; pagepath: string };
  /** Keyword values; WeChat dropped `first`/`remark` and colours (WECHAT.md 1.11). */
  data: Record<string, string>;
  /** Same openid + id within 10 minutes is sent once: derive it from what is being notified. */
  clientMsgId?: string;
}

export type MassMessage = { type: 'text'; content: string } | { type: 'image'; mediaIds: string[] } | { type: 'mpnews'; mediaId: string };
export type MassAudience = { openIds: string[] } | { tagId: number } | { all: true };

export interface WechatUser {
  openId: string;
  subscribed: boolean;
  unionId: string | null;
  subscribeTime: number | null;
  subscribeScene: string | null;
  qrScene: string | null;
  tagIds: number[];
  remark: string;
  language: string | null;
}

export interface OAuthGrant {
  openId: string;
  scope: string;
  unionId: string | null;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  isSnapshotUser: boolean;
}


/**
 * The one way Fanbase reaches WeChat's API (WECHAT.md 3.2, 3.4): co-wechat-api as the endpoint catalogue, its base
 * URLs set from WECHAT_API_BASE (the sandbox and live WeChat share this code path), the access token and JS-SDK
 * ticket from the shared credential store, every call under WeChat's retry rules, size limits refused before
 * calling, and what co-wechat-api lacks (stable_token, template client_msg_id, mass-send idempotency, OAuth) added.
 */
export function createWechatApi({ config, credentials, clock, sleep }: { config: Pick<WechatConfig, 'apiBase' | 'appId' | 'appSecret'>; credentials: CredentialStore; clock: Clock; sleep?: (ms: number) => Promise<void> }) {
  const base = config.apiBase.replace(/\/+$/, '');
  // The token a call runs with is pinned for the call, so compare-and-invalidate names exactly the token WeChat
  // rejected, and co-wechat-api never fetches one itself (tokenFromCustom).
  const pinned = new AsyncLocalStorage<string>();
  const farFuture = () => clock.now().getTime() + 60_000;
  const api = new WechatAPI(
    config.appId,
    config.appSecret,
    async () => {
      const token = pinned.getStore();
      return token ? { accessToken: token, expireTime: farFuture() } : null;
    },
    async () => {},
    true,
  );
  api.prefix = `${base}/cgi-bin/`;
  api.snsPrefix = `${base}/sns/`;
  api.customservicePrefix = `${base}/customservice/`;
  if (base !== WECHAT_API_HOST) {
    api.mpPrefix = `${base}/mp/cgi-bin/`;
    api.fileServerPrefix = `${base}/cgi-bin/`;
  }
  api.setOpts({ timeout: TIMEOUT_MS });
  api.registerTicketHandle(
    async () => ({ ticket: await credentials.get('jsapi_ticket'), expireTime: farFuture() }),
    async () => {},
  );

  /** Runs `fn` with the shared token under the retry rules; co-wechat-api's errors become WechatApiError. */
  function call<T>(path: string, fn: (token: string) => Promise<T>): Promise<T> {
    return withAccessToken(
      credentials,
      (token) =>
        pinned.run(token, async () => {
          try {
            return await fn(token);
          } catch (err) {
            throw toApiError(err, path);
          }
        }),
      sleep,
    );
  }

  const post = <T>(path: string, body: unknown) => call(path, (token) => wechatHttp<T>(base, path, { query: { access_token: token }, body, timeoutMs: TIMEOUT_MS }));

  return {
    base,

    /** The JS-SDK ticket's fetcher for the credential store (the store keeps it in the database like the token). */
    jsapiTicketFetcher: (async () => {
      const data = await call('/cgi-bin/ticket/getticket', () => api.getTicket('jsapi'));
      return { value: data.ticket, expiresIn: Math.max(0, Math.floor((data.expireTime - Date.now()) / 1000)) };
    }) satisfies CredentialFetcher,

    /** wx.config for a page: the URL is signed without its fragment (WECHAT.md 1.17). */
    async jsConfig(url: string) {
      // The token first, outside the ticket's refresh, so one refresh never waits inside another.
      await credentials.get('access_token');
      const ticket = await credentials.get('jsapi_ticket');
      const nonceStr = randomBytes(12).toString('base64url');
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      return { appId: config.appId, timestamp, nonceStr, signature: jsapiSignature({ ticket, nonceStr, timestamp, url }) };
    },

    async sendCustomMessage(openId: string, message: CustomMessage): Promise<void> {
      const path = '/cgi-bin/message/custom/send';
      switch (message.type) {
        case 'text':
          await call(path, () => api.sendText(openId, message.content));
          return;
        case 'image':
          await call(path, () => api.sendImage(openId, message.mediaId));
          return;
        case 'news':
          // A customer-service news message carries one article (WECHAT.md 1.10).
          await call(path, () => api.sendNews(openId, message.articles.slice(0, 1).map((a) => ({ title: a.title, description: a.description ?? '', url: a.url, picurl: a.picUrl ?? '' }))));
          return;
      }
    },

    /** Returns WeChat's msgid (a 64-bit number, as a string), which its TEMPLATESENDJOBFINISH event carries. */
    async sendTemplate(message: TemplateMessage): Promise<string> {
      if (message.clientMsgId !== undefined) assertClientMsgId(message.clientMsgId);
      const data = Object.fromEntries(Object.entries(message.data).map(([k, value]) => [k, { value }]));
      const result = await post<{ msgid: string | number }>('/cgi-bin/message/template/send', {
        touser: message.openId,
        template_id: message.templateId,
        ...(message.url ? { url: message.url } : {}),
        ...(message.miniprogram ? { miniprogram: message.miniprogram } : {}),
        ...(message.clientMsgId ? { client_msg_id: message.clientMsgId } : {}),
        data,
      });
      return String(result.msgid);
    },

    /** Submits a mass-send job; a reused clientmsgid (45065) is the same job, so its msg_id is returned as success. */
    async massSend(audience: MassAudience, message: MassMessage, clientMsgId: string): Promise<{ msgId: string; duplicate: boolean }> {
      assertClientMsgId(clientMsgId);
      if ('openIds' in audience) assertMassRecipients(audience.openIds);
      const content =
        message.type === 'text' ? { text: { content: message.content } } : message.type === 'image' ? { images: { media_ids: message.mediaIds } } : { mpnews: { media_id: message.mediaId } };
      const body = {
        ...('openIds' in audience ? { touser: [...new Set(audience.openIds)] } : { filter: 'tagId' in audience ? { is_to_all: false, tag_id: audience.tagId } : { is_to_all: true } }),
        msgtype: message.type,
        ...content,
        send_ignore_reprint: 0,
        clientmsgid: clientMsgId,
      };
      const path = 'openIds' in audience ? '/cgi-bin/message/mass/send' : '/cgi-bin/message/mass/sendall';
      try {
        const result = await post<{ msg_id: string | number }>(path, body);
        return { msgId: String(result.msg_id), duplicate: false };
      } catch (err) {
        if (err instanceof WechatApiError && err.errcode === 45065 && err.body?.['msg_id'] !== undefined) return { msgId: String(err.body['msg_id']), duplicate: true };
        throw err;
      }
    },

    /** One page of followers (10,000 at most); `nextOpenId` is empty when the list is done. */
    async getFollowers(nextOpenId?: string): Promise<{ total: number; openIds: string[]; nextOpenId: string }> {
      const page = await call('/cgi-bin/user/get', () => api.getFollowers(nextOpenId));
      return { total: page.total, openIds: page.data?.openid ?? [], nextOpenId: page.count < WECHAT_LIMITS.followersPage ? '' : page.next_openid };
    },

    async getUser(openId: string): Promise<WechatUser> {
      return toUser(await call('/cgi-bin/user/info', () => api.getUser({ openid: openId, lang: 'zh_CN' })));
    },

    /** Any number of openids, asked 100 at a time as WeChat requires. */
    async batchGetUsers(openIds: readonly string[]): Promise<WechatUser[]> {
      const users: WechatUser[] = [];
      for (const part of chunk(openIds, WECHAT_LIMITS.batchGetUsers)) {
        const result = await call('/cgi-bin/user/info/batchget', () => api.batchGetUsers(part));
        users.push(...result.user_info_list.map(toUser));
      }
      return users;
    },

    async listTags(): Promise<{ id: number; name: string; count: number }[]> {
      return (await call('/cgi-bin/tags/get', () => api.getTags())).tags;
    },

    async createTag(name: string): Promise<{ id: number; name: string }> {
      assertTagName(name);
      assertAccountTagCount((await this.listTags()).length);
      return (await call('/cgi-bin/tags/create', () => api.createTags(name))).tag;
    },

    async renameTag(id: number, name: string): Promise<void> {
      assertTagId(id);
      assertTagName(name);
      await call('/cgi-bin/tags/update', () => api.updateTag(id, name));
    },

    async deleteTag(id: number): Promise<void> {
      assertTagId(id);
      await call('/cgi-bin/tags/delete', () => api.deleteTag(id));
    },

    /** Tags any number of followers, 50 per call as WeChat requires. The 20-tags-per-follower limit is the caller's to check (assertMemberTagCount), since only it knows each follower's tags. */
    async tagFollowers(tagId: number, openIds: readonly string[]): Promise<void> {
      assertTagId(tagId);
      for (const part of chunk(openIds, WECHAT_LIMITS.tagging)) await call('/cgi-bin/tags/members/batchtagging', () => api.batchTagging(part, tagId));
    },

    async untagFollowers(tagId: number, openIds: readonly string[]): Promise<void> {
      assertTagId(tagId);
      for (const part of chunk(openIds, WECHAT_LIMITS.tagging)) await call('/cgi-bin/tags/members/batchuntagging', () => api.batchUnTagging(part, tagId));
    },

    async followerTagIds(openId: string): Promise<number[]> {
      return (await call('/cgi-bin/tags/getidlist', () => api.getIdList(openId))).tagid_list;
    },

    async createQrCode(request: QrRequest): Promise<{ ticket: string; url: string; imageUrl: string; expireSeconds: number | null }> {
      assertQrRequest(request);
      const result = request.permanent
        ? await call('/cgi-bin/qrcode/create', () => api.createLimitQRCode(request.scene))
        : await call('/cgi-bin/qrcode/create', () => api.createTmpQRCode(request.scene, request.expireSeconds ?? 60));
      const expireSeconds = 'expire_seconds' in result && typeof result.expire_seconds === 'number' ? result.expire_seconds : null;
      // co-wechat-api's showQRCodeURL leaves the ticket unencoded; tickets hold + / = and WeChat wants them encoded.
      return { ticket: result.ticket, url: result.url, imageUrl: `${api.mpPrefix}showqrcode?ticket=${encodeURIComponent(result.ticket)}`, expireSeconds };
    },

    async publishMenu(buttons: readonly MenuTopButton[]): Promise<void> {
      assertMenu(buttons);
      await call('/cgi-bin/menu/create', () => api.createMenu(toWechatMenu(buttons)));
    },

    async deleteMenu(): Promise<void> {
      await call('/cgi-bin/menu/delete', () => api.removeMenu());
    },

    /** Web OAuth (WECHAT.md 1.16): a code is good once, for five minutes; the token is the member's, not the account's. */
    async exchangeOAuthCode(code: string): Promise<OAuthGrant> {
      const r = await wechatHttp<Record<string, unknown>>(base, '/sns/oauth2/access_token', {
        query: { appid: config.appId, secret: config.appSecret, code, grant_type: 'authorization_code' },
        timeoutMs: TIMEOUT_MS,
      }).catch((err: unknown) => {
        throw toApiError(err, '/sns/oauth2/access_token');
      });
      return {
        openId: String(r['openid']),
        scope: String(r['scope'] ?? ''),
        unionId: typeof r['unionid'] === 'string' ? r['unionid'] : null,
        accessToken: String(r['access_token']),
        expiresIn: Number(r['expires_in'] ?? 0),
        refreshToken: String(r['refresh_token'] ?? ''),
        isSnapshotUser: Number(r['is_snapshotuser'] ?? 0) === 1,
      };
    },

    async oauthUserInfo(grant: Pick<OAuthGrant, 'accessToken' | 'openId'>): Promise<{ nickname: string; avatarUrl: string | null; unionId: string | null }> {
      const r = await wechatHttp<Record<string, unknown>>(base, '/sns/userinfo', { query: { access_token: grant.accessToken, openid: grant.openId, lang: 'zh_CN' }, timeoutMs: TIMEOUT_MS }).catch((err: unknown) => {
        throw toApiError(err, '/sns/userinfo');
      });
      return { nickname: String(r['nickname'] ?? ''), avatarUrl: typeof r['headimgurl'] === 'string' && r['headimgurl'] ? r['headimgurl'] : null, unionId: typeof r['unionid'] === 'string' ? r['unionid'] : null };
    },
  };
}

export type WechatApi = ReturnType<typeof createWechatApi>;

function toUser(raw: Record<string, unknown>): WechatUser {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    openId: String(raw['openid']),
    subscribed: Number(raw['subscribe'] ?? 0) === 1,
    unionId: str(raw['unionid']),
    subscribeTime: typeof raw['subscribe_time'] === 'number' ? raw['subscribe_time'] : null,
    subscribeScene: str(raw['subscribe_scene']),
    qrScene: str(raw['qr_scene_str']) ?? (raw['qr_scene'] ? String(raw['qr_scene']) : null),
    tagIds: Array.isArray(raw['tagid_list']) ? raw['tagid_list'].map(Number) : [],
    remark: typeof raw['remark'] === 'string' ? raw['remark'] : '',
    language: str(raw['language']),
  };
}

/** co-wechat-api throws plain Errors (`name` WeChatAPIError, `code` = errcode); transport failures have no code. */
function toApiError(err: unknown, path: string): unknown {
  if (err instanceof WechatApiError) return new WechatApiError(err.errcode, redactCredentials(err.errmsg), err.path, err.body);
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  const errcode = typeof code === 'number' ? code : -1;
  return new WechatApiError(errcode, redactCredentials(err.message), path);
}
