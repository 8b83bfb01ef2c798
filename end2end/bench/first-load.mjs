// First load of the SIP trunks screen on a slow link (issue 19): a logged-in
// browser with an empty cache opens /ipbx/trunks over 5 Mbit/s each way and
// 40 ms of round trip (Chromium's own throttling, through CDP), and the
// figure is the time from navigation start until the app marks the body
// `data-hydrated` (its root Effect runs once hydration is done: until then
// the forms are inert). Then the same page again with the cache warm.
// Prints figures, asserts nothing. Run by scripts/bench-firstload, which
// starts the server; environment: BENCH_URL, BENCH_USER, BENCH_PASSWORD,
// BENCH_RUNS [5], BENCH_KBPS [5000], BENCH_RTT_MS [40].
import { chromium } from '@playwright/test';

const base = process.env.BENCH_URL ?? 'http://127.0.0.1:3190';
const user = process.env.BENCH_USER ?? 'admin';
const password = process.env.BENCH_PASSWORD ?? '';
const runs = Number(process.env.BENCH_RUNS ?? 5);
const kbps = Number(process.env.BENCH_KBPS ?? 5000);
const rtt = Number(process.env.BENCH_RTT_MS ?? 40);
const bytesPerSecond = (kbps * 1000) / 8;
const timeout = 60_000;

const args = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Records, inside the page, when the body gets its hydration mark: the
// figure does not include the test driver's polling.
const markHydration = () => {
  const note = () => {
    if (document.body?.getAttribute('data-hydrated') === 'true' && !window.__hydratedAt) {
      window.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(note).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

async function logIn(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout });
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`, { timeout });
  const state = await context.storageState();
  await context.close();
  return state;
}

async function visit(page) {
  await page.goto(`${base}/ipbx/trunks`, { timeout });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout });
  if (!new URL(page.url()).pathname.endsWith('/ipbx/trunks')) {
    throw new Error(`ended on ${page.url()}, not the trunks screen (logged out?)`);
  }
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const wasm = performance
      .getEntriesByType('resource')
      .filter((r) => r.name.includes('/pkg/'))
      .reduce((sum, r) => sum + r.transferSize, 0);
    return { interactive: window.__hydratedAt, html: nav.responseEnd, pkgBytes: wasm };
  });
}

function summary(label, samples) {
  const times = samples.map((s) => s.interactive).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${label}: median ${(median / 1000).toFixed(2)} s to interactive ` +
      `(min ${(times[0] / 1000).toFixed(2)}, max ${(times[times.length - 1] / 1000).toFixed(2)}, ${times.length} runs); ` +
      `HTML done at ${(samples[0].html / 1000).toFixed(2)} s; /pkg/ bytes transferred ${samples[0].pkgBytes}`,
  );
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
try {
  const state = await logIn(browser);
  const cold = [];
  const warm = [];
  for (let i = 0; i < runs; i++) {
    // A context of its own per run: an empty HTTP cache, the session's cookies.
    const context = await browser.newContext({ storageState: state });
    await context.addInitScript(markHydration);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: rtt,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
    cold.push(await visit(page));
    warm.push(await visit(page));
    await context.close();
  }
  console.log(`first load of /ipbx/trunks at ${kbps / 1000} Mbit/s, ${rtt} ms RTT (Chromium throttling)`);
  summary('cold cache', cold);
  summary('warm cache', warm);
} finally {
  await browser.close();
}
