import { test, expect, login, hydrated } from './support';
import type { Page } from '@playwright/test';

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

/** The seed's example, typed exactly as XiVO's guide tells. */
async function enterSeedTrunk(page: Page) {
  await page.goto('/ipbx/trunks/new');
  await hydrated(page);
  await page.locator('#name').fill('provider_username');
  await page.getByLabel('Authentication username').fill('provider_username');
  await page.locator('#secret').fill('provider_password');
  await page.getByLabel('Connection type').selectOption('peer');
  await page.getByLabel('IP addressing type').selectOption('static');
  await page.getByLabel('Host', { exact: true }).fill('voip.provider.example.com');
  await page.getByLabel('Context').selectOption({ label: 'Incalls (from-extern)' });
  await openTab(page, 'Register');
  await page.getByLabel('Register', { exact: true }).check();
  await page.getByLabel('Transport').selectOption('udp');
  // Checking Register filled the account from the General tab.
  await expect(page.locator('#reg_username')).toHaveValue('provider_username');
  await expect(page.locator('#reg_name')).toHaveValue('provider_username');
  await expect(page.locator('#reg_server')).toHaveValue('voip.provider.example.com');
  await page.locator('#reg_secret').fill('provider_password');
  await openTab(page, 'Signalling');
  await page.getByLabel('Monitoring').selectOption('2000');
}

test('create the seed trunk, see it, edit it, delete it', async ({ page }) => {
  await login(page);
  await enterSeedTrunk(page);
  await page.getByRole('button', { name: 'Save' }).click();

  await expect(page).toHaveURL(/\/ipbx\/trunks$/);
  const row = page.locator('tr[data-trunk="provider_username"]');
  await expect(row).toContainText('voip.provider.example.com');
  await expect(row).toContainText('Peer');
  await expect(row).toContainText('provider_username@voip.provider.example.com');
  await expect(row).toContainText('2000 ms every 60 s');
  await expect(row).toContainText('from-extern');

  // The password never comes back to the browser.
  const api = await page.request.get('/api/v1/trunks');
  expect(await api.text()).not.toContain('provider_password');

  // Filter box.
  await page.locator('#filter').fill('nomatch');
  await expect(row).toHaveCount(0);
  await page.locator('#filter').fill('VOIP.provider');
  await expect(row).toHaveCount(1);

  // Edit: change the host; the blank password keeps the stored one.
  await row.getByRole('link', { name: 'provider_username' }).click();
  await hydrated(page);
  await expect(page.locator('#secret')).toHaveValue('');
  await expect(page.locator('#secret')).toHaveAttribute('placeholder', 'unchanged (stored)');
  await page.getByLabel('Host', { exact: true }).fill('sip2.provider.example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/ipbx\/trunks$/);
  await expect(row).toContainText('sip2.provider.example.com');
  const after = (await (await page.request.get('/api/v1/trunks')).json())[0];
  expect(after.has_secret).toBe(true);
  expect(after.version).toBe(2);

  // Delete, with a confirmation that can be cancelled.
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toContainText('Delete provider_username?');
  await row.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByText('No SIP trunk yet')).toBeVisible();
});

test('a bad host and an out-of-range port show field errors and keep the input', async ({ page }) => {
  await login(page);
  await page.goto('/ipbx/trunks/new');
  await hydrated(page);
  await page.locator('#name').fill('badtrunk');
  await page.getByLabel('IP addressing type').selectOption('static');
  await page.getByLabel('Host', { exact: true }).fill('not a host!');
  await page.locator('#port').fill('70000');
  await openTab(page, 'Register');
  await page.locator('#reg_expiry').fill('30');
  await page.getByRole('button', { name: 'Save' }).click();

  // The first tab with an error opens, each error sits next to its field.
  await expect(page.locator('#error-host')).toContainText('is not a host name or an IP address');
  await expect(page.locator('#error-port')).toContainText('1 to 65535');
  await expect(page.getByRole('tab', { name: /^Register/ })).toContainText('1');
  await expect(page.getByLabel('Host', { exact: true })).toHaveValue('not a host!');
  await expect(page.locator('#port')).toHaveValue('70000');
  await expect(page).toHaveURL(/\/ipbx\/trunks\/new$/);

  // Nothing was stored.
  const list = await (await page.request.get('/api/v1/trunks')).json();
  expect(list.find((t: { name: string }) => t.name === 'badtrunk')).toBeUndefined();

  // Fixing the fields saves.
  await page.getByLabel('Host', { exact: true }).fill('192.0.2.10');
  await page.locator('#port').fill('5060');
  await openTab(page, 'Register');
  await expect(page.locator('#error-reg_expiry')).toContainText('60 to 3600');
  await page.locator('#reg_expiry').fill('120');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('tr[data-trunk="badtrunk"]')).toContainText('192.0.2.10');
});

test('a duplicate name is refused by the server next to the Name field', async ({ page }) => {
  await login(page);
  const res = await page.request.post('/api/v1/trunks', { data: { name: 'dup', host_type: 'dynamic' } });
  expect(res.status()).toBe(201);
  await page.goto('/ipbx/trunks/new');
  await hydrated(page);
  await page.locator('#name').fill('DUP');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#error-name')).toContainText('already exists');
  await expect(page.locator('#name')).toHaveValue('DUP');
});

test('saving over someone else’s change is refused and keeps the input', async ({ page }) => {
  await login(page);
  const created = await (
    await page.request.post('/api/v1/trunks', { data: { name: 'shared', host_type: 'dynamic' } })
  ).json();
  await page.goto(`/ipbx/trunks/edit/${created.id}`);
  await hydrated(page);
  // Someone else saves first, through the API.
  const other = await page.request.put(`/api/v1/trunks/${created.id}`, {
    data: { name: 'shared', host_type: 'dynamic', caller_id: 'theirs', version: created.version },
  });
  expect(other.status()).toBe(200);
  await page.getByLabel('Caller ID').fill('mine');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#banner')).toContainText('changed by someone else since you opened it');
  await expect(page.getByLabel('Caller ID')).toHaveValue('mine');
  const stored = await (await page.request.get(`/api/v1/trunks/${created.id}`)).json();
  expect(stored.caller_id).toBe('theirs');
});
