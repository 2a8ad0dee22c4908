import { randomInt } from 'node:crypto';
import { createMessageCipher } from '../callback/crypto';
import { sha1Signature } from '../callback/signature';
import { buildXml, type ReplyFields } from '../callback/xml';

export type PushMode = 'plain' | 'compatible' | 'safe';

export interface SignedPush {
  query: Record<string, string>;
  body: string;
}

// What WeChat's servers do before a push reaches /wechat (WECHAT.md 1.2-1.3): sign the query, and in
// compatible or safe mode encrypt the XML and sign it with msg_signature. The follower simulator and the
// tests post exactly this.
export function signPush(
  account: { token: string; appId: string; encodingAesKey?: string },
  fields: ReplyFields,
  { mode = 'plain', timestamp = Math.floor(Date.now() / 1000), nonce = String(randomInt(100_000_000, 1_000_000_000)) }: { mode?: PushMode; timestamp?: number; nonce?: string } = {},
): SignedPush {
  const ts = String(timestamp);
  const openId = typeof fields['FromUserName'] === 'string' ? fields['FromUserName'] : '';
  const query: Record<string, string> = { signature: sha1Signature([account.token, ts, nonce]), timestamp: ts, nonce, openid: openId };
  const plain = buildXml(fields);
  if (mode === 'plain') return { query, body: plain };
  if (!account.encodingAesKey) throw new Error(`${mode} mode needs an EncodingAESKey`);
  const encrypt = createMessageCipher({ appId: account.appId, encodingAesKeys: [account.encodingAesKey] }).encrypt(plain);
  query['encrypt_type'] = 'aes';
  query['msg_signature'] = sha1Signature([account.token, ts, nonce, encrypt]);
  const body = mode === 'safe' ? buildXml({ ToUserName: String(fields['ToUserName'] ?? ''), Encrypt: encrypt }) : buildXml({ ...fields, Encrypt: encrypt });
  return { query, body };
}
