import { test, expect, login } from './support';
import { ContextEdit, ContextList, UserEdit, UserList } from './pages';
import type { Page } from '@playwright/test';

// PBX settings → Users and Contexts, in order: each test builds on what the
// previous one saved, and the last one deletes it all again.
test.describe.configure({ mode: 'serial' });

async function newUser(page: Page, firstName: string, lastName: string, extension: string) {
  const edit = new UserEdit(page);
  await edit.open();
  await edit.fill({ firstName, lastName, extension });
  return edit;
}

test('a user saved with a blank password gets a generated one, shown once', async ({ page }) => {
  const list = new UserList(page);
  await login(page);
  const edit = await newUser(page, 'Front', 'Desk', '1000');
  await expect(edit.selectedContext).toHaveText('Default (default)');
  await expect(edit.lineUsername).toHaveAttribute('placeholder', 'same as the extension');
  await expect(edit.linePassword).toHaveAttribute('type', 'password');
  await expect(page.getByText('Leave blank to have a strong one generated; it is shown once')).toBeVisible();
  await edit.save();

  // The screen stays put until the password has been copied.
  const notice = edit.generatedPassword;
  await expect(notice).toContainText('Line password for 1000: ');
  await expect(notice).toContainText('copy it now; it will not be shown again.');
  await expect(notice.locator('code')).toHaveText(/^[A-Za-z0-9]{16}$/);
  await expect(page).toHaveURL(edit.newUrl);

  await edit.backToUsers();
  await expect(page).toHaveURL(list.url);
  const row = list.row('1000');
  await expect(row).toContainText('Front Desk');
  await expect(row).toContainText('default');
  await expect(row).toContainText('Default');
  await expect(row).toContainText('30 s');
  await expect(list.lineUsername('1000')).toHaveText('1000');

  // Filter box.
  await list.hydrated();
  await list.filter.fill('nomatch');
  await expect(row).toHaveCount(0);
  await list.filter.fill('FRONT');
  await expect(row).toHaveCount(1);

  // Edit: the password is write-only; a blank one keeps the stored one.
  await list.edit('1000', 'Front Desk');
  await expect(edit.linePassword).toHaveValue('');
  await expect(page.getByText('Leave blank to keep the stored one')).toBeVisible();
  await edit.fill({ ringTime: '45' });
  await edit.save();
  await expect(page).toHaveURL(list.url);
  await expect(row).toContainText('45 s');
  await expect(edit.generatedPassword).toHaveCount(0);
});

test('an extension outside the context’s ranges is flagged as you type and kept', async ({ page }) => {
  await login(page);
  const edit = await newUser(page, 'Out', 'Side', '2000');
  // Before any Save: the browser runs the server's rules.
  await expect(edit.error('exten')).toContainText('1000-1999');
  await edit.save();
  await expect(edit.error('exten')).toContainText('1000-1999');
  await expect(edit.extension).toHaveValue('2000');
  await expect(edit.firstName).toHaveValue('Out');
  await expect(page).toHaveURL(edit.newUrl);

  // The custom caller ID number shows only for Custom, with its own check.
  await expect(edit.callerIdNumber).toBeHidden();
  await edit.fill({ callerId: 'Custom number' });
  await expect(edit.callerIdNumber).toBeVisible();
  await edit.fill({ callerIdNumber: '12ab' });
  await expect(edit.error('caller_id_number')).toContainText('must be a phone number');
});

test('a duplicate extension is refused by the server next to Extension', async ({ page }) => {
  await login(page);
  const edit = await newUser(page, 'Second', 'Desk', '1000');
  await edit.fill({ linePassword: 'second-desk-pass' });
  await edit.save();
  await expect(edit.error('exten')).toContainText('already assigned to Front Desk');
  await expect(edit.extension).toHaveValue('1000');
  await expect(edit.linePassword).toHaveValue('second-desk-pass');
  await expect(page).toHaveURL(edit.newUrl);
});

test('an internal context with a range, then a user in it', async ({ page }) => {
  const contexts = new ContextList(page);
  const context = new ContextEdit(page);
  await login(page);
  await contexts.open();
  await expect(contexts.row('default')).toContainText('1000-1999');
  await contexts.add();
  await expect(page).toHaveURL(context.newUrl);
  await context.hydrated();
  await context.fill({ name: 'sales', label: 'Sales' });
  await expect(context.kind).toHaveValue('internal');
  await context.addRange();
  const range = context.range(0);
  await range.first.fill('2000');
  await range.last.fill('209');
  // A bad row is marked under the row, and the list under the list.
  await expect(range.error).toContainText('ends of different lengths');
  await expect(context.rangesError).toContainText('see the row marked');
  await range.last.fill('2099');
  await expect(range.error).toBeEmpty();
  await context.include('Outcalls (to-extern)');
  await expect(context.includes).toHaveText(['to-extern']);
  await context.save();

  await expect(page).toHaveURL(contexts.url);
  const row = contexts.row('sales');
  await expect(row).toContainText('Sales');
  await expect(row).toContainText('Internal (users)');
  await expect(row).toContainText('2000-2099');
  await expect(row).toContainText('to-extern');

  // Name and type are fixed once created.
  await contexts.edit('sales');
  await expect(context.name).toHaveAttribute('readonly', '');
  await expect(context.kind).toBeDisabled();
  await expect(range.last).toHaveValue('2099');

  const user = await newUser(page, 'Sales', 'One', '2001');
  await user.fill({ context: 'Sales (sales)', linePassword: 'sales-one-pass' });
  await user.save();
  const users = new UserList(page);
  await expect(page).toHaveURL(users.url);
  await expect(users.row('2001')).toContainText('sales');
});

test('deleting a context in use is refused with a banner naming who uses it', async ({ page }) => {
  const contexts = new ContextList(page);
  await login(page);
  await contexts.open();
  const row = contexts.row('to-extern');
  await contexts.askDelete(row);
  await contexts.cancelDelete(row);
  await expect(contexts.banner).toHaveCount(0);
  await contexts.askDelete(row);
  await expect(row).toContainText('Delete to-extern?');
  await contexts.confirmDelete(row);
  await expect(contexts.banner).toContainText('Context “to-extern” is used by');
  await expect(contexts.banner).toContainText('context default');
  await expect(row).toHaveCount(1);
});

test('users and the context they use are deleted in turn', async ({ page }) => {
  const contexts = new ContextList(page);
  const users = new UserList(page);
  await login(page);
  await contexts.open();
  const sales = contexts.row('sales');
  await contexts.delete(sales);
  await expect(contexts.banner).toContainText('Context “sales” is used by');
  await expect(sales).toHaveCount(1);

  await users.open();
  for (const exten of ['2001', '1000']) {
    const row = users.row(exten);
    await users.delete(row);
    await expect(row).toHaveCount(0);
  }

  await contexts.open();
  // The delete takes the row out in place: the list is not read again.
  const listReads: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/list_contexts')) listReads.push(r.url());
  });
  await contexts.delete(sales);
  await expect(sales).toHaveCount(0);
  await expect(contexts.banner).toHaveCount(0);
  await expect(contexts.row('default')).toBeVisible();
  expect(listReads).toEqual([]);
});
