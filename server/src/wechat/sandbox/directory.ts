import { createHash, randomBytes } from 'node:crypto';
import { utf8Bytes } from '@fanbase/shared/wechat-menu';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fault, int, obj, str, type WechatQuery } from './api-http';
import type { SandboxContext } from './context';
import type { Follower, QrCode } from './state';

// Who follows the account and how they are labelled (WECHAT.md 1.13), parametric QR codes (1.14), and the
// JS-SDK ticket (1.17), with WeChat's limits and errcodes.

const FOLLOWERS_PAGE = 10_000;
const BATCHGET_MAX = 100;
const TAGGING_MAX = 50;
const TAGS_PER_ACCOUNT = 100;
const TAGS_PER_MEMBER = 20;
const TAG_NAME_MAX_BYTES = 30;
const RESERVED_TAG_IDS = new Set([0, 1, 2]);
const UNDELETABLE_TAG_FANS = 100_000;
const REMARK_MAX_BYTES = 30;
const QR_TEMP_DEFAULT_S = 60;
const QR_TEMP_MAX_S = 2_592_000;
const QR_PERMANENT_MAX_SCENE_ID = 100_000;
const QR_SCENE_STR_MAX = 64;
const UINT32_MAX = 4_294_967_295;
const JSAPI_TICKET_TTL_S = 7200;

