// Services → IPBX → Call management → Outgoing calls: the list with its
// route tester, and the tabbed form.
import type { Locator, Page } from '@playwright/test';
import { byId, ListScreen, Screen, Tab } from './screen';

/** The outgoing route tester under the list: who calls, what they dial. */
export class OutgoingRouteTester {
  readonly caller: Locator;
  readonly number: Locator;
  readonly result: Locator;
  /** One row per trunk the call would try, in order. */
  readonly attempts: Locator;
  /** The patterns considered, best first. */
  readonly candidates: Locator;
  readonly noMatch: Locator;
  /** A number no phone can dial. */
  readonly refusal: Locator;

  constructor(page: Page) {
    this.caller = page.locator('#route-caller');
    this.number = page.locator('#route-number');
    this.result = page.locator('#route-result');
    this.attempts = page.locator('tr[data-trunk-attempt]');
    this.candidates = page.locator('#route-candidates li');
    this.noMatch = page.locator('#route-nomatch');
    this.refusal = page.locator('#route-refusal');
  }

  /** Picks the caller by its option label. */
  async callFrom(label: string) {
    await this.caller.selectOption({ label });
  }

  async dial(number: string) {
    await this.number.fill(number);
  }
}

export class OutcallList extends ListScreen {
  readonly path = '/ipbx/outcalls';
  readonly url = /\/ipbx\/outcalls$/;
  readonly routeTester: OutgoingRouteTester;

  constructor(page: Page, base = '') {
    super(page, base);
    this.routeTester = new OutgoingRouteTester(page);
  }

  row(name: string): Locator {
    return this.page.locator(`tr[data-outcall="${name}"]`);
  }

  /** The row's patterns, shown without `_`. */
  patterns(name: string): Locator {
    return this.row(name).locator('td.patterns');
  }
}

export class OutcallGeneralTab extends Tab {
  readonly name: Locator;
  readonly selectedContext: Locator;
  readonly trunkChoice: Locator;

  constructor(page: Page) {
    super(page, 'General');
    this.name = page.locator('#name');
    this.selectedContext = page.locator('#context option:checked');
    this.trunkChoice = page.locator('#trunk-choice');
  }

  async fill(f: { name?: string }) {
    if (f.name !== undefined) await this.name.fill(f.name);
  }

  /** A trunk in the call's ordered list. */
  trunk(name: string): Locator {
    return this.page.locator(`#trunks li[data-trunk="${name}"]`);
  }

  /** Clicks "Add trunk", after picking `label` when given (else the
   *  trunk the chooser shows). */
  async addTrunk(label?: string) {
    if (label !== undefined) await this.trunkChoice.selectOption({ label });
    await this.page.getByRole('button', { name: 'Add trunk' }).click();
  }
}

export class OutcallExtenTab extends Tab {
  /** The warnings shown as patterns are typed, one `li` each. */
  readonly warnings: Locator;
  readonly warningItems: Locator;

  constructor(page: Page) {
    super(page, 'Exten');
    this.warnings = page.locator('#pattern-warnings');
    this.warningItems = page.locator('#pattern-warnings li');
  }

  async addPattern() {
    await this.page.getByRole('button', { name: 'Add a pattern' }).click();
  }

  /** Row `index`'s pattern cell. */
  pattern(index: number): Locator {
    return byId(this.page, `extens.${index}.pattern`);
  }

  /** The error under row `index`'s pattern. */
  patternError(index: number): Locator {
    return byId(this.page, `error-extens.${index}.pattern`);
  }

  async removePattern(index: number) {
    await this.page.locator(`tr[data-exten-row="${index}"]`).getByRole('button', { name: 'Remove' }).click();
  }
}

export class OutcallEdit extends Screen {
  readonly path = '/ipbx/outcalls/new';
  readonly newUrl = /\/ipbx\/outcalls\/new$/;
  readonly general: OutcallGeneralTab;
  readonly exten: OutcallExtenTab;
  /** "Saved." when the page stays to show warnings. */
  readonly saved: Locator;
  readonly savedWarnings: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.general = new OutcallGeneralTab(page);
    this.exten = new OutcallExtenTab(page);
    this.saved = page.locator('#saved');
    this.savedWarnings = page.locator('#saved-warnings');
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save' }).click();
  }

  async backToList() {
    await this.page.getByRole('link', { name: 'Back to outgoing calls' }).click();
  }
}
