import { test, expect, login, hydrated, OwnServer } from './support';
import type { Page } from '@playwright/test';

// Call management on a server of its own: the seed configuration built
// through the screens (trunk, user, outgoing and incoming call) would
// otherwise collide with the other specs' trunk and users.
const server = new OwnServer(3102);
const PASSWORD = 'calls-e2e-pass';
const at = (path: string) => `${server.url}${path}`;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await server.start();
  const res = await fetch(at('/api/create_admin'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { username: 'admin', password: PASSWORD, confirm: PASSWORD } }),
  });
  expect(res.ok).toBe(true);
});

test.afterAll(async () => {
  await server.stop();
});

async function open(page: Page, path: string) {
  await page.goto(at(path));
  await hydrated(page);
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

/** The seed's trunk, typed exactly as trunks.spec.ts types it. */
async function enterSeedTrunk(page: Page) {
  await open(page, '/ipbx/trunks/new');
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
  await page.locator('#reg_secret').fill('provider_password');
  await openTab(page, 'Signalling');
  await page.getByLabel('Monitoring').selectOption('2000');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/ipbx\/trunks$/);
}

const cell = (page: Page, name: string) => page.locator(`[id="${name}"]`);

test('seed configuration through the screens, then the route testers', async ({ page }) => {
  await login(page, server.url, PASSWORD);
  await enterSeedTrunk(page);

  // A user at the front desk; the line password is generated and shown once.
  await open(page, '/ipbx/users/new');
  await page.locator('#firstname').fill('Front');
  await page.locator('#lastname').fill('Desk');
  await page.locator('#exten').fill('1000');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#generated-password')).toBeVisible();

  // Outgoing call "provider": trunk provider_username, pattern 418.
  await open(page, '/ipbx/outcalls/new');
  await page.locator('#name').fill('provider');
  await expect(page.locator('#context option:checked')).toHaveText('Outcalls (to-extern)');
  await page.locator('#trunk-choice').selectOption({ label: 'provider_username' });
  await page.getByRole('button', { name: 'Add trunk' }).click();
  await expect(page.locator('#trunks li[data-trunk="provider_username"]')).toBeVisible();
  await expect(page.locator('#trunk-choice')).toBeDisabled();
  await openTab(page, 'Exten');
  await page.getByRole('button', { name: 'Add a pattern' }).click();
  await cell(page, 'extens.0.pattern').fill('418.');
  // A catch-all warns as it is typed; removing the row removes the warning.
  await page.getByRole('button', { name: 'Add a pattern' }).click();
  await cell(page, 'extens.1.pattern').fill('X.');
  await expect(page.locator('#pattern-warnings')).toContainText('is a catch-all');
  await page.locator('tr[data-exten-row="1"]').getByRole('button', { name: 'Remove' }).click();
  await expect(page.locator('#pattern-warnings li')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save' }).click();

  // No warning: straight back to the list, patterns shown without `_`.
  await expect(page).toHaveURL(/\/ipbx\/outcalls$/);
  const outcall = page.locator('tr[data-outcall="provider"]');
  await expect(outcall).toContainText('to-extern');
  await expect(outcall).toContainText('provider_username');
  await expect(outcall.locator('td.patterns')).toHaveText('418.');

  // Incoming call: 4185550000 rings Front Desk (1000).
  await open(page, '/ipbx/incalls/new');
  await page.locator('#did').fill('4185550000');
  await expect(page.locator('#context option:checked')).toHaveText('Incalls (from-extern)');
  await page.locator('#destination').selectOption('user');
  await page.locator('#user-filter').fill('desk');
  await page.locator('#user_id').selectOption({ label: 'Front Desk (1000)' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/ipbx\/incalls$/);
  await expect(page.locator('tr[data-incall="4185550000"]')).toContainText('Front Desk (1000)');

  // Incoming route tester: the provider sends the number with a +.
  await page.locator('#route-trunk').selectOption('provider_username');
  await page.locator('#route-did').fill('+4185550000');
  await expect(page.locator('#route-result')).toContainText('Front Desk (1000)');
  await page.locator('#route-did').fill('4185559999');
  await expect(page.locator('#route-nomatch')).toContainText('No incoming call for DID 4185559999');

  // Outgoing route tester, resolved as the number is typed.
  await open(page, '/ipbx/outcalls');
  await page.locator('#route-caller').selectOption({ label: 'Front Desk (1000)' });
  await page.locator('#route-number').fill('4185551234');
  const attempt = page.locator('tr[data-trunk-attempt]');
  await expect(attempt).toHaveCount(1);
  await expect(attempt).toContainText('provider_username');
  await expect(attempt).toContainText('4185551234');
  await expect(page.locator('#route-candidates li').first()).toContainText('418.');
  await expect(page.locator('#route-result')).toContainText('to-extern');
  await page.locator('#route-number').fill('418');
  await expect(page.locator('#route-nomatch')).toContainText('needs at least one digit after 418');
  await page.locator('#route-number').fill('41a');
  await expect(page.locator('#route-refusal')).toContainText('is not a number a phone can dial');
});

test('a pattern that warns is saved, and the page stays to show why', async ({ page }) => {
  await login(page, server.url, PASSWORD);
  await open(page, '/ipbx/outcalls/new');
  await page.locator('#name').fill('everything');
  await page.getByRole('button', { name: 'Add trunk' }).click();
  await openTab(page, 'Exten');
  await page.getByRole('button', { name: 'Add a pattern' }).click();
  await cell(page, 'extens.0.pattern').fill('X.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#saved')).toContainText('Saved.');
  await expect(page.locator('#saved-warnings')).toContainText('is a catch-all');
  await expect(page).toHaveURL(/\/ipbx\/outcalls\/new$/);

  // Saving again edits what was created rather than making a second one.
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#saved')).toContainText('Saved.');
  await page.getByRole('link', { name: 'Back to outgoing calls' }).click();
  const row = page.locator('tr[data-outcall="everything"]');
  await expect(row).toHaveCount(1);

  // Delete it, with a confirmation that can be cancelled.
  await hydrated(page);
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.locator('tr[data-outcall="provider"]')).toHaveCount(1);
});

test('a malformed pattern shows its error under the cell and Save keeps it', async ({ page }) => {
  await login(page, server.url, PASSWORD);
  await open(page, '/ipbx/outcalls/new');
  await page.locator('#name').fill('broken');
  await page.getByRole('button', { name: 'Add trunk' }).click();
  await openTab(page, 'Exten');
  await page.getByRole('button', { name: 'Add a pattern' }).click();
  await cell(page, 'extens.0.pattern').fill('[418');
  // As you type, before any Save.
  await expect(cell(page, 'error-extens.0.pattern')).not.toBeEmpty();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/ipbx\/outcalls\/new$/);
  await expect(cell(page, 'extens.0.pattern')).toHaveValue('[418');
  await expect(cell(page, 'error-extens.0.pattern')).toContainText('[418');
  await expect(page.getByRole('tab', { name: /^Exten/ })).toContainText('1');

  // Nothing was stored.
  await open(page, '/ipbx/outcalls');
  await expect(page.locator('tr[data-outcall="broken"]')).toHaveCount(0);
});
