/* kb-reading-list, core: a reading list as the part of its link after "#" and back, the changes a
 * list goes through (add, move, remove, ids renamed since), the note's limits, which file of the
 * section map holds an id, and a QR code's modules as an SVG path. Pure functions: no state, no
 * browser, no file.
 *
 * The link: <site>/reading-list/#s=first-id.second-id.third-id&n=read+this+before+Thursday
 * - s: the sections' permanent ids, in reading order, joined by "." (an id is lowercase words
 *   joined by hyphens, so it never holds "." "&" or "="); at most LIMITS.sections, each once.
 * - or c: the same sections as their short codes (links-ledger.txt gives each section one, for
 *   good), for a link that does not name its topic: #c=3k.7.1f. The default when the list holds a
 *   section of a discreet page, or when the list was opened from such a link.
 * - n: the note, optional: spaces as "+", everything else percent-encoded.
 * Inside the scripts a code travels as the key "~code" (CODE_KEY: "~" never starts an id), which
 * the section map resolves to the section's id as it does an old id. The same list always gives
 * the same link (format); any link gives a list (parse never throws: what cannot be read is left
 * out and counted).
 *
 * Module convention (every file in essay_kb/reading_list_js/, as in essay_kb/search_js/words.js):
 * a classic script, one function called with the namespace object `kbReadingList`. It registers its
 * part there (kbReadingList.core, .data, ...) and, when `module` exists (Node), as module.exports;
 * it takes the parts it needs from the namespace, or under Node with require(), and touches no
 * browser object while it loads. essay_kb/reading_list.py joins the files, in order, into two
 * served files (essay_kb/scripts.py): _static/kb-reading-list.js (SCRIPT_SOURCES: link.js and
 * page.js, on every page) and _static/kb-reading-list-tools.js (TOOLS_SOURCES, this file among
 * them), which page.js loads on first use.
 */
