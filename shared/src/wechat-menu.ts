// WeChat's custom-menu rules (WECHAT.md 1.15), shared so the admin console flags a bad button as it is typed and
// the server refuses to publish one. Limits are in UTF-8 bytes, as WeChat counts them.

export const MENU_BUTTON_TYPES = [
  'click',
  'view',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
  'media_id',
  'article_id',
  'article_view_limited',
  'miniprogram',
] as const;
export type MenuButtonType = (typeof MENU_BUTTON_TYPES)[number];

export const MENU_LIMITS = {
  topButtons: 3,
  subButtons: 5,
  topNameBytes: 16,
  subNameBytes: 60,
  keyBytes: 128,
  urlBytes: 1024,
} as const;

/** The fields each type needs besides its name. */
export const MENU_TYPE_FIELDS: Record<MenuButtonType, readonly ('key' | 'url' | 'media_id' | 'article_id' | 'appid' | 'pagepath')[]> = {
  click: ['key'],
  view: ['url'],
  scancode_push: ['key'],
  scancode_waitmsg: ['key'],
  pic_sysphoto: ['key'],
  pic_photo_or_album: ['key'],
  pic_weixin: ['key'],
  location_select: ['key'],
  media_id: ['media_id'],
  article_id: ['article_id'],
  article_view_limited: ['article_id'],
  miniprogram: ['appid', 'pagepath', 'url'],
};

export interface MenuLeafButton {
  type: MenuButtonType;
  name: string;
  key?: string;
  url?: string;
  media_id?: string;
  article_id?: string;
  appid?: string;
  pagepath?: string;
}

export interface MenuTopButton extends Partial<MenuLeafButton> {
  name: string;
  sub_button?: MenuLeafButton[];
}

export type MenuProblemRule =
  | 'TOO_FEW_BUTTONS'
  | 'TOO_MANY_BUTTONS'
  | 'TOO_MANY_SUB_BUTTONS'
  | 'NAME_REQUIRED'
  | 'NAME_TOO_LONG'
  | 'TYPE_REQUIRED'
  | 'FIELD_REQUIRED'
  | 'KEY_TOO_LONG'
  | 'KEY_DUPLICATE'
  | 'URL_TOO_LONG'
  | 'URL_INVALID';

export interface MenuProblem {
  /** Where: `button[1]` or `button[1].sub_button[2]`, plus `.field` when one field is at fault. */
  path: string;
  /** Index of the top-level button, and of the sub-button when the problem is in one. */
  top: number;
  sub: number | null;
  field: string | null;
  rule: MenuProblemRule;
  /** The byte or count limit broken, when there is one. */
  limit?: number;
}

export function utf8Bytes(value: string): number {
  return new TextEncoder().encode(value).length;
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/** Every rule the menu breaks, in button order; an empty list means WeChat will accept it. */
export function validateMenu(buttons: readonly MenuTopButton[]): MenuProblem[] {
  const problems: MenuProblem[] = [];
  const keys = new Map<string, string>();
  if (buttons.length === 0) problems.push({ path: 'button', top: -1, sub: null, field: null, rule: 'TOO_FEW_BUTTONS', limit: 1 });
  if (buttons.length > MENU_LIMITS.topButtons) problems.push({ path: 'button', top: -1, sub: null, field: null, rule: 'TOO_MANY_BUTTONS', limit: MENU_LIMITS.topButtons });

  const checkName = (name: string, limit: number, at: Omit<MenuProblem, 'rule' | 'field'>) => {
    if (name.trim() === '') problems.push({ ...at, path: `${at.path}.name`, field: 'name', rule: 'NAME_REQUIRED' });
    else if (utf8Bytes(name) > limit) problems.push({ ...at, path: `${at.path}.name`, field: 'name', rule: 'NAME_TOO_LONG', limit });
  };

  const checkAction = (button: Partial<MenuLeafButton>, at: Omit<MenuProblem, 'rule' | 'field'>) => {
    if (!button.type || !(MENU_BUTTON_TYPES as readonly string[]).includes(button.type)) {
      problems.push({ ...at, path: `${at.path}.type`, field: 'type', rule: 'TYPE_REQUIRED' });
      return;
    }
    for (const field of MENU_TYPE_FIELDS[button.type]) {
      const value = button[field];
      if (value === undefined || value.trim() === '') {
        problems.push({ ...at, path: `${at.path}.${field}`, field, rule: 'FIELD_REQUIRED' });
        continue;
      }
      if (field === 'key') {
        if (utf8Bytes(value) > MENU_LIMITS.keyBytes) problems.push({ ...at, path: `${at.path}.key`, field, rule: 'KEY_TOO_LONG', limit: MENU_LIMITS.keyBytes });
        else if (keys.has(value)) problems.push({ ...at, path: `${at.path}.key`, field, rule: 'KEY_DUPLICATE' });
        else keys.set(value, at.path);
      }
      if (field === 'url') {
        if (utf8Bytes(value) > MENU_LIMITS.urlBytes) problems.push({ ...at, path: `${at.path}.url`, field, rule: 'URL_TOO_LONG', limit: MENU_LIMITS.urlBytes });
        else if (!HTTP_URL.test(value)) problems.push({ ...at, path: `${at.path}.url`, field, rule: 'URL_INVALID' });
      }
    }
  };

  buttons.forEach((top, i) => {
    const at = { path: `button[${i}]`, top: i, sub: null };
    checkName(top.name, MENU_LIMITS.topNameBytes, at);
    const subs = top.sub_button ?? [];
    if (subs.length === 0) {
      checkAction(top, at);
      return;
    }
    if (subs.length > MENU_LIMITS.subButtons) problems.push({ ...at, path: `${at.path}.sub_button`, field: 'sub_button', rule: 'TOO_MANY_SUB_BUTTONS', limit: MENU_LIMITS.subButtons });
    subs.forEach((sub, j) => {
      const subAt = { path: `button[${i}].sub_button[${j}]`, top: i, sub: j };
      checkName(sub.name, MENU_LIMITS.subNameBytes, subAt);
      checkAction(sub, subAt);
    });
  });
  return problems;
}

/** The menu as WeChat's menu/create expects it: a parent carries only its name and sub-buttons, empty fields dropped. */
export function toWechatMenu(buttons: readonly MenuTopButton[]): { button: MenuTopButton[] } {
  const leaf = (b: Partial<MenuLeafButton> & { name: string }): MenuLeafButton => {
    const out: Record<string, string> = { type: b.type ?? '', name: b.name };
    for (const field of b.type ? MENU_TYPE_FIELDS[b.type] : []) if (b[field]) out[field] = b[field]!;
    return out as unknown as MenuLeafButton;
  };
  return {
    button: buttons.map((top) => (top.sub_button && top.sub_button.length > 0 ? { name: top.name, sub_button: top.sub_button.map(leaf) } : leaf(top))),
  };
}
