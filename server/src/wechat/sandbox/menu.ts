import type { SandboxMenuButton } from '@fanbase/shared/contracts/sandbox';
import { MENU_LIMITS, MENU_TYPE_FIELDS, utf8Bytes, type MenuButtonType } from '@fanbase/shared/wechat-menu';
import type { FastifyInstance } from 'fastify';
import { fault, obj, str, type WechatBody } from './api-http';
import type { SandboxContext } from './context';

// The custom menu (WECHAT.md 1.15): menu/create validated as WeChat does, with its errcodes; the published
// menu is what the member's menu taps and VIEW events refer to.

// The rules themselves (limits, each type's required fields) are WeChat's facts in shared/src/wechat-menu.ts;
// what the sandbox adds is answering a break of them with WeChat's errcode.
const LIMITS = {
  top: MENU_LIMITS.topButtons,
  sub: MENU_LIMITS.subButtons,
  topName: MENU_LIMITS.topNameBytes,
  subName: MENU_LIMITS.subNameBytes,
  key: MENU_LIMITS.keyBytes,
  url: MENU_LIMITS.urlBytes,
} as const;
const TYPE_FIELDS = MENU_TYPE_FIELDS;

const isType = (t: string | undefined): t is MenuButtonType => t !== undefined && Object.hasOwn(TYPE_FIELDS, t);

// WeChat's codes and messages, for a top-level button and for a sub-button.
const RULES = {
  type: [[40017, 'invalid button type'], [40024, 'invalid sub button type']],
  name: [[40018, 'invalid button name size'], [40025, 'invalid sub button name size']],
  key: [[40019, 'invalid button key size'], [40026, 'invalid sub button key size']],
  urlSize: [[40020, 'invalid button url size'], [40027, 'invalid sub button url size']],
  urlDomain: [[40055, 'invalid button url domain'], [40054, 'invalid sub button url domain']],
} as const;

function fail(rule: keyof typeof RULES, sub: boolean) {
  const [code, message] = RULES[rule][sub ? 1 : 0];
  return fault(code, message);
}

/** A button with an action, checked for its type's fields; returns it with only those fields, as WeChat stores it. */
function leaf(raw: WechatBody, sub: boolean): SandboxMenuButton & { type: MenuButtonType } {
  const name = str(raw['name']) ?? '';
  if (name === '' || utf8Bytes(name) > (sub ? LIMITS.subName : LIMITS.topName)) throw fail('name', sub);
  const type = str(raw['type']);
  if (!isType(type)) throw fail('type', sub);
  const out: SandboxMenuButton & { type: MenuButtonType } = { type, name };
  for (const field of TYPE_FIELDS[type]) {
    const value = str(raw[field]) ?? '';
    switch (field) {
      case 'key':
        if (value === '' || utf8Bytes(value) > LIMITS.key) throw fail('key', sub);
        break;
      case 'url':
        if (value === '' || utf8Bytes(value) > LIMITS.url) throw fail('urlSize', sub);
        if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value)) throw fail('urlDomain', sub);
        break;
      case 'media_id':
      case 'article_id':
        if (value === '') throw fault(40007, 'invalid media_id');
        break;
      case 'appid':
        if (!/^wx[0-9a-zA-Z]{16}$/.test(value)) throw fault(40013, 'invalid appid');
        break;
      case 'pagepath':
        if (value === '') throw fault(40165, 'invalid weapp pagepath');
        break;
    }
    out[field] = value;
  }
  return out;
}

/** menu/create's body checked as WeChat checks it; the buttons as WeChat stores them. */
export function validateMenuCreate(body: WechatBody): SandboxMenuButton[] {
  const buttons = body['button'];
  if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > LIMITS.top) throw fault(40016, 'invalid button size');
  return buttons.map((value): SandboxMenuButton => {
    const top = obj(value) ?? {};
    const subs = top['sub_button'];
    if (!Array.isArray(subs) || subs.length === 0) return leaf(top, false);
    const name = str(top['name']) ?? '';
    if (name === '' || utf8Bytes(name) > LIMITS.topName) throw fail('name', false);
    if (subs.length > LIMITS.sub) throw fault(40023, 'invalid sub button size');
    return {
      name,
      sub_button: subs.map((s) => {
        const sub = obj(s) ?? {};
        // Menus have two levels only.
        if (Array.isArray(sub['sub_button']) && sub['sub_button'].length > 0) throw fault(40022, 'invalid sub menu level');
        return leaf(sub, true);
      }),
    };
  });
}

export function menuRoutes(ctx: SandboxContext, menu: { current: SandboxMenuButton[] | null; id: number }) {
  return async (app: FastifyInstance) => {
    ctx.api(app, 'POST', '/cgi-bin/menu/create', ({ body }) => {
      menu.current = validateMenuCreate(body);
      menu.id++;
      return { errcode: 0, errmsg: 'ok' };
    });

    // menu/get lists every leaf with an empty sub_button, as WeChat does.
    ctx.api(app, 'GET', '/cgi-bin/menu/get', () => {
      if (!menu.current) throw fault(46003, 'menu no exist');
      return {
        menu: {
          button: menu.current.map((b) => (b.sub_button ? { name: b.name, sub_button: b.sub_button.map((s) => ({ ...s, sub_button: [] })) } : { ...b, sub_button: [] })),
        },
      };
    });

    // The menu as it shows in the app, whichever way it was set; sub-buttons nest under `list` here.
    ctx.api(app, 'GET', '/cgi-bin/get_current_selfmenu_info', () => {
      if (!menu.current) return { is_menu_open: 0 };
      return {
        is_menu_open: 1,
        selfmenu_info: { button: menu.current.map((b) => (b.sub_button ? { name: b.name, sub_button: { list: b.sub_button } } : b)) },
      };
    });

    ctx.api(app, 'GET', '/cgi-bin/menu/delete', () => {
      menu.current = null;
      return { errcode: 0, errmsg: 'ok' };
    });
  };
}
