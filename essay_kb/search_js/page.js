/* kb-search, page: the search on a page of the site: the reader over fetch, the dialog, the
 * shortcuts ("/", Ctrl+K), the phone header's button, and forgetting on leaving.
 *
 * Private by design: the query is never put in a URL, the history, storage or a cookie; every file
 * comes from <site>/search-index/ and _static/; on leaving the page the query and every trace of
 * it in the reader are forgotten, so "Back" (which may restore this page as it was) does not show
 * it again.
 *
 * start(build) is called by the served script once every part is loaded; `build` comes from
 * essay_kb/search.py: { bundle: "search-index/", files: {index, filters}, stemmer: {file, global} }.
 * Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var reader = kb.reader || require("./reader.js");
  var panel = kb.panel || require("./panel.js");
  var model = kb.model || require("./model.js");

  function siteRoot() {
    return new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href);
  }

  // A file that depends on nothing typed is fetched "no-cache": the host is asked whether it changed
  // since this browser fetched it (an unchanged file is not sent again), so a search just after the
  // site is republished never mixes old and new files. A file fetched because of a question (a part
  // of a large site's index, reader.js) is "no-store": the browser's cache never keeps it, so the
  // device holds no trace of what was searched for.
  function fetchLoader(bundle) {
    return function (path, how) {
      var cache = how && how.question ? "no-store" : "no-cache";
      return fetch(new URL(bundle + path, siteRoot()), { credentials: "same-origin", cache: cache })
        .then(function (r) {
          if (!r.ok) throw new Error(path + ": " + r.status);
          return r.json();
        });
    };
  }

  // The Porter2 stemmer the index was built with (essay_kb/vendor/), loaded with the index.
  function scriptStemmer(stemmer) {
    return function () {
      return new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL(stemmer.file, siteRoot()).href;
        script.onload = function () { resolve(window[stemmer.global] && window[stemmer.global].exports); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    };
  }

  // The sentence model on this device (model.js), loaded only when the reader asks for it (it is
  // larger than the site's budget for what loads by itself): ONNX Runtime Web's script, then its
  // WebAssembly, the model file and its vocabulary, all from the site's _static/kb-model/ and the
  // same whatever is typed, so the browser may keep them like any page's files. Resolves with the
  // embed function (question -> Promise of its unit vector).
  function modelLoader(settings) {
    var folder = new URL(settings.folder, siteRoot());
    var loading = null;
    return function load() {
      if (loading) return loading;
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL(settings.runtime, folder).href;
        script.onload = function () { resolve(window.ort); };
        script.onerror = reject;
        document.head.appendChild(script);
      }).then(function (ort) {
        ort.env.wasm.wasmPaths = folder.href;
        ort.env.wasm.numThreads = 1;  // threads need cross-origin isolation, which a static host rarely gives
        ort.env.wasm.proxy = false;
        var get = function (name) {
          return fetch(new URL(name, folder), { credentials: "same-origin" }).then(function (r) {
            if (!r.ok) throw new Error(name + ": " + r.status);
            return r;
          });
        };
        return Promise.all([get(settings.vocab).then(function (r) { return r.json(); }),
          get(settings.file).then(function (r) { return r.arrayBuffer(); })]).then(function (both) {
          return ort.InferenceSession.create(new Uint8Array(both[1]), { executionProviders: ["wasm"] }).then(function (session) {
            return model.embedder(ort, session, model.wordPiece(both[0]));
          });
        });
      });
      loading.catch(function () { loading = null; });  // the control offers it again
      return loading;
    };
  }

  // The control that offers meaning, under the status line: "Also search by meaning (about 25 MB,
  // once)". It says what happens while the model loads, and when it could not.
  function meaningControl(root, settings, load, ready) {
    var box = document.createElement("p");
    box.className = "kb-search-meaning";
    box.setAttribute("data-search-meaning", "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kb-search-meaning-button";
    button.textContent = "Also search by meaning";
    var note = document.createElement("span");
    note.className = "kb-search-meaning-note";
    note.textContent = " Finds essays in other words than yours. Downloads about " + settings.megabytes +
      " MB to this device once; your words never leave it.";
    box.appendChild(button);
    box.appendChild(note);
    var status = root.querySelector("[data-search-status]");
    status.parentNode.insertBefore(box, status.nextSibling);
    button.addEventListener("click", function () {
      button.disabled = true;
      note.textContent = " Loading the meaning model…";
      load().then(ready, function () {
        button.disabled = false;
        note.textContent = " The meaning model could not load: words alone answer. Try again?";
      });
    });
    return box;
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
    // The relevance tests measure what each layer adds by switching it off before the page loads
    // (window.kbSearchLayers = {lexicon: false, meaning: false, bestSections: false}); readers never do.
    var layers = window.kbSearchLayers || {};
    var embed = null;  // the model's, once the reader has asked for it and it has loaded
    // kb-risk.js (loaded with every search box) says when a question expresses risk: the results
    // under the help card then begin with the help pages (rank.js, helpFirst).
    var risk = window.kbRisk;
    var search = reader.create({ load: fetchLoader(build.bundle), loadStemmer: scriptStemmer(build.stemmer),
      files: build.files, layers: layers, embed: function (query) { return embed && embed(query); },
      assessRisk: risk && function (q) { return risk.assess(q); }, mentionsLoss: risk && risk.mentionsLoss });
    var pathOf = function (url) { return new URL(url, siteRoot()).pathname; };
    var shown = new panel.Panel(page || dialog, input, search, pathOf, { bestSections: layers.bestSections !== false });
    var loadModel = modelLoader(build.model);
    var control = null;
    var ready = function (found) {
      embed = found;
      // The control says so, in its place: nothing below it moves.
      if (control) control.textContent = "Searching by meaning too: the model runs on this device.";
      (page || dialog).setAttribute("data-search-model", "ready");  // for the tests to wait on
      shown.rerank();
    };
    if (layers.meaning !== false) control = meaningControl(page || dialog, build.model, loadModel, ready);
    // The tests load the model as the control would, without a click (window.kbSearchModel = true).
    if (window.kbSearchModel && layers.meaning !== false) loadModel().then(ready);
    var controls = page ? { open: function () { input.focus(); }, close: function () {} }
      : setUpDialog(dialog, input, search.load);
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
      shown.clear();
      search.forget();
      controls.close();
    });
  }

  function start(build) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUp(build); });
    else setUp(build);
  }

  var pageModule = { start: start, opensSearch: opensSearch };
  kb.page = pageModule;
  if (typeof module === "object" && module.exports) module.exports = pageModule;
})(typeof kbSearch === "object" ? kbSearch : {});
