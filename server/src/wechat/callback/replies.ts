import { buildXml, type ReplyFields } from './xml';

// The passive replies WeChat accepts (WECHAT.md 1.7). Media must already be uploaded (MediaId).
export type Reply =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'news'; articles: { title: string; description?: string; picUrl?: string; url: string }[] }
  | { type: 'transfer_customer_service'; kfAccount?: string };

export function renderReply(reply: Reply, to: { openId: string; accountId: string; now: Date }): string {
  const head: ReplyFields = { ToUserName: to.openId, FromUserName: to.accountId, CreateTime: Math.floor(to.now.getTime() / 1000), MsgType: reply.type };
  switch (reply.type) {
    case 'text':
      return buildXml({ ...head, Content: reply.content });
    case 'image':
      return buildXml({ ...head, Image: { MediaId: reply.mediaId } });
    case 'news': {
      // WeChat shows at most 8 articles (one when replying to a member's message; the dispatcher trims).
      const articles = reply.articles.slice(0, 8);
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
