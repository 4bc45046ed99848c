/* essay_kb: quick exit (after GOV.UK's "Exit this page" and NSW's "Quick exit"). The link works
   without this script; with it, a tap or Shift pressed three times hides the page at once, blanks
   the tab's title and leaves with location.replace, so Back does not return to this page. Nothing
   is stored.

   Escape is not an exit key (GOV.UK's reason, and a therapist's lost reading list): Escape closes
   dialogs, menus and pickers and clears a search box, so a reader presses it often and by reflex.
   Shift pressed three times on its own counts wherever focus is, in a text box too (as GOV.UK's
   does): a Shift held with another key (a capital, Shift+Tab) starts the count again, so typing
   never leaves, and no field, dialog or page content can take the way out away. */
(function () {
  "use strict";
  var SHIFT_PRESSES = 3;
  var SHIFT_WITHIN_MS = 5000;
  var leaving = false;

  function exitUrl() {
    var link = document.querySelector("a[data-quick-exit]");
    return link && link.href;
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

  // Shift three times in a row (no other key between), within a few seconds. Listened to in the
  // capture phase, before anything on the page can stop the key from reaching the document.
  var shifts = [];
  var shiftAlone = false;

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      shiftAlone = !event.repeat && !event.isComposing && !event.ctrlKey && !event.altKey && !event.metaKey;
      return;
    }
    shiftAlone = false;
    shifts = [];
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    var now = Date.now();
    shifts = shifts.filter(function (t) { return now - t <= SHIFT_WITHIN_MS; }).concat([now]);
    if (shifts.length >= SHIFT_PRESSES) {
      shifts = [];
      leave();
      return;
    }
    var left = SHIFT_PRESSES - shifts.length;
    say("Shift, press " + left + " more time" + (left === 1 ? "" : "s") + " to exit this page.");
  }, true);

  // A page that was left and comes back from the back-forward cache shows nothing and leaves again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) {
      hide();
      location.replace(exitUrl());
    }
  });
})();
