import { test, expect, login, MAIN } from './support';

// A small, cached, compressed bundle (issue 19): the release build's
// WebAssembly, script and style sheet have their content's hash in their
// names and are kept a year; pages are revalidated on every visit; pages,
// JSON and the bundle travel compressed.
const HASHED = /^\/pkg\/trunkline\.[A-Za-z0-9_-]{22}\.(wasm|js|css)$/;
const ACCEPT = { 'accept-encoding': 'br, gzip' };

test('the bundle is hashed, kept a year and compressed; pages are revalidated', async ({ page }) => {
  await login(page);
  const assets = await page.evaluate(() => [
    document.querySelector('link[rel="preload"][as="fetch"]')?.getAttribute('href'),
    document.querySelector('link[rel="modulepreload"]')?.getAttribute('href'),
    document.querySelector('link[rel="stylesheet"]')?.getAttribute('href'),
  ]);
  expect(assets).toHaveLength(3);
  for (const asset of assets) {
    expect(asset ?? '').toMatch(HASHED);
    const answer = await page.request.get(MAIN.url + asset, { headers: ACCEPT });
    expect(answer.status(), asset!).toBe(200);
    const headers = answer.headers();
    expect(headers['cache-control'], asset!).toBe('public, max-age=31536000, immutable');
    expect(headers['content-encoding'], asset!).toMatch(/^(br|gzip)$/);
  }

  // Pages: compressed, and asked for again on every visit.
  const html = await page.request.get(`${MAIN.url}/ipbx/trunks`, { headers: ACCEPT });
  expect(html.status()).toBe(200);
  expect(html.headers()['cache-control']).toBe('no-cache');
  expect(html.headers()['content-encoding']).toMatch(/^(br|gzip)$/);

  // JSON too.
  const json = await page.request.get(`${MAIN.url}/api/v1/openapi.json`, { headers: ACCEPT });
  expect(json.status()).toBe(200);
  expect(json.headers()['content-encoding']).toMatch(/^(br|gzip)$/);
  expect((await json.json()).openapi).toBeTruthy();

  // The unhashed name of an older build is not served as if it were current.
  const stale = await page.request.get(`${MAIN.url}/pkg/trunkline.wasm`, { headers: ACCEPT });
  expect(stale.headers()['cache-control']).toBe('no-cache');
});
