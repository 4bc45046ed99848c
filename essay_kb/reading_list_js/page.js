/* kb-reading-list, page: the reading list on a page of the site. The list page shows a list
 * (list.js); every other page lets a reader put one together (picker.js).
 *
 * start(build) is called by the served script once every part is loaded; `build` comes from
 * essay_kb/reading_list.py: {page, sections, shards, site, directory, qr: {file, global}}, the
 * paths from the site's root, `site` the public address links are made from. Every file comes from
 * the site itself; nothing is stored. Module convention: see core.js.
 */
(function (kb) {
  "use strict";

  var data = kb.data || require("./data.js");
  var picker = kb.picker || require("./picker.js");
  var list = kb.list || require("./list.js");

  function siteRoot() {
    return new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href);
  }

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

  function loadScript(file, global) {
    var ready = null;
    return function () {
      ready = ready || new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL(file, siteRoot()).href;
        script.onload = function () { resolve(window[global] && window[global].exports); };
        script.onerror = function () { ready = null; reject(new Error(file + " did not load")); };
        document.head.appendChild(script);
      });
      return ready;
    };
  }

  function setUp(build) {
    var links = linksOf(build);
    var sections = data.create({
      load: function (name) { return fetched(build.sections + name).then(function (r) { return r.json(); }); },
      shards: build.shards,
    });
    var container = document.querySelector("[data-reading-list]");
    if (container) {
      list.show(container, {
        links: links,
        sections: sections,
        loadPage: function (path) {
          return fetched(path).then(function (r) { return r.text(); })
            .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
        },
        loadQr: loadScript(build.qr.file, build.qr.global),
      });
    } else {
      picker.setUp({ links: links, sections: sections, onDirectory: location.pathname === links.directory("") });
    }
  }

  function start(build) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUp(build); });
    else setUp(build);
  }

  var pageModule = { start: start };
  kb.page = pageModule;
  if (typeof module === "object" && module.exports) module.exports = pageModule;
})(typeof kbReadingList === "object" ? kbReadingList : {});
