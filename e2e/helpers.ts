// What the browser tests of the console share: signing in (for the API and through the sign-in page),
// full-page screenshots into test-results/, the check that a page fits a phone's width, that the current
// page's navigation tab is in view, and a record of a page's console errors and failed requests.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { SHOTS } from './browser.js';

/** Signs in through the API; returns the session cookie for fetch(). */
export async function apiSignIn(base: string, userId: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, password }) });
  assert.equal(res.status, 200, `sign-in ${userId}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** A new page of the context, signed in through the sign-in page, on its way to `next`. */
export async function signIn(ctx: BrowserContext, base: string, next: string, user: string, password: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  return page;
}

/** Switches the page's language with the header's switch, and waits until the page says it is in it. */
export async function switchLang(page: Page, lang: 'zh-CN' | 'en'): Promise<void> {
  await page.getByTestId(`lang-option-${lang}`).click();
  await page.waitForFunction(`document.documentElement.lang === '${lang}'`);
}

/** Full-page screenshot from the top (the sticky header would otherwise sit mid-page). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

/** The trimmed text of the first element with this test id. */
export async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().innerText()).trim();
}

export async function noHorizontalOverflow(page: Page): Promise<void> {
  const [scroll, client] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
  assert.ok(scroll <= client, `the page fits ${client} px (scrollWidth ${scroll})`);
}

/** The navigation's tab `id` is the current page's and lies within the navigation's visible box (a phone's row scrolls sideways). */
export async function activeTabInView(page: Page, id: string): Promise<void> {
  const tab = page.getByTestId(`nav-${id}`);
  await page.waitForFunction(`document.querySelector('[data-testid="nav-${id}"]')?.classList.contains('is-active') === true`);
  const [nav, box] = [await page.getByTestId('sidenav').boundingBox(), await tab.boundingBox()];
  assert.ok(nav && box, `nav-${id} is laid out`);
  assert.ok(box.x >= nav.x - 0.5 && box.x + box.width <= nav.x + nav.width + 0.5, `nav-${id} (${box.x}…${box.x + box.width}) is within the navigation (${nav.x}…${nav.x + nav.width})`);
}

/**
 * From now on, what of a page shows as a failure in the browser's developer tools: console errors
 * (Chromium logs every 4xx/5xx answer as one) and answers with a 4xx/5xx status, as
 * "404 GET /api/…". A page that works quietly leaves the list empty.
 */
export function recordFailures(page: Page): string[] {
  const out: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') out.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) out.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return out;
}
