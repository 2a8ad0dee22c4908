import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ARTIFACTS = path.resolve(__dirname, 'artifacts');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// Without Chromium the browser tests are skipped (global-setup.ts says so in one line), except where
// FANBASE_TEST_REQUIRE_BROWSER=1 (CI) makes a missing browser a failure.
export const describeWithBrowser: (title: string, fn: () => void) => void = (title, fn) =>
  (existsSync(CHROMIUM) || process.env['FANBASE_TEST_REQUIRE_BROWSER'] === '1' ? describe : describe.skip)(title, fn);

// Debian's Chromium (apt-get install chromium), never a downloaded browser. The flags keep it off the network.
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// Console errors and CSP violations fail a page: they are how a broken build shows itself in a browser.
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** A staff member signed in to the admin console, on a fresh page of `browser`. */
export async function signInToAdmin(browser: Browser, base: string, username: string, password: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(10_000);
  await page.goto(`${base}/admin/login`);
  await page.fill('[data-test=login-username]', username);
  await page.fill('[data-test=login-password]', password);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=admin-layout]');
  return page;
}
