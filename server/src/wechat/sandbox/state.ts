import { randomBytes, randomInt } from 'node:crypto';
import type { FeedMessage, SandboxMessageBody } from '@fanbase/shared/contracts/sandbox';
import type { Clock } from '../../clock';

// What WeChat keeps on its servers about the account, kept here in memory: followers and what each has
// received, tags, QR codes, the menu, and the counters behind WeChat's quotas. Every time rule reads the
// injected clock so tests can move time.

/** WeChat's days and months are Beijing time (UTC+8, no daylight saving), whatever the brand's zone. */
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** A customer-service reply window (WECHAT.md 1.10). */
interface Grant {
  expiresAt: number;
  remaining: number;
}

export type GrantKind = 'message' | 'interaction';

// A member's message opens 5 messages in 48 h; a menu click (click/scancode types), a follow or a scan opens
// 3 in 1 minute. A new interaction of the same kind starts its window afresh.
const GRANTS: Record<GrantKind, { ttlMs: number; messages: number }> = {
  message: { ttlMs: 48 * 3600_000, messages: 5 },
  interaction: { ttlMs: 60_000, messages: 3 },
};

export interface Follower {
  openId: string;
  unionId: string;
  /** Sandbox only: WeChat's user APIs stopped returning it on 2021-12-27 (WECHAT.md 1.13). */
  nickname: string;
  subscribed: boolean;
  /** Unix seconds of the last follow. */
  subscribeTime: number | null;
  subscribeScene: string;
  qrScene: number;
  qrSceneStr: string;
  tagIds: number[];
  remark: string;
  language: string;
  /** A "快照页模式" virtual user (WECHAT.md 1.16), set by tests. */
  snapshotUser: boolean;
  /** Blocks template messages: TEMPLATESENDJOBFINISH says "failed:user block". Set by tests. */
  blocksTemplates: boolean;
  grants: Partial<Record<GrantKind, Grant>>;
  /** Mass messages received in a Beijing calendar month. */
  mass: { month: string; count: number };
  feed: FeedMessage[];
}

export interface Tag {
  id: number;
  name: string;
}

export interface QrCode {
  ticket: string;
  url: string;
  /** scene_id as digits, or scene_str. */
  scene: string;
  kind: 'id' | 'str';
  permanent: boolean;
  /** Epoch ms; null for permanent codes. */
  expiresAt: number | null;
}

const NICKNAMES = ['阿杰', '小雨', '晴天', '橙子', '木木', '安安', '大白', 'Lily', '王小二', '一只猫', '海风', 'Kevin'];

/** 阿杰, 小雨 … then 阿杰2, 小雨2 …: distinct names for the sandbox phone's follower list. */
function defaultNickname(n: number): string {
  const round = Math.floor(n / NICKNAMES.length);
  return `${NICKNAMES[n % NICKNAMES.length]}${round > 0 ? round + 1 : ''}`;
}

export function createPlatformState(clock: Clock) {
  const followers = new Map<string, Follower>();
  const tags = new Map<number, Tag>();
  const qrCodes = new Map<string, QrCode>();
  // User tags are numbered from 100; 0, 1 and 2 are WeChat's own.
  let nextTagId = 100;
  let feedSeq = 0;
  // 64-bit ids (msgid, msg_id, MsgId) from a random start above 2^60: beyond 2^53, as WeChat's are.
  let bigSeq = (1n << 60n) + BigInt(randomInt(0, 2 ** 47)) * 1024n;

  const nowMs = () => clock.now().getTime();
  const beijing = () => new Date(nowMs() + BEIJING_OFFSET_MS).toISOString();

  // Real openids are 28 characters of [A-Za-z0-9_-]; the prefix tells sandbox ones apart at a glance.
  const newOpenId = () => `oSbx${randomBytes(18).toString('base64url')}`;

  return {
    followers,
    tags,
    qrCodes,
    nowMs,
    nowS: () => Math.floor(nowMs() / 1000),
    /** The Beijing calendar day, YYYY-MM-DD: WeChat's daily quotas reset at its midnight. */
    day: () => beijing().slice(0, 10),
    nextBigId(): bigint {
      bigSeq += BigInt(randomInt(1, 1000));
      return bigSeq;
    },
    nextTagId: () => nextTagId++,

    createFollower({ nickname }: { nickname?: string } = {}): Follower {
      let openId = newOpenId();
      while (followers.has(openId)) openId = newOpenId();
      const follower: Follower = {
        openId,
        unionId: `oUbx${randomBytes(18).toString('base64url')}`,
        nickname: nickname ?? defaultNickname(followers.size),
        subscribed: false,
        subscribeTime: null,
        subscribeScene: '',
        qrScene: 0,
        qrSceneStr: '',
        tagIds: [],
        remark: '',
        language: 'zh_CN',
        snapshotUser: false,
        blocksTemplates: false,
        grants: {},
        mass: { month: '', count: 0 },
        feed: [],
      };
      followers.set(openId, follower);
      return follower;
    },

    /** Appends to the follower's conversation as the sandbox phone shows it. */
    addToFeed(follower: Follower, direction: FeedMessage['direction'], channel: FeedMessage['channel'], message: SandboxMessageBody): FeedMessage {
      const item: FeedMessage = { id: ++feedSeq, at: clock.now().toISOString(), direction, channel, message };
      follower.feed.push(item);
      return item;
    },

    openWindow(follower: Follower, kind: GrantKind): void {
      follower.grants[kind] = { expiresAt: nowMs() + GRANTS[kind].ttlMs, remaining: GRANTS[kind].messages };
    },

    /** Takes one customer-service message from the follower's open windows: 0, or 45015 / 45047. */
    spendWindow(follower: Follower): 0 | 45015 | 45047 {
      const open = Object.values(follower.grants).filter((g): g is Grant => g !== undefined && g.expiresAt > nowMs());
      if (open.length === 0) return 45015;
      // The window closing soonest is spent first, so a click's minute does not eat the 48-hour allowance.
      const usable = open.filter((g) => g.remaining > 0).sort((a, b) => a.expiresAt - b.expiresAt);
      if (usable.length === 0) return 45047;
      usable[0]!.remaining--;
      return 0;
    },

    /** Counts one mass message for the follower this month; false when the 4 a month are used up. */
    takeMassAllowance(follower: Follower): boolean {
      const month = beijing().slice(0, 7); // a Beijing calendar month, YYYY-MM
      if (follower.mass.month !== month) follower.mass = { month, count: 0 };
      if (follower.mass.count >= 4) return false;
      follower.mass.count++;
      return true;
    },

    subscribedCount(tagId: number): number {
      let n = 0;
      for (const f of followers.values()) if (f.subscribed && f.tagIds.includes(tagId)) n++;
      return n;
    },

    /** A code that can be scanned now: permanent, or temporary and not expired. */
    liveQrCode(ticket: string): QrCode | undefined {
      const code = qrCodes.get(ticket);
      return code && (code.expiresAt === null || code.expiresAt > nowMs()) ? code : undefined;
    },
  };
}

export type PlatformState = ReturnType<typeof createPlatformState>;
