import { test, expect, OwnServer, consoleHeaders } from './support';
import { Login, Overview, TrunkList } from './pages';

// A server of this test's own, on a new database: the first visit offers
// "Create the administrator", and what is saved survives a restart.
test('first run creates the administrator; a trunk survives a restart', async ({ page }) => {
  const server = new OwnServer(3101);
  await server.start();
  try {
    const login = new Login(page, server.url);
    const trunks = new TrunkList(page, server.url);
    const overview = new Overview(page, server.url);
    await trunks.visit();
    await expect(page).toHaveURL(`${server.url}/login`);
    await login.hydrated();
    await expect(login.heading('Create the administrator')).toBeVisible();
    await login.createAdministrator({ username: 'admin', password: 'short', again: 'short' });
    await expect(login.error('password')).toContainText('at least 8 characters');
    await login.createAdministrator({ password: 'first-run-pass', again: 'first-run-pass' });
    await page.waitForURL(`${server.url}/`);
    await overview.hydrated();
    await expect(overview.heading(overview.title)).toBeVisible();

    // Creating another administrator is no longer possible.
    const again = await page.request.post(`${server.url}/api/create_admin`, {
      headers: await consoleHeaders(page, server.url),
      data: { input: { username: 'intruder', password: 'intruder-pass', confirm: 'intruder-pass' } },
    });
    expect(await again.text()).toContain('already exists');

    const created = await page.request.post(`${server.url}/api/v1/trunks`, {
      headers: await consoleHeaders(page, server.url),
      data: { name: 'persisted', host_type: 'static', host: 'sip.example.net', port: 5080 },
    });
    expect(created.status()).toBe(201);

    await server.stop();
    await server.start();

    // The session is stored too, so the same browser goes straight in.
    await trunks.open();
    await expect(trunks.row('persisted')).toContainText('sip.example.net');
  } finally {
    await server.stop();
  }
});
