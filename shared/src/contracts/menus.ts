import { Type, type Static } from '@sinclair/typebox';
import { MENU_BUTTON_TYPES } from '../wechat-menu';

// Lengths here only bound the request; WeChat's byte limits are checked by validateMenu so a draft that breaks
// them can still be saved and shown with its problems.
const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const ButtonType = Type.Union(MENU_BUTTON_TYPES.map((t) => Type.Literal(t)));

const leafFields = {
  name: Type.String({ maxLength: 120 }),
  key: Field(256),
  url: Field(2048),
  media_id: Field(128),
  article_id: Field(128),
  appid: Field(64),
  pagepath: Field(512),
};

export const MenuLeafButton = Type.Object({ type: ButtonType, ...leafFields }, { additionalProperties: false });
export const MenuTopButton = Type.Object(
  { type: Type.Optional(ButtonType), ...leafFields, sub_button: Type.Optional(Type.Array(MenuLeafButton, { maxItems: 10 })) },
  { additionalProperties: false },
);
export const MenuButtons = Type.Array(MenuTopButton, { maxItems: 6 });
export type MenuButtons = Static<typeof MenuButtons>;

export const MenuProblem = Type.Object({
  path: Type.String(),
  top: Type.Integer(),
  sub: Type.Union([Type.Integer(), Type.Null()]),
  field: Type.Union([Type.String(), Type.Null()]),
  rule: Type.String(),
  limit: Type.Optional(Type.Integer()),
});

const StaffRef = Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]);

export const MenuVersion = Type.Object({
  id: Type.Integer(),
  buttons: MenuButtons,
  publishedAt: Type.String({ format: 'date-time' }),
  publishedBy: StaffRef,
  /** The version this one re-published, for a rollback. */
  rolledBackFrom: Type.Union([Type.Integer(), Type.Null()]),
});
export type MenuVersion = Static<typeof MenuVersion>;

export const MenuState = Type.Object({
  draft: Type.Object({
    buttons: MenuButtons,
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    updatedBy: StaffRef,
    problems: Type.Array(MenuProblem),
  }),
  published: Type.Union([MenuVersion, Type.Null()]),
  /** True when the draft differs from what WeChat shows. */
  unpublishedChanges: Type.Boolean(),
  /** Newest first, at most 20. */
  history: Type.Array(MenuVersion),
});
export type MenuState = Static<typeof MenuState>;

export const MenuDraftBody = Type.Object({ buttons: MenuButtons }, { additionalProperties: false });
export type MenuDraftBody = Static<typeof MenuDraftBody>;
