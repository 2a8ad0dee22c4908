import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { fault, jsonBody, sendFault, sendWechat, WechatFault, type WechatQuery } from './api-http';

// The account's credentials as WeChat issues them (WECHAT.md 1.8): stable_token hands out the same token until
// 5 minutes before expiry and force_refresh retires it (at most every 30 s); /cgi-bin/token retires the previous
// token, which keeps working for 5 minutes. The two kinds are independent.

const TOKEN_TTL_S = 7200;
const STABLE_MIN_LEFT_S = 300;
const FORCE_MIN_GAP_S = 30;
const CLASSIC_OVERLAP_S = 300;

interface IssuedToken {
  value: string;
  expiresAt: number;
  /** When a newer token made this one stale; it works until then (a retired-now token is dead at once). */
  retiredAt?: number;
  kind: 'stable' | 'classic';
}

export interface SandboxStats {
  stableTokenCalls: number;
  forcedRefreshes: number;
  classicTokenCalls: number;
  /** Calls to token-checked API endpoints. */
  apiCalls: number;
}

export function createTokenIssuer({ appId, appSecret, nowS }: { appId: string; appSecret: string; nowS: () => number }) {
  const tokens = new Map<string, IssuedToken>();
  let stable: IssuedToken | null = null;
  let lastForceAt = -Infinity;
  let classic: IssuedToken | null = null;
  const stats: SandboxStats = { stableTokenCalls: 0, forcedRefreshes: 0, classicTokenCalls: 0, apiCalls: 0 };

  const issue = (kind: IssuedToken['kind']): IssuedToken => {
    const token: IssuedToken = { value: `sbx_${kind}_${randomBytes(48).toString('base64url')}`, expiresAt: nowS() + TOKEN_TTL_S, kind };
    tokens.set(token.value, token);
    return token;
  };

  const checkApp = (grantType: unknown, id: unknown, secret: unknown) => {
    if (grantType !== 'client_credential') throw fault(40002, 'invalid grant_type');
    if (id !== appId) throw fault(40013, 'invalid appid');
    if (secret !== appSecret) throw fault(40125, 'invalid appsecret');
  };

  return {
    stats,

    /** 0 when the token is good, else WeChat's errcode for it: 41001 missing, 40001 unknown or retired, 42001 expired. */
    checkToken(value: unknown): number {
      if (typeof value !== 'string' || value === '') return 41001;
      const token = tokens.get(value);
      if (!token) return 40001;
      if (token.retiredAt !== undefined && nowS() >= token.retiredAt) return 40001;
      if (nowS() >= token.expiresAt) return 42001;
      return 0;
    },

    /** As if another system force-refreshed the stable token: every token issued so far stops working. */
    revokeAll(): void {
      for (const token of tokens.values()) token.retiredAt = nowS();
      stable = null;
    },

    routes(app: FastifyInstance): void {
      app.post('/cgi-bin/stable_token', async (request, reply) => {
        stats.stableTokenCalls++;
        try {
          const body = jsonBody(request);
          checkApp(body['grant_type'], body['appid'], body['secret']);
          const now = nowS();
          if (body['force_refresh'] === true) {
            if (now - lastForceAt < FORCE_MIN_GAP_S) throw fault(45011, 'api minute-quota reach limit');
            lastForceAt = now;
            stats.forcedRefreshes++;
            if (stable) stable.retiredAt = now;
            stable = issue('stable');
          } else if (!stable || stable.retiredAt !== undefined || stable.expiresAt - now < STABLE_MIN_LEFT_S) {
            stable = issue('stable');
          }
          return sendWechat(reply, { access_token: stable.value, expires_in: Math.floor(stable.expiresAt - now) });
        } catch (err) {
          if (err instanceof WechatFault) return sendFault(reply, err);
          throw err;
        }
      });

      app.get<{ Querystring: WechatQuery }>('/cgi-bin/token', async (request, reply) => {
        stats.classicTokenCalls++;
        const q = request.query;
        try {
          checkApp(q['grant_type'], q['appid'], q['secret']);
        } catch (err) {
          if (err instanceof WechatFault) return sendFault(reply, err);
          throw err;
        }
        if (classic) classic.retiredAt = nowS() + CLASSIC_OVERLAP_S;
        classic = issue('classic');
        return sendWechat(reply, { access_token: classic.value, expires_in: TOKEN_TTL_S });
      });
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
