import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './children';

// Summarises a V8 .cpuprofile (node --cpu-prof) over the measured window only: the samples' timestamps are
// on the same monotonic clock as process.hrtime in the benchmark, so boot, migrations and warm-up drop out.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The main thread's profile among those --cpu-prof wrote into `dir` (tsx's module loader runs in a worker
 * thread that gets a profile of its own): the one with the most samples that are not idle.
 */
export function mainThreadProfile(dir: string): string {
  let best: { file: string; busy: number } | null = null;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
    const file = path.join(dir, name);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
    const busy = profile.samples.filter((id) => !idle.has(id)).length;
    if (!best || busy > best.busy) best = { file, busy };
  }
  if (!best) throw new Error(`no .cpuprofile in ${dir}`);
  return best.file;
}

export function summariseProfile(file: string, [fromUs, toUs]: [number, number], top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  let t = profile.startTime;
  const picked: { id: number; us: number }[] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t >= fromUs && t <= toUs) picked.push({ id: profile.samples[i]!, us: profile.timeDeltas[i + 1] ?? delta });
  }
  let note = `${picked.length} samples in the measured window`;
  let samples = picked;
  if (picked.length < 100) {
    note = `the measured window matched only ${picked.length} samples: whole profile shown (boot and warm-up included)`;
    samples = profile.samples.map((id, i) => ({ id, us: profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0 }));
  }
  const total = samples.reduce((s, x) => s + x.us, 0);

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const { id, us } of samples) {
    const node = byId.get(id)!;
    add(self, frameName(node), us);
    add(areas, area(node), us);
    // Inclusive time of Fanbase's own functions and of the packages it calls, each counted once per sample.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      const a = area(n);
      const key = a.startsWith('server/') || a.startsWith('shared/') ? frameName(n) : a.startsWith('pkg ') ? a : null;
      if (key && !seen.has(key)) {
        seen.add(key);
        add(inclusive, key, us);
      }
    }
  }
  const table = (title: string, map: Map<string, number>) =>
    [
      `  ${title}`,
      ...[...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, us]) => `    ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`),
    ].join('\n');
  return [
    `  ${note}, ${(total / 1e6).toFixed(2)} s of samples`,
    table('self time by area (package, Fanbase file, Node internals, GC):', areas),
    table('self time by function:', self),
    table('inclusive time (Fanbase functions and packages on the stack):', inclusive),
  ].join('\n');
}

function add(map: Map<string, number>, key: string, us: number) {
  map.set(key, (map.get(key) ?? 0) + us);
}

function shortUrl(url: string): string {
  const file = url.startsWith('file://') ? url.slice(7) : url;
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = shortUrl(url);
  // Line numbers of Fanbase's own files are those of tsx's compiled output, so only the file is named.
  const own = /^(server|shared|scripts|migrations)\//.test(file);
  const where = url ? ` ${file.replace(/^.*node_modules\//, '')}${own ? '' : `:${lineNumber + 1}`}` : '';
  return `${functionName || '(anonymous)'}${where}`;
}

function area(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const rel = shortUrl(url);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  if (pkg) return `pkg ${pkg[1]}`;
  if (rel.startsWith('node:')) return rel.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  return rel;
}
