import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/src/config';

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
    ]);
  });

  it('turns the demo seed off by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(48) }, ROOT).demoSeed).toBe(false);
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
