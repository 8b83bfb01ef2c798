// /login: "Log in", or on a fresh database "Create the administrator".
import type { Locator, Page } from '@playwright/test';
import { Screen } from './screen';

export class Login extends Screen {
  readonly path = '/login';
  readonly url = /\/login$/;
  readonly username: Locator;
  /** The login form's password. */
  readonly password: Locator;
  /** The first-run form's password (next to "Password again"). */
  readonly newPassword: Locator;
  readonly passwordAgain: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.username = page.getByLabel('Username');
    this.password = page.getByLabel('Password');
    this.newPassword = page.getByLabel('Password', { exact: true });
    this.passwordAgain = page.getByLabel('Password again');
  }

  /** Fills the login form and clicks "Log in". */
  async logIn(username: string, password: string) {
    await this.username.fill(username);
    await this.password.fill(password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
  }

  /** Fills the first-run form (the username when given) and submits it. */
  async createAdministrator(fields: { username?: string; password: string; again: string }) {
    if (fields.username !== undefined) await this.username.fill(fields.username);
    await this.newPassword.fill(fields.password);
    await this.passwordAgain.fill(fields.again);
    await this.page.getByRole('button', { name: 'Create the administrator' }).click();
  }
}
