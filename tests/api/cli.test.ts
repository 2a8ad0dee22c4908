import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { AuditRecordEntity } from '../../server/src/modules/audit/entities';
import { createStore, startTestApp, type TestApp } from '../support/app';

const ROOT = path.resolve(__dirname, '../..');

describe('npm run staff:create', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await createStore(t.db.dataSource, 'BJ-01');
  });
  afterAll(() => t.close());

  const run = (args: string[], input?: string) =>
    spawnSync('npm', ['run', '--silent', 'staff:create', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...t.db.env, NODE_ENV: 'test' },
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('creates an account with a generated password that signs in', async () => {
    const result = run(['--username', 'mia', '--role', 'support', '--display-name', '客服小米']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/created staff #\d+ mia \(support\)/);
    const password = /password: (\S+)/.exec(result.stdout)![1]!;
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username: 'mia', password } });
    expect(res.statusCode).toBe(200);
    expect(res.json().staff.displayName).toBe('客服小米');
    const audit = await t.db.dataSource.getRepository(AuditRecordEntity).findOneByOrFail({ action: 'staff.create', targetId: String(res.json().staff.id) });
    expect(audit).toMatchObject({ actorType: 'system', actorName: 'cli:staff:create' });
  });

  it('creates a store clerk by store code with a password from stdin', async () => {
    const result = run(['--username', 'ned', '--role', 'store', '--store', 'BJ-01', '--password-stdin'], 'stdin-passphrase-42\n');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ned (store, 门店 BJ-01)');
    expect(result.stdout).not.toContain('password:');
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username: 'ned', password: 'stdin-passphrase-42' } });
    expect(res.statusCode).toBe(200);
  });

  it('fails with exit code 1 and a reason for a bad role, a missing store or a taken name', () => {
    const badRole = run(['--username', 'olga', '--role', 'boss']);
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toContain('--role must be one of admin, support, ops, store');
    const noStore = run(['--username', 'olga', '--role', 'store', '--store', 'XX-99']);
    expect(noStore.status).toBe(1);
    expect(noStore.stderr).toContain('store "XX-99" not found');
    const taken = run(['--username', 'mia', '--role', 'ops']);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('STAFF_USERNAME_TAKEN');
  });
});
