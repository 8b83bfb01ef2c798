import { test, expect, login, MAIN } from './support';
import { Login, MainMenu, TrunkList } from './pages';

test('every screen needs a login; a wrong password says so', async ({ page }) => {
  const screen = new Login(page);
  await new TrunkList(page).visit();
  await expect(page).toHaveURL(screen.url);
  await screen.hydrated();
  await expect(screen.heading('Log in')).toBeVisible();

  await screen.logIn(MAIN.user, 'not-the-password');
  await expect(screen.error('password')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(screen.url);

  // The REST API refuses too, in its JSON format.
  const res = await page.request.get('/api/v1/trunks', { headers: { cookie: '' } });
  expect(res.status()).toBe(401);
  expect((await res.json()).error.message).toContain('Authentication required');
});

test('log in, see the menu, log out', async ({ page }) => {
  const screen = new Login(page);
  const trunks = new TrunkList(page);
  await login(page);
  const menu = new MainMenu(page);
  await expect(menu.nav).toContainText('Services');
  await expect(menu.nav).toContainText('Trunk management');
  await menu.go(trunks.title);
  await expect(trunks.heading(trunks.title)).toBeVisible();

  await menu.logOut();
  await expect(page).toHaveURL(screen.url);
  await trunks.visit();
  await expect(page).toHaveURL(screen.url);
});
