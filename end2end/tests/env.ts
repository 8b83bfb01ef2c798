// Constants shared by the Playwright config and the specs (no test imports
// here: the config must not load the test runner twice).
// E2E_PORT_SHIFT moves every console port of the suite (3100, 3101, …) so
// that two checkouts can run the suite on one machine at once.
export const PORT_SHIFT = Number(process.env.E2E_PORT_SHIFT ?? 0);
const mainPort = 3100 + PORT_SHIFT;
export const MAIN = { port: mainPort, url: `http://127.0.0.1:${mainPort}`, user: 'admin', password: 'e2e-password-1' };

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
