/*
 * Balance Checkout frame: boots the widget in the frame document that the wallet server
 * serves at /balance-checkout/v1/frame/{session_id}, on the wallet's own origin, so the
 * merchant's page never sees the password, the balance or the wallet id.
 *
 * The server writes this script into that document (inline, under the CSP's hash of it), so
 * it runs as the document arrives. The query carries the locale and the theme (the server
 * draws the order in that language before any script runs: the first paint); the fragment
 * (never sent to a server) carries the secret and the embedder:
 *   ?locale=zh-CN&theme={"accent":"#07c"}#client_secret=cs_secret_…&origin=https://shop.example
 * (A loader.js of an earlier release, pinned by a merchant, puts all four in the fragment.)
 * The frame runs only inside a page whose origin is `origin`, and only when the wallet
 * allows that origin for the session's merchant (<meta name="bc-allowed-origins">, which
 * the server also sends as the CSP's frame-ancestors). It sends requests to its own
 * origin only, and posts messages only to `origin`, only to its parent.
 */
(function () {
  "use strict";
  var SOURCE = "balance-checkout";
  var params = new URLSearchParams(location.hash.slice(1));
  var query = new URLSearchParams(location.search);
  function option(name) { return query.get(name) || params.get(name); }
  var sessionId = decodeURIComponent(location.pathname.split("/").pop() || "");
  var embedder = params.get("origin") || "";
  var options = {
    sessionId: sessionId,
    clientSecret: params.get("client_secret") || "",
    locale: option("locale") || navigator.language
  };
  var meta = document.querySelector('meta[name="bc-allowed-origins"]');
  var allowed = ((meta && meta.content) || "").split(",").filter(Boolean);
  var ancestors = location.ancestorOrigins;
  var refusal = window.parent === window
    ? "This checkout runs only inside the shop's page that opened it."
    : allowed.indexOf(embedder) < 0
      ? "This checkout was opened by a page its shop has not allowed (" + embedder + ")."
      : ancestors && ancestors.length && ancestors[0] !== embedder
        ? "This checkout was opened by another page than the one it names."
        : null;

  /* Theme values become custom properties on <html> only when they are what they claim:
     a colour, a length or a font-family list (no url(), no ";", no expressions). */
  var COLOUR = /^(#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})|(rgb|rgba|hsl|hsla)\([0-9.,%\s/+-]{1,64}\)|[a-z]{3,24})$/i;
  var LENGTH = /^(0|[0-9]{1,3}(\.[0-9]{1,3})?(px|rem|em|%))$/;
  var FONTS = /^[A-Za-z0-9 ,"'_-]{1,200}$/;
  var THEME = {
    accent: COLOUR, accentText: COLOUR, radius: LENGTH, font: FONTS, text: COLOUR,
    muted: COLOUR, surface: COLOUR, border: COLOUR, focus: COLOUR, ok: COLOUR, okBg: COLOUR,
    no: COLOUR, noBg: COLOUR
  };
  var themed = [];
  function propertyName(key) {
    return "--bc-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
  }
  function applyTheme(theme) {
    var style = document.documentElement.style;
    themed.forEach(function (name) { style.removeProperty(name); });
    themed = [];
    if (!theme || typeof theme !== "object") {
      return;
    }
    Object.keys(theme).forEach(function (key) {
      var plain = key.indexOf("--bc-") === 0
        ? key.slice(5).replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })
        : key;
      var value = String(theme[key]).trim();
      if (!THEME[plain]) {
        console.warn("Balance Checkout: theme." + key + " is not a theme property; use one of " + Object.keys(THEME).join(", "));
      } else if (!THEME[plain].test(value)) {
        console.warn("Balance Checkout: theme." + key + " = " + JSON.stringify(value) + " is not a valid " +
          (THEME[plain] === LENGTH ? "length (like 8px)" : THEME[plain] === FONTS ? "font-family list" : "colour (like #0a66c2)") + "; ignored");
      } else {
        style.setProperty(propertyName(plain), value);
        themed.push(propertyName(plain));
      }
    });
  }
  function parseTheme(text) {
    try {
      return text ? JSON.parse(text) : null;
    } catch (e) {
      console.warn("Balance Checkout: the theme is not JSON; ignored");
      return null;
    }
  }

  function post(type, detail) {
    window.parent.postMessage({ source: SOURCE, type: type, detail: detail || {} }, embedder);
  }

  /* What the merchant's page may learn, field by field: the quote's totals and the
     outcome; never the password, the balance or the wallet id. */
  var CHANGE = ["currency", "total", "standard_total", "savings", "balance_prices_applied", "balance_amount", "other_amount"];
  var INTENT = ["id", "session_id", "status", "currency", "total", "balance_amount", "other_method", "other_amount", "next_action", "created_at"];
  var RELAYED = { ready: [], change: CHANGE, succeeded: INTENT, "requires-action": INTENT, failed: ["code", "message"], done: ["id"] };
  function pick(detail, keys) {
    var out = {};
    keys.forEach(function (k) {
      if (detail && detail[k] !== undefined) {
        out[k] = JSON.parse(JSON.stringify(detail[k]));
      }
    });
    return out;
  }

  /* The server's first paint (the order, drawn from the session id alone) stays until the
     widget has drawn the checkout (anything but its loading skeleton), then gives way. */
  function takeOver(root) {
    var first = document.getElementById("bc-first");
    if (!first) {
      return;
    }
    root.hidden = true;
    var observer = new MutationObserver(function () {
      if (root.firstElementChild && !root.querySelector(".bc-skeleton")) {
        observer.disconnect();
        first.remove();
        root.hidden = false;
      }
    });
    observer.observe(root, { childList: true, subtree: true });
  }

  function refuse(root, message) {
    var first = document.getElementById("bc-first");
    if (first) {
      first.remove();
    }
    root.hidden = false;
    var p = document.createElement("p");
    p.className = "bc-refused";
    p.setAttribute("role", "alert");
    p.textContent = message;
    root.replaceChildren(p);
  }

  /* The session's GET goes out now, as the document arrives, while the glue and the wasm
     download (the preload links started those): the widget takes this answer for its
     first load. */
  function fetchSession() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 15000);
    var request = fetch("/v1/sessions/" + encodeURIComponent(sessionId), {
      headers: { Authorization: "Bearer " + options.clientSecret },
      signal: controller.signal
    }).then(function (response) {
      return response.text().then(function (body) {
        return new Response(body, { status: response.status });
      });
    });
    function stop() { clearTimeout(timer); }
    request.then(stop, stop); // a failure is handled by the widget: it loads again
    return request;
  }

  function loadWasm() {
    var glue = document.querySelector('link[rel="modulepreload"]');
    // The server preloads the wasm only for engines whose fetch() takes the preload's
    // response (not WebKit, which would download it twice); the glue's link names it too.
    var preload = document.querySelector('link[rel="preload"][as="fetch"]');
    var wasm = preload ? preload.href : glue && glue.getAttribute("data-wasm");
    if (!glue || !wasm) {
      return Promise.reject(new Error("the frame document has no glue or wasm link; rebuild the widget"));
    }
    // Same URL and mode (cors, same-origin credentials) as the preload: one download.
    var module = fetch(new URL(wasm, location.href).href);
    module.catch(function () {}); // reported through init
    return import(glue.href).then(function (g) {
      return g.default({ module_or_path: module }).then(function () { return g; });
    });
  }

  /* Relays the widget's events and the document's height; answers a function that says
     both again (for a loader that adopted this frame after it had spoken). */
  function relay(root) {
    var isReady = false;
    Object.keys(RELAYED).forEach(function (name) {
      root.addEventListener("balancecheckout:" + name, function (event) {
        isReady = isReady || name === "ready";
        post(name, pick(event.detail, RELAYED[name]));
      });
    });
    var last = 0;
    function measure() {
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height !== last) {
        last = height;
        post("resize", { height: height });
      }
    }
    // A ResizeObserver for width changes; a MutationObserver for every re-render, because
    // browsers pause the rendering (and ResizeObserver) of cross-origin frames scrolled
    // out of view, and the frame must have its height before the shopper scrolls to it.
    new ResizeObserver(measure).observe(document.body);
    new MutationObserver(measure).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true
    });
    return function announce() {
      post("resize", { height: last });
      if (isReady) {
        post("ready", {});
      }
    };
  }

  function start(first) {
    var root = document.getElementById("bc-root");
    if (refusal) {
      console.error("Balance Checkout: " + refusal);
      refuse(root, refusal);
      return;
    }
    applyTheme(parseTheme(option("theme")));
    var announce = relay(root);
    takeOver(root);
    var app = null;
    window.addEventListener("message", function (event) {
      var m = event.data;
      if (event.source !== window.parent || event.origin !== embedder ||
          !m || m.source !== SOURCE || m.type !== "update") {
        return;
      }
      if (m.hello === true) {
        announce(); // a loader that adopted this frame asks where it stands
      }
      if ("theme" in m) {
        applyTheme(m.theme);
      }
      if (typeof m.locale === "string" && app) {
        options.locale = m.locale;
        app.update(options);
      }
    });
    loadWasm().then(function (glue) {
      app = glue.mount(root, root, Object.assign({ fetchedSession: first }, options));
    }, function (error) {
      var zh = String(options.locale).toLowerCase().indexOf("zh") === 0;
      var message = zh
        ? "支付组件加载失败，请检查网络后刷新页面。"
        : "The checkout could not load. Check your connection and reload the page.";
      console.error("Balance Checkout: " + error);
      refuse(root, message);
      post("failed", { code: "load_failed", message: message });
    });
  }

  var first = refusal ? null : fetchSession();
  if (first) {
    first.catch(function () {});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(first); }, { once: true });
  } else {
    start(first);
  }
})();
