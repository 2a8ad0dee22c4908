import type { WechatPush } from './push';
import { buildXml, type ReplyFields } from './xml';

// The passive replies WeChat accepts (WECHAT.md 1.7). Media must already be uploaded (MediaId).
export type Reply =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'news'; articles: { title: string; description?: string; picUrl?: string; url: string }[] }
  | { type: 'transfer_customer_service'; kfAccount?: string };

/** The passive reply to `push`, addressed back to its sender. */
export function renderReply(reply: Reply, push: Pick<WechatPush, 'openId' | 'accountId' | 'msgType'>, now: Date): string {
  const head: ReplyFields = { ToUserName: push.openId, FromUserName: push.accountId, CreateTime: Math.floor(now.getTime() / 1000), MsgType: reply.type };
  switch (reply.type) {
    case 'text':
      return buildXml({ ...head, Content: reply.content });
    case 'image':
      return buildXml({ ...head, Image: { MediaId: reply.mediaId } });
    case 'news': {
      // WeChat shows at most 8 articles, and only one in answer to a member's message (WECHAT.md 1.7).
      const articles = reply.articles.slice(0, push.msgType === 'event' ? 8 : 1);
      return buildXml({
        ...head,
        ArticleCount: articles.length,
        Articles: articles.map((a) => ({ Title: a.title, Description: a.description ?? '', PicUrl: a.picUrl ?? '', Url: a.url })),
      });
    }
    case 'transfer_customer_service':
      return buildXml(reply.kfAccount ? { ...head, TransInfo: { KfAccount: reply.kfAccount } } : head);
  }
}
