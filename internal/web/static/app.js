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
// Activities: a photo's thumbnail, made in the background, replaces its
// placeholder once ready; the dossier picker searches as one types.
(function () {
  "use strict";
  var pending = Array.prototype.slice.call(document.querySelectorAll("img[data-pending]"));
  var tries = 0;
  var poll = function () {
    if (!pending.length || ++tries > 20 || !window.fetch) { return; }
    pending.forEach(function (img) {
      var src = img.getAttribute("src").split("?")[0];
      fetch(src, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
        if (r.ok && r.headers.get("X-Thumb") === "ready") {
          img.src = src + "?ready=1";
          img.removeAttribute("data-pending");
          pending = pending.filter(function (x) { return x !== img; });
        }
      }).catch(function () {});
    });
    setTimeout(poll, 3000);
  };
  if (pending.length) { setTimeout(poll, 2000); }

  // On a phone the list's filters fold away unless some are in use.
  var filters = document.querySelector("details.filter-box");
  if (filters && !filters.hasAttribute("data-active") && window.matchMedia("(max-width: 640px)").matches) {
    filters.open = false;
  }

  var search = document.querySelector("input[data-dossier-search]");
  if (!search || !window.fetch) { return; }
  var box = search.closest("fieldset");
  var picked = box.querySelector("[data-picked]");
  var found = document.createElement("div");
  found.className = "found";
  found.setAttribute("aria-live", "polite");
  search.closest(".row-form").insertAdjacentElement("afterend", found);
  var timer = null;
  var run = function () {
    var q = search.value.trim();
    fetch(search.getAttribute("data-dossier-search") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (list) {
        found.textContent = "";
        var have = {};
        picked.querySelectorAll("input[name=dossiers]").forEach(function (i) { have[i.value] = true; });
        list.filter(function (d) { return !have[String(d.id)]; }).forEach(function (d) {
          var label = document.createElement("label");
          label.className = "check";
          var tick = document.createElement("input");
          tick.type = "checkbox";
          tick.name = "dossiers";
          tick.value = String(d.id);
          tick.addEventListener("change", function () { if (tick.checked) { picked.appendChild(label); } });
          var text = document.createElement("span");
          text.textContent = " " + d.title + " · " + d.subject + ", " + d.unit;
          label.appendChild(tick);
          label.appendChild(text);
          found.appendChild(label);
        });
        if (!list.length && q) { found.textContent = "Không tìm thấy hồ sơ điển hình nào phù hợp."; }
      }).catch(function () {});
  };
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); run(); } });
})();
