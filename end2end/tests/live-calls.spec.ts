import { test, expect, OwnServer, freeUdpPort, sipp, sippDir, exited, consoleHeaders } from './support';
import { Calls, UserList } from './pages';
import type { Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Status → Calls with real SIP: a SIPp phone registers (the Users screen
// shows where), dials 4185551234, a SIPp provider challenges the PBX and
// answers; the call shows in progress without a reload, disappears after
// BYE, and the log lists it with its trunk; the administrator hangs up
// another call from the screen; a call whose audio goes one way shows its
// figures and the one-way flag, live and in the log. A server of its own,
// so its SIP port is known.
const PASSWORD = 'live-calls-pass-1';
const LINE_PASSWORD = 'phone-pass-1000';

/** A fresh server with the brief's trunk (its provider a SIPp UAS that
 *  challenges and answers), user 1000 registered from a SIPp phone, and
 *  the outgoing call `418.`; the page is logged in. */
async function office(page: Page, port: number, children: ChildProcess[]) {
  const sipPort = await freeUdpPort();
  const server = new OwnServer(port, sipPort);
  await server.start();
  await server.adminLogin(page, PASSWORD);

  const providerPort = await freeUdpPort();
  const trunk = await page.request.post(`${server.url}/api/v1/trunks`, {
    headers: await consoleHeaders(page, server.url),
    data: {
      name: 'provider_username', auth_username: 'provider_username', secret: 'provider_password',
      host_type: 'static', host: '127.0.0.1', port: providerPort, monitoring: 'no',
    },
  });
  expect(trunk.status()).toBe(201);
  const trunkId = (await trunk.json()).id;
  const user = await page.request.post(`${server.url}/api/v1/users`, {
    headers: await consoleHeaders(page, server.url),
    data: { firstname: 'Front', lastname: 'Desk', exten: '1000', line_password: LINE_PASSWORD },
  });
  expect(user.status()).toBe(201);
  const outcall = await page.request.post(`${server.url}/api/v1/outcalls`, {
    headers: await consoleHeaders(page, server.url),
    data: { name: 'provider', trunks: [trunkId], extens: [{ pattern: '418.' }] },
  });
  expect(outcall.status()).toBe(201);

  const provider = sipp(['-sf', path.join(sippDir, 'call_provider_challenge_uas.xml'), '-p', String(providerPort),
    '-timeout', '40s']);
  children.push(provider);
  const phonePort = await freeUdpPort();
  const phone = ['-s', '1000', '-au', '1000', '-ap', LINE_PASSWORD, '-p', String(phonePort)];
  const registered = sipp(['-sf', path.join(sippDir, 'phone_register_uac.xml'), ...phone, '-timeout', '10s',
    `127.0.0.1:${sipPort}`]);
  expect(await exited(registered)).toBe(0);
  return { server, provider, phonePort };
}

/** Phone 1000 dials 4185551234 with `scenario` (in end2end/sipp). */
async function dial(server: OwnServer, scenario: string, extra: string[]): Promise<ChildProcess> {
  return sipp(['-sf', path.resolve(__dirname, '../sipp', scenario),
    '-s', '4185551234', '-key', 'caller', '1000', '-au', '1000', '-ap', LINE_PASSWORD,
    // SIPp signs the server's address unless told; Trunkline wants the
    // digest's uri to name the Request-URI (RFC 3261 §22.4), as phones do.
    '-auth_uri', `4185551234@127.0.0.1:${server.sipPort}`,
    '-p', String(await freeUdpPort()), ...extra, '-timeout', '30s', `127.0.0.1:${server.sipPort}`]);
}

test('a registered phone shows on Users; its call shows live, leaves after BYE, and is logged with its trunk', async ({ page }) => {
  test.setTimeout(60_000);
  const children: ChildProcess[] = [];
  let server: OwnServer | undefined;
  try {
    const setup = await office(page, 3104, children);
    server = setup.server;

    // The Users screen shows where the line is registered.
    const users = new UserList(page, server.url);
    await users.open();
    await expect(users.lineStatus('1000')).toContainText(
      `Registered at 127.0.0.1:${setup.phonePort} (SIPp phone`,
    );

    const calls = new Calls(page, server.url);
    await calls.open();
    await expect(calls.noLiveCalls).toBeVisible();

    const dialer = await dial(server, 'phone_dial_hold.xml', ['-d', '6000']);
    children.push(dialer);

    const live = calls.live('4185551234');
    await expect(live).toBeVisible({ timeout: 10_000 });
    await expect(live).toContainText('provider_username');
    await expect(live).toContainText('answered');

    expect(await exited(dialer)).toBe(0);
    expect(await exited(setup.provider)).toBe(0);
    await expect(calls.noLiveCalls).toBeVisible({ timeout: 10_000 });
    const logged = calls.logged('4185551234');
    await expect(logged).toBeVisible();
    await expect(calls.loggedTrunk('4185551234')).toHaveText('provider_username');
    await expect(logged).toContainText('Front Desk (1000)');
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    await server?.stop();
  }
});

test('the administrator hangs up a call in progress: both phones get BYE and the log says who ended it', async ({ page }) => {
  test.setTimeout(60_000);
  const children: ChildProcess[] = [];
  let server: OwnServer | undefined;
  try {
    const setup = await office(page, 3105, children);
    server = setup.server;
    const calls = new Calls(page, server.url);
    await calls.open();

    const dialer = await dial(server, 'phone_dial_hung_up.xml', []);
    children.push(dialer);
    const live = calls.live('4185551234');
    await expect(live).toContainText('answered', { timeout: 10_000 });
    await calls.hangUp('4185551234', 'Hang up the call from Front Desk (1000) to 4185551234');

    // The phone and the provider each got BYE and answered it.
    expect(await exited(dialer)).toBe(0);
    expect(await exited(setup.provider)).toBe(0);
    await expect(calls.noLiveCalls).toBeVisible({ timeout: 10_000 });
    await expect(calls.logged('4185551234')).toContainText('Administrator');
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    await server?.stop();
  }
});

/** The relay's address and port, once the phone's SIPp has written them
 *  from the 200's SDP (`echo ip port`). */
async function relayPort(file: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      if (text.endsWith('\n')) return Number(text.trim().split(/\s+/)[1]);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no SDP address in ${file}`);
}

/** The phone's audio: a 20 ms G.711 packet (payload type 0) to the relay's
 *  `port` on 127.0.0.1 until the returned function is called. */
function phoneAudio(port: number): () => void {
  const sock = createSocket('udp4');
  let seq = 0;
  const timer = setInterval(() => {
    const packet = Buffer.alloc(172, 0xff);
    packet[0] = 0x80;
    packet[1] = 0;
    packet.writeUInt16BE(seq & 0xffff, 2);
    packet.writeUInt32BE((seq * 160) >>> 0, 4);
    packet.writeUInt32BE(0x10000001, 8);
    sock.send(packet, port, '127.0.0.1');
    seq++;
  }, 20);
  return () => {
    clearInterval(timer);
    sock.close();
  };
}

test('a call whose audio goes one way shows its figures and the one-way flag, live and in the log', async ({ page }) => {
  test.setTimeout(60_000);
  const children: ChildProcess[] = [];
  let server: OwnServer | undefined;
  let stop = () => {};
  try {
    const setup = await office(page, 3110, children);
    server = setup.server;
    const calls = new Calls(page, server.url);
    await calls.open();

    const sdp = path.join(mkdtempSync(path.join(tmpdir(), 'trunkline-e2e-')), 'relay.sdp');
    const dialer = await dial(server, 'phone_dial_media.xml', ['-key', 'peer_sdp', sdp]);
    children.push(dialer);
    // The phone talks; the provider (SIPp, which sends no RTP) never does.
    stop = phoneAudio(await relayPort(sdp));

    const live = calls.live('4185551234');
    await expect(live).toContainText('answered', { timeout: 10_000 });
    await expect(live.locator('td.audio [data-leg="caller"]')).toContainText(/Caller: \d+ in \/ 0 out, loss 0\.0 %, jitter \d+\.\d ms, MOS 4\.\d\d/);
    await expect(live.locator('td.audio [data-leg="callee"]')).toContainText(/Callee: 0 in \/ \d+ out/);
    // The figures move at every poll, in the row already shown: its
    // element stays in the page (a rebuilt row would be a new one).
    const shown = await live.elementHandle();
    const caller = live.locator('td.audio [data-leg="caller"]');
    const figures = await caller.textContent();
    await expect(caller).not.toHaveText(figures ?? '');
    expect(await shown?.evaluate((row) => row.isConnected)).toBe(true);
    // More than 5 s with packets from the caller only.
    await expect(live.locator('.one-way')).toHaveText(
      'One-way audio: only the caller is heard, nothing from the callee', { timeout: 15_000 });

    await calls.hangUp('4185551234', 'Hang up the call from Front Desk (1000) to 4185551234');
    expect(await exited(dialer)).toBe(0);
    expect(await exited(setup.provider)).toBe(0);
    const logged = calls.logged('4185551234');
    await expect(logged).toContainText('Administrator', { timeout: 10_000 });
    await expect(logged.locator('.one-way')).toContainText('One-way audio: only the caller is heard');
    await expect(logged.locator('td.audio [data-leg="caller"]')).toContainText(/Caller: [1-9]\d* in \/ 0 out, loss 0\.0 %/);
  } finally {
    stop();
    for (const child of children) if (child.exitCode === null) child.kill();
    await server?.stop();
  }
});
