import type { SandboxFollower, SandboxMenuButton } from '@fanbase/shared/contracts/sandbox';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../clock';
import type { WechatConfig } from '../../config';
import { acceptRawBodies } from './api-http';
import { createApiRegistrar, DEFAULT_LIMITS, ghIdFor, type SandboxContext, type SandboxLimits } from './context';
import { directoryRoutes } from './directory';
import { menuRoutes } from './menu';
import { messagingRoutes } from './messaging';
import { oauthRoutes } from './oauth';
import { createPusher, type DeliverToWechat, type SandboxLog } from './pusher';
import { followerView, simRoutes } from './sim-routes';
import { createSimulator } from './simulator';
import { createPlatformState } from './state';
import { createTokenIssuer } from './tokens';

// The WeChat platform's side, as Fanbase's sandbox plays it (ARCHITECTURE.md "The WeChat sandbox"): WeChat's
// API at WeChat's paths with WeChat's rules and errcodes, the pushes WeChat sends to /wechat, and a follower
// simulator. State is the platform's own and lives in this process, as WeChat's lives on WeChat's servers.

export interface SandboxPlatformOptions {
  /** The account as configured: the sandbox plays the platform for exactly this AppID, secret, token and key. */
  wechat: Pick<WechatConfig, 'appId' | 'appSecret'> & Partial<Pick<WechatConfig, 'token' | 'encodingAesKeys' | 'apiBase'>>;
  clock: Clock;
  /** How a push reaches the account's /wechat; without it the platform answers the API but pushes nothing. */
  deliver?: DeliverToWechat;
  log?: SandboxLog;
  /** WeChat's quotas, lowered by tests. */
  limits?: Partial<SandboxLimits>;
  /** The 网页授权域名 configured for the account (host or host:port); omitted, any host is accepted. */
  oauthHosts?: readonly string[];
}

export function createSandboxPlatform({ wechat, clock, deliver, log, limits, oauthHosts }: SandboxPlatformOptions) {
  const account = {
    appId: wechat.appId,
    appSecret: wechat.appSecret,
    token: wechat.token ?? '',
    encodingAesKeys: wechat.encodingAesKeys ?? [],
    ghId: ghIdFor(wechat.appId),
  };
  const state = createPlatformState(clock);
  const tokens = createTokenIssuer({ appId: account.appId, appSecret: account.appSecret, nowS: () => clock.now().getTime() / 1000 });
  const pusher = createPusher({ account, deliver, log, nowS: state.nowS });
  const injected: { path: string; errcode: number; times: number }[] = [];
  const menu: { current: SandboxMenuButton[] | null; id: number } = { current: null, id: 0 };

  function takeInjected(path: string): number | null {
    const i = injected.findIndex((e) => e.path === path);
    if (i < 0) return null;
    const entry = injected[i]!;
    if (--entry.times <= 0) injected.splice(i, 1);
    return entry.errcode;
  }

  /** The next `times` calls to `path` (after the token check) answer `errcode`, as WeChat does under load or quota. */
  function failNext(path: string, errcode: number, times = 1): void {
    injected.push({ path, errcode, times });
  }

  const ctx: SandboxContext = {
    account,
    clock,
    limits: { ...DEFAULT_LIMITS, ...limits },
    state,
    pusher,
    mediaBase: `${(wechat.apiBase ?? '').replace(/\/+$/, '')}/_sim/media`,
    oauthHosts: oauthHosts ?? null,
    api: createApiRegistrar({ tokens, takeInjected }),
  };
  const simulator = createSimulator(ctx, menu);

  const routes: FastifyPluginAsync = async (app) => {
    // WeChat's API: raw JSON bodies (WeChat answers 47001 to what it cannot parse, not HTTP 400).
    await app.register(async (api) => {
      acceptRawBodies(api);
      tokens.routes(api);
      // A real, cheap, token-checked endpoint: WeChat's API server addresses.
      ctx.api(api, 'GET', '/cgi-bin/get_api_domain_ip', () => ({ ip_list: ['101.89.47.18', '101.91.34.103'] }));
      await messagingRoutes(ctx)(api);
      await directoryRoutes(ctx)(api);
      await menuRoutes(ctx, menu)(api);
      await oauthRoutes(ctx)(api);
    });
    // The simulator's JSON API, validated like Fanbase's own.
    await app.register(simRoutes(ctx, { simulator, menu, failNext }));
  };

  return {
    routes,
    stats: tokens.stats,
    /** As if another system force-refreshed the stable token: every token issued so far stops working. */
    revokeAll: tokens.revokeAll,
    failNext,
    /** Resolves once every push under way (job-finish events) has been answered by /wechat. */
    idle: pusher.idle,
    /**
     * A WeChat user for tests: following already (as if before Fanbase was connected, no push) when asked,
     * and with the flags only WeChat knows (a 快照页 virtual user, a member who blocks template messages).
     */
    createFollower(options: { nickname?: string; subscribed?: boolean; snapshotUser?: boolean; blocksTemplates?: boolean } = {}): SandboxFollower {
      const f = state.createFollower(options.nickname ? { nickname: options.nickname } : {});
      if (options.subscribed) {
        f.subscribed = true;
        f.subscribeTime = state.nowS();
        f.subscribeScene = 'ADD_SCENE_OTHERS';
      }
      f.snapshotUser = options.snapshotUser ?? false;
      f.blocksTemplates = options.blocksTemplates ?? false;
      return followerView(f);
    },
  };
}

export type SandboxPlatform = ReturnType<typeof createSandboxPlatform>;
