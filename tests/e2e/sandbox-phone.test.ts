import path from 'node:path';
import type { AutoReplyList } from '@fanbase/shared/contracts/auto-replies';
import type { MenuState } from '@fanbase/shared/contracts/menus';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo } from '../../server/src/demo/seed';
import { bearer, login, startTestApp, type TestApp } from '../support/app';
import { ARTIFACTS, collectPageErrors, describeWithBrowser, launchBrowser, signInToAdmin } from './browser';

const KEYWORD = '沙箱口令';
const KEYWORD_REPLY = '口令正确：这是沙箱手机收到的关键词回复。';

describeWithBrowser('sandbox phone in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let welcome: string;

  beforeAll(async () => {
    // Listening for real: the sandbox pushes to Fanbase's callback and Fanbase calls the sandbox over HTTP. With the
    // demo seed on, the demo menu (互动 / 服务 / 销售) is published to the sandbox once the server listens.
    t = await startTestApp({ listen: true, env: { LOG_LEVEL: 'error', DEMO_SEED: 'true' } });
    base = t.config.publicUrl;
    await seedDemo(t.db.dataSource, { publicUrl: base, timeZone: t.config.brandTimeZone });
    const ops = await login(t.app, 'ops', DEMO_PASSWORD);

    const rules = (await t.app.inject({ url: '/api/admin/auto-replies', headers: bearer(ops) })).json() as AutoReplyList;
    const welcomeRule = rules.items.find((r) => r.kind === 'welcome' && r.enabled);
    if (welcomeRule?.reply.type === 'text') {
      welcome = welcomeRule.reply.content;
    } else {
      welcome = '欢迎关注！这是沙箱测试的欢迎语。';
      const created = await t.app.inject({ method: 'POST', url: '/api/admin/auto-replies', headers: bearer(ops), payload: { kind: 'welcome', name: '测试欢迎语', reply: { type: 'text', content: welcome } } });
      expect(created.statusCode).toBe(201);
    }
    const keyword = await t.app.inject({
      method: 'POST',
      url: '/api/admin/auto-replies',
      headers: bearer(ops),
      payload: { kind: 'keyword', name: '沙箱口令', matchType: 'exact', keywords: [KEYWORD], priority: 500, reply: { type: 'text', content: KEYWORD_REPLY } },
    });
    expect(keyword.statusCode).toBe(201);

    // The menu reaches the sandbox in the background once listening: wait for it rather than race it.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const state = await t.app.inject({ url: '/sandbox/wechat/_sim/state' });
      if (state.statusCode === 200 && (state.json() as { menu: unknown[] | null }).menu?.length) break;
      if (Date.now() > deadline) throw new Error(`the demo menu never reached the sandbox: ${state.statusCode} ${state.body}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (username: string, viewport = { width: 1280, height: 800 }): Promise<Page> => signInToAdmin(browser, base, username, DEMO_PASSWORD, viewport);

  const outgoing = (text: string) => `[data-test=sandbox-msg-out]:has-text("${text}")`;
  const systemLine = (text: string) => `[data-test=sandbox-system-line]:has-text("${text}")`;

  it('plays a follower: follows, taps the menu, sends a keyword and a location, and sees each reply', async () => {
    const page = await signIn('support');
    const errors = collectPageErrors(page);
    await page.click('[data-test=nav-sandbox-phone]');
    await page.waitForSelector('[data-test=sandbox-page]');
    await page.waitForSelector('[data-test=sandbox-account-name]:has-text("光影")');

    // A new follower is not following yet: WeChat shows neither menu nor keyboard, only the way to follow.
    await page.fill('[data-test=sandbox-new-nickname]', '沙箱小王');
    await page.click('[data-test=sandbox-create-follower]');
    await page.waitForSelector('[data-test=sandbox-follower-status]:has-text("未关注")');
    expect(await page.isVisible('[data-test=sandbox-not-following]')).toBe(true);
    expect(await page.isVisible('[data-test=sandbox-menu]')).toBe(false);
    const openId = (await page.textContent('[data-test=sandbox-openid]'))!.trim();
    expect(openId).toMatch(/^\S{10,}$/);
    await page.waitForURL((url) => url.searchParams.get('openid') === openId);

    await page.click('[data-test=sandbox-follow]');
    await page.waitForSelector('[data-test=sandbox-follower-status]:has-text("已关注")');
    await page.waitForSelector(systemLine('你关注了'));
    const firstLine = welcome.split('\n')[0]!;
    await page.waitForSelector(outgoing(firstLine));
    expect(await page.textContent(`${outgoing(firstLine)} [data-test=sandbox-msg-channel]`)).toBe('被动回复');
    await page.waitForSelector('[data-test=sandbox-menu]');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-phone-follow.png') });

    // 服务 opens its sub-buttons; 联系客服 is a click button (key SERVICE_AGENT) answered with the hand-off text.
    await page.click('[data-test=sandbox-menu-top]:has-text("服务")');
    await page.waitForSelector('[data-test=sandbox-menu-popup] >> text=联系客服');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-phone-menu.png') });
    await page.click('[data-test=sandbox-menu-sub]:has-text("联系客服")');
    await page.waitForSelector('[data-test=sandbox-menu-popup]', { state: 'detached' });
    await page.waitForSelector(systemLine('你点击了菜单「联系客服」'));
    await page.waitForSelector(outgoing('人工客服'));

    // The keyboard: a keyword and its reply, then a location (Shanghai unless changed).
    await page.click('[data-test=sandbox-toggle-input]');
    await page.fill('[data-test=sandbox-input]', KEYWORD);
    await page.click('[data-test=sandbox-send]');
    await page.waitForSelector(`[data-test=sandbox-msg-in]:has-text("${KEYWORD}")`);
    await page.waitForSelector(outgoing(KEYWORD_REPLY));
    expect(await page.inputValue('[data-test=sandbox-input]')).toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-phone-keyword.png') });
    await page.click('[data-test=sandbox-location]');
    await page.click('[data-test=sandbox-location-send]');
    await page.waitForSelector('[data-test=sandbox-msg-location]:has-text("上海市")');
    // A photo: the sandbox makes up its picture, served from its own host (the CSP allows it).
    await page.click('[data-test=sandbox-image]');
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('[data-test=sandbox-msg-in] img')).some((img) => img.complete && img.naturalWidth > 0));
    // The conversation is scrolled to its newest message.
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-test=sandbox-conversation]')!;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 4;
    });

    // Messages come from the sandbox, not the page: a reload shows the same conversation for the same follower.
    await page.reload();
    await page.waitForSelector(outgoing(KEYWORD_REPLY));
    expect(await page.textContent('[data-test=sandbox-openid]')).toContain(openId);

    // A view button signs the H5 in as this follower (the sandbox cookie) and opens the page in a new tab.
    await page.click('[data-test=sandbox-menu-top]:has-text("服务")');
    const opened = page.context().waitForEvent('page');
    await page.click('[data-test=sandbox-menu-sub]:has-text("附近门店")');
    const tab = await opened;
    await tab.waitForLoadState('domcontentloaded');
    expect(tab.url()).toContain('/h5/stores');
    const cookies = await page.context().cookies(base);
    expect(cookies.find((c) => c.name === 'fanbase_sandbox_openid')?.value).toBe(encodeURIComponent(openId));
    await tab.close();
    await page.waitForSelector(systemLine('你打开了菜单「附近门店」'));

    // The console at a common laptop size: the page does not scroll sideways and the phone's menu bar is in view.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const bar = (await page.$('[data-test=sandbox-menu]'))!;
    const box = (await bar.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-phone-1366.png') });

    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a menu the ops team publishes, after a reload', async () => {
    const page = await signIn('ops', { width: 1366, height: 768 });
    const errors = collectPageErrors(page);
    await page.click('[data-test=nav-sandbox-phone]');
    await page.fill('[data-test=sandbox-new-nickname]', '沙箱小李');
    await page.click('[data-test=sandbox-create-follower]');
    await page.click('[data-test=sandbox-follow]');
    await page.waitForSelector('[data-test=sandbox-menu-top]:has-text("互动")');

    const ops = await login(t.app, 'ops', DEMO_PASSWORD);
    const menu = (await t.app.inject({ url: '/api/admin/menu', headers: bearer(ops) })).json() as MenuState;
    const buttons = structuredClone(menu.published!.buttons);
    expect(buttons[0]!.name).toBe('互动');
    buttons[0]!.name = '社区';
    const draft = await t.app.inject({ method: 'PUT', url: '/api/admin/menu/draft', headers: bearer(ops), payload: { buttons } });
    expect(draft.statusCode).toBe(200);
    const published = await t.app.inject({ method: 'POST', url: '/api/admin/menu/publish', headers: bearer(ops) });
    expect(published.statusCode).toBe(200);

    await page.reload();
    await page.waitForSelector('[data-test=sandbox-menu-top]:has-text("社区")');
    const names = await page.$$eval('[data-test=sandbox-menu-top]', (els) => els.map((e) => e.textContent?.trim()));
    expect(names).toEqual(['社区', '服务', '销售']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('explains a follower the sandbox no longer knows, and a lost connection', async () => {
    const page = await signIn('ops');
    // An address naming a follower from before a restart: said so, and nobody is selected.
    await page.goto(`${base}/admin/sandbox-phone?openid=oGoneSinceRestart000000000`);
    await page.waitForSelector('.el-message >> text=已不存在');
    expect(await page.isVisible('[data-test=sandbox-follower-info]')).toBe(false);

    await page.fill('[data-test=sandbox-new-nickname]', '沙箱小赵');
    await page.click('[data-test=sandbox-create-follower]');
    await page.waitForSelector('[data-test=sandbox-follower-status]:has-text("未关注")');

    // The server stops answering: the page says so while it keeps polling, and recovers on its own.
    await page.route('**/sandbox/wechat/_sim/**', (route) => route.abort('connectionrefused'));
    await page.waitForSelector('[data-test=sandbox-connection-lost]');
    await page.click('[data-test=sandbox-follow]');
    await page.waitForSelector('.el-message >> text=无法连接 Fanbase 服务器');
    await page.unroute('**/sandbox/wechat/_sim/**');
    await page.waitForSelector('[data-test=sandbox-connection-lost]', { state: 'detached' });
    await page.close();
  });

  it('is not offered to store clerks', async () => {
    const page = await signIn('clerk.sh');
    await page.waitForSelector('[data-test=nav-overview]');
    expect(await page.isVisible('[data-test=nav-sandbox-phone]')).toBe(false);
    await page.goto(`${base}/admin/sandbox-phone`);
    await page.waitForSelector('text=无权访问');
    await page.close();
  });
});
