import { test, expect, OwnServer, freeUdpPort, sipp, sippDir, exited, consoleHeaders } from './support';
import { Security } from './pages';
import path from 'node:path';

// Services → IPBX → General settings → SIP security: the settings are
// checked as typed and saved; a SIPp "scanner" with a wrong password gets
// its address blocked, the screen lists it, and "Lift block" lets the
// phone register again. A server of its own: blocking 127.0.0.1 must not
// touch the other tests' server.
const PASSWORD = 'security-pass-1';
const LINE_PASSWORD = 'phone-pass-1000';

test('a blocked address is listed and its block lifted', async ({ page }) => {
  test.setTimeout(60_000);
  const sipPort = await freeUdpPort();
  const server = new OwnServer(3106, sipPort);
  await server.start();
  try {
    await server.adminLogin(page, PASSWORD);
    const user = await page.request.post(`${server.url}/api/v1/users`, {
      headers: await consoleHeaders(page, server.url),
      data: { firstname: 'Front', lastname: 'Desk', exten: '1000', line_password: LINE_PASSWORD },
    });
    expect(user.status()).toBe(201);

    const security = new Security(page, server.url);
    await security.follow();
    await expect(security.noWatched).toBeVisible();
    const ban = security.banTime;
    await ban.fill('10');
    await expect(security.error('ban_time')).toContainText('Ban time must be a whole number from 60 to 604800');
    await ban.fill('900');
    await security.maxRetry.fill('3');
    await security.save();
    await expect(security.banner).toContainText('Saved');

    // Three wrong passwords, one after the other, from one address.
    const scanner = sipp(['-sf', path.join(sippDir, 'phone_register_wrong_uac.xml'), '-s', '1000', '-au', '1000',
      '-ap', 'guessed', '-m', '3', '-l', '1', '-p', String(await freeUdpPort()), '-timeout', '10s',
      `127.0.0.1:${sipPort}`]);
    expect(await exited(scanner)).toBe(0);

    await expect(security.watchedState('127.0.0.1')).toContainText('Blocked until', { timeout: 10_000 });
    await expect(security.failures('127.0.0.1')).toHaveText('3');

    // The right password gets nothing while the block lasts…
    const phone = ['-sf', path.join(sippDir, 'phone_register_uac.xml'), '-s', '1000', '-au', '1000',
      '-ap', LINE_PASSWORD, '-timeout', '3s', `127.0.0.1:${sipPort}`];
    expect(await exited(sipp([...phone, '-p', String(await freeUdpPort())]))).not.toBe(0);

    // …and registers once the administrator lifts it.
    await security.liftBlock('127.0.0.1');
    await expect(security.noWatched).toBeVisible();
    expect(await exited(sipp([...phone, '-p', String(await freeUdpPort())]))).toBe(0);
  } finally {
    await server.stop();
  }
});
