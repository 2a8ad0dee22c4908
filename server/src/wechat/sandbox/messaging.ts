import type { SandboxMessageBody } from '@fanbase/shared/contracts/sandbox';
import { utf8Bytes } from '@fanbase/shared/wechat-menu';
import type { FastifyInstance } from 'fastify';
import { fault, obj, str, type WechatBody } from './api-http';
import type { SandboxContext } from './context';
import type { Follower } from './state';

// Messages the account sends: customer-service messages inside the member's reply window (WECHAT.md 1.10),
// template messages under the daily quota with client_msg_id idempotency (1.11), and mass sends with their
// per-member monthly cap and clientmsgid idempotency (1.12). Job results come back to /wechat as events.

const TEMPLATE_DEDUPE_MS = 10 * 60_000;
const MASS_DEDUPE_MS = 24 * 3600_000;
const MASS_MIN_RECIPIENTS = 2;
const MASS_MAX_RECIPIENTS = 10_000;
const CLIENT_MSG_ID_MAX_BYTES = 64;

const article = (title: string, description = ''): SandboxMessageBody => ({ type: 'news', articles: [{ title, description, picUrl: '', url: '' }] });

/** The customer-service message as the member sees it; WeChat's errcodes for what is missing. */
function customMessage(body: WechatBody): SandboxMessageBody {
  const msgtype = str(body['msgtype']);
  const part = obj(body[msgtype ?? '']) ?? {};
  switch (msgtype) {
    case 'text': {
      const content = str(part['content']);
      if (!content) throw fault(44004, 'empty content');
      return { type: 'text', content };
    }
    case 'image': {
      const mediaId = str(part['media_id']);
      if (!mediaId) throw fault(40007, 'invalid media_id');
      return { type: 'image', mediaId };
    }
    case 'news': {
      const articles = Array.isArray(part['articles']) ? part['articles'].map((a) => obj(a) ?? {}) : [];
      if (articles.length === 0) throw fault(44003, 'empty news data');
      // A customer-service news message carries one article since 2018-10-12.
      if (articles.length > 1) throw fault(45008, 'article size out of limit');
      return {
        type: 'news',
        articles: articles.map((a) => ({ title: str(a['title']) ?? '', description: str(a['description']) ?? '', picUrl: str(a['picurl']) ?? '', url: str(a['url']) ?? '' })),
      };
    }
    case 'mpnews': {
      const mediaId = str(part['media_id']);
      if (!mediaId) throw fault(40007, 'invalid media_id');
      return article('图文消息', `media_id ${mediaId}`);
    }
    case 'mpnewsarticle': {
      const articleId = str(part['article_id']);
      if (!articleId) throw fault(40007, 'invalid media_id');
      return article('图文消息', `article_id ${articleId}`);
    }
    case 'msgmenu': {
      const list = Array.isArray(part['list']) ? part['list'].map((o) => obj(o) ?? {}) : [];
      if (list.length === 0) throw fault(44004, 'empty content');
      const lines = [str(part['head_content']) ?? '', ...list.map((o) => `[${str(o['id']) ?? ''}] ${str(o['content']) ?? ''}`), str(part['tail_content']) ?? ''];
      return { type: 'text', content: lines.filter((l) => l !== '').join('\n') };
    }
    case 'voice':
    case 'video':
    case 'music':
    case 'wxcard':
    case 'miniprogrampage': {
      const labels: Record<string, string> = { voice: '[语音]', video: '[视频]', music: '[音乐]', wxcard: '[卡券]', miniprogrampage: '[小程序]' };
      const title = str(part['title']);
      return { type: 'text', content: title ? `${labels[msgtype]} ${title}` : labels[msgtype]! };
    }
    default:
      throw fault(40008, 'invalid message type');
  }
}

/** A mass message's content (text, image or mpnews, the kinds Fanbase sends); WeChat's errcodes otherwise. */
function massMessage(body: WechatBody): SandboxMessageBody {
  const msgtype = str(body['msgtype']);
  switch (msgtype) {
    case 'text': {
      const content = str(obj(body['text'])?.['content']);
      if (!content) throw fault(44004, 'empty content');
      return { type: 'text', content };
    }
    case 'image': {
      const ids = obj(body['images'])?.['media_ids'];
      const mediaId = Array.isArray(ids) ? ids.map(str).find((id) => id) : str(obj(body['image'])?.['media_id']);
      if (!mediaId) throw fault(40007, 'invalid media_id');
      return { type: 'image', mediaId };
    }
    case 'mpnews': {
      const mediaId = str(obj(body['mpnews'])?.['media_id']);
      if (!mediaId) throw fault(40007, 'invalid media_id');
      return article('图文消息', `media_id ${mediaId}`);
    }
    default:
      throw fault(40008, 'invalid message type');
  }
}

