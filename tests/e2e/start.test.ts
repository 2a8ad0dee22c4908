import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// The README's first command on a fresh data directory: the embedded SQLite default, the demo seed, the URLs.
describe('npm start', () => {
  it('migrates, seeds the demo brand, prints working URLs and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fanbase-start-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
    const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!/API docs\s+\S+/.test(output) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      expect(output).toMatch(/Admin console\s+http:\/\/127\.0\.0\.1:\d+\/admin\//);
      expect(output).toContain('Demo sign-in');
      expect(output).toContain('SQLite');
      const url = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(output)![1]!;

      const admin = await fetch(url('Admin console'));
      expect(admin.status).toBe(200);
      expect(await admin.text()).toContain('<div id="app"');
      const h5 = await fetch(url('Member H5'));
      expect(h5.status).toBe(200);
      const docs = await fetch(url('API docs'));
      expect(docs.status).toBe(200);
      expect(await docs.text()).toMatch(/swagger/i);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'sqlite', migrations: 'current' });
      const login = await fetch(`http://127.0.0.1:${port}/api/admin/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'fanbase-demo' }),
      });
      expect(login.status).toBe(200);

      // npm relays the signal to the server and then ends by the same signal, so the server's own word
      // (printed after every connection and the database are closed) is what shows a clean stop.
      child.kill('SIGTERM');
      const code = await exited;
      expect(output).toContain('Fanbase stopped (SIGTERM)');
      expect(code === 0 || child.signalCode === 'SIGTERM').toBe(true);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
