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

  // Section redirects for this page (renamed, merged or moved sections): {oldId: "url#newId"}.
  function sectionRedirects() {
    var data = document.getElementById("kb-section-redirects");
    if (!data) return {};
    try { return JSON.parse(data.textContent); } catch (e) { return {}; }
  }

  function land() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) {
      var to = sectionRedirects()[id];
      if (to) location.replace(to);
      return;
    }
    var section = target.closest("section[data-section-id]") || target;
    section.classList.remove("kb-landed");
    void section.offsetWidth; // restart the animation on a second visit to the same link
    section.classList.add("kb-landed");
    setTimeout(function () { section.classList.remove("kb-landed"); }, 4000);
  }

  window.addEventListener("hashchange", land);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", land);
  } else {
    land();
  }
})();
