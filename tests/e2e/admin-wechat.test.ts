import path from 'node:path';
import type { AutoReplyList } from '@fanbase/shared/contracts/auto-replies';
import type { MenuState } from '@fanbase/shared/contracts/menus';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo } from '../../server/src/demo/seed';
import { bearer, login, startTestApp, type TestApp } from '../support/app';
import { ARTIFACTS, collectPageErrors, describeWithBrowser, launchBrowser, signInToAdmin } from './browser';

// 23 Chinese characters: 69 bytes, over WeChat's 60-byte limit for a sub-button name.
const LONG_NAME = '预约维修服务请点击这里进入预约页面填写相机型号';
const FIXED_NAME = '预约维修';

describeWithBrowser('admin console: custom menu and auto-replies in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let ops: string;

  const menuState = async () => (await t.app.inject({ url: '/api/admin/menu', headers: bearer(ops) })).json() as MenuState;
  const sandboxMenu = async () => JSON.stringify((await t.app.inject({ url: '/sandbox/wechat/_sim/state' })).json());

  beforeAll(async () => {
    // Listening for real, so publishing reaches the WeChat sandbox over HTTP; with the demo seed on, the demo menu
    // (互动 / 服务 / 销售) is published once the server listens.
    t = await startTestApp({ listen: true, env: { LOG_LEVEL: 'error', DEMO_SEED: 'true' } });
    base = t.config.publicUrl;
    await seedDemo(t.db.dataSource, { publicUrl: base, timeZone: t.config.brandTimeZone });
    ops = await login(t.app, 'ops', DEMO_PASSWORD);
    const deadline = Date.now() + 10_000;
    while (!(await menuState()).published) {
      if (Date.now() > deadline) throw new Error('the demo menu was never published');
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (username: string, viewport = { width: 1366, height: 768 }): Promise<Page> => signInToAdmin(browser, base, username, DEMO_PASSWORD, viewport);

  const confirmBox = async (page: Page, text: string) => {
    await page.waitForSelector(`.el-message-box:visible >> text=${text}`);
    await page.click('.el-message-box:visible .el-message-box__btns .el-button--primary');
    await page.waitForSelector('.el-message-box', { state: 'hidden' });
  };
  const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('edits the menu with live rule checks, saves, publishes, shows history and rolls back', async () => {
    const page = await signIn('ops');
    const errors = collectPageErrors(page);
    for (const nav of ['nav-menu', 'nav-auto-replies']) expect(await page.isVisible(`[data-test=${nav}]`)).toBe(true);
    expect(await page.isVisible('[data-test=nav-staff]')).toBe(false);
    const first = (await menuState()).published!;

    await page.click('[data-test=nav-menu]');
    await page.waitForSelector('[data-test=menu-preview-top-1]:has-text("服务")');
    await page.waitForSelector('[data-test=menu-ok]');
    expect(await page.isDisabled('[data-test=menu-publish]')).toBe(true); // nothing to publish yet
    await page.click('[data-test=menu-preview-top-1]');
    await page.click('[data-test=menu-preview-sub-1-1]');
    expect(await page.inputValue('[data-test=menu-name]')).toBe('维修预约');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-menu-editor.png') });

    // Over 60 bytes: flagged as typed, next to the field and in the list that names the button; publish is off.
    await page.fill('[data-test=menu-name]', LONG_NAME);
    await page.waitForSelector('[data-test=menu-problems]');
    const problem = await page.textContent('[data-test=menu-problem]');
    expect(problem).toContain('「服务」› 第 2 个子菜单「预约维修服务请点击这里进…」');
    expect(problem).toContain('名称超过 60 字节');
    expect(await page.textContent('[data-test=menu-button-form] [data-field=name] [data-test=menu-field-error]')).toContain('名称超过 60 字节');
    expect(await page.textContent('[data-test=menu-name-bytes]')).toContain(`${Buffer.byteLength(LONG_NAME)}/60`);
    expect(await page.isDisabled('[data-test=menu-publish]')).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-menu-problems.png') });

    // Clicking the problem selects the button (select another one first to see it move back).
    await page.click('[data-test=menu-preview-top-0]');
    await page.click('[data-test=menu-problem]');
    expect(await page.inputValue('[data-test=menu-name]')).toBe(LONG_NAME);

    await page.fill('[data-test=menu-name]', FIXED_NAME);
    await page.waitForSelector('[data-test=menu-ok]');
    await page.waitForSelector('[data-test=menu-dirty]');
    await page.click('[data-test=menu-save]');
    await page.waitForSelector('.el-message >> text=草稿已保存');
    await page.waitForSelector('[data-test=menu-unpublished]');
    expect(await page.isVisible('[data-test=menu-dirty]')).toBe(false);
    expect((await menuState()).draft.buttons[1]!.sub_button![1]!.name).toBe(FIXED_NAME);

    // WeChat refuses once: the page says so with WeChat's errcode, and nothing is recorded as published.
    const fault = await t.app.inject({ method: 'POST', url: '/sandbox/wechat/_sim/faults', payload: { path: '/cgi-bin/menu/create', errcode: 40018 } });
    expect(fault.statusCode).toBe(204);
    await page.click('[data-test=menu-publish]');
    await confirmBox(page, '发布到微信');
    await page.waitForSelector('[data-test=menu-publish-error] >> text=微信错误码 40018');
    expect((await menuState()).published!.id).toBe(first.id);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-menu-publish-error.png') });

    await page.click('[data-test=menu-publish]');
    await confirmBox(page, '发布到微信');
    await page.waitForSelector('.el-message >> text=菜单已发布，微信客户端约 5 分钟内更新');
    expect(await page.isVisible('[data-test=menu-publish-error]')).toBe(false);
    await page.waitForSelector('[data-test=menu-unpublished]', { state: 'hidden' });
    const published = (await menuState()).published!;
    expect(published.id).not.toBe(first.id);
    expect(await sandboxMenu()).toContain(FIXED_NAME);

    await page.click('[data-test=menu-history-open]');
    // The drawer slides in: wait until it is at rest before reading or photographing it.
    await page.waitForFunction(() => {
      const box = document.querySelector('.el-drawer')?.getBoundingClientRect();
      return !!box && box.width > 400 && Math.abs(box.right - window.innerWidth) < 1;
    });
    await page.waitForFunction(() => document.querySelectorAll('[data-test=menu-history-item]').length === 2);
    const newest = page.locator('[data-test=menu-history-item]').first();
    expect(await newest.getAttribute('data-version')).toBe(String(published.id));
    expect(await newest.textContent()).toContain('当前');
    expect(await newest.textContent()).toContain('发布人：ops');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-menu-history.png') });

    // Roll back to the demo menu: WeChat gets it again and the draft becomes it.
    await page.click(`[data-test=menu-history-item][data-version="${first.id}"] [data-test=menu-history-rollback]`);
    await confirmBox(page, '回滚菜单');
    await page.waitForSelector(`.el-message >> text=已回滚到版本 #${first.id}`);
    const after = await menuState();
    expect(after.published!.rolledBackFrom).toBe(first.id);
    expect(after.draft.buttons[1]!.sub_button![1]!.name).toBe('维修预约');
    expect(await sandboxMenu()).not.toContain(FIXED_NAME);
    await page.waitForFunction(() => document.querySelectorAll('[data-test=menu-history-item]').length === 3);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-test=menu-history]', { state: 'hidden' });
    await page.click('[data-test=menu-preview-top-1]');
    await page.waitForSelector('[data-test=menu-preview-sub-1-1]:has-text("维修预约")');

    // The limits: a 4th top-level button cannot be added, and the button says why.
    expect(await page.isDisabled('[data-test=menu-add-top]')).toBe(true);
    expect(await page.isVisible('[data-test=menu-preview-add-top]')).toBe(false);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-menu-1280.png') });

    // Leaving with unsaved edits asks first.
    await page.fill('[data-test=menu-name]', '服务中心');
    await page.click('[data-test=nav-auto-replies]');
    await confirmBox(page, '未保存的修改');
    await page.waitForURL(/\/admin\/auto-replies/);

    // The one failed request is WeChat's refusal above.
    expect(errors.filter((e) => !e.includes('502'))).toEqual([]);
    await page.close();
  });

  it('creates a keyword reply, answers a test message with it, and switches it off', async () => {
    const page = await signIn('ops');
    const errors = collectPageErrors(page);
    await page.click('[data-test=nav-auto-replies]');
    await page.waitForSelector('[data-test=auto-reply-table-keyword] >> text=转人工客服');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-auto-replies.png'), fullPage: true });

    await page.click('[data-test=auto-reply-create]');
    await page.waitForSelector('[data-test=auto-reply-form]');
    await page.fill('[data-test=auto-reply-name]', '保修查询');
    // A regular expression is compiled as it is typed.
    await page.click('[data-test=auto-reply-match-regex]');
    await page.fill('[data-test=auto-reply-keyword-0]', '(保修');
    await page.waitForSelector('[data-test=auto-reply-form] >> text=括号 ( 没有闭合');
    await page.fill('[data-test=auto-reply-keyword-0]', '保修');
    await page.click('[data-test=auto-reply-match-contains]');
    await page.press('[data-test=auto-reply-keyword-0]', 'Enter');
    await page.fill('[data-test=auto-reply-keyword-1]', '质保');
    await page.fill('[data-test=auto-reply-text]', '保修查询：点击菜单「服务 › 我的保修」，登记后即可查看电子保修卡。');
    await page.click('[data-test=auto-reply-match-regex]');
    await page.fill('[data-test=auto-reply-keyword-1]', '(质保+)+');
    await page.waitForSelector('[data-test=auto-reply-form] >> text=嵌套的重复');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-auto-reply-dialog.png') });
    await page.fill('[data-test=auto-reply-keyword-1]', '质保');
    await page.click('[data-test=auto-reply-match-contains]');
    await page.click('[data-test=auto-reply-save]');
    await page.waitForSelector('[data-test=auto-reply-form]', { state: 'hidden' });
    await page.waitForSelector('[data-test=auto-reply-table-keyword] >> text=保修查询');

    const list = (await t.app.inject({ url: '/api/admin/auto-replies', headers: bearer(ops) })).json() as AutoReplyList;
    const created = list.items.find((r) => r.name === '保修查询')!;
    expect(created).toMatchObject({ kind: 'keyword', matchType: 'contains', keywords: ['保修', '质保'], enabled: true, activeHours: null });

    await page.fill('[data-test=auto-reply-test-message]', '我的相机保修到什么时候？');
    await page.click('[data-test=auto-reply-test-run]');
    await page.waitForSelector('[data-test=auto-reply-test-result] >> text=「保修查询」');
    expect(await page.textContent('[data-test=auto-reply-test-reply]')).toContain('我的保修');
    await page.locator('[data-test=auto-reply-test-result]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-auto-reply-test.png') });

    const row = page.locator('[data-test=auto-reply-table-keyword] tbody tr', { hasText: '保修查询' });
    await row.locator('[data-test=auto-reply-enabled]').click();
    await page.waitForSelector('.el-message >> text=已停用「保修查询」');
    const off = (await t.app.inject({ url: '/api/admin/auto-replies', headers: bearer(ops) })).json() as AutoReplyList;
    expect(off.items.find((r) => r.id === created.id)!.enabled).toBe(false);

    // Switched off, the message falls through to the default reply.
    await page.click('[data-test=auto-reply-test-run]');
    await page.waitForSelector('[data-test=auto-reply-test-result] >> text=「默认回复」');

    expect(errors).toEqual([]);
    await page.close();
  });
});
