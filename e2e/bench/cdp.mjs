// A minimal DevTools-protocol client for the load bench: Debian's Chromium launched with
// --remote-debugging-pipe (JSON messages separated by NUL on file descriptors 3 and 4, as
// Playwright and Puppeteer launch it) and flattened sessions, so that a command can be
// sent to any attached target by its sessionId. Playwright's CDPSession has no way to
// address a child session, and the checkout frame is one (an out-of-process iframe).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Launches Chromium with a new empty profile. Resolves to `{ send(method, params,
 * sessionId), onEvent(fn) -> off, version, close() }`; `fn(method, params, sessionId)`
 * sees every event of every session.
 */
export async function launchCdp(executable, args) {
  const profile = mkdtempSync(path.join(tmpdir(), 'bc-bench-profile-'));
  const child = spawn(executable, [...args, '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  const toBrowser = child.stdio[3];
  const fromBrowser = child.stdio[4];
  let next = 1;
  const pending = new Map();
  const listeners = new Set();
  let buffered = '';
  let closed = false;
  fromBrowser.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    let end;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (!p) continue;
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      } else {
        for (const fn of listeners) fn(msg.method, msg.params, msg.sessionId);
      }
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then((code) => {
    closed = true;
    for (const p of pending.values()) p.reject(new Error(`Chromium exited (${code}) during ${p.method}: ${stderr}`));
    pending.clear();
  });
  const send = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    if (closed) return reject(new Error(`Chromium has exited (${method})`));
    const id = next++;
    pending.set(id, { resolve, reject, method });
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
  });
  const { product } = await send('Browser.getVersion');
  return {
    send,
    version: product,
    onEvent(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      if (!closed) {
        send('Browser.close').catch(() => {});
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
