/*
 * Balance Checkout loader: the one script a merchant includes.
 *
 *   <script src="https://wallet.example/balance-checkout/loader.js" defer></script>
 *   <div data-balance-checkout data-endpoint="https://wallet.example"
 *        data-session="cs_..." data-client-secret="cs_secret_..." data-locale="zh-CN"></div>
 *
 * It mounts every [data-balance-checkout] element and exposes
 * BalanceCheckout.mount(element, options) -> {update, destroy, ready}. The WebAssembly
 * module and its glue are found next to this file and loaded once for all widgets. Each
 * widget renders in its own shadow root with widget.css linked inside: no inline scripts
 * or styles, so it works under a strict Content-Security-Policy.
 */
(function () {
  "use strict";
  if (window.BalanceCheckout) {
    return; // included twice: the first copy already runs
  }

  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href).href;
  var GLUE = base + "balance-checkout.js";
  var WASM = base + "balance-checkout_bg.wasm";
  var CSS = base + "widget.css";
  var LOAD_FAILED = {
    en: "The checkout could not load. Check your connection and reload the page.",
    zh: "支付组件加载失败，请检查网络后刷新页面。"
  };

  var module = null;
  function loadModule() {
    if (!module) {
      // The wasm is fetched alongside the glue, not after it: one round trip less before
      // the widget runs (0.5 s on a slow mobile connection). The glue's init awaits it.
      var wasm = fetch(WASM);
      wasm.catch(function () {}); // reported through init, or moot if the glue failed
      module = import(GLUE).then(function (glue) {
        return glue.default({ module_or_path: wasm }).then(function () {
          return glue;
        });
      });
      // A failed load (offline) is tried again by the next mount.
      module.catch(function () {
        module = null;
      });
    }
    return module;
  }

  /* The session's GET, sent at once rather than after the wasm has loaded: the widget
     takes its answer for the first load (and loads again itself if this one failed or
     got a 5xx). The same URL and header as the widget's own request. */
  function fetchSession(options) {
    var url = String(options.endpoint || "").replace(/\/+$/, "") +
      "/v1/sessions/" + options.sessionId;
    // Like the widget's own requests: the answer, body included, within 15 s; destroy()
    // aborts it too. The body is read here so that the timer ends with the exchange.
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 15000);
    var request = fetch(url, {
      headers: { Authorization: "Bearer " + options.clientSecret },
      signal: controller.signal
    }).then(function (response) {
      return response.text().then(function (body) {
        return new Response(body, { status: response.status });
      });
    });
    function stop() {
      clearTimeout(timer);
    }
    request.then(stop, stop); // a failure is handled by the widget: it loads again
    return {
      request: request,
      cancel: function () {
        stop();
        controller.abort();
      }
    };
  }

  /* Theme keys become custom properties on the host: {accent: "#07c"} -> --bc-accent. */
  function themeProperties(theme) {
    var props = {};
    Object.keys(theme || {}).forEach(function (key) {
      var name = key.indexOf("--") === 0
        ? key
        : "--bc-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
      props[name] = String(theme[key]);
    });
    return props;
  }

  function optionsFromData(el) {
    var d = el.dataset;
    var options = {
      endpoint: d.endpoint,
      sessionId: d.session,
      clientSecret: d.clientSecret,
      locale: d.locale || navigator.language,
      demo: "demo" in d
    };
    // The hosted page takes a session from the fragment, which never reaches a server log:
    // #session=cs_...&client_secret=cs_secret_...
    if ("fromUrl" in d && location.hash.length > 1) {
      var params = new URLSearchParams(location.hash.slice(1));
      if (params.get("session") && params.get("client_secret")) {
        options.sessionId = params.get("session");
        options.clientSecret = params.get("client_secret");
        options.endpoint = params.get("endpoint") || options.endpoint;
        options.demo = false;
      }
    }
    return options;
  }

  var mounted = new WeakMap();

  function mount(el, options) {
    if (!(el instanceof Element)) {
      throw new TypeError("BalanceCheckout.mount: the first argument must be an element");
    }
    var previous = mounted.get(el);
    if (previous) {
      previous.destroy();
    }
    options = Object.assign({}, options || {});

    var shadow = el.shadowRoot || el.attachShadow({ mode: "open" });
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = CSS;
    var root = document.createElement("div");
    root.className = "bc-host";
    // Hidden until the stylesheet applies, so the shopper never sees unstyled markup.
    root.hidden = true;
    function reveal() {
      root.hidden = false;
    }
    link.addEventListener("load", reveal);
    link.addEventListener("error", reveal);
    shadow.replaceChildren(link, root);

    var themed = [];
    function applyTheme(theme) {
      themed.forEach(function (name) { el.style.removeProperty(name); });
      var props = themeProperties(theme);
      themed = Object.keys(props);
      themed.forEach(function (name) { el.style.setProperty(name, props[name]); });
    }
    applyTheme(options.theme);

    var first = options;
    var session = null;
    if (!options.demo && options.sessionId && options.clientSecret) {
      session = fetchSession(options);
      first = Object.assign({}, options, { fetchedSession: session.request });
    }
    var app = null;
    var destroyed = false;
    var ready = loadModule().then(
      function (glue) {
        if (!destroyed) {
          app = glue.mount(root, el, first);
        }
      },
      function (error) {
        if (destroyed) {
          return;
        }
        reveal();
        var zh = String(options.locale || "").toLowerCase().indexOf("zh") === 0;
        var message = zh ? LOAD_FAILED.zh : LOAD_FAILED.en;
        var p = document.createElement("p");
        p.setAttribute("role", "alert");
        p.textContent = message;
        root.replaceChildren(p);
        el.dispatchEvent(new CustomEvent("balancecheckout:failed", {
          bubbles: true,
          composed: true,
          detail: { code: "load_failed", message: message, cause: String(error) }
        }));
      }
    );

    var handle = {
      ready: ready,
      update: function (next) {
        if (destroyed) {
          return;
        }
        options = Object.assign({}, options, next || {});
        if (next && "theme" in next) {
          applyTheme(options.theme);
        }
        ready.then(function () {
          if (app && !destroyed) {
            app.update(options);
          }
        });
      },
      destroy: function () {
        if (destroyed) {
          return;
        }
        destroyed = true;
        if (session) {
          session.cancel(); // its timer, and the request if it is still on its way
        }
        if (app) {
          app.destroy(); // unmounts: hooks stop their timers, polls and requests
          app.free();
          app = null;
        }
        link.removeEventListener("load", reveal);
        link.removeEventListener("error", reveal);
        shadow.replaceChildren();
        applyTheme(null);
        if (mounted.get(el) === handle) {
          mounted.delete(el);
        }
      }
    };
    mounted.set(el, handle);
    return handle;
  }

  function mountAll(scope) {
    var found = (scope || document).querySelectorAll("[data-balance-checkout]");
    Array.prototype.forEach.call(found, function (el) {
      if (!mounted.has(el)) {
        mount(el, optionsFromData(el));
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
