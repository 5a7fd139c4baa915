// One fresh world per test: a demo server with an empty database (seeded shopper_demo
// with CNY 120.50) and its demo shop on a second origin, a Chromium with a new profile,
// and a page. `base` is the wallet's origin, `shop` the shop's. On
// failure the page's screenshot and the server's log are kept under e2e/artifacts/.
import { writeFileSync } from 'node:fs';
import { startDemoServer } from './server.mjs';
import { launch, newPage, artifactPath } from './browser.mjs';

export async function withCheckout(t, fn, options = {}) {
  const server = await startDemoServer(options);
  let browser;
  let page;
  try {
    browser = await launch();
    page = await newPage(browser);
    await fn({ base: server.url, shop: server.shop, page, browser, server });
  } catch (e) {
    const slug = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
    try {
      if (page) await page.screenshot({ path: artifactPath(`failed-${slug}.png`), fullPage: true });
      writeFileSync(artifactPath(`failed-${slug}.log`), `console:\n${page?.bc.console.join('\n') ?? ''}\n\nserver:\n${server.log}`);
    } catch { /* best effort */ }
    throw e;
  } finally {
    if (browser) await browser.close();
    await server.stop();
  }
}
