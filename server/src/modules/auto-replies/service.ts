import type { AutoReplyBody, AutoReplyContent, AutoReplyPreview, AutoReplyPreviewBody, AutoReplyRule } from '@fanbase/shared/contracts/auto-replies';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock';
import { isDuplicateKey } from '../../db/errors';
import { AppError } from '../../errors';
import type { Dispatcher } from '../../wechat/callback/dispatcher';
import type { WechatPush } from '../../wechat/callback/push';
import type { Reply } from '../../wechat/callback/replies';
import type { Actor, AuditLog } from '../audit/service';
import { AutoReplyEntity, type AutoReplyRow } from './entities';

export const SERVICE_AGENT_KEY = 'SERVICE_AGENT';
export const DEFAULT_HANDOFF_TEXT = '已为您转接人工客服，请稍候，客服会尽快在这里回复您。';

/** Told when a member asks for a human (the support inbox listens). */
export type HandoffListener = (push: WechatPush, rule: { id: number; name: string } | null) => Promise<void> | void;

// Member messages that get the default reply when no keyword answers them (WECHAT.md 1.5).
const MESSAGE_TYPES = ['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link'];

interface CompiledRule {
  row: AutoReplyRow;
  matches: (content: string) => boolean;
}

const normalize = (s: string) => s.normalize('NFKC').trim().toLowerCase();

// A nested quantifier such as (a+)+ or (\w*)* can backtrack exponentially on a crafted message, and Node's
// RegExp has no time limit: such patterns are refused when saved.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,?\d*\})/;

function compilePattern(pattern: string, field: string): RegExp {
  if (NESTED_QUANTIFIER.test(pattern)) throw new AppError('AUTO_REPLY_INVALID', `${field}: nested quantifiers can make matching take too long`, [{ field, message: 'has a nested quantifier' }]);
  try {
    return new RegExp(pattern, 'iu');
  } catch (err) {
    throw new AppError('AUTO_REPLY_INVALID', `${field}: not a valid regular expression (${(err as Error).message})`, [{ field, message: 'is not a valid regular expression' }]);
  }
}

function compile(row: AutoReplyRow): CompiledRule {
  if (row.kind !== 'keyword') return { row, matches: () => true };
  if (row.matchType === 'regex') {
    const patterns = row.keywords.map((k, i) => compilePattern(k, `keywords[${i}]`));
    return { row, matches: (content) => { const c = content.normalize('NFKC').trim(); return patterns.some((p) => p.test(c)); } };
  }
  const words = row.keywords.map(normalize);
  return row.matchType === 'exact'
    ? { row, matches: (content) => words.includes(normalize(content)) }
    : { row, matches: (content) => { const c = normalize(content); return words.some((w) => c.includes(w)); } };
}

