import { createAuditLog } from '../../server/src/modules/audit/service';
import { systemClock } from '../../server/src/clock';
import { bearer, createStaff, login, startTestApp, type TestApp } from '../support/app';

describe('audit log (admin)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createStaff(t.db.dataSource, { username: 'root', role: 'admin' });
    await createStaff(t.db.dataSource, { username: 'sam', role: 'support' });
    admin = await login(t.app, 'root');
    await login(t.app, 'sam');
    const audit = createAuditLog({ db: t.db.dataSource, clock: systemClock });
    await audit.record({ type: 'staff', id: '2', name: 'sam', ip: '10.0.0.9' }, { action: 'member.phone_unmasked', targetType: 'member', targetId: 77, details: { reason: '回访 ✅' } });
    await audit.record({ type: 'system', id: null, name: 'job' }, { action: 'staff_report', targetType: 'x' });
  });
  afterAll(() => t.close());

  const list = (query = '') => t.app.inject({ url: `/api/admin/audit${query}`, headers: bearer(admin) });

  it('lists entries newest first with who, what, which record, when and from where', async () => {
    const res = await list();
    expect(res.statusCode).toBe(200);
    const [newest, second] = res.json().items;
    expect(newest).toMatchObject({ action: 'staff_report', actorType: 'system' });
    expect(second).toMatchObject({ actorType: 'staff', actorId: '2', actorName: 'sam', action: 'member.phone_unmasked', targetType: 'member', targetId: '77', ip: '10.0.0.9', details: { reason: '回访 ✅' } });
    expect(new Date(second.at).toString()).not.toBe('Invalid Date');
  });

  it('filters by exact action, by prefix, and by target', async () => {
    expect((await list('?action=staff.login')).json().items.every((e: { action: string }) => e.action === 'staff.login')).toBe(true);
    const prefixed = (await list('?action=staff.')).json().items.map((e: { action: string }) => e.action);
    expect(prefixed.length).toBeGreaterThan(0);
    // A prefix ending in "." matches that namespace only.
    expect(prefixed).not.toContain('staff_report');
    expect(prefixed.every((a: string) => a.startsWith('staff.'))).toBe(true);
    expect((await list('?targetType=member&targetId=77')).json().total).toBe(1);
  });

  it('pages results', async () => {
    const all = (await list()).json();
    const page2 = (await list('?page=2&pageSize=1')).json();
    expect(page2).toMatchObject({ page: 2, pageSize: 1, total: all.total });
    expect(page2.items[0].id).toBe(all.items[1].id);
  });

  it('is for admins only', async () => {
    const sam = await login(t.app, 'sam');
    expect((await t.app.inject({ url: '/api/admin/audit', headers: bearer(sam) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/admin/audit' })).statusCode).toBe(401);
  });
});
