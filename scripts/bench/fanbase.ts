import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ROOT } from './children';
import { KEYWORD, REPLY_TEXT, type Account } from './messages';

// Fanbase as production runs it: the real entry (server/src/main.ts through tsx), the real MariaDB, a
// staff admin made with the real CLI, and the keyword rule made through the admin API.

const BENCH_ADMIN = 'bench';

export interface FanbaseSetup {
  databaseUrl: string;
  jwtSecret: string;
  adminPassword: string;
}

export function newSetup(databaseUrl: string): FanbaseSetup {
  // Hex cannot contain the username, so the password policy always accepts it.
  return { databaseUrl, jwtSecret: randomBytes(48).toString('base64'), adminPassword: randomBytes(16).toString('hex') };
}

/** Only what config.ts should see: nothing inherited from the caller's shell can change the setup. */
export function fanbaseEnv(setup: FanbaseSetup, account: Account, { port, safe }: { port?: number; safe: boolean }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: setup.databaseUrl,
    JWT_SECRET: setup.jwtSecret,
    WECHAT_MODE: 'sandbox',
    WECHAT_APP_ID: account.appId,
    WECHAT_TOKEN: account.token,
  };
  if (port !== undefined) {
    env['PORT'] = String(port);
    env['PUBLIC_URL'] = `http://127.0.0.1:${port}`;
  }
  if (safe) {
    env['WECHAT_ENCODING_AES_KEY'] = account.encodingAesKey;
    env['WECHAT_REQUIRE_ENCRYPTION'] = '1';
  }
  return env;
}

/** `npm run staff:create -- --username bench --role admin --password-stdin` against the bench database. */
export function createAdmin(setup: FanbaseSetup, account: Account): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'staff:create', '--', '--username', BENCH_ADMIN, '--role', 'admin', '--password-stdin'], {
      cwd: ROOT,
      env: fanbaseEnv(setup, account, { safe: false }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`staff:create failed (exit ${code}):\n${output.trim()}`))));
    child.stdin.end(`${setup.adminPassword}\n`);
  });
}

export async function login(base: string, setup: FanbaseSetup): Promise<string> {
  const res = await fetch(`${base}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_ADMIN, password: setup.adminPassword }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: unknown };
  if (res.status !== 200 || typeof body.token !== 'string') throw new Error(`admin login answered ${res.status}: ${JSON.stringify(body)}`);
  return body.token;
}

export const FALLBACK_WARNING =
  'WARNING: POST /api/admin/auto-replies answered 404 (the auto-reply module is not mounted yet): (b) and (c) run WITHOUT the keyword rule, ' +
  'so each message gets no reply ("success" / empty body). That is not the real case: the rule lookup and reply rendering are not measured.';

/**
 * Creates the keyword rule 价格 → 价格请见商城 and returns the reply text Fanbase must answer with.
 *
 * TEMPORARY FALLBACK: while the endpoint does not exist (404) it warns and returns null, meaning "expect no
 * reply". To remove it, delete the `if (res.status === 404)` block.
 */
export async function createKeywordRule(base: string, token: string): Promise<string | null> {
  const res = await fetch(`${base}/api/admin/auto-replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ kind: 'keyword', name: 'bench', matchType: 'exact', keywords: [KEYWORD], reply: { type: 'text', content: REPLY_TEXT }, priority: 0, enabled: true }),
  });
  if (res.status === 404) {
    console.warn(FALLBACK_WARNING);
    return null;
  }
  if (res.status < 200 || res.status > 299) throw new Error(`creating the keyword rule answered ${res.status}: ${await res.text()}`);
  return REPLY_TEXT;
}
