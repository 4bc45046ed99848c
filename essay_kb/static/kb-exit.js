/* essay_kb: quick exit (after GOV.UK's "Exit this page" and NSW's "Quick exit"). The link works
   without this script; with it, a tap, Shift pressed three times or Escape pressed twice hides the
   page at once, blanks the tab's title and leaves with location.replace, so Back does not return
   to this page. Nothing is stored. */
(function () {
  "use strict";
  var SHIFT_PRESSES = 3;
  var SHIFT_WITHIN_MS = 5000;
  var ESCAPE_WITHIN_MS = 1000;
  var TEXT_INPUTS = /^(text|search|email|url|tel|password|number|date|datetime-local|month|week|time)$/;
  var leaving = false;

  function exitUrl() {
    var link = document.querySelector("a[data-quick-exit]");
    return link && link.href;
  }

  // Keys typed into a field are words, not a signal to leave.
  function isTyping(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    return target.tagName === "INPUT" && TEXT_INPUTS.test(target.type || "text");
  }

  function hide() {
    document.documentElement.classList.add("kb-leaving");
    document.documentElement.style.visibility = "hidden";
    if (document.body) document.body.style.display = "none";
    document.title = "";
  }

  function leave() {
    var url = exitUrl();
    if (!url) return;
    leaving = true;
    hide();
    location.replace(url);
  }

  function say(text) {
    var status = document.querySelector("[data-quick-exit-status]");
    if (!status) return;
    status.textContent = text;
    clearTimeout(status.kbTimer);
    status.kbTimer = setTimeout(function () { status.textContent = ""; }, SHIFT_WITHIN_MS);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    leave();
  });

  // Shift three times in a row (no other key between), within a few seconds.
  var shifts = [];
  var shiftAlone = false;
  // Escape twice within a second, unless something on the page used the first (the search dialog
  // closes on Escape and marks the key as handled).
  var lastEscape = 0;

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      shiftAlone = !event.repeat && !event.ctrlKey && !event.altKey && !event.metaKey;
      return;
    }
    shiftAlone = false;
    shifts = [];
    if (event.key !== "Escape") { lastEscape = 0; return; }
    if (event.defaultPrevented || event.isComposing || event.repeat || isTyping(event.target)) {
      lastEscape = 0;
      return;
    }
    var now = Date.now();
    if (lastEscape && now - lastEscape <= ESCAPE_WITHIN_MS) leave();
    else lastEscape = now;
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    if (isTyping(event.target)) { shifts = []; return; }
    var now = Date.now();
    shifts = shifts.filter(function (t) { return now - t <= SHIFT_WITHIN_MS; }).concat([now]);
    if (shifts.length >= SHIFT_PRESSES) {
      shifts = [];
      leave();
      return;
    }
    var left = SHIFT_PRESSES - shifts.length;
    say("Shift, press " + left + " more time" + (left === 1 ? "" : "s") + " to exit this page.");
  });

  // A page that was left and comes back from the back-forward cache shows nothing and leaves again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) {
      hide();
      location.replace(exitUrl());
    }
  });
})();
