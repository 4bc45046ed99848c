/* essay_kb: the safety plan (see safety_plan.py). What a reader types stays in this page's fields:
   no storage, no network, nothing in the address. It is wiped when the page is left ("pagehide":
   a link, Back, closing the tab, a reload) and again when a page loaded again (a reload, Back,
   Forward) or brought back from the back-forward cache is started and shown, the only times a
   browser refills fields, so such a page starts empty. On a first visit whatever the fields hold
   was typed in this visit, perhaps before this script ran on a slow phone: it is kept, never wiped
   under the reader's hands. Switching to another app ("visibilitychange" to hidden) keeps it too:
   on a phone a reader leaves to find a friend's number in their contacts and comes back to write
   it down, and the page's own "Exit this page" and "Clear everything" are there for leaving in a
   hurry. */
(function () {
  "use strict";

  var root = document.documentElement;

  function fields() { return document.querySelectorAll("[data-plan-field]"); }

  function rules(count) {
    var made = [];
    for (var i = 0; i < count; i++) {
      var rule = document.createElement("span");
      rule.className = "kb-plan-rule";
      made.push(rule);
    }
    return made;
  }

  // The copy that prints: the words typed, or blank lines to write on.
  function mirror(field) {
    var written = document.querySelector('[data-plan-written="' + field.id + '"]');
    if (!written) return;
    if (field.value.trim()) {
      written.textContent = field.value;
    } else {
      written.replaceChildren.apply(written, rules(Number(written.getAttribute("data-rows")) || 3));
    }
  }

  function clearAll() {
    fields().forEach(function (field) {
      field.value = "";
      mirror(field);
    });
  }

  function say(text) {
    var status = document.querySelector("[data-plan-status]");
    if (status) status.textContent = text;
  }

  // Whether the fields may hold words a browser put back (see above): a page from the back-forward
  // cache ("pageshow" persisted), or any load but a first visit. Unknown counts as yes.
  function mayBeRefilled(event) {
    if (event && event.persisted) return true;
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return !entries.length || entries[0].type !== "navigate";
  }

  function settle() {
    if (mayBeRefilled()) clearAll();
    else fields().forEach(mirror);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-plan-field]")) mirror(event.target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-plan-print], [data-plan-clear]");
    if (!button) return;
    if (button.hasAttribute("data-plan-print")) {
      window.print();
    } else {
      clearAll();
      var first = fields()[0];
      if (first) first.focus();
      say("Everything you typed is cleared.");
    }
  });

  window.addEventListener("pagehide", clearAll);
  window.addEventListener("pageshow", function (event) {
    if (mayBeRefilled(event)) { clearAll(); say(""); }
  });

  function start() {
    root.classList.add("kb-plan-ready");
    settle();
    document.querySelectorAll("[data-plan-actions]").forEach(function (actions) { actions.hidden = false; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
