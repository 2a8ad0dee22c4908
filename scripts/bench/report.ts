import type { LoadResult } from './load';

// The table, the ratios and the targets. Every number is computed from this run; nothing is hard-coded
// except the targets themselves.

export type CaseKey = 'a' | 'p' | 'b' | 'c';

export const CASE_TITLES: Record<CaseKey, string> = {
  a: 'bare Fastify, fixed XML reply',
  p: 'co-wechat 2.4 on Koa 3, plaintext',
  b: 'Fanbase /wechat, plaintext',
  c: 'Fanbase /wechat, safe mode (AES)',
};

export interface CaseOutcome {
  result: LoadResult;
  warmup: LoadResult;
  /** Anything else that makes the case invalid (e.g. repeated messages, handler errors in the log). */
  problems: string[];
}

const fmt = (n: number | null | undefined, digits = 0) => (n == null || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
const pct = (n: number | null | undefined) => (n == null ? 'n/a' : `${Math.round(n * 100)}%`);

export function renderTable(cases: Partial<Record<CaseKey, CaseOutcome>>): string {
  const header = ['case', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'requests', 'server CPU', 'loadgen CPU', 'MariaDB CPU', 'other CPU'];
  const rows = (Object.keys(CASE_TITLES) as CaseKey[]).flatMap((key) => {
    const c = cases[key];
    if (!c) return [];
    const r = c.result;
    return [[`(${key}) ${CASE_TITLES[key]}`, fmt(r.rps), fmt(r.p50, 2), fmt(r.p99, 2), String(r.non2xx), String(r.errors), String(r.completed), pct(r.serverCpu), pct(r.loadgenCpu), pct(r.watchedCpu['mariadb']), pct(r.otherCpu)]];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export function ratiosAndTargets(cases: Record<CaseKey, CaseOutcome>): { ratios: string; checks: Check[] } {
  const rps = (k: CaseKey) => cases[k].result.rps;
  const ratio = (x: CaseKey, y: CaseKey) => rps(x) / rps(y);
  const ratios = (['b/a', 'c/a', 'p/a', 'b/p'] as const)
    .map((name) => {
      const [x, y] = name.split('/') as [CaseKey, CaseKey];
      return `${name} = ${ratio(x, y).toFixed(3)}`;
    })
    .join('   ');
  const keys = Object.keys(CASE_TITLES) as CaseKey[];
  const checks: Check[] = [
    { name: 'b >= 0.30 * a', pass: ratio('b', 'a') >= 0.3, detail: `${fmt(rps('b'))} vs ${fmt(0.3 * rps('a'))} (b/a = ${ratio('b', 'a').toFixed(3)})` },
    { name: 'b > p', pass: rps('b') > rps('p'), detail: `${fmt(rps('b'))} vs ${fmt(rps('p'))} (b/p = ${ratio('b', 'p').toFixed(3)})` },
    { name: 'c >= 0.20 * a', pass: ratio('c', 'a') >= 0.2, detail: `${fmt(rps('c'))} vs ${fmt(0.2 * rps('a'))} (c/a = ${ratio('c', 'a').toFixed(3)})` },
    ...keys.map((k) => ({ name: `p99 < 50 ms (${k})`, pass: cases[k].result.p99 < 50, detail: `${fmt(cases[k].result.p99, 2)} ms` })),
    ...keys.map((k) => {
      const c = cases[k];
      const bad = c.result.non2xx + c.result.errors + c.warmup.non2xx + c.warmup.errors;
      const codes = Object.entries(c.result.statusCodes)
        .map(([code, n]) => `${code}×${n}`)
        .join(' ');
      const detail = `measured: ${c.result.non2xx} non-2xx, ${c.result.errors} errors; warm-up: ${c.warmup.non2xx} non-2xx, ${c.warmup.errors} errors; status ${codes || 'none'}`;
      return { name: `zero errors (${k})`, pass: bad === 0 && c.problems.length === 0, detail: c.problems.length ? `${detail}; ${c.problems.join('; ')}` : detail };
    }),
  ];
  return { ratios, checks };
}

export function renderChecks(checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks.map((c) => `  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}`).join('\n');
}
