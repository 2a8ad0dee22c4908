import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { SANDBOX_WECHAT } from '../../server/src/config';
import { createSandboxPlatform, type SandboxPlatform } from '../../server/src/wechat/sandbox/platform';
import { TestClock } from '../support/app';

// The sandbox's users, tags, QR codes, menu and JS-SDK ticket, called over HTTP as Fanbase's API client calls
// WeChat. No /wechat is needed here: these endpoints push nothing.

interface Sandbox {
  platform: SandboxPlatform;
  server: FastifyInstance;
  clock: TestClock;
  get(path: string, query?: Record<string, string>): Promise<Record<string, any>>;
  post(path: string, body: unknown, query?: Record<string, string>): Promise<Record<string, any>>;
}

async function startSandbox(limits: Parameters<typeof createSandboxPlatform>[0]['limits'] = {}): Promise<Sandbox> {
  const clock = new TestClock();
  const platform = createSandboxPlatform({ wechat: { appId: SANDBOX_WECHAT.appId, appSecret: SANDBOX_WECHAT.appSecret }, clock, limits });
  const server = Fastify();
  await server.register(platform.routes);
  await server.ready();
  // A fresh stable token for each call: tests move the clock past a token's two hours.
  const token = async () =>
    (await server.inject({ method: 'POST', url: '/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: SANDBOX_WECHAT.appId, secret: SANDBOX_WECHAT.appSecret } })).json()
      .access_token as string;
  const json = (res: LightMyRequestResponse) => {
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return res.json() as Record<string, any>;
  };
  return {
    platform,
    server,
    clock,
    get: async (path, query = {}) => json(await server.inject({ method: 'GET', url: path, query: { access_token: await token(), ...query } })),
    post: async (path, body, query = {}) =>
      json(await server.inject({ method: 'POST', url: path, query: { access_token: await token(), ...query }, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } })),
  };
}

const errcode = (res: Record<string, any>) => res['errcode'] ?? 0;

describe('WeChat sandbox: access tokens on every API', () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.server.close());

  it('answers 41001 without a token, 40001 for an unknown one, 42001 once it expired', async () => {
    expect((await s.server.inject({ url: '/cgi-bin/tags/get' })).json()).toMatchObject({ errcode: 41001 });
    expect((await s.server.inject({ url: '/cgi-bin/tags/get?access_token=nope' })).json()).toMatchObject({ errcode: 40001 });
    const token = (await s.server.inject({ method: 'POST', url: '/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: SANDBOX_WECHAT.appId, secret: SANDBOX_WECHAT.appSecret } })).json().access_token;
    expect((await s.server.inject({ url: `/cgi-bin/tags/get?access_token=${token}` })).json()).toEqual({ tags: [] });
    s.clock.advance(7201);
    const expired = (await s.server.inject({ url: `/cgi-bin/tags/get?access_token=${token}` })).json();
    expect(expired.errcode).toBe(42001);
    expect(expired.errmsg).toMatch(/rid: /);
  });

  it('answers 44002 to an empty POST and 47001 to a body that is not JSON', async () => {
    const token = (await s.server.inject({ method: 'POST', url: '/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: SANDBOX_WECHAT.appId, secret: SANDBOX_WECHAT.appSecret } })).json().access_token;
    const empty = await s.server.inject({ method: 'POST', url: `/cgi-bin/tags/create?access_token=${token}` });
    expect(empty.json()).toMatchObject({ errcode: 44002 });
    const broken = await s.server.inject({ method: 'POST', url: `/cgi-bin/tags/create?access_token=${token}`, payload: '{"tag":', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(200);
    expect(broken.json()).toMatchObject({ errcode: 47001 });
  });

  it('issues a JS-SDK ticket for two hours', async () => {
    const ticket = await s.get('/cgi-bin/ticket/getticket', { type: 'jsapi' });
    expect(ticket).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200, ticket: expect.stringMatching(/^\S{40,}$/) });
  });
});

describe('WeChat sandbox: users', () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.server.close());

  it('lists followers 10,000 a page with next_openid, skipping those who do not follow', async () => {
    const stranger = s.platform.createFollower({ subscribed: false });
    const ids = Array.from({ length: 10_001 }, () => s.platform.createFollower({ subscribed: true }).openId);
    expect(ids[0]).toMatch(/^oSbx[A-Za-z0-9_-]{24}$/);
    const first = await s.get('/cgi-bin/user/get', { next_openid: '' });
    expect(first).toMatchObject({ total: 10_001, count: 10_000, next_openid: ids[9_999] });
    expect(first['data'].openid).toHaveLength(10_000);
    expect(first['data'].openid).not.toContain(stranger.openId);
    const second = await s.get('/cgi-bin/user/get', { next_openid: first['next_openid'] });
    expect(second).toMatchObject({ total: 10_001, count: 1, data: { openid: [ids[10_000]] }, next_openid: ids[10_000] });
    const done = await s.get('/cgi-bin/user/get', { next_openid: second['next_openid'] });
    expect(done).toMatchObject({ count: 0, next_openid: '' });
    expect(errcode(await s.get('/cgi-bin/user/get', { next_openid: 'oSbxNOT-A-REAL-OPENID-000000' }))).toBe(40003);
  });

  it('gives user/info without nickname or avatar, and only who they are for a non-follower', async () => {
    const fan = s.platform.createFollower({ nickname: '阿杰', subscribed: true });
    const info = await s.get('/cgi-bin/user/info', { openid: fan.openId, lang: 'zh_CN' });
    expect(info).toMatchObject({ subscribe: 1, openid: fan.openId, unionid: fan.unionId, language: 'zh_CN', tagid_list: [], remark: '', subscribe_scene: 'ADD_SCENE_OTHERS' });
    expect(info).not.toHaveProperty('nickname');
    expect(info).not.toHaveProperty('headimgurl');
    const stranger = s.platform.createFollower();
    expect(await s.get('/cgi-bin/user/info', { openid: stranger.openId })).toEqual({ subscribe: 0, openid: stranger.openId, unionid: stranger.unionId });
    expect(errcode(await s.get('/cgi-bin/user/info', { openid: 'nobody' }))).toBe(40003);
  });

  it('batch-gets at most 100 users and keeps remarks', async () => {
    const fans = Array.from({ length: 101 }, () => s.platform.createFollower({ subscribed: true }));
    const list = fans.map((f) => ({ openid: f.openId, lang: 'zh_CN' }));
    expect(errcode(await s.post('/cgi-bin/user/info/batchget', { user_list: list }))).toBe(40032);
    expect(errcode(await s.post('/cgi-bin/user/info/batchget', { user_list: [] }))).toBe(40032);
    expect(await s.post('/cgi-bin/user/info/updateremark', { openid: fans[0]!.openId, remark: '老客户' })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(errcode(await s.post('/cgi-bin/user/info/updateremark', { openid: fans[0]!.openId, remark: '长'.repeat(11) }))).toBe(40035);
    const batch = await s.post('/cgi-bin/user/info/batchget', { user_list: list.slice(0, 100) });
    expect(batch['user_info_list']).toHaveLength(100);
    expect(batch['user_info_list'][0]).toMatchObject({ openid: fans[0]!.openId, remark: '老客户', subscribe: 1 });
  });
});

describe('WeChat sandbox: tags', () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.server.close());

  it('numbers tags from 100 and refuses long (45158) or duplicate (45157) names and the 101st tag (45056)', async () => {
    expect(await s.post('/cgi-bin/tags/create', { tag: { name: 'VIP' } })).toEqual({ tag: { id: 100, name: 'VIP' } });
    expect(errcode(await s.post('/cgi-bin/tags/create', { tag: { name: 'VIP' } }))).toBe(45157);
    // 30 bytes of UTF-8: ten Chinese characters fit, eleven do not.
    expect(errcode(await s.post('/cgi-bin/tags/create', { tag: { name: '标'.repeat(11) } }))).toBe(45158);
    expect((await s.post('/cgi-bin/tags/create', { tag: { name: '标'.repeat(10) } }))['tag'].id).toBe(101);
    for (let i = 2; i < 100; i++) expect(errcode(await s.post('/cgi-bin/tags/create', { tag: { name: `tag-${i}` } }))).toBe(0);
    expect(errcode(await s.post('/cgi-bin/tags/create', { tag: { name: 'one-too-many' } }))).toBe(45056);
    expect((await s.get('/cgi-bin/tags/get'))['tags']).toHaveLength(100);
  });

  it('protects the system tags (45058) and refuses unknown ones (45159)', async () => {
    expect(errcode(await s.post('/cgi-bin/tags/delete', { tag: { id: 1 } }))).toBe(45058);
    expect(errcode(await s.post('/cgi-bin/tags/update', { tag: { id: 2, name: 'x' } }))).toBe(45058);
    expect(errcode(await s.post('/cgi-bin/tags/delete', { tag: { id: 9999 } }))).toBe(45159);
    expect(await s.post('/cgi-bin/tags/update', { tag: { id: 100, name: 'VVIP' } })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await s.post('/cgi-bin/tags/delete', { tag: { id: 199 } })).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('tags at most 50 openids a call (40032) and at most 20 tags a member (45059), all or nothing', async () => {
    const fans = Array.from({ length: 51 }, () => s.platform.createFollower({ subscribed: true }).openId);
    expect(errcode(await s.post('/cgi-bin/tags/members/batchtagging', { openid_list: fans, tagid: 100 }))).toBe(40032);
    expect(errcode(await s.post('/cgi-bin/tags/members/batchtagging', { openid_list: fans.slice(0, 50), tagid: 9999 }))).toBe(45159);
    expect(errcode(await s.post('/cgi-bin/tags/members/batchtagging', { openid_list: ['nobody'], tagid: 100 }))).toBe(40003);
    expect(await s.post('/cgi-bin/tags/members/batchtagging', { openid_list: fans.slice(0, 50), tagid: 100 })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await s.get('/cgi-bin/tags/get'))['tags'][0]).toEqual({ id: 100, name: 'VVIP', count: 50 });

    const [busy, other] = fans as [string, string];
    for (let id = 101; id < 120; id++) expect(errcode(await s.post('/cgi-bin/tags/members/batchtagging', { openid_list: [busy], tagid: id }))).toBe(0);
    expect(await s.post('/cgi-bin/tags/getidlist', { openid: busy })).toEqual({ tagid_list: [100, ...Array.from({ length: 19 }, (_, i) => 101 + i)] });
    expect(errcode(await s.post('/cgi-bin/tags/members/batchtagging', { openid_list: [other, busy], tagid: 120 }))).toBe(45059);
    expect((await s.post('/cgi-bin/tags/getidlist', { openid: other }))['tagid_list']).toEqual([100]);
    // Tagging with a tag the member already carries is not a 21st tag.
    expect(errcode(await s.post('/cgi-bin/tags/members/batchtagging', { openid_list: [busy], tagid: 100 }))).toBe(0);

    expect(await s.post('/cgi-bin/tags/members/batchuntagging', { openid_list: [other], tagid: 100 })).toEqual({ errcode: 0, errmsg: 'ok' });
    const members = await s.post('/cgi-bin/user/tag/get', { tagid: 100, next_openid: '' });
    expect(members).toMatchObject({ count: 49 });
    expect(members['data'].openid).not.toContain(other);
  });
});

describe('WeChat sandbox: parametric QR codes', () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox({ permanentQrCodes: 2 });
  });
  afterAll(() => s.server.close());

  it('creates temporary codes (60 s by default, 30 days at most) with a ticket and a weixin.qq.com url', async () => {
    const code = await s.post('/cgi-bin/qrcode/create', { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 4_000_000_000 } } });
    expect(code).toEqual({ ticket: expect.stringMatching(/^gQ/), expire_seconds: 60, url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\//) });
    const str = await s.post('/cgi-bin/qrcode/create', { expire_seconds: 2_592_000, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'store:SH-01' } } });
    expect(str['expire_seconds']).toBe(2_592_000);
    const image = await s.server.inject({ url: `/mp/cgi-bin/showqrcode?ticket=${encodeURIComponent(str['ticket'])}` });
    expect(image.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(image.body).toContain('store:SH-01');
  });

  it.each([
    ['expire_seconds over 30 days', { expire_seconds: 2_592_001, action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } }],
    ['a zero scene_id', { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 0 } } }],
    ['a scene_id beyond 32 bits', { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 4_294_967_296 } } }],
    ['a permanent scene_id over 100,000', { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_001 } } }],
    ['a scene_str of 65 characters', { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'x'.repeat(65) } } }],
    ['an empty scene_str', { action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: '' } } }],
    ['an unknown action_name', { action_name: 'QR_FOREVER', action_info: { scene: { scene_id: 1 } } }],
  ])('refuses %s with 40053', async (_what, body) => {
    expect(errcode(await s.post('/cgi-bin/qrcode/create', body))).toBe(40053);
  });

  it('gives a permanent scene one ticket, and stops at the account cap of permanent codes', async () => {
    const a = await s.post('/cgi-bin/qrcode/create', { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_000 } } });
    expect(a).toEqual({ ticket: expect.any(String), url: expect.any(String) });
    expect(await s.post('/cgi-bin/qrcode/create', { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_000 } } })).toEqual(a);
    expect(errcode(await s.post('/cgi-bin/qrcode/create', { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'poster' } } }))).toBe(0);
    expect(errcode(await s.post('/cgi-bin/qrcode/create', { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'third' } } }))).toBe(45009);
  });

  it('lists live codes in the simulator state; expired temporary ones drop out', async () => {
    const before = (await s.server.inject({ url: '/_sim/state' })).json();
    expect(before.qrCodes).toEqual(expect.arrayContaining([expect.objectContaining({ scene: 'store:SH-01', permanent: false }), expect.objectContaining({ scene: '100000', permanent: true, expiresAt: null })]));
    s.clock.advance(61);
    const after = (await s.server.inject({ url: '/_sim/state' })).json();
    expect(after.qrCodes.map((c: { scene: string }) => c.scene)).not.toContain('4000000000');
    expect(after.qrCodes.map((c: { scene: string }) => c.scene)).toContain('store:SH-01');
  });
});

