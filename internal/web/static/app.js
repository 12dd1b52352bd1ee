// thidua: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Confirm destructive actions that carry data-confirm.
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  });
  // Keep the navigation open on wide screens, where it is a bar, not a menu.
  var menu = document.querySelector("details.menu");
  if (menu) {
    var wide = window.matchMedia("(min-width: 960px)");
    var sync = function () { if (wide.matches) { menu.open = true; } };
    sync();
    wide.addEventListener("change", sync);
  }
  // Panels marked data-open-wide (the calendar's filter) start open on
  // wide screens and folded on phones.
  if (window.matchMedia("(min-width: 800px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }
  // Move focus to the first invalid field so keyboard and screen reader
  // users land where the problem is.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad && bad.focus) { bad.focus(); }
  // Prevent double submission of forms.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.dataset.sent) { e.preventDefault(); return; }
    f.dataset.sent = "1";
    setTimeout(function () { delete f.dataset.sent; }, 4000);
  });
})();
