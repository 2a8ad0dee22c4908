import type { SandboxEncryption, SandboxMessageBody } from '@fanbase/shared/contracts/sandbox';
import { AppError } from '../../errors';
import { createMessageCipher, type MessageCipher } from '../callback/crypto';
import { sha1Signature, signatureMatches } from '../callback/signature';
import { parseWechatXml, textField, type ReplyFields, type XmlFields, type XmlNode } from '../callback/xml';
import { signPush, type SignedPush } from './push-signer';

// WeChat's side of the callback: every follower action and job result becomes the XML WeChat posts to the
// account's URL, signed (and in compatible/safe mode encrypted) as WeChat does (WECHAT.md 1.2-1.3), and the
// passive reply is read back the way WeChat reads it. Delivery is a function so the app can post in-process.

export interface WechatAnswer {
  status: number;
  body: string;
}

/** Posts a signed push to the account's /wechat URL and gives back what it answered. */
export type DeliverToWechat = (push: SignedPush) => Promise<WechatAnswer>;

export interface SandboxLog {
  warn(obj: object, msg: string): void;
}

export interface PushAccount {
  appId: string;
  token: string;
  encodingAesKeys: readonly string[];
}

export function createPusher({ account, deliver, log, nowS }: { account: PushAccount; deliver: DeliverToWechat | undefined; log: SandboxLog | undefined; nowS: () => number }) {
  const aesKey = account.encodingAesKeys[0];
  const cipher: MessageCipher | null = aesKey ? createMessageCipher({ appId: account.appId, encodingAesKeys: account.encodingAesKeys }) : null;
  // Safe mode when the account has an EncodingAESKey: what a real account configured with one would use.
  const defaultMode: SandboxEncryption = aesKey ? 'safe' : 'plain';
  const pending = new Set<Promise<void>>();

  /** The passive reply, as WeChat shows it to the member; null for success, empty, or a reply WeChat would refuse. */
  function readReply(answer: WechatAnswer, mode: SandboxEncryption): XmlFields | null {
    const body = answer.body.trim();
    if (answer.status !== 200 || body === '' || body === 'success') return null;
    let outer: XmlFields;
    try {
      outer = parseWechatXml(body);
    } catch {
      return null;
    }
    const encrypt = textField(outer, 'Encrypt');
    if (encrypt === undefined) return mode === 'safe' ? null : outer; // safe mode accepts only encrypted replies
    const [ts, nonce, signature] = [textField(outer, 'TimeStamp'), textField(outer, 'Nonce'), textField(outer, 'MsgSignature')];
    if (!cipher || ts === undefined || nonce === undefined || !signatureMatches(sha1Signature([account.token, ts, nonce, encrypt]), signature)) return null;
    try {
      return parseWechatXml(cipher.decrypt(encrypt).xml);
    } catch {
      return null;
    }
  }

  /** Refuses what this account cannot push, before anything changes; the way to /wechat otherwise. */
  function checkCanPush(mode: SandboxEncryption): DeliverToWechat {
    if (!deliver) throw new AppError('NOT_READY', 'The sandbox has no /wechat to deliver to');
    if (mode !== 'plain' && !aesKey) throw new AppError('BAD_REQUEST', `${mode} mode needs WECHAT_ENCODING_AES_KEY: this account can only push in plain mode`);
    return deliver;
  }

  async function post(fields: ReplyFields, mode: SandboxEncryption = defaultMode): Promise<{ status: number; reply: XmlFields | null }> {
    const send = checkCanPush(mode);
    const push = signPush({ token: account.token, appId: account.appId, ...(aesKey ? { encodingAesKey: aesKey } : {}) }, fields, { mode, timestamp: nowS() });
    const answer = await send(push);
    return { status: answer.status, reply: readReply(answer, mode) };
  }

  return {
    defaultMode,
    checkCanPush,
    post,

    /** Posts after the API call has answered, as WeChat's job-finish events arrive; not retried. */
    later(fields: ReplyFields): void {
      if (!deliver) return;
      const task = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => post(fields))
        .then(({ status }) => {
          if (status !== 200) log?.warn({ status }, 'the WeChat sandbox pushed a job-finish event and /wechat did not answer 200');
        })
        .catch((err: unknown) => log?.warn({ err }, 'the WeChat sandbox could not push a job-finish event to /wechat'))
        .finally(() => pending.delete(task));
      pending.add(task);
    },

    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

export type Pusher = ReturnType<typeof createPusher>;

const asItems = (node: XmlNode | undefined): XmlFields[] => {
  if (node === undefined || typeof node === 'string') return [];
  const list = Array.isArray(node) ? node : [node];
  return list.filter((n): n is XmlFields => typeof n === 'object' && !Array.isArray(n));
};

/** A passive reply's XML as a feed message (WECHAT.md 1.7); null for kinds the sandbox phone cannot show. */
export function replyToMessage(fields: XmlFields): SandboxMessageBody | null {
  switch (textField(fields, 'MsgType')) {
    case 'text':
      return { type: 'text', content: textField(fields, 'Content') ?? '' };
    case 'image': {
      const image = fields['Image'];
      const mediaId = image && typeof image === 'object' && !Array.isArray(image) ? textField(image, 'MediaId') : undefined;
      return { type: 'image', ...(mediaId !== undefined ? { mediaId } : {}) };
    }
    case 'news': {
      const articles = fields['Articles'];
      const items = articles && typeof articles === 'object' && !Array.isArray(articles) ? asItems(articles['item']) : [];
      return {
        type: 'news',
        articles: items.map((a) => ({ title: textField(a, 'Title') ?? '', description: textField(a, 'Description') ?? '', picUrl: textField(a, 'PicUrl') ?? '', url: textField(a, 'Url') ?? '' })),
      };
    }
    case 'transfer_customer_service':
      return { type: 'transfer_customer_service' };
    default:
      return null;
  }
}
