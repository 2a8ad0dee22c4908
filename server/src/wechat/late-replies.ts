import type { FastifyBaseLogger } from 'fastify';
import type { CustomMessage, WechatApi } from './api/client';
import { WechatApiError } from './api/errors';
import type { LateReplySink } from './callback/routes';
import type { Reply } from './callback/replies';

function toCustomMessage(reply: Reply): CustomMessage | null {
  switch (reply.type) {
    case 'text':
      return { type: 'text', content: reply.content };
    case 'image':
      return { type: 'image', mediaId: reply.mediaId };
    case 'news':
      return { type: 'news', articles: reply.articles };
    case 'transfer_customer_service':
      return null; // only meaningful as a passive reply
  }
}

// A reply that missed the callback's budget reaches the member as a customer-service message, which the member's
// own message made possible (the 48-hour window, WECHAT.md 1.10). WeChat's refusal (45015 window closed, 45047
// count spent, 43004 unfollowed) is final, so it is logged, not retried.
export function customMessageLateReplies({ wechat, log }: { wechat: Pick<WechatApi, 'sendCustomMessage'>; log: FastifyBaseLogger }): LateReplySink {
  return {
    async deliver(push, reply) {
      const message = toCustomMessage(reply);
      if (!message) {
        log.info({ openId: push.openId, type: reply.type }, 'late reply has no customer-service form; dropped');
        return;
      }
      try {
        await wechat.sendCustomMessage(push.openId, message);
      } catch (err) {
        if (!(err instanceof WechatApiError)) throw err;
        log.warn({ openId: push.openId, errcode: err.errcode, path: err.path }, 'late reply could not be sent as a customer-service message');
      }
    },
  };
}
