import { test, expect, login, freeUdpPort, consoleHeaders, OwnServer } from './support';
import { MainMenu, Registry } from './pages';
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
    const registry = new Registry(page);
    await new MainMenu(page).go(registry.title);
    await expect(registry.heading(registry.title)).toBeVisible();
    await registry.hydrated();

    const created = await page.request.post('/api/v1/trunks', {
      headers: await consoleHeaders(page),
      data: {
        name: 'sipp_provider', host_type: 'static', host: '127.0.0.1', port,
        register: true, reg_username: 'provider_user', reg_secret: 'secret',
        reg_server: '127.0.0.1', reg_port: port, reg_expiry: 60,
      },
    });
    expect(created.status()).toBe(201);

    // No reload: the row arrives over the event stream.
    const entry = registry.trunk('sipp_provider');
    const row = entry.block;
    await expect(entry.state).toHaveText('Registered', { timeout: 15_000 });
    await expect(entry.lastResponse).toHaveText('200 OK');
    await expect(row).toContainText(`127.0.0.1:${port}`);
    await expect(entry.countdown).toHaveText(/^in \d+ s$/);
    // Monitoring is off for this trunk: nothing to send OPTIONS for.
    await expect(entry.qualify).toHaveText('Unmonitored');
    await expect(entry.sendOptions).toBeDisabled();
    await entry.openHistory();
    await expect(entry.historyItems.first()).toContainText('Registered');

    const trunk = await created.json();
    await page.request.delete(`/api/v1/trunks/${trunk.id}`, { headers: await consoleHeaders(page) });
    await expect(row).toHaveCount(0);
  } finally {
    provider.kill();
  }
});

// The NAT self-check: a registrar that reports seeing the PBX at another
// address (Via received/rport) gets a sentence under the trunk's row saying
// what to do, and the sentence goes once the External address is set.
test('the registry says when the provider sees this PBX elsewhere, until an External address is set', async ({ page }) => {
  const port = await freeUdpPort();
  const scenario = path.resolve(__dirname, '../../server/tests/sipp/reg_nat_uas.xml');
  const provider = spawn(
    'sipp',
    ['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-t', 'u1', '-m', '1', '-timeout', '30s', '-nostdin'],
    { stdio: 'ignore', cwd: '/tmp' },
  );
  const putNat = async (external: string, networks: string[]) => {
    const current = await (await page.request.get('/api/v1/nat')).json();
    const put = await page.request.put('/api/v1/nat', {
      headers: await consoleHeaders(page),
      data: { version: current.version, external_address: external, local_networks: networks, bind_address: current.bind_address },
    });
    expect(put.status()).toBe(200);
  };
  const defaults = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fc00::/7', 'fe80::/10'];
  let trunkId: number | undefined;
  try {
    await login(page);
    // Loopback is local by default (a LAN registrar is never given a learned
    // address): here it stands for the internet.
    await putNat('', ['10.0.0.0/8']);
    const registry = new Registry(page);
    await new MainMenu(page).go(registry.title);
    await registry.hydrated();
    const created = await page.request.post('/api/v1/trunks', {
      headers: await consoleHeaders(page),
      data: {
        name: 'natted', secret: 'secret', host_type: 'static', host: '127.0.0.1', port,
        register: true, reg_username: 'provider_user', reg_server: '127.0.0.1', reg_port: port, reg_expiry: 60,
      },
    });
    expect(created.status()).toBe(201);
    trunkId = (await created.json()).id;
    const entry = registry.trunk('natted');
    await expect(entry.natWarning).toHaveText(
      `127.0.0.1:${port} sees this PBX as 198.51.100.1:40000 but no external address is set: ` +
        'incoming calls and audio will fail — set External address (Services → IPBX → General settings → SIP (NAT))',
      { timeout: 15_000 },
    );
    await putNat('198.51.100.1', ['10.0.0.0/8']);
    await expect(entry.natWarning).toHaveCount(0);
  } finally {
    provider.kill();
    await putNat('', defaults);
    if (trunkId !== undefined) await page.request.delete(`/api/v1/trunks/${trunkId}`, { headers: await consoleHeaders(page) });
  }
});

// The registry tells why (issue 19): each row names its trunk with a link
// to its form, a registrar whose name does not resolve says so in the Last
// response column, Refresh shows the expiry asked for until one is
// granted, and when the server goes away a banner says so (the countdowns
// stop) until it is back. A server of its own, to stop and start.
test('the registry names the trunk, says why it fails, and says when the server is gone', async ({ page, consoleProblems }) => {
  const server = new OwnServer(3109);
  await server.start();
  try {
    await server.adminLogin(page, 'registry-password-1');
    const created = await page.request.post(`${server.url}/api/v1/trunks`, {
      headers: await consoleHeaders(page, server.url),
      data: {
        name: 'far_away', secret: 'secret', host_type: 'static', host: 'voip.provider.invalid', port: 5060,
        register: true, reg_username: 'provider_user', reg_server: 'voip.provider.invalid', reg_port: 5060, reg_expiry: 120,
      },
    });
    expect(created.status()).toBe(201);
    const id = (await created.json()).id;
    const registry = new Registry(page, server.url);
    await registry.open();
    const entry = registry.trunk('far_away');
    await expect(entry.name).toHaveAttribute('href', `/ipbx/trunks/edit/${id}`);
    // `.invalid` never resolves (RFC 6761); without a resolver at all, the lookup's 5 s run out.
    await expect(entry.lastResponse).toHaveText(
      /^DNS: voip\.provider\.invalid( does not resolve|: no answer within 5 s)$/, { timeout: 15_000 });
    await expect(entry.state).toHaveText('Timeout');
    await expect(entry.refresh).toHaveText('120');
    await expect(entry.block).not.toContainText('monitoring only');
    await expect(entry.countdown).toHaveText(/^in \d+ s$/);
    await expect(registry.streamLost).toHaveCount(0);

    await server.stop();
    await expect(registry.streamLost).toHaveText('Connection to the server lost — retrying');
    await expect(entry.countdown).toHaveText('');

    await server.start();
    await expect(registry.streamLost).toHaveCount(0, { timeout: 20_000 });
    await expect(entry.countdown).toHaveText(/^in \d+ s$/);
    // The browser logs each reconnection it tried while the server was away.
    const away = (p: string) => /registry\/stream|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p);
    consoleProblems.splice(0, consoleProblems.length, ...consoleProblems.filter((p) => !away(p)));
  } finally {
    await server.stop();
  }
});
