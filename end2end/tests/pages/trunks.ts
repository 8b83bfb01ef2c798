// Services → IPBX → Trunk management → SIP: the list and the tabbed form.
import type { Locator, Page } from '@playwright/test';
import { ListScreen, Screen, Tab } from './screen';

export class TrunkList extends ListScreen {
  readonly path = '/ipbx/trunks';
  readonly url = /\/ipbx\/trunks$/;
  /** Its entry in the main menu, and its heading. */
  readonly title = 'SIP Protocol';
  readonly filter: Locator;
  /** What the list says when there is no trunk. */
  readonly empty: Locator;
  /** Under the table: "51–100 of 120 trunks (page 2 of 3)". */
  readonly total: Locator;
  readonly previous: Locator;
  readonly next: Locator;
  /** Every row of the page shown. */
  readonly rows: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.filter = page.locator('#filter');
    this.empty = page.getByText('No SIP trunk yet');
    this.total = page.locator('#list-total');
    this.previous = page.getByRole('link', { name: '← Previous' });
    this.next = page.getByRole('link', { name: 'Next →' });
    this.rows = page.locator('tr[data-trunk]');
  }

  row(name: string): Locator {
    return this.page.locator(`tr[data-trunk="${name}"]`);
  }

  /** Follows the trunk's name to its form and waits for hydration. */
  async edit(name: string) {
    await this.row(name).getByRole('link', { name }).click();
    await this.hydrated();
  }
}

export interface TrunkGeneralFields {
  name?: string;
  authUsername?: string;
  password?: string;
  callerId?: string;
  /** `peer`, `user` or `friend`. */
  connectionType?: string;
  /** `static` or `dynamic`. */
  addressing?: string;
  host?: string;
  port?: string;
  /** The option's label, e.g. "Incalls (from-extern)". */
  context?: string;
}

export class TrunkGeneralTab extends Tab {
  readonly name: Locator;
  readonly authUsername: Locator;
  readonly password: Locator;
  readonly callerId: Locator;
  readonly connectionType: Locator;
  readonly addressing: Locator;
  readonly host: Locator;
  readonly port: Locator;
  readonly context: Locator;

  constructor(page: Page) {
    super(page, 'General');
    this.name = page.locator('#name');
    this.authUsername = page.getByLabel('Authentication username');
    this.password = page.locator('#secret');
    this.callerId = page.getByLabel('Caller ID');
    this.connectionType = page.getByLabel('Connection type');
    this.addressing = page.getByLabel('IP addressing type');
    this.host = page.getByLabel('Host', { exact: true });
    this.port = page.locator('#port');
    this.context = page.getByLabel('Context');
  }

  /** Fills the given fields, in the form's order. */
  async fill(f: TrunkGeneralFields) {
    if (f.name !== undefined) await this.name.fill(f.name);
    if (f.authUsername !== undefined) await this.authUsername.fill(f.authUsername);
    if (f.password !== undefined) await this.password.fill(f.password);
    if (f.callerId !== undefined) await this.callerId.fill(f.callerId);
    if (f.connectionType !== undefined) await this.connectionType.selectOption(f.connectionType);
    if (f.addressing !== undefined) await this.addressing.selectOption(f.addressing);
    if (f.host !== undefined) await this.host.fill(f.host);
    if (f.port !== undefined) await this.port.fill(f.port);
    if (f.context !== undefined) await this.context.selectOption({ label: f.context });
  }
}

export interface TrunkRegisterFields {
  register?: boolean;
  /** `udp` or `tcp`. */
  transport?: string;
  password?: string;
  expiry?: string;
}

export class TrunkRegisterTab extends Tab {
  readonly register: Locator;
  readonly transport: Locator;
  /** Read-only: filled from the General tab. */
  readonly name: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly server: Locator;
  readonly expiry: Locator;

  constructor(page: Page) {
    super(page, 'Register');
    this.register = page.getByRole('checkbox', { name: 'Register', exact: true });
    this.transport = page.getByLabel('Transport');
    this.name = page.locator('#reg_name');
    this.username = page.locator('#reg_username');
    this.password = page.locator('#reg_secret');
    this.server = page.locator('#reg_server');
    this.expiry = page.locator('#reg_expiry');
  }

  /** Fills the given fields, in the form's order. */
  async fill(f: TrunkRegisterFields) {
    if (f.register !== undefined) await this.register.setChecked(f.register);
    if (f.transport !== undefined) await this.transport.selectOption(f.transport);
    if (f.password !== undefined) await this.password.fill(f.password);
    if (f.expiry !== undefined) await this.expiry.fill(f.expiry);
  }
}

export interface TrunkSignallingFields {
  /** The option's value: `no`, or a threshold in ms such as `2000`. */
  monitoring?: string;
}

export class TrunkSignallingTab extends Tab {
  readonly monitoring: Locator;

  constructor(page: Page) {
    super(page, 'Signalling');
    this.monitoring = page.getByLabel('Monitoring');
  }

  async fill(f: TrunkSignallingFields) {
    if (f.monitoring !== undefined) await this.monitoring.selectOption(f.monitoring);
  }
}

export class TrunkEdit extends Screen {
  path = '/ipbx/trunks/new';
  readonly newUrl = /\/ipbx\/trunks\/new$/;
  readonly general: TrunkGeneralTab;
  readonly register: TrunkRegisterTab;
  readonly signalling: TrunkSignallingTab;
  /** The form-wide message (a conflicting save). */
  readonly banner: Locator;

  constructor(page: Page, base = '') {
    super(page, base);
    this.general = new TrunkGeneralTab(page);
    this.register = new TrunkRegisterTab(page);
    this.signalling = new TrunkSignallingTab(page);
    this.banner = page.locator('#banner');
  }

  /** The form for a new trunk, or with `id` the stored trunk's. */
  async open(id?: number) {
    this.path = id === undefined ? '/ipbx/trunks/new' : `/ipbx/trunks/edit/${id}`;
    await super.open();
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save' }).click();
  }
}
