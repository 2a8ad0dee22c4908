import { readFileSync } from 'node:fs';
import path from 'node:path';

const DIST = path.resolve(__dirname, '../../h5/dist');

interface Chunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const manifest = (): Record<string, Chunk> => JSON.parse(readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8'));

// Every chunk an entry can ever load: static imports and lazy routes.
function reachable(entry: string): Chunk[] {
  const m = manifest();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !m[key]) return;
    seen.add(key);
    for (const next of [...(m[key]!.imports ?? []), ...(m[key]!.dynamicImports ?? [])]) visit(next);
  };
  visit(entry);
  return [...seen].map((k) => m[k]!);
}

const sources = (chunks: Chunk[]) => chunks.flatMap((c) => [c.src ?? '', c.file]).join('\n');
const code = (chunks: Chunk[]) => chunks.map((c) => readFileSync(path.join(DIST, c.file), 'utf8')).join('\n');

describe('front-end bundles', () => {
  it('builds two entries, index.html (member H5) and admin.html (staff console)', () => {
    const entries = Object.values(manifest()).filter((c) => c.isEntry).map((c) => c.src);
    expect(entries).toEqual(expect.arrayContaining(['index.html', 'admin.html']));
  });

  it('never loads admin code or Element Plus from the member H5', () => {
    const member = reachable('index.html');
    expect(sources(member)).not.toMatch(/src\/admin\//);
    expect(sources(member)).not.toMatch(/element-plus/i);
    expect(code(member)).not.toMatch(/el-button|ElMessage/);
  });

  it('never loads member code or Vant from the admin console', () => {
    const admin = reachable('admin.html');
    expect(sources(admin)).not.toMatch(/src\/member\//);
    expect(code(admin)).not.toMatch(/van-button|van-tabbar/);
  });

  it('ships production builds of Vue (no development warnings), even when built from the tests', () => {
    for (const entry of ['index.html', 'admin.html']) expect(code(reachable(entry))).not.toContain('[Vue warn]');
  });
});
