import { systemClock } from '../../server/src/clock';
import { createWechatApi, type WechatApi } from '../../server/src/wechat/api/client';
import { createCredentialStore, type CredentialStore } from '../../server/src/wechat/api/credentials';
import { WechatApiError } from '../../server/src/wechat/api/errors';
import { stableTokenFetcher } from '../../server/src/wechat/api/token-fetchers';
import { createDispatcher } from '../../server/src/wechat/callback/dispatcher';
import { jsapiSignature } from '../../server/src/wechat/jssdk';
import { startTestApp, type TestApp } from '../support/app';

interface FeedItem {
  id: number;
  direction: 'in' | 'out';
  channel: string;
  message: Record<string, unknown>;
}

// The API client as Fanbase builds it, against the WeChat sandbox over HTTP, with a handler that takes 10 s.
describe('the WeChat API client against the sandbox', () => {
  let t: TestApp;
  let credentials: CredentialStore;
  let wechat: WechatApi;
  const dispatcher = createDispatcher();
  dispatcher.onKeyword({ exact: '慢' }, async () => {
    await new Promise((r) => setTimeout(r, 10_000));
    return { type: 'text', content: '久等了，这是结果' };
  });
  dispatcher.onKeyword({ exact: '快' }, () => ({ type: 'text', content: '马上' }));

  beforeAll(async () => {
    t = await startTestApp({ listen: true, wechat: { dispatcher } });
    credentials = createCredentialStore({
      db: t.db.dataSource,
      clock: systemClock,
      fetchers: { access_token: stableTokenFetcher(t.config.wechat), jsapi_ticket: () => wechat.jsapiTicketFetcher() },
    });
    wechat = createWechatApi({ config: t.config.wechat, credentials, clock: systemClock, sleep: async () => undefined });
  });
  afterAll(() => t.close());

  const sim = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await t.app.inject({ method, url: `/sandbox/wechat/_sim${url}`, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return (res.body === '' ? {} : res.json()) as Record<string, unknown>;
  };
  const follower = async (nickname: string, follow = true) => {
    const f = (await sim('POST', '/followers', { nickname })) as { openId: string };
    if (follow) await sim('POST', `/followers/${f.openId}/actions`, { type: 'follow' });
    return f.openId;
  };
  const feed = async (openId: string) => ((await sim('GET', `/followers/${openId}/feed`)).items as FeedItem[]).filter((i) => i.direction === 'out');
  const refreshCount = async () => Number(((await t.db.dataSource.query("SELECT refresh_count AS n FROM wechat_credential WHERE name = 'access_token'")) as { n: number }[])[0]?.n ?? 0);

  it('answers `success` within the budget for a 10 s handler, then delivers the result as a customer-service message', async () => {
    const openId = await follower('等待的粉丝');
    const started = Date.now();
    const action = await sim('POST', `/followers/${openId}/actions`, { type: 'text', content: '慢' });
    const answeredIn = Date.now() - started;
    expect(action).toMatchObject({ status: 200, reply: null });
    expect(answeredIn).toBeLessThan(10_000); // the budget, not the handler, decided when WeChat got its answer
    let custom: FeedItem | undefined;
    for (let i = 0; i < 150 && !custom; i++) {
      custom = (await feed(openId)).find((m) => m.channel === 'custom');
      if (!custom) await new Promise((r) => setTimeout(r, 100));
    }
    expect(custom?.message).toEqual({ type: 'text', content: '久等了，这是结果' });
    const [row] = (await t.db.dataSource.query('SELECT o.status FROM wechat_inbound i LEFT JOIN wechat_inbound_outcome o ON o.inbound_id = i.id WHERE i.open_id = ?', [openId])) as { status: string }[];
    expect(row).toBeDefined();
  }, 30_000);

  it("sends customer-service messages within WeChat's window and surfaces WeChat's refusals as typed errors", async () => {
    const openId = await follower('客服窗口');
    await sim('POST', `/followers/${openId}/actions`, { type: 'text', content: '快' });
    await wechat.sendCustomMessage(openId, { type: 'text', content: '您好，我是客服小光' });
    await wechat.sendCustomMessage(openId, { type: 'news', articles: [{ title: '保修政策', url: 'https://example.com/w', description: '两年质保' }] });
    const out = (await feed(openId)).filter((m) => m.channel === 'custom').map((m) => m.message);
    expect(out).toEqual([{ type: 'text', content: '您好，我是客服小光' }, expect.objectContaining({ type: 'news' })]);

    const stranger = await follower('未关注', false);
    const refused = await wechat.sendCustomMessage(stranger, { type: 'text', content: 'x' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WechatApiError);
    expect((refused as WechatApiError).errcode).toBe(43004);
  });

  it('sends a template message once per client_msg_id and reads its 64-bit msgid as a string', async () => {
    const openId = await follower('模板');
    const message = { openId, templateId: 'TPL_REPAIR_STATUS', url: 'https://example.com/h5/repair/1', data: { thing1: '维修已完成', time2: '2026-11-23 10:00' }, clientMsgId: 'booking-1-completed' };
    const first = await wechat.sendTemplate(message);
    const again = await wechat.sendTemplate(message);
    expect(first).toMatch(/^\d{16,}$/);
    expect(again).toBe(first);
    const templates = (await feed(openId)).filter((m) => m.channel === 'template');
    expect(templates).toHaveLength(1);
    expect(templates[0]!.message).toMatchObject({ type: 'template', templateId: 'TPL_REPAIR_STATUS', data: { thing1: { value: '维修已完成' } } });
  });

  it('treats a reused mass-send clientmsgid as the same job', async () => {
    const a = await follower('群发甲');
    const b = await follower('群发乙');
    const first = await wechat.massSend({ openIds: [a, b] }, { type: 'text', content: '新品发布' }, 'campaign-7-batch-0');
    const again = await wechat.massSend({ openIds: [a, b] }, { type: 'text', content: '新品发布' }, 'campaign-7-batch-0');
    expect(first).toEqual({ msgId: expect.stringMatching(/^\d+$/), duplicate: false });
    expect(again).toEqual({ msgId: first.msgId, duplicate: true });
  });

  it('after a 40001 on a co-wechat-api call: one refresh, one retry, success', async () => {
    await wechat.getFollowers(); // a token exists
    const before = await refreshCount();
    await sim('POST', '/faults', { path: '/cgi-bin/user/get', errcode: 40001 });
    const page = await wechat.getFollowers();
    expect(page.openIds.length).toBeGreaterThan(0);
    expect(await refreshCount()).toBe(before + 1);
  });

  it("does not retry a quota error and names WeChat's errcode", async () => {
    await sim('POST', '/faults', { path: '/cgi-bin/tags/get', errcode: 45009 });
    const error = await wechat.listTags().catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 45009, path: '/cgi-bin/tags/get' });
    expect(await wechat.listTags()).toEqual(expect.any(Array));
  });

  it('signs wx.config with the shared JS-SDK ticket, the URL without its fragment', async () => {
    const config = await wechat.jsConfig('https://brand.example.com/h5/warranty?id=1#/card');
    const [row] = (await t.db.dataSource.query("SELECT value FROM wechat_credential WHERE name = 'jsapi_ticket'")) as { value: string }[];
    expect(row?.value).toBeTruthy();
    expect(config.signature).toBe(jsapiSignature({ ticket: row!.value, nonceStr: config.nonceStr, timestamp: config.timestamp, url: 'https://brand.example.com/h5/warranty?id=1' }));
    expect(config.appId).toBe(t.config.wechat.appId);
  });

  it('never puts the access token in an error message', async () => {
    const token = await credentials.get('access_token');
    const lost = createWechatApi({ config: { ...t.config.wechat, apiBase: `${t.config.publicUrl}/no-such-wechat` }, credentials, clock: systemClock, sleep: async () => undefined });
    const error = (await lost.getFollowers().catch((e: unknown) => e)) as WechatApiError;
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error.message).toContain('access_token=[redacted]');
    expect(error.message).not.toContain(token);
  });
});
