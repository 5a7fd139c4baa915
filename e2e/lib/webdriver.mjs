// Firefox, WebKit and Chromium driven through W3C WebDriver (npm selenium-webdriver, which
// here only speaks the protocol: each driver is started by us from the system, nothing is
// downloaded). Firefox: Debian's firefox-esr through geckodriver (crates.io), headless.
// WebKit: Debian's WebKitWebDriver and MiniBrowser (WebKitGTK, Safari's engine); it has no
// headless mode, so it needs an X display (run under `xvfb-run -a`). Chromium: Debian's
// chromium through chromedriver, headless. Each browser starts with a new empty profile.
import { Builder, By, until } from 'selenium-webdriver';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.mjs';

export { By, until };

const MINIBROWSER = process.env.BC_E2E_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
// geckodriver comes from crates.io (`cargo install`): ~/.cargo/bin, else the PATH.
const CARGO_GECKODRIVER = path.join(homedir(), '.cargo', 'bin', 'geckodriver');
const GECKODRIVER = process.env.BC_E2E_GECKODRIVER ?? (existsSync(CARGO_GECKODRIVER) ? CARGO_GECKODRIVER : 'geckodriver');

/** How to start each engine's driver and what to ask it for. */
export const ENGINES = {
  firefox: {
    label: 'Firefox',
    driver: (port) => [GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1', '--log', 'error']],
    capabilities: () => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.BC_E2E_FIREFOX ?? '/usr/bin/firefox-esr',
        args: ['-headless', '-width=1280', '-height=900'],
        // A closed network: no update, telemetry or experiment downloads.
        prefs: {
          'app.update.disabledForTesting': true, 'app.normandy.enabled': false,
          'datareporting.policy.dataSubmissionEnabled': false, 'toolkit.telemetry.enabled': false,
          'messaging-system.rsexperimentloader.enabled': false, 'network.captive-portal-service.enabled': false,
          'network.connectivity-service.enabled': false, 'browser.safebrowsing.update.enabled': false,
        },
      },
    }),
  },
  webkit: {
    label: 'WebKit',
    driver: (port) => ['WebKitWebDriver', [`--port=${port}`]],
    capabilities: () => ({
      browserName: 'MiniBrowser',
      // --automation: the browser accepts the driver; --headless makes session creation hang.
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }),
    needsDisplay: true,
  },
  chromium: {
    label: 'Chromium',
    driver: (port) => [process.env.BC_E2E_CHROMEDRIVER ?? '/usr/bin/chromedriver', [`--port=${port}`]],
    capabilities: (profile) => ({
      browserName: 'chrome',
      'goog:chromeOptions': { binary: CHROMIUM, args: [...CHROMIUM_ARGS, '--window-size=1280,900', `--user-data-dir=${profile}`] },
    }),
  },
};

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForDriver(url, child, log) {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the WebDriver server exited with ${child.exitCode}:\n${log()}`);
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the WebDriver server did not answer at ${url} within 30 s:\n${log()}`);
}

/**
 * Starts `engine`'s WebDriver server and a browser session. Resolves to
 * `{ engine, label, name, version, driver, close() }`; `name` reads like "WebKit
 * (MiniBrowser 2.50.6)".
 */
export async function startBrowser(engine) {
  const spec = ENGINES[engine];
  if (!spec) throw new Error(`unknown engine '${engine}'; engines: ${Object.keys(ENGINES).join(', ')}`);
  if (spec.needsDisplay && !process.env.DISPLAY) {
    throw new Error(`${spec.label} has no headless mode here: run under an X server, e.g. 'xvfb-run -a node --test …'`);
  }
  const port = await freePort();
  const profile = mkdtempSync(path.join(tmpdir(), `bc-${engine}-profile-`));
  const [bin, args] = spec.driver(port);
  let out = '';
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const spawned = new Promise((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  const stopDriver = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(profile, { recursive: true, force: true });
  };
  let driver;
  try {
    await spawned.catch((e) => { throw new Error(`cannot start ${bin} (run scripts/setup.sh): ${e.message}`); });
    const url = `http://127.0.0.1:${port}`;
    await waitForDriver(url, child, () => out);
    // A driver that never answers (WebKit's did, with --headless) must fail the run, not hang it.
    driver = await within(60_000, new Builder().usingServer(url).withCapabilities(spec.capabilities(profile)).build(),
      `a ${spec.label} session from ${bin}`);
  } catch (e) {
    await stopDriver();
    throw e;
  }
  const caps = await driver.getCapabilities();
  const version = caps.get('browserVersion') ?? caps.get('version') ?? '?';
  await driver.manage().setTimeouts({ script: 30_000, pageLoad: 60_000, implicit: 0 });
  await driver.manage().window().setRect({ width: 1280, height: 900 }).catch(() => {});
  return {
    engine,
    label: spec.label,
    version,
    name: `${spec.label} (${caps.get('browserName')} ${version})`,
    driver,
    get log() { return out; },
    async close() {
      try { await within(20_000, driver.quit(), 'the browser to quit'); } catch { /* gone, or killed with its driver */ }
      await stopDriver();
    },
  };
}

/** `promise`, or an error naming `what` after `ms` milliseconds. */
export function within(ms, promise, what) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Polls `fn` until it returns a truthy value, or throws after `timeout` ms. */
export async function eventually(fn, { timeout = 20_000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
