// The console with JavaScript off, as a browser is until the WASM has
// loaded (seconds on a slow link): every form is a real POST to its own
// page, a refusal comes back as the same page with the errors and what was
// typed (never a password), and no credential or secret ever appears in
// an address.
import { test, expect } from '@playwright/test';
import { MAIN } from './env';
import { Login, MainMenu, TrunkEdit, TrunkList } from './pages';

test.use({ javaScriptEnabled: false });

test('without JavaScript: log in, a trunk refused then saved, deleted, log out', async ({ page }) => {
  // Every address the browser asks for, to check none carries a secret.
  const addresses: string[] = [];
  page.on('request', (request) => addresses.push(request.url()));

  const login = new Login(page);
  await login.visit();
  await expect(login.heading('Log in')).toBeVisible();
  await login.logIn(MAIN.user, 'wrong-password-typed');
  await expect(login.error('password')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(login.url);
  await expect(login.username).toHaveValue(MAIN.user);
  await expect(login.password).toHaveValue('');
  await login.logIn(MAIN.user, MAIN.password);
  await expect(page).toHaveURL(`${MAIN.url}/`);

  // A trunk with a bad host: the same page, the error under Host, what
  // was typed kept but the password (typed again, as on any site).
  const edit = new TrunkEdit(page);
  const list = new TrunkList(page);
  await edit.visit();
  // Static is the usual choice: Host is there from the start.
  await expect(edit.general.addressing).toHaveValue('static');
  await edit.general.fill({ name: 'nojs_provider', password: 'nojs-secret-typed', host: 'not a host!' });
  await edit.save();
  await expect(page).toHaveURL(edit.newUrl);
  await expect(edit.error('host')).toContainText('is not a host name or an IP address');
  await expect(edit.general.host).toHaveAttribute('aria-invalid', 'true');
  await expect(edit.general.name).toHaveValue('nojs_provider');
  await expect(edit.general.host).toHaveValue('not a host!');
  await expect(edit.general.password).toHaveValue('');
  expect(await page.content()).not.toContain('nojs-secret-typed');

  await edit.general.fill({ password: 'nojs-secret-typed', host: 'voip.nojs.example.com' });
  await edit.save();
  await expect(page).toHaveURL(list.url);
  const row = list.row('nojs_provider');
  await expect(row).toContainText('voip.nojs.example.com');

  // Delete asks first (by address), then "Yes, delete" posts.
  await list.askDelete(row);
  await expect(row).toContainText('Delete nojs_provider?');
  await list.cancelDelete(row);
  await expect(row.getByRole('button', { name: 'Yes, delete' })).toHaveCount(0);
  await list.delete(row);
  await expect(page).toHaveURL(list.url);
  await expect(row).toHaveCount(0);

  // Log out, and the session is over.
  await new MainMenu(page).logOut();
  await expect(page).toHaveURL(login.url);
  await list.visit();
  await expect(page).toHaveURL(login.url);

  expect(addresses.length).toBeGreaterThan(8);
  for (const address of addresses) {
    expect(address, 'an address carries a credential').not.toMatch(/password|secret/i);
  }
});