function toRule(row: AutoReplyRow): AutoReplyRule {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    matchType: row.kind === 'keyword' ? row.matchType : null,
    keywords: row.keywords,
    priority: row.priority,
    activeHours: row.activeFrom && row.activeTo ? { from: row.activeFrom, to: row.activeTo } : null,
    reply: row.reply,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Is local time `hhmm` inside [from, to)? A window whose end is before its start spans midnight. */
export function withinHours(hhmm: string, from: string | null, to: string | null): boolean {
  if (!from || !to || from === to) return true;
  return from < to ? hhmm >= from && hhmm < to : hhmm >= from || hhmm < to;
}

// Keyword, welcome and default replies that ops maintain in the admin console. Rules are read from the database
// at most every `cacheTtlMs` per instance, so a change reaches every instance within that time and the callback
// does not pay a query per message.
export function createAutoReplyService({ db, clock, audit, timeZone, cacheTtlMs = 3000 }: { db: DataSource; clock: Clock; audit: AuditLog; timeZone: string; cacheTtlMs?: number }) {
  const repo = db.getRepository(AutoReplyEntity);
  const formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  // Formatting in a time zone is slow next to the rest of a reply; the answer changes once a minute.
  let minute = { start: NaN, hhmm: '' };
  const localTime = (at: Date) => {
    const start = Math.floor(at.getTime() / 60_000);
    if (start !== minute.start) minute = { start, hhmm: formatter.format(at) };
    return minute.hhmm;
  };
  const listeners: HandoffListener[] = [];
  let cache: { loadedAt: number; rules: CompiledRule[] } | null = null;
  let loading: Promise<CompiledRule[]> | null = null;

  async function rules(): Promise<CompiledRule[]> {
    const now = clock.now().getTime();
    if (cache && now - cache.loadedAt < cacheTtlMs) return cache.rules;
    loading ??= repo
      .find({ where: { enabled: true }, order: { priority: 'DESC', id: 'ASC' } })
      .then((rows) => {
        const compiled = rows.flatMap((row) => {
          try {
            return [compile(row)];
          } catch {
            return []; // saved before a stricter check: skipped rather than breaking every reply
          }
        });
        cache = { loadedAt: now, rules: compiled };
        return compiled;
      })
      .finally(() => (loading = null));
    return loading;
  }

  /** The rule that answers, or null. Keyword rules by priority; the default only when no keyword matched. */
  async function pick(event: 'text' | 'message' | 'subscribe', content: string, at: Date): Promise<AutoReplyRow | null> {
    const hhmm = localTime(at);
    const live = (await rules()).filter((r) => withinHours(hhmm, r.row.activeFrom, r.row.activeTo));
    if (event === 'subscribe') return live.find((r) => r.row.kind === 'welcome')?.row ?? null;
    if (event === 'text') {
      const keyword = live.find((r) => r.row.kind === 'keyword' && r.matches(content));
      if (keyword) return keyword.row;
    }
    return live.find((r) => r.row.kind === 'default')?.row ?? null;
  }

  function toReply(content: AutoReplyContent): Reply {
    switch (content.type) {
      case 'text':
        return { type: 'text', content: content.content };
      case 'image':
        return { type: 'image', mediaId: content.mediaId };
      case 'news':
        return { type: 'news', articles: content.articles.map((a) => ({ title: a.title, url: a.url, ...(a.description ? { description: a.description } : {}), ...(a.picUrl ? { picUrl: a.picUrl } : {}) })) };
      case 'handoff':
        return { type: 'text', content: content.content || DEFAULT_HANDOFF_TEXT };
    }
  }

  async function answer(push: WechatPush, row: AutoReplyRow | null): Promise<Reply | null> {
    if (!row) return null;
    if (row.reply.type === 'handoff') for (const listener of listeners) await listener(push, { id: row.id, name: row.name });
    return toReply(row.reply);
  }

  function checked(body: AutoReplyBody): Omit<AutoReplyRow, 'id' | 'createdAt' | 'updatedAt'> {
    const keyword = body.kind === 'keyword';
    if (keyword && !body.matchType) throw new AppError('AUTO_REPLY_INVALID', 'matchType: a keyword rule needs a match type', [{ field: 'matchType', message: 'is required for a keyword rule' }]);
    const keywords = keyword ? [...new Set((body.keywords ?? []).map((k) => (body.matchType === 'regex' ? k : k.trim())).filter((k) => k !== ''))] : [];
    if (keyword && keywords.length === 0) throw new AppError('AUTO_REPLY_INVALID', 'keywords: a keyword rule needs at least one keyword', [{ field: 'keywords', message: 'needs at least one keyword' }]);
    const enabled = body.enabled ?? true;
    const row = {
      kind: body.kind,
      name: body.name.trim(),
      matchType: keyword ? body.matchType! : null,
      keywords,
      priority: body.priority ?? 0,
      activeFrom: body.activeHours?.from ?? null,
      activeTo: body.activeHours?.to ?? null,
      reply: body.reply,
      enabled,
      exclusiveKey: enabled && !keyword ? body.kind : null,
    };
    compile({ ...row, id: 0, createdAt: new Date(0), updatedAt: new Date(0) });
    return row;
  }

  const conflict = (kind: string) =>
    new AppError('AUTO_REPLY_CONFLICT', `Another ${kind} reply is already enabled: disable it first`, [{ field: 'enabled', message: `only one ${kind} reply can be enabled` }]);

  async function write<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict(kind);
      throw err;
    } finally {
      cache = null;
    }
  }

  return {
    onHandoff(listener: HandoffListener) {
      listeners.push(listener);
    },

    /** Welcome on follow, keyword rules and the default reply on member messages, and the 联系客服 menu button. */
    register(dispatcher: Dispatcher) {
      dispatcher.onEvent('subscribe', async (push) => answer(push, await pick('subscribe', '', clock.now())));
      for (const type of MESSAGE_TYPES) {
        dispatcher.onMessage(type, async (push) => {
          const content = type === 'text' && typeof push.fields['Content'] === 'string' ? push.fields['Content'] : '';
          return answer(push, await pick(type === 'text' ? 'text' : 'message', content, clock.now()));
        });
      }
      dispatcher.onMenuClick(SERVICE_AGENT_KEY, async (push) => {
        const rule = (await rules()).find((r) => r.row.kind === 'keyword' && r.row.reply.type === 'handoff')?.row;
        for (const listener of listeners) await listener(push, rule ? { id: rule.id, name: rule.name } : null);
        return { type: 'text', content: rule?.reply.type === 'handoff' && rule.reply.content ? rule.reply.content : DEFAULT_HANDOFF_TEXT };
      });
    },

    async list(): Promise<AutoReplyRule[]> {
      const rows = await repo.find({ order: { priority: 'DESC', id: 'ASC' } });
      const order = { welcome: 0, default: 1, keyword: 2 };
      return rows.sort((a, b) => order[a.kind] - order[b.kind]).map(toRule);
    },

    async create(body: AutoReplyBody, actor: Actor): Promise<AutoReplyRule> {
      const values = checked(body);
      return write(body.kind, () =>
        db.transaction(async (m) => {
          const now = clock.now();
          const row = await m.save(AutoReplyEntity, m.create(AutoReplyEntity, { ...values, createdAt: now, updatedAt: now }));
          await audit.record(actor, { action: 'auto_reply.create', targetType: 'auto_reply_rule', targetId: row.id, details: { kind: row.kind, name: row.name } }, m);
          return toRule(row);
        }),
      );
    },

    async update(id: number, body: AutoReplyBody, actor: Actor): Promise<AutoReplyRule> {
      const values = checked(body);
      return write(body.kind, () =>
        db.transaction(async (m) => {
          const existing = await m.findOneBy(AutoReplyEntity, { id });
          if (!existing) throw new AppError('AUTO_REPLY_NOT_FOUND', `No auto-reply rule ${id}`);
          await m.update(AutoReplyEntity, { id }, { ...values, updatedAt: clock.now() });
          await audit.record(actor, { action: 'auto_reply.update', targetType: 'auto_reply_rule', targetId: id, details: { kind: values.kind, name: values.name, enabled: values.enabled } }, m);
          return toRule(await m.findOneByOrFail(AutoReplyEntity, { id }));
        }),
      );
    },

    async remove(id: number, actor: Actor): Promise<void> {
      await write('', () =>
        db.transaction(async (m) => {
          const existing = await m.findOneBy(AutoReplyEntity, { id });
          if (!existing) throw new AppError('AUTO_REPLY_NOT_FOUND', `No auto-reply rule ${id}`);
          await m.delete(AutoReplyEntity, { id });
          await audit.record(actor, { action: 'auto_reply.delete', targetType: 'auto_reply_rule', targetId: id, details: { kind: existing.kind, name: existing.name } }, m);
        }),
      );
    },

    /** Which rule would answer, without telling anyone about a hand-off. */
    async preview(body: AutoReplyPreviewBody): Promise<AutoReplyPreview> {
      cache = null;
      const row = await pick(body.event, body.content ?? '', body.at ? new Date(body.at) : clock.now());
      return { rule: row ? { id: row.id, name: row.name, kind: row.kind } : null, reply: row ? row.reply : null };
    },

    /** Seeds rules once: a database that has any rule is left alone. */
    async seedIfEmpty(bodies: AutoReplyBody[], actor: Actor): Promise<number> {
      if ((await repo.count()) > 0) return 0;
      for (const body of bodies) await this.create(body, actor);
      return bodies.length;
    },
  };
}

export type AutoReplyService = ReturnType<typeof createAutoReplyService>;
