import { Type, type Static } from '@sinclair/typebox';

export const AUTO_REPLY_KINDS = ['welcome', 'keyword', 'default'] as const;
export type AutoReplyKind = (typeof AUTO_REPLY_KINDS)[number];
export const MATCH_TYPES = ['exact', 'contains', 'regex'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

const Article = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 120 })),
    picUrl: Type.Optional(Type.String({ maxLength: 1024, pattern: '^https?://' })),
    url: Type.String({ minLength: 1, maxLength: 1024, pattern: '^https?://' }),
  },
  { additionalProperties: false },
);

// What a rule answers. WeChat shows one article in reply to a member's message and up to eight on an event such as
// a follow (WECHAT.md 1.7); `handoff` hands the conversation to a human agent and tells the member so.
export const AutoReplyContent = Type.Union([
  Type.Object({ type: Type.Literal('text'), content: Type.String({ minLength: 1, maxLength: 600 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('image'), mediaId: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('news'), articles: Type.Array(Article, { minItems: 1, maxItems: 8 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('handoff'), content: Type.Optional(Type.String({ maxLength: 600 })) }, { additionalProperties: false }),
]);
export type AutoReplyContent = Static<typeof AutoReplyContent>;

const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:mm in the brand time zone' });

/** Local times in the brand's zone; `to` before `from` spans midnight (22:00-08:00). */
export const ActiveHours = Type.Object({ from: ClockTime, to: ClockTime }, { additionalProperties: false });
export type ActiveHours = Static<typeof ActiveHours>;

export const AutoReplyBody = Type.Object(
  {
    kind: Type.Union(AUTO_REPLY_KINDS.map((k) => Type.Literal(k))),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    /** Keyword rules only. */
    matchType: Type.Optional(Type.Union(MATCH_TYPES.map((m) => Type.Literal(m)))),
    /** Keyword rules only: any one matching is enough. Regular expressions are matched case-insensitively. */
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 })),
    /** Higher first among the keyword rules that match. */
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, default: 0 })),
    activeHours: Type.Optional(Type.Union([ActiveHours, Type.Null()])),
    reply: AutoReplyContent,
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type AutoReplyBody = Static<typeof AutoReplyBody>;

export const AutoReplyRule = Type.Object({
  id: Type.Integer(),
  kind: Type.Union(AUTO_REPLY_KINDS.map((k) => Type.Literal(k))),
  name: Type.String(),
  matchType: Type.Union([Type.Union(MATCH_TYPES.map((m) => Type.Literal(m))), Type.Null()]),
  keywords: Type.Array(Type.String()),
  priority: Type.Integer(),
  activeHours: Type.Union([ActiveHours, Type.Null()]),
  reply: AutoReplyContent,
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type AutoReplyRule = Static<typeof AutoReplyRule>;

export const AutoReplyList = Type.Object({ items: Type.Array(AutoReplyRule) });
export type AutoReplyList = Static<typeof AutoReplyList>;

/** Which rule would answer a message (or a follow) at a given time, so ops can check a change before members do. */
export const AutoReplyPreviewBody = Type.Object(
  {
    event: Type.Union([Type.Literal('text'), Type.Literal('subscribe')]),
    content: Type.Optional(Type.String({ maxLength: 600 })),
    at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type AutoReplyPreviewBody = Static<typeof AutoReplyPreviewBody>;

export const AutoReplyPreview = Type.Object({
  rule: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() }), Type.Null()]),
  reply: Type.Union([AutoReplyContent, Type.Null()]),
});
export type AutoReplyPreview = Static<typeof AutoReplyPreview>;
