/* kb-reading-list, data: what the ids of a list are today, from the section map the build writes
 * (reading-list/sections/NN.json: id or "~code" -> [page, id today, heading, page title, short
 * code, discreet], one file per shard of keys; see essay_kb/reading_list.py). Read through a
 * loader it is given (fetch in the browser, a fake in the tests); each file is loaded at most
 * once a page, and again only after it failed. Module convention: see core.js.
 */
(function (kb) {
  "use strict";

  var core = kb.core || require("./core.js");

  // options: {load(fileName) -> Promise of the file's object, shards: how many files}.
  function create(options) {
    var files = new Map();

    function file(shard) {
      if (!files.has(shard)) {
        files.set(shard, options.load(core.shardName(shard)).catch(function (error) {
          files.delete(shard); // a later look-up tries again
          throw error;
        }));
      }
      return files.get(shard);
    }

    // One id: {status: "found", page, id, heading, title} (id is "" when the section became a
    // whole page), {status: "missing"} when the site has no such section, or {status: "failed"}
    // when its file could not be loaded (offline, or the site being republished).
    function entry(id) {
      return file(core.shardOf(id, options.shards)).then(function (shard) {
        if (!Object.prototype.hasOwnProperty.call(shard, id)) return { status: "missing" };
        var row = shard[id];
        return { status: "found", page: row[0], id: row[1], heading: row[2], title: row[3],
                 code: row[4] || "", discreet: row[5] === true };
      }, function () {
        return { status: "failed" };
      });
    }

    // A Map of each id to its entry, in the order of `ids`.
    function lookup(ids) {
      return Promise.all(ids.map(entry)).then(function (entries) {
        return new Map(ids.map(function (id, i) { return [id, entries[i]]; }));
      });
    }

    // The id an entry stands for today: its new id, the old one when it became a whole page, ""
    // when the section is gone, undefined when it could not be checked (core.renamed's `today`).
    function today(entries) {
      return function (id) {
        var found = entries.get(id);
        if (!found || found.status === "failed") return undefined;
        return found.status === "missing" ? "" : found.id || id;
      };
    }

    // What a link needs to know of each section found (core.format's `known`): by the id it has
    // today, its short code and whether its page is discreet.
    function known(entries) {
      var byId = new Map();
      entries.forEach(function (found) {
        if (found.status === "found" && found.id) byId.set(found.id, { code: found.code, discreet: found.discreet });
      });
      return function (id) { return byId.get(id); };
    }

    return { lookup: lookup, today: today, known: known };
  }

  var data = { create: create };
  kb.data = data;
  if (typeof module === "object" && module.exports) module.exports = data;
})(typeof kbReadingList === "object" ? kbReadingList : {});
