import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig, SANDBOX_WECHAT } from '../../server/src/config';

const ROOT = path.resolve(__dirname, '../..');

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, ROOT);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('runs with nothing set: embedded SQLite under ./data, sandbox-friendly defaults', () => {
    const config = loadConfig({}, ROOT);
    expect(config.database).toEqual({ engine: 'sqlite', file: path.join(ROOT, 'data/fanbase.sqlite') });
    expect(config).toMatchObject({ env: 'development', host: '127.0.0.1', port: 3000, publicUrl: 'http://127.0.0.1:3000', brandTimeZone: 'Asia/Shanghai', demoSeed: true, jwtSecretIsEphemeral: true });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads a MySQL DATABASE_URL, DATA_DIR and durations', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://fan:pw@db.internal:3306/fanbase', DATA_DIR: '/srv/fanbase', STAFF_TOKEN_TTL: '30m', TRUST_PROXY: '10.0.0.0/8' }, ROOT);
    expect(config.database).toEqual({ engine: 'mysql', url: 'mysql://fan:pw@db.internal:3306/fanbase', poolSize: 10 });
    expect(config.dataDir).toBe('/srv/fanbase');
    expect(config.staffTokenTtlSeconds).toBe(1800);
    expect(config.trustProxy).toEqual(['10.0.0.0/8']);
  });

  it.each([
    ['PORT', 'eighty', 'PORT="eighty" is invalid'],
    ['PORT', '70000', 'PORT="70000" is invalid'],
    ['DATABASE_URL', 'postgres://x@y/z', 'DATABASE_URL is invalid'],
    ['DATABASE_URL', 'mysql://host-without-database', 'DATABASE_URL is invalid'],
    ['JWT_SECRET', 'short', 'JWT_SECRET is invalid'],
    ['NODE_ENV', 'staging', 'NODE_ENV="staging" is invalid'],
    ['TZ_BRAND', 'Mars/Olympus', 'TZ_BRAND="Mars/Olympus" is invalid'],
    ['STAFF_TOKEN_TTL', '90d', 'STAFF_TOKEN_TTL="90d" is invalid'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL="loud" is invalid'],
    ['PUBLIC_URL', 'ftp://x', 'PUBLIC_URL="ftp://x" is invalid'],
    ['DEMO_SEED', 'maybe', 'DEMO_SEED="maybe" is invalid'],
  ])('names a malformed %s (%s)', (name, value, expected) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });

  it('requires JWT_SECRET in production and names every problem at once', () => {
    expect(problems({ NODE_ENV: 'production', PORT: '-1', TZ_BRAND: 'nowhere' })).toEqual([
      expect.stringContaining('PORT='),
      expect.stringContaining('JWT_SECRET is missing'),
      expect.stringContaining('TZ_BRAND='),
      expect.stringContaining('WECHAT_APP_ID is missing: production needs a real account'),
    ]);
  });

  it('turns the demo seed off by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(48), WECHAT_MODE: 'sandbox' }, ROOT).demoSeed).toBe(false);
  });

  describe('WeChat', () => {
    it('runs the sandbox with a complete working account when nothing is set', () => {
      const { wechat } = loadConfig({}, ROOT);
      expect(wechat).toMatchObject({ mode: 'sandbox', appId: SANDBOX_WECHAT.appId, token: SANDBOX_WECHAT.token, requireEncryption: false, replyBudgetMs: 4000 });
      expect(wechat.encodingAesKeys).toEqual([SANDBOX_WECHAT.encodingAesKey]);
      expect(wechat.apiBase).toBe('http://127.0.0.1:3000/sandbox/wechat');
    });

    it('honours every value given to the sandbox, as for a real account', () => {
      const key = 'A'.repeat(43);
      const { wechat } = loadConfig(
        { WECHAT_MODE: 'sandbox', WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 's'.repeat(32), WECHAT_TOKEN: 'mytoken', WECHAT_ENCODING_AES_KEY: key, WECHAT_ENCODING_AES_KEY_PREVIOUS: 'B'.repeat(43), WECHAT_REQUIRE_ENCRYPTION: 'true' },
        ROOT,
      );
      expect(wechat).toMatchObject({ mode: 'sandbox', appId: 'wx1234567890abcdef', token: 'mytoken', requireEncryption: true, encodingAesKeys: [key, 'B'.repeat(43)] });
    });

    it('goes live when an AppID is given, talking to WeChat, and then needs the secret and token', () => {
      expect(problems({ WECHAT_APP_ID: 'wx1234567890abcdef' })).toEqual([
        expect.stringContaining('WECHAT_APP_SECRET is missing'),
        expect.stringContaining('WECHAT_TOKEN is missing'),
      ]);
      const { wechat } = loadConfig({ WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 'a'.repeat(32), WECHAT_TOKEN: 'tok123' }, ROOT);
      expect(wechat).toMatchObject({ mode: 'live', apiBase: 'https://api.weixin.qq.com', encodingAesKeys: [] });
    });

    it('names malformed WeChat settings', () => {
      expect(problems({ WECHAT_MODE: 'test', WECHAT_APP_ID: 'gh_123', WECHAT_TOKEN: 'x', WECHAT_ENCODING_AES_KEY: 'short', WECHAT_REPLY_BUDGET_MS: '6000' })).toEqual([
        expect.stringContaining('WECHAT_MODE="test" is invalid'),
        expect.stringContaining('WECHAT_APP_ID is invalid'),
        expect.stringContaining('WECHAT_APP_SECRET is missing'),
        expect.stringContaining('WECHAT_TOKEN is invalid'),
        expect.stringContaining('WECHAT_ENCODING_AES_KEY is invalid'),
        expect.stringContaining('WECHAT_REPLY_BUDGET_MS="6000" is invalid'),
      ]);
      expect(problems({ WECHAT_REQUIRE_ENCRYPTION: 'true', WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 'a'.repeat(32), WECHAT_TOKEN: 'tok123' })).toEqual([
        expect.stringContaining('WECHAT_REQUIRE_ENCRYPTION=true needs WECHAT_ENCODING_AES_KEY'),
      ]);
    });
  });

  it('makes the server exit with code 1 and a message naming each bad variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], PORT: 'abc', DATABASE_URL: 'redis://nope' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT="abc" is invalid');
    expect(result.stderr).toContain('DATABASE_URL is invalid');
  });
});
