// What every screen of the console shares: where it lives, waiting for
// hydration, the main menu, tab headers and the inline "Delete" confirmation
// of list rows. No assertions here: the specs make them.
import type { Locator, Page } from '@playwright/test';

/** Waits until the WASM bundle has hydrated the page (the forms are live). */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]');
}

/** An element by its id, for ids with dots (`extens.0.pattern`) too. */
export function byId(page: Page | Locator, id: string): Locator {
  return page.locator(`[id="${id}"]`);
}

/** One screen on one server. `base` is the server's address; '' means the
 *  suite's main server, reached through the config's baseURL. */
export abstract class Screen {
  /** The screen's path, e.g. `/ipbx/trunks`. */
  abstract readonly path: string;

  constructor(readonly page: Page, readonly base = '') {}

  /** Goes to the screen and waits until it has hydrated. */
  async open() {
    await this.page.goto(this.base + this.path);
    await hydrated(this.page);
  }

  /** Goes to the screen's address without waiting (it may send to /login). */
  async visit() {
    await this.page.goto(this.base + this.path);
  }

  /** Waits until the page has hydrated (after a click that navigates). */
  async hydrated() {
    await hydrated(this.page);
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { name });
  }

  /** The message a field's validation shows next to it (`error-{field}`). */
  error(field: string): Locator {
    return byId(this.page, `error-${field}`);
  }
}

/** The menu on every page once logged in. */
export class MainMenu {
  readonly nav: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Main menu' });
  }

  link(name: string): Locator {
    return this.nav.getByRole('link', { name, exact: true });
  }

  /** Follows a menu entry ("SIP registry", "SIP (NAT)", ...). */
  async go(name: string) {
    await this.link(name).click();
  }

  async logOut() {
    await this.page.getByRole('button', { name: 'Log out' }).click();
  }
}

/** One tab of a tabbed form: its header (with the error-count badge) and a
 *  way to bring its panel forward. Filling a tab never switches to it: the
 *  spec opens it, so a tab the page should have opened itself stays tested. */
export class Tab {
  readonly header: Locator;

  constructor(readonly page: Page, readonly title: string) {
    this.header = page.getByRole('tab', { name: new RegExp(`^${title}`) });
  }

  async open() {
    await this.header.click();
  }
}

/** A list screen whose rows end in a "Delete" cell that asks first. */
export abstract class ListScreen extends Screen {
  /** The banner a refused delete shows. */
  get banner(): Locator {
    return this.page.locator('p.error.banner');
  }

  /** Clicks Delete: the row asks "Delete …?". */
  async askDelete(row: Locator) {
    await row.getByRole('button', { name: 'Delete' }).click();
  }

  /** Answers the row's question with Cancel. */
  async cancelDelete(row: Locator) {
    await row.getByRole('button', { name: 'Cancel' }).click();
  }

  /** Answers the row's question with "Yes, delete". */
  async confirmDelete(row: Locator) {
    await row.getByRole('button', { name: 'Yes, delete' }).click();
  }

  /** Clicks Delete on a row, then confirms. */
  async delete(row: Locator) {
    await this.askDelete(row);
    await this.confirmDelete(row);
  }
}
