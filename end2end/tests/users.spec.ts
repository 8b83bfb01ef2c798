import { test, expect, login, hydrated } from './support';
import type { Locator, Page } from '@playwright/test';

// PBX settings → Users and Contexts, in order: each test builds on what the
// previous one saved, and the last one deletes it all again.
test.describe.configure({ mode: 'serial' });

async function newUser(page: Page, first: string, last: string, exten: string) {
  await page.goto('/ipbx/users/new');
  await hydrated(page);
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.locator('#exten').fill(exten);
}

/** Clicks Delete on a row, then confirms. */
async function deleteRow(row: Locator) {
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Yes, delete' }).click();
}

test('a user saved with a blank password gets a generated one, shown once', async ({ page }) => {
  await login(page);
  await newUser(page, 'Front', 'Desk', '1000');
  await expect(page.locator('#context option:checked')).toHaveText('Default (default)');
  await expect(page.getByLabel('Line username')).toHaveAttribute('placeholder', 'same as the extension');
  await expect(page.locator('#line_password')).toHaveAttribute('type', 'password');
  await expect(page.getByText('Leave blank to have a strong one generated; it is shown once')).toBeVisible();
  await page.getByRole('button', { name: 'Save' }).click();

  // The screen stays put until the password has been copied.
  const notice = page.locator('#generated-password');
  await expect(notice).toContainText('Line password for 1000: ');
  await expect(notice).toContainText('copy it now; it will not be shown again.');
  await expect(notice.locator('code')).toHaveText(/^[A-Za-z0-9]{16}$/);
  await expect(page).toHaveURL(/\/ipbx\/users\/new$/);

  await notice.getByRole('link', { name: 'Back to users' }).click();
  await expect(page).toHaveURL(/\/ipbx\/users$/);
  const row = page.locator('tr[data-exten="1000"]');
  await expect(row).toContainText('Front Desk');
  await expect(row).toContainText('default');
  await expect(row).toContainText('Default');
  await expect(row).toContainText('30 s');
  await expect(row.locator('td').nth(3)).toHaveText('1000');

  // Filter box.
  await hydrated(page);
  await page.locator('#filter').fill('nomatch');
  await expect(row).toHaveCount(0);
  await page.locator('#filter').fill('FRONT');
  await expect(row).toHaveCount(1);

  // Edit: the password is write-only; a blank one keeps the stored one.
  await row.getByRole('link', { name: 'Front Desk' }).click();
  await hydrated(page);
  await expect(page.locator('#line_password')).toHaveValue('');
  await expect(page.getByText('Leave blank to keep the stored one')).toBeVisible();
  await page.getByLabel('Ring time (seconds)').fill('45');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/ipbx\/users$/);
  await expect(row).toContainText('45 s');
  await expect(page.locator('#generated-password')).toHaveCount(0);
});

test('an extension outside the context’s ranges is flagged as you type and kept', async ({ page }) => {
  await login(page);
  await newUser(page, 'Out', 'Side', '2000');
  // Before any Save: the browser runs the server's rules.
  await expect(page.locator('#error-exten')).toContainText('1000-1999');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#error-exten')).toContainText('1000-1999');
  await expect(page.locator('#exten')).toHaveValue('2000');
  await expect(page.getByLabel('First name')).toHaveValue('Out');
  await expect(page).toHaveURL(/\/ipbx\/users\/new$/);

  // The custom caller ID number shows only for Custom, with its own check.
  const number = page.locator('#caller_id_number');
  await expect(number).toBeHidden();
  await page.getByLabel('Outgoing caller ID').selectOption({ label: 'Custom number' });
  await expect(number).toBeVisible();
  await number.fill('12ab');
  await expect(page.locator('#error-caller_id_number')).toContainText('must be a phone number');
});

test('a duplicate extension is refused by the server next to Extension', async ({ page }) => {
  await login(page);
  await newUser(page, 'Second', 'Desk', '1000');
  await page.locator('#line_password').fill('second-desk-pass');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#error-exten')).toContainText('already assigned to Front Desk');
  await expect(page.locator('#exten')).toHaveValue('1000');
  await expect(page.locator('#line_password')).toHaveValue('second-desk-pass');
  await expect(page).toHaveURL(/\/ipbx\/users\/new$/);
});

