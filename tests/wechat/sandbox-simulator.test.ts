import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import type { FeedMessage, SandboxFollower } from '@fanbase/shared/contracts/sandbox';
import { createDispatcher } from '../../server/src/wechat/callback/dispatcher';
import { settledInbound } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';

// The follower simulator mounted in the app: actions become the pushes WeChat sends to Fanbase's /wechat
// (signed, and encrypted in compatible/safe mode), handled by the app's real callback, and the passive reply
// comes back decoded. Then `npm run sandbox` against a listening app.

const ROOT = path.resolve(__dirname, '../..');
const SIM = '/sandbox/wechat/_sim';
const run = promisify(execFile);

// Handlers as modules register them: one per kind of push the simulator sends.
function brandDispatcher() {
  const dispatcher = createDispatcher();
  dispatcher.onEvent('subscribe', (push) => ({
    type: 'news',
    articles: [
      { title: '欢迎关注', description: push.eventKey ?? '', url: 'https://brand.example.cn/welcome', picUrl: 'https://brand.example.cn/w.png' },
      { title: '会员权益', url: 'https://brand.example.cn/benefits' },
    ],
  }));
  dispatcher.onEvent('SCAN', (push) => ({ type: 'text', content: `扫码：${push.eventKey}` }));
  dispatcher.onKeyword({ exact: 'hi' }, () => ({ type: 'text', content: '你好，欢迎光临 ]]> <b>' }));
  dispatcher.onKeyword({ exact: 'human' }, () => ({ type: 'transfer_customer_service' }));
  dispatcher.onMenuClick('MENU_HOURS', () => ({ type: 'text', content: '营业时间 9:00-18:00' }));
  dispatcher.onMessage('location', (push) => ({ type: 'text', content: `收到位置：${String(push.fields['Label'])}` }));
  dispatcher.onMessage('image', (push) => ({ type: 'image', mediaId: `echo-${String(push.fields['MediaId']).slice(0, 8)}` }));
  return dispatcher;
}

