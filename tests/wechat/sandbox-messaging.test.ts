import Fastify, { type FastifyInstance } from 'fastify';
import { wechatHttp } from '../../server/src/wechat/api/http';
import { createDispatcher } from '../../server/src/wechat/callback/dispatcher';
import { errorHandlerPlugin } from '../../server/src/plugins/error-handler';
import { createSandboxPlatform, type SandboxPlatform } from '../../server/src/wechat/sandbox/platform';
import { startTestApp, TestClock, type TestApp } from '../support/app';

// Messages the account sends through the sandbox, called over HTTP as the API client calls WeChat: the
// customer-service window, template messages and mass sends with their quotas and idempotency, and the
// job-finish events the sandbox posts back to Fanbase's real /wechat (recorded in wechat_inbound).

const TWO_POW_53 = 2n ** 53n;
const BEIJING_MS = 8 * 3600_000;

/** Seconds from now to `minutes` past the start of the next Beijing day or month. */
function untilNextBeijing(clock: TestClock, unit: 'day' | 'month', minutes: number): number {
  const local = new Date(clock.now().getTime() + BEIJING_MS);
  const start = unit === 'day' ? Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) : Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1);
  return Math.ceil((start - local.getTime()) / 1000) + minutes * 60;
}

describe('WeChat sandbox: sending messages', () => {
  let t: TestApp;
  let clock: TestClock;
  let platform: SandboxPlatform;
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    clock = new TestClock(new Date('2026-11-22T08:00:00.000Z'));
    t = await startTestApp({ clock, wechat: { dispatcher: createDispatcher() } });
    platform = createSandboxPlatform({
      wechat: t.config.wechat,
      clock,
      limits: { templateDailyQuota: 3 },
      deliver: async ({ query, body }) => {
        const res = await t.app.inject({ method: 'POST', url: `/wechat?${new URLSearchParams(query).toString()}`, headers: { 'content-type': 'text/xml' }, payload: body });
        return { status: res.statusCode, body: res.body };
      },
    });
    // Validation as the app configures it (buildApp), where the sandbox is mounted.
    server = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } } });
    await server.register(errorHandlerPlugin);
    await server.register(platform.routes);
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await platform.idle();
    await server.close();
    await t.close();
  });

  const token = async () =>
    (await server.inject({ method: 'POST', url: '/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: t.config.wechat.appId, secret: t.config.wechat.appSecret } })).json()
      .access_token as string;
  const raw = async (path: string, body: unknown) => server.inject({ method: 'POST', url: path, query: { access_token: await token() }, payload: body as object });
  const post = async (path: string, body: unknown) => (await raw(path, body)).json() as Record<string, any>;
  const act = (openId: string, action: Record<string, unknown>) => server.inject({ method: 'POST', url: `/_sim/followers/${openId}/actions`, payload: action });
  const feed = async (openId: string) => (await server.inject({ url: `/_sim/followers/${openId}/feed` })).json().items as { channel: string; direction: string; message: any }[];
  const text = (openId: string, content: string) => ({ touser: openId, msgtype: 'text', text: { content } });
  const inbound = async (event: string): Promise<Record<string, string>[]> =>
    ((await t.db.dataSource.query('SELECT open_id AS openId, payload FROM wechat_inbound WHERE event = ? ORDER BY id', [event])) as { openId: string; payload: string }[]).map((r) => ({
      openId: r.openId,
      ...(JSON.parse(r.payload) as Record<string, string>),
    }));

  describe('customer-service messages', () => {
    it('needs an openid WeChat issued (40003) who follows (43004) and has an open window (45015)', async () => {
      const stranger = platform.createFollower();
      const fan = platform.createFollower({ subscribed: true });
      expect((await post('/cgi-bin/message/custom/send', text('nobody', 'hi'))).errcode).toBe(40003);
      expect((await post('/cgi-bin/message/custom/send', text(stranger.openId, 'hi'))).errcode).toBe(43004);
      expect((await post('/cgi-bin/message/custom/send', text(fan.openId, 'hi'))).errcode).toBe(45015);
      expect((await post('/cgi-bin/message/custom/send', { touser: fan.openId, msgtype: 'text', text: { content: '' } })).errcode).toBe(44004);
      expect((await post('/cgi-bin/message/custom/send', { touser: fan.openId, msgtype: 'sticker' })).errcode).toBe(40008);
    });

    it('allows 5 messages in the 48 hours after a member message, then 45047; after 48 hours 45015', async () => {
      const fan = platform.createFollower();
      expect((await act(fan.openId, { type: 'follow', encryption: 'plain' })).statusCode).toBe(200);
      clock.advance(61); // the follow's own minute is over
      expect((await act(fan.openId, { type: 'text', content: '你好' })).statusCode).toBe(200);
      clock.advance(47 * 3600);
      for (let i = 0; i < 5; i++) expect(await post('/cgi-bin/message/custom/send', text(fan.openId, `reply ${i}`))).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await post('/cgi-bin/message/custom/send', text(fan.openId, 'one more'))).toMatchObject({ errcode: 45047, errmsg: expect.stringMatching(/^out of response count limit/) });
      // Another message from the member opens a fresh window.
      await act(fan.openId, { type: 'text', content: '还在吗' });
      expect((await post('/cgi-bin/message/custom/send', text(fan.openId, 'yes'))).errcode).toBe(0);
      clock.advance(48 * 3600 + 1);
      expect((await post('/cgi-bin/message/custom/send', text(fan.openId, 'late'))).errcode).toBe(45015);
      const custom = (await feed(fan.openId)).filter((m) => m.channel === 'custom');
      expect(custom.map((m) => m.message.content)).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3', 'reply 4', 'yes']);
    });

    it('allows 3 messages in the minute after a follow, a menu click or a scan, and none after a link tap', async () => {
      const fan = platform.createFollower();
      await act(fan.openId, { type: 'follow' });
      for (let i = 0; i < 3; i++) expect((await post('/cgi-bin/message/custom/send', text(fan.openId, `welcome ${i}`))).errcode).toBe(0);
      expect((await post('/cgi-bin/message/custom/send', text(fan.openId, 'welcome 3'))).errcode).toBe(45047);
      clock.advance(61);
      await act(fan.openId, { type: 'view', url: 'https://example.cn/page' });
      expect((await post('/cgi-bin/message/custom/send', text(fan.openId, 'after view'))).errcode).toBe(45015);
      await act(fan.openId, { type: 'click', key: 'MENU_HELP' });
      expect((await post('/cgi-bin/message/custom/send', { touser: fan.openId, msgtype: 'news', news: { articles: [{ title: '帮助', description: 'd', url: 'https://example.cn', picurl: '' }] } })).errcode).toBe(0);
      expect((await post('/cgi-bin/message/custom/send', { touser: fan.openId, msgtype: 'msgmenu', msgmenu: { head_content: '满意吗', list: [{ id: '1', content: '满意' }], tail_content: '谢谢' } })).errcode).toBe(0);
      clock.advance(61);
      expect((await post('/cgi-bin/message/custom/send', text(fan.openId, 'too late'))).errcode).toBe(45015);
      const custom = (await feed(fan.openId)).filter((m) => m.channel === 'custom').map((m) => m.message);
      expect(custom[3]).toEqual({ type: 'news', articles: [{ title: '帮助', description: 'd', url: 'https://example.cn', picUrl: '' }] });
      expect(custom[4]).toEqual({ type: 'text', content: '满意吗\n[1] 满意\n谢谢' });
    });

    it('refuses a customer-service message to a member who unfollowed (43004)', async () => {
      const fan = platform.createFollower();
      await act(fan.openId, { type: 'follow' });
      await act(fan.openId, { type: 'text', content: 'bye' });
      await act(fan.openId, { type: 'unfollow' });
      expect((await post('/cgi-bin/message/custom/send', text(fan.openId, 'wait'))).errcode).toBe(43004);
    });
  });

  describe('template messages', () => {
    const template = (openId: string, extra: Record<string, unknown> = {}) => ({
      touser: openId,
      template_id: 'TPL-ORDER',
      url: 'https://example.cn/orders/1',
      data: { thing1: { value: '保养预约' }, time2: { value: '2026-11-23 10:00' } },
      ...extra,
    });

    it('answers a 64-bit msgid as a bare JSON number, delivers, and posts TEMPLATESENDJOBFINISH to /wechat', async () => {
      const fan = platform.createFollower({ subscribed: true });
      const res = await raw('/cgi-bin/message/template/send', template(fan.openId));
      expect(res.body).toMatch(/^\{"errcode":0,"errmsg":"ok","msgid":\d{17,19}\}$/);
      const msgId = /"msgid":(\d+)/.exec(res.body)![1]!;
      expect(BigInt(msgId) > TWO_POW_53).toBe(true);
      // Fanbase's own HTTP reader keeps every digit. A second later, so its job-finish event has its own key.
      clock.advance(1);
      const viaClient = await wechatHttp<{ msgid: string }>(base, '/cgi-bin/message/template/send', {
        query: { access_token: await token() },
        body: template(fan.openId, { template_id: 'TPL-2' }),
      });
      expect(typeof viaClient.msgid).toBe('string');
      expect(BigInt(viaClient.msgid) > TWO_POW_53).toBe(true);

      expect((await feed(fan.openId)).find((m) => m.channel === 'template')!.message).toEqual({
        type: 'template',
        templateId: 'TPL-ORDER',
        url: 'https://example.cn/orders/1',
        data: { thing1: { value: '保养预约' }, time2: { value: '2026-11-23 10:00' } },
      });
      await platform.idle();
      const events = (await inbound('TEMPLATESENDJOBFINISH')).filter((e) => e.openId === fan.openId);
      expect(events).toEqual([
        expect.objectContaining({ MsgID: msgId, Status: 'success', MsgType: 'event', ToUserName: expect.stringMatching(/^gh_[0-9a-f]{12}$/) }),
        expect.objectContaining({ MsgID: viaClient.msgid, Status: 'success' }),
      ]);
    });

    it('says failed:user block for a member who blocks template messages, and delivers nothing', async () => {
      const fan = platform.createFollower({ subscribed: true, blocksTemplates: true });
      const res = await raw('/cgi-bin/message/template/send', template(fan.openId));
      await platform.idle();
      expect((await inbound('TEMPLATESENDJOBFINISH')).find((e) => e.openId === fan.openId)).toMatchObject({ MsgID: /"msgid":(\d+)/.exec(res.body)![1], Status: 'failed:user block' });
      expect((await feed(fan.openId)).filter((m) => m.channel === 'template')).toEqual([]);
    });

    it('refuses an unknown openid (40003), a missing template_id (40037) and a non-follower (43004)', async () => {
      const stranger = platform.createFollower();
      expect((await post('/cgi-bin/message/template/send', template('nobody'))).errcode).toBe(40003);
      expect((await post('/cgi-bin/message/template/send', template(stranger.openId, { template_id: '' }))).errcode).toBe(40037);
      expect((await post('/cgi-bin/message/template/send', template(stranger.openId))).errcode).toBe(43004);
    });

    it('sends the same openid + client_msg_id once within 10 minutes, and counts a daily quota (45009) that resets at Beijing midnight', async () => {
      // Half past midnight, Beijing time: a fresh quota day.
      clock.advance(untilNextBeijing(clock, 'day', 30));
      const fan = platform.createFollower({ subscribed: true });
      const first = (await raw('/cgi-bin/message/template/send', template(fan.openId, { client_msg_id: 'order-1-paid' }))).body;
      clock.advance(9 * 60);
      const again = (await raw('/cgi-bin/message/template/send', template(fan.openId, { client_msg_id: 'order-1-paid' }))).body;
      expect(again).toBe(first);
      expect((await feed(fan.openId)).filter((m) => m.channel === 'template')).toHaveLength(1);
      clock.advance(61);
      const later = (await raw('/cgi-bin/message/template/send', template(fan.openId, { client_msg_id: 'order-1-paid' }))).body;
      expect(later).toMatch(/"msgid":\d+/);
      expect(later).not.toBe(first);
      expect((await post('/cgi-bin/message/template/send', template(fan.openId))).errcode).toBe(0);
      // The quota (3 for this test) is spent: a fourth send today fails, a repeat of a known client_msg_id still answers.
      expect(await post('/cgi-bin/message/template/send', template(fan.openId))).toMatchObject({ errcode: 45009, errmsg: expect.stringMatching(/^reach max api daily quota limit/) });
      expect((await raw('/cgi-bin/message/template/send', template(fan.openId, { client_msg_id: 'order-1-paid' }))).body).toBe(later);
      clock.advance(24 * 3600);
      expect((await post('/cgi-bin/message/template/send', template(fan.openId))).errcode).toBe(0);
    });
  });

  describe('mass sends', () => {
    const textMass = (touser: string[], clientmsgid?: string) => ({ touser, msgtype: 'text', text: { content: '双十一活动' }, ...(clientmsgid ? { clientmsgid } : {}) });

    it('takes 2 to 10,000 openids (40130) and answers a 64-bit msg_id', async () => {
      const fans = [platform.createFollower({ subscribed: true }), platform.createFollower({ subscribed: true })].map((f) => f.openId);
      expect((await post('/cgi-bin/message/mass/send', textMass(fans.slice(0, 1)))).errcode).toBe(40130);
      expect((await post('/cgi-bin/message/mass/send', textMass(Array.from({ length: 10_001 }, (_, i) => `o${i}`)))).errcode).toBe(40130);
      const res = await raw('/cgi-bin/message/mass/send', textMass(fans));
      expect(res.body).toMatch(/^\{"errcode":0,"errmsg":"send job submission success","msg_id":\d{17,19}\}$/);
      const mpnews = await post('/cgi-bin/message/mass/send', { touser: fans, msgtype: 'mpnews', mpnews: { media_id: 'MEDIA' }, send_ignore_reprint: 0 });
      expect(mpnews).toMatchObject({ errcode: 0, msg_data_id: expect.any(Number) });
      expect((await post('/cgi-bin/message/mass/send', { touser: fans, msgtype: 'mpnews', mpnews: {} })).errcode).toBe(40007);
    });

    it('refuses a clientmsgid over 64 bytes (45067) and answers a reused one with the first msg_id (45065) for 24 hours', async () => {
      const fans = [platform.createFollower({ subscribed: true }), platform.createFollower({ subscribed: true })].map((f) => f.openId);
      expect((await post('/cgi-bin/message/mass/send', textMass(fans, 'x'.repeat(65)))).errcode).toBe(45067);
      const first = await raw('/cgi-bin/message/mass/send', textMass(fans, 'campaign-7-batch-0'));
      const msgId = /"msg_id":(\d+)/.exec(first.body)![1]!;
      clock.advance(3600);
      const dup = await raw('/cgi-bin/message/mass/send', textMass(fans, 'campaign-7-batch-0'));
      expect(dup.json().errcode).toBe(45065);
      expect(/"msg_id":(\d+)/.exec(dup.body)![1]).toBe(msgId);
      expect((await feed(fans[0]!)).filter((m) => m.channel === 'mass')).toHaveLength(1);
      clock.advance(23 * 3600);
      expect((await post('/cgi-bin/message/mass/send', textMass(fans, 'campaign-7-batch-0'))).errcode).toBe(0);
    });

    it('delivers at most 4 mass messages a member a Beijing month, filters non-followers, and reports it in MASSSENDJOBFINISH', async () => {
      // Ten past midnight on the 1st, Beijing time (the previous month still, in UTC).
      clock.advance(untilNextBeijing(clock, 'month', 10));
      const a = platform.createFollower({ subscribed: true }).openId;
      const b = platform.createFollower({ subscribed: true }).openId;
      const gone = platform.createFollower().openId;
      for (let i = 0; i < 4; i++) {
        expect((await post('/cgi-bin/message/mass/send', textMass([a, b]))).errcode).toBe(0);
        clock.advance(1);
      }
      const fifth = await raw('/cgi-bin/message/mass/send', textMass([a, b, gone, 'nobody']));
      expect(fifth.json().errcode).toBe(0);
      const msgId = /"msg_id":(\d+)/.exec(fifth.body)![1]!;
      await platform.idle();
      const finished = (await inbound('MASSSENDJOBFINISH')).find((e) => e['MsgID'] === msgId);
      expect(finished).toMatchObject({ openId: 'mphelper', Status: 'send fail', TotalCount: '4', FilterCount: '2', SentCount: '0', ErrorCount: '2' });
      expect((await feed(a)).filter((m) => m.channel === 'mass')).toHaveLength(4);
      expect(await post('/cgi-bin/message/mass/get', { msg_id: msgId })).toMatchObject({ msg_status: 'SEND_FAIL' });
      expect((await post('/cgi-bin/message/mass/get', { msg_id: '1' })).errcode).toBe(40059);

      // A new Beijing month: the four are available again.
      clock.advance(untilNextBeijing(clock, 'month', 10));
      const next = await raw('/cgi-bin/message/mass/send', textMass([a, b]));
      const nextId = /"msg_id":(\d+)/.exec(next.body)![1]!;
      await platform.idle();
      expect((await inbound('MASSSENDJOBFINISH')).find((e) => e['MsgID'] === nextId)).toMatchObject({ Status: 'send success', TotalCount: '2', FilterCount: '2', SentCount: '2', ErrorCount: '0' });
    });

    it('sends to a tag or to everyone, everyone at most once a day (45028)', async () => {
      const { tag } = await post('/cgi-bin/tags/create', { tag: { name: '车主' } });
      const owner = platform.createFollower({ subscribed: true }).openId;
      await post('/cgi-bin/tags/members/batchtagging', { openid_list: [owner], tagid: tag.id });
      expect((await post('/cgi-bin/message/mass/sendall', { filter: { is_to_all: false, tag_id: 999 }, msgtype: 'text', text: { content: 'x' } })).errcode).toBe(45159);
      expect((await post('/cgi-bin/message/mass/sendall', { filter: { is_to_all: false, tag_id: tag.id }, msgtype: 'text', text: { content: '车主专享' } })).errcode).toBe(0);
      expect((await feed(owner)).filter((m) => m.channel === 'mass').map((m) => m.message)).toEqual([{ type: 'text', content: '车主专享' }]);
      const images = { filter: { is_to_all: true }, msgtype: 'image', images: { media_ids: ['IMG1'] } };
      expect((await post('/cgi-bin/message/mass/sendall', images)).errcode).toBe(0);
      expect((await post('/cgi-bin/message/mass/sendall', images)).errcode).toBe(45028);
      expect((await feed(owner)).filter((m) => m.channel === 'mass').map((m) => m.message)).toEqual([
        { type: 'text', content: '车主专享' },
        { type: 'image', mediaId: 'IMG1' },
      ]);
    });
  });

  it('answers an errcode on demand through the simulator (failNext), then recovers', async () => {
    const fan = platform.createFollower({ subscribed: true });
    const bad = await server.inject({ method: 'POST', url: '/_sim/faults', payload: { path: '/sandbox/wechat/cgi-bin/message/template/send', errcode: 45009, times: 2 } });
    expect(bad.statusCode).toBe(204);
    const body = { touser: fan.openId, template_id: 'T', data: {} };
    expect((await post('/cgi-bin/message/template/send', body)).errcode).toBe(45009);
    expect((await post('/cgi-bin/message/template/send', body)).errcode).toBe(45009);
    const invalid = await server.inject({ method: 'POST', url: '/_sim/faults', payload: { path: 'cgi-bin/x', errcode: 'busy' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });
});
