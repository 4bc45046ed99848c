/* essay_kb: help first in search. As the reader types, kb-risk.js reads the words; when they
   express risk, the card above the results (data-search-help) shows the right help lines and the
   matching help page, before any hit and whether or not the search index has loaded. The lines
   and page links are in the page already (a <template> made from conf.py): nothing is fetched. */
(function () {
  "use strict";

  function setUp() {
    var input = document.querySelector("[data-search-input]");
    var card = document.querySelector("[data-search-help]");
    var parts = document.querySelector("[data-search-help-parts]");
    if (!input || !card || !parts || !window.kbRisk) return;
    var shown = "";

    function clone(selector) {
      var part = parts.content.querySelector(selector);
      return part ? part.cloneNode(true) : null;
    }

    function show(found) {
      var key = found ? found.categories.join(" ") : "";
      if (key === shown) return;
      shown = key;
      card.textContent = "";
      if (!found) {
        card.removeAttribute("data-search-crisis");
        return;
      }
      card.setAttribute("data-search-crisis", key);
      var message = document.createElement("p");
      message.className = "kb-search-help-message";
      message.textContent = found.message;
      card.appendChild(message);
      var list = document.createElement("ul");
      list.className = "kb-search-help-lines";
      found.lines.forEach(function (name) {
        var line = clone('[data-help-line="' + name + '"]');
        if (line) list.appendChild(line);
      });
      card.appendChild(list);
      found.pages.some(function (page) {
        var link = clone('[data-help-page="' + page.page + '"]');
        if (link) card.appendChild(link);
        return Boolean(link);
      });
    }

    function update() { show(window.kbRisk.assess(input.value)); }
    input.addEventListener("input", update);
    window.addEventListener("pagehide", function () { show(null); });
    update();  // words already in the box (a page restored from the back-forward cache)
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
