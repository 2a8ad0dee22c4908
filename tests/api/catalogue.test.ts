import { DEMO_PASSWORD, seedDemo } from '../../server/src/demo/seed';
import { BRAND, PRODUCT_MODELS, STAFF, STORES } from '../../server/src/demo/data';
import { bearer, login, startTestApp, type TestApp } from '../support/app';

describe('demo seed, brand and stores', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('has no brand for the H5 before the seed', async () => {
    const res = await t.app.inject({ url: '/api/h5/brand' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('seeds the brand, products, stores and one login per role, once', async () => {
    const first = await seedDemo(t.db.dataSource, { publicUrl: t.config.publicUrl, timeZone: t.config.brandTimeZone });
    expect(first).toEqual({ usernames: STAFF.map((s) => s.username), password: DEMO_PASSWORD });
    const again = await seedDemo(t.db.dataSource, { publicUrl: t.config.publicUrl, timeZone: t.config.brandTimeZone });
    expect(again.password).toBe(DEMO_PASSWORD);
    const [row] = (await t.db.dataSource.query("SELECT COUNT(*) AS n FROM store")) as { n: string | number }[];
    expect(Number(row!.n)).toBe(STORES.length);

    const brand = await t.app.inject({ url: '/api/h5/brand' });
    expect(brand.statusCode).toBe(200);
    expect(brand.json()).toEqual({ name: BRAND.name, wechatAccountName: BRAND.wechatAccountName });

    const token = await login(t.app, 'admin', DEMO_PASSWORD);
    const overview = await t.app.inject({ url: '/api/admin/overview', headers: bearer(token) });
    expect(overview.json().counts).toMatchObject({ productModels: PRODUCT_MODELS.length, stores: STORES.length, staff: STAFF.length, activeStaff: STAFF.length });
    for (const s of STAFF) await login(t.app, s.username, DEMO_PASSWORD);
  });

  it('reports a changed demo password as no longer working', async () => {
    const token = await login(t.app, 'admin', DEMO_PASSWORD);
    const me = (await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(token) })).json() as { id: number };
    const res = await t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${me.id}`, headers: bearer(token), payload: { password: 'a-much-better-secret-42' } });
    expect(res.statusCode).toBe(200);
    expect((await seedDemo(t.db.dataSource, { publicUrl: t.config.publicUrl, timeZone: t.config.brandTimeZone })).password).toBeNull();
  });

  it('lists stores to any signed-in staff member, searchable by city, with LIKE wildcards taken literally', async () => {
    const token = await login(t.app, 'support', DEMO_PASSWORD);
    expect((await t.app.inject({ url: '/api/admin/stores' })).statusCode).toBe(401);

    const all = await t.app.inject({ url: '/api/admin/stores', headers: bearer(token) });
    expect(all.statusCode).toBe(200);
    expect(all.json().items).toHaveLength(STORES.length);

    const shanghai = (await t.app.inject({ url: '/api/admin/stores', query: { q: '上海' }, headers: bearer(token) })).json().items as { city: string }[];
    expect(shanghai.length).toBe(STORES.filter((s) => s.city === '上海').length);
    expect(shanghai.every((s) => s.city === '上海')).toBe(true);

    const wildcard = await t.app.inject({ url: '/api/admin/stores', query: { q: '%' }, headers: bearer(token) });
    expect(wildcard.json().items).toEqual([]);

    const bad = await t.app.inject({ url: '/api/admin/stores', query: { limit: '0' }, headers: bearer(token) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'querystring.limit' }] });
  });
});
