// Services → IPBX → General settings → SIP (NAT).
import type { Locator, Page } from '@playwright/test';
import { Screen } from './screen';

export class Nat extends Screen {
  readonly path = '/ipbx/nat';
  readonly url = /\/ipbx\/nat$/;
  /** Its entry in the main menu. */
  readonly title = 'SIP (NAT)';
  readonly h1: Locator;
  readonly crumbs: Locator;
  /** Where SIP listens now, and the stored bind it overrides. */
  readonly bindNote: Locator;
  readonly externalAddress: Locator;
  readonly localNetworks: Locator;
  readonly sipBind: Locator;
  readonly banner: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.h1 = page.locator('h1');
    this.crumbs = page.locator('.crumbs');
    this.bindNote = page.locator('#sip-bind');
    this.externalAddress = page.getByLabel('External address');
    this.localNetworks = page.getByLabel('Local networks');
    this.sipBind = page.getByLabel('SIP bind');
    this.banner = page.locator('#banner');
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save' }).click();
  }
}