test('an internal context with a range, then a user in it', async ({ page }) => {
  await login(page);
  await page.goto('/ipbx/contexts');
  await hydrated(page);
  await expect(page.locator('tr[data-context="default"]')).toContainText('1000-1999');
  await page.getByRole('link', { name: 'Add a context' }).click();
  await expect(page).toHaveURL(/\/ipbx\/contexts\/new$/);
  await hydrated(page);
  await page.locator('#name').fill('sales');
  await page.getByLabel('Label', { exact: true }).fill('Sales');
  await expect(page.locator('#kind')).toHaveValue('internal');
  await page.getByRole('button', { name: 'Add a range' }).click();
  await page.locator('[id="user_ranges.0.first"]').fill('2000');
  await page.locator('[id="user_ranges.0.last"]').fill('209');
  // A bad row is marked under the row, and the list under the list.
  await expect(page.locator('[id="error-user_ranges.0"]')).toContainText('ends of different lengths');
  await expect(page.locator('#error-user_ranges')).toContainText('see the row marked');
  await page.locator('[id="user_ranges.0.last"]').fill('2099');
  await expect(page.locator('[id="error-user_ranges.0"]')).toBeEmpty();
  await page.locator('#include-choice').selectOption({ label: 'Outcalls (to-extern)' });
  await page.getByRole('button', { name: 'Include' }).click();
  await expect(page.locator('#includes .include')).toHaveText(['to-extern']);
  await page.getByRole('button', { name: 'Save' }).click();

  await expect(page).toHaveURL(/\/ipbx\/contexts$/);
  const row = page.locator('tr[data-context="sales"]');
  await expect(row).toContainText('Sales');
  await expect(row).toContainText('Internal (users)');
  await expect(row).toContainText('2000-2099');
  await expect(row).toContainText('to-extern');

  // Name and type are fixed once created.
  await row.getByRole('link', { name: 'sales' }).click();
  await hydrated(page);
  await expect(page.locator('#name')).toHaveAttribute('readonly', '');
  await expect(page.locator('#kind')).toBeDisabled();
  await expect(page.locator('[id="user_ranges.0.last"]')).toHaveValue('2099');

  await newUser(page, 'Sales', 'One', '2001');
  await page.getByLabel('Context', { exact: true }).selectOption({ label: 'Sales (sales)' });
  await page.locator('#line_password').fill('sales-one-pass');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/ipbx\/users$/);
  await expect(page.locator('tr[data-exten="2001"]')).toContainText('sales');
});

test('deleting a context in use is refused with a banner naming who uses it', async ({ page }) => {
  await login(page);
  await page.goto('/ipbx/contexts');
  await hydrated(page);
  const row = page.locator('tr[data-context="to-extern"]');
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('p.error.banner')).toHaveCount(0);
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toContainText('Delete to-extern?');
  await row.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.locator('p.error.banner')).toContainText('Context “to-extern” is used by');
  await expect(page.locator('p.error.banner')).toContainText('context default');
  await expect(row).toHaveCount(1);
});

test('users and the context they use are deleted in turn', async ({ page }) => {
  await login(page);
  await page.goto('/ipbx/contexts');
  await hydrated(page);
  const sales = page.locator('tr[data-context="sales"]');
  await deleteRow(sales);
  await expect(page.locator('p.error.banner')).toContainText('Context “sales” is used by');
  await expect(sales).toHaveCount(1);

  await page.goto('/ipbx/users');
  await hydrated(page);
  for (const exten of ['2001', '1000']) {
    const row = page.locator(`tr[data-exten="${exten}"]`);
    await deleteRow(row);
    await expect(row).toHaveCount(0);
  }

  await page.goto('/ipbx/contexts');
  await hydrated(page);
  await deleteRow(sales);
  await expect(sales).toHaveCount(0);
  await expect(page.locator('p.error.banner')).toHaveCount(0);
});
