import { AuditRecordEntity } from '../../server/src/modules/audit/entities';
import { bearer, createStaff, createStore, login, startSecondInstance, startTestApp, TEST_PASSWORD, type TestApp } from '../support/app';
import { describeOnMysql } from '../support/engine';

describe('staff accounts (admin)', () => {
  let t: TestApp;
  let admin: string;
  let storeId: number;
  const post = (payload: object, token = admin) => t.app.inject({ method: 'POST', url: '/api/admin/staff', headers: bearer(token), payload });
  const patch = (id: number, payload: object, token = admin) => t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${id}`, headers: bearer(token), payload });

  beforeAll(async () => {
    t = await startTestApp();
    storeId = await createStore(t.db.dataSource);
    await createStaff(t.db.dataSource, { username: 'root', role: 'admin' });
    admin = await login(t.app, 'root');
  });
  afterAll(() => t.close());

  it('creates an account that can sign in, and audits who created it', async () => {
    const res = await post({ username: 'Frank', displayName: '客服 Frank 😀', role: 'support', password: 'a-long-passphrase' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'frank', displayName: '客服 Frank 😀', role: 'support', storeId: null, active: true, lastLoginAt: null });
    await login(t.app, 'frank', 'a-long-passphrase');
    const audit = await t.db.dataSource.getRepository(AuditRecordEntity).findOneByOrFail({ action: 'staff.create', targetId: String(res.json().id) });
    expect(audit).toMatchObject({ actorType: 'staff', actorName: 'root', targetType: 'staff' });
    expect(audit.details).toMatchObject({ username: 'frank', role: 'support' });
  });

  it('creates a store clerk bound to a store, and lists it with the store name', async () => {
    const res = await post({ username: 'clerk1', displayName: '店员', role: 'store', storeId, password: 'a-long-passphrase' });
    expect(res.statusCode).toBe(201);
    const list = await t.app.inject({ url: '/api/admin/staff?role=store', headers: bearer(admin) });
    expect(list.json().items).toEqual([expect.objectContaining({ username: 'clerk1', storeId, storeName: '门店 SH-01' })]);
  });

  it('searches by username or display name, with LIKE wildcards taken literally', async () => {
    const byName = await t.app.inject({ url: `/api/admin/staff?q=${encodeURIComponent('Frank')}`, headers: bearer(admin) });
    expect(byName.json().items.map((s: { username: string }) => s.username)).toEqual(['frank']);
    const wildcard = await t.app.inject({ url: '/api/admin/staff?q=%25', headers: bearer(admin) });
    expect(wildcard.json().total).toBe(0);
  });

  it('refuses a taken username with 409 STAFF_USERNAME_TAKEN', async () => {
    const res = await post({ username: 'FRANK', displayName: 'x', role: 'ops', password: 'a-long-passphrase' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('STAFF_USERNAME_TAKEN');
  });

  it('requires a store for the store role, and an existing one', async () => {
    const missing = await post({ username: 'clerk2', displayName: 'x', role: 'store', password: 'a-long-passphrase' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('STAFF_STORE_REQUIRED');
    const unknown = await post({ username: 'clerk2', displayName: 'x', role: 'store', storeId: 9999, password: 'a-long-passphrase' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('STAFF_STORE_NOT_FOUND');
  });

  it('refuses weak passwords and malformed fields, naming them, and stores nothing', async () => {
    const weak = await post({ username: 'gina', displayName: 'x', role: 'ops', password: 'gina-gina-gina' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'STAFF_PASSWORD_WEAK', details: [{ field: 'password', message: 'must not contain the username' }] });
    const bad = await post({ username: 'g', displayName: '', role: 'boss', password: 'short' });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.username', 'body.displayName', 'body.role', 'body.password']));
    const list = await t.app.inject({ url: '/api/admin/staff?q=gina', headers: bearer(admin) });
    expect(list.json().total).toBe(0);
  });

  it('ends the sessions of someone whose role changes, and applies the new role', async () => {
    const created = await post({ username: 'hank', displayName: 'Hank', role: 'admin', password: 'a-long-passphrase' });
    const hank = await login(t.app, 'hank', 'a-long-passphrase');
    expect((await t.app.inject({ url: '/api/admin/staff', headers: bearer(hank) })).statusCode).toBe(200);
    const res = await patch(created.json().id, { role: 'ops' });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(hank) })).json().code).toBe('AUTH_SESSION_ENDED');
    const again = await login(t.app, 'hank', 'a-long-passphrase');
    expect((await t.app.inject({ url: '/api/admin/staff', headers: bearer(again) })).statusCode).toBe(403);
  });

  it('disables an account: its sessions end and it can no longer sign in', async () => {
    const created = await post({ username: 'ivan', displayName: 'Ivan', role: 'support', password: 'a-long-passphrase' });
    const ivan = await login(t.app, 'ivan', 'a-long-passphrase');
    expect((await patch(created.json().id, { active: false })).json().active).toBe(false);
    expect((await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(ivan) })).statusCode).toBe(401);
    const signIn = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username: 'ivan', password: 'a-long-passphrase' } });
    expect(signIn.json().code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('resets a password: the old one stops working, the audit row never holds it', async () => {
    const created = await post({ username: 'judy', displayName: 'Judy', role: 'ops', password: 'a-long-passphrase' });
    expect((await patch(created.json().id, { password: 'another-passphrase' })).statusCode).toBe(200);
    await login(t.app, 'judy', 'another-passphrase');
    const old = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username: 'judy', password: 'a-long-passphrase' } });
    expect(old.statusCode).toBe(401);
    const audit = await t.db.dataSource.getRepository(AuditRecordEntity).findOneByOrFail({ action: 'staff.update', targetId: String(created.json().id) });
    expect(audit.details).toEqual({ changed: [], passwordReset: true, sessionsEnded: true });
    expect(JSON.stringify(audit)).not.toContain('another-passphrase');
  });

  it('keeps the last active admin: demoting or disabling them is refused with 409', async () => {
    const list = await t.app.inject({ url: '/api/admin/staff?role=admin', headers: bearer(admin) });
    expect(list.json().items.map((s: { username: string }) => s.username)).toEqual(['root']);
    const rootId = list.json().items[0].id;
    expect((await patch(rootId, { role: 'support' })).json().code).toBe('STAFF_LAST_ADMIN');
    expect((await patch(rootId, { active: false })).statusCode).toBe(409);
  });

  it('answers 404 for an unknown account and 400 for an empty change', async () => {
    expect((await patch(424242, { displayName: 'x' })).json().code).toBe('STAFF_NOT_FOUND');
    const empty = await patch(1, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('VALIDATION_FAILED');
  });

  it('is for admins only', async () => {
    await createStaff(t.db.dataSource, { username: 'kate', role: 'ops' });
    const kate = await login(t.app, 'kate', TEST_PASSWORD);
    expect((await post({ username: 'x1x', displayName: 'x', role: 'ops', password: 'a-long-passphrase' }, kate)).statusCode).toBe(403);
  });
});

describeOnMysql('staff accounts under concurrency', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createStaff(t.db.dataSource, { username: 'root', role: 'admin' });
    admin = await login(t.app, 'root');
  });
  afterAll(() => t.close());

  it('creates one account when two instances race to create the same username', async () => {
    const second = await startSecondInstance(t);
    try {
      const payload = { username: 'twin', displayName: 'Twin', role: 'support', password: 'a-long-passphrase' };
      const results = await Promise.all(
        [t.app, second, t.app, second].map((app) => app.inject({ method: 'POST', url: '/api/admin/staff', headers: bearer(admin), payload })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
      const list = await t.app.inject({ url: '/api/admin/staff?q=twin', headers: bearer(admin) });
      expect(list.json().total).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('leaves one admin when the last two demote each other at the same moment', async () => {
    await createStaff(t.db.dataSource, { username: 'root2', role: 'admin' });
    const root2 = await login(t.app, 'root2');
    const list = await t.app.inject({ url: '/api/admin/staff?role=admin', headers: bearer(admin) });
    const [a, b] = list.json().items as { id: number }[];
    const results = await Promise.all([
      t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${b!.id}`, headers: bearer(admin), payload: { role: 'ops' } }),
      t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${a!.id}`, headers: bearer(root2), payload: { role: 'ops' } }),
    ]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes[0]).toBe(200);
    expect([409, 401]).toContain(codes[1]);
    const admins = await t.app.inject({ url: '/api/admin/staff?role=admin', headers: bearer(await login(t.app, results[0]!.statusCode === 200 ? 'root' : 'root2')) });
    expect(admins.json().total).toBe(1);
  });
});
