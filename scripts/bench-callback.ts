// npm run bench:callback: WeChat callback throughput, one case after the other, each server in its own process
// pinned to core 0 and the load generator (autocannon) pinned to core 1:
//   (a) bare Fastify returning a fixed XML reply   (p) co-wechat 2.4 on Koa 3
//   (b) Fanbase's real /wechat, plaintext          (c) the same in safe (AES) mode
// Prints a table, the ratios and the targets; exits non-zero when a target fails. Settings (env):
// BENCH_SECONDS (measured window, default 10), BENCH_WARMUP_SECONDS (3), BENCH_CONNECTIONS (50),
// BENCH_MYSQL_URL (mysql://root@127.0.0.1:3306), BENCH_CPU_PROF=1 (profile Fanbase, print its top costs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allowedCpus, findProcess, freePort, killAllSync, startPinned, stopAll, stopChild, tail, waitForPort, type Child } from './bench/children';
import { createBenchDatabase, dropBenchDatabase, serverVersion, type BenchDatabase } from './bench/database';
import { createAdmin, createKeywordRule, FALLBACK_WARNING, fanbaseEnv, login, newSetup } from './bench/fanbase';
import { runLoad, stopLoad } from './bench/load';
import { newAccount, OPENIDS, plainReplyProblems, plaintextRequests, REPLY_TEXT, safeReplyProblems, safeRequest, safeRequestPool, takeSequence, type BenchRequest } from './bench/messages';
import { mainThreadProfile, summariseProfile } from './bench/profile';
import { CASE_TITLES, ratiosAndTargets, renderChecks, renderTable, type CaseKey, type CaseOutcome } from './bench/report';
import { runScript } from './lib/run';

const SERVER_CORE = 0;
const LOADGEN_CORE = 1;

if (allowedCpus('self') === String(LOADGEN_CORE)) {
  runScript(main);
} else {
  reexecPinned();
}

