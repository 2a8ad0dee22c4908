import os from 'node:os';
import { cpuSeconds, machineCpuTicks } from './children';
import type { BenchRequest } from './messages';

// The load generator: autocannon's programmatic API in this process (pinned to its own core), one warm-up
// run and one measured run per case. Latencies are taken from autocannon's per-response event so p50/p99
// keep their fractions of a millisecond (autocannon's own histogram rounds to whole ms).

interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method: string;
  headers: Record<string, string>;
  requests: { setupRequest: (req: AutocannonRequest) => AutocannonRequest }[];
  verifyBody: (body: string) => boolean;
  timeout: number;
}
interface AutocannonResult {
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
  '2xx': number;
}
interface Tracker {
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
  stop(): void;
}
type Autocannon = (opts: AutocannonOptions, cb: (err: Error | null, result: AutocannonResult) => void) => Tracker;

const autocannon = require('autocannon') as Autocannon;

export interface LoadSpec {
  port: number;
  connections: number;
  next: () => BenchRequest;
  /** Checked on every response body; a failure counts as a mismatch (an error). */
  verifyBody: (body: string) => boolean;
  /** The server's pid, to report how much of its core it used. */
  serverPid: number;
  /** Other processes whose CPU use is reported (e.g. MariaDB). */
  watch?: Record<string, number>;
}

export interface LoadResult {
  seconds: number;
  /** autocannon's average of its per-second samples. */
  rps: number;
  completed: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Connection errors, timeouts and body mismatches. */
  errors: number;
  statusCodes: Record<string, number>;
  /** Share of one core used during the window (1 = a full core). */
  serverCpu: number | null;
  loadgenCpu: number;
  watchedCpu: Record<string, number | null>;
  /** CPU used by other programs on the machine during the window, in cores (kernel interrupt work left out). */
  otherCpu: number | null;
  /** The measured window on the monotonic clock, in microseconds (to cut a CPU profile to it). */
  windowUs: [number, number];
}

let current: Tracker | null = null;

/** Stops the run in progress (on Ctrl-C). */
export function stopLoad(): void {
  current?.stop();
}

export function runLoad(spec: LoadSpec, seconds: number): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 20);
  let count = 0;
  const watch = spec.watch ?? {};
  const machineBefore = machineCpuTicks();
  const cpuBefore = { server: cpuSeconds(spec.serverPid), self: process.cpuUsage(), watched: Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, cpuSeconds(pid)])) };
  const startUs = Number(process.hrtime.bigint() / 1000n);
  return new Promise((resolve, reject) => {
    const tracker = autocannon(
      {
        url: `http://127.0.0.1:${spec.port}/wechat`,
        connections: spec.connections,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        requests: [
          {
            // autocannon passes a fresh object per request, so filling it in place is safe.
            setupRequest: (req) => {
              const { path, body } = spec.next();
              req.path = path;
              req.body = body;
              return req;
            },
          },
        ],
        verifyBody: spec.verifyBody,
        timeout: 10,
      },
      (err, result) => {
        current = null;
        if (err) return reject(err);
        const endUs = Number(process.hrtime.bigint() / 1000n);
        const wall = (endUs - startUs) / 1e6;
        const self = process.cpuUsage(cpuBefore.self);
        const server = cpuSeconds(spec.serverPid);
        const sorted = latencies.subarray(0, count).sort();
        const watchedCpu = Object.fromEntries(
          Object.entries(watch).map(([k, pid]) => {
            const before = cpuBefore.watched[k];
            const after = cpuSeconds(pid);
            return [k, before != null && after !== null ? (after - before) / wall : null];
          }),
        );
        const serverCpu = server !== null && cpuBefore.server !== null ? (server - cpuBefore.server) / wall : null;
        const loadgenCpu = (self.user + self.system) / 1e6 / wall;
        const machineAfter = machineCpuTicks();
        const cores = os.cpus().length;
        const machineCpu = machineBefore && machineAfter ? (cores * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total) : null;
        const otherCpu = machineCpu === null || serverCpu === null ? null : Math.max(0, machineCpu - serverCpu - loadgenCpu - Object.values(watchedCpu).reduce<number>((a, b) => a + (b ?? 0), 0));
        const pct = (p: number) => (count === 0 ? NaN : sorted[Math.min(count - 1, Math.max(0, Math.ceil(p * count) - 1))]!);
        resolve({
          seconds: result.duration,
          rps: result.requests.average,
          completed: result['2xx'] + result.non2xx,
          p50: pct(0.5),
          p99: pct(0.99),
          non2xx: result.non2xx,
          errors: result.errors + result.mismatches,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
          serverCpu,
          loadgenCpu,
          watchedCpu,
          otherCpu,
          windowUs: [startUs, endUs],
        });
      },
    );
    tracker.on('response', (_client, _status, _bytes, ms) => {
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[count++] = ms;
    });
    current = tracker;
  });
}