describe('WeChat sandbox: custom menu', () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.server.close());

  const click = (name = '点我', key = 'K1') => ({ type: 'click', name, key });
  const parent = (subs: unknown[], name = '服务') => ({ name, sub_button: subs });

  it.each<[number, string, unknown]>([
    [40016, 'no buttons', []],
    [40016, 'four top-level buttons', [click(), click(), click(), click()]],
    [40017, 'an unknown top-level type', [{ type: 'tap', name: 'x', key: 'k' }]],
    [40017, 'a top-level button with neither type nor sub-buttons', [{ name: 'x' }]],
    [40018, 'a 17-byte top-level name', [click('a'.repeat(17))]],
    [40019, 'a 129-byte key', [click('x', 'k'.repeat(129))]],
    [40019, 'a click without a key', [{ type: 'click', name: 'x' }]],
    [40020, 'a 1025-byte top-level url', [{ type: 'view', name: 'x', url: `https://a.cn/${'p'.repeat(1012)}` }]],
    [40055, 'a top-level url that is not http(s)', [{ type: 'view', name: 'x', url: 'javascript:alert(1)' }]],
    [40023, 'six sub-buttons', [parent([click(), click(), click(), click(), click(), click()])]],
    [40024, 'an unknown sub-button type', [parent([{ type: 'open', name: 'x' }])]],
    [40025, 'a 61-byte sub-button name', [parent([click('名'.repeat(20) + 'x')])]],
    [40026, 'a 129-byte sub-button key', [parent([click('x', 'k'.repeat(129))])]],
    [40027, 'a 1025-byte sub-button url', [parent([{ type: 'view', name: 'x', url: `https://a.cn/${'p'.repeat(1012)}` }])]],
    [40054, 'a sub-button url that is not http(s)', [parent([{ type: 'view', name: 'x', url: 'ftp://a.cn/x' }])]],
    [40007, 'a media_id button without media_id', [{ type: 'media_id', name: 'x' }]],
    [40165, 'a miniprogram button without pagepath', [{ type: 'miniprogram', name: 'x', appid: 'wx1234567890abcdef', url: 'https://a.cn' }]],
  ])('refuses with %i: %s', async (code, _what, button) => {
    expect(errcode(await s.post('/cgi-bin/menu/create', { button }))).toBe(code);
  });

  it('publishes a valid menu at the limits, answers menu/get and the self-menu info, and deletes it', async () => {
    expect(errcode(await s.get('/cgi-bin/menu/get'))).toBe(46003);
    const button = [
      click('菜单名称五a', 'k'.repeat(128)),
      parent([click('名'.repeat(20), 'K2'), { type: 'view', name: '官网', url: `https://a.cn/${'p'.repeat(1011)}` }, click('c', 'K3'), click('d', 'K4'), click('e', 'K5')]),
      { type: 'miniprogram', name: '小程序', appid: 'wx1234567890abcdef', pagepath: 'pages/index', url: 'https://a.cn' },
    ];
    expect(await s.post('/cgi-bin/menu/create', { button })).toEqual({ errcode: 0, errmsg: 'ok' });
    const menu = await s.get('/cgi-bin/menu/get');
    expect(menu['menu'].button).toHaveLength(3);
    expect(menu['menu'].button[0]).toEqual({ ...button[0], sub_button: [] });
    expect(menu['menu'].button[1].sub_button[1]).toMatchObject({ type: 'view', name: '官网' });
    const self = await s.get('/cgi-bin/get_current_selfmenu_info');
    expect(self).toMatchObject({ is_menu_open: 1, selfmenu_info: { button: [{ type: 'click' }, { name: '服务', sub_button: { list: expect.any(Array) } }, { type: 'miniprogram' }] } });
    expect((await s.server.inject({ url: '/_sim/state' })).json().menu).toEqual([button[0], button[1], button[2]]);
    expect(await s.get('/cgi-bin/menu/delete')).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await s.get('/cgi-bin/menu/get')).toMatchObject({ errcode: 46003, errmsg: expect.stringMatching(/^menu no exist/) });
  });
});
