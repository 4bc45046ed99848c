/* kb-reading-list, tools: the reading list's own code on a page of the site, loaded by page.js on
 * first use (_static/kb-reading-list-tools.js). The list page shows a list (list.js); every other
 * page lets a reader put one together (picker.js).
 *
 * setUp(build, rows) is called by page.js once this script is here: `build` is page.js's (see
 * there), `rows` the add buttons page.js made. Returns the picker's controls (or null on the list
 * page). Every file comes from the site itself; nothing is stored. Module convention: see core.js.
 */
(function (kb) {
  "use strict";

  var page = kb.page || require("./page.js");
  var data = kb.data || require("./data.js");
  var picker = kb.picker || require("./picker.js");
  var list = kb.list || require("./list.js");

  var siteRoot = page.siteRoot;

  // "no-store": what a list fetches (its pages, the files of the section map its ids are in) says
  // what the list holds, and the device may be searched later, so none of it is kept in the HTTP
  // cache ("no-cache" would store it and only ask the host before using it again).
  function fetched(path) {
    return fetch(new URL(path, siteRoot()), { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error(path + ": " + response.status);
      return response;
    });
  }

  // The addresses of a list whose "#..." part is `fragment`: the one to send (from the public base
  // address), and the ones to follow here (so a local preview stays local).
  function linksOf(build) {
    function here(path, fragment) { return new URL(path, siteRoot()).pathname + (fragment ? "#" + fragment : ""); }
    return {
      absolute: function (fragment) { return build.site + build.page + (fragment ? "#" + fragment : ""); },
      page: function (fragment) { return here(build.page, fragment); },
      directory: function (fragment) { return here(build.directory, fragment); },
      root: siteRoot,
    };
  }

  function setUp(build, rows) {
    var links = linksOf(build);
    var sections = data.create({
      load: function (name) { return fetched(build.sections + name).then(function (r) { return r.json(); }); },
      shards: build.shards,
    });
    var container = document.querySelector("[data-reading-list]");
    if (container) {
      var loadQr = page.scriptLoader(build.qr.file, build.qr.global);
      list.show(container, {
        links: links,
        sections: sections,
        loadPage: function (path) {
          return fetched(path).then(function (r) { return r.text(); })
            .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
        },
        loadQr: function () { return loadQr().then(function (qr) { return qr && qr.exports; }); },
      });
      return null;
    }
    return picker.setUp({ links: links, sections: sections, rows: rows, onDirectory: location.pathname === links.directory("") });
  }

  var tools = { setUp: setUp };
  kb.tools = tools;
  if (typeof module === "object" && module.exports) module.exports = tools;
})(typeof kbReadingList === "object" ? kbReadingList : {});
