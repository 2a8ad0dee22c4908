import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock';

// The WeChat platform's side of the API, as Fanbase's sandbox plays it (ARCHITECTURE.md "The WeChat sandbox"):
// WeChat's rules, WeChat's error codes. State is the platform's own and lives in this process, as WeChat's
// lives on WeChat's servers. This part: credentials (access_token, stable_token) and a token-checked probe.

const TOKEN_TTL_S = 7200;
const STABLE_MIN_LEFT_S = 300;
const FORCE_MIN_GAP_S = 30;
const CLASSIC_OVERLAP_S = 300;

interface IssuedToken {
  value: string;
  expiresAt: number;
  /** When a newer token made this one stale; it keeps working for a grace period only. */
  retiredAt?: number;
  kind: 'stable' | 'classic';
}

export interface SandboxStats {
  stableTokenCalls: number;
  forcedRefreshes: number;
  classicTokenCalls: number;
  apiCalls: number;
}

export function createSandboxPlatform({ appId, appSecret, clock }: { appId: string; appSecret: string; clock: Clock }) {
  const tokens = new Map<string, IssuedToken>();
  let stable: IssuedToken | null = null;
  let lastForceAt = -Infinity;
  let classic: IssuedToken | null = null;
  const stats: SandboxStats = { stableTokenCalls: 0, forcedRefreshes: 0, classicTokenCalls: 0, apiCalls: 0 };
  const injected: { path: string; errcode: number; times: number }[] = [];
  const nowS = () => clock.now().getTime() / 1000;

  const issue = (kind: IssuedToken['kind']): IssuedToken => {
    const token: IssuedToken = { value: `sbx_${kind}_${randomBytes(48).toString('base64url')}`, expiresAt: nowS() + TOKEN_TTL_S, kind };
    tokens.set(token.value, token);
    return token;
  };

  const error = (reply: FastifyReply, errcode: number, errmsg: string) => reply.send({ errcode, errmsg: `${errmsg} rid: sandbox-${randomBytes(4).toString('hex')}` });

  function takeInjected(path: string): number | null {
    const i = injected.findIndex((e) => e.path === path);
    if (i < 0) return null;
    const entry = injected[i]!;
    if (--entry.times <= 0) injected.splice(i, 1);
    return entry.errcode;
  }

  /** 0 when the token is good, else WeChat's errcode for it. */
  function checkToken(value: unknown): number {
    if (typeof value !== 'string' || value === '') return 41001;
    const token = tokens.get(value);
    if (!token) return 40001;
    if (token.retiredAt !== undefined && nowS() > token.retiredAt) return 40001;
    if (nowS() >= token.expiresAt) return 42001;
    return 0;
  }

  const routes: FastifyPluginAsync = async (app) => {
    app.post('/cgi-bin/stable_token', async (request, reply) => {
      stats.stableTokenCalls++;
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body['grant_type'] !== 'client_credential') return error(reply, 40002, 'invalid grant_type');
      if (body['appid'] !== appId) return error(reply, 40013, 'invalid appid');
      if (body['secret'] !== appSecret) return error(reply, 40125, 'invalid appsecret');
      const now = nowS();
      if (body['force_refresh'] === true) {
        if (now - lastForceAt < FORCE_MIN_GAP_S) return error(reply, 45011, 'api minute-quota reach limit');
        lastForceAt = now;
        stats.forcedRefreshes++;
        if (stable) stable.retiredAt = now;
        stable = issue('stable');
      } else if (!stable || stable.retiredAt !== undefined || stable.expiresAt - now < STABLE_MIN_LEFT_S) {
        stable = issue('stable');
      }
      return reply.send({ access_token: stable.value, expires_in: Math.floor(stable.expiresAt - now) });
    });

    app.get('/cgi-bin/token', async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
      stats.classicTokenCalls++;
      const q = request.query;
      if (q['grant_type'] !== 'client_credential') return error(reply, 40002, 'invalid grant_type');
      if (q['appid'] !== appId) return error(reply, 40013, 'invalid appid');
      if (q['secret'] !== appSecret) return error(reply, 40125, 'invalid appsecret');
      // Re-fetching retires the previous token, which keeps working for five minutes (WECHAT.md 1.8).
      if (classic) classic.retiredAt = nowS() + CLASSIC_OVERLAP_S;
      classic = issue('classic');
      return reply.send({ access_token: classic.value, expires_in: TOKEN_TTL_S });
    });

    // A real, cheap, token-checked endpoint: WeChat's API server addresses.
    app.get('/cgi-bin/get_api_domain_ip', async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
      stats.apiCalls++;
      const bad = checkToken(request.query['access_token']);
      if (bad) return error(reply, bad, bad === 42001 ? 'access_token expired' : 'invalid credential, access_token is invalid or not latest');
      const forced = takeInjected('/cgi-bin/get_api_domain_ip');
      if (forced !== null) return error(reply, forced, forced === -1 ? 'system error' : 'injected by the sandbox');
      return reply.send({ ip_list: ['101.89.47.18', '101.91.34.103'] });
    });
  };

  return {
    routes,
    stats,
    /** As if another system force-refreshed the stable token: every token issued so far stops working. */
    revokeAll() {
      for (const token of tokens.values()) token.retiredAt = nowS();
      stable = null;
    },
    /** The next `times` calls to `path` (after the token check) answer `errcode`, as WeChat does under load or quota. */
    failNext(path: string, errcode: number, times = 1) {
      injected.push({ path, errcode, times });
    },
  };
}

export type SandboxPlatform = ReturnType<typeof createSandboxPlatform>;
