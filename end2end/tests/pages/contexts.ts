// Services → IPBX → IPBX configuration → Contexts: the list and the form.
import type { Locator, Page } from '@playwright/test';
import { byId, ListScreen, Screen } from './screen';

export class ContextList extends ListScreen {
  readonly path = '/ipbx/contexts';
  readonly url = /\/ipbx\/contexts$/;

  row(name: string): Locator {
    return this.page.locator(`tr[data-context="${name}"]`);
  }

  /** Follows "Add a context" (the spec waits for the form). */
  async add() {
    await this.page.getByRole('link', { name: 'Add a context' }).click();
  }

  /** Follows the context's name to its form and waits for hydration. */
  async edit(name: string) {
    await this.row(name).getByRole('link', { name }).click();
    await this.hydrated();
  }
}

/** One row of the "User ranges" table. */
export class UserRange {
  readonly first: Locator;
  readonly last: Locator;
  /** The row's own error (the ends, not the list). */
  readonly error: Locator;

  constructor(page: Page, index: number) {
    this.first = byId(page, `user_ranges.${index}.first`);
    this.last = byId(page, `user_ranges.${index}.last`);
    this.error = byId(page, `error-user_ranges.${index}`);
  }
}

export class ContextEdit extends Screen {
  readonly path = '/ipbx/contexts/new';
  readonly newUrl = /\/ipbx\/contexts\/new$/;
  readonly name: Locator;
  readonly label: Locator;
  readonly kind: Locator;
  /** The error under the whole ranges list. */
  readonly rangesError: Locator;
  /** The contexts included, one element each. */
  readonly includes: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.name = page.locator('#name');
    this.label = page.getByLabel('Label', { exact: true });
    this.kind = page.locator('#kind');
    this.rangesError = page.locator('#error-user_ranges');
    this.includes = page.locator('#includes .include');
  }

  /** Fills the given fields, in the form's order. */
  async fill(f: { name?: string; label?: string }) {
    if (f.name !== undefined) await this.name.fill(f.name);
    if (f.label !== undefined) await this.label.fill(f.label);
  }

  async addRange() {
    await this.page.getByRole('button', { name: 'Add a range' }).click();
  }

  range(index: number): UserRange {
    return new UserRange(this.page, index);
  }

  /** Picks a context (by its option label) and clicks Include. */
  async include(label: string) {
    await this.page.locator('#include-choice').selectOption({ label });
    await this.page.getByRole('button', { name: 'Include' }).click();
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save' }).click();
  }
}