(function (kb) {
  "use strict";

  var link = kb.link || require("./link.js");

  var LIMITS = {
    sections: 10,      // a list to read between sessions; more is a booklet
    idChars: link.ID_CHARS,
    noteChars: 140,    // "read this before Thursday", not a letter
    noteEncoded: 420,  // a note of emoji is cut shorter: each is 12 characters in the link
  };
  var CODE = /^[0-9a-z]{1,8}$/;  // permalinks.py CODE
  var CODE_KEY = "~";            // reading_list.py CODE_KEY
  // Never kept in a note: control characters, and the marks that reverse or reorder text (they
  // could make a note read differently from what it says).
  var UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

  var isId = link.isId;

  // An id, or a short code as the key "~code".
  function isKey(text) {
    return isId(text) || (typeof text === "string" && text.charAt(0) === CODE_KEY && CODE.test(text.slice(1)));
  }

  // Each id once, in the order first given, at most LIMITS.sections.
  function cleanIds(ids) {
    var seen = new Set();
    return (ids || []).filter(function (id) {
      if (!isKey(id) || seen.has(id)) return false;
      seen.add(id);
      return true;
    }).slice(0, LIMITS.sections);
  }

  function encodeNote(note) {
    return encodeURIComponent(note).replace(/%20/g, "+");
  }

  function decodeNote(text) {
    try {
      return decodeURIComponent(text.replace(/\+/g, "%20"));
    } catch (error) { // a link cut or mangled in the middle of a character
      return "";
    }
  }

  // A note as it goes into a link: one line, trimmed, without unsafe characters or a half of a
  // character, within the limits.
  function normaliseNote(text) {
    var line = Array.from(String(text || "").normalize("NFC").replace(/\s+/g, " ").replace(UNSAFE, ""))
      .filter(function (c) { return c.length > 1 || c < "\ud800" || c > "\udfff"; })
      .join("");
    var chars = Array.from(line.replace(/ +/g, " ").trim()).slice(0, LIMITS.noteChars);
    while (chars.length && encodeNote(chars.join("")).length > LIMITS.noteEncoded) chars.pop();
    return chars.join("").trim();
  }

  // Whether a list's link should be opaque: as asked (list.opaque true or false), or else when a
  // section of a discreet page is in it. known(id) -> {code, discreet} or undefined (not looked
  // up, or not found).
  function wantsOpaque(list, known) {
    if (list.opaque === true || list.opaque === false) return list.opaque;
    return (list.ids || []).some(function (id) {
      var info = known && known(id);
      return Boolean(info && info.discreet);
    });
  }

  // The part of a list's link after "#" ("" for a list without sections): by short codes when it
  // should be opaque and every section has one, by ids otherwise.
  function format(list, known) {
    var ids = cleanIds(list.ids);
    if (!ids.length) return "";
    var note = normaliseNote(list.note);
    var codes = ids.map(function (id) {
      if (id.charAt(0) === CODE_KEY) return id.slice(1);
      var info = known && known(id);
      return info && CODE.test(info.code || "") ? info.code : "";
    });
    var opaque = wantsOpaque({ ids: ids, opaque: list.opaque }, known) && codes.every(Boolean);
    var sections = opaque ? "c=" + codes.join(".") : "s=" + ids.join(".");
    return sections + (note ? "&n=" + encodeNote(note) : "");
  }

  // A link's "#..." part as a list: {ids, note, dropped}, dropped counting the ids that could not
  // be read or were over the limit. Parts it does not know are ignored.
  function parse(hash) {
    var ids = [];
    var note = "";
    var unreadable = 0;
    var opaque = false;
    String(hash || "").replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at < 0) return;
      var key = pair.slice(0, at);
      var value = pair.slice(at + 1);
      if (key === "s" || key === "c") {
        opaque = opaque || key === "c";
        value.split(".").forEach(function (raw) {
          if (!raw) return;
          var text = decodeNote(raw);
          var id = key === "c" ? (CODE.test(text) ? CODE_KEY + text : "") : text;
          if (isId(id) || (key === "c" && id)) ids.push(id);
          else unreadable += 1;
        });
      } else if (key === "n") {
        note = normaliseNote(decodeNote(value));
      }
    });
    var unique = Array.from(new Set(ids));
    var kept = cleanIds(unique);
    return { ids: kept, note: note, dropped: unreadable + unique.length - kept.length, opaque: opaque };
  }

  // -- changes: each returns a new array of ids ---------------------------------------------------

  function isFull(ids) {
    return ids.length >= LIMITS.sections;
  }

  function added(ids, id) {
    return ids.indexOf(id) >= 0 || isFull(ids) || !isId(id) ? ids.slice() : ids.concat([id]);
  }

  function removed(ids, id) {
    return ids.filter(function (other) { return other !== id; });
  }

  // `id` moved `by` places (-1: up, 1: down); unchanged at either end.
  function moved(ids, id, by) {
    var from = ids.indexOf(id);
    var to = from + by;
    if (from < 0 || to < 0 || to >= ids.length) return ids.slice();
    var out = ids.slice();
    out.splice(from, 1);
    out.splice(to, 0, id);
    return out;
  }

  // Ids as the site knows them today: `today(id)` gives a renamed id's new one, or "" when the
  // section is gone (left out); an id that could not be checked is kept as it is.
  function renamed(ids, today) {
    var out = [];
    ids.forEach(function (id) {
      var now = today(id);
      if (now !== "" && out.indexOf(now || id) < 0) out.push(now || id);
    });
    return out;
  }

  // -- the section map and the QR code ----------------------------------------------------------------

  // Which of `count` files of the section map holds an id (reading_list.py shard_of: the same hash).
  function shardOf(id, count) {
    var hash = 0;
    for (var i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) >>> 0;
    return hash % count;
  }

  function shardName(shard) {
    return (shard < 10 ? "0" : "") + shard + ".json";
  }

  // The dark modules of a QR code of `count` x `count` as one SVG path (a run of dark modules in a
  // row is one rectangle), inside a quiet zone of `margin` modules.
  function qrPath(count, isDark, margin) {
    var parts = [];
    for (var row = 0; row < count; row++) {
      for (var column = 0; column < count; column++) {
        if (!isDark(row, column)) continue;
        var run = 1;
        while (column + run < count && isDark(row, column + run)) run++;
        parts.push("M" + (column + margin) + " " + (row + margin) + "h" + run + "v1h-" + run + "z");
        column += run - 1;
      }
    }
    return parts.join("");
  }

  // How wide a QR code prints, in millimetres: each module at least half a millimetre (a phone
  // reads that from paper at arm's length), the whole at least 35 mm.
  function qrPrintWidth(count, margin) {
    return Math.max(35, Math.ceil((count + 2 * margin) * 0.5));
  }

  var core = {
    LIMITS: LIMITS, CODE_KEY: CODE_KEY, isId: isId, isKey: isKey, wantsOpaque: wantsOpaque, cleanIds: cleanIds, normaliseNote: normaliseNote, format: format, parse: parse,
    isList: link.isList, idOf: link.idOf, isFull: isFull, added: added, removed: removed, moved: moved, renamed: renamed,
    shardOf: shardOf, shardName: shardName, qrPath: qrPath, qrPrintWidth: qrPrintWidth,
  };
  kb.core = core;
  if (typeof module === "object" && module.exports) module.exports = core;
})(typeof kbReadingList === "object" ? kbReadingList : {});
