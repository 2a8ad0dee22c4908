import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock';
import { fault, jsonBody, sendFault, sendWechat, WechatFault, type WechatBody, type WechatQuery } from './api-http';
import type { Pusher } from './pusher';
import type { PlatformState } from './state';
import type { TokenIssuer } from './tokens';

export interface SandboxAccount {
  appId: string;
  appSecret: string;
  token: string;
  encodingAesKeys: readonly string[];
  /** The account's original id (gh_…), ToUserName of every push. */
  ghId: string;
}

export interface SandboxLimits {
  /** Template messages a day (WECHAT.md 1.11: 100,000 by default). */
  templateDailyQuota: number;
  /** Permanent QR codes an account may create (WECHAT.md 1.14: 100,000). */
  permanentQrCodes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { templateDailyQuota: 100_000, permanentQrCodes: 100_000 };

export interface ApiInput {
  query: WechatQuery;
  /** POST routes only: the JSON body (44002 / 47001 already answered when missing or malformed). */
  body: WechatBody;
}

export type ApiHandler = (input: ApiInput) => unknown;

/** Everything the platform's parts share. */
export interface SandboxContext {
  account: SandboxAccount;
  clock: Clock;
  limits: SandboxLimits;
  state: PlatformState;
  pusher: Pusher;
  /** Where the sandbox serves stand-in media (a member's photo): absolute, as WeChat's PicUrl is. */
  mediaBase: string;
  /** The account's 网页授权域名: hosts a web-OAuth redirect_uri may point at; null accepts any (platform unit tests). */
  oauthHosts: readonly string[] | null;
  /**
   * Registers a WeChat API endpoint: the global access_token checked first (unless `token: false`, for the
   * web-OAuth endpoints that take their own credentials), then a fault injected with failNext, then the handler;
   * a thrown WechatFault becomes WeChat's error JSON.
   */
  api(app: FastifyInstance, method: 'GET' | 'POST', path: string, handler: ApiHandler, options?: { token?: boolean }): void;
}

/** A stable gh_ id for the AppID: WeChat's original ids are gh_ and 12 hex digits. */
export const ghIdFor = (appId: string) => `gh_${createHash('sha1').update(appId).digest('hex').slice(0, 12)}`;

export function createApiRegistrar({ tokens, takeInjected }: { tokens: TokenIssuer; takeInjected: (path: string) => number | null }): SandboxContext['api'] {
  return (app, method, path, handler, { token = true } = {}) => {
    app.route<{ Querystring: WechatQuery }>({
      method,
      url: path,
      handler: async (request, reply) => {
        try {
          if (token) {
            tokens.stats.apiCalls++;
            const bad = tokens.checkToken(request.query['access_token']);
            if (bad === 41001) throw fault(41001, 'access_token missing');
            if (bad === 42001) throw fault(42001, 'access_token expired');
            if (bad) throw fault(bad, 'invalid credential, access_token is invalid or not latest');
          }
          const injected = takeInjected(path);
          if (injected !== null) throw fault(injected, injected === -1 ? 'system error' : injected === 45009 ? 'reach max api daily quota limit' : 'injected by the sandbox');
          const body = method === 'POST' ? jsonBody(request) : {};
          return sendWechat(reply, await handler({ query: request.query, body }));
        } catch (err) {
          if (err instanceof WechatFault) return sendFault(reply, err);
          throw err;
        }
      },
    });
  };
}
