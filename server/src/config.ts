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
  readonly wechat: WechatConfig;
}

export interface WechatConfig {
  /** sandbox: Fanbase's own WeChat stand-in; live: the real platform. */
  readonly mode: 'sandbox' | 'live';
  readonly appId: string;
  readonly appSecret: string;
  /** The Token set in WeChat's console: signs every callback. */
  readonly token: string;
  /** Current EncodingAESKey first, then the previous one during a rotation; empty when not configured. */
  readonly encodingAesKeys: readonly string[];
  readonly requireEncryption: boolean;
  /** Where API calls go: WeChat's host in live mode, the sandbox's routes otherwise. */
  readonly apiBase: string;
  /** How long a handler may take before the callback answers "success" and the result goes by customer-service message. */
  readonly replyBudgetMs: number;
}

// The sandbox's defaults: a complete, self-consistent account so a first run works with nothing set. Any of
// them can be overridden, so a tester can configure the sandbox exactly like a real account.
export const SANDBOX_WECHAT = {
  appId: 'wx5a4d1b0c9e8f7a61',
  appSecret: 'fanbasesandboxsecret000000000000',
  token: 'fanbasesandbox',
  encodingAesKey: 'FanbaseSandboxEncodingAesKey0123456789abcde',
} as const;

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
    httpUrl,
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

  const wechat = readWechat(read, parse, bool, int, { production, publicUrl, problems });

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
    wechat,
  });
}

type Parse = <T>(name: string, fallback: T, parser: (raw: string) => T | undefined, expected: string) => T;

function readWechat(
  read: (name: string) => string | undefined,
  parse: Parse,
  bool: (raw: string) => boolean | undefined,
  int: (min: number, max: number) => (raw: string) => number | undefined,
  { production, publicUrl, problems }: { production: boolean; publicUrl: string; problems: string[] },
): WechatConfig {
  const explicitMode = read('WECHAT_MODE');
  const mode = parse('WECHAT_MODE', read('WECHAT_APP_ID') ? ('live' as const) : ('sandbox' as const), (raw) => (raw === 'sandbox' || raw === 'live' ? raw : undefined), 'sandbox or live');
  const live = mode === 'live';
  if (production && !explicitMode && !read('WECHAT_APP_ID')) {
    problems.push('WECHAT_APP_ID is missing: production needs a real account (or WECHAT_MODE=sandbox for a demo)');
  }
  const required = (name: string, sandboxDefault: string, pattern: RegExp, expected: string): string => {
    const raw = read(name);
    if (raw === undefined) {
      if (live) problems.push(`${name} is missing: it is required when WECHAT_MODE=live`);
      return sandboxDefault;
    }
    if (!pattern.test(raw)) problems.push(`${name} is invalid: expected ${expected}`);
    return raw;
  };
  const appId = required('WECHAT_APP_ID', SANDBOX_WECHAT.appId, /^wx[0-9a-zA-Z]{16}$/, 'an AppID such as wx1234567890abcdef');
  const appSecret = required('WECHAT_APP_SECRET', SANDBOX_WECHAT.appSecret, /^[0-9a-zA-Z]{16,64}$/, 'the AppSecret from the WeChat console (letters and digits)');
  const token = required('WECHAT_TOKEN', SANDBOX_WECHAT.token, /^[0-9a-zA-Z]{3,32}$/, '3 to 32 letters or digits, as set in the WeChat console');
  const aesKey = (name: string) => {
    const raw = read(name);
    if (raw !== undefined && !/^[0-9a-zA-Z]{43}$/.test(raw)) problems.push(`${name} is invalid: expected the 43-character EncodingAESKey from the WeChat console`);
    return raw;
  };
  const current = aesKey('WECHAT_ENCODING_AES_KEY') ?? (live ? undefined : SANDBOX_WECHAT.encodingAesKey);
  const previous = aesKey('WECHAT_ENCODING_AES_KEY_PREVIOUS');
  if (previous !== undefined && current === undefined) problems.push('WECHAT_ENCODING_AES_KEY_PREVIOUS is set without WECHAT_ENCODING_AES_KEY');
  const requireEncryption = parse('WECHAT_REQUIRE_ENCRYPTION', false, bool, 'true or false');
  if (requireEncryption && current === undefined) problems.push('WECHAT_REQUIRE_ENCRYPTION=true needs WECHAT_ENCODING_AES_KEY');
  const apiBase = parse(
    'WECHAT_API_BASE',
    live ? 'https://api.weixin.qq.com' : `${publicUrl}/sandbox/wechat`,
    httpUrl,
    'an http(s) URL',
  );
  const replyBudgetMs = parse('WECHAT_REPLY_BUDGET_MS', 4000, int(100, 4500), 'milliseconds 100..4500 (WeChat waits 5 s)');
  return Object.freeze({
    mode,
    appId,
    appSecret,
    token,
    encodingAesKeys: Object.freeze([current, previous].filter((k): k is string => k !== undefined)),
    requireEncryption,
    apiBase,
    replyBudgetMs,
  });
}

/** An http(s) URL without a trailing slash, or undefined. */
function httpUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return /^https?:$/.test(url.protocol) ? url.origin + url.pathname.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds >= 1 && seconds <= 30 * 86400 ? seconds : undefined;
}
