// The backend's API as the tests use it: wallet and ledger through the admin key (the
// truth about money, not the widget's rendering), the sandbox second method, sessions.
export const ADMIN_KEY = 'ak_test_demo';
export const MERCHANT_KEY = 'sk_test_demo';
export const SHOPPER = 'shopper_demo';
export const PASSWORD = '123456';
// The demo shopper's login password: the wallet's sign-in credential (the six-digit payment
// password signs in nowhere).
export const LOGIN = 'Lantern-Maple-42';
export const SEEDED_BALANCE = '120.50';

async function call(base, method, path, { key, body } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

async function ok(promise, what) {
  const r = await promise;
  if (r.status < 200 || r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text}`);
  return r.json;
}

export const wallet = (base, shopper = SHOPPER) =>
  ok(call(base, 'GET', `/v1/wallets/${shopper}`, { key: ADMIN_KEY }), 'GET wallet');

export const ledger = async (base, shopper = SHOPPER) =>
  (await ok(call(base, 'GET', `/v1/wallets/${shopper}/ledger`, { key: ADMIN_KEY }), 'GET ledger')).entries;

export const topUp = (base, amount, shopper = SHOPPER) =>
  ok(call(base, 'POST', `/v1/wallets/${shopper}/topups`, { key: ADMIN_KEY, body: { amount, method: 'bank_card' } }), 'top-up');

export const intent = (base, id) => ok(call(base, 'GET', `/v1/intents/${id}`, { key: MERCHANT_KEY }), 'GET intent');

export const sandbox = (base, id, action) => call(base, 'POST', `/v1/sandbox/intents/${id}/${action}`, { body: {} });

export const raw = call;

/** The ledger's debits of the available balance that pay for an order (hold or payment). */
export function charges(entries) {
  return entries.filter((e) => e.account === 'available' && e.direction === 'debit' && ['hold', 'payment'].includes(e.kind));
}

/** Distinct intents the wallet's balance was charged for. */
export function chargedIntents(entries) {
  return [...new Set(charges(entries).map((e) => e.reference))];
}

/** Creates a session for `shopper` with the merchant's key: `{id, secret}`. */
export async function createSession(base, cart, shopper = SHOPPER) {
  const created = await ok(call(base, 'POST', '/v1/sessions', { key: MERCHANT_KEY, body: { shopper_id: shopper, cart } }), 'POST session');
  return { id: created.id, secret: created.client_secret };
}
