import { randomBytes } from 'node:crypto';
import type { SandboxAction, SandboxActionResult, SandboxMenuButton, SandboxMessageBody } from '@fanbase/shared/contracts/sandbox';
import { AppError } from '../../errors';
import type { ReplyFields } from '../callback/xml';
import type { SandboxContext } from './context';
import { replyToMessage } from './pusher';
import type { Follower, GrantKind } from './state';

// The follower simulator: what a member does in WeChat becomes the push WeChat sends (WECHAT.md 1.5-1.6),
// the customer-service window it opens (1.10), and a line in the member's conversation; the passive reply
// comes back decoded, as the member would see it.

const SCENE_STR_MAX = 64;

export function createSimulator(ctx: SandboxContext, menu: { current: SandboxMenuButton[] | null; id: number }) {
  const { state, pusher, account } = ctx;

  const refuse = (message: string) => new AppError('BAD_REQUEST', message);

  /** A QR ticket from qrcode/create, or a scene value (the newest live code with it, else one made outside Fanbase). */
  function resolveScene(scene: string): { scene: string; kind: 'id' | 'str'; ticket: string } {
    const byTicket = state.qrCodes.get(scene);
    if (byTicket) {
      if (!state.liveQrCode(scene)) throw refuse('This QR code has expired: WeChat no longer accepts a scan of it');
      return byTicket;
    }
    const live = [...state.qrCodes.values()].filter((c) => c.scene === scene && state.liveQrCode(c.ticket)).pop();
    if (live) return live;
    if (scene.length > SCENE_STR_MAX) throw refuse('The scene is neither a ticket from qrcode/create nor a scene value (at most 64 characters)');
    // A code made in WeChat's console, not through the API: WeChat still sends a ticket with the scan.
    return { scene, kind: /^[1-9]\d{0,9}$/.test(scene) ? 'id' : 'str', ticket: `gQ${randomBytes(42).toString('base64')}` };
  }

  function requireFollowing(f: Follower) {
    if (!f.subscribed) throw refuse('The follower does not follow the account: WeChat lets only followers chat, tap the menu or scan into the chat. Follow first');
  }

  /** The push for an action, the window it opens, and how the member's side of the chat shows it. */
  function translate(f: Follower, action: SandboxAction): { fields: ReplyFields; window: GrantKind | null; shown: SandboxMessageBody } {
    const head = { ToUserName: account.ghId, FromUserName: f.openId, CreateTime: state.nowS() };
    const msgId = () => String(state.nextBigId());
    switch (action.type) {
      case 'follow': {
        if (f.subscribed) throw refuse('The follower already follows the account; use a scan to simulate scanning a QR code');
        const qr = action.scene ? resolveScene(action.scene) : null;
        f.subscribed = true;
        f.subscribeTime = state.nowS();
        f.subscribeScene = qr ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_SEARCH';
        f.qrScene = qr?.kind === 'id' ? Number(qr.scene) : 0;
        f.qrSceneStr = qr?.kind === 'str' ? qr.scene : '';
        const key = qr ? `qrscene_${qr.scene}` : undefined;
        return {
          fields: { ...head, MsgType: 'event', Event: 'subscribe', ...(qr && key ? { EventKey: key, Ticket: qr.ticket } : {}) },
          window: 'interaction',
          shown: { type: 'event', event: 'subscribe', ...(key ? { key } : {}) },
        };
      }
      case 'unfollow':
        if (!f.subscribed) throw refuse('The follower does not follow the account');
        f.subscribed = false;
        f.grants = {};
        return { fields: { ...head, MsgType: 'event', Event: 'unsubscribe' }, window: null, shown: { type: 'event', event: 'unsubscribe' } };
      case 'scan': {
        requireFollowing(f);
        const qr = resolveScene(action.scene);
        return {
          fields: { ...head, MsgType: 'event', Event: 'SCAN', EventKey: qr.scene, Ticket: qr.ticket },
          window: 'interaction',
          shown: { type: 'event', event: 'SCAN', key: qr.scene },
        };
      }
      case 'click':
        requireFollowing(f);
        return { fields: { ...head, MsgType: 'event', Event: 'CLICK', EventKey: action.key }, window: 'interaction', shown: { type: 'event', event: 'CLICK', key: action.key } };
      case 'view':
        // Opening a link does not open a reply window (WECHAT.md 1.10 lists click and scancode menus only).
        requireFollowing(f);
        return {
          fields: { ...head, MsgType: 'event', Event: 'VIEW', EventKey: action.url, ...(menu.current ? { MenuId: menu.id } : {}) },
          window: null,
          shown: { type: 'event', event: 'VIEW', key: action.url },
        };
      case 'text':
        requireFollowing(f);
        return { fields: { ...head, MsgType: 'text', Content: action.content, MsgId: msgId() }, window: 'message', shown: { type: 'text', content: action.content } };
      case 'location': {
        requireFollowing(f);
        const label = action.label ?? '';
        return {
          fields: { ...head, MsgType: 'location', Location_X: String(action.latitude), Location_Y: String(action.longitude), Scale: 15, Label: label, MsgId: msgId() },
          window: 'message',
          shown: { type: 'location', latitude: action.latitude, longitude: action.longitude, ...(action.label ? { label } : {}) },
        };
      }
      case 'image': {
        requireFollowing(f);
        const mediaId = randomBytes(24).toString('base64url');
        const picUrl = action.picUrl ?? `${ctx.mediaBase}/${mediaId}.svg`;
        return { fields: { ...head, MsgType: 'image', PicUrl: picUrl, MediaId: mediaId, MsgId: msgId() }, window: 'message', shown: { type: 'image', mediaId, picUrl } };
      }
    }
  }

  return {
    async act(f: Follower, action: SandboxAction): Promise<SandboxActionResult> {
      const mode = action.encryption ?? pusher.defaultMode;
      pusher.checkCanPush(mode);
      const { fields, window, shown } = translate(f, action);
      if (window) state.openWindow(f, window);
      state.addToFeed(f, 'in', 'member', shown);
      const { status, reply } = await pusher.post(fields, mode);
      const message = reply ? replyToMessage(reply) : null;
      return { status, reply: message ? state.addToFeed(f, 'out', 'reply', message) : null };
    },
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
