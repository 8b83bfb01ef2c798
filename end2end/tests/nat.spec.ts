import { test, expect, hydrated, OwnServer, freeUdpPort } from './support';

// Services → IPBX → General settings → SIP (NAT): the defaults are shown,
// a bad network is named without losing what was typed, and a save
// survives a reload. A server of its own: taking 127.0.0.0/8 out of the
// local networks would change the addresses the main server's SIP tests see.
const PASSWORD = 'nat-pass-1';

test('external address, local networks and SIP bind are checked, saved and kept', async ({ page }) => {
  const sip = `127.0.0.1:${await freeUdpPort()}`;
  const server = new OwnServer(3107, Number(sip.split(':')[1]));
  await server.start();
  try {
    await server.adminLogin(page, PASSWORD);
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'SIP (NAT)' }).click();
    await expect(page).toHaveURL(/\/ipbx\/nat$/);
    await hydrated(page);
    await expect(page.locator('h1')).toHaveText('SIP (NAT)');
    await expect(page.locator('.crumbs')).toHaveText('Services › IPBX › General settings');
    // Where SIP listens now (--sip), and the stored bind it overrides.
    const bindNote = page.locator('#sip-bind');
    await expect(bindNote).toContainText(`SIP listens on ${sip} (UDP and TCP).`);
    await expect(bindNote).toContainText('The saved SIP bind, 0.0.0.0:5060, takes effect when Trunkline restarts');

    const external = page.getByLabel('External address');
    const networks = page.getByLabel('Local networks');
    await expect(external).toHaveValue('');
    await expect(networks).toHaveValue(/^10\.0\.0\.0\/8\n172\.16\.0\.0\/12\n192\.168\.0\.0\/16\n/);

    // A network mistyped: named in a sentence as it is typed, nothing lost.
    const typed = '192.168.1/24\n10.20.0.0/16';
    await networks.fill(typed);
    await expect(page.locator('#error-local_networks')).toContainText('“192.168.1/24” is not a network');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('#error-local_networks')).toContainText('192.168.1.0/24');
    await expect(networks).toHaveValue(typed);
    await expect(page.locator('#banner')).toHaveCount(0);

    const bind = page.getByLabel('SIP bind');
    await expect(bind).toHaveValue('0.0.0.0:5060');
    await bind.fill('voip.example.com');
    await expect(page.locator('#error-bind_address')).toContainText('is not an IP address of this machine');
    await bind.fill(sip);

    await external.fill('203.0.113.7:5070');
    await networks.fill('192.168.1.7/24\n10.20.0.0/16');
    await expect(page.locator('#error-local_networks')).toBeEmpty();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('#banner')).toHaveText('Saved: the next SIP message carries the new addresses; a new SIP bind waits for the next start.');
    // The saved bind is the running one: nothing waits for a restart.
    await expect(bindNote).toHaveText(`SIP listens on ${sip} (UDP and TCP).`);
    // Shown as stored: each network reduced to its own address.
    await expect(networks).toHaveValue('192.168.1.0/24\n10.20.0.0/16');

    await page.reload();
    await hydrated(page);
    await expect(page.getByLabel('External address')).toHaveValue('203.0.113.7:5070');
    await expect(page.getByLabel('Local networks')).toHaveValue('192.168.1.0/24\n10.20.0.0/16');
    await expect(page.getByLabel('SIP bind')).toHaveValue(sip);
  } finally {
    await server.stop();
  }
});
