// The form screens for someone on a keyboard or a screen reader: a trunk
// created with the keyboard alone (the skip link, the tabs by arrow keys,
// the focus on the first field to fix), and axe-core on every form screen,
// with and without errors shown: no violation of any impact.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, login, hydrated } from './support';
import { Login, TrunkEdit, TrunkList } from './pages';

/** axe's findings on the page as it is, one line each. */
async function violations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${v.help}`),
  );
}

const FORM_SCREENS = [
  '/ipbx/trunks',
  '/ipbx/trunks/new',
  '/ipbx/users',
  '/ipbx/users/new',
  '/ipbx/contexts',
  '/ipbx/contexts/new',
  '/ipbx/outcalls',
  '/ipbx/outcalls/new',
  '/ipbx/incalls',
  '/ipbx/incalls/new',
  '/ipbx/security',
  '/ipbx/nat',
  // The screens without a form of their own: axe looks at them too.
  '/',
  '/status/registry',
  '/status/calls',
];

test('axe finds nothing on the login screen nor on any other screen', async ({ page }) => {
  const screen = new Login(page);
  await screen.open();
  const found = await violations(page, '/login');
  await login(page);
  for (const path of FORM_SCREENS) {
    await page.goto(path);
    await hydrated(page);
    found.push(...(await violations(page, path)));
  }
  // A refused save, errors shown under their fields.
  const edit = new TrunkEdit(page);
  await edit.open();
  await edit.general.fill({ name: 'axe trunk!', host: 'not a host!' });
  await edit.save();
  await expect(edit.error('host')).not.toBeEmpty();
  found.push(...(await violations(page, '/ipbx/trunks/new with errors')));
  expect(found).toEqual([]);
});

test('keyboard only: skip link, tabs by arrow keys, focus on the first error, saved', async ({ page }) => {
  const edit = new TrunkEdit(page);
  await login(page);
  await edit.open();

  // The first Tab stop skips the menu.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  // From the content, Tab reaches the tab list: one stop, on General.
  const general = page.getByRole('tab', { name: /^General/ });
  for (let i = 0; i < 5 && !(await general.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(general).toBeFocused();
  await expect(general).toHaveAttribute('aria-selected', 'true');

  // Arrows move along the tabs (and wrap); each shows its own panel.
  const register = page.getByRole('tab', { name: /^Register/ });
  const signalling = page.getByRole('tab', { name: /^Signalling/ });
  await page.keyboard.press('ArrowRight');
  await expect(register).toBeFocused();
  await expect(register).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Register' })).toBeVisible();
  await expect(page.getByRole('tabpanel', { name: 'General' })).toBeHidden();
  await page.keyboard.press('End');
  await expect(signalling).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(general).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'General' })).toBeVisible();

  // Tab leaves the tab list for the panel's first field.
  await page.keyboard.press('Tab');
  await expect(edit.general.name).toBeFocused();
  await page.keyboard.type('keyboard_trunk');
  // Enter saves; Host (Static is the default) is missing: the focus
  // lands on it, with its error read with it.
  await page.keyboard.press('Enter');
  await expect(edit.general.host).toBeFocused();
  await expect(edit.general.host).toHaveAttribute('aria-invalid', 'true');
  await expect(edit.error('host')).not.toBeEmpty();
  const describedBy = (await edit.general.host.getAttribute('aria-describedby')) ?? '';
  expect(describedBy.split(' ')).toContain('error-host');

  // Typing clears the error (it is judged again as you type).
  await page.keyboard.type('voip.keyboard.example.com');
  await expect(edit.general.host).not.toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Enter');
  const list = new TrunkList(page);
  await expect(page).toHaveURL(list.url);
  await expect(list.row('keyboard_trunk')).toContainText('voip.keyboard.example.com');
  await list.delete(list.row('keyboard_trunk'));
  await expect(list.row('keyboard_trunk')).toHaveCount(0);
});
