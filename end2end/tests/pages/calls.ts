// Status → Calls: the calls in progress (live) and the call log.
import type { Locator, Page } from '@playwright/test';
import { Screen } from './screen';

export class Calls extends Screen {
  readonly path = '/status/calls';
  /** "No call in progress". */
  readonly noLiveCalls: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.noLiveCalls = page.locator('#no-live-calls');
  }

  /** The call in progress to `number`. */
  live(number: string): Locator {
    return this.page.locator(`#live-calls tr[data-live-call="${number}"]`);
  }

  /** Clicks the live call's hang-up button, named for whom it cuts off
   *  ("Hang up the call from Front Desk (1000) to 4185551234"). */
  async hangUp(number: string, buttonName: string) {
    await this.live(number).getByRole('button', { name: buttonName }).click();
  }

  /** The call log's line for a call to `number`. */
  logged(number: string): Locator {
    return this.page.locator(`#call-log tr[data-call="${number}"]`);
  }

  /** The log line's Trunk column. */
  loggedTrunk(number: string): Locator {
    return this.logged(number).locator('td.trunk');
  }
}
