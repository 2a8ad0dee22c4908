import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

// The servers under test: each its own process, pinned to one core with taskset, in its own process group
// (so a Ctrl-C reaches only the benchmark, which then stops them in order), and always stopped at the end.

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** The last lines the child wrote (stdout and stderr), for error messages. */
  output: string[];
  exited: Promise<number | null>;
  exitCode: number | null | undefined;
  /** Log lines at warn level or above (pino's JSON "level" >= 40), the first few kept, all counted. */
  warnings: { count: number; first: string[] };
}

const running = new Set<Child>();
const KEEP_LINES = 200;

export function startPinned(name: string, core: number, command: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn('taskset', ['-c', String(core), ...command], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`${name}: could not start taskset (is util-linux installed?)`);
  const child: Child = { name, pid: proc.pid, process: proc, output: [], exited: Promise.resolve(null), exitCode: undefined, warnings: { count: 0, first: [] } };
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      child.output.push(line);
      if (/"level":\s*(4|5|6)0\b/.test(line)) {
        child.warnings.count++;
        if (child.warnings.first.length < 3) child.warnings.first.push(line.slice(0, 500));
      }
      if (child.output.length > KEEP_LINES) child.output.shift();
    }
  };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  child.exited = new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      child.exitCode = code ?? (signal ? -1 : null);
      running.delete(child);
      resolve(child.exitCode);
    });
    proc.once('error', (err) => {
      child.output.push(String(err));
      child.exitCode = -1;
      running.delete(child);
      resolve(-1);
    });
  });
  running.add(child);
  return child;
}

export function tail(child: Child, lines = 30): string {
  return child.output.slice(-lines).map((l) => `    | ${l}`).join('\n');
}

/** Waits until the child accepts TCP connections on `port`; fails if it exits or takes too long. */
export async function waitForPort(child: Child, port: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== undefined) throw new Error(`${child.name} exited (code ${child.exitCode}) before listening on ${port}:\n${tail(child)}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`${child.name} did not listen on ${port} within ${timeoutMs / 1000} s:\n${tail(child)}`);
}

/** SIGTERM (a graceful close, which also writes a --cpu-prof profile), then SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== undefined) return;
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c)));
}

/** Last resort on process exit: nothing the benchmark started may outlive it. */
export function killAllSync(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
}

function signalGroup(child: Child, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** CPU time (user + system, all threads) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime field 14 and stime field 15 (1-based, man 5 proc).
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node supports

/**
 * Time all CPUs together spent running tasks, and their total time, since boot (from /proc/stat), in clock
 * ticks. Interrupt and softirq time (the kernel's loopback networking) is left out of `busy`.
 */
export function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return { busy: user + nice + system + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
  } catch {
    return null;
  }
}

/** The CPUs a process may run on, as the kernel reports it (e.g. "0" or "0-1"). */
export function allowedCpus(pid: number | 'self'): string | null {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The pid of the first process whose command name is one of `names` (e.g. the MariaDB server), if readable. */
export function findProcess(names: readonly string[]): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // exited meanwhile
    }
  }
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
