/*
 * Balance Checkout loader: the one script a merchant includes.
 *
 *   <script src="https://wallet.example/balance-checkout/v1/loader.js"
 *           integrity="sha384-…" crossorigin="anonymous" defer></script>
 *   <div data-balance-checkout data-session="cs_..." data-client-secret="cs_secret_..."
 *        data-locale="zh-CN"></div>
 *
 * It puts a frame from the wallet's origin (the origin this file was loaded from; nothing
 * can point it elsewhere) into every [data-balance-checkout] element, or adopts the frame
 * a merchant's server already wrote there (the iframe-first embed: one round trip less;
 * docs/widget.md), and exposes
 * BalanceCheckout.mount(element, options) -> {update, destroy, ready}. The password, the
 * balance and the wallet id stay in that frame; this page gets the frame's height and
 * the balancecheckout:* events. The loader itself requests nothing from the wallet's API.
 */
(function () {
  "use strict";
  if (window.BalanceCheckout) {
    return; // included twice: the first copy already runs
  }
  var script = document.currentScript;
  if (!script || !script.src) {
    console.error("Balance Checkout: load loader.js with <script src=\"https://<wallet>/balance-checkout/v1/loader.js\">, not inline or as a module");
    return;
  }
  var SOURCE = "balance-checkout";
  var WALLET = new URL(script.src).origin;
  var FRAME = new URL("frame/", script.src).href;
  var EVENTS = { ready: "string", change: "total", succeeded: "id", "requires-action": "id", failed: "code", done: "id" };
  // Room reserved until the checkout has loaded (a typical checkout's height), so the page
  // does not jump while the frame shows its loading skeleton.
  var INITIAL_HEIGHT = 600;
  // A frame that runs speaks at once; one the browser refused to load never does.
  var FRAME_TIMEOUT = 10000;
  var mounted = new WeakMap();

  /* The frame's address: the locale and theme in the query, which the wallet reads to
     draw the order before any script runs; the client secret in the fragment, which never
     leaves the browser. */
  function frameSrc(options) {
    var query = new URLSearchParams();
    if (options.locale) {
      query.set("locale", String(options.locale));
    }
    if (options.theme) {
      query.set("theme", JSON.stringify(options.theme));
    }
    var secret = new URLSearchParams();
    secret.set("client_secret", String(options.clientSecret || ""));
    secret.set("origin", location.origin);
    var q = query.toString();
    return FRAME + encodeURIComponent(options.sessionId) + (q ? "?" + q : "") + "#" + secret;
  }

  /* A message from the frame as it must look; anything else is ignored. */
  function valid(m) {
    if (!m || typeof m !== "object" || m.source !== SOURCE || typeof m.type !== "string" ||
        !m.detail || typeof m.detail !== "object") {
      return false;
    }
    if (m.type === "resize") {
      return typeof m.detail.height === "number" && m.detail.height >= 0 && m.detail.height < 100000;
    }
    var key = EVENTS.hasOwnProperty(m.type) ? EVENTS[m.type] : null;
    return key === "string" || (key !== null && typeof m.detail[key] === "string");
  }

  function mount(el, options) {
    if (!(el instanceof Element)) {
      throw new TypeError("BalanceCheckout.mount: the first argument must be an element");
    }
    options = Object.assign({}, options || {});
    if (!/^cs_[A-Za-z0-9]{1,64}$/.test(String(options.sessionId)) || !options.clientSecret) {
      throw new TypeError("BalanceCheckout.mount: pass the sessionId (cs_…) and clientSecret your server got from POST /v1/sessions");
    }
    var previous = mounted.get(el);
    if (previous) {
      previous.destroy();
    }

    var adopted = options.frame;
    delete options.frame; // a later update() for another session makes its own frame
    var frame = adopted || document.createElement("iframe");
    if (!adopted) {
      var zh = String(options.locale || navigator.language).toLowerCase().indexOf("zh") === 0;
      frame.title = zh ? "余额支付" : "Pay with wallet balance";
      frame.allow = "publickey-credentials-get " + WALLET + "; payment " + WALLET;
      frame.style.display = "block";
      frame.style.width = "100%";
      frame.style.border = "0";
      frame.style.height = INITIAL_HEIGHT + "px";
      frame.src = frameSrc(options);
    }

    var started = false;
    var settled = false; // the checkout loaded (or failed): the frame now follows its content
    var height = INITIAL_HEIGHT;
    var settleTimer = null;
    var pending = [];
    var resolveReady, rejectReady;
    var ready = new Promise(function (resolve, reject) { resolveReady = resolve; rejectReady = reject; });
    ready.catch(function () {}); // a page that never reads `ready` hears `failed` instead

    function emit(type, detail) {
      el.dispatchEvent(new CustomEvent("balancecheckout:" + type, { bubbles: true, composed: true, detail: detail }));
    }

    /* Not a word from the frame: the browser most likely refused to frame it here (the
       wallet's frame-ancestors, which nothing relaxes). Say so, once; a frame that speaks
       later (a slow network) still works and says `ready` then. */
    var silenceTimer = setTimeout(function () {
      var message = "The checkout frame did not load within " + FRAME_TIMEOUT / 1000 + " s. This page's origin (" +
        location.origin + ") is probably not among the merchant's allowed origins, so the browser refused to frame " +
        "the checkout (the wallet's frame-ancestors). Add " + location.origin +
        " to the merchant's allowed_origins in the wallet's configuration " +
        "(with the demo: wallet-server demo --allow-origin " + location.origin + ").";
      console.error("Balance Checkout: " + message);
      rejectReady(new Error(message));
      emit("failed", { code: "frame_unavailable", message: message });
    }, FRAME_TIMEOUT);

    function send(message) {
      message.source = SOURCE;
      message.type = "update";
      if (started) {
        frame.contentWindow.postMessage(message, WALLET);
      } else {
        pending.push(message);
      }
    }

    function onMessage(event) {
      // Only the frame this handle made, on the wallet's exact origin.
      if (event.origin !== WALLET || event.source !== frame.contentWindow || !valid(event.data)) {
        return;
      }
      var m = event.data;
      if (!started) {
        started = true;
        clearTimeout(silenceTimer);
        pending.splice(0).forEach(send);
        resolveReady();
        // A session that is closed says so without `ready`: follow the content anyway.
        settleTimer = setTimeout(function () {
          settled = true;
          frame.style.height = height + "px";
        }, 8000);
      }
      if (m.type === "resize") {
        height = Math.ceil(m.detail.height);
      } else if (m.type === "ready" || m.type === "failed") {
        settled = true;
      }
      frame.style.height = (settled ? height : Math.max(height, INITIAL_HEIGHT)) + "px";
      if (m.type === "resize") {
        return;
      }
      emit(m.type, JSON.parse(JSON.stringify(m.detail)));
    }
    window.addEventListener("message", onMessage);
    if (adopted) {
      // It may have loaded before this script ran: ask it to say where it stands (a frame
      // still loading drops this, and speaks first once it runs).
      frame.contentWindow.postMessage({ source: SOURCE, type: "update", hello: true }, WALLET);
    } else {
      el.replaceChildren(frame);
    }

    var destroyed = false;
    var handle = {
      ready: ready,
      update: function (next) {
        if (destroyed || !next) {
          return;
        }
        if ((next.sessionId && next.sessionId !== options.sessionId) ||
            (next.clientSecret && next.clientSecret !== options.clientSecret)) {
          // Another session: a new frame for it (this handle then belongs to that one).
          var replacement = mount(el, Object.assign({}, options, next));
          handle.update = replacement.update;
          handle.destroy = replacement.destroy;
          return;
        }
        options = Object.assign({}, options, next);
        var message = {};
        if ("locale" in next) {
          message.locale = String(next.locale);
        }
        if ("theme" in next) {
          message.theme = next.theme || null;
        }
        send(message);
      },
      destroy: function () {
        if (destroyed) {
          return;
        }
        destroyed = true;
        clearTimeout(settleTimer);
        clearTimeout(silenceTimer);
        window.removeEventListener("message", onMessage);
        frame.remove(); // its document, timers, polls and requests end with it
        if (mounted.get(el) === handle) {
          mounted.delete(el);
        }
      }
    };
    mounted.set(el, handle);
    return handle;
  }

  /* The frame a merchant's server wrote into `el` (iframe-first), when it is this
     wallet's frame document: its session from the path, its secret from the fragment. */
  function written(el) {
    var frame = el.querySelector("iframe");
    var url = frame && frame.src ? new URL(frame.src, location.href) : null;
    if (!url || url.href.indexOf(FRAME) !== 0) {
      return null;
    }
    var secret = new URLSearchParams(url.hash.slice(1));
    return {
      frame: frame,
      sessionId: decodeURIComponent(url.pathname.split("/").pop()),
      clientSecret: secret.get("client_secret"),
      locale: url.searchParams.get("locale") || navigator.language
    };
  }

  function mountAll(scope) {
    var found = (scope || document).querySelectorAll("[data-balance-checkout]");
    Array.prototype.forEach.call(found, function (el) {
      if (mounted.has(el)) {
        return;
      }
      try {
        mount(el, written(el) || {
          sessionId: el.dataset.session,
          clientSecret: el.dataset.clientSecret,
          locale: el.dataset.locale || navigator.language
        });
      } catch (e) {
        console.error("Balance Checkout: " + e.message + " (data-session and data-client-secret)");
      }
    });
  }

  window.BalanceCheckout = { mount: mount, mountAll: mountAll };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { mountAll(); }, { once: true });
  } else {
    mountAll();
  }
})();