describe('WeChat sandbox: the follower simulator', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ wechat: { dispatcher: brandDispatcher() } });
  });
  afterAll(() => t.close());

  const newFollower = async (nickname?: string) => {
    const res = await t.app.inject({ method: 'POST', url: `${SIM}/followers`, payload: nickname ? { nickname } : {} });
    expect(res.statusCode).toBe(201);
    return res.json() as SandboxFollower;
  };
  const act = (openId: string, action: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `${SIM}/followers/${openId}/actions`, payload: action });
  const reply = async (openId: string, action: Record<string, unknown>) => {
    const res = await act(openId, action);
    expect(res.statusCode).toBe(200);
    return res.json() as { status: number; reply: FeedMessage | null };
  };
  const pushes = async (openId: string) =>
    ((await settledInbound<{ status: string } & Record<string, unknown>>(t.db.dataSource, 'SELECT i.msg_type AS msgType, i.event, i.msg_id AS msgId, o.status, i.payload FROM wechat_inbound i LEFT JOIN wechat_inbound_outcome o ON o.inbound_id = i.id WHERE i.open_id = ? ORDER BY i.id', [openId])) as unknown as {
      msgType: string;
      event: string | null;
      msgId: string | null;
      status: string;
      payload: string;
    }[]).map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  const token = async () =>
    (await t.app.inject({ method: 'POST', url: '/sandbox/wechat/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: t.config.wechat.appId, secret: t.config.wechat.appSecret } })).json()
      .access_token as string;

  it('describes the account: safe mode by default when an EncodingAESKey is configured, no menu yet', async () => {
    const state = (await t.app.inject({ url: `${SIM}/state` })).json();
    expect(state).toEqual({ account: { appId: t.config.wechat.appId, encryption: 'safe' }, menu: null, qrCodes: [] });
  });

  it('creates WeChat users who do not follow yet, and lists them', async () => {
    const f = await newFollower('阿杰');
    expect(f).toEqual({ openId: expect.stringMatching(/^oSbx[A-Za-z0-9_-]{24}$/), unionId: expect.any(String), nickname: '阿杰', subscribed: false, subscribedAt: null, tagIds: [] });
    const list = (await t.app.inject({ url: `${SIM}/followers` })).json().items as SandboxFollower[];
    expect(list.map((x) => x.openId)).toContain(f.openId);
  });

  it('follows through a QR code in safe mode: encrypted push with qrscene_ and Ticket, decrypted news reply', async () => {
    const qr = (
      await t.app.inject({
        method: 'POST',
        url: '/sandbox/wechat/cgi-bin/qrcode/create',
        query: { access_token: await token() },
        payload: { expire_seconds: 600, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'spring-fair' } } },
      })
    ).json();
    const f = await newFollower();
    const result = await reply(f.openId, { type: 'follow', scene: qr.ticket });
    expect(result.status).toBe(200);
    expect(result.reply).toMatchObject({
      direction: 'out',
      channel: 'reply',
      message: {
        type: 'news',
        articles: [
          { title: '欢迎关注', description: 'qrscene_spring-fair', url: 'https://brand.example.cn/welcome', picUrl: 'https://brand.example.cn/w.png' },
          { title: '会员权益', description: '', url: 'https://brand.example.cn/benefits', picUrl: '' },
        ],
      },
    });
    const [push] = await pushes(f.openId);
    expect(push).toMatchObject({ msgType: 'event', event: 'subscribe', status: 'replied', payload: { EventKey: 'qrscene_spring-fair', Ticket: qr.ticket } });
    const info = (await t.app.inject({ url: '/sandbox/wechat/cgi-bin/user/info', query: { access_token: await token(), openid: f.openId } })).json();
    expect(info).toMatchObject({ subscribe: 1, subscribe_scene: 'ADD_SCENE_QR_CODE', qr_scene: 0, qr_scene_str: 'spring-fair' });

    // Scanning again while following is a SCAN with the bare scene; a scene value finds its code's ticket.
    const scan = await reply(f.openId, { type: 'scan', scene: 'spring-fair', encryption: 'plain' });
    expect(scan.reply?.message).toEqual({ type: 'text', content: '扫码：spring-fair' });
    expect((await pushes(f.openId))[1]).toMatchObject({ event: 'SCAN', payload: { EventKey: 'spring-fair', Ticket: qr.ticket } });
    expect((await t.app.inject({ url: `${SIM}/followers` })).json().items.find((x: SandboxFollower) => x.openId === f.openId)).toMatchObject({
      subscribed: true,
      subscribedAt: expect.any(String),
    });
  });

  it.each(['plain', 'compatible', 'safe'] as const)('sends a text in %s mode with a 64-bit MsgId and decodes the text reply', async (encryption) => {
    const f = await newFollower();
    await reply(f.openId, { type: 'follow', encryption });
    const result = await reply(f.openId, { type: 'text', content: 'hi', encryption });
    expect(result).toMatchObject({ status: 200, reply: { direction: 'out', channel: 'reply', message: { type: 'text', content: '你好，欢迎光临 ]]> <b>' } } });
    const text = (await pushes(f.openId)).find((p) => p.msgType === 'text')!;
    expect(text.msgId).toMatch(/^\d{17,20}$/);
    expect(BigInt(text.msgId!) > 2n ** 53n).toBe(true);
    expect(text.payload['Content']).toBe('hi');
  });

  it('taps the menu, shares a location and a photo, and asks for a human', async () => {
    const f = await newFollower();
    const follow = await reply(f.openId, { type: 'follow' });
    expect(follow.reply?.message.type).toBe('news');
    expect((await reply(f.openId, { type: 'click', key: 'MENU_HOURS' })).reply?.message).toEqual({ type: 'text', content: '营业时间 9:00-18:00' });
    expect((await reply(f.openId, { type: 'view', url: 'https://brand.example.cn/h5/' })).reply).toBeNull();
    expect((await reply(f.openId, { type: 'location', latitude: 31.22864, longitude: 121.45263, label: '上海市静安区' })).reply?.message).toEqual({
      type: 'text',
      content: '收到位置：上海市静安区',
    });
    const photo = await reply(f.openId, { type: 'image' });
    expect(photo.reply?.message).toMatchObject({ type: 'image', mediaId: expect.stringMatching(/^echo-/) });
    expect((await reply(f.openId, { type: 'text', content: 'human' })).reply?.message).toEqual({ type: 'transfer_customer_service' });
    expect((await reply(f.openId, { type: 'text', content: 'nothing matches this' })).reply).toBeNull();

    const recorded = await pushes(f.openId);
    expect(recorded.map((p) => p.event ?? p.msgType)).toEqual(['subscribe', 'CLICK', 'VIEW', 'location', 'image', 'text', 'text']);
    expect(recorded[3]!.payload).toMatchObject({ Location_X: '31.22864', Location_Y: '121.45263', Scale: '15', Label: '上海市静安区', MsgId: expect.stringMatching(/^\d+$/) });
    expect(recorded[4]!.payload).toMatchObject({ PicUrl: expect.stringMatching(/\/sandbox\/wechat\/_sim\/media\/[A-Za-z0-9_-]+\.svg$/), MediaId: expect.any(String) });
    const media = await t.app.inject({ url: new URL(String(recorded[4]!.payload['PicUrl'])).pathname });
    expect(media.headers['content-type']).toMatch(/^image\/svg\+xml/);

    // The conversation, oldest first, both sides; `after` gives only what is newer.
    const feed = (await t.app.inject({ url: `${SIM}/followers/${f.openId}/feed` })).json().items as FeedMessage[];
    expect(feed.map((m) => `${m.direction}:${m.channel}:${m.message.type}`)).toEqual([
      'in:member:event',
      'out:reply:news',
      'in:member:event',
      'out:reply:text',
      'in:member:event',
      'in:member:location',
      'out:reply:text',
      'in:member:image',
      'out:reply:image',
      'in:member:text',
      'out:reply:transfer_customer_service',
      'in:member:text',
    ]);
    expect(feed[2]!.message).toEqual({ type: 'event', event: 'CLICK', key: 'MENU_HOURS' });
    expect(feed[5]!.message).toEqual({ type: 'location', latitude: 31.22864, longitude: 121.45263, label: '上海市静安区' });
    const newer = (await t.app.inject({ url: `${SIM}/followers/${f.openId}/feed?after=${feed[9]!.id}` })).json().items as FeedMessage[];
    expect(newer.map((m) => m.id)).toEqual([feed[10]!.id, feed[11]!.id]);
  });

  it('opens the customer-service window for the API client: a member message allows a reply by message/custom/send', async () => {
    const f = await newFollower();
    await reply(f.openId, { type: 'follow' });
    await reply(f.openId, { type: 'text', content: '请问门店几点关门？' });
    const sent = await t.app.inject({
      method: 'POST',
      url: '/sandbox/wechat/cgi-bin/message/custom/send',
      query: { access_token: await token() },
      payload: { touser: f.openId, msgtype: 'text', text: { content: '晚上九点' } },
    });
    expect(sent.json()).toEqual({ errcode: 0, errmsg: 'ok' });
    const feed = (await t.app.inject({ url: `${SIM}/followers/${f.openId}/feed` })).json().items as FeedMessage[];
    expect(feed[feed.length - 1]).toMatchObject({ direction: 'out', channel: 'custom', message: { type: 'text', content: '晚上九点' } });
  });

  it("posts job-finish events to the app's own /wechat once the API has answered", async () => {
    const f = await newFollower();
    await reply(f.openId, { type: 'follow' });
    const sent = await t.app.inject({
      method: 'POST',
      url: '/sandbox/wechat/cgi-bin/message/template/send',
      query: { access_token: await token() },
      payload: { touser: f.openId, template_id: 'TPL-BOOKING', data: { thing1: { value: '维修预约已确认' } } },
    });
    const msgId = /"msgid":(\d+)/.exec(sent.body)![1];
    let event: Awaited<ReturnType<typeof pushes>>[number] | undefined;
    for (let i = 0; i < 100 && !event; i++) {
      event = (await pushes(f.openId)).find((p) => p.event === 'TEMPLATESENDJOBFINISH');
      if (!event) await new Promise((r) => setTimeout(r, 20));
    }
    expect(event?.payload).toMatchObject({ MsgID: msgId, Status: 'success' });
  });

  it('unfollows; WeChat then lets the member do nothing but follow again', async () => {
    const f = await newFollower();
    await reply(f.openId, { type: 'follow' });
    expect((await reply(f.openId, { type: 'unfollow' })).reply).toBeNull();
    const refused = await act(f.openId, { type: 'text', content: 'hi' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST', message: expect.stringContaining('does not follow') });
    expect((await act(f.openId, { type: 'unfollow' })).statusCode).toBe(400);
    expect((await reply(f.openId, { type: 'follow' })).status).toBe(200);
    expect((await act(f.openId, { type: 'follow' })).json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('already follows') });
  });

  it('validates its input with the API error shape: 400 for a bad action, 404 for an unknown follower', async () => {
    const f = await newFollower();
    const bad = await act(f.openId, { type: 'text' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: expect.any(Array) });
    expect((await act(f.openId, { type: 'dance' })).statusCode).toBe(400);
    expect((await act(f.openId, { type: 'text', content: 'x', encryption: 'rot13' })).statusCode).toBe(400);
    expect((await act(f.openId, { type: 'location', latitude: 91, longitude: 0 })).statusCode).toBe(400);
    const missing = await act('oSbxNOBODY000000000000000000', { type: 'text', content: 'hi' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect((await t.app.inject({ url: `${SIM}/followers/oSbxNOBODY000000000000000000/feed` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: `${SIM}/followers`, payload: { nickname: '', extra: 1 } })).statusCode).toBe(400);
  });

  it('shows the menu published through the API, and stays out of the API docs', async () => {
    const button = [{ type: 'click', name: '营业时间', key: 'MENU_HOURS' }, { name: '服务', sub_button: [{ type: 'view', name: '预约', url: 'https://brand.example.cn/h5/book' }] }];
    const created = await t.app.inject({ method: 'POST', url: '/sandbox/wechat/cgi-bin/menu/create', query: { access_token: await token() }, payload: { button } });
    expect(created.json()).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await t.app.inject({ url: `${SIM}/state` })).json().menu).toEqual(button);
    const spec = (await t.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/sandbox'))).toEqual([]);
  });
});

describe('npm run sandbox', () => {
  let t: TestApp;
  let cwd: string;
  const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
  const CLI = path.join(ROOT, 'scripts/sandbox.ts');

  beforeAll(async () => {
    t = await startTestApp({ listen: true, wechat: { dispatcher: brandDispatcher() } });
    // The CLI keeps its follower in ./data: a scratch directory here, not the repository's.
    cwd = mkdtempSync(path.join(os.tmpdir(), 'fanbase-sandbox-cli-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(TSX, [CLI, ...args], { cwd, env: { ...process.env, PORT: '' }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  it('follows as its own follower, remembers it, sends a text and prints the passive replies and the feed', async () => {
    const url = t.config.publicUrl;
    const follow = await cli(['follow', '--url', url]);
    expect(follow.stderr).toBe('');
    expect(follow.code).toBe(0);
    expect(follow.stdout).toMatch(/created the CLI follower oSbx\S+ \(命令行粉丝\)/);
    expect(follow.stdout).toContain('/wechat answered 200');
    expect(follow.stdout).toContain('passive reply: [article] 欢迎关注');
    const saved = JSON.parse(readFileSync(path.join(cwd, 'data/sandbox-cli.json'), 'utf8')) as { followers: Record<string, string> };
    const openId = saved.followers[url]!;

    const text = await cli(['text', 'hi', '--url', url, '--encryption', 'plain']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain('created the CLI follower');
    expect(text.stdout).toContain(`${openId} → text (plain mode): /wechat answered 200`);
    expect(text.stdout).toContain('passive reply: 你好，欢迎光临 ]]> <b>');

    const feed = await cli(['feed', '--url', url]);
    expect(feed.stdout).toMatch(/me\s+\[subscribe\]/);
    expect(feed.stdout).toMatch(/reply\s+你好，欢迎光临/);
  }, 120_000);

  it('fails with exit code 1 and a reason when the server is down or not in sandbox mode', async () => {
    const down = await cli(['followers', '--url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach Fanbase at http://127.0.0.1:9');
    const other = Fastify();
    const url = await other.listen({ host: '127.0.0.1', port: 0 });
    try {
      const live = await cli(['followers', '--url', url]);
      expect(live.code).toBe(1);
      expect(live.stderr).toContain('does not run the WeChat sandbox');
    } finally {
      await other.close();
    }
    expect(existsSync(path.join(cwd, 'data/sandbox-cli.json'))).toBe(true);
  }, 120_000);

  it('is wired as an npm script', async () => {
    try {
      const { stdout } = await run('npm', ['run', '--silent', 'sandbox', '--', 'followers', '--url', t.config.publicUrl], { cwd: ROOT, timeout: 60_000 });
      expect(stdout).toContain('命令行粉丝');
    } catch (err) {
      throw new Error(`npm run sandbox failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
    }
  }, 120_000);
});
