import { test, expect, login, hydrated, MAIN } from './support';

test('every screen needs a login; a wrong password says so', async ({ page }) => {
  await page.goto('/ipbx/trunks');
  await expect(page).toHaveURL(/\/login$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();

  await page.getByLabel('Username').fill(MAIN.user);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('#error-password')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(/\/login$/);

  // The REST API refuses too, in its JSON format.
  const res = await page.request.get('/api/v1/trunks', { headers: { cookie: '' } });
  expect(res.status()).toBe(401);
  expect((await res.json()).error.message).toContain('Authentication required');
});

test('log in, see the menu, log out', async ({ page }) => {
  await login(page);
  const menu = page.getByRole('navigation', { name: 'Main menu' });
  await expect(menu).toContainText('Services');
  await expect(menu).toContainText('Trunk management');
  await menu.getByRole('link', { name: 'SIP Protocol' }).click();
  await expect(page.getByRole('heading', { name: 'SIP Protocol' })).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/ipbx/trunks');
  await expect(page).toHaveURL(/\/login$/);
});
