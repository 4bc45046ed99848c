/* kb-reading-list, page: what every page carries of the reading list: the "Add to reading list"
 * button on each section's link row (in the link directory, and in the "Share or print" control
 * under each heading of an essay), and loading the list's own code (tools.js and the modules before
 * it, _static/kb-reading-list-tools.js) when it is first needed: the first click on one of those
 * buttons, the list page, or a page whose address holds a list (a list follows the therapist from
 * page to page). Most visits never make a list: this part is small, and the rest comes only then.
 *
 * start(build) is called by the served script; `build` comes from essay_kb/reading_list.py:
 * {tools: {file, global}, page, sections, shards, site, directory, qr: {file, global}}, the paths
 * from the site's root, `site` the public address links are made from. Every file comes from the
 * site itself, the same whatever the list holds; nothing is stored. Module convention: see core.js.
 */
(function (kb) {
  "use strict";

  var link = kb.link || require("./link.js");

  var ROWS = ".kb-directory-sections > li > .kb-copy-row, article section[data-section-id] > .kb-section-tools .kb-copy-row";
  var FAILED = "The reading list could not load: this device may be offline. Try again";

  function siteRoot() {
    return new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href);
  }

  function quoted(text) { return "“" + text + "”"; }
  function textOf(node) { return node ? node.textContent.replace(/\s+/g, " ").trim() : ""; }

  function make(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  // A script of the site's own, added to the page once (the policy allows the site's files:
  // 'self'); resolves with window[global].
  function scriptLoader(file, global) {
    var ready = null;
    return function () {
      ready = ready || new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL(file, siteRoot()).href;
        script.onload = function () { resolve(window[global]); };
        script.onerror = function () { ready = null; script.remove(); reject(new Error(file + " did not load")); };
        document.head.appendChild(script);
      });
      return ready;
    };
  }

  // A row's section: its heading and its page's title, as the page shows them.
  function namesOf(row) {
    var item = row.closest(".kb-directory-sections > li");
    if (item) {
      var essay = row.closest(".kb-directory-essay");
      return { heading: textOf(item.querySelector(".kb-directory-section")), title: textOf(essay && essay.querySelector("h3")) };
    }
    var section = row.closest("section[data-section-id]");
    return { heading: textOf(section.querySelector(":scope > h2, :scope > h3, :scope > h4")),
             title: textOf(document.querySelector("article h1")) };
  }

  // What an add button says (picker.js keeps it up to date).
  function label(button, picked, name) {
    button.textContent = picked ? "Remove from reading list" : "Add to reading list";
    button.setAttribute("aria-label", (picked ? "Remove from reading list: " : "Add to reading list: ") + quoted(name));
  }

  // One button on each row with a section's permanent address: [{id, button, names}].
  function addButtons() {
    var rows = [];
    document.querySelectorAll(ROWS).forEach(function (row) {
      var copy = row.querySelector("[data-copy-link]");
      var address = copy && copy.getAttribute("data-url");
      var id = address && link.idOf(address);
      if (!id || row.querySelector("[data-reading-list-add]")) return;
      var names = namesOf(row);
      var button = make("button", { type: "button", "class": "kb-rl-add", "data-reading-list-add": address });
      label(button, false, names.heading || id.replace(/-/g, " "));
      row.appendChild(button);
      rows.push({ id: id, button: button, names: names });
    });
    return rows;
  }

  function setUp(build) {
    var listPage = Boolean(document.querySelector("[data-reading-list]"));
    var rows = listPage ? [] : addButtons();
    var loadTools = scriptLoader(build.tools.file, build.tools.global);
    var started = null;  // tools.setUp's answer (the picker), once the tools are here
    var ready = false;   // from then on, the picker answers the clicks itself
    var queued = [];     // the rows clicked while the tools were on their way, in order
    function load() {
      started = started || loadTools().then(function (join) {
        join(kb);  // the modules join this script's namespace
        return kb.tools.setUp(build, rows);
      });
      started.then(function () { ready = true; }, function () { started = null; });  // a failed load is tried again
      return started;
    }
    function clicked(row) {
      if (ready) return;
      queued.push(row);
      row.button.setAttribute("aria-busy", "true");
      load().then(function (picker) {
        queued.splice(0).forEach(function (each) {
          each.button.removeAttribute("aria-busy");
          picker.toggle(each.id, each.button);
        });
      }, function () {
        queued.splice(0).forEach(function (each) {
          each.button.removeAttribute("aria-busy");
          each.button.textContent = FAILED;
          each.button.setAttribute("aria-label", FAILED);
        });
      });
    }
    rows.forEach(function (row) { row.button.addEventListener("click", function () { clicked(row); }); });
    if (listPage || link.isList(location.hash)) load();
    else window.addEventListener("hashchange", function () { if (link.isList(location.hash)) load(); });
  }

  function start(build) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUp(build); });
    else setUp(build);
  }

  var pageModule = { start: start, siteRoot: siteRoot, quoted: quoted, make: make, label: label, scriptLoader: scriptLoader };
  kb.page = pageModule;
  if (typeof module === "object" && module.exports) module.exports = pageModule;
})(typeof kbReadingList === "object" ? kbReadingList : {});
