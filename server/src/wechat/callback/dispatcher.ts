import type { WechatPush } from './push';
import type { Reply } from './replies';

export type Handler = (push: WechatPush) => Promise<Reply | null | undefined> | Reply | null | undefined;

export type KeywordMatch = { exact: string } | { contains: string } | { pattern: RegExp };

interface KeywordRoute {
  match: KeywordMatch;
  priority: number;
  handler: Handler;
}

// Where modules say which pushes they answer. The most specific route wins: a menu key or keyword before the
// event or message type, and the fallback last. A route that returns nothing passes the push on.
export function createDispatcher() {
  const byMessage = new Map<string, Handler[]>();
  const byEvent = new Map<string, Handler[]>();
  const byMenuKey = new Map<string, Handler>();
  const keywords: KeywordRoute[] = [];
  let fallback: Handler | null = null;

  const add = (map: Map<string, Handler[]>, key: string, handler: Handler) => map.set(key, [...(map.get(key) ?? []), handler]);

  function keywordMatches(match: KeywordMatch, text: string): boolean {
    if ('exact' in match) return text.trim().toLowerCase() === match.exact.toLowerCase();
    if ('contains' in match) return text.toLowerCase().includes(match.contains.toLowerCase());
    return match.pattern.test(text);
  }

  function candidates(push: WechatPush): Handler[] {
    const list: Handler[] = [];
    if (push.msgType === 'event') {
      const event = push.event ?? '';
      if ((event === 'CLICK' || event === 'VIEW') && push.eventKey !== undefined) {
        const menu = byMenuKey.get(push.eventKey);
        if (menu) list.push(menu);
      }
      list.push(...(byEvent.get(event) ?? []), ...(byEvent.get(event.toLowerCase()) ?? []));
    } else {
      const content = typeof push.fields['Content'] === 'string' ? push.fields['Content'] : undefined;
      if (push.msgType === 'text' && content !== undefined) {
        list.push(...keywords.filter((k) => keywordMatches(k.match, content)).map((k) => k.handler));
      }
      list.push(...(byMessage.get(push.msgType) ?? []));
    }
    if (fallback) list.push(fallback);
    return list;
  }

  return {
    onMessage(msgType: string, handler: Handler) {
      add(byMessage, msgType, handler);
    },
    onEvent(event: string, handler: Handler) {
      add(byEvent, event, handler);
    },
    onMenuClick(key: string, handler: Handler) {
      if (byMenuKey.has(key)) throw new Error(`Menu key "${key}" already has a handler`);
      byMenuKey.set(key, handler);
    },
    /** Higher priority first; ties in registration order. */
    onKeyword(match: KeywordMatch, handler: Handler, priority = 0) {
      keywords.push({ match, handler, priority });
      keywords.sort((a, b) => b.priority - a.priority);
    },
    onFallback(handler: Handler) {
      fallback = handler;
    },
    /** Runs the routes in order until one replies; null when none does. */
    async dispatch(push: WechatPush): Promise<Reply | null> {
      for (const handler of candidates(push)) {
        const reply = await handler(push);
        if (reply) return reply;
      }
      return null;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
