// Shared by the specs: the main server's address, logging in (through the
// Login page object; the screens' own are in pages/), a fixture that
// fails a test on any console error or hydration warning, and a way to run
// a server of our own (fresh database) for first-run and restart tests.
import { test as base, expect, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MAIN, PORT_SHIFT } from './env';
import { hydrated } from './pages/screen';
import { Login } from './pages/login';
export { MAIN };

// Every page must load without console errors or hydration warnings.
export const test = base.extend<{ consoleProblems: string[] }>({
  consoleProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('console', (msg) => {
        const text = msg.text();
        if (msg.type() === 'error' || (msg.type() === 'warning' && /hydrat/i.test(text))) {
          problems.push(`${msg.type()}: ${text}`);
        }
      });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      await use(problems);
      expect(problems, 'console errors or hydration warnings').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export { hydrated };

/**
 * What the console's own page adds to a change made with its session: its
 * origin and the session's CSRF token (the server hands it to the page in
 * the `trunkline_csrf` cookie). Playwright's API requests share the
 * browser's cookies but add neither, so the specs that change things
 * through the REST API with the session pass these.
 */
export async function consoleHeaders(page: Page, base = MAIN.url): Promise<Record<string, string>> {
  const cookies = await page.context().cookies(base);
  const csrf = cookies.find((c) => c.name === 'trunkline_csrf')?.value ?? '';
  return { origin: base, 'x-csrf-token': csrf };
}

export async function login(page: Page, base = MAIN.url, password = MAIN.password) {
  const screen = new Login(page, base);
  await screen.open();
  await screen.logIn(MAIN.user, password);
  await page.waitForURL(`${base}/`);
  await hydrated(page);
}

/** A Trunkline server of the test's own, on its own port and database. */
export class OwnServer {
  proc?: ChildProcess;
  readonly db: string;
  /** `sipPort` 0 lets the server pick; tests that send SIP choose one. */
  readonly port: number;
  constructor(port: number, readonly sipPort = 0) {
    this.port = port + PORT_SHIFT;
    this.db = path.join(mkdtempSync(path.join(tmpdir(), 'trunkline-e2e-')), 'own.db');
  }
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  async start() {
    this.proc = spawn(
      '../target/release/trunkline',
      ['--database', this.db, 'serve', '--http', `127.0.0.1:${this.port}`, '--sip', `127.0.0.1:${this.sipPort}`, '--site-root', '../target/site'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.url}/login`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server on ${this.port} did not start`);
  }
  /** Creates the administrator (a fresh server has none) and logs `page` in. */
  async adminLogin(page: Page, password: string) {
    const admin = await fetch(`${this.url}/api/create_admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.url },
      body: JSON.stringify({ input: { username: MAIN.user, password, confirm: password } }),
    });
    expect(admin.ok).toBe(true);
    await login(page, this.url, password);
  }
  async stop() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGINT');
    });
  }
}

/** A UDP port free on 127.0.0.1 right now, for a SIPp peer or a SIP listener. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** The SIPp scenarios the Rust tests use. */
export const sippDir = path.resolve(__dirname, '../../server/tests/sipp');

/** One SIPp run (`-m 1` unless `args` says otherwise) from 127.0.0.1. */
export function sipp(args: string[]): ChildProcess {
  return spawn('sipp', ['-i', '127.0.0.1', '-m', '1', '-nostdin', ...args], { stdio: 'ignore', cwd: '/tmp' });
}

export function exited(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

/** The seed's example trunk, as XiVO's guide tells to type it, tab by tab. */
export const SEED_TRUNK = {
  general: {
    name: 'provider_username',
    authUsername: 'provider_username',
    password: 'provider_password',
    connectionType: 'peer',
    addressing: 'static',
    host: 'voip.provider.example.com',
    context: 'Incalls (from-extern)',
  },
  register: { register: true, transport: 'udp', password: 'provider_password' },
  signalling: { monitoring: '2000' },
};
