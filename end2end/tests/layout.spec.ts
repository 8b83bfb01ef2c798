import { test, expect, login, OwnServer, consoleHeaders } from './support';
import { hydrated, MainMenu } from './pages';
import type { Page } from '@playwright/test';

// Screens that fit (issue 19): with twenty trunks whose host names are
// long, no screen scrolls sideways at 1280×800, the side menu keeps one
// width everywhere, and at 390 px wide the menu folds behind "Menu" while
// the trunk list and the registry scroll inside their own box with the
// name column held in place. A server of its own, so the twenty trunks
// trouble no other spec.
const server = new OwnServer(3108);
const PASSWORD = 'layout-password-1';
let ids: number[] = [];

test.beforeAll(async ({ browser }) => {
  await server.start();
  const page = await browser.newPage();
  await server.adminLogin(page, PASSWORD);
  ids = await twentyTrunks(page);
  await page.close();
});
test.afterAll(async () => {
  await server.stop();
});

/** Twenty trunks as a multi-site office has them: long names and hosts,
 *  some registering (to names that do not resolve, so the registry fills
 *  with its longest sentences), some monitored. */
async function twentyTrunks(page: Page): Promise<number[]> {
  const headers = await consoleHeaders(page, server.url);
  const ids: number[] = [];
  for (let i = 1; i <= 20; i++) {
    const n = String(i).padStart(2, '0');
    const host = `sbc-${n}.voice-gateway.eu-west.regional-carrier-services.invalid`;
    const created = await page.request.post(`${server.url}/api/v1/trunks`, {
      headers,
      data: {
        name: `carrier_trunk_${n}_long`, secret: 'secret', host_type: 'static', host, port: 5060,
        register: i % 2 === 0, reg_username: `account_${n}_9876543210`, reg_server: host, reg_port: 5060,
        monitoring: i % 3 === 0 ? '2000' : 'no',
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    ids.push((await created.json()).id);
  }
  return ids;
}

/** How far the page, and any list box that is not allowed to scroll, runs past the window. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const page = doc.scrollWidth - doc.clientWidth;
    const boxes = [...document.querySelectorAll<HTMLElement>('main, .table-box, table.list')]
      .map((el) => ({ what: el.id || el.className || el.tagName, by: el.scrollWidth - el.clientWidth }))
      .filter((b) => b.by > 1);
    return { page, boxes };
  });
}

test('no screen scrolls sideways at 1280×800 and the menu keeps its width', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await login(page, server.url, PASSWORD);
  const screens = [
    '/', '/ipbx/users', '/ipbx/users/new', '/ipbx/contexts', '/ipbx/contexts/new',
    '/ipbx/outcalls', '/ipbx/outcalls/new', '/ipbx/incalls', '/ipbx/incalls/new',
    '/ipbx/trunks', '/ipbx/trunks/new', `/ipbx/trunks/edit/${ids[1]}`,
    '/ipbx/security', '/ipbx/nat', '/status/registry', '/status/calls',
  ];
  const menu = new MainMenu(page).nav;
  const widths = new Set<number>();
  for (const path of screens) {
    await page.goto(server.url + path);
    await hydrated(page);
    if (path === '/status/registry') {
      // Every registering trunk has tried (and failed) by now: the widest rows.
      await expect(page.locator('td.last-response', { hasText: 'DNS:' })).toHaveCount(10, { timeout: 15_000 });
    }
    expect(await overflow(page), path).toEqual({ page: 0, boxes: [] });
    const box = await menu.boundingBox();
    expect(box, path).not.toBeNull();
    widths.add(Math.round(box!.width));
  }
  expect([...widths], 'the menu is as wide on every screen').toHaveLength(1);
  // The trunk list keeps its last column, Delete, on the screen.
  await page.goto(`${server.url}/ipbx/trunks`);
  await hydrated(page);
  const deletes = page.getByRole('button', { name: 'Delete' });
  await expect(deletes).toHaveCount(20);
  // Scrolled down to it (twenty rows run past 800 px): whole, not cut at the right.
  await deletes.last().scrollIntoViewIfNeeded();
  await expect(deletes.last()).toBeInViewport({ ratio: 1 });
});

test('at 390 px the menu folds and the lists scroll in their own box', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, server.url, PASSWORD);
  for (const [path, table] of [['/ipbx/trunks', '#trunks'], ['/status/registry', '#registry']]) {
    await page.goto(server.url + path);
    await hydrated(page);
    const menu = new MainMenu(page);
    await expect(menu.nav, path).toBeHidden();
    expect((await overflow(page)).page, `${path}: the page itself never scrolls sideways`).toBe(0);
    // The table is wider than the phone: it scrolls, the name column stays.
    const list = page.locator(table);
    const name = list.locator('td.name').first();
    await expect(name).toBeVisible();
    const before = await name.boundingBox();
    await list.evaluate((el) => { el.scrollLeft = 400; });
    const after = await name.boundingBox();
    expect(after!.x, `${path}: the name column is held in place`).toBe(before!.x);
    await expect(name).toBeInViewport();
    // "Menu" opens it; following a link folds it again.
    await page.getByText('Menu', { exact: true }).click();
    await expect(menu.nav).toBeVisible();
    await menu.nav.getByRole('link', { name: 'Calls', exact: true }).click();
    await expect(page).toHaveURL(/\/status\/calls$/);
    await expect(menu.nav).toBeHidden();
  }
});
