// Lists of thousands (issue 19), on the trunk list: the server sends one
// page of 50 with the total and Previous / Next; the filter and page are
// in the address; typing filters without a reload (debounced); a delete
// takes its row out without asking for the list again; with JavaScript
// off the filter is a plain form and the pages plain links.
import { test, expect, login, consoleHeaders, MAIN } from './support';
import { Login, TrunkList } from './pages';
import type { APIRequestContext } from '@playwright/test';

const COUNT = 120;
const name = (i: number) => `list-e2e-${String(i).padStart(3, '0')}`;

async function createTrunks(request: APIRequestContext, headers: Record<string, string>) {
  for (let i = 0; i < COUNT; i++) {
    const res = await request.post('/api/v1/trunks', {
      headers,
      // Addresses, not names: nothing to look up in DNS.
      data: { name: name(i), host_type: 'static', host: `192.0.2.${i + 1}` },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
}

/** Deletes every trunk this spec made, so the other specs find the list as they left it. */
async function removeTrunks(request: APIRequestContext, headers: Record<string, string>) {
  const res = await request.get('/api/v1/trunks?q=list-e2e-');
  for (const trunk of (await res.json()) as { id: number }[]) {
    await request.delete(`/api/v1/trunks/${trunk.id}`, { headers });
  }
}

test('the trunk list pages and filters on the server', async ({ page }) => {
  await login(page);
  const headers = await consoleHeaders(page);
  await createTrunks(page.request, headers);
  try {
    const list = new TrunkList(page);
    // REST pages the same list, its total in a header.
    const api = await page.request.get('/api/v1/trunks?q=list-e2e-&limit=10&offset=110');
    expect(api.headers()['x-total-count']).toBe(String(COUNT));
    expect(((await api.json()) as unknown[]).length).toBe(10);

    // One page of 50, the total, a link to the next page.
    const listRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/list_trunks')) listRequests.push(r.url());
    });
    await page.goto('/ipbx/trunks?q=list-e2e-');
    await list.hydrated();
    await expect(list.rows).toHaveCount(50);
    await expect(list.total).toHaveText('1–50 of 120 trunks (page 1 of 3)');
    await expect(list.previous).toHaveCount(0);
    await list.next.click();
    await expect(page).toHaveURL(/\?q=list-e2e-&page=2$/);
    await expect(list.rows.first()).toHaveAttribute('data-trunk', name(50));
    await expect(list.total).toHaveText('51–100 of 120 trunks (page 2 of 3)');
    await list.next.click();
    await expect(list.rows).toHaveCount(20);
    await list.previous.click();
    await expect(page).toHaveURL(/\?q=list-e2e-&page=2$/);

    // Typing filters (after a pause, from page 1), and the address follows.
    await list.filter.fill('LIST-E2E-11');
    await expect(page).toHaveURL(/\?q=LIST-E2E-11$/);
    await expect(list.rows).toHaveCount(10);
    await expect(list.total).toHaveText('10 trunks');
    await list.filter.fill('2.117');
    await expect(list.rows).toHaveCount(1);
    await expect(list.row(name(116))).toBeVisible();
    await list.filter.fill('no-such-trunk');
    await expect(page.getByText('No trunk matches “no-such-trunk”.')).toBeVisible();

    // A bookmarked filtered page opens as it was.
    await page.goto('/ipbx/trunks?q=list-e2e-11');
    await list.hydrated();
    await expect(list.filter).toHaveValue('list-e2e-11');
    await expect(list.rows).toHaveCount(10);

    // A delete takes its row out in place: the list is not read again.
    const before = listRequests.length;
    const row = list.row(name(113));
    await list.delete(row);
    await expect(row).toHaveCount(0);
    await expect(list.rows).toHaveCount(9);
    await expect(list.total).toHaveText('9 trunks');
    expect(listRequests.length).toBe(before);
  } finally {
    await removeTrunks(page.request, headers);
  }
});

test('without JavaScript the filter is a form and the pages are links', async ({ browser, page }) => {
  await login(page);
  const headers = await consoleHeaders(page);
  await createTrunks(page.request, headers);
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: MAIN.url });
  try {
    const nojs = await context.newPage();
    const screen = new Login(nojs);
    await screen.visit();
    await screen.logIn(MAIN.user, MAIN.password);
    await expect(nojs).toHaveURL(`${MAIN.url}/`);

    const list = new TrunkList(nojs);
    await list.visit();
    await list.filter.fill('list-e2e-0');
    await list.filter.press('Enter');
    await expect(nojs).toHaveURL(/\/ipbx\/trunks\?q=list-e2e-0$/);
    await expect(list.rows).toHaveCount(50);
    await expect(list.total).toHaveText('1–50 of 100 trunks (page 1 of 2)');
    await list.next.click();
    await expect(nojs).toHaveURL(/\?q=list-e2e-0&page=2$/);
    await expect(list.rows.first()).toHaveAttribute('data-trunk', name(50));
    await expect(list.filter).toHaveValue('list-e2e-0');

    // Delete from page 2 keeps the filter and the page.
    const row = list.row(name(60));
    await list.delete(row);
    await expect(nojs).toHaveURL(/\?q=list-e2e-0&page=2$/);
    await expect(row).toHaveCount(0);
    await expect(list.total).toHaveText('51–99 of 99 trunks (page 2 of 2)');
  } finally {
    await context.close();
    await removeTrunks(page.request, headers);
  }
});
