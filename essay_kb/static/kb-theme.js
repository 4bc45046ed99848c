/* essay_kb: Furo's colour toggle, keeping nothing. Furo saves each choice in localStorage, where it
   would stay as a record that this site was used. This listener runs first (capture phase, on the
   window), stops the click from reaching Furo's, and changes the colour for this page only: the
   next page follows the system's setting again. */
(function () {
  "use strict";
  // The same cycle as Furo's: from "auto" to the scheme the system is not using, and back.
  var NEXT = {
    dark: { auto: "light", light: "dark", dark: "auto" },
    light: { auto: "dark", dark: "light", light: "auto" },
  };
  window.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".theme-toggle");
    if (!toggle) return;
    event.stopPropagation();
    var system = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    document.body.dataset.theme = NEXT[system][document.body.dataset.theme] || "auto";
  }, true);
})();
