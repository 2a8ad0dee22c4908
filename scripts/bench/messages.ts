import { randomBytes, randomInt } from 'node:crypto';
import { createMessageCipher } from '../../server/src/wechat/callback/crypto';
import { sha1Signature } from '../../server/src/wechat/callback/signature';
import { buildXml, parseWechatXml, textField, type ReplyFields } from '../../server/src/wechat/callback/xml';
import { signPush } from '../../server/src/wechat/sandbox/push-signer';

// The messages the benchmark sends: a member's text message "价格" as WeChat pushes it, every one distinct
// (its own MsgId, the sender one of OPENIDS openids), so Fanbase records and answers each one instead of
// serving a retry from its dedupe record.

export const KEYWORD = '价格';
export const REPLY_TEXT = '价格请见商城';
export const OPENIDS = 1000;

export interface Account {
  token: string;
  appId: string;
  encodingAesKey: string;
  /** The account's original id (gh_…): ToUserName of every push. */
  originalId: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (n: number) => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');

export function newAccount(): Account {
  return { token: alnum(32), appId: `wx${randomBytes(8).toString('hex')}`, encodingAesKey: alnum(43), originalId: `gh_${randomBytes(6).toString('hex')}` };
}

// One sequence for the whole run: (b) and (c) share a database, so no MsgId may come back.
let sequence = 0;
export function takeSequence(count = 1): number {
  const first = sequence;
  sequence += count;
  return first;
}

export const openIdFor = (seq: number) => `oBENCH${String(seq % OPENIDS).padStart(22, '0')}`;
// 16 digits, a safe integer, so it is written as plain digits like WeChat's own MsgId.
const msgIdFor = (seq: number) => 6_000_000_000_000_000 + seq;

export function textMessageFields(account: Account, seq: number, createTime: number): ReplyFields {
  return { ToUserName: account.originalId, FromUserName: openIdFor(seq), CreateTime: createTime, MsgType: 'text', Content: KEYWORD, MsgId: msgIdFor(seq) };
}

export interface BenchRequest {
  path: string;
  body: string | Buffer;
}

/**
 * Plaintext mode: the query's signature covers only token, timestamp and nonce, so it is signed once; each
 * request only fills in its sender and MsgId (string concatenation, checked once against buildXml).
 */
export function plaintextRequests(account: Account): { next: () => BenchRequest; build: (seq: number) => BenchRequest } {
  const createTime = Math.floor(Date.now() / 1000);
  const probe = takeSequence();
  const { query } = signPush(account, textMessageFields(account, probe, createTime), { mode: 'plain', timestamp: createTime });
  const prefix = `/wechat?signature=${query['signature']}&timestamp=${query['timestamp']}&nonce=${query['nonce']}&openid=`;
  const head = `<xml><ToUserName><![CDATA[${account.originalId}]]></ToUserName><FromUserName><![CDATA[`;
  const middle = `]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${KEYWORD}]]></Content><MsgId>`;
  const build = (seq: number): BenchRequest => {
    const openId = openIdFor(seq);
    return { path: prefix + openId, body: `${head}${openId}${middle}${msgIdFor(seq)}</MsgId></xml>` };
  };
  if (build(probe).body !== buildXml(textMessageFields(account, probe, createTime))) throw new Error('the plaintext template differs from buildXml');
  return { next: () => build(takeSequence()), build };
}

/**
 * Safe mode: each push has its own Encrypt and msg_signature, so `count` of them are signed and encrypted
 * up front (with Fanbase's own signPush, as WeChat would) and the load generator only hands them out.
 */
export function safeRequestPool(account: Account, count: number): { next: () => BenchRequest; taken: () => number; size: number; firstSeq: number } {
  const createTime = Math.floor(Date.now() / 1000);
  const firstSeq = takeSequence(count);
  const paths: string[] = new Array<string>(count);
  const bodies: Buffer[] = new Array<Buffer>(count);
  for (let i = 0; i < count; i++) {
    const { query, body } = signPush(account, textMessageFields(account, firstSeq + i, createTime), { mode: 'safe', timestamp: createTime, nonce: String(randomInt(100_000_000, 1_000_000_000)) });
    paths[i] = `/wechat?${new URLSearchParams(query).toString()}`;
    bodies[i] = Buffer.from(body, 'utf8');
  }
  let taken = 0;
  return {
    size: count,
    firstSeq,
    taken: () => taken,
    // Past the end it wraps around; the caller checks taken() <= size and fails the run if not.
    next: () => {
      const i = taken++ % count;
      return { path: paths[i]!, body: bodies[i]! };
    },
  };
}

export function safeRequest(account: Account, seq: number): BenchRequest {
  const { query, body } = signPush(account, textMessageFields(account, seq, Math.floor(Date.now() / 1000)), { mode: 'safe' });
  return { path: `/wechat?${new URLSearchParams(query).toString()}`, body };
}

/** What is wrong with a plaintext passive reply to message `seq` (empty when it is right). */
export function plainReplyProblems(account: Account, seq: number, body: string, expectedText: string | null): string[] {
  if (expectedText === null) return body === 'success' ? [] : [`expected "success" (no reply), got ${JSON.stringify(body.slice(0, 200))}`];
  let fields;
  try {
    fields = parseWechatXml(body);
  } catch (err) {
    return [`the reply is not WeChat XML (${(err as Error).message}): ${JSON.stringify(body.slice(0, 200))}`];
  }
  const problems: string[] = [];
  const expect = (name: string, value: string) => {
    if (textField(fields, name) !== value) problems.push(`${name} is ${JSON.stringify(textField(fields, name))}, expected ${JSON.stringify(value)}`);
  };
  expect('ToUserName', openIdFor(seq));
  expect('FromUserName', account.originalId);
  expect('MsgType', 'text');
  expect('Content', expectedText);
  return problems;
}

/** The same for a safe-mode reply: its msg_signature is checked and it is decrypted first. */
export function safeReplyProblems(account: Account, seq: number, body: string, expectedText: string | null): string[] {
  if (expectedText === null) return body === '' ? [] : [`expected an empty body (no reply), got ${JSON.stringify(body.slice(0, 200))}`];
  let outer;
  try {
    outer = parseWechatXml(body);
  } catch (err) {
    return [`the reply is not WeChat XML (${(err as Error).message}): ${JSON.stringify(body.slice(0, 200))}`];
  }
  const encrypt = textField(outer, 'Encrypt') ?? '';
  const timestamp = textField(outer, 'TimeStamp') ?? '';
  const nonce = textField(outer, 'Nonce') ?? '';
  if (!encrypt) return [`the safe-mode reply has no Encrypt: ${JSON.stringify(body.slice(0, 200))}`];
  if (textField(outer, 'MsgSignature') !== sha1Signature([account.token, timestamp, nonce, encrypt])) return ['the reply MsgSignature does not match'];
  let xml: string;
  try {
    xml = createMessageCipher({ appId: account.appId, encodingAesKeys: [account.encodingAesKey] }).decrypt(encrypt).xml;
  } catch (err) {
    return [`the reply does not decrypt: ${(err as Error).message}`];
  }
  return plainReplyProblems(account, seq, xml, expectedText).map((p) => `(decrypted) ${p}`);
}
