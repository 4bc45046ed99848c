/* kb-search, engine: the search itself on a page of the site (the reader over fetch, the panel,
 * the sentence model on the reader's request), started by page.js when the reader first opens search.
 *
 * It comes in its own served script (_static/kb-search-engine.js, written by essay_kb/search.py
 * from every module but page.js), which page.js loads on first use: most visits never search, so
 * pages do not carry it. Which file that is never depends on what is typed.
 *
 * start(build, opened): build is essay_kb/search.py's settings (see page.js); page is page.js's
 * {input, root (the dialog or the search page), active (search is open: load the index now)}.
 * Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var reader = kb.reader || require("./reader.js");
  var panel = kb.panel || require("./panel.js");
  var model = kb.model || require("./model.js");

  var page = kb.page || require("./page.js");
  var siteRoot = page.siteRoot;

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
      return page.loadScript(stemmer.file).then(function () { return window[stemmer.global] && window[stemmer.global].exports; });
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
      loading = page.loadScript(new URL(settings.runtime, folder).href).then(function () {
        var ort = window.ort;
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

  function start(build, opened) {
    var input = opened.input;
    var root = opened.root;
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
    var shown = new panel.Panel(root, input, search, pathOf, { bestSections: layers.bestSections !== false });
    var loadModel = modelLoader(build.model);
    var control = null;
    var ready = function (found) {
      embed = found;
      // The control says so, in its place: nothing below it moves.
      if (control) control.textContent = "Searching by meaning too: the model runs on this device.";
      root.setAttribute("data-search-model", "ready");  // for the tests to wait on
      shown.rerank();
    };
    if (layers.meaning !== false) control = meaningControl(root, build.model, loadModel, ready);
    // The tests load the model as the control would, without a click (window.kbSearchModel = true).
    if (window.kbSearchModel && layers.meaning !== false) loadModel().then(ready);
    window.addEventListener("pagehide", function () {
      shown.clear();
      search.forget();
    });
    // Words typed while this script was on its way are in the box: search them now.
    if (opened.active || document.activeElement === input) search.load();
    if (input.value.trim()) shown.run(true);
    return { load: search.load };
  }

  var engine = { start: start };
  kb.engine = engine;
  if (typeof module === "object" && module.exports) module.exports = engine;
})(typeof kbSearch === "object" ? kbSearch : {});
