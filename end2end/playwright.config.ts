import { defineConfig } from '@playwright/test';
import { chromiumArgs, MAIN } from './tests/env';

// One server for the suite, on a fresh database with an administrator made
// from the shell, as an installer would. Tests that need their own server
// (first run, restart) start one themselves.
const bin = '../target/release/trunkline';
const db = '../target/e2e/main.db';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: MAIN.url,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command:
      `rm -rf ../target/e2e && mkdir -p ../target/e2e && ` +
      `TRUNKLINE_ADMIN_PASSWORD='${MAIN.password}' ${bin} --database ${db} admin set-password && ` +
      `exec ${bin} --database ${db} serve --http 127.0.0.1:${MAIN.port} --sip 127.0.0.1:0 --site-root ../target/site`,
    url: `${MAIN.url}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
