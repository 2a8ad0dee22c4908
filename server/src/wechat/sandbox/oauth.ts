import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fault, type WechatQuery } from './api-http';
import type { SandboxContext } from './context';
import type { Follower } from './state';

// Web OAuth (WECHAT.md 1.16, 4.4). The authorize page stands in for WeChat's in-app browser: there is no
// signed-in WeChat user, so it asks which sandbox follower is opening the page (or takes one from
// `sandbox_openid=` / the `fanbase_sandbox_openid` cookie, for automation). Codes are single-use and live
// 5 minutes; the web token is the member's, distinct from the account's access_token.

const CODE_TTL_MS = 5 * 60_000;
const WEB_TOKEN_TTL_S = 7200;
const REFRESH_TTL_MS = 30 * 86_400_000;
const STATE_MAX_BYTES = 128;
const SCOPES = ['snsapi_base', 'snsapi_userinfo'] as const;
type Scope = (typeof SCOPES)[number];
export const SANDBOX_OPENID_COOKIE = 'fanbase_sandbox_openid';

interface Grant {
  openId: string;
  scope: Scope;
  expiresAt: number;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#111}
main{max-width:480px;margin:0 auto;padding:24px 16px}
h1{font-size:18px;margin:0 0 4px}
p.hint{color:#666;font-size:13px;margin:0 0 16px}
ul{list-style:none;margin:0;padding:0;background:#fff;border-radius:8px}
li{display:flex;align-items:center;justify-content:space-between;padding:12px 16px;border-bottom:1px solid #eee}
li:last-child{border-bottom:0}
small{color:#999;display:block;font-size:12px}
a.btn{background:#07c160;color:#fff;border:0;border-radius:4px;padding:6px 14px;font-size:14px;text-decoration:none;white-space:nowrap}
.notice{background:#fff3cd;padding:8px 12px;border-radius:6px;margin-bottom:12px;font-size:13px}
.error{background:#fff;border-radius:8px;padding:24px;text-align:center}
</style></head><body><main>${body}</main></body></html>`;
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** WeChat shows an error page instead of redirecting when the request is wrong; 400 so automation notices. */
const errorPage = (reply: FastifyReply, message: string) =>
  page(reply, 400, '出错了', `<div class="error"><h1>无法打开该网页</h1><p>${escapeHtml(message)}</p><p class="hint">微信沙箱 · 网页授权</p></div>`);

export function oauthRoutes(ctx: SandboxContext) {
  const { state, account } = ctx;
  const codes = new Map<string, { openId: string; scope: Scope; issuedAt: number; used: boolean }>();
  const webTokens = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();

  const token = (prefix: string) => `${prefix}${randomBytes(60).toString('base64url')}`;

  function redirectWithCode(reply: FastifyReply, redirectUri: URL, follower: Follower, scope: Scope, stateParam: string): FastifyReply {
    let code = randomBytes(24).toString('base64url').replace(/[-_]/g, '0').slice(0, 32);
    while (codes.has(code)) code = randomBytes(24).toString('base64url').replace(/[-_]/g, '0').slice(0, 32);
    codes.set(code, { openId: follower.openId, scope, issuedAt: state.nowMs(), used: false });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', stateParam);
    return reply.redirect(target.toString(), 302);
  }

  /** The page that asks which follower is opening the link; for snsapi_userinfo, each one consents with 允许. */
  function chooser(reply: FastifyReply, query: WechatQuery, scope: Scope, notice: string | null): FastifyReply {
    const keep = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('sandbox_'));
    // Links, not forms: the CSP's form-action would block a form whose redirect leaves this origin.
    const link = (extra: [string, string]) => `?${escapeHtml(new URLSearchParams([...keep, extra]).toString())}`;
    const userinfo = scope === 'snsapi_userinfo';
    const rows = [...state.followers.values()]
      .map(
        (f) =>
          `<li><span>${escapeHtml(f.nickname)}<small>${f.subscribed ? '已关注' : '未关注'} · ${escapeHtml(f.openId)}</small></span><a class="btn" href="${link(['sandbox_openid', f.openId])}">${userinfo ? '允许' : '进入'}</a></li>`,
      )
      .join('');
    return page(
      reply,
      200,
      userinfo ? '授权登录' : '选择身份',
      `${notice ? `<div class="notice">${escapeHtml(notice)}</div>` : ''}<h1>${userinfo ? '该网页申请获取你的昵称、头像' : '以哪位粉丝的身份打开该网页？'}</h1>
<p class="hint">微信沙箱：没有真实的微信用户，请选择由哪位沙箱粉丝打开该网页${userinfo ? '，并允许网页获取其公开信息' : ''}。</p>
${rows ? `<ul>${rows}</ul>` : '<p class="hint">沙箱里还没有粉丝。</p>'}
<p><a class="btn" href="${link(['sandbox_new', '1'])}">新建一位粉丝并${userinfo ? '允许' : '进入'}</a></p>`,
    );
  }

  /** A web token from the query: 41001 missing, 40001 unknown, 42001 expired, 40003 not this openid's. */
  function webGrant(query: WechatQuery): Grant {
    const value = query['access_token'];
    if (!value) throw fault(41001, 'access_token missing');
    const grant = webTokens.get(value);
    if (!grant) throw fault(40001, 'invalid credential, access_token is invalid or not latest');
    if (state.nowMs() >= grant.expiresAt) throw fault(42001, 'access_token expired');
    if (query['openid'] !== grant.openId) throw fault(40003, 'invalid openid');
    return grant;
  }

  function issue(openId: string, scope: Scope, refreshToken: string) {
    const accessToken = token('sbxweb_');
    webTokens.set(accessToken, { openId, scope, expiresAt: state.nowMs() + WEB_TOKEN_TTL_S * 1000 });
    const follower = state.followers.get(openId);
    return {
      access_token: accessToken,
      expires_in: WEB_TOKEN_TTL_S,
      refresh_token: refreshToken,
      openid: openId,
      scope,
      // The unionid comes with snsapi_userinfo only; is_snapshotuser only for 快照页 virtual users.
      ...(scope === 'snsapi_userinfo' && follower ? { unionid: follower.unionId } : {}),
      ...(follower?.snapshotUser ? { is_snapshotuser: 1 } : {}),
    };
  }

  return async (app: FastifyInstance) => {
    app.get('/connect/oauth2/authorize', async (request: FastifyRequest<{ Querystring: WechatQuery }>, reply) => {
      const q = request.query;
      if (q['appid'] !== account.appId) return errorPage(reply, 'appid 参数错误：不是本公众号的 AppID');
      let redirectUri: URL;
      try {
        redirectUri = new URL(q['redirect_uri'] ?? '');
        if (!/^https?:$/.test(redirectUri.protocol)) throw new Error('not http');
      } catch {
        return errorPage(reply, 'redirect_uri 参数错误（10003）');
      }
      // WeChat redirects only to the account's configured 网页授权域名 (WECHAT.md 1.16, 10003).
      if (ctx.oauthHosts && !ctx.oauthHosts.includes(redirectUri.host)) {
        return errorPage(reply, `redirect_uri 域名与后台配置不一致（10003）：${redirectUri.host} 不是本公众号的网页授权域名`);
      }
      if (q['response_type'] !== 'code') return errorPage(reply, 'response_type 参数错误');
      const scope = q['scope'];
      if (!SCOPES.includes(scope as Scope)) return errorPage(reply, 'scope 参数错误或没有 scope 权限（10005）');
      const stateParam = q['state'] ?? '';
      if (Buffer.byteLength(stateParam, 'utf8') > STATE_MAX_BYTES) return errorPage(reply, 'state 参数过长（最多 128 字节）');

      if (q['sandbox_new'] === '1') return redirectWithCode(reply, redirectUri, state.createFollower(), scope as Scope, stateParam);
      const asked = q['sandbox_openid'];
      const chosen = state.followers.get(asked ?? cookie(request, SANDBOX_OPENID_COOKIE) ?? '');
      if (chosen) return redirectWithCode(reply, redirectUri, chosen, scope as Scope, stateParam);
      return chooser(reply, q, scope as Scope, asked ? `沙箱中没有粉丝 ${asked}（服务器重启后沙箱数据会清空），请重新选择。` : null);
    });

    ctx.api(
      app,
      'GET',
      '/sns/oauth2/access_token',
      ({ query }) => {
        if (query['appid'] !== account.appId) throw fault(40013, 'invalid appid');
        if (query['secret'] !== account.appSecret) throw fault(40125, 'invalid appsecret');
        if (query['grant_type'] !== 'authorization_code') throw fault(40002, 'invalid grant_type');
        const value = query['code'];
        if (!value) throw fault(41008, 'missing code');
        const code = codes.get(value);
        if (!code) throw fault(40029, 'invalid code');
        if (code.used) throw fault(40163, 'code been used');
        if (state.nowMs() - code.issuedAt > CODE_TTL_MS) throw fault(42003, 'code expired');
        code.used = true;
        const refreshToken = token('sbxrefresh_');
        refreshTokens.set(refreshToken, { openId: code.openId, scope: code.scope, expiresAt: state.nowMs() + REFRESH_TTL_MS });
        return issue(code.openId, code.scope, refreshToken);
      },
      { token: false },
    );

    ctx.api(
      app,
      'GET',
      '/sns/oauth2/refresh_token',
      ({ query }) => {
        if (query['appid'] !== account.appId) throw fault(40013, 'invalid appid');
        if (query['grant_type'] !== 'refresh_token') throw fault(40002, 'invalid grant_type');
        const value = query['refresh_token'];
        if (!value) throw fault(41003, 'refresh_token missing');
        const grant = refreshTokens.get(value);
        if (!grant) throw fault(40030, 'invalid refresh_token');
        if (state.nowMs() >= grant.expiresAt) throw fault(42002, 'refresh_token expired');
        return issue(grant.openId, grant.scope, value);
      },
      { token: false },
    );

    ctx.api(
      app,
      'GET',
      '/sns/userinfo',
      ({ query }) => {
        const grant = webGrant(query);
        if (grant.scope !== 'snsapi_userinfo') throw fault(48001, 'api unauthorized');
        const follower = state.followers.get(grant.openId);
        // Since 2021-10-20 sex, province, city and country are empty for everyone.
        return {
          openid: grant.openId,
          nickname: follower?.nickname ?? '',
          sex: 0,
          province: '',
          city: '',
          country: '',
          headimgurl: '',
          privilege: [],
          ...(follower ? { unionid: follower.unionId } : {}),
        };
      },
      { token: false },
    );

    ctx.api(
      app,
      'GET',
      '/sns/auth',
      ({ query }) => {
        webGrant(query);
        return { errcode: 0, errmsg: 'ok' };
      },
      { token: false },
    );
  };
}
