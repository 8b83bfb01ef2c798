import { test, expect, login, MAIN } from './support';
import { UserList } from './pages';

// The console's attack surface as a browser meets it: its answers carry
// the security headers and the hydrated console runs under its
// Content-Security-Policy (a blocked script would be a console error,
// which fails every spec); a form on another port of the same host (same
// site: the browser sends the session cookie) cannot create a user.

test('answers carry the security headers and the console runs under its policy', async ({ page }) => {
  const res = await page.goto(`${MAIN.url}/login`);
  const headers = res!.headers();
  expect(headers['content-security-policy']).toContain("script-src 'self' 'nonce-");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  await login(page);
  const users = new UserList(page);
  await users.open();
});

test('a form on another port of the same host cannot act with the session', async ({ page, consoleProblems }) => {
  await login(page);
  const other = 'http://127.0.0.1:3999';
  const forged =
    `<form id="forged" method="post" enctype="text/plain" action="${MAIN.url}/api/save_user">` +
    `<input name='{"input":{"firstname":"Toll","lastname":"Fraud","exten":"1010","line_password":"known-pass-1","x":"' value='"}}'>` +
    `</form>`;
  await page.route(`${other}/**`, (route) => route.fulfill({ contentType: 'text/html', body: forged }));
  await page.goto(`${other}/`);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${MAIN.url}/api/save_user`),
    page.locator('#forged').evaluate((form: HTMLFormElement) => form.submit()),
  ]);
  expect(answer.status()).toBe(403);
  // The browser reports the refused post as a failed load: expected here.
  const refused = (p: string) => p.includes('status of 403');
  await expect.poll(() => consoleProblems.some(refused)).toBe(true);
  consoleProblems.splice(consoleProblems.findIndex(refused), 1);
  const list = await (await page.request.get(`${MAIN.url}/api/v1/users`)).json();
  expect(list.map((u: { exten: string }) => u.exten)).not.toContain('1010');
});
