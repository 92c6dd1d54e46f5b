// Small behaviours htmx does not cover. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  // Flash messages fade after a while so they do not pile up during a working day.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".flash").forEach(function (el) {
      setTimeout(function () { el.classList.add("flash-old"); }, 8000);
    });
  });
})();