export function messagingRoutes(ctx: SandboxContext) {
  const { state, pusher, account, limits } = ctx;
  const templateSends = new Map<string, { msgId: bigint; at: number }>();
  let templateDay = { day: '', count: 0 };
  const massByClientMsgId = new Map<string, { msgId: bigint; at: number }>();
  const massJobs = new Map<string, { msgId: bigint; status: 'SENDING' | 'SEND_SUCCESS' | 'SEND_FAIL' }>();
  let sendToAllDay = '';

  const recipient = (value: unknown): Follower => {
    const openId = str(value);
    const follower = openId ? state.followers.get(openId) : undefined;
    if (!follower) throw fault(40003, 'invalid openid');
    return follower;
  };

  /** Validates clientmsgid and answers 45065 with the earlier job's msg_id when it was used within a day. */
  function checkClientMsgId(body: WechatBody): string | null {
    if (body['clientmsgid'] === undefined) return null;
    const id = str(body['clientmsgid']) ?? '';
    if (utf8Bytes(id) > CLIENT_MSG_ID_MAX_BYTES) throw fault(45067, 'clientmsgid size exceeds limit');
    const earlier = massByClientMsgId.get(id);
    if (earlier && state.nowMs() - earlier.at < MASS_DEDUPE_MS) throw fault(45065, 'clientmsgid exist', { msg_id: earlier.msgId });
    return id;
  }

  /**
   * Delivers a mass message: the requested members (TotalCount) less those not following (FilterCount is
   * what is left, as WeChat's doc defines it); each member receives at most 4 a calendar month, the rest are
   * errors (ErrorCount). MASSSENDJOBFINISH follows.
   */
  function runMass(openIds: readonly string[], message: SandboxMessageBody, clientMsgId: string | null): { msgId: bigint } {
    const msgId = state.nextBigId();
    const eligible = openIds.map((id) => state.followers.get(id)).filter((f): f is Follower => f !== undefined && f.subscribed);
    let sent = 0;
    for (const follower of eligible) {
      if (!state.takeMassAllowance(follower)) continue;
      state.addToFeed(follower, 'out', 'mass', message);
      sent++;
    }
    const errors = eligible.length - sent;
    const ok = sent > 0 || eligible.length === 0;
    massJobs.set(String(msgId), { msgId, status: ok ? 'SEND_SUCCESS' : 'SEND_FAIL' });
    if (clientMsgId !== null) massByClientMsgId.set(clientMsgId, { msgId, at: state.nowMs() });
    pusher.later({
      ToUserName: account.ghId,
      // WeChat's doc: the sender of MASSSENDJOBFINISH is the account's mass-send assistant, "mphelper".
      FromUserName: 'mphelper',
      CreateTime: state.nowS(),
      MsgType: 'event',
      Event: 'MASSSENDJOBFINISH',
      MsgID: String(msgId),
      Status: ok ? 'send success' : 'send fail',
      TotalCount: openIds.length,
      FilterCount: eligible.length,
      SentCount: sent,
      ErrorCount: errors,
    });
    return { msgId };
  }

  const submitted = (msgId: bigint, message: SandboxMessageBody) => ({
    errcode: 0,
    errmsg: 'send job submission success',
    msg_id: msgId,
    // WeChat returns msg_data_id (the article's statistics id) for mpnews only.
    ...(message.type === 'news' ? { msg_data_id: Number(msgId % 1_000_000_000n) + 2_000_000_000 } : {}),
  });

  return async (app: FastifyInstance) => {
    ctx.api(app, 'POST', '/cgi-bin/message/custom/send', ({ body }) => {
      const follower = recipient(body['touser']);
      const message = customMessage(body);
      if (!follower.subscribed) throw fault(43004, 'require subscribe');
      const spent = state.spendWindow(follower);
      if (spent === 45015) throw fault(45015, 'response out of time limit or subscription is canceled');
      if (spent === 45047) throw fault(45047, 'out of response count limit');
      state.addToFeed(follower, 'out', 'custom', message);
      return { errcode: 0, errmsg: 'ok' };
    });

    ctx.api(app, 'POST', '/cgi-bin/message/template/send', ({ body }) => {
      const follower = recipient(body['touser']);
      const templateId = str(body['template_id']);
      if (!templateId) throw fault(40037, 'invalid template_id');
      if (!follower.subscribed) throw fault(43004, 'require subscribe');
      const data: Record<string, { value: string }> = {};
      for (const [key, entry] of Object.entries(obj(body['data']) ?? {})) {
        const value = str(obj(entry)?.['value']);
        if (value === undefined) throw fault(47003, `argument invalid! data.${key}.value invalid`);
        data[key] = { value };
      }

      // Same openid + client_msg_id within 10 minutes is sent once: the first msgid answers again.
      const clientMsgId = str(body['client_msg_id']);
      const dedupeKey = clientMsgId ? `${follower.openId}\n${clientMsgId}` : null;
      const earlier = dedupeKey ? templateSends.get(dedupeKey) : undefined;
      if (earlier && state.nowMs() - earlier.at < TEMPLATE_DEDUPE_MS) return { errcode: 0, errmsg: 'ok', msgid: earlier.msgId };

      const day = state.day();
      if (templateDay.day !== day) templateDay = { day, count: 0 };
      if (templateDay.count >= limits.templateDailyQuota) throw fault(45009, 'reach max api daily quota limit');
      templateDay.count++;

      const msgId = state.nextBigId();
      if (dedupeKey) templateSends.set(dedupeKey, { msgId, at: state.nowMs() });
      const url = str(body['url']);
      if (!follower.blocksTemplates) state.addToFeed(follower, 'out', 'template', { type: 'template', templateId, ...(url ? { url } : {}), data });
      pusher.later({
        ToUserName: account.ghId,
        FromUserName: follower.openId,
        CreateTime: state.nowS(),
        MsgType: 'event',
        Event: 'TEMPLATESENDJOBFINISH',
        MsgID: String(msgId),
        Status: follower.blocksTemplates ? 'failed:user block' : 'success',
      });
      return { errcode: 0, errmsg: 'ok', msgid: msgId };
    });

    ctx.api(app, 'POST', '/cgi-bin/message/mass/send', ({ body }) => {
      const touser = body['touser'];
      if (!Array.isArray(touser) || touser.length < MASS_MIN_RECIPIENTS || touser.length > MASS_MAX_RECIPIENTS) {
        throw fault(40130, 'invalid openid list size, at least two openid');
      }
      const message = massMessage(body);
      const clientMsgId = checkClientMsgId(body);
      const openIds = [...new Set(touser.map((o) => str(o) ?? ''))];
      return submitted(runMass(openIds, message, clientMsgId).msgId, message);
    });

    ctx.api(app, 'POST', '/cgi-bin/message/mass/sendall', ({ body }) => {
      const filter = obj(body['filter']);
      if (!filter) throw fault(40035, 'invalid args: filter is required');
      const toAll = filter['is_to_all'] === true || filter['is_to_all'] === 'true';
      const tagId = toAll ? undefined : Number(str(filter['tag_id']) ?? NaN);
      if (!toAll && (tagId === undefined || !Number.isInteger(tagId) || !state.tags.has(tagId))) throw fault(45159, 'invalid tag id');
      const message = massMessage(body);
      const clientMsgId = checkClientMsgId(body);
      // A service account may send to everyone once a day (WECHAT.md 1.12).
      const day = state.day();
      if (toAll && sendToAllDay === day) throw fault(45028, 'has no masssend quota');
      if (toAll) sendToAllDay = day;
      // Tag holders who have since unfollowed are counted, then filtered, as WeChat reports them.
      const openIds = [...state.followers.values()].filter((f) => (toAll ? f.subscribed : f.tagIds.includes(tagId!))).map((f) => f.openId);
      return submitted(runMass(openIds, message, clientMsgId).msgId, message);
    });

    ctx.api(app, 'POST', '/cgi-bin/message/mass/get', ({ body }) => {
      const job = massJobs.get(str(body['msg_id']) ?? '');
      if (!job) throw fault(40059, 'invalid msg id');
      return { msg_id: job.msgId, msg_status: job.status };
    });
  };
}
