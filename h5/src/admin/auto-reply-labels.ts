import type { AutoReplyBody, AutoReplyContent, AutoReplyKind, AutoReplyRule, MatchType } from '@fanbase/shared/contracts/auto-replies';

// Chinese names and small helpers for the auto-reply pages (the list, the rule dialog and the reply tester).

/** The tabs' order (the contract's AUTO_REPLY_KINDS is a value from a TypeBox module, kept out of the bundle). */
export const KINDS: readonly AutoReplyKind[] = ['welcome', 'keyword', 'default'];

export const KIND_LABELS: Record<AutoReplyKind, string> = {
  welcome: '关注时回复',
  keyword: '关键词回复',
  default: '收到消息默认回复',
};

export const KIND_DESCRIPTIONS: Record<AutoReplyKind, string> = {
  welcome: '会员关注公众号时自动发送。可以准备多条，同一时间只能启用一条。',
  keyword: '会员发送的文字消息匹配关键词时回复；多条规则同时匹配时，回复优先级最高的一条。',
  default: '会员发来的消息没有匹配任何关键词（或不是文字）时回复。同一时间只能启用一条。',
};

export const MATCH_TYPE_LABELS: Record<MatchType, string> = { exact: '全匹配', contains: '包含', regex: '正则' };

export const MATCH_TYPE_HINTS: Record<MatchType, string> = {
  exact: '消息与任一关键词完全相同时回复（忽略大小写、全半角和首尾空格）。',
  contains: '消息中包含任一关键词即回复（忽略大小写和全半角）。',
  regex: '消息匹配任一正则表达式即回复，不区分大小写，如 ^(你好|您好)$。',
};

export type ReplyType = AutoReplyContent['type'];
export const REPLY_TYPE_LABELS: Record<ReplyType, string> = { text: '文字', image: '图片', news: '图文', handoff: '转人工' };
export const REPLY_TAG_TYPES: Record<ReplyType, 'primary' | 'success' | 'warning' | 'danger' | 'info'> = {
  text: 'info',
  image: 'success',
  news: 'primary',
  handoff: 'warning',
};

/** What the member is told on a hand-off without a text of its own (the server's default). */
export const DEFAULT_HANDOFF_TEXT = '已为您转接人工客服，请稍候，客服会尽快在这里回复您。';

/** A one-line preview of a reply for the rule list. */
export function replySummary(reply: AutoReplyContent): string {
  switch (reply.type) {
    case 'text':
      return reply.content.replace(/\s+/g, ' ');
    case 'image':
      return `图片素材 ${reply.mediaId}`;
    case 'news':
      return `${reply.articles[0]?.title ?? ''}${reply.articles.length > 1 ? `（共 ${reply.articles.length} 篇）` : ''}`;
    case 'handoff':
      return reply.content?.trim() ? reply.content.replace(/\s+/g, ' ') : `转人工客服（默认提示：${DEFAULT_HANDOFF_TEXT}）`;
  }
}

/** 09:00–18:00, 22:00–次日 08:00, or 全天. */
export function hoursLabel(hours: { from: string; to: string } | null): string {
  if (!hours || hours.from === hours.to) return '全天';
  return hours.to < hours.from ? `${hours.from}–次日 ${hours.to}` : `${hours.from}–${hours.to}`;
}

/** The body that saves `rule` as it is, with some fields changed (the API replaces a rule as a whole). */
export function ruleBody(rule: AutoReplyRule, changes: Partial<AutoReplyBody> = {}): AutoReplyBody {
  const keyword = rule.kind === 'keyword';
  return {
    kind: rule.kind,
    name: rule.name,
    ...(keyword ? { matchType: rule.matchType ?? 'contains', keywords: rule.keywords } : {}),
    priority: rule.priority,
    activeHours: rule.activeHours,
    reply: rule.reply,
    enabled: rule.enabled,
    ...changes,
  };
}

// A nested quantifier such as (a+)+ can take exponential time on a crafted message: the server refuses such
// patterns (auto-replies/service.ts), and the dialog says so as the pattern is typed.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,?\d*\})/;

// The browser's own words for the usual mistakes (V8's messages), in Chinese.
const REGEX_ERRORS: [RegExp, string][] = [
  [/Unterminated group/i, '括号 ( 没有闭合'],
  [/Unmatched '\)'/i, '多了一个右括号 )'],
  [/Unterminated character class/i, '方括号 [ 没有闭合'],
  [/Nothing to repeat/i, '* + ? 或 {n} 前面缺少要重复的内容'],
  [/Lone quantifier brackets/i, '花括号 { } 不成对'],
  [/\\ at end of pattern/i, '末尾的 \\ 没有转义任何字符'],
  [/Invalid escape/i, '无效的转义写法'],
  [/Invalid group/i, '无效的分组写法'],
  [/out of order in character class/i, '方括号中的范围顺序颠倒（如 [z-a]）'],
];

/** Why a regular expression keyword cannot be used, or null. */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'iu');
  } catch (err) {
    const message = (err as Error).message;
    const known = REGEX_ERRORS.find(([re]) => re.test(message));
    return `不是有效的正则表达式：${known ? known[1] : message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`;
  }
  if (NESTED_QUANTIFIER.test(pattern)) return '含有嵌套的重复（如 (a+)+），匹配可能极慢，请改写';
  return null;
}

/**
 * `at` for the preview endpoint: today's date in the brand's time zone at `hhmm` there, as an instant.
 * (The offset is taken at that wall time, so a DST change on the day itself is the only imprecision.)
 */
export function brandTimeToday(hhmm: string, timeZone: string, now = new Date()): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, m);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(guess))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const offset = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!) - guess;
  return new Date(guess - offset).toISOString();
}
