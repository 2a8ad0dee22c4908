import Fastify from 'fastify';
import { SANDBOX_WECHAT } from '../../server/src/config';
import { createSandboxPlatform } from '../../server/src/wechat/sandbox/platform';
import { startTestApp, TestClock, type TestApp } from '../support/app';

// Web OAuth through the sandbox mounted in the app (WECHAT.md 1.16): the authorize page, codes that are good
// once for five minutes, the member's web token and what it may read.

const SANDBOX = '/sandbox/wechat';
const REDIRECT = 'https://brand.example.cn/h5/auth/callback?from=menu';

describe('WeChat sandbox: web OAuth', () => {
  let t: TestApp;
  let clock: TestClock;
  let fan: { openId: string; unionId: string; nickname: string };

  beforeAll(async () => {
    clock = new TestClock();
    t = await startTestApp({ clock, env: { PUBLIC_URL: 'https://brand.example.cn' } });
    fan = (await t.app.inject({ method: 'POST', url: `${SANDBOX}/_sim/followers`, payload: { nickname: '小雨' } })).json();
  });
  afterAll(() => t.close());

  const authorize = (query: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.inject({
      url: `${SANDBOX}/connect/oauth2/authorize`,
      query: { appid: t.config.wechat.appId, redirect_uri: REDIRECT, response_type: 'code', scope: 'snsapi_base', state: 'xyz123', ...query },
      headers,
    });
  const codeFrom = (location: string) => new URL(location).searchParams.get('code')!;
  const exchange = async (code: string, secret = t.config.wechat.appSecret) =>
    (await t.app.inject({ url: `${SANDBOX}/sns/oauth2/access_token`, query: { appid: t.config.wechat.appId, secret, code, grant_type: 'authorization_code' } })).json();

  it('shows an error page for a wrong appid, redirect_uri or scope', async () => {
    const wrongApp = await authorize({ appid: 'wx0000000000000000' });
    expect(wrongApp.statusCode).toBe(400);
    expect(wrongApp.headers['content-type']).toMatch(/^text\/html/);
    expect(wrongApp.body).toContain('appid 参数错误');
    expect((await authorize({ redirect_uri: 'javascript:alert(1)' })).body).toContain('redirect_uri 参数错误');
    // Only the account's 网页授权域名 (here PUBLIC_URL's host): a code is never sent to another site.
    const elsewhere = await authorize({ redirect_uri: 'https://attacker.example.com/steal' });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.body).toContain('10003');
    expect((await authorize({ scope: 'snsapi_login' })).body).toContain('scope 参数错误');
  });

  it('asks which follower opens the page, in Chinese, with 允许 for snsapi_userinfo', async () => {
    const base = await authorize({});
    expect(base.statusCode).toBe(200);
    expect(base.body).toContain('lang="zh-CN"');
    expect(base.body).toContain('以哪位粉丝的身份打开该网页');
    expect(base.body).toContain('小雨');
    const userinfo = await authorize({ scope: 'snsapi_userinfo' });
    expect(userinfo.body).toContain('该网页申请获取你的昵称、头像');
    expect(userinfo.body).toContain('>允许</a>');
    expect(userinfo.body).toContain(`sandbox_openid=${fan.openId}`);
  });

  it('redirects with a code and the state untouched, keeping the redirect_uri query; the code is good once', async () => {
    const res = await authorize({ sandbox_openid: fan.openId });
    expect(res.statusCode).toBe(302);
    const location = new URL(res.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://brand.example.cn/h5/auth/callback');
    expect(location.searchParams.get('from')).toBe('menu');
    expect(location.searchParams.get('state')).toBe('xyz123');
    const code = location.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9]{32}$/);

    expect((await exchange(code, 'wrongsecret0000000000')).errcode).toBe(40125);
    const grant = await exchange(code);
    expect(grant).toEqual({ access_token: expect.any(String), expires_in: 7200, refresh_token: expect.any(String), openid: fan.openId, scope: 'snsapi_base' });
    expect(await exchange(code)).toMatchObject({ errcode: 40163 });
    expect(await exchange('not-a-code')).toMatchObject({ errcode: 40029 });
  });

  it('picks the follower from the fanbase_sandbox_openid cookie, and codes expire after 5 minutes', async () => {
    const res = await authorize({}, { cookie: `other=1; fanbase_sandbox_openid=${encodeURIComponent(fan.openId)}` });
    expect(res.statusCode).toBe(302);
    const code = codeFrom(res.headers.location as string);
    clock.advance(301);
    expect(await exchange(code)).toMatchObject({ errcode: 42003 });
  });

  it('with snsapi_userinfo gives the unionid and the nickname; a base token may not read the profile (48001)', async () => {
    const code = codeFrom((await authorize({ scope: 'snsapi_userinfo', sandbox_openid: fan.openId })).headers.location as string);
    const grant = await exchange(code);
    expect(grant).toMatchObject({ openid: fan.openId, scope: 'snsapi_userinfo', unionid: fan.unionId });
    expect(grant.access_token).not.toMatch(/^sbx_stable_/);
    const profile = (await t.app.inject({ url: `${SANDBOX}/sns/userinfo`, query: { access_token: grant.access_token, openid: fan.openId, lang: 'zh_CN' } })).json();
    expect(profile).toMatchObject({ openid: fan.openId, nickname: '小雨', unionid: fan.unionId });
    expect((await t.app.inject({ url: `${SANDBOX}/sns/auth`, query: { access_token: grant.access_token, openid: fan.openId } })).json()).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await t.app.inject({ url: `${SANDBOX}/sns/auth`, query: { access_token: grant.access_token, openid: 'someone-else' } })).json()).toMatchObject({ errcode: 40003 });

    const baseGrant = await exchange(codeFrom((await authorize({ sandbox_openid: fan.openId })).headers.location as string));
    expect((await t.app.inject({ url: `${SANDBOX}/sns/userinfo`, query: { access_token: baseGrant.access_token, openid: fan.openId } })).json()).toMatchObject({ errcode: 48001 });

    // The global access_token is not a web token, and a web token lasts two hours.
    expect((await t.app.inject({ url: `${SANDBOX}/sns/userinfo`, query: { access_token: 'sbx_stable_x', openid: fan.openId } })).json()).toMatchObject({ errcode: 40001 });
    clock.advance(7200);
    expect((await t.app.inject({ url: `${SANDBOX}/sns/userinfo`, query: { access_token: grant.access_token, openid: fan.openId } })).json()).toMatchObject({ errcode: 42001 });
    const refreshed = (
      await t.app.inject({ url: `${SANDBOX}/sns/oauth2/refresh_token`, query: { appid: t.config.wechat.appId, grant_type: 'refresh_token', refresh_token: grant.refresh_token } })
    ).json();
    expect(refreshed).toMatchObject({ openid: fan.openId, scope: 'snsapi_userinfo', refresh_token: grant.refresh_token });
    expect((await t.app.inject({ url: `${SANDBOX}/sns/userinfo`, query: { access_token: refreshed.access_token, openid: fan.openId } })).json()).toMatchObject({ nickname: '小雨' });
  });

  it('offers to create a follower on the spot when none fits', async () => {
    const res = await authorize({ sandbox_openid: 'oSbxGONE0000000000000000000' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('沙箱中没有粉丝 oSbxGONE0000000000000000000');
    const created = await authorize({ sandbox_new: '1' });
    expect(created.statusCode).toBe(302);
    const grant = await exchange(codeFrom(created.headers.location as string));
    const followers = (await t.app.inject({ url: `${SANDBOX}/_sim/followers` })).json().items as { openId: string; subscribed: boolean }[];
    expect(followers.find((f) => f.openId === grant.openid)).toMatchObject({ subscribed: false });
  });
});

describe('WeChat sandbox: a 快照页 virtual user', () => {
  it('is marked is_snapshotuser when WeChat says so', async () => {
    const platform = createSandboxPlatform({ wechat: { appId: SANDBOX_WECHAT.appId, appSecret: SANDBOX_WECHAT.appSecret }, clock: new TestClock() });
    const server = Fastify();
    await server.register(platform.routes);
    const snapshot = platform.createFollower({ snapshotUser: true });
    const res = await server.inject({
      url: '/connect/oauth2/authorize',
      query: { appid: SANDBOX_WECHAT.appId, redirect_uri: REDIRECT, response_type: 'code', scope: 'snsapi_base', state: 's', sandbox_openid: snapshot.openId },
    });
    const code = new URL(res.headers.location as string).searchParams.get('code')!;
    const grant = (await server.inject({ url: '/sns/oauth2/access_token', query: { appid: SANDBOX_WECHAT.appId, secret: SANDBOX_WECHAT.appSecret, code, grant_type: 'authorization_code' } })).json();
    expect(grant).toMatchObject({ openid: snapshot.openId, is_snapshotuser: 1 });
    await server.close();
  });
});