/** Runs this same script again under `taskset -c 1`, so the load generator has core 1 to itself. */
function reexecPinned(): void {
  if (process.env['BENCH_LOADGEN_PINNED'] === '1') {
    console.error(`error: could not pin the load generator to core ${LOADGEN_CORE} (allowed CPUs: ${allowedCpus('self')})`);
    process.exit(1);
  }
  if (os.cpus().length < 2) {
    console.error(`error: this benchmark needs 2 cores (server on core ${SERVER_CORE}, load generator on core ${LOADGEN_CORE}); this machine has ${os.cpus().length}`);
    process.exit(1);
  }
  const child = spawn('taskset', ['-c', String(LOADGEN_CORE), process.execPath, ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_LOADGEN_PINNED: '1' },
  });
  // The pinned run does the cleaning up; this process only passes signals on and waits for it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.once('error', (err) => {
    console.error(`error: could not run taskset: ${err.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
}

function envNumber(name: string, fallback: number, { integer = false, min = 1 } = {}): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`${name}=${raw} is invalid: expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
  return n;
}

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 3);
  const connections = envNumber('BENCH_CONNECTIONS', 50, { integer: true });
  const profileDir = /^(1|true|yes|on)$/i.test(process.env['BENCH_CPU_PROF'] ?? '') ? mkdtempSync(path.join(os.tmpdir(), 'fanbase-bench-prof-')) : null;

  let database: BenchDatabase | null = null;
  let cleaning: Promise<void> | null = null;
  // Once cleaning up has begun (Ctrl-C), nothing new may start.
  const ensureRunning = () => {
    if (cleaning) throw new Error('interrupted');
  };
  // MariaDB serves the Fanbase cases from the load generator's core, so that every server under test has core
  // SERVER_CORE to itself as (a) and (p) do. Its own affinity is put back afterwards (BENCH_PIN_DB=0: leave it).
  let restoreDb: (() => void) | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      restoreDb?.();
      restoreDb = null;
      stopLoad();
      await stopAll();
      if (database) {
        const db = database;
        database = null;
        await dropBenchDatabase(db).then(
          () => console.log(`dropped the bench database ${db.name}`),
          (err: unknown) => console.error(`could not drop the bench database ${db.name}: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (cleaning) return;
      console.error(`\n${signal}: stopping the servers and dropping the bench database…`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  process.on('exit', () => {
    restoreDb?.();
    killAllSync();
  });

  const mariadbVersion = await serverVersion();
  const mariadbPid = findProcess(['mariadbd', 'mysqld']);
  const watch: Record<string, number> = mariadbPid ? { mariadb: mariadbPid } : {};
  let dbPlacement = 'MariaDB unpinned';
  if (mariadbPid && process.env['BENCH_PIN_DB'] !== '0') {
    const mask = /affinity mask: ([0-9a-f]+)/i.exec(spawnSync('taskset', ['-p', String(mariadbPid)], { encoding: 'utf8' }).stdout ?? '')?.[1];
    const pinned = mask ? spawnSync('taskset', ['-a', '-p', '-c', String(LOADGEN_CORE), String(mariadbPid)], { encoding: 'utf8' }) : null;
    if (mask && pinned?.status === 0) {
      restoreDb = () => void spawnSync('taskset', ['-a', '-p', mask, String(mariadbPid)]);
      dbPlacement = `MariaDB on core ${LOADGEN_CORE} for the run (its affinity ${mask} restored after)`;
    } else dbPlacement = 'MariaDB unpinned (could not set its affinity)';
  }
  const versions = (names: string[]) => names.map((n) => `${n} ${(require(`${n}/package.json`) as { version: string }).version}`).join(', ');
  const cpus = os.cpus();
  console.log('Fanbase WeChat callback benchmark');
  console.log(`  machine     ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}`);
  console.log(`  software    Node ${process.version}, MariaDB ${mariadbVersion}, ${versions(['fastify', 'koa', 'co-wechat', 'autocannon'])}`);
  console.log(`  placement   servers on core ${SERVER_CORE}, load generator on core ${allowedCpus('self')} (this process), ${dbPlacement} (pid ${mariadbPid ?? 'not found'})`);
  console.log(`  load        ${connections} connections, ${warmupSeconds} s warm-up then ${seconds} s measured per case, every message distinct (MsgId), from ${OPENIDS} openids`);
  if (profileDir) console.log(`  profiling   Fanbase runs with --cpu-prof (slower than normal), profiles in ${profileDir}`);
  console.log('');

  const account = newAccount();
  const plain = plaintextRequests(account);
  const outcomes: Partial<Record<CaseKey, CaseOutcome>> = {};
  let expectedText: string | null = null;
  const profiles: { key: CaseKey; file: string; window: [number, number] }[] = [];
  const baseEnv = (port: number): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NODE_ENV: 'production',
    BENCH_PORT: String(port),
    BENCH_PARENT_PID: String(process.pid),
    BENCH_WECHAT_TOKEN: account.token,
  });
  const node = (script: string, flags: string[] = []) => [process.execPath, ...flags, '--import', 'tsx', script];

  async function startServer(key: CaseKey, script: string, env: (port: number) => NodeJS.ProcessEnv, flags: string[] = []): Promise<{ server: Child; base: string; port: number }> {
    ensureRunning();
    const port = await freePort();
    const server = startPinned(`(${key}) ${CASE_TITLES[key]}`, SERVER_CORE, node(script, flags), env(port));
    await waitForPort(server, port);
    const cpusAllowed = allowedCpus(server.pid);
    if (cpusAllowed !== String(SERVER_CORE)) throw new Error(`${server.name} is not pinned to core ${SERVER_CORE} (allowed: ${cpusAllowed})`);
    return { server, base: `http://127.0.0.1:${port}`, port };
  }

  async function measure(key: CaseKey, server: Child, port: number, next: () => BenchRequest, verifyBody: (body: string) => boolean): Promise<CaseOutcome> {
    const spec = { port, connections, next, verifyBody, serverPid: server.pid, watch };
    server.warnings = { count: 0, first: [] };
    process.stdout.write(`(${key}) warm-up ${warmupSeconds} s… `);
    const warmup = await runLoad(spec, warmupSeconds);
    ensureRunning();
    process.stdout.write(`${warmup.rps.toFixed(0)} req/s; measuring ${seconds} s… `);
    const result = await runLoad(spec, seconds);
    ensureRunning();
    console.log(`${result.rps.toFixed(0)} req/s, p99 ${result.p99.toFixed(2)} ms`);
    const problems: string[] = [];
    if (server.exitCode !== undefined) problems.push(`the server exited (code ${server.exitCode}):\n${tail(server)}`);
    if (server.warnings.count > 0) problems.push(`the server logged ${server.warnings.count} warning/error line(s), first: ${server.warnings.first.join(' | ')}`);
    return { result, warmup, problems };
  }

  async function post(base: string, request: BenchRequest): Promise<{ status: number; type: string; body: string }> {
    const res = await fetch(base + request.path, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: typeof request.body === 'string' ? request.body : request.body.toString('utf8') });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  }

  function expectOk(what: string, res: { status: number; body: string }, problems: string[]) {
    if (res.status !== 200 || problems.length > 0) throw new Error(`${what}: verification failed (HTTP ${res.status}):\n  ${problems.join('\n  ') || res.body.slice(0, 300)}`);
  }

  async function expectRefused(what: string, base: string, request: BenchRequest) {
    const res = await post(base, request);
    if (res.status < 400 || res.status > 499) throw new Error(`${what}: expected a 4xx, got HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  }

  const badSignature = (request: BenchRequest): BenchRequest => ({ ...request, path: request.path.replace(/signature=[0-9a-f]{40}/, `signature=${'0'.repeat(40)}`) });
  const hasReply = (body: string) => body.includes(`<Content><![CDATA[${REPLY_TEXT}]]></Content>`);

  try {
    // (a) bare Fastify
    {
      const { server, base, port } = await startServer('a', 'scripts/bench/servers/bare-fastify.ts', baseEnv);
      const res = await post(base, plain.next());
      expectOk('(a)', res, res.type.startsWith('text/xml') && hasReply(res.body) ? [] : [`unexpected reply (${res.type}): ${res.body.slice(0, 200)}`]);
      outcomes.a = await measure('a', server, port, plain.next, hasReply);
      await stopChild(server);
    }

    // (p) co-wechat on Koa 3
    {
      const { server, base, port } = await startServer('p', 'scripts/bench/servers/co-wechat-koa.ts', baseEnv);
      const seq = takeSequence();
      const res = await post(base, plain.build(seq));
      expectOk('(p)', res, plainReplyProblems(account, seq, res.body, REPLY_TEXT));
      await expectRefused('(p) a wrong signature', base, badSignature(plain.next()));
      outcomes.p = await measure('p', server, port, plain.next, hasReply);
      await stopChild(server);
    }

    // Fanbase: a fresh database, an admin made by the CLI, the keyword rule made through the admin API.
    ensureRunning();
    const created = await createBenchDatabase();
    database = created;
    if (cleaning) {
      // Interrupted while it was being created: the cleanup did not see it.
      await dropBenchDatabase(created).catch(() => undefined);
      ensureRunning();
    }
    const setup = newSetup(database.url);
    await createAdmin(setup, account);
    const profileFlags = (key: CaseKey) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, key)}`] : []);
    const fanbase = 'server/src/main.ts';

    // (b) Fanbase, plaintext
    {
      const { server, base, port } = await startServer('b', fanbase, (p) => fanbaseEnv(setup, account, { port: p, safe: false }), profileFlags('b'));
      expectedText = await createKeywordRule(base, await login(base, setup));
      const seq = takeSequence();
      const res = await post(base, plain.build(seq));
      expectOk('(b)', res, plainReplyProblems(account, seq, res.body, expectedText));
      await expectRefused('(b) a wrong signature', base, badSignature(plain.next()));
      const verify = expectedText === null ? (body: string) => body === 'success' : hasReply;
      outcomes.b = await measure('b', server, port, plain.next, verify);
      await stopChild(server);
      if (profileDir) profiles.push({ key: 'b', file: mainThreadProfile(path.join(profileDir, 'b')), window: outcomes.b.result.windowUs });
    }

    // (c) Fanbase, safe mode: enough distinct encrypted pushes for three times (b)'s rate (c does more work per push).
    {
      const count = Math.ceil(outcomes.b.result.rps * (warmupSeconds + seconds) * 3) + 20_000;
      const started = Date.now();
      const pool = safeRequestPool(account, count);
      console.log(`(c) ${count} signed and encrypted pushes prepared in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const { server, base, port } = await startServer('c', fanbase, (p) => fanbaseEnv(setup, account, { port: p, safe: true }), profileFlags('c'));
      const seq = takeSequence();
      const res = await post(base, safeRequest(account, seq));
      expectOk('(c)', res, safeReplyProblems(account, seq, res.body, expectedText));
      await expectRefused('(c) a plaintext push (WECHAT_REQUIRE_ENCRYPTION)', base, plain.next());
      const verify = expectedText === null ? (body: string) => body === '' : (body: string) => body.startsWith('<xml><Encrypt>');
      outcomes.c = await measure('c', server, port, pool.next, verify);
      if (pool.taken() > pool.size) outcomes.c.problems.push(`the encrypted pool ran out: ${pool.taken() - pool.size} pushes were repeats (answered from the dedupe record)`);
      await stopChild(server);
      if (profileDir) profiles.push({ key: 'c', file: mainThreadProfile(path.join(profileDir, 'c')), window: outcomes.c.result.windowUs });
    }
  } finally {
    await cleanup();
  }

  const all = outcomes as Record<CaseKey, CaseOutcome>;
  console.log('');
  console.log(renderTable(all));
  for (const key of Object.keys(CASE_TITLES) as CaseKey[]) {
    const r = all[key].result;
    if (r.loadgenCpu >= 0.9) console.log(`note: during (${key}) the load generator used ${Math.round(r.loadgenCpu * 100)}% of its core, so (${key}) may be capped by it`);
    if ((r.otherCpu ?? 0) >= 0.25) console.log(`note: during (${key}) other processes used ${Math.round(r.otherCpu! * 100)}% of a core: the machine was not quiet, so (${key}) is noisy`);
  }
  const { ratios, checks } = ratiosAndTargets(all);
  console.log('');
  console.log(`ratios: ${ratios}`);
  console.log('targets:');
  console.log(renderChecks(checks));
  if (expectedText === null) console.log(`\n${FALLBACK_WARNING}`);
  for (const { key, file, window } of profiles) {
    console.log(`\nCPU profile of Fanbase during (${key}) ${CASE_TITLES[key]}: ${file}`);
    console.log(summariseProfile(file, window));
  }
  const failed = checks.filter((c) => !c.pass);
  if (failed.length > 0) throw new Error(`${failed.length} target(s) failed: ${failed.map((c) => c.name).join(', ')}`);
  console.log('\nall targets met');
}
