import { Type, type Static } from '@sinclair/typebox';
import { MENU_BUTTON_TYPES } from '../wechat-menu';

// The WeChat sandbox's simulator API (/sandbox/wechat/_sim): the fake platform's own controls for playing a
// follower, used by the admin console's "sandbox phone" and by `npm run sandbox`. Mounted only when
// WECHAT_MODE=sandbox; it is not part of WeChat's API nor of Fanbase's.

export const SANDBOX_ENCRYPTIONS = ['plain', 'compatible', 'safe'] as const;
export const SandboxEncryption = Type.Union(SANDBOX_ENCRYPTIONS.map((m) => Type.Literal(m)));
export type SandboxEncryption = Static<typeof SandboxEncryption>;

const ButtonType = Type.Union(MENU_BUTTON_TYPES.map((t) => Type.Literal(t)));
const leafFields = {
  name: Type.String(),
  key: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  media_id: Type.Optional(Type.String()),
  article_id: Type.Optional(Type.String()),
  appid: Type.Optional(Type.String()),
  pagepath: Type.Optional(Type.String()),
};
const SandboxMenuLeaf = Type.Object({ type: ButtonType, ...leafFields });
/** A menu button in WeChat's menu/create JSON: a parent has only `name` and `sub_button`. */
export const SandboxMenuButton = Type.Object({ type: Type.Optional(ButtonType), ...leafFields, sub_button: Type.Optional(Type.Array(SandboxMenuLeaf)) });
export type SandboxMenuButton = Static<typeof SandboxMenuButton>;

export const SandboxQrCode = Type.Object({
  ticket: Type.String(),
  /** scene_id as digits, or scene_str. */
  scene: Type.String(),
  permanent: Type.Boolean(),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type SandboxQrCode = Static<typeof SandboxQrCode>;

export const SandboxState = Type.Object({
  account: Type.Object({ appId: Type.String(), encryption: SandboxEncryption }),
  /** The buttons last published with menu/create; null when no menu is published. */
  menu: Type.Union([Type.Array(SandboxMenuButton), Type.Null()]),
  /** Codes that can still be scanned: permanent ones and temporary ones not yet expired. */
  qrCodes: Type.Array(SandboxQrCode),
});
export type SandboxState = Static<typeof SandboxState>;

export const SandboxFollower = Type.Object({
  openId: Type.String(),
  unionId: Type.Union([Type.String(), Type.Null()]),
  /** Known to the sandbox only: WeChat's API has not returned nicknames since 2021-12-27. */
  nickname: Type.String(),
  subscribed: Type.Boolean(),
  subscribedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  tagIds: Type.Array(Type.Integer()),
});
export type SandboxFollower = Static<typeof SandboxFollower>;

export const SandboxFollowerList = Type.Object({ items: Type.Array(SandboxFollower) });
export type SandboxFollowerList = Static<typeof SandboxFollowerList>;

export const SandboxNewFollowerBody = Type.Object({ nickname: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })) }, { additionalProperties: false });
export type SandboxNewFollowerBody = Static<typeof SandboxNewFollowerBody>;

export const SandboxOpenIdParams = Type.Object({ openId: Type.String({ minLength: 1, maxLength: 64 }) });
export type SandboxOpenIdParams = Static<typeof SandboxOpenIdParams>;

export const SandboxArticle = Type.Object({ title: Type.String(), description: Type.String(), picUrl: Type.String(), url: Type.String() });
export type SandboxArticle = Static<typeof SandboxArticle>;

/** What one line of the conversation carries, whichever way and channel it came. */
export const SandboxMessageBody = Type.Union([
  Type.Object({ type: Type.Literal('text'), content: Type.String() }),
  Type.Object({ type: Type.Literal('image'), mediaId: Type.Optional(Type.String()), picUrl: Type.Optional(Type.String()) }),
  Type.Object({ type: Type.Literal('news'), articles: Type.Array(SandboxArticle) }),
  /** `event` as WeChat spells it (subscribe, SCAN, CLICK…); `key` is the EventKey it carried. */
  Type.Object({ type: Type.Literal('event'), event: Type.String(), key: Type.Optional(Type.String()) }),
  Type.Object({ type: Type.Literal('location'), latitude: Type.Number(), longitude: Type.Number(), label: Type.Optional(Type.String()) }),
  Type.Object({
    type: Type.Literal('template'),
    templateId: Type.String(),
    url: Type.Optional(Type.String()),
    data: Type.Record(Type.String(), Type.Object({ value: Type.String() })),
  }),
  Type.Object({ type: Type.Literal('transfer_customer_service') }),
]);
export type SandboxMessageBody = Static<typeof SandboxMessageBody>;

export const SANDBOX_CHANNELS = ['member', 'reply', 'custom', 'template', 'mass'] as const;
export const SandboxChannel = Type.Union(SANDBOX_CHANNELS.map((c) => Type.Literal(c)));
export type SandboxChannel = Static<typeof SandboxChannel>;

export const FeedMessage = Type.Object({
  /** Increasing across the sandbox: ask for `after` the last one seen. */
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  /** in: the member's own message or action; out: what the account sent. */
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  channel: SandboxChannel,
  message: SandboxMessageBody,
});
export type FeedMessage = Static<typeof FeedMessage>;

export const SandboxFeedQuery = Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false });
export type SandboxFeedQuery = Static<typeof SandboxFeedQuery>;

export const SandboxFeed = Type.Object({ items: Type.Array(FeedMessage) });
export type SandboxFeed = Static<typeof SandboxFeed>;

const withEncryption = { encryption: Type.Optional(SandboxEncryption) };
const Scene = Type.String({ minLength: 1, maxLength: 512, description: 'A QR ticket from qrcode/create, or a scene value' });

/** What the member does; WeChat turns each into the push it sends to /wechat. */
export const SandboxAction = Type.Union([
  Type.Object({ type: Type.Literal('follow'), scene: Type.Optional(Scene), ...withEncryption }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('unfollow'), ...withEncryption }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('scan'), scene: Scene, ...withEncryption }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('click'), key: Type.String({ minLength: 1, maxLength: 128 }), ...withEncryption }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('view'), url: Type.String({ minLength: 1, maxLength: 1024 }), ...withEncryption }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('text'), content: Type.String({ minLength: 1, maxLength: 2048 }), ...withEncryption }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('location'),
      latitude: Type.Number({ minimum: -90, maximum: 90 }),
      longitude: Type.Number({ minimum: -180, maximum: 180 }),
      label: Type.Optional(Type.String({ maxLength: 256 })),
      ...withEncryption,
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('image'), picUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })), ...withEncryption }, { additionalProperties: false }),
]);
export type SandboxAction = Static<typeof SandboxAction>;

export const SandboxActionResult = Type.Object({
  /** The HTTP status Fanbase's /wechat answered. */
  status: Type.Integer(),
  /** The decoded passive reply; null for `success` or an empty body. */
  reply: Type.Union([FeedMessage, Type.Null()]),
});
export type SandboxActionResult = Static<typeof SandboxActionResult>;

export const SandboxFaultBody = Type.Object(
  {
    /** WeChat's path, e.g. /cgi-bin/message/template/send. */
    path: Type.String({ minLength: 2, maxLength: 200, pattern: '^/' }),
    errcode: Type.Integer({ minimum: -1, maximum: 99999999 }),
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  },
  { additionalProperties: false },
);
export type SandboxFaultBody = Static<typeof SandboxFaultBody>;
