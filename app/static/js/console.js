// The console's keyboard, lease countdown and renewals. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var RENEW_EVERY_MS = 120000;   // renew the lease every two minutes while the agent works
  var WARN_BEFORE_MS = 60000;    // warn one minute before the lease expires
  var lastActivity = Date.now();

  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && ["radio", "checkbox", "button", "submit"].indexOf(el.type) < 0));
  }
  function focusFirst(section) {
    var target = section && (section.querySelector("[data-section-focus]") ||
      section.querySelector("input:not([type=hidden]), select, textarea"));
    if (target) { target.focus(); if (target.select) { target.select(); } }
  }
  function chooseOutcome(value) {
    var radio = document.getElementById("outcome-" + value);
    if (radio && !radio.checked) { radio.checked = true; }
  }

  document.addEventListener("keydown", function (event) {
    lastActivity = Date.now();
    var el = event.target;
    if (event.key === "Escape" && typing(el)) { el.blur(); return; }
    // Search results: the arrow keys move from the search field through the results; Enter opens one.
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && el &&
        (el.type === "search" || (el.closest && el.closest(".search-results")))) {
      var results = Array.prototype.slice.call(document.querySelectorAll(".search-results .results button"));
      if (results.length) {
        event.preventDefault();
        var at = results.indexOf(el);
        var next = event.key === "ArrowDown" ? Math.min(at + 1, results.length - 1) : at - 1;
        if (next < 0) { var box = document.querySelector("input[type=search]"); if (box) { box.focus(); } }
        else { results[next].focus(); }
      }
      return;
    }
    if (event.key === "Enter" && el && el.form && el.form.id === "outcome-form" &&
        (el.type === "radio" || el.type === "checkbox")) {
      event.preventDefault();
      el.form.requestSubmit();
      return;
    }
    if (typing(el) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key.toLowerCase();
    var focusTarget = document.querySelector('[data-key-focus="' + key + '"]');
    if (focusTarget) { event.preventDefault(); focusTarget.focus(); return; }
    if (key === "k" || key === "w") {
      var details = document.querySelector(key === "k" ? "details.script" : "details.why");
      if (details) { event.preventDefault(); details.open = !details.open; }
      return;
    }
    var clickTarget = document.querySelector('[data-key-click="' + key + '"]');
    if (clickTarget) { event.preventDefault(); clickTarget.click(); return; }
    var section = document.querySelector('[data-section-key="' + key + '"]');
    if (section) {
      event.preventDefault();
      chooseOutcome("contact");
      section.checked = true;
      focusFirst(document.getElementById("section-" + section.name.replace(/_on$/, "")));
      return;
    }
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target) { return; }
    event.preventDefault();
    if (target.type === "radio") {
      target.checked = true;
      target.focus();
      if (target.value === "wrong_number") { document.getElementById("new_phone").focus(); }
      else { var save = document.getElementById("save"); if (save) { save.focus(); } }
    } else {
      target.click();
    }
  });
  ["mousemove", "input", "click"].forEach(function (name) {
    document.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  // The next card is usable at once: no settle delay, focus set as soon as it is swapped in.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) { window.htmx.config.defaultSettleDelay = 0; }
    // Chromium applies autofocus on a later frame; a key pressed as soon as the page has loaded must
    // already reach the autofocused button ("Appeler le débiteur suivant").
    var first = document.querySelector("[autofocus]");
    if (first && (!document.activeElement || document.activeElement === document.body)) { first.focus(); }
  });
  // After each swap: focus where the agent types next (the first field in error, else autofocus).
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.detail.elt;
    if (!root || root.id !== "workspace") { return; }
    var error = root.querySelector(".field-error");
    var field = null;
    if (error) {
      var prev = error.previousElementSibling;
      field = prev && (prev.matches("input, select, textarea") ? prev : prev.querySelector("input, select, textarea"));
    }
    field = field || root.querySelector("[autofocus]");
    if (field) { field.focus(); }
    // For bench/console_bench.py: from the post to the first frame showing the next card.
    if (window.performance && performance.mark && window.requestAnimationFrame) {
      requestAnimationFrame(function () {
        performance.mark("console-card-shown");
        try { performance.measure("console-next", "console-save", "console-card-shown"); } catch (e) { /* no start */ }
      });
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && (event.detail.elt.id === "outcome-form" || event.detail.elt.closest(".skip, .start"))) {
      performance.clearMarks("console-save");
      performance.mark("console-save");
    }
  });

  // A request that fails (the database restarting, the server unreachable) swaps nothing (see htmx-config in
  // base.html): the card and what the agent typed stay as they are, and the same form can be sent again,
  // with the same request_key, so that it is recorded once. Say so until that request, or a new card, goes through.
  var failedElt = null;
  var failedWrite = false;
  function showAlert(kind, event) {
    var box = document.getElementById("console-alert");
    if (!box) { return; }
    var write = !reading(event);
    if (!box.hidden && failedWrite && !write) { return; }  // unsaved work matters more than a failed read
    box.textContent = box.dataset[kind] || box.dataset.failed;
    box.hidden = false;
    failedElt = event.detail.elt;
    failedWrite = write;
  }
  function reading(event) {
    return (event.detail.requestConfig && event.detail.requestConfig.verb || "get").toLowerCase() === "get";
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    showAlert(status === 503 ? (reading(event) ? "unavailableRead" : "unavailable") : "failed", event);
  });
  document.addEventListener("htmx:sendError", function (event) {
    showAlert(reading(event) ? "unavailableRead" : "offline", event);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var box = document.getElementById("console-alert");
    if (!box || box.hidden || !event.detail.successful) { return; }
    // A lease renewal or the day counter working again does not mean the agent's entry was saved.
    var target = event.detail.target;
    if (event.detail.elt === failedElt || (target && target.id === "workspace")) {
      box.hidden = true;
      failedElt = null;
    }
  });

  // The call's timing: card shown → dial (the number's link, key "a") → hang-up (key "h", or the first result
  // key after dialling) → save. The offsets go with the saved form; the state goes to the server at once,
  // for the supervisor's live view (campaigns.shift).
  var call = { shownAt: null, dialAt: null, hangAt: null };
  function cardShown() {
    var form = document.getElementById("outcome-form");
    call = { shownAt: form ? performance.now() : null, dialAt: null, hangAt: null };
    var timer = document.getElementById("call-timer");
    if (timer) { timer.hidden = true; }
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]; } catch (e) { return null; }
  }
  function sendState(state) {
    var bar = document.getElementById("shift");
    var space = document.getElementById("workspace");
    if (!bar || !bar.dataset.stateUrl || !window.htmx) { return; }
    window.htmx.ajax("POST", bar.dataset.stateUrl, { target: "#shift", swap: "outerHTML",
      values: { state: state, debtor: space ? space.dataset.debtor || "" : "" }, headers: { "X-CSRFToken": csrf() } });
  }
  function setOffset(id, at) {
    var field = document.getElementById(id);
    if (field && call.shownAt !== null) { field.value = String(Math.max(0, Math.round(at - call.shownAt))); }
  }
  function dial() {
    if (call.shownAt === null || call.dialAt !== null) { return; }
    call.dialAt = performance.now();
    setOffset("dial_ms", call.dialAt);
    var timer = document.getElementById("call-timer");
    if (timer) { timer.hidden = false; }
    sendState("on_call");
  }
  function hangUp() {
    if (call.dialAt === null || call.hangAt !== null) { return; }
    call.hangAt = performance.now();
    setOffset("hang_up_ms", call.hangAt);
    sendState("wrap_up");
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('#card a[href^="tel:"], #card a[href^="sip:"]');
    if (link) { dial(); }
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (typing(el) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key.toLowerCase();
    if (key === "h") { event.preventDefault(); hangUp(); return; }
    if (call.dialAt !== null && document.querySelector('#outcome-form [data-key="' + key + '"]')) { hangUp(); }
  }, true);
  document.addEventListener("DOMContentLoaded", cardShown);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.elt && event.detail.elt.id === "workspace") { cardShown(); }
  });
  function clocks() {
    var bar = document.getElementById("shift");
    var out = bar && bar.querySelector("[data-shift-clock]");
    if (out && bar.dataset.since) {
      var s = Math.max(0, Math.round((Date.now() - new Date(bar.dataset.since).getTime()) / 1000));
      out.textContent = Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
    }
    var timer = document.getElementById("call-timer");
    if (timer && call.dialAt !== null) {
      var t = Math.round(((call.hangAt || performance.now()) - call.dialAt) / 1000);
      timer.textContent = Math.floor(t / 60) + ":" + String(t % 60).padStart(2, "0");
    }
  }
  setInterval(clocks, 1000);

  // Lease countdown and renewal while the agent is active.
  function tick() {
    var lease = document.getElementById("lease");
    if (!lease || !lease.dataset.expires) { return; }
    var left = new Date(lease.dataset.expires).getTime() - Date.now();
    var out = lease.querySelector("[data-lease-left]");
    if (out) {
      var s = Math.max(0, Math.round(left / 1000));
      out.textContent = Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
    }
    lease.classList.toggle("lease-warn", left > 0 && left < WARN_BEFORE_MS);
    lease.classList.toggle("lease-over", left <= 0);
    if (!lease.dataset.shownAt) { lease.dataset.shownAt = String(Date.now()); }
    var sinceRenew = Date.now() - (Number(lease.dataset.renewedAt) || Number(lease.dataset.shownAt));
    if (left > 0 && sinceRenew > RENEW_EVERY_MS && Date.now() - lastActivity < RENEW_EVERY_MS && window.htmx) {
      lease.dataset.renewedAt = String(Date.now());
      window.htmx.trigger(lease, "renew");
    }
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
})();
