import { test, expect, login, OwnServer, SEED_TRUNK } from './support';
import { IncallEdit, IncallList, OutcallEdit, OutcallList, TrunkEdit, TrunkList, UserEdit } from './pages';
import type { Page } from '@playwright/test';

// Call management on a server of its own: the seed configuration built
// through the screens (trunk, user, outgoing and incoming call) would
// otherwise collide with the other specs' trunk and users.
const server = new OwnServer(3102);
const PASSWORD = 'calls-e2e-pass';
const at = (path: string) => `${server.url}${path}`;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await server.start();
  const res = await fetch(at('/api/create_admin'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ input: { username: 'admin', password: PASSWORD, confirm: PASSWORD } }),
  });
  expect(res.ok).toBe(true);
});

test.afterAll(async () => {
  await server.stop();
});

/** The seed's trunk, typed exactly as trunks.spec.ts types it. */
async function enterSeedTrunk(page: Page) {
  const edit = new TrunkEdit(page, server.url);
  await edit.open();
  await edit.general.fill(SEED_TRUNK.general);
  await edit.register.open();
  await edit.register.fill(SEED_TRUNK.register);
  await edit.signalling.open();
  await edit.signalling.fill(SEED_TRUNK.signalling);
  await edit.save();
  await expect(page).toHaveURL(new TrunkList(page, server.url).url);
}

test('seed configuration through the screens, then the route testers', async ({ page }) => {
  await login(page, server.url, PASSWORD);
  await enterSeedTrunk(page);

  // A user at the front desk; the line password is generated and shown once.
  const user = new UserEdit(page, server.url);
  await user.open();
  await user.fill({ firstName: 'Front', lastName: 'Desk', extension: '1000' });
  await user.save();
  await expect(user.generatedPassword).toBeVisible();

  // Outgoing call "provider": trunk provider_username, pattern 418.
  const outcall = new OutcallEdit(page, server.url);
  const outcalls = new OutcallList(page, server.url);
  await outcall.open();
  await outcall.general.fill({ name: 'provider' });
  await expect(outcall.general.selectedContext).toHaveText('Outcalls (to-extern)');
  await outcall.general.addTrunk('provider_username');
  await expect(outcall.general.trunk('provider_username')).toBeVisible();
  await expect(outcall.general.trunkChoice).toBeDisabled();
  await outcall.exten.open();
  await outcall.exten.addPattern();
  await outcall.exten.pattern(0).fill('418.');
  // A catch-all warns as it is typed; removing the row removes the warning.
  await outcall.exten.addPattern();
  await outcall.exten.pattern(1).fill('X.');
  await expect(outcall.exten.warnings).toContainText('is a catch-all');
  await outcall.exten.removePattern(1);
  await expect(outcall.exten.warningItems).toHaveCount(0);
  await outcall.save();

  // No warning: straight back to the list, patterns shown without `_`.
  await expect(page).toHaveURL(outcalls.url);
  const provider = outcalls.row('provider');
  await expect(provider).toContainText('to-extern');
  await expect(provider).toContainText('provider_username');
  await expect(outcalls.patterns('provider')).toHaveText('418.');

  // Incoming call: 4185550000 rings Front Desk (1000).
  const incall = new IncallEdit(page, server.url);
  const incalls = new IncallList(page, server.url);
  await incall.open();
  await incall.fill({ did: '4185550000' });
  await expect(incall.selectedContext).toHaveText('Incalls (from-extern)');
  await incall.fill({ destination: 'user', userFilter: 'desk', user: 'Front Desk (1000)' });
  await incall.save();
  await expect(page).toHaveURL(incalls.url);
  await expect(incalls.row('4185550000')).toContainText('Front Desk (1000)');

  // Incoming route tester: the provider sends the number with a +.
  const incoming = incalls.routeTester;
  await incoming.arriveOn('provider_username');
  await incoming.dialled('+4185550000');
  await expect(incoming.result).toContainText('Front Desk (1000)');
  await incoming.dialled('4185559999');
  await expect(incoming.noMatch).toContainText('No incoming call for DID 4185559999');

  // Outgoing route tester, resolved as the number is typed.
  await outcalls.open();
  const outgoing = outcalls.routeTester;
  await outgoing.callFrom('Front Desk (1000)');
  await outgoing.dial('4185551234');
  await expect(outgoing.attempts).toHaveCount(1);
  await expect(outgoing.attempts).toContainText('provider_username');
  await expect(outgoing.attempts).toContainText('4185551234');
  await expect(outgoing.candidates.first()).toContainText('418.');
  await expect(outgoing.result).toContainText('to-extern');
  await outgoing.dial('418');
  await expect(outgoing.noMatch).toContainText('needs at least one digit after 418');
  await outgoing.dial('41a');
  await expect(outgoing.refusal).toContainText('is not a number a phone can dial');
});

test('a pattern that warns is saved, and the page stays to show why', async ({ page }) => {
  const outcall = new OutcallEdit(page, server.url);
  const outcalls = new OutcallList(page, server.url);
  await login(page, server.url, PASSWORD);
  await outcall.open();
  await outcall.general.fill({ name: 'everything' });
  await outcall.general.addTrunk();
  await outcall.exten.open();
  await outcall.exten.addPattern();
  await outcall.exten.pattern(0).fill('X.');
  await outcall.save();
  await expect(outcall.saved).toContainText('Saved.');
  await expect(outcall.savedWarnings).toContainText('is a catch-all');
  await expect(page).toHaveURL(outcall.newUrl);

  // Saving again edits what was created rather than making a second one.
  await outcall.save();
  await expect(outcall.saved).toContainText('Saved.');
  await outcall.backToList();
  const row = outcalls.row('everything');
  await expect(row).toHaveCount(1);

  // Delete it, with a confirmation that can be cancelled.
  await outcalls.hydrated();
  await outcalls.askDelete(row);
  await outcalls.cancelDelete(row);
  await outcalls.askDelete(row);
  await outcalls.confirmDelete(row);
  await expect(row).toHaveCount(0);
  await expect(outcalls.row('provider')).toHaveCount(1);
});

test('a malformed pattern shows its error under the cell and Save keeps it', async ({ page }) => {
  const outcall = new OutcallEdit(page, server.url);
  const outcalls = new OutcallList(page, server.url);
  await login(page, server.url, PASSWORD);
  await outcall.open();
  await outcall.general.fill({ name: 'broken' });
  await outcall.general.addTrunk();
  await outcall.exten.open();
  await outcall.exten.addPattern();
  await outcall.exten.pattern(0).fill('[418');
  // As you type, before any Save.
  await expect(outcall.exten.patternError(0)).not.toBeEmpty();
  await outcall.save();
  await expect(page).toHaveURL(outcall.newUrl);
  await expect(outcall.exten.pattern(0)).toHaveValue('[418');
  await expect(outcall.exten.patternError(0)).toContainText('[418');
  await expect(outcall.exten.header).toContainText('1');

  // Nothing was stored.
  await outcalls.open();
  await expect(outcalls.row('broken')).toHaveCount(0);
});
