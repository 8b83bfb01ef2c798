// Services → IPBX → General settings → SIP security: the settings and the
// addresses watched or blocked.
import type { Locator, Page } from '@playwright/test';
import { Screen } from './screen';

export class Security extends Screen {
  readonly path = '/ipbx/security';
  /** Its link in the main menu. */
  readonly title = 'SIP security';
  readonly banTime: Locator;
  readonly maxRetry: Locator;
  readonly banner: Locator;
  /** "No address watched". */
  readonly noWatched: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.banTime = page.getByLabel('Ban time');
    this.maxRetry = page.getByLabel('Max retry');
    this.banner = page.locator('#banner');
    this.noWatched = page.locator('#no-watched');
  }

  /** Follows the "SIP security" link and waits for hydration. */
  async follow() {
    await this.page.getByRole('link', { name: this.title }).click();
    await this.hydrated();
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save' }).click();
  }

  watched(address: string): Locator {
    return this.page.locator(`#watched tr[data-address="${address}"]`);
  }

  watchedState(address: string): Locator {
    return this.watched(address).locator('td.state');
  }

  /** The "Failures" column. */
  failures(address: string): Locator {
    return this.watched(address).locator('td').nth(2);
  }

  async liftBlock(address: string) {
    await this.watched(address).getByRole('button', { name: 'Lift block' }).click();
  }
}
