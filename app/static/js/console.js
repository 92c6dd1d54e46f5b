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
    // Enter saves from every field of the panel, the lists included; Shift+Enter writes a new line in the notes.
    if (event.key === "Enter" && el && el.form && el.form.id === "outcome-form" && !event.shiftKey &&
        (el.type === "radio" || el.type === "checkbox" || el.tagName === "SELECT" || el.tagName === "TEXTAREA")) {
      event.preventDefault();
      el.form.requestSubmit();
      return;
    }
    // A motive list: a digit picks the family (its order in the client's taxonomy), a letter the sub-motive.
    // Before any digit, letters keep the list's own type-ahead ("Litige sur le prix").
    if (el && el.tagName === "SELECT" && /^motive_\d+_code$/.test(el.name) && !event.ctrlKey && !event.metaKey &&
        !event.altKey && (/^[0-9]$/.test(event.key) || (/^[a-z]$/i.test(event.key) && el.dataset.family !== undefined))) {
      event.preventDefault();
      var groups = el.querySelectorAll("optgroup");
      if (/[0-9]/.test(event.key)) {
        var pending = el.dataset.familyDigits && Date.now() - Number(el.dataset.familyAt) < 800 ? el.dataset.familyDigits : "";
        var n = Number(pending + event.key);
        if (!groups[n - 1]) { n = Number(event.key); pending = ""; }
        el.dataset.familyDigits = pending + event.key;
        el.dataset.familyAt = String(Date.now());
        if (groups[n - 1]) { el.dataset.family = String(n - 1); el.value = groups[n - 1].querySelector("option").value; }
      } else {
        var group = groups[Number(el.dataset.family || 0)];
        var options = group ? group.querySelectorAll("option") : [];
        var index = event.key.toLowerCase().charCodeAt(0) - 97;     // a = the first sub-motive
        if (options[index]) { el.value = options[index].value; }
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    // A payment-method list: one letter per method (shown beside each), whatever the list's own type-ahead does.
    if (el && el.tagName === "SELECT" && el.hasAttribute("data-method-keys") && !event.ctrlKey && !event.metaKey &&
        !event.altKey && /^[a-z]$/i.test(event.key)) {
      var option = el.querySelector('option[data-method-key="' + event.key.toLowerCase() + '"]');
      event.preventDefault();
      if (option) { el.value = option.value; el.dispatchEvent(new Event("change", { bubbles: true })); }
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
    if (call.dialAt !== null && document.querySelector('#outcome-form [data-key="' + key + '"], ' +
        '#outcome-form [data-section-key="' + key + '"]')) { hangUp(); }
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

  // Date fields read shortcuts (+7, 15/12, lun, dem) and show the full date they understood; the server
  // reads them the same way (campaigns/shortcuts.py). "3x15/12" in the promise date builds a monthly plan.
  var WEEKDAYS = { lun: 1, mar: 2, mer: 3, jeu: 4, ven: 5, sam: 6, dim: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 0 };
  function startOfToday() { var d = new Date(); d.setHours(0, 0, 0, 0); return d; }
  function addDays(d, n) { var c = new Date(d.getTime()); c.setDate(c.getDate() + n); return c; }
  function readDay(text) {
    var t = (text || "").trim().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    var today = startOfToday(), m;
    if (!t) { return null; }
    if (["auj", "today", "0"].indexOf(t) >= 0) { return today; }
    if (["dem", "demain", "tomorrow", "tom"].indexOf(t) >= 0) { return addDays(today, 1); }
    if ((m = /^\+\s?(\d{1,3})$/.exec(t))) { return addDays(today, Number(m[1])); }
    if (/^[a-z]{3,9}\.?$/.test(t) && WEEKDAYS[t.slice(0, 3)] !== undefined) {
      var ahead = (WEEKDAYS[t.slice(0, 3)] - today.getDay() + 7) % 7 || 7;
      return addDays(today, ahead);
    }
    if ((m = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{2}|\d{4})$/.exec(t))) {
      var y = Number(m[3]) < 100 ? 2000 + Number(m[3]) : Number(m[3]);
      var full = new Date(y, Number(m[2]) - 1, Number(m[1]));
      return full.getMonth() === Number(m[2]) - 1 ? full : undefined;
    }
    if ((m = /^(\d{1,2})[\/.-](\d{1,2})$/.exec(t))) {
      for (var year = today.getFullYear(); year < today.getFullYear() + 5; year++) {
        var c = new Date(year, Number(m[2]) - 1, Number(m[1]));
        if (c.getMonth() === Number(m[2]) - 1 && c >= today) { return c; }
      }
    }
    return undefined;
  }
  function readPlan(text) {
    var t = (text || "").trim().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    var m = /^(\d{1,2})\s*(?:x|fois|mensualites?|echeances?|instalments?|payments?)\s*(?:a partir du|a partir de|des le|du|from|starting)?\s*(.+)$/.exec(t);
    if (!m || Number(m[1]) < 2 || Number(m[1]) > 24) { return null; }
    var first = readDay(m[2]);
    return first ? { count: Number(m[1]), first: first } : null;
  }
  function shown(d) {
    return d.toLocaleDateString(document.documentElement.lang || "fr", { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  }
  function cents(text) {
    var t = (text || "").replace(/[\s\u00a0\u202f€]/g, "");
    if (t.indexOf(",") >= 0) { t = t.replace(/\./g, "").replace(",", "."); }
    if (!/^\d+(\.\d{1,2})?$/.test(t)) { return null; }
    var parts = t.split(".");
    return Number(parts[0]) * 100 + Number(((parts[1] || "") + "00").slice(0, 2));
  }
  function euros(c) { return (Math.floor(c / 100)).toLocaleString("fr-FR") + "," + String(c % 100).padStart(2, "0"); }
  function isoDay(d) { return String(d.getDate()).padStart(2, "0") + "/" + String(d.getMonth() + 1).padStart(2, "0") + "/" + d.getFullYear(); }
  function fillPlan(plan) {
    var total = cents((document.getElementById("promise_amount") || {}).value);
    var toggle = document.getElementById("plan_on");
    if (!plan || total === null || !toggle) { return false; }
    toggle.checked = true;
    var share = Math.floor(total / plan.count);
    for (var i = 1; i <= 6; i++) {
      var d = document.querySelector('[name="plan_date_' + i + '"]'), a = document.querySelector('[name="plan_amount_' + i + '"]');
      if (!d || !a) { continue; }
      if (i <= plan.count) {
        var when = new Date(plan.first.getFullYear(), plan.first.getMonth() + i - 1, 1);
        var last = new Date(when.getFullYear(), when.getMonth() + 1, 0).getDate();
        when.setDate(Math.min(plan.first.getDate(), last));
        d.value = isoDay(when);
        a.value = euros(i < plan.count ? share : total - share * (plan.count - 1));
      } else { d.value = ""; a.value = ""; }
    }
    planTotal();
    return true;
  }
  function planTotal() {
    var out = document.getElementById("plan-total");
    if (!out) { return; }
    var sum = 0;
    for (var i = 1; i <= 6; i++) { var a = document.querySelector('[name="plan_amount_' + i + '"]'); var c = a ? cents(a.value) : null; sum += c || 0; }
    var promised = cents((document.getElementById("promise_amount") || {}).value);
    out.textContent = out.dataset.label + " " + euros(sum) + " €" + (promised !== null && promised !== sum ? " ≠ " + euros(promised) + " €" : "");
    out.classList.toggle("field-error", promised !== null && promised !== sum);
  }
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el && /^plan_amount_/.test(el.name || "")) { planTotal(); }
    if (!el || !el.matches || !el.matches("#outcome-form input[placeholder]") || el.inputMode !== "numeric") { return; }
    var hint = el.parentNode.querySelector(".understood");
    if (!hint) { hint = document.createElement("span"); hint.className = "understood muted"; el.parentNode.appendChild(hint); }
    if (el.name === "callback_time") { hint.textContent = ""; return; }
    var plan = el.id === "promise_date" ? readPlan(el.value) : null;
    if (plan) { hint.textContent = plan.count + " × " + shown(plan.first).replace(/^\S+ /, "") + "…"; return; }
    var d = readDay(el.value);
    hint.textContent = d ? shown(d) : (d === undefined ? "?" : "");
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.id === "promise_date") { fillPlan(readPlan(el.value)); }
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el && el.id === "promise_date" && readPlan(el.value)) { fillPlan(readPlan(el.value)); }
  }, true);

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
