import { test, expect, OwnServer, freeUdpPort } from './support';
import { MainMenu, Nat } from './pages';

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
    const nat = new Nat(page, server.url);
    await new MainMenu(page).go(nat.title);
    await expect(page).toHaveURL(nat.url);
    await nat.hydrated();
    await expect(nat.h1).toHaveText('SIP (NAT)');
    await expect(nat.crumbs).toHaveText('Services › IPBX › General settings');
    // Where SIP listens now (--sip), and the stored bind it overrides.
    const bindNote = nat.bindNote;
    await expect(bindNote).toContainText(`SIP listens on ${sip} (UDP and TCP).`);
    await expect(bindNote).toContainText('The saved SIP bind, 0.0.0.0:5060, takes effect when Trunkline restarts');

    const external = nat.externalAddress;
    const networks = nat.localNetworks;
    await expect(external).toHaveValue('');
    await expect(networks).toHaveValue(/^10\.0\.0\.0\/8\n172\.16\.0\.0\/12\n192\.168\.0\.0\/16\n/);

    // A network mistyped: named in a sentence as it is typed, nothing lost.
    const typed = '192.168.1/24\n10.20.0.0/16';
    await networks.fill(typed);
    await expect(nat.error('local_networks')).toContainText('“192.168.1/24” is not a network');
    await nat.save();
    await expect(nat.error('local_networks')).toContainText('192.168.1.0/24');
    await expect(networks).toHaveValue(typed);
    await expect(nat.banner).toHaveCount(0);

    const bind = nat.sipBind;
    await expect(bind).toHaveValue('0.0.0.0:5060');
    await bind.fill('voip.example.com');
    await expect(nat.error('bind_address')).toContainText('is not an IP address of this machine');
    await bind.fill(sip);

    await external.fill('203.0.113.7:5070');
    await networks.fill('192.168.1.7/24\n10.20.0.0/16');
    await expect(nat.error('local_networks')).toBeEmpty();
    await nat.save();
    await expect(nat.banner).toHaveText('Saved: the next SIP message carries the new addresses; a new SIP bind waits for the next start.');
    // The saved bind is the running one: nothing waits for a restart.
    await expect(bindNote).toHaveText(`SIP listens on ${sip} (UDP and TCP).`);
    // Shown as stored: each network reduced to its own address.
    await expect(networks).toHaveValue('192.168.1.0/24\n10.20.0.0/16');

    await page.reload();
    await nat.hydrated();
    await expect(nat.externalAddress).toHaveValue('203.0.113.7:5070');
    await expect(nat.localNetworks).toHaveValue('192.168.1.0/24\n10.20.0.0/16');
    await expect(nat.sipBind).toHaveValue(sip);
  } finally {
    await server.stop();
  }
});
