// The console's browser-side benchmark (not a test): run by
// scripts/bench-console, which starts the server and fills it first.
import { defineConfig } from '@playwright/test';
import { chromiumArgs } from '../tests/env';

export default defineConfig({
  testDir: '.',
  testMatch: 'console.bench.ts',
  timeout: 600_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.BENCH_URL,
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
});
