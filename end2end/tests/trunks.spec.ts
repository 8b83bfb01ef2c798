import { test, expect, login, hydrated, SEED_TRUNK, consoleHeaders } from './support';
import { TrunkEdit, TrunkList } from './pages';

/** The seed's example, typed exactly as XiVO's guide tells. */
async function enterSeedTrunk(edit: TrunkEdit) {
  await edit.open();
  await edit.general.fill(SEED_TRUNK.general);
  await edit.register.open();
  const { password, ...account } = SEED_TRUNK.register;
  await edit.register.fill(account);
  // Checking Register filled the account from the General tab.
  await expect(edit.register.username).toHaveValue('provider_username');
  await expect(edit.register.name).toHaveValue('provider_username');
  await expect(edit.register.server).toHaveValue('voip.provider.example.com');
  await edit.register.fill({ password });
  await edit.signalling.open();
  await edit.signalling.fill(SEED_TRUNK.signalling);
}

test('create the seed trunk, see it, edit it, delete it', async ({ page }) => {
  const list = new TrunkList(page);
  const edit = new TrunkEdit(page);
  await login(page);
  await enterSeedTrunk(edit);
  await edit.save();

  await expect(page).toHaveURL(list.url);
  const row = list.row('provider_username');
  await expect(row).toContainText('voip.provider.example.com');
  await expect(row).toContainText('Peer');
  await expect(row).toContainText('provider_username@voip.provider.example.com');
  await expect(row).toContainText('2000 ms every 60 s');
  await expect(row).toContainText('from-extern');

  // The password never comes back to the browser.
  const api = await page.request.get('/api/v1/trunks');
  expect(await api.text()).not.toContain('provider_password');

  // Filter box.
  await list.filter.fill('nomatch');
  await expect(row).toHaveCount(0);
  await list.filter.fill('VOIP.provider');
  await expect(row).toHaveCount(1);

  // Edit: change the host; the blank password keeps the stored one.
  await list.edit('provider_username');
  await expect(edit.general.password).toHaveValue('');
  await expect(edit.general.password).toHaveAttribute('placeholder', 'unchanged (stored)');
  await edit.general.fill({ host: 'sip2.provider.example.com' });
  await edit.save();
  await expect(page).toHaveURL(list.url);
  await expect(row).toContainText('sip2.provider.example.com');
  const after = (await (await page.request.get('/api/v1/trunks')).json())[0];
  expect(after.has_secret).toBe(true);
  expect(after.version).toBe(2);

  // Delete, with a confirmation that can be cancelled.
  await list.askDelete(row);
  await list.cancelDelete(row);
  await expect(row).toHaveCount(1);
  await list.askDelete(row);
  await expect(row).toContainText('Delete provider_username?');
  await list.confirmDelete(row);
  await expect(row).toHaveCount(0);
  await expect(list.empty).toBeVisible();
});

test('a bad host and an out-of-range port show field errors and keep the input', async ({ page }) => {
  const edit = new TrunkEdit(page);
  await login(page);
  await edit.open();
  await edit.general.fill({ name: 'badtrunk', addressing: 'static', host: 'not a host!', port: '70000' });
  await edit.register.open();
  await edit.register.fill({ expiry: '30' });
  await edit.save();

  // The first tab with an error opens, each error sits next to its field.
  await expect(edit.error('host')).toContainText('is not a host name or an IP address');
  await expect(edit.error('port')).toContainText('1 to 65535');
  await expect(edit.register.header).toContainText('1');
  await expect(edit.general.host).toHaveValue('not a host!');
  await expect(edit.general.port).toHaveValue('70000');
  await expect(page).toHaveURL(edit.newUrl);

  // Nothing was stored.
  const list = await (await page.request.get('/api/v1/trunks')).json();
  expect(list.find((t: { name: string }) => t.name === 'badtrunk')).toBeUndefined();

  // Fixing the fields saves.
  await edit.general.fill({ host: '192.0.2.10', port: '5060' });
  await edit.register.open();
  await expect(edit.error('reg_expiry')).toContainText('60 to 3600');
  await edit.register.fill({ expiry: '120' });
  await edit.save();
  await expect(new TrunkList(page).row('badtrunk')).toContainText('192.0.2.10');
});

test('a duplicate name is refused by the server next to the Name field', async ({ page }) => {
  const edit = new TrunkEdit(page);
  await login(page);
  const res = await page.request.post('/api/v1/trunks', { headers: await consoleHeaders(page), data: { name: 'dup', host_type: 'dynamic' } });
  expect(res.status()).toBe(201);
  await edit.open();
  await edit.general.fill({ name: 'DUP', addressing: 'dynamic' });
  await edit.save();
  await expect(edit.error('name')).toContainText('already exists');
  await expect(edit.general.name).toHaveValue('DUP');
});

test('saving over someone else’s change is refused and keeps the input', async ({ page }) => {
  const edit = new TrunkEdit(page);
  await login(page);
  const created = await (
    await page.request.post('/api/v1/trunks', { headers: await consoleHeaders(page), data: { name: 'shared', host_type: 'dynamic' } })
  ).json();
  await edit.open(created.id);
  // Someone else saves first, through the API: a merge patch of one field.
  const other = await page.request.patch(`/api/v1/trunks/${created.id}`, {
    headers: { ...(await consoleHeaders(page)), 'Content-Type': 'application/merge-patch+json' },
    data: JSON.stringify({ caller_id: 'theirs', version: created.version }),
  });
  expect(other.status()).toBe(200);
  await edit.general.fill({ callerId: 'mine' });
  await edit.save();
  await expect(edit.banner).toContainText('changed by someone else since you opened it');
  await expect(edit.general.callerId).toHaveValue('mine');
  const stored = await (await page.request.get(`/api/v1/trunks/${created.id}`)).json();
  expect(stored.caller_id).toBe('theirs');
});

test('a trunk that does not exist is said in a sentence, not as a server function error', async ({ page }) => {
  await login(page);
  await page.goto('/ipbx/trunks/edit/999999');
  await hydrated(page);
  const message = page.locator('#load-error');
  await expect(message).toBeVisible();
  await expect(message).not.toContainText('server function');
  await expect(message).not.toBeEmpty();
});
