import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'h5/dist');
const STAMP = path.join(DIST, '.source-hash');
const INPUTS = ['h5/src', 'h5/public', 'h5/index.html', 'h5/admin.html', 'h5/vite.config.ts', 'h5/package.json', 'shared/src'];

// Builds the two front ends when h5/dist is missing or older than its sources (a content hash, not mtimes,
// so a fresh clone, a git checkout and an edit are all noticed). Returns whether a build ran.
export function ensureFrontendBuilt(log: (line: string) => void = console.log): boolean {
  const hash = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash && existsSync(path.join(DIST, 'index.html'))) return false;
  log('building the front ends (h5/dist)…');
  // Always a production bundle: Vite keeps an inherited NODE_ENV (Jest sets "test"), which would ship
  // Vue's development build with its warnings and a third more code.
  const result = spawnSync('npm', ['run', 'build', '--workspace', 'h5', '--silent'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`front-end build failed:\n${result.stdout}\n${result.stderr}`);
  }
  writeFileSync(STAMP, hash);
  return true;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const visit = (rel: string) => {
    const abs = path.join(ROOT, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(path.join(rel, name));
      return;
    }
    hash.update(rel).update('\0').update(readFileSync(abs)).update('\0');
  };
  INPUTS.forEach(visit);
  return hash.digest('hex');
}
