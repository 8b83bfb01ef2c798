// Services → IPBX → PBX settings → Users: the list and the form.
import type { Locator, Page } from '@playwright/test';
import { ListScreen, Screen } from './screen';

export class UserList extends ListScreen {
  readonly path = '/ipbx/users';
  readonly url = /\/ipbx\/users$/;
  readonly filter: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.filter = page.locator('#filter');
  }

  row(exten: string): Locator {
    return this.page.locator(`tr[data-exten="${exten}"]`);
  }

  /** The "Line username" column. */
  lineUsername(exten: string): Locator {
    return this.row(exten).locator('td').nth(3);
  }

  /** The "Line" column: where the line is registered. */
  lineStatus(exten: string): Locator {
    return this.row(exten).locator('td.line-status');
  }

  /** Follows the user's name to the form and waits for hydration. */
  async edit(exten: string, name: string) {
    await this.row(exten).getByRole('link', { name }).click();
    await this.hydrated();
  }
}

export interface UserFields {
  firstName?: string;
  lastName?: string;
  extension?: string;
  /** The option's label, e.g. "Sales (sales)". */
  context?: string;
  linePassword?: string;
  ringTime?: string;
  /** The option's label, e.g. "Custom number". */
  callerId?: string;
  callerIdNumber?: string;
}

export class UserEdit extends Screen {
  readonly path = '/ipbx/users/new';
  readonly newUrl = /\/ipbx\/users\/new$/;
  readonly firstName: Locator;
  readonly lastName: Locator;
  readonly extension: Locator;
  readonly context: Locator;
  readonly selectedContext: Locator;
  readonly lineUsername: Locator;
  readonly linePassword: Locator;
  readonly ringTime: Locator;
  readonly callerId: Locator;
  readonly callerIdNumber: Locator;
  /** The notice that shows a generated line password once. */
  readonly generatedPassword: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.firstName = page.getByLabel('First name');
    this.lastName = page.getByLabel('Last name');
    this.extension = page.locator('#exten');
    this.context = page.getByLabel('Context', { exact: true });
    this.selectedContext = page.locator('#context option:checked');
    this.lineUsername = page.getByLabel('Line username');
    this.linePassword = page.locator('#line_password');
    this.ringTime = page.getByLabel('Ring time (seconds)');
    this.callerId = page.getByLabel('Outgoing caller ID');
    this.callerIdNumber = page.locator('#caller_id_number');
    this.generatedPassword = page.locator('#generated-password');
  }

  /** Fills the given fields, in the form's order. */
  async fill(f: UserFields) {
    if (f.firstName !== undefined) await this.firstName.fill(f.firstName);
    if (f.lastName !== undefined) await this.lastName.fill(f.lastName);
    if (f.extension !== undefined) await this.extension.fill(f.extension);
    if (f.context !== undefined) await this.context.selectOption({ label: f.context });
    if (f.linePassword !== undefined) await this.linePassword.fill(f.linePassword);
    if (f.ringTime !== undefined) await this.ringTime.fill(f.ringTime);
    if (f.callerId !== undefined) await this.callerId.selectOption({ label: f.callerId });
    if (f.callerIdNumber !== undefined) await this.callerIdNumber.fill(f.callerIdNumber);
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save' }).click();
  }

  /** The generated-password notice's way back to the list. */
  async backToUsers() {
    await this.generatedPassword.getByRole('link', { name: 'Back to users' }).click();
  }
}
