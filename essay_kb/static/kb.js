/* essay_kb: copy-link controls and section landing. No network, no storage, no cookies. */
(function () {
  "use strict";

  function statusOf(control) {
    return control.parentElement.querySelector(".kb-copy-status");
  }

  function say(control, text) {
    var status = statusOf(control);
    if (!status) return;
    status.textContent = text;
    clearTimeout(status._kbTimer);
    status._kbTimer = setTimeout(function () { status.textContent = ""; }, 5000);
  }

  // No clipboard API (an old browser, or a page not served over https): show the URL selected.
  function showUrl(control, url) {
    var row = control.parentElement;
    var input = row.querySelector(".kb-copy-fallback");
    if (!input) {
      input = document.createElement("input");
      input.type = "text";
      input.readOnly = true;
      input.className = "kb-copy-fallback";
      input.setAttribute("aria-label", "Link to this section");
      row.appendChild(input);
    }
    input.value = url;
    input.focus();
    input.select();
    say(control, "Select and copy this link");
  }

  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest("[data-copy-link]");
    if (!control) return;
    event.preventDefault();
    var url = control.getAttribute("data-url");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { say(control, "Link copied"); },
        function () { showUrl(control, url); }
      );
    } else {
      showUrl(control, url);
    }
  });

  // Glossary previews: hover and focus work with CSS alone; on a touch screen the first tap on a
  // term shows its definition and a second tap opens the glossary. Escape closes.
  var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
  function closeTerms(except) {
    document.querySelectorAll(".kb-term.kb-open").forEach(function (term) {
      if (term !== except) term.classList.remove("kb-open");
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".kb-term-link");
    var term = link && link.parentElement;
    if (term && touch && !term.classList.contains("kb-open")) {
      event.preventDefault();
      closeTerms(term);
      term.classList.remove("kb-closed");
      term.classList.add("kb-open");
      return;
    }
    if (!term) closeTerms(null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    closeTerms(null);
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".kb-term");
    if (focused) focused.classList.add("kb-closed");
  });
  document.addEventListener("focusin", function (event) {
    var term = event.target.closest && event.target.closest(".kb-term");
    if (term) term.classList.remove("kb-closed");
  });

  // Section redirects for this page (renamed, merged or moved sections): old id -> "url#newId".
  // A Map, so that an id from the address ("#constructor", "#__proto__") is never found among
  // the names every object inherits.
  function sectionRedirects() {
    var data = document.getElementById("kb-section-redirects");
    var redirects = new Map();
    try {
      var parsed = data ? JSON.parse(data.textContent) : {};
      Object.keys(parsed).forEach(function (id) {
        if (typeof parsed[id] === "string") redirects.set(id, parsed[id]);
      });
    } catch (e) { /* no map: nothing to forward */ }
    return redirects;
  }

  // The id the address names, or "" when its encoding is broken ("#%"): such a fragment is left
  // alone, and the reader stays at the top of the page.
  function addressedId() {
    try { return decodeURIComponent(location.hash.slice(1)); } catch (e) { return ""; }
  }

  function land() {
    var id = addressedId();
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) {
      var redirects = sectionRedirects();
      if (redirects.has(id)) location.replace(redirects.get(id));
      return;
    }
    var section = target.closest("section[data-section-id]") || target;
    section.classList.remove("kb-landed");
    void section.offsetWidth; // restart the animation on a second visit to the same link
    section.classList.add("kb-landed");
    setTimeout(function () { section.classList.remove("kb-landed"); }, 4000);
  }

  // Link directory: filter essays and sections as you type.
  function setUpFilter() {
    var input = document.querySelector("[data-kb-filter]");
    if (!input) return;
    var count = document.querySelector(".kb-directory-count");
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      document.querySelectorAll(".kb-directory-essay").forEach(function (essay) {
        var titleMatches = essay.querySelector("h3").textContent.toLowerCase().indexOf(query) >= 0;
        var anySection = false;
        essay.querySelectorAll(".kb-directory-sections > li").forEach(function (item) {
          var text = item.querySelector(".kb-directory-section").textContent + " " + item.querySelector("code").textContent;
          var match = !query || titleMatches || text.toLowerCase().indexOf(query) >= 0;
          item.hidden = !match;
          anySection = anySection || match;
        });
        essay.hidden = !(titleMatches || anySection);
        if (!essay.hidden) shown += 1;
      });
      document.querySelectorAll(".kb-directory-theme").forEach(function (theme) {
        theme.hidden = !theme.querySelector(".kb-directory-essay:not([hidden])");
      });
      count.textContent = query ? (shown === 1 ? "1 essay matches" : shown + " essays match") : "";
    });
  }

  window.addEventListener("hashchange", land);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { land(); setUpFilter(); });
  } else {
    land();
    setUpFilter();
  }
})();
