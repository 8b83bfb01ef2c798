import { test, expect, hydrated, OwnServer } from './support';

// A server of this test's own, on a new database: the first visit offers
// "Create the administrator", and what is saved survives a restart.
test('first run creates the administrator; a trunk survives a restart', async ({ page }) => {
  const server = new OwnServer(3101);
  await server.start();
  try {
    await page.goto(`${server.url}/ipbx/trunks`);
    await expect(page).toHaveURL(`${server.url}/login`);
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Create the administrator' })).toBeVisible();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Create the administrator' }).click();
    await expect(page.locator('#error-password')).toContainText('at least 8 characters');
    await page.getByLabel('Password', { exact: true }).fill('first-run-pass');
    await page.getByLabel('Password again').fill('first-run-pass');
    await page.getByRole('button', { name: 'Create the administrator' }).click();
    await page.waitForURL(`${server.url}/`);
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

    // Creating another administrator is no longer possible.
    const again = await page.request.post(`${server.url}/api/create_admin`, {
      data: { input: { username: 'intruder', password: 'intruder-pass', confirm: 'intruder-pass' } },
    });
    expect(await again.text()).toContain('already exists');

    const created = await page.request.post(`${server.url}/api/v1/trunks`, {
      data: { name: 'persisted', host_type: 'static', host: 'sip.example.net', port: 5080 },
    });
    expect(created.status()).toBe(201);

    await server.stop();
    await server.start();

    // The session is stored too, so the same browser goes straight in.
    await page.goto(`${server.url}/ipbx/trunks`);
    await hydrated(page);
    await expect(page.locator('tr[data-trunk="persisted"]')).toContainText('sip.example.net');
  } finally {
    await server.stop();
  }
});
