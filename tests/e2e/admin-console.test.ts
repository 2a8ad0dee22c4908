import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seedDemo, DEMO_PASSWORD } from '../../server/src/demo/seed';
import { bearer, startTestApp, type TestApp } from '../support/app';
import { ARTIFACTS, collectPageErrors, describeWithBrowser, launchBrowser, signInToAdmin } from './browser';

describeWithBrowser('admin console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    // Server errors are printed: a 5xx behind a browser test is otherwise invisible.
    t = await startTestApp({ env: { LOG_LEVEL: 'error' } });
    await seedDemo(t.db.dataSource, { publicUrl: t.config.publicUrl, timeZone: t.config.brandTimeZone });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
  }, 60_000);

  // Each step fails on its own within 10 s, naming the selector, rather than the whole test timing out.
  async function newPage(options: Parameters<Browser['newPage']>[0]): Promise<Page> {
    const page = await browser.newPage(options);
    page.setDefaultTimeout(10_000);
    return page;
  }
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, shows the console with navigation, and signs out', async () => {
    const page = await newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(`${base}/admin/`);
    await page.waitForURL(/\/admin\/login/);

    await page.fill('[data-test=login-username]', 'admin');
    await page.fill('[data-test=login-password]', 'wrong-password');
    await page.click('[data-test=login-submit]');
    await page.waitForSelector('[data-test=login-error]');
    expect(await page.textContent('[data-test=login-error]')).toContain('用户名或密码错误');

    await page.fill('[data-test=login-password]', DEMO_PASSWORD);
    await page.click('[data-test=login-submit]');
    await page.waitForSelector('[data-test=admin-layout]');
    await page.waitForSelector('[data-test=overview-brand]:has-text("光影相机")');
    expect(await page.textContent('[data-test=current-staff]')).toContain('系统管理员');
    for (const nav of ['nav-overview', 'nav-staff', 'nav-audit']) expect(await page.isVisible(`[data-test=${nav}]`)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-after-login.png'), fullPage: true });

    await page.click('[data-test=nav-staff]');
    await page.waitForSelector('[data-test=staff-table] >> text=clerk.sh');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-staff.png'), fullPage: true });

    await page.click('[data-test=nav-audit]');
    await page.waitForSelector('[data-test=audit-table] >> text=staff.login');

    // A reload keeps the session (client-side route served by the server's history fallback).
    await page.reload();
    await page.waitForSelector('[data-test=audit-table]');

    const token = await page.evaluate(() => Object.values(localStorage).find((v: string) => v.includes('token')) ?? '');
    await page.click('[data-test=logout]');
    await page.waitForURL(/\/admin\/login/);
    const stored = JSON.parse(token || '{}') as { token?: string };
    if (stored.token) {
      const me = await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(stored.token) });
      expect(me.json().code).toBe('AUTH_SESSION_ENDED');
    }
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  });

  const signIn = (username: string, viewport = { width: 1280, height: 800 }): Promise<Page> => signInToAdmin(browser, base, username, DEMO_PASSWORD, viewport);

  it('hides admin-only areas from a support agent, and ends the session when an admin disables the account', async () => {
    const page = await signIn('support');
    expect(await page.isVisible('[data-test=nav-overview]')).toBe(true);
    expect(await page.isVisible('[data-test=nav-staff]')).toBe(false);
    expect(await page.isVisible('[data-test=nav-audit]')).toBe(false);

    // Typing an admin-only address shows the "no access" page rather than the list.
    await page.goto(`${base}/admin/staff`);
    await page.waitForSelector('text=无权访问');
    expect(await page.isVisible('[data-test=staff-table]')).toBe(false);

    // An admin disables the account: the agent's next request lands on the login page, saying why.
    const admin = (await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username: 'admin', password: DEMO_PASSWORD } })).json() as { token: string };
    const list = (await t.app.inject({ url: '/api/admin/staff', query: { q: 'support' }, headers: bearer(admin.token) })).json() as { items: { id: number }[] };
    const disabled = await t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${list.items[0]!.id}`, headers: bearer(admin.token), payload: { active: false } });
    expect(disabled.statusCode).toBe(200);
    await page.click('[data-test=nav-overview]');
    await page.waitForURL(/\/admin\/login/);
    expect(await page.textContent('[data-test=login-error]')).toContain('登录已失效');
    await t.app.inject({ method: 'PATCH', url: `/api/admin/staff/${list.items[0]!.id}`, headers: bearer(admin.token), payload: { active: true } });
    await page.close();
  });

  it('lets an admin create a store clerk in the staff dialog, flagging a taken username on its field', async () => {
    const page = await signIn('admin', { width: 1440, height: 900 });
    const errors = collectPageErrors(page);
    await page.click('[data-test=nav-staff]');
    await page.waitForSelector('[data-test=staff-table] >> text=clerk.sh');

    const fill = async (username: string) => {
      await page.click('[data-test=staff-create]');
      await page.waitForSelector('[data-test=staff-form]');
      await page.fill('[data-test=staff-username]', username);
      await page.fill('[data-test=staff-display-name]', '徐汇店员 📷');
      await page.click('[data-test=staff-role]');
      await page.click('.el-select-dropdown__item:visible >> text=门店店员');
      await page.click('[data-test=staff-store]');
      await page.click('.el-select-dropdown__item:visible >> text=光影上海徐汇体验店（上海）');
      await page.fill('[data-test=staff-password]', 'clerk-password-2026');
      await page.click('[data-test=staff-save]');
    };

    await fill('clerk.xh');
    await page.waitForSelector('[data-test=staff-table] >> text=clerk.xh');
    expect(await page.textContent('[data-test=staff-table]')).toContain('光影上海徐汇体验店');
    await page.waitForSelector('[data-test=staff-form]', { state: 'hidden' });

    await fill('clerk.xh');
    await page.waitForSelector('[data-test=staff-form] >> text=用户名已被使用');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-staff-dialog.png') });
    const created = (await t.db.dataSource.query("SELECT display_name AS name FROM staff WHERE username = 'clerk.xh'")) as { name: string }[];
    expect(created).toEqual([{ name: '徐汇店员 📷' }]);

    // The search box narrows the list on the server (debounced), keeping only matching accounts.
    await page.click('[data-test=staff-cancel]');
    await page.fill('[data-test=staff-search]', 'clerk');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=staff-table] tbody tr').length === 2);
    const names = await page.$$eval('[data-test=staff-table] tbody tr td:first-child', (cells) => cells.map((c) => c.textContent?.trim()));
    expect(names.sort()).toEqual(['clerk.sh', 'clerk.xh']);
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await page.close();
  });

  it('serves the member H5 home on a phone viewport', async () => {
    const page = await newPage({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    const errors = collectPageErrors(page);
    await page.goto(`${base}/h5/`);
    await page.waitForSelector('text=电子保修');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'member-home.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders the OpenAPI docs at /docs under the security headers', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(`${base}/docs`);
    await page.waitForSelector('text=Fanbase API');
    await page.waitForSelector('[data-path="/api/admin/auth/login"]');
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-docs.png') });
    expect(errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
    await page.close();
  });
});
