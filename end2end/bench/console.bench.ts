// What the console's long lists cost in the browser (issue 19), with the
// server scripts/bench-console filled (10,000 trunks, users ...): for each
// list page, hydration (navigation start to `body[data-hydrated]`, set by
// an effect once the WASM has taken the page over), a filter keystroke to
// the next animation frame, the last keystroke of a word to the list
// showing its result (the 250 ms debounce and the server's answer
// included), and a delete to its row leaving the table. Prints figures;
// asserts only that the page works, never a time.
import { test, expect, type Page } from '@playwright/test';

const LOADS = Number(process.env.BENCH_LOADS ?? 7);
const password = process.env.BENCH_PASSWORD ?? '';

interface ListPage {
  name: string;
  path: string;
  filter: string;
  /** Typed into the filter, one key at a time. */
  word: string;
  /** What changes when the list has answered the filter. */
  answer: string;
  /** A row of the list, for the delete; none when rows are not deleted here. */
  row?: string;
}

const PAGES: ListPage[] = [
  { name: 'trunks', path: '/ipbx/trunks', filter: '#filter', word: 'bench0123', answer: '#list-total', row: 'tr[data-trunk]' },
  { name: 'users', path: '/ipbx/users', filter: '#filter', word: '10123', answer: '#list-total', row: 'tr[data-user]' },
  { name: 'outgoing calls', path: '/ipbx/outcalls', filter: '#filter', word: 'route 0012', answer: '#list-total', row: 'tr[data-outcall]' },
  { name: 'incoming calls', path: '/ipbx/incalls', filter: '#filter', word: '555012', answer: '#list-total', row: 'tr[data-incall]' },
  { name: 'registry', path: '/status/registry', filter: '#filter', word: 'bench0123', answer: '#list-total' },
  { name: 'calls (call log)', path: '/status/calls', filter: '#call-search', word: 'caller123', answer: '#call-log' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * 95) / 100))];
}
const fmt = (xs: number[]) => `p50 ${median(xs).toFixed(0)} ms, p95 ${p95(xs).toFixed(0)} ms (n=${xs.length})`;

/** Notes when the body says hydrated, in the page's own clock (ms from navigation start). */
const HYDRATION_PROBE = `
  window.__hydratedAt = null;
  new MutationObserver((_, obs) => {
    if (document.body && document.body.dataset.hydrated === 'true') {
      window.__hydratedAt = performance.now();
      obs.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
`;

async function logIn(page: Page) {
  await page.goto('/login');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

async function hydration(page: Page, path: string): Promise<{ hydrated: number; bytes: number }> {
  let bytes = 0;
  const count = (r: import('@playwright/test').Response) => {
    if (r.request().resourceType() === 'document') {
      r.body().then((b) => (bytes = b.length)).catch(() => undefined);
    }
  };
  page.on('response', count);
  await page.goto(path);
  await page.waitForFunction(() => (window as unknown as { __hydratedAt: number | null }).__hydratedAt !== null);
  page.off('response', count);
  const hydrated = await page.evaluate(() => (window as unknown as { __hydratedAt: number }).__hydratedAt);
  return { hydrated, bytes };
}

/** Types `word` into `filter` a key at a time; each key's time to the next frame, and the
 *  last key's time to `answer` changing. */
async function keystrokes(page: Page, filter: string, word: string, answer: string) {
  await page.evaluate(
    ({ filter, answer }) => {
      const w = window as unknown as Record<string, unknown>;
      const frames: number[] = [];
      w.__frames = frames;
      w.__answeredAt = null;
      const box = document.querySelector(filter) as HTMLInputElement;
      box.addEventListener('keydown', (e) => {
        const t0 = e.timeStamp;
        w.__lastKey = t0;
        // The frame's own timestamp is its start, which may precede the key.
        requestAnimationFrame(() => frames.push(performance.now() - t0));
      });
      // The answer is there when what it says changes (the element may be drawn anew).
      const before = document.querySelector(answer)?.textContent ?? '';
      const obs = new MutationObserver(() => {
        const now = document.querySelector(answer)?.textContent ?? '';
        if (now !== before) {
          w.__answeredAt = performance.now();
          obs.disconnect();
        }
      });
      obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    },
    { filter, answer },
  );
  await page.locator(filter).click();
  for (const key of word) {
    await page.keyboard.type(key);
    // Not faster than a person types: each key is its own frame.
    await page.waitForTimeout(60);
  }
  const lastKey = await page.evaluate(() => (window as unknown as { __lastKey: number }).__lastKey);
  // The list answers after the debounce and a round trip; then it stays.
  await page.waitForTimeout(1500);
  const { frames, answeredAt } = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __answeredAt: number | null };
    return { frames: w.__frames, answeredAt: w.__answeredAt };
  });
  return { frames, toAnswer: answeredAt === null ? NaN : answeredAt - lastKey };
}

/** Deletes the first row on the page: "Yes, delete" to the row gone from the table. */
async function deleteOne(page: Page, row: string): Promise<number> {
  const first = page.locator(row).first();
  await first.getByRole('button', { name: 'Delete', exact: true }).click();
  await first.getByRole('button', { name: 'Yes, delete' }).waitFor();
  return page.evaluate(
    (row) =>
      new Promise<number>((resolve) => {
        const tr = document.querySelector(row) as HTMLElement;
        const yes = [...tr.querySelectorAll('button')].find((b) => b.textContent === 'Yes, delete') as HTMLButtonElement;
        const t0 = performance.now();
        const obs = new MutationObserver(() => {
          if (!tr.isConnected) {
            obs.disconnect();
            resolve(performance.now() - t0);
          }
        });
        obs.observe(document.body, { childList: true, subtree: true });
        // A refused delete leaves the row: no figure rather than a wait forever.
        setTimeout(() => {
          obs.disconnect();
          resolve(NaN);
        }, 10_000);
        yes.click();
      }),
    row,
  );
}

test('console lists in the browser', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page);
  await context.addInitScript(HYDRATION_PROBE);
  const lines: string[] = [];
  for (const list of PAGES) {
    // The first load fetches the bundle; the others find it in the cache,
    // as an administrator going from list to list does.
    await hydration(page, list.path);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < LOADS; i++) {
      const r = await hydration(page, list.path);
      times.push(r.hydrated);
      bytes = r.bytes;
    }
    const typing = await keystrokes(page, list.filter, list.word, list.answer);
    let deletes = '';
    if (list.row) {
      await page.goto(list.path);
      await page.waitForSelector('body[data-hydrated="true"]');
      const ms: number[] = [];
      for (let i = 0; i < 3; i++) ms.push(await deleteOne(page, list.row));
      deletes = `; delete → row gone ${fmt(ms)}`;
    }
    const line =
      `${list.name.padEnd(18)} HTML ${bytes} B; hydrated ${fmt(times)}; ` +
      `keystroke → next frame ${fmt(typing.frames)}; last key → list answered ${typing.toAnswer.toFixed(0)} ms` +
      deletes;
    console.log(line);
    lines.push(line);
  }
  expect(lines.length).toBe(PAGES.length);
  await context.close();
});
