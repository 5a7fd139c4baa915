// Starts `wallet-server demo` on free loopback ports (the wallet and the demo shop, two
// origins) with its own empty database, so every test begins from the seeded demo state
// (shopper_demo with CNY 120.50).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SERVER_BIN =
  process.env.BC_E2E_SERVER_BIN ?? path.join(repoRoot, 'target', 'release', 'wallet-server');
export const WIDGET_DIR = process.env.BC_E2E_WIDGET_DIR ?? path.join(repoRoot, 'dist');

// The server reads BC_* variables (listen address, database, config file): none of the
// caller's may leak into a test's server.
function serverEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BC_') && k !== 'DATABASE_URL'));
}

/**
 * Starts a demo server. Resolves to `{ url, shop, log, stop() }` once it prints both URLs:
 * `url` is the wallet's origin (API, loader, frame), `shop` the demo shop's.
 * `database` defaults to an in-memory SQLite database (a fresh one per server); `bin` and
 * `widgetDir` to SERVER_BIN and WIDGET_DIR (the load bench passes a previous build's).
 */
export async function startDemoServer({ database = 'sqlite::memory:', env = {}, args = [], bin = SERVER_BIN, widgetDir = WIDGET_DIR } = {}) {
  if (!existsSync(bin)) {
    throw new Error(`${bin} not found: build it with 'cargo build --release -p wallet-server' (or set BC_E2E_SERVER_BIN)`);
  }
  if (!existsSync(path.join(widgetDir, 'loader.js'))) {
    throw new Error(`${widgetDir}/loader.js not found: build the widget with 'trunk build --release' (or set BC_E2E_WIDGET_DIR)`);
  }
  const child = spawn(
    bin,
    ['demo', '--listen', '127.0.0.1:0', '--shop-listen', '127.0.0.1:0', '--database', database,
      '--widget-dir', widgetDir, ...args],
    {
      env: { ...serverEnv(), RUST_LOG: process.env.RUST_LOG ?? 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  const urls = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wallet-server demo printed no URL within 30 s:\n${log}`)), 30_000);
    const onData = (chunk) => {
      log += chunk;
      const m = /Balance Checkout demo: (http:\/\/[^\s/]+)\//.exec(log);
      const s = /Demo shop: (http:\/\/[^\s/]+)\//.exec(log);
      if (m && s) {
        clearTimeout(timer);
        resolve({ url: m[1], shop: s[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { log += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wallet-server demo exited with ${code} before it was ready:\n${log}`));
    });
  });
  child.stdout.on('data', (chunk) => { log += chunk; });
  return {
    ...urls,
    get log() { return log; },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
