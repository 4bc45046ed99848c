/* kb-search, page: what every page with a search box carries: the dialog, the shortcuts ("/",
 * Ctrl+K), the phone header's button, forgetting on leaving, and loading the search itself
 * (engine.js and the modules before it, _static/kb-search-engine.js) the first time the reader goes
 * to search. Most visits never search: this part is small, and the rest comes only when needed.
 *
 * Private by design: the query is never put in a URL, the history, storage or a cookie; every file
 * comes from <site>/search-index/ and _static/, the same files whatever is typed; on leaving the
 * page the query and every trace of it in the reader are forgotten, so "Back" (which may restore
 * this page as it was) does not show it again.
 *
 * start(build) is called by the served script; `build` comes from essay_kb/search.py:
 * { engine: {file, global}, bundle: "search-index/", files: {index, filters, lexicon},
 *   stemmer: {file, global}, model: {...} }. Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  function siteRoot() {
    return new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href);
  }

  // A script of the site's own, added to the page: the policy allows the site's files ('self').
  function loadScript(file) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = new URL(file, siteRoot()).href;
      script.onload = resolve;
      script.onerror = function () { script.remove(); reject(new Error(file + " did not load")); };
      document.head.appendChild(script);
    });
  }

  var ENGINE_FAILED = "Search could not load: this device may be offline. Try again when it is back online. " +
    "The help lines on this page still work.";

  // The search itself (engine.js and the modules it needs, one served script), loaded the first
  // time the reader goes to search: the box focused or touched, "/" or Ctrl+K, the phone's search
  // button, or the search page. The same file whatever is typed. Resolves with engine.start's
  // controls; if it could not load, the status line says so and the next try loads it again.
  function engineLoader(build, input, root, isOpen) {
    var loading = null;
    var status = root.querySelector("[data-search-status]");
    return function load() {
      if (loading) return loading;
      root.setAttribute("data-search-engine", "loading");
      loading = loadScript(build.engine.file).then(function () {
        window[build.engine.global](kb);  // the modules join this script's namespace
        root.setAttribute("data-search-engine", "ready");
        if (status.textContent === ENGINE_FAILED) status.textContent = "";
        return kb.engine.start(build, { input: input, root: root, active: isOpen() });
      }, function (error) {
        loading = null;
        root.setAttribute("data-search-engine", "failed");
        status.textContent = ENGINE_FAILED;
        throw error;
      });
      return loading;
    };
  }

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // Whether an input event on the closed sidebar box is the reader typing words into it.
  function opensSearch(event, value) {
    return Boolean(event.isTrusted !== false && /^insert/.test(event.inputType || "") && String(value).trim());
  }

  function setUpDialog(dialog, input, load) {
    var home = input.parentElement;
    var slot = dialog.querySelector("[data-search-slot]");
    var returnFocus = null;

    function open() {
      if (dialog.open) { input.focus(); return; }
      if (typeof dialog.showModal !== "function") {  // a browser without <dialog>: the search page
        location.href = new URL("search/", siteRoot()).href;
        return;
      }
      returnFocus = document.activeElement;
      slot.appendChild(input);  // one search box on every page: the dialog borrows the sidebar's
      dialog.showModal();
      input.focus();
      try { input.setSelectionRange(input.value.length, input.value.length); } catch (e) { /* no caret here */ }
      load();
    }

    // The box goes back to the sidebar, and focus to where it was, as the dialog closes.
    function restore() {
      if (input.parentElement !== home) home.appendChild(input);
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus({ preventScroll: true });
      returnFocus = null;
    }

    function close() {
      if (dialog.open) dialog.close();
      restore();
    }

    dialog.addEventListener("close", restore);
    dialog.querySelector("[data-search-close]").addEventListener("click", close);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { close(); return; }  // a click on the backdrop
      // A hit on this same page only changes the hash: close the dialog and the phone menu too.
      if (event.target.closest(".kb-search-hit")) {
        var menu = document.getElementById("__navigation");
        if (menu) menu.checked = false;
        returnFocus = null;  // the reader is going to the hit, not back to where they were
        close();
      }
    });
    dialog.addEventListener("keydown", function (event) {
      // Esc closes the dialog at once (in a search box it would first only clear the words).
      if (event.key === "Escape" && !event.isComposing) {
        event.preventDefault();
        close();
        return;
      }
      // Tab and Shift+Tab go round the dialog's controls and never behind it.
      if (event.key !== "Tab") return;
      var items = Array.prototype.filter.call(dialog.querySelectorAll("input, select, textarea, button, a[href], summary, [tabindex]:not([tabindex='-1'])"),
        function (el) { return !el.disabled && el.getClientRects().length > 0 && !inClosedDetails(el); });
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    // Words typed or pasted into the sidebar's box open the dialog; nothing else that changes the
    // box does: the Escape that empties a search box (after the dialog gave focus back to it), its
    // clear button, undo, deleting, the browser restoring a form. Closing the dialog never leaves a
    // state where one more key re-opens it unasked.
    input.addEventListener("input", function (event) {
      if (!dialog.open && opensSearch(event, input.value)) open();
    });
    input.addEventListener("click", function () { if (!dialog.open) open(); });
    addPhoneButton(open);
    return { open: open, close: close };
  }

  // Chromium gives the contents of a closed <details> client rects, though Tab skips them: only its
  // own <summary> can take focus.
  function inClosedDetails(el) {
    var details = el.parentElement && el.parentElement.closest("details:not([open])");
    for (; details; details = details.parentElement && details.parentElement.closest("details:not([open])")) {
      if (!(el.tagName === "SUMMARY" && el.parentElement === details)) return true;
    }
    return false;
  }

  // Furo's phone header has no search box: a button there opens the same dialog.
  function addPhoneButton(open) {
    var header = document.querySelector(".mobile-header .header-right");
    if (!header) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kb-search-trigger";
    button.setAttribute("aria-label", "Search");
    button.setAttribute("aria-haspopup", "dialog");
    button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      '<circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<line x1="15.5" y1="15.5" x2="21" y2="21" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
    button.addEventListener("click", open);
    header.insertBefore(button, header.firstChild);
  }

  function setUp(build) {
    var input = document.querySelector("[data-search-input]");
    var page = document.querySelector("[data-search-page]");
    var dialog = document.querySelector("[data-search-dialog]");
    if (!input || !(page || dialog)) return;
    var loadEngine = engineLoader(build, input, page || dialog, function () { return Boolean(page || dialog.open); });
    // Loading starts before the first key (a focus or a touch comes first), so the key is searched
    // as soon as it is typed; a key typed before the engine is here stays in the box and is
    // searched when it comes. The help card above the results (kb-search-help.js) needs none of it.
    var prepare = function () { loadEngine().then(null, function () { /* the status line says so */ }); };
    ["focus", "pointerdown", "input"].forEach(function (type) { input.addEventListener(type, prepare); });
    var controls = page ? { open: function () { input.focus(); }, close: function () {} }
      : setUpDialog(dialog, input, function () {
        loadEngine().then(function (engine) { engine.load(); }, function () { /* the status line says so */ });
      });
    // The search page needs it at once; so do the tests that load the meaning model before they
    // search (window.kbSearchModel = true, engine.js), as a reader's click would have loaded both.
    if (page || window.kbSearchModel) prepare();
    document.addEventListener("keydown", function (event) {
      var shortcut = (event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey) && !event.altKey;
      var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target);
      if (shortcut || slash) {
        event.preventDefault();
        controls.open();
      }
    });
    window.addEventListener("pagehide", function () {
      input.value = "";
      controls.close();
    });
  }

  function start(build) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUp(build); });
    else setUp(build);
  }

  var pageModule = { start: start, opensSearch: opensSearch, siteRoot: siteRoot, loadScript: loadScript };
  kb.page = pageModule;
  if (typeof module === "object" && module.exports) module.exports = pageModule;
})(typeof kbSearch === "object" ? kbSearch : {});
