// The hostile merchant page of DESIGN.md *Security model*, shared by the Chromium suite
// (tests/security.test.mjs, as an init script) and the cross-engine suite (engines/,
// injected through WebDriver before the checkout it watches is mounted).
//
// Runs on the merchant's page before any of its scripts (as a tag manager or an injected
// script would): listens to every keystroke and input, wraps fetch, XMLHttpRequest and
// postMessage, hears every message, and keeps walking the DOM, every open shadow root and
// every frame it can reach for input values. Playwright also injects init scripts into
// frames; a merchant's script cannot run in the wallet's frame, so this one only runs at
// the top.
export function hostile() {
  if (window.top !== window) return;
  const seen = { keys: [], values: [], messages: [], requests: [], frames: [] };
  window.__hostile = seen;
  for (const target of [window, document]) {
    for (const type of ['keydown', 'keypress', 'keyup', 'input', 'beforeinput', 'change', 'paste']) {
      target.addEventListener(type, (e) => {
        seen.keys.push(`${type} key=${e.key ?? ''} data=${e.data ?? ''} value=${e.target?.value ?? ''}`);
      }, true);
    }
  }
  window.addEventListener('message', (e) => seen.messages.push(`${e.origin} ${JSON.stringify(e.data)}`), true);
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    seen.requests.push(`fetch ${input?.url ?? input} ${init?.body ?? ''} ${JSON.stringify(init?.headers ?? {})}`);
    return fetch0.apply(this, arguments).then((r) => {
      r.clone().text().then((t) => seen.requests.push(t), () => {});
      return r;
    });
  };
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    seen.requests.push(`xhr ${body ?? ''}`);
    this.addEventListener('load', () => seen.requests.push(this.responseText));
    return send0.apply(this, arguments);
  };
  const post0 = window.postMessage;
  window.postMessage = function (m) {
    seen.messages.push(`post ${JSON.stringify(m)}`);
    return post0.apply(this, arguments);
  };
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (typeof el.value === 'string' && el.value) seen.values.push(el.value);
      if (el.tagName === 'IFRAME') {
        try {
          // Before it navigates, an iframe holds an empty about:blank of the page's own
          // origin; what matters is whether the checkout's document can be read.
          const doc = el.contentDocument;
          if (doc && doc.URL !== 'about:blank') {
            seen.frames.push(`readable ${doc.URL}`);
            walk(doc);
          }
        } catch { /* cross-origin: the browser says no */ }
        try {
          const href = el.contentWindow.location.href;
          if (href !== 'about:blank') seen.frames.push(`location ${href}`);
        } catch { /* no */ }
      }
    }
  };
  window.__walk = () => walk(document);
  setInterval(window.__walk, 50);
}
