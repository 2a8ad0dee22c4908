import type { App } from '../../server/src/app';
import { SANDBOX_WECHAT } from '../../server/src/config';
import { createMessageCipher } from '../../server/src/wechat/callback/crypto';
import { createDispatcher } from '../../server/src/wechat/callback/dispatcher';
import type { WechatPush } from '../../server/src/wechat/callback/push';
import type { Reply } from '../../server/src/wechat/callback/replies';
import { sha1Signature } from '../../server/src/wechat/callback/signature';
import { parseWechatXml } from '../../server/src/wechat/callback/xml';
import { signPush, type PushMode } from '../../server/src/wechat/sandbox/push-signer';
import { startSecondInstance, startTestApp, type TestApp } from '../support/app';
import { settledInbound } from '../support/database';
import { describeOnMysql } from '../support/engine';

const ACCOUNT = { token: SANDBOX_WECHAT.token, appId: SANDBOX_WECHAT.appId, encodingAesKey: SANDBOX_WECHAT.encodingAesKey };
const GH = 'gh_fanbase00001';
let seq = 0;
const text = (content: string, openId = 'o-follower-1', msgId = String(24000000000000000n + BigInt(++seq))) => ({
  ToUserName: GH,
  FromUserName: openId,
  CreateTime: 1_763_900_000 + seq,
  MsgType: 'text',
  Content: content,
  MsgId: msgId,
});

function post(app: App, push: { query: Record<string, string>; body: string }, contentType = 'text/xml') {
  return app.inject({ method: 'POST', url: '/wechat', query: push.query, payload: push.body, headers: { 'content-type': contentType } });
}

// A dispatcher that counts handler runs: the keyword "hi" answers, "slow" takes its time.
function countingDispatcher() {
  const runs: string[] = [];
  const dispatcher = createDispatcher();
  dispatcher.onKeyword({ exact: 'hi' }, (push) => {
    runs.push(push.msgId ?? '');
    return { type: 'text', content: `你好 ${push.openId} 😀 ]]> <b>` };
  });
  dispatcher.onKeyword({ contains: 'slow' }, async (push) => {
    runs.push(push.msgId ?? '');
    await new Promise((r) => setTimeout(r, Number(String(push.fields['Content']).split(' ')[1] ?? 1000)));
    return { type: 'text', content: 'finally' };
  });
  return { dispatcher, runs };
}