export function directoryRoutes(ctx: SandboxContext) {
  const { state, limits } = ctx;

  const follower = (value: unknown): Follower => {
    const openId = str(value);
    const found = openId ? state.followers.get(openId) : undefined;
    if (!found) throw fault(40003, 'invalid openid');
    return found;
  };

  /** user/info's answer: since 2021-12-27 no nickname or avatar; a non-follower gets only who they are. */
  function userInfo(f: Follower) {
    if (!f.subscribed) return { subscribe: 0, openid: f.openId, unionid: f.unionId };
    return {
      subscribe: 1,
      openid: f.openId,
      language: f.language,
      subscribe_time: f.subscribeTime ?? 0,
      unionid: f.unionId,
      remark: f.remark,
      groupid: 0,
      tagid_list: [...f.tagIds],
      subscribe_scene: f.subscribeScene,
      qr_scene: f.qrScene,
      qr_scene_str: f.qrSceneStr,
    };
  }

  /**
   * One page of followers after `next` (in the order they became known), `include` deciding who is listed. An
   * openid WeChat never issued is refused with 40003.
   */
  function pageOfFollowers(next: string, include: (f: Follower) => boolean) {
    const all = [...state.followers.values()];
    let start = 0;
    if (next !== '') {
      const at = all.findIndex((f) => f.openId === next);
      if (at < 0) throw fault(40003, 'invalid next_openid');
      start = at + 1;
    }
    const page: string[] = [];
    for (let i = start; i < all.length && page.length < FOLLOWERS_PAGE; i++) if (include(all[i]!)) page.push(all[i]!.openId);
    return { count: page.length, data: { openid: page }, next_openid: page.length > 0 ? page[page.length - 1]! : '' };
  }

  function tagName(value: unknown, exceptId?: number): string {
    const name = str(value)?.trim() ?? '';
    if (name === '' || utf8Bytes(name) > TAG_NAME_MAX_BYTES) throw fault(45158, 'tag name too long');
    for (const tag of state.tags.values()) if (tag.name === name && tag.id !== exceptId) throw fault(45157, 'invalid tag name');
    return name;
  }

  function existingTag(value: unknown): number {
    const id = int(value);
    if (id === undefined || !state.tags.has(id)) throw fault(45159, 'invalid tag id');
    return id;
  }

  /** Openids for batch (un)tagging: 1..50 of them (40032), each one WeChat knows (40003). */
  function taggingList(value: unknown): Follower[] {
    if (!Array.isArray(value) || value.length === 0 || value.length > TAGGING_MAX) throw fault(40032, 'invalid openid list size');
    return [...new Set(value.map((v) => str(v) ?? ''))].map(follower);
  }

  /** The QR code's scene: 40053 ("invalid action info") for anything qrcode/create cannot accept. */
  function qrRequest(body: Record<string, unknown>): Omit<QrCode, 'ticket' | 'url' | 'expiresAt'> & { expireSeconds: number | null } {
    const action = str(body['action_name']);
    const scene = obj(obj(body['action_info'])?.['scene']) ?? {};
    const permanent = action === 'QR_LIMIT_SCENE' || action === 'QR_LIMIT_STR_SCENE';
    let expireSeconds: number | null = null;
    if (!permanent) {
      expireSeconds = body['expire_seconds'] === undefined ? QR_TEMP_DEFAULT_S : (int(body['expire_seconds']) ?? -1);
      if (expireSeconds < 1 || expireSeconds > QR_TEMP_MAX_S) throw fault(40053, 'invalid action info: expire_seconds must be 1..2592000');
    }
    switch (action) {
      case 'QR_SCENE':
      case 'QR_LIMIT_SCENE': {
        // Temporary codes take any non-zero 32-bit scene_id; permanent ones 1..100,000.
        const id = int(scene['scene_id']);
        const max = permanent ? QR_PERMANENT_MAX_SCENE_ID : UINT32_MAX;
        if (id === undefined || id < 1 || id > max) throw fault(40053, `invalid action info: scene_id must be 1..${max}`);
        return { scene: String(id), kind: 'id', permanent, expireSeconds };
      }
      case 'QR_STR_SCENE':
      case 'QR_LIMIT_STR_SCENE': {
        const value = str(scene['scene_str']) ?? '';
        if (value.length < 1 || value.length > QR_SCENE_STR_MAX) throw fault(40053, 'invalid action info: scene_str must be 1..64 characters');
        return { scene: value, kind: 'str', permanent, expireSeconds };
      }
      default:
        throw fault(40053, 'invalid action info: unknown action_name');
    }
  }

  return async (app: FastifyInstance) => {
    ctx.api(app, 'GET', '/cgi-bin/user/get', ({ query }) => {
      const total = [...state.followers.values()].filter((f) => f.subscribed).length;
      return { total, ...pageOfFollowers(query['next_openid'] ?? '', (f) => f.subscribed) };
    });

    ctx.api(app, 'GET', '/cgi-bin/user/info', ({ query }) => userInfo(follower(query['openid'])));

    ctx.api(app, 'POST', '/cgi-bin/user/info/batchget', ({ body }) => {
      const list = body['user_list'];
      // At most 100 per call (WECHAT.md 1.13); 40032 is WeChat's code for an openid list of invalid size.
      if (!Array.isArray(list) || list.length === 0 || list.length > BATCHGET_MAX) throw fault(40032, 'invalid openid list size');
      return { user_info_list: list.map((item) => userInfo(follower(obj(item)?.['openid']))) };
    });

    ctx.api(app, 'POST', '/cgi-bin/user/info/updateremark', ({ body }) => {
      const f = follower(body['openid']);
      const remark = str(body['remark']) ?? '';
      // The doc's limit is "less than 30 bytes" without a code of its own; 40035 is WeChat's "invalid args".
      if (utf8Bytes(remark) > REMARK_MAX_BYTES) throw fault(40035, 'invalid args: remark must be at most 30 bytes');
      f.remark = remark;
      return { errcode: 0, errmsg: 'ok' };
    });

    ctx.api(app, 'POST', '/cgi-bin/tags/create', ({ body }) => {
      const name = tagName(obj(body['tag'])?.['name']);
      if (state.tags.size >= TAGS_PER_ACCOUNT) throw fault(45056, 'too many tags');
      const tag = { id: state.nextTagId(), name };
      state.tags.set(tag.id, tag);
      return { tag };
    });

    ctx.api(app, 'GET', '/cgi-bin/tags/get', () => ({ tags: [...state.tags.values()].map((t) => ({ id: t.id, name: t.name, count: state.subscribedCount(t.id) })) }));

    ctx.api(app, 'POST', '/cgi-bin/tags/update', ({ body }) => {
      const tag = obj(body['tag']) ?? {};
      if (RESERVED_TAG_IDS.has(int(tag['id']) ?? -1)) throw fault(45058, "can't modify sys tag");
      const id = existingTag(tag['id']);
      state.tags.get(id)!.name = tagName(tag['name'], id);
      return { errcode: 0, errmsg: 'ok' };
    });

    ctx.api(app, 'POST', '/cgi-bin/tags/delete', ({ body }) => {
      const tag = obj(body['tag']) ?? {};
      if (RESERVED_TAG_IDS.has(int(tag['id']) ?? -1)) throw fault(45058, "can't modify sys tag");
      const id = existingTag(tag['id']);
      if (state.subscribedCount(id) > UNDELETABLE_TAG_FANS) throw fault(45057, "can't delete the tag that has too many fans");
      state.tags.delete(id);
      for (const f of state.followers.values()) f.tagIds = f.tagIds.filter((t) => t !== id);
      return { errcode: 0, errmsg: 'ok' };
    });

    ctx.api(app, 'POST', '/cgi-bin/tags/members/batchtagging', ({ body }) => {
      const members = taggingList(body['openid_list']);
      const id = existingTag(body['tagid']);
      // All or nothing: one member already carrying 20 tags refuses the whole call.
      if (members.some((f) => !f.tagIds.includes(id) && f.tagIds.length >= TAGS_PER_MEMBER)) throw fault(45059, 'fans has too many tags');
      for (const f of members) if (!f.tagIds.includes(id)) f.tagIds.push(id);
      return { errcode: 0, errmsg: 'ok' };
    });

    ctx.api(app, 'POST', '/cgi-bin/tags/members/batchuntagging', ({ body }) => {
      const members = taggingList(body['openid_list']);
      const id = existingTag(body['tagid']);
      for (const f of members) f.tagIds = f.tagIds.filter((t) => t !== id);
      return { errcode: 0, errmsg: 'ok' };
    });

    ctx.api(app, 'POST', '/cgi-bin/tags/getidlist', ({ body }) => ({ tagid_list: [...follower(body['openid']).tagIds] }));

    ctx.api(app, 'POST', '/cgi-bin/user/tag/get', ({ body }) => {
      const id = existingTag(body['tagid']);
      return pageOfFollowers(str(body['next_openid']) ?? '', (f) => f.subscribed && f.tagIds.includes(id));
    });

    ctx.api(app, 'POST', '/cgi-bin/qrcode/create', ({ body }) => {
      const request = qrRequest(body);
      if (request.permanent) {
        // A permanent scene has one code: asking again gives the same ticket and uses no quota.
        const same = [...state.qrCodes.values()].find((c) => c.permanent && c.kind === request.kind && c.scene === request.scene);
        if (same) return { ticket: same.ticket, url: same.url };
        const permanentCount = [...state.qrCodes.values()].filter((c) => c.permanent).length;
        // WeChat documents the 100,000 cap without a code of its own; 45009 is its "quota reached".
        if (permanentCount >= limits.permanentQrCodes) throw fault(45009, 'reach max limit of permanent qrcode');
      }
      const code: QrCode = {
        ticket: `gQ${randomBytes(42).toString('base64')}`,
        url: `http://weixin.qq.com/q/02${randomBytes(16).toString('base64url')}`,
        scene: request.scene,
        kind: request.kind,
        permanent: request.permanent,
        expiresAt: request.expireSeconds === null ? null : state.nowMs() + request.expireSeconds * 1000,
      };
      state.qrCodes.set(code.ticket, code);
      return request.expireSeconds === null ? { ticket: code.ticket, url: code.url } : { ticket: code.ticket, expire_seconds: request.expireSeconds, url: code.url };
    });

    ctx.api(app, 'GET', '/cgi-bin/ticket/getticket', ({ query }) => {
      const type = query['type'] ?? 'jsapi';
      if (type !== 'jsapi' && type !== 'wx_card') throw fault(40097, 'invalid args: type must be jsapi or wx_card');
      return { errcode: 0, errmsg: 'ok', ticket: `sbx${type === 'jsapi' ? 'J' : 'C'}${randomBytes(60).toString('base64url')}`, expires_in: JSAPI_TICKET_TTL_S };
    });

    // The code's image, as mp.weixin.qq.com/cgi-bin/showqrcode serves it (co-wechat-api's mpPrefix). The
    // sandbox draws a look-alike from the ticket with the scene printed under it; it is not scannable.
    app.get('/mp/cgi-bin/showqrcode', async (request: FastifyRequest<{ Querystring: WechatQuery }>, reply) => {
      const code = state.qrCodes.get(request.query['ticket'] ?? '');
      if (!code) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('ticket not found');
      return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(qrLookAlike(code));
    });
  };
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function qrLookAlike(code: QrCode): string {
  const n = 25;
  const cell = 8;
  const bits = createHash('sha256').update(code.ticket).digest();
  const finder = (x: number, y: number) => {
    for (const [fx, fy] of [[0, 0], [n - 7, 0], [0, n - 7]] as const) {
      const dx = x - fx;
      const dy = y - fy;
      if (dx >= 0 && dx < 7 && dy >= 0 && dy < 7) return dx === 0 || dx === 6 || dy === 0 || dy === 6 || (dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4) ? 1 : 0;
    }
    return null;
  };
  const rects: string[] = [];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      const on = finder(x, y) ?? (bits[i % 32]! >> (i % 8)) & 1;
      if (on) rects.push(`<rect x="${16 + x * cell}" y="${16 + y * cell}" width="${cell}" height="${cell}"/>`);
    }
  }
  const size = n * cell + 32;
  const label = `沙箱二维码 · 场景 ${code.scene}${code.permanent ? ' · 永久' : ''}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 28}" viewBox="0 0 ${size} ${size + 28}"><rect width="100%" height="100%" fill="#fff"/><g fill="#111">${rects.join('')}</g><text x="${size / 2}" y="${size + 14}" font-size="12" text-anchor="middle" fill="#555">${escapeXml(label)}</text></svg>`;
}
