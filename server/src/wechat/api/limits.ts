import { utf8Bytes, validateMenu, type MenuTopButton } from '@fanbase/shared/wechat-menu';
import { AppError } from '../../errors';

// WeChat's size limits (WECHAT.md 1.11-1.15), checked before a call: a request WeChat would refuse costs quota and
// comes back as an opaque errcode, so we refuse it here with a message that says which limit.
export const WECHAT_LIMITS = {
  batchGetUsers: 100,
  followersPage: 10_000,
  tagging: 50,
  tagsPerMember: 20,
  tagsPerAccount: 100,
  tagNameBytes: 30,
  reservedTagIds: [0, 1, 2],
  massMin: 2,
  massMax: 10_000,
  clientMsgIdBytes: 64,
  qrTemporaryMaxSeconds: 2_592_000,
  qrPermanentMaxSceneId: 100_000,
  qrSceneStrMax: 64,
} as const;

export class WechatLimitError extends AppError {
  constructor(message: string) {
    super('WECHAT_LIMIT_EXCEEDED', message);
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function assertTagName(name: string): void {
  if (name.trim() === '') throw new WechatLimitError('A WeChat tag needs a name');
  if (utf8Bytes(name) > WECHAT_LIMITS.tagNameBytes) throw new WechatLimitError(`A WeChat tag name is at most ${WECHAT_LIMITS.tagNameBytes} bytes (UTF-8); "${name}" has ${utf8Bytes(name)}`);
}

export function assertTagId(id: number): void {
  if ((WECHAT_LIMITS.reservedTagIds as readonly number[]).includes(id)) throw new WechatLimitError(`WeChat tag ids 0, 1 and 2 are reserved; ${id} cannot be changed`);
}

export function assertAccountTagCount(existing: number): void {
  if (existing >= WECHAT_LIMITS.tagsPerAccount) throw new WechatLimitError(`A WeChat account has at most ${WECHAT_LIMITS.tagsPerAccount} tags; it has ${existing}`);
}

/** `current` tags the member carries, `adding` new ones. */
export function assertMemberTagCount(current: number, adding: number): void {
  if (current + adding > WECHAT_LIMITS.tagsPerMember) {
    throw new WechatLimitError(`A WeChat follower carries at most ${WECHAT_LIMITS.tagsPerMember} tags; this one has ${current} and ${adding} would be added`);
  }
}

export function assertMassRecipients(openIds: readonly string[]): void {
  const distinct = new Set(openIds).size;
  if (distinct < WECHAT_LIMITS.massMin || openIds.length > WECHAT_LIMITS.massMax) {
    throw new WechatLimitError(`A mass send by openid goes to ${WECHAT_LIMITS.massMin}..${WECHAT_LIMITS.massMax} distinct followers; got ${distinct} of ${openIds.length}`);
  }
}

export function assertClientMsgId(id: string): void {
  if (id === '' || utf8Bytes(id) > WECHAT_LIMITS.clientMsgIdBytes) throw new WechatLimitError(`clientmsgid must be 1..${WECHAT_LIMITS.clientMsgIdBytes} bytes; got ${utf8Bytes(id)}`);
}

export interface QrRequest {
  /** A number is scene_id, a string scene_str. */
  scene: number | string;
  permanent: boolean;
  /** Temporary codes only; WeChat's default is 60 s. */
  expireSeconds?: number;
}

export function assertQrRequest(q: QrRequest): void {
  if (typeof q.scene === 'string') {
    if (q.scene.length < 1 || q.scene.length > WECHAT_LIMITS.qrSceneStrMax) throw new WechatLimitError(`A QR scene string is 1..${WECHAT_LIMITS.qrSceneStrMax} characters; got ${q.scene.length}`);
  } else if (q.permanent) {
    if (!Number.isInteger(q.scene) || q.scene < 1 || q.scene > WECHAT_LIMITS.qrPermanentMaxSceneId) throw new WechatLimitError(`A permanent QR scene_id is 1..${WECHAT_LIMITS.qrPermanentMaxSceneId}; got ${q.scene}`);
  } else if (!Number.isInteger(q.scene) || q.scene === 0 || q.scene < -(2 ** 31) || q.scene >= 2 ** 31) {
    throw new WechatLimitError(`A temporary QR scene_id is a non-zero 32-bit integer; got ${q.scene}`);
  }
  if (q.permanent && q.expireSeconds !== undefined) throw new WechatLimitError('A permanent QR code has no expiry');
  if (!q.permanent && q.expireSeconds !== undefined && (!Number.isInteger(q.expireSeconds) || q.expireSeconds < 1 || q.expireSeconds > WECHAT_LIMITS.qrTemporaryMaxSeconds)) {
    throw new WechatLimitError(`A temporary QR code lives 1..${WECHAT_LIMITS.qrTemporaryMaxSeconds} s (30 days); got ${q.expireSeconds}`);
  }
}

export function assertMenu(buttons: readonly MenuTopButton[]): void {
  const problems = validateMenu(buttons);
  if (problems.length > 0) {
    throw new AppError(
      'MENU_INVALID',
      `The menu breaks ${problems.length} of WeChat's rules`,
      problems.map((p) => ({ field: p.path, message: `${p.rule}${p.limit !== undefined ? ` (limit ${p.limit})` : ''}` })),
    );
  }
}
