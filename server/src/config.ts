import { randomBytes } from 'node:crypto';
import path from 'node:path';

// The environment is read here once, at boot, into a frozen Config. Nothing else reads process.env.

export type DatabaseConfig =
  | { engine: 'mysql'; url: string; poolSize: number }
  | { engine: 'sqlite'; file: string };

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly jwtSecret: string;
  readonly jwtSecretIsEphemeral: boolean;
  readonly staffTokenTtlSeconds: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly trustProxy: boolean | number | string[];
  readonly bodyLimitBytes: number;
  readonly brandTimeZone: string;
  readonly demoSeed: boolean;
  readonly loginThrottle: { readonly perUser: number; readonly perIp: number; readonly windowSeconds: number };
  readonly frontendDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  function parse<T>(name: string, fallback: T, parser: (raw: string) => T | undefined, expected: string): T {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = parser(raw);
    if (value === undefined) {
      problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected ${expected}`);
      return fallback;
    }
    return value;
  }
  const oneOf =
    <T extends string>(values: readonly T[]) =>
    (raw: string) =>
      (values as readonly string[]).includes(raw) ? (raw as T) : undefined;
  const int = (min: number, max: number) => (raw: string) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };
  const bool = (raw: string) => (/^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : undefined);

  const nodeEnv = parse('NODE_ENV', 'development' as const, oneOf(['development', 'production', 'test'] as const), 'development, production or test');
  const production = nodeEnv === 'production';
  const port = parse('PORT', 3000, int(0, 65535), 'a port number 0..65535');
  const host = parse('HOST', '127.0.0.1', (raw) => (/^[\w.:-]+$/.test(raw) ? raw : undefined), 'a host name or IP address');
  const dataDir = path.resolve(cwd, read('DATA_DIR') ?? 'data');

  const publicUrl = parse(
    'PUBLIC_URL',
    `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`,
    (raw) => {
      try {
        const url = new URL(raw);
        return /^https?:$/.test(url.protocol) ? url.origin + url.pathname.replace(/\/+$/, '') : undefined;
      } catch {
        return undefined;
      }
    },
    'an http(s) URL such as https://crm.example.com',
  );

  let database: DatabaseConfig = { engine: 'sqlite', file: path.join(dataDir, 'fanbase.sqlite') };
  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(databaseUrl);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'mysql:' || !url.hostname || url.pathname.length < 2) {
      problems.push('DATABASE_URL is invalid: expected mysql://user:password@host:3306/database (leave it unset for the embedded SQLite database)');
    } else {
      database = { engine: 'mysql', url: databaseUrl, poolSize: parse('DATABASE_POOL_SIZE', 10, int(1, 200), 'an integer 1..200') };
    }
  }

  let jwtSecret = read('JWT_SECRET');
  let jwtSecretIsEphemeral = false;
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    problems.push('JWT_SECRET is invalid: expected at least 32 characters (generate one with: openssl rand -base64 48)');
  } else if (jwtSecret === undefined) {
    if (production) problems.push('JWT_SECRET is missing: it is required when NODE_ENV=production (generate one with: openssl rand -base64 48)');
    // Outside production a per-process secret keeps a first run working; staff sign in again after a restart.
    jwtSecret = randomBytes(48).toString('base64');
    jwtSecretIsEphemeral = true;
  }

  const staffTokenTtlSeconds = parse('STAFF_TOKEN_TTL', 8 * 3600, parseDuration, 'a duration such as 8h, 30m or 3600 (seconds), at most 30d');
  const logLevel = parse('LOG_LEVEL', nodeEnv === 'test' ? ('silent' as const) : ('info' as const), oneOf(LOG_LEVELS), LOG_LEVELS.join(', '));
  const trustProxy = parse(
    'TRUST_PROXY',
    false as Config['trustProxy'],
    (raw) => {
      const flag = bool(raw);
      if (flag !== undefined) return flag;
      if (/^\d+$/.test(raw)) return Number(raw);
      const list = raw.split(',').map((s) => s.trim());
      return list.every((s) => /^[0-9a-fA-F.:/]+$/.test(s)) ? list : undefined;
    },
    'true, false, a hop count, or a comma-separated list of proxy IPs/CIDRs',
  );
  const bodyLimitBytes = parse('BODY_LIMIT', 1024 * 1024, int(1024, 100 * 1024 * 1024), 'a byte count 1024..104857600');
  const brandTimeZone = parse(
    'TZ_BRAND',
    'Asia/Shanghai',
    (raw) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: raw });
        return raw;
      } catch {
        return undefined;
      }
    },
    'an IANA time zone such as Asia/Shanghai',
  );
  const demoSeed = parse('DEMO_SEED', !production, bool, 'true or false');
  const loginThrottle = {
    perUser: parse('LOGIN_MAX_FAILURES_PER_USER', 5, int(1, 1000), 'an integer 1..1000'),
    perIp: parse('LOGIN_MAX_FAILURES_PER_IP', 30, int(1, 100000), 'an integer 1..100000'),
    windowSeconds: parse('LOGIN_THROTTLE_WINDOW', 15 * 60, parseDuration, 'a duration such as 15m'),
  };
  const frontendDir = path.resolve(cwd, read('FRONTEND_DIR') ?? path.join(__dirname, '../../h5/dist'));

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    env: nodeEnv,
    host,
    port,
    publicUrl,
    dataDir,
    database: Object.freeze(database),
    jwtSecret,
    jwtSecretIsEphemeral,
    staffTokenTtlSeconds,
    logLevel,
    trustProxy,
    bodyLimitBytes,
    brandTimeZone,
    demoSeed,
    loginThrottle: Object.freeze(loginThrottle),
    frontendDir,
  });
}

export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds >= 1 && seconds <= 30 * 86400 ? seconds : undefined;
}
