// Constants shared by the Playwright config and the specs (no test imports
// here: the config must not load the test runner twice).
export const MAIN = { port: 3100, url: 'http://127.0.0.1:3100', user: 'admin', password: 'e2e-password-1' };

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
