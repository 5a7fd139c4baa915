// Demo shop: lists the widget's balancecheckout:* events so that a person (and a browser
// test) can see them. A file, not an inline script: the page's CSP forbids inline code.
(function () {
  "use strict";
  var NAMES = ["ready", "change", "succeeded", "requires-action", "failed"];

  function summary(name, detail) {
    if (!detail) return "";
    if (name === "change" && detail.total) {
      return "total " + detail.total + ", balance " + detail.balance_amount + ", other " + detail.other_amount;
    }
    if (name === "failed") return (detail.code || "") + ": " + (detail.message || "");
    if (detail.id) return detail.id + (detail.status ? " (" + detail.status + ")" : "");
    try { return JSON.stringify(detail).slice(0, 160); } catch (e) { return ""; }
  }

  function start() {
    var host = document.querySelector("[data-balance-checkout]");
    var list = document.getElementById("bc-events");
    if (!host || !list) return;
    NAMES.forEach(function (name) {
      host.addEventListener("balancecheckout:" + name, function (event) {
        var item = document.createElement("li");
        item.setAttribute("data-event", name);
        item.textContent = new Date().toLocaleTimeString() + "  balancecheckout:" + name + "  " + summary(name, event.detail);
        list.appendChild(item);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
