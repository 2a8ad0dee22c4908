import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

// The tests run TypeScript through swc, which strips types without checking them: the compiler runs here.
describe('type checking', () => {
  it.each([
    ['server, shared, migrations, scripts and tests', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
    ['the front ends (vue-tsc)', ['vue-tsc', '-p', 'h5/tsconfig.json', '--noEmit']],
  ])('finds no type errors in %s', (_name, [bin, ...args]) => {
    const result = spawnSync(path.join(ROOT, 'node_modules/.bin', bin!), args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  }, 240_000);
});
