import Fastify, { type FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import { systemClock } from '../../server/src/clock';
import { SANDBOX_WECHAT } from '../../server/src/config';
import { createDataSource } from '../../server/src/db/data-source';
import { withAccessToken } from '../../server/src/wechat/api/call';
import { createCredentialStore, type CredentialStore } from '../../server/src/wechat/api/credentials';
import { WechatApiError } from '../../server/src/wechat/api/errors';
import { wechatHttp } from '../../server/src/wechat/api/http';
import { stableTokenFetcher } from '../../server/src/wechat/api/token-fetchers';
import { createSandboxPlatform, type SandboxPlatform } from '../../server/src/wechat/sandbox/platform';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testEngine } from '../support/engine';

const PROBE = '/cgi-bin/get_api_domain_ip';

describe('the shared access token', () => {
  let sandbox: SandboxPlatform;
  let server: FastifyInstance;
  let base: string;
  let db: TestDatabase;
  let second: DataSource;
  let stores: CredentialStore[];

  const storeOn = (ds: DataSource) =>
    createCredentialStore({
      db: ds,
      clock: systemClock,
      fetchers: {
        access_token: stableTokenFetcher({ apiBase: base, appId: SANDBOX_WECHAT.appId, appSecret: SANDBOX_WECHAT.appSecret }),
        jsapi_ticket: async () => ({ value: 'unused', expiresIn: 7200 }),
      },
    });
  const probe = (store: CredentialStore) => withAccessToken(store, (token) => wechatHttp<{ ip_list: string[] }>(base, PROBE, { query: { access_token: token } }), () => Promise.resolve());

  beforeAll(async () => {
    sandbox = createSandboxPlatform({ wechat: { appId: SANDBOX_WECHAT.appId, appSecret: SANDBOX_WECHAT.appSecret }, clock: systemClock });
    server = Fastify();
    await server.register(sandbox.routes);
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    db = await createTestDatabase();
    // A second instance: its own connection pool on the same database. SQLite runs one instance only, so
    // there the two "instances" are one store.
    second = testEngine() === 'mysql' ? await createDataSource(db.config).initialize() : db.dataSource;
    const first = storeOn(db.dataSource);
    stores = [first, second === db.dataSource ? first : storeOn(second)];
  });
  afterAll(async () => {
    if (second !== db.dataSource) await second.destroy();
    await db.drop();
    await server.close();
  });

  it('fetches one token for 50 concurrent calls on a cold store, across two instances', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => probe(stores[i % 2]!)));
    expect(results.every((r) => r.ip_list.length === 2)).toBe(true);
    expect(sandbox.stats.stableTokenCalls).toBe(1);
    expect(sandbox.stats.apiCalls).toBe(50);
  });

  it('on a 40001 (the token was replaced elsewhere) refreshes once and retries once, then succeeds', async () => {
    sandbox.revokeAll();
    const before = { ...sandbox.stats };
    await expect(probe(stores[0]!)).resolves.toMatchObject({ ip_list: expect.any(Array) });
    expect(sandbox.stats.stableTokenCalls - before.stableTokenCalls).toBe(1);
    expect(sandbox.stats.apiCalls - before.apiCalls).toBe(2);
    // The other instance reads the refreshed token from the database: no fetch of its own.
    await probe(stores[1]!);
    expect(sandbox.stats.stableTokenCalls - before.stableTokenCalls).toBe(1);
  });

  it('forces a new stable token when WeChat rejects the one it still hands out', async () => {
    sandbox.failNext(PROBE, 40001);
    const before = { ...sandbox.stats };
    await expect(probe(stores[1]!)).resolves.toMatchObject({ ip_list: expect.any(Array) });
    expect(sandbox.stats.forcedRefreshes - before.forcedRefreshes).toBe(1);
    expect(sandbox.stats.apiCalls - before.apiCalls).toBe(2);
  });

  it('retries "system busy" (-1) with backoff', async () => {
    sandbox.failNext(PROBE, -1, 2);
    const before = sandbox.stats.apiCalls;
    await expect(probe(stores[0]!)).resolves.toMatchObject({ ip_list: expect.any(Array) });
    expect(sandbox.stats.apiCalls - before).toBe(3);
  });

  it('does not retry a spent quota (45009) and says so with the errcode', async () => {
    sandbox.failNext(PROBE, 45009);
    const before = sandbox.stats.apiCalls;
    const err = await probe(stores[0]!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatApiError);
    expect(err).toMatchObject({ errcode: 45009, path: PROBE });
    expect(sandbox.stats.apiCalls - before).toBe(1);
  });

  it('gives up after one refresh when the fresh token is refused too', async () => {
    sandbox.revokeAll();
    sandbox.failNext(PROBE, 40001);
    const before = { ...sandbox.stats };
    await expect(probe(stores[0]!)).rejects.toMatchObject({ errcode: 40001, path: PROBE });
    expect(sandbox.stats.apiCalls - before.apiCalls).toBe(2);
    expect(sandbox.stats.stableTokenCalls - before.stableTokenCalls).toBe(1);
  });

  it('surfaces WeChat\'s limit on forced refreshes (30 s apart) instead of hammering it', async () => {
    sandbox.failNext(PROBE, 40001);
    const err = await probe(stores[1]!).catch((e: unknown) => e);
    expect(err).toMatchObject({ errcode: 45011, path: '/cgi-bin/stable_token' });
  });
});

describe('the sandbox inside the app', () => {
  it('serves stable_token at WECHAT_API_BASE\'s default path in sandbox mode, and is absent in live mode', async () => {
    const { startTestApp } = await import('../support/app');
    const sandboxApp = await startTestApp();
    try {
      const res = await sandboxApp.app.inject({
        method: 'POST',
        url: '/sandbox/wechat/cgi-bin/stable_token',
        payload: { grant_type: 'client_credential', appid: SANDBOX_WECHAT.appId, secret: SANDBOX_WECHAT.appSecret, force_refresh: false },
      });
      expect(res.json()).toMatchObject({ access_token: expect.stringMatching(/^sbx_stable_/), expires_in: 7200 });
      const wrong = await sandboxApp.app.inject({ method: 'POST', url: '/sandbox/wechat/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: SANDBOX_WECHAT.appId, secret: 'nope' } });
      expect(wrong.json().errcode).toBe(40125);
      expect(sandboxApp.config.wechat.apiBase).toMatch(/\/sandbox\/wechat$/);
    } finally {
      await sandboxApp.close();
    }
    const live = await startTestApp({ env: { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 'a'.repeat(32), WECHAT_TOKEN: 'tok123' } });
    try {
      const res = await live.app.inject({ method: 'POST', url: '/sandbox/wechat/cgi-bin/stable_token', payload: {} });
      expect(res.statusCode).toBe(404);
    } finally {
      await live.close();
    }
  });
});
