import type { BrandInfo } from '@fanbase/shared/contracts/catalogue';
import type {
  FeedMessage,
  SandboxAction,
  SandboxActionResult,
  SandboxChannel,
  SandboxEncryption,
  SandboxFeed,
  SandboxFollower,
  SandboxFollowerList,
  SandboxMenuButton,
  SandboxMessageBody,
  SandboxQrCode,
  SandboxState,
} from '@fanbase/shared/contracts/sandbox';
import { ref } from 'vue';
import { ApiError, createHttp } from '@/common/http';
import { errorMessage } from '@/common/error-messages';

// The WeChat sandbox's simulator (/sandbox/wechat/_sim): the fake platform's own controls for playing a follower.
// It is not Fanbase's API, so no staff token goes with these calls and a 401 never signs anyone out.
// Types come from the simulator's contract (type-only: no TypeBox in the bundle).

export type { FeedMessage, SandboxAction, SandboxActionResult, SandboxChannel, SandboxEncryption, SandboxFollower, SandboxMenuButton, SandboxMessageBody, SandboxQrCode, SandboxState };
/** A button that acts when tapped: a sub-button, or a top-level button without any. */
export type SandboxMenuLeaf = NonNullable<SandboxMenuButton['sub_button']>[number];

const http = createHttp({ token: () => null });
const SIM = '/sandbox/wechat/_sim';
const follower = (openId: string) => `${SIM}/followers/${encodeURIComponent(openId)}`;

export const sandboxApi = {
  state: () => http.get<SandboxState>(`${SIM}/state`),
  followers: () => http.get<SandboxFollowerList>(`${SIM}/followers`),
  createFollower: (nickname?: string) => http.post<SandboxFollower>(`${SIM}/followers`, nickname ? { nickname } : {}),
  act: (openId: string, action: SandboxAction) => http.post<SandboxActionResult>(`${follower(openId)}/actions`, action),
  feed: (openId: string, after?: number, signal?: AbortSignal) =>
    http.get<SandboxFeed>(`${follower(openId)}/feed`, { after: after ?? undefined }, signal),
  /** The brand and its service account's name, from the member H5's public endpoint. */
  brand: () => http.get<BrandInfo>('/api/h5/brand'),
};

/** Whether the server runs the WeChat sandbox: null until known. Checked once per visit, by the layout. */
export const sandboxAvailable = ref<boolean | null>(null);
let checking: Promise<boolean> | null = null;

export function checkSandbox(): Promise<boolean> {
  checking ??= sandboxApi
    .state()
    .then(() => true)
    .catch((err: unknown) => {
      // A 404 means live mode; anything else (server down) is asked again next time.
      if (!(err instanceof ApiError && err.status === 404)) checking = null;
      return false;
    })
    .then((available) => (sandboxAvailable.value = available));
  return checking;
}

/** The H5 signs in as this follower in sandbox mode (there is no WeChat OAuth to go through). */
export function actAsFollowerInH5(openId: string): void {
  document.cookie = `fanbase_sandbox_openid=${encodeURIComponent(openId)}; path=/; SameSite=Lax`;
}

/** Chinese text for a failed simulator call. */
export function sandboxErrorMessage(err: unknown, what: 'state' | 'follower' = 'follower'): string {
  if (err instanceof ApiError) {
    if (err.code === 'NETWORK_ERROR') return '无法连接 Fanbase 服务器，请确认服务正在运行后重试';
    if (err.status === 404) {
      return what === 'state'
        ? '服务器未运行微信沙箱（只在 WECHAT_MODE=sandbox 时提供），沙箱手机不可用'
        : '沙箱中没有这个粉丝（服务器重启后沙箱数据会清空），请重新选择或新建粉丝';
    }
    if (err.code === 'NOT_READY') return '沙箱暂时无法把推送送到 Fanbase 的回调地址（/wechat），请稍后重试';
    // The simulator explains a refusal (not following, expired QR code…) in its message; it has no finer code.
    if (err.code === 'BAD_REQUEST' && err.message) return `沙箱拒绝了该操作（微信也不允许）：${err.message}`;
  }
  return errorMessage(err);
}
