import { test, expect, login, hydrated, freeUdpPort } from './support';
import { spawn } from 'node:child_process';
import path from 'node:path';

// The seed's check, live: after saving a registering trunk, Status → SIP
// registry shows it Registered without reloading the page.
test('a new trunk appears in the SIP registry and turns Registered live', async ({ page }) => {
  const port = await freeUdpPort();
  const scenario = path.resolve(__dirname, '../../server/tests/sipp/reg_challenge_uas.xml');
  // A provider that challenges with 401, checks the digest, then accepts.
  const provider = spawn(
    'sipp',
    ['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-t', 'u1', '-m', '1', '-timeout', '30s', '-nostdin',
      '-default_behaviors', 'all,-bye'],
    { stdio: 'ignore', cwd: '/tmp' },
  );
  try {
    await login(page);
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'SIP registry' }).click();
    await expect(page.getByRole('heading', { name: 'SIP registry' })).toBeVisible();
    await hydrated(page);

    const created = await page.request.post('/api/v1/trunks', {
      data: {
        name: 'sipp_provider', host_type: 'static', host: '127.0.0.1', port,
        register: true, reg_username: 'provider_user', reg_secret: 'secret',
        reg_server: '127.0.0.1', reg_port: port, reg_expiry: 60,
      },
    });
    expect(created.status()).toBe(201);

    // No reload: the row arrives over the event stream.
    const row = page.locator('tbody[data-trunk="sipp_provider"]');
    await expect(row.locator('td.state')).toHaveText('Registered', { timeout: 15_000 });
    await expect(row.locator('td.last-response')).toHaveText('200 OK');
    await expect(row).toContainText(`127.0.0.1:${port}`);
    await expect(row.locator('td.countdown')).toHaveText(/^in \d+ s$/);
    // Monitoring is off for this trunk: nothing to send OPTIONS for.
    await expect(row.locator('td.qualify')).toHaveText('Unmonitored');
    await expect(row.getByRole('button', { name: 'Send OPTIONS now' })).toBeDisabled();
    await row.getByText(/History of sipp_provider/).click();
    await expect(row.locator('details li').first()).toContainText('Registered');

    const trunk = await created.json();
    await page.request.delete(`/api/v1/trunks/${trunk.id}`);
    await expect(row).toHaveCount(0);
  } finally {
    provider.kill();
  }
});
