/* kb-reading-list, link: the little every page needs to know of a list's link (core.js has the
 * rest): what a section id is, whether an address's "#..." part is a list, and the id a section's
 * permanent address ends in. Pure functions. Module convention: see core.js.
 */
(function (kb) {
  "use strict";

  var ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var ID_CHARS = 100;

  function isId(text) {
    return typeof text === "string" && text.length <= ID_CHARS && ID.test(text);
  }

  // Whether an address's "#..." part is a list (a section id never holds "=").
  function isList(hash) {
    return /(^#?|&)[sc]=/.test(String(hash || ""));
  }

  // The section id a section's permanent address ends in ("" if none).
  function idOf(address) {
    var at = String(address).indexOf("#");
    var id = at < 0 ? "" : String(address).slice(at + 1);
    return isId(id) ? id : "";
  }

  var link = { ID_CHARS: ID_CHARS, isId: isId, isList: isList, idOf: idOf };
  kb.link = link;
  if (typeof module === "object" && module.exports) module.exports = link;
})(typeof kbReadingList === "object" ? kbReadingList : {});
