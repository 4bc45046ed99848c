/* essay_kb: "Print this section" (see printing.py). No network, no storage, no cookies. */
(function () {
  "use strict";

  var root = document.documentElement;
  var ours = false; // a print started by the button, not by the browser's own Print command

  function clear() {
    root.removeAttribute("data-kb-print-section");
    document.querySelectorAll("[data-kb-print-target]").forEach(function (section) {
      section.removeAttribute("data-kb-print-target");
    });
  }

  function printSection(section) {
    clear();
    section.setAttribute("data-kb-print-target", "");
    root.setAttribute("data-kb-print-section", section.getAttribute("data-section-id"));
    ours = true;
    window.print();
  }

  // A print started any other way prints the whole page, even if an earlier section print never
  // reported that it ended (some mobile browsers send no "afterprint").
  // The crisis notice prints in full: open for the print, closed again after (when it was closed).
  var opened = [];
  function openNotice() {
    opened = Array.prototype.filter.call(document.querySelectorAll("[data-crisis-more]"), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  }
  function closeNotice() {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  }

  window.addEventListener("beforeprint", function () {
    if (!ours) clear();
    ours = false;
    openNotice();
  });
  window.addEventListener("afterprint", function () { clear(); closeNotice(); });

  function addButtons() {
    document.querySelectorAll("article section[data-section-id] > .kb-section-tools .kb-copy-row").forEach(function (row) {
      var section = row.closest("section[data-section-id]");
      var heading = section.querySelector("h2, h3");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-print-section";
      button.textContent = "Print this section";
      if (heading) button.setAttribute("aria-label", "Print this section, “" + heading.textContent.trim() + "”");
      button.addEventListener("click", function () { printSection(section); });
      row.appendChild(button);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addButtons);
  } else {
    addButtons();
  }
})();
