import type { AutoReplyBody } from '@fanbase/shared/contracts/auto-replies';
import { SANDBOX_WECHAT } from '../../server/src/config';
import { createMessageCipher } from '../../server/src/wechat/callback/crypto';
import { parseWechatXml } from '../../server/src/wechat/callback/xml';
import { signPush } from '../../server/src/wechat/sandbox/push-signer';
import { bearer, createStaff, login, startSecondInstance, startTestApp, TestClock, type TestApp } from '../support/app';
import { describeOnMysql } from '../support/engine';

const ACCOUNT = { token: SANDBOX_WECHAT.token, appId: SANDBOX_WECHAT.appId, encodingAesKey: SANDBOX_WECHAT.encodingAesKey };
let seq = 0;

describe('auto-replies', () => {
  let t: TestApp;
  let ops: string;
  let support: string;
  // 2026-11-22T08:00Z is 16:00 in Shanghai.
  const clock = new TestClock(new Date('2026-11-22T08:00:00.000Z'));

  beforeAll(async () => {
    t = await startTestApp({ clock });
    await createStaff(t.db.dataSource, { username: 'olivia', role: 'ops' });
    await createStaff(t.db.dataSource, { username: 'sam', role: 'support' });
  });
  afterAll(() => t.close());
  // Sessions follow the test clock, which these tests move by hours.
  beforeEach(async () => {
    ops = await login(t.app, 'olivia');
    support = await login(t.app, 'sam');
  });

  const create = (body: AutoReplyBody, token = ops) => t.app.inject({ method: 'POST', url: '/api/admin/auto-replies', headers: bearer(token), payload: body });

  /** Posts a push as WeChat would, in safe mode, and returns the decrypted passive reply's fields (or null). */
  async function push(fields: Record<string, string | number>) {
    const signed = signPush(ACCOUNT, { ToUserName: 'gh_fanbase', CreateTime: 1_763_900_000 + ++seq, ...fields }, { mode: 'safe' });
    const res = await t.app.inject({ method: 'POST', url: '/wechat', query: signed.query, payload: signed.body, headers: { 'content-type': 'text/xml' } });
    expect(res.statusCode).toBe(200);
    if (res.body === '' || res.body === 'success') return null;
    const encrypt = parseWechatXml(res.body)['Encrypt'] as string;
    return parseWechatXml(createMessageCipher({ appId: ACCOUNT.appId, encodingAesKeys: [ACCOUNT.encodingAesKey] }).decrypt(encrypt).xml);
  }
  const say = (content: string, openId = 'o-auto-1') => push({ FromUserName: openId, MsgType: 'text', Content: content, MsgId: String(25000000000000000n + BigInt(++seq)) });
  const settle = () => clock.advance(5); // past the rule cache's time-to-live

  it('is for ops and admin only, and validates every field', async () => {
    expect((await t.app.inject({ url: '/api/admin/auto-replies', headers: bearer(support) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/admin/auto-replies' })).statusCode).toBe(401);

    const noKeywords = await create({ kind: 'keyword', name: 'x', matchType: 'exact', keywords: ['  '], reply: { type: 'text', content: 'x' } });
    expect(noKeywords.statusCode).toBe(400);
    expect(noKeywords.json()).toMatchObject({ code: 'AUTO_REPLY_INVALID', details: [{ field: 'keywords' }] });

    const badRegex = await create({ kind: 'keyword', name: 'x', matchType: 'regex', keywords: ['ok', '(unclosed'], reply: { type: 'text', content: 'x' } });
    expect(badRegex.json()).toMatchObject({ code: 'AUTO_REPLY_INVALID', details: [{ field: 'keywords[1]' }] });

    const redos = await create({ kind: 'keyword', name: 'x', matchType: 'regex', keywords: ['^(a+)+$'], reply: { type: 'text', content: 'x' } });
    expect(redos.json()).toMatchObject({ code: 'AUTO_REPLY_INVALID', details: [{ field: 'keywords[0]' }] });

    const badHours = await create({ kind: 'default', name: 'x', activeHours: { from: '25:00', to: '08:00' }, reply: { type: 'text', content: 'x' } });
    expect(badHours.statusCode).toBe(400);
    expect(badHours.json().code).toBe('VALIDATION_FAILED');

    const badNews = await create({ kind: 'welcome', name: 'x', reply: { type: 'news', articles: [{ title: 't', url: 'javascript:alert(1)' }] } });
    expect(badNews.statusCode).toBe(400);

    expect((await t.app.inject({ url: '/api/admin/auto-replies', headers: bearer(ops) })).json().items).toEqual([]);
  });

  it('welcomes a new follower, answers keywords by priority, and gives the default reply otherwise', async () => {
    expect((await create({ kind: 'welcome', name: '欢迎', reply: { type: 'news', articles: [{ title: '欢迎关注', url: 'https://example.com/a' }, { title: '第二篇', url: 'https://example.com/b' }] } })).statusCode).toBe(201);
    await create({ kind: 'keyword', name: '保修', matchType: 'contains', keywords: ['保修'], reply: { type: 'text', content: '保修查询请点菜单' } });
    await create({ kind: 'keyword', name: '保修卡', matchType: 'exact', keywords: ['保修卡'], priority: 50, reply: { type: 'text', content: '电子保修卡在这里' } });
    await create({ kind: 'keyword', name: '问候', matchType: 'regex', keywords: ['^(hi|hello)!*$'], reply: { type: 'text', content: 'Hello!' } });
    await create({ kind: 'default', name: '默认', reply: { type: 'text', content: '收到' } });
    settle();

    const welcome = await push({ FromUserName: 'o-auto-new', MsgType: 'event', Event: 'subscribe', EventKey: '' });
    expect(welcome).toMatchObject({ MsgType: 'news', ArticleCount: '2' });

    expect((await say('我想查保修'))?.['Content']).toBe('保修查询请点菜单');
    expect((await say('  保修卡 '))?.['Content']).toBe('电子保修卡在这里'); // exact, trimmed, and priority 50 beats contains
    expect((await say('ＨＥＬＬＯ!!'))?.['Content']).toBe('Hello!'); // full-width letters normalised, case-insensitive
    expect((await say('随便说说'))?.['Content']).toBe('收到');
    expect((await push({ FromUserName: 'o-auto-1', MsgType: 'image', PicUrl: 'https://example.com/p.jpg', MediaId: 'm1', MsgId: String(26000000000000000n + BigInt(++seq)) }))?.['Content']).toBe('收到');
    // Events other than a follow get no default reply.
    expect(await push({ FromUserName: 'o-auto-1', MsgType: 'event', Event: 'VIEW', EventKey: 'https://example.com' })).toBeNull();
  });

  it('keeps to active hours in the brand time zone, across midnight too', async () => {
    const night = await create({ kind: 'keyword', name: '夜间', matchType: 'exact', keywords: ['营业'], priority: 10, activeHours: { from: '22:00', to: '08:00' }, reply: { type: 'text', content: '夜间客服已下班' } });
    await create({ kind: 'keyword', name: '白天', matchType: 'exact', keywords: ['营业'], activeHours: { from: '08:00', to: '22:00' }, reply: { type: 'text', content: '营业中' } });
    settle();
    expect((await say('营业'))?.['Content']).toBe('营业中'); // 16:00 Shanghai
    clock.advance(7 * 3600); // 23:00 Shanghai
    expect((await say('营业'))?.['Content']).toBe('夜间客服已下班');
    clock.advance(8.5 * 3600); // 07:30 the next day
    expect((await say('营业'))?.['Content']).toBe('夜间客服已下班');

    ops = await login(t.app, 'olivia');
    const preview = await t.app.inject({ method: 'POST', url: '/api/admin/auto-replies/preview', headers: bearer(ops), payload: { event: 'text', content: '营业', at: '2026-11-23T03:00:00.000Z' } });
    expect(preview.json()).toEqual({ rule: { id: expect.any(Number), name: '白天', kind: 'keyword' }, reply: { type: 'text', content: '营业中' } });
    expect(night.statusCode).toBe(201);
  });

  it('allows one enabled welcome and one default reply, and edits, disables and deletes rules with an audit trail', async () => {
    const second = await create({ kind: 'default', name: '另一个默认', reply: { type: 'text', content: '又收到' } });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('AUTO_REPLY_CONFLICT');
    const off = await create({ kind: 'default', name: '备用默认', enabled: false, reply: { type: 'text', content: '备用' } });
    expect(off.statusCode).toBe(201);

    const list = (await t.app.inject({ url: '/api/admin/auto-replies', headers: bearer(ops) })).json().items as { id: number; kind: string; name: string }[];
    expect(list.map((r) => r.kind).slice(0, 3)).toEqual(['welcome', 'default', 'default']);
    const current = list.find((r) => r.name === '默认')!;
    const disable = await t.app.inject({ method: 'PUT', url: `/api/admin/auto-replies/${current.id}`, headers: bearer(ops), payload: { kind: 'default', name: '默认', enabled: false, reply: { type: 'text', content: '收到' } } });
    expect(disable.json()).toMatchObject({ enabled: false });
    const enable = await t.app.inject({ method: 'PUT', url: `/api/admin/auto-replies/${off.json().id}`, headers: bearer(ops), payload: { kind: 'default', name: '备用默认', reply: { type: 'text', content: '备用' } } });
    expect(enable.json()).toMatchObject({ enabled: true });
    settle();
    expect((await say('还是随便说说'))?.['Content']).toBe('备用');

    expect((await t.app.inject({ method: 'DELETE', url: `/api/admin/auto-replies/${current.id}`, headers: bearer(ops) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/admin/auto-replies/${current.id}`, headers: bearer(ops) })).json().code).toBe('AUTO_REPLY_NOT_FOUND');
    const audit = (await t.db.dataSource.query("SELECT action FROM audit_log WHERE action LIKE 'auto_reply.%' ORDER BY id")) as { action: string }[];
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(['auto_reply.create', 'auto_reply.update', 'auto_reply.delete']));
  });

  it('hands the conversation to a human on a keyword and on the 联系客服 menu button', async () => {
    await create({ kind: 'keyword', name: '人工', matchType: 'contains', keywords: ['人工'], priority: 100, reply: { type: 'handoff', content: '正在为您转接人工客服' } });
    settle();
    expect((await say('转人工'))?.['Content']).toBe('正在为您转接人工客服');
    const click = await push({ FromUserName: 'o-auto-1', MsgType: 'event', Event: 'CLICK', EventKey: 'SERVICE_AGENT' });
    expect(click?.['Content']).toBe('正在为您转接人工客服');
  });
});

describeOnMysql('auto-replies under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await createStaff(t.db.dataSource, { username: 'olivia', role: 'ops' });
  });
  afterAll(() => t.close());

  it('lets exactly one of two instances enable a welcome reply at the same moment', async () => {
    const other = await startSecondInstance(t);
    try {
      const [a, b] = [await login(t.app, 'olivia'), await login(other, 'olivia')];
      const body = (name: string) => ({ kind: 'welcome', name, reply: { type: 'text', content: name } });
      const results = await Promise.all([
        ...[1, 2, 3].map((i) => t.app.inject({ method: 'POST', url: '/api/admin/auto-replies', headers: bearer(a), payload: body(`A${i}`) })),
        ...[1, 2, 3].map((i) => other.inject({ method: 'POST', url: '/api/admin/auto-replies', headers: bearer(b), payload: body(`B${i}`) })),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const rows = (await t.db.dataSource.query("SELECT COUNT(*) AS n FROM auto_reply_rule WHERE kind = 'welcome'")) as { n: number | string }[];
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await other.close();
    }
  });
});