describe('the /wechat callback', () => {
  let t: TestApp;
  const counting = countingDispatcher();
  const late: { push: WechatPush; reply: Reply }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ wechat: { dispatcher: counting.dispatcher, lateReplies: { deliver: async (push, reply) => void late.push({ push, reply }) } } });
  });
  afterAll(() => t.close());

  const rows = async (openId: string) =>
    settledInbound<{ status: string; reply: string | null; msgId: string }>(t.db.dataSource, 'SELECT o.status, o.reply, i.msg_id AS msgId FROM wechat_inbound i LEFT JOIN wechat_inbound_outcome o ON o.inbound_id = i.id WHERE i.open_id = ? ORDER BY i.id', [openId]);

  it('answers URL verification with the echostr, and refuses a wrong or missing signature', async () => {
    const q = signPush(ACCOUNT, text('x')).query;
    const ok = await t.app.inject({ url: '/wechat', query: { signature: q['signature']!, timestamp: q['timestamp']!, nonce: q['nonce']!, echostr: '4375120948345356249' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('4375120948345356249');
    const bad = await t.app.inject({ url: '/wechat', query: { signature: 'f'.repeat(40), timestamp: q['timestamp']!, nonce: q['nonce']!, echostr: '1' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('WECHAT_SIGNATURE_INVALID');
    const missing = await t.app.inject({ url: '/wechat', query: { timestamp: '1', nonce: '1', echostr: '1' } });
    expect(missing.statusCode).toBe(400);
  });

  it('keeps two job-finish events of one second apart by their MsgID, and still folds a retry of either', async () => {
    const job = (msgId: string) => ({ ToUserName: GH, FromUserName: 'mphelper', CreateTime: 1_763_950_000, MsgType: 'event', Event: 'MASSSENDJOBFINISH', MsgID: msgId, Status: 'send success' });
    for (const msgId of ['1000000001', '1000000002', '1000000001']) expect((await post(t.app, signPush(ACCOUNT, job(msgId)))).statusCode).toBe(200);
    const recorded = (await t.db.dataSource.query("SELECT payload FROM wechat_inbound WHERE open_id = 'mphelper' AND wechat_create_time = 1763950000")) as { payload: string }[];
    expect(recorded.map((r) => (JSON.parse(r.payload) as { MsgID: string }).MsgID).sort()).toEqual(['1000000001', '1000000002']);
  });

  it.each<PushMode>(['plain', 'compatible', 'safe'])('answers a keyword in %s mode, once, and records the push', async (mode) => {
    const openId = `o-mode-${mode}`;
    const res = await post(t.app, signPush(ACCOUNT, text('hi', openId), { mode }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    let xml = res.body;
    if (mode !== 'plain') {
      const envelope = parseWechatXml(res.body);
      const encrypt = envelope['Encrypt'] as string;
      expect(envelope['MsgSignature']).toBe(sha1Signature([ACCOUNT.token, envelope['TimeStamp'] as string, envelope['Nonce'] as string, encrypt]));
      xml = createMessageCipher({ appId: ACCOUNT.appId, encodingAesKeys: [ACCOUNT.encodingAesKey] }).decrypt(encrypt).xml;
    }
    const replyFields = parseWechatXml(xml);
    expect(replyFields).toMatchObject({ ToUserName: openId, FromUserName: GH, MsgType: 'text', Content: `你好 ${openId} 😀 ]]> <b>` });
    expect(replyFields['CreateTime']).toMatch(/^\d{10}$/);
    expect(await rows(openId)).toEqual([{ status: 'replied', reply: xml, msgId: expect.any(String) }]);
  });

  it('answers "success" to a push no handler wants, and application/xml bodies are read too', async () => {
    const res = await post(t.app, signPush(ACCOUNT, text('nothing to see', 'o-none')), 'application/xml');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('success');
    expect(await rows('o-none')).toEqual([{ status: 'no_reply', reply: null, msgId: expect.any(String) }]);
  });

  it('runs the handler once when WeChat delivers the same message three times at once, and a later retry gets the same reply', async () => {
    const push = signPush(ACCOUNT, text('hi', 'o-retry'));
    const before = counting.runs.length;
    const answers = await Promise.all([post(t.app, push), post(t.app, push), post(t.app, push)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(counting.runs.length - before).toBe(1);
    const replied = answers.filter((a) => a.body.startsWith('<xml>'));
    expect(replied.length).toBeGreaterThanOrEqual(1);
    for (const a of answers) expect([replied[0]!.body, 'success']).toContain(a.body);
    const retry = await post(t.app, push);
    expect(retry.body).toBe(replied[0]!.body);
    expect(counting.runs.length - before).toBe(1);
    expect(await rows('o-retry')).toHaveLength(1);
  });

  it('keeps events apart by sender, time, event and key', async () => {
    const event = (key: string, time: number) => ({ ToUserName: GH, FromUserName: 'o-events', CreateTime: time, MsgType: 'event', Event: 'CLICK', EventKey: key });
    for (const [key, time] of [['A', 1], ['A', 1], ['B', 1], ['A', 2]] as const) await post(t.app, signPush(ACCOUNT, event(key, 1_763_000_000 + time)));
    expect(await rows('o-events')).toHaveLength(3);
  });

  it('answers a slow handler within the budget with "success", then delivers its reply as a customer-service message', async () => {
    const res = await post(t.app, signPush(ACCOUNT, text('slow 10000', 'o-slow')));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('success');
    expect(await rows('o-slow')).toEqual([expect.objectContaining({ status: 'deferred' })]);
    const deadline = Date.now() + 15_000;
    while (!late.some((l) => l.push.openId === 'o-slow') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(late.find((l) => l.push.openId === 'o-slow')?.reply).toEqual({ type: 'text', content: 'finally' });
  }, 30_000);

  describe('refuses bad input with a fast 4xx, stores nothing, and serves the next good push', () => {
    const other = { ...ACCOUNT, appId: 'wx0000000000000000' };
    const swapSignature = (p: { query: Record<string, string>; body: string }) => ({ ...p, query: { ...p.query, signature: '0'.repeat(40) } });
    const cases: [string, () => { query: Record<string, string>; body: string }, number, string][] = [
      ['a wrong signature', () => swapSignature(signPush(ACCOUNT, text('hi', 'o-bad'))), 401, 'WECHAT_SIGNATURE_INVALID'],
      ['a missing signature', () => { const p = signPush(ACCOUNT, text('hi', 'o-bad')); delete p.query['signature']; return p; }, 400, 'VALIDATION_FAILED'],
      ['a wrong msg_signature', () => { const p = signPush(ACCOUNT, text('hi', 'o-bad'), { mode: 'safe' }); p.query['msg_signature'] = '1'.repeat(40); return p; }, 401, 'WECHAT_SIGNATURE_INVALID'],
      ['another AppID', () => signPush(other, text('hi', 'o-bad'), { mode: 'safe' }), 400, 'WECHAT_DECRYPT_FAILED'],
      ['broken ciphertext', () => { const p = signPush(ACCOUNT, text('hi', 'o-bad'), { mode: 'safe' }); const enc = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(p.body)![1]!; const broken = `${enc.slice(0, -8)}AAAAAAA=`; p.body = p.body.replace(enc, broken); p.query['msg_signature'] = sha1Signature([ACCOUNT.token, p.query['timestamp']!, p.query['nonce']!, broken]); return p; }, 400, 'WECHAT_DECRYPT_FAILED'],
      ['malformed XML', () => ({ ...signPush(ACCOUNT, text('hi', 'o-bad')), body: '<xml><ToUserName>gh</xml>' }), 400, 'WECHAT_XML_INVALID'],
      ['a DTD with an external entity', () => ({ ...signPush(ACCOUNT, text('hi', 'o-bad')), body: '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><ToUserName>&x;</ToUserName></xml>' }), 400, 'WECHAT_XML_INVALID'],
      ['entity expansion', () => ({ ...signPush(ACCOUNT, text('hi', 'o-bad')), body: `<!DOCTYPE xml [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "${'&a;'.repeat(100)}">]><xml><Content>&b;</Content></xml>` }), 400, 'WECHAT_XML_INVALID'],
      ['a push without FromUserName', () => ({ ...signPush(ACCOUNT, text('hi', 'o-bad')), body: '<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>' }), 400, 'WECHAT_PUSH_INVALID'],
      ['a body over the callback\'s 64 KiB limit', () => ({ ...signPush(ACCOUNT, text('hi', 'o-bad')), body: `<xml><Content>${'x'.repeat(65 * 1024)}</Content></xml>` }), 413, 'BODY_TOO_LARGE'],
      ['a 2 MB body', () => ({ ...signPush(ACCOUNT, text('hi', 'o-bad')), body: `<xml><Content>${'x'.repeat(2 * 1024 * 1024)}</Content></xml>` }), 413, 'BODY_TOO_LARGE'],
    ];
    it.each(cases)('%s', async (_name, make, status, code) => {
      const res = await post(t.app, make());
      expect(res.statusCode).toBe(status);
      expect(res.json().code).toBe(code);
      expect(await rows('o-bad')).toEqual([]);
      const good = await post(t.app, signPush(ACCOUNT, text('hi', 'o-good-after')));
      expect(good.statusCode).toBe(200);
      expect(parseWechatXml(good.body)['MsgType']).toBe('text');
    });

    it('a body type WeChat never sends', async () => {
      const res = await post(t.app, signPush(ACCOUNT, text('hi', 'o-bad')), 'application/json');
      expect(res.statusCode).toBe(415);
    });
  });
});

describe('the /wechat callback with WECHAT_REQUIRE_ENCRYPTION', () => {
  let t: TestApp;
  beforeAll(async () => {
    const { dispatcher } = countingDispatcher();
    t = await startTestApp({ env: { WECHAT_REQUIRE_ENCRYPTION: 'true' }, wechat: { dispatcher } });
  });
  afterAll(() => t.close());

  it('refuses plaintext pushes and answers encrypted ones', async () => {
    const plain = await post(t.app, signPush(ACCOUNT, text('hi', 'o-enc')));
    expect(plain.statusCode).toBe(400);
    expect(plain.json().code).toBe('WECHAT_ENCRYPTION_REQUIRED');
    const safe = await post(t.app, signPush(ACCOUNT, text('hi', 'o-enc'), { mode: 'safe' }));
    expect(safe.statusCode).toBe(200);
    expect(parseWechatXml(safe.body)['Encrypt']).toEqual(expect.any(String));
  });
});

describeOnMysql('the /wechat callback on two instances', () => {
  let t: TestApp;
  let second: App;
  const first = countingDispatcher();
  const other = countingDispatcher();
  beforeAll(async () => {
    t = await startTestApp({ wechat: { dispatcher: first.dispatcher } });
    second = await startSecondInstance(t, undefined, { wechat: { dispatcher: other.dispatcher } });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('runs the handler once when retries of one message land on both instances at once', async () => {
    for (let i = 0; i < 5; i++) {
      const push = signPush(ACCOUNT, text('hi', `o-two-${i}`));
      const answers = await Promise.all([post(t.app, push), post(second, push), post(t.app, push), post(second, push)]);
      expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    }
    expect(first.runs.length + other.runs.length).toBe(5);
  });
});

describe('the timeline hand-off', () => {
  let t: TestApp;
  const seen: string[] = [];
  const sink = {
    async onPush(push: WechatPush, manager: import('typeorm').EntityManager) {
      // The sink writes in the transaction that records the push: both land, or neither.
      await manager.query('SELECT COUNT(*) AS n FROM wechat_inbound WHERE open_id = ?', [push.openId]);
      if (push.fields['Content'] === 'poison') throw new Error('the timeline refused this push');
      seen.push(String(push.fields['Content'])); // outside the database: sees the rolled-back attempts too
    },
  };
  beforeAll(async () => {
    const dispatcher = createDispatcher();
    dispatcher.onMessage('text', (push) => ({ type: 'text', content: `收到 ${String(push.fields['Content'])}` }));
    t = await startTestApp({ wechat: { dispatcher, sinks: [sink] } });
  });
  afterAll(() => t.close());

  it('hands each push over once, in the transaction that records it; a push the sink refuses fails alone', async () => {
    const pushes = ['one', 'two', 'poison', 'three'].map((c) => signPush(ACCOUNT, text(c, 'o-sink')));
    const results = await Promise.all([...pushes, pushes[0]!].map((p) => post(t.app, p)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 500, 200, 200]);
    // A batch the sink failed is rolled back and its pushes handed over again one by one, each in its own
    // transaction: what the sink wrote through the manager commits once, with the push's record.
    expect(new Set(seen)).toEqual(new Set(['one', 'two', 'three']));
    const recorded = await settledInbound<{ status: string; payload: string }>(t.db.dataSource, "SELECT o.status, i.payload FROM wechat_inbound i LEFT JOIN wechat_inbound_outcome o ON o.inbound_id = i.id WHERE i.open_id = 'o-sink'", []);
    expect(recorded.map((r) => (JSON.parse(r.payload) as { Content: string }).Content).sort()).toEqual(['one', 'three', 'two']);
    // Each of them has its outcome, whatever the refused push's transaction did.
    expect(recorded.map((r) => r.status)).toEqual(['replied', 'replied', 'replied']);
    // WeChat retries the refused push later; it is a fresh push again, not a duplicate of a half-written one.
    expect((await post(t.app, pushes[2]!)).statusCode).toBe(500);
  });
});
