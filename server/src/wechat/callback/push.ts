import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { textField, type XmlFields } from './xml';

/** One message or event as WeChat pushed it; every value is WeChat's own string. */
export interface WechatPush {
  /** The account's original id (gh_…), WeChat's ToUserName. */
  accountId: string;
  /** The follower, WeChat's FromUserName. */
  openId: string;
  /** Unix seconds, as WeChat sent it. */
  createTime: string;
  msgType: string;
  /** For MsgType=event. */
  event?: string;
  eventKey?: string;
  /** For messages; a 64-bit number kept as a string. */
  msgId?: string;
  /** Every field, for handlers that need more (Content, Location_X, ScanCodeInfo…). */
  fields: XmlFields;
}

export class InvalidPushError extends Error {}

export function toPush(fields: XmlFields): WechatPush {
  const need = (name: string) => {
    const value = textField(fields, name);
    if (value === undefined || value === '') throw new InvalidPushError(`The push has no ${name}`);
    return value;
  };
  const push: WechatPush = { accountId: need('ToUserName'), openId: need('FromUserName'), createTime: need('CreateTime'), msgType: need('MsgType'), fields };
  if (!/^\d{1,12}$/.test(push.createTime)) throw new InvalidPushError('CreateTime must be unix seconds');
  if (push.openId.length > 64) throw new InvalidPushError('FromUserName is too long');
  if (push.msgType === 'event') {
    push.event = need('Event');
    const key = textField(fields, 'EventKey');
    if (key !== undefined) push.eventKey = key;
  } else {
    const msgId = textField(fields, 'MsgId');
    if (msgId !== undefined) {
      if (!/^\d{1,20}$/.test(msgId)) throw new InvalidPushError('MsgId must be a number');
      push.msgId = msgId;
    }
  }
  return push;
}

// WeChat's retries carry the same key (WECHAT.md 1.4): messages by MsgId with the sender (MsgIds have collided
// across users), events by sender, time, event and key (with the card code for card events). Job-finish events
// all come from one sender (mphelper) and can share a second, so their MsgID is part of the key.
export function dedupeKey(push: WechatPush): string {
  if (push.msgType !== 'event' && push.msgId) return `m:${push.openId}:${push.msgId}`;
  const card = textField(push.fields, 'UserCardCode') ?? '';
  const job = textField(push.fields, 'MsgID') ?? textField(push.fields, 'MsgId') ?? '';
  const key = `e:${push.openId}:${push.createTime}:${push.event ?? push.msgType}:${push.eventKey ?? ''}:${card}${job ? `:${job}` : ''}`;
  // A VIEW event's key is a whole URL: past the column's 191 characters, a digest keeps keys distinct.
  return key.length <= 191 ? key : `h:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * Where every inbound message and event goes besides its handlers: the member timeline (Members module)
 * subscribes here. Called once per push, inside the transaction that records it.
 */
export interface InboundSink {
  onPush(push: WechatPush, manager: EntityManager): Promise<void>;
}
