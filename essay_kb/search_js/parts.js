/* kb-search, parts: which parts of the index a question fetches. The build cuts each kind of data
 * (words, pages, word vectors, section vectors) into `count` parts and says how many a question
 * fetches (`fetch`, essay_kb/search_index.py). When `count` is no more than `fetch`, every part is
 * loaded when search opens and a question fetches nothing. Otherwise a question fetches exactly
 * `fetch` parts: those its words need (as many as fit), then others chosen at random, in the order
 * of their numbers, so the host cannot tell which it needed, or how many.
 * Pure functions (the random source is given). Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var core = kb.core || require("./core.js");

  function whole(info) {
    return !info || info.count <= info.fetch;
  }

  // The part that holds a word, stem or other key.
  function partOf(key, info) {
    return core.fnv1a(String(key)) % info.count;
  }

  // Exactly min(fetch, count) distinct part numbers, ascending: the first of `needed` (in its order,
  // repeats ignored) up to `fetch`, then parts drawn uniformly at random from the rest.
  function choose(info, needed, random) {
    var size = Math.min(info.fetch, info.count);
    var chosen = new Set();
    needed.forEach(function (part) { if (chosen.size < size && part >= 0 && part < info.count) chosen.add(part); });
    var rest = [];
    for (var i = 0; i < info.count; i++) if (!chosen.has(i)) rest.push(i);
    while (chosen.size < size) chosen.add(rest.splice(Math.floor(random() * rest.length) % rest.length, 1)[0]);
    return Array.from(chosen).sort(function (a, b) { return a - b; });
  }

  // Every part, in order: what a whole kind loads when search opens.
  function all(info) {
    var parts = [];
    for (var i = 0; i < info.count; i++) parts.push(i);
    return parts;
  }

  var parts = { whole: whole, partOf: partOf, choose: choose, all: all };
  kb.parts = parts;
  if (typeof module === "object" && module.exports) module.exports = parts;
})(typeof kbSearch === "object" ? kbSearch : {});
