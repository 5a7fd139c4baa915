// Demo shop: lists the widget's balancecheckout:* events so that a person (and a browser
// test) can see them. A file, not an inline script: the page's CSP forbids inline code.
(function () {
  "use strict";
  var NAMES = ["ready", "change", "succeeded", "requires-action", "failed", "done"];

  function summary(name, detail) {
    if (!detail) return "";
    if (name === "change" && detail.total) {
      return "total " + detail.total + ", balance " + detail.balance_amount + ", other " + detail.other_amount;
    }
    if (name === "failed") return (detail.code || "") + ": " + (detail.message || "");
    if (detail.id) return detail.id + (detail.status ? " (" + detail.status + ")" : "");
    try { return JSON.stringify(detail).slice(0, 160); } catch (e) { return ""; }
  }

  /* rest=shop: the shop collects what the balance does not pay on its own card form,
     then its server captures the wallet's hold (POST /collect). */
  function collectTheRest(host) {
    var form = document.getElementById("collect");
    if (!form) return;
    var intent = null;
    host.addEventListener("balancecheckout:requires-action", function (event) {
      var next = event.detail && event.detail.next_action;
      if (!next || next.type !== "merchant_collect") return;
      intent = event.detail.id;
      document.getElementById("collect-amount").textContent = next.amount;
      form.hidden = false;
      document.getElementById("collect-card").focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = document.getElementById("collect-result");
      var button = document.getElementById("collect-pay");
      if (!intent) return;
      button.disabled = true;
      result.textContent = "Paying…";
      fetch("/collect", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ intent: intent, card: document.getElementById("collect-card").value })
      }).then(function (reply) { return reply.json(); }).then(function (answer) {
        result.setAttribute("data-outcome", answer.outcome);
        result.textContent = answer.message;
        button.disabled = answer.outcome === "paid";
      }).catch(function () {
        result.setAttribute("data-outcome", "refused");
        result.textContent = "The shop could not reach its server; try again.";
        button.disabled = false;
      });
    });
  }

  function start() {
    var host = document.querySelector("[data-balance-checkout]");
    var list = document.getElementById("bc-events");
    if (!host || !list) return;
    collectTheRest(host);
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
