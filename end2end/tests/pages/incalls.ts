// Services → IPBX → Call management → Incoming calls: the list with its
// route tester, and the form.
import type { Locator, Page } from '@playwright/test';
import { ListScreen, Screen } from './screen';

/** The incoming route tester under the list: which trunk, which DID. */
export class IncomingRouteTester {
  readonly trunk: Locator;
  readonly did: Locator;
  readonly result: Locator;
  readonly noMatch: Locator;

  constructor(page: Page) {
    this.trunk = page.locator('#route-trunk');
    this.did = page.locator('#route-did');
    this.result = page.locator('#route-result');
    this.noMatch = page.locator('#route-nomatch');
  }

  /** Picks the trunk the call comes in on, by its option value. */
  async arriveOn(trunk: string) {
    await this.trunk.selectOption(trunk);
  }

  async dialled(did: string) {
    await this.did.fill(did);
  }
}

export class IncallList extends ListScreen {
  readonly path = '/ipbx/incalls';
  readonly url = /\/ipbx\/incalls$/;
  readonly routeTester: IncomingRouteTester;

  constructor(page: Page, base = '') {
    super(page, base);
    this.routeTester = new IncomingRouteTester(page);
  }

  row(did: string): Locator {
    return this.page.locator(`tr[data-incall="${did}"]`);
  }
}

export interface IncallFields {
  did?: string;
  /** The option's value, e.g. `user`. */
  destination?: string;
  /** Typed into the user filter before the user is picked. */
  userFilter?: string;
  /** The user's option label, e.g. "Front Desk (1000)". */
  user?: string;
}

export class IncallEdit extends Screen {
  readonly path = '/ipbx/incalls/new';
  readonly did: Locator;
  readonly selectedContext: Locator;
  readonly destination: Locator;
  readonly userFilter: Locator;
  readonly user: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.did = page.locator('#did');
    this.selectedContext = page.locator('#context option:checked');
    this.destination = page.locator('#destination');
    this.userFilter = page.locator('#user-filter');
    this.user = page.locator('#user_id');
  }

  /** Fills the given fields, in the form's order. */
  async fill(f: IncallFields) {
    if (f.did !== undefined) await this.did.fill(f.did);
    if (f.destination !== undefined) await this.destination.selectOption(f.destination);
    if (f.userFilter !== undefined) await this.userFilter.fill(f.userFilter);
    if (f.user !== undefined) await this.user.selectOption({ label: f.user });
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save' }).click();
  }
}
