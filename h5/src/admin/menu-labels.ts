import { MENU_LIMITS, MENU_TYPE_FIELDS, type MenuButtonType, type MenuLeafButton, type MenuProblem, type MenuProblemRule, type MenuTopButton } from '@fanbase/shared/wechat-menu';

// Chinese names for WeChat's custom-menu button types and rules, and the small helpers the menu editor shares
// between the page, the phone preview and the button form.

export const MENU_TYPE_LABELS: Record<MenuButtonType, string> = {
  click: '点击推事件（发送菜单 KEY）',
  view: '跳转网页',
  scancode_push: '扫码推事件',
  scancode_waitmsg: '扫码推事件且弹出“消息接收中”',
  pic_sysphoto: '系统拍照发图',
  pic_photo_or_album: '拍照或者相册发图',
  pic_weixin: '微信相册发图',
  location_select: '发送位置',
  media_id: '下发素材',
  article_id: '发布后的图文',
  article_view_limited: '发布后的图文（限制）',
  miniprogram: '小程序',
};

/** What happens when a member taps a button of this type, shown under the type select. */
export const MENU_TYPE_HINTS: Record<MenuButtonType, string> = {
  click: '会员点击后，微信把菜单 KEY 推送给 Fanbase，由自动回复或业务模块应答。',
  view: '会员点击后，在微信内打开填写的网页。',
  scancode_push: '调起扫一扫，扫码结果和菜单 KEY 一起推送给 Fanbase，并按扫码内容处理（如打开网址）。',
  scancode_waitmsg: '调起扫一扫，扫码结果推送给 Fanbase，会员端显示“消息接收中”，等待回复。',
  pic_sysphoto: '调起系统相机拍照，照片发送给公众号，并推送菜单 KEY。',
  pic_photo_or_album: '会员选择拍照或从相册选图，图片发送给公众号，并推送菜单 KEY。',
  pic_weixin: '调起微信相册选图，图片发送给公众号，并推送菜单 KEY。',
  location_select: '调起位置选择，会员发送的位置推送给 Fanbase，并推送菜单 KEY。',
  media_id: '下发一条永久素材（图片、音频、视频或图文），不推送事件。',
  article_id: '打开一篇已发布的图文消息。',
  article_view_limited: '打开一篇已发布的图文消息（不支持分享等操作）。',
  miniprogram: '打开关联的小程序页面；不支持小程序的旧版微信客户端打开备用网页。',
};

/** A button in the editor: the top-level index, and the sub-button's (null for the top-level button itself). */
export interface MenuSelection {
  top: number;
  sub: number | null;
}

export type MenuField = 'key' | 'url' | 'media_id' | 'article_id' | 'appid' | 'pagepath';

export const MENU_FIELD_LABELS: Record<MenuField, string> = {
  key: '菜单 KEY',
  url: '网页链接',
  media_id: '素材 media_id',
  article_id: '图文 article_id',
  appid: '小程序 AppID',
  pagepath: '小程序页面路径',
};

export function fieldLabel(field: string | null, type?: MenuButtonType | null): string {
  if (field === 'url' && type === 'miniprogram') return '备用网页';
  if (field === 'name') return '名称';
  if (field === 'type') return '菜单动作';
  return MENU_FIELD_LABELS[field as MenuField] ?? field ?? '';
}

/** A problem in words, without saying where (the form shows it next to its field). */
export function problemText(p: Pick<MenuProblem, 'rule' | 'field' | 'limit'>, type?: MenuButtonType | null): string {
  const rule = p.rule as MenuProblemRule;
  switch (rule) {
    case 'TOO_FEW_BUTTONS':
      return '菜单至少需要 1 个一级菜单';
    case 'TOO_MANY_BUTTONS':
      return `一级菜单最多 ${p.limit ?? MENU_LIMITS.topButtons} 个`;
    case 'TOO_MANY_SUB_BUTTONS':
      return `子菜单最多 ${p.limit ?? MENU_LIMITS.subButtons} 个`;
    case 'NAME_REQUIRED':
      return '请填写名称';
    case 'NAME_TOO_LONG':
      return `名称超过 ${p.limit ?? ''} 字节`;
    case 'TYPE_REQUIRED':
      return '请选择菜单动作';
    case 'FIELD_REQUIRED':
      return `请填写${fieldLabel(p.field, type)}`;
    case 'KEY_TOO_LONG':
      return `菜单 KEY 超过 ${p.limit ?? MENU_LIMITS.keyBytes} 字节`;
    case 'KEY_DUPLICATE':
      return '菜单 KEY 与其他菜单重复';
    case 'URL_TOO_LONG':
      return `${fieldLabel('url', type)}超过 ${p.limit ?? MENU_LIMITS.urlBytes} 字节`;
    case 'URL_INVALID':
      return `${fieldLabel('url', type)}须以 http:// 或 https:// 开头`;
    default:
      return `不符合微信的规则（${String(p.rule)}）`;
  }
}

const short = (name: string) => {
  const chars = Array.from(name.trim());
  return chars.length > 12 ? `${chars.slice(0, 12).join('')}…` : chars.join('');
};

/** Where a problem is, e.g. 「服务」› 第 2 个子菜单「预约维修」. */
export function problemPlace(p: Pick<MenuProblem, 'top' | 'sub'>, buttons: readonly MenuTopButton[]): string {
  if (p.top < 0) return '菜单';
  const top = buttons[p.top];
  const topName = top?.name.trim() ? `「${short(top.name)}」` : `第 ${p.top + 1} 个一级菜单`;
  if (p.sub === null) return topName;
  const sub = top?.sub_button?.[p.sub];
  return `${topName}${topName.endsWith('」') ? '' : ' '}› 第 ${p.sub + 1} 个子菜单${sub?.name.trim() ? `「${short(sub.name)}」` : ''}`;
}

/**
 * The menu as it is saved: a parent keeps only its name and sub-buttons, an action only the fields its type
 * uses (what the editor kept while the type was switched back and forth is dropped). Indices are unchanged, so
 * a problem found on this list points at the same button in the editor.
 */
export function cleanMenu(buttons: readonly MenuTopButton[]): MenuTopButton[] {
  const leaf = (b: Partial<MenuLeafButton> & { name: string }) => {
    const out: Partial<MenuLeafButton> & { name: string } = b.type ? { type: b.type, name: b.name } : { name: b.name };
    for (const field of b.type ? MENU_TYPE_FIELDS[b.type] ?? [] : []) {
      const value = b[field];
      if (value !== undefined && value !== '') out[field] = value;
    }
    return out;
  };
  return buttons.map((top) =>
    top.sub_button && top.sub_button.length > 0 ? { name: top.name, sub_button: top.sub_button.map((s) => leaf(s) as MenuLeafButton) } : leaf(top),
  );
}
