// Status → SIP registry: one block per trunk, updated live.
import type { Locator } from '@playwright/test';
import { Screen } from './screen';

/** A trunk's block (its row, history and NAT sentence). */
export class RegistryEntry {
  /** The trunk's name, a link to its form. */
  readonly name: Locator;
  readonly refresh: Locator;
  readonly state: Locator;
  readonly lastResponse: Locator;
  readonly countdown: Locator;
  readonly qualify: Locator;
  readonly sendOptions: Locator;
  readonly historyItems: Locator;
  /** The sentence saying the provider sees this PBX elsewhere. */
  readonly natWarning: Locator;

  constructor(readonly block: Locator, readonly trunk: string) {
    this.name = block.locator('td.name a');
    this.refresh = block.locator('td.refresh');
    this.state = block.locator('td.state');
    this.lastResponse = block.locator('td.last-response');
    this.countdown = block.locator('td.countdown');
    this.qualify = block.locator('td.qualify');
    this.sendOptions = block.getByRole('button', { name: 'Send OPTIONS now' });
    this.historyItems = block.locator('details li');
    this.natWarning = block.locator('tr.nat-warning');
  }

  /** Opens "History of <trunk>". */
  async openHistory() {
    await this.block.getByText(new RegExp(`History of ${this.trunk}`)).click();
  }
}

export class Registry extends Screen {
  readonly path = '/status/registry';
  /** Its entry in the main menu, and its heading. */
  readonly title = 'SIP registry';

  /** The banner shown while the live stream is lost. */
  get streamLost(): Locator {
    return this.page.locator('#stream-lost');
  }

  trunk(name: string): RegistryEntry {
    return new RegistryEntry(this.page.locator(`tbody[data-trunk="${name}"]`), name);
  }
}

