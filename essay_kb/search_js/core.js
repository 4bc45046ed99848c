/* kb-search, core: a reader's words as the index has them, the words of a query, the lay lexicon,
 * edit distance, part hashing and vector decoding, and the text shown (excerpts with the words
 * found marked, the status line).
 * Pure functions: no state, no browser, no file. Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var words = kb.words || require("./words.js");
  var TUNING = words.TUNING;
  var STOP_WORDS = new Set(words.STOP_WORDS);

  // The lay lexicon as the index ships it (lexicon.json: {word: "the other words it also finds"},
  // written from docs/lexicon.yaml by essay_kb/lexicon.py) as a Map: word -> Set of those words.
  function lexicon(table) {
    var map = new Map();
    Object.keys(table || {}).forEach(function (word) {
      var others = String(table[word]).split(/\s+/).filter(function (w) { return w && w !== word; });
      if (others.length) map.set(word, new Set(others));
    });
    return map;
  }

  function synonymsOf(synonyms, word) {
    var found = synonyms.get(word) || (/s$/.test(word) && synonyms.get(word.slice(0, -1)));
    return found ? Array.from(found) : [];
  }

  // A text's words as the index has them: lower case, without apostrophes.
  function tokensOf(text) {
    return text.toLowerCase().replace(/['’‘`]/g, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // The words to look up. The last one is a prefix while it is still being typed ("superbil").
  function queryTerms(query, synonyms) {
    var all = tokensOf(query);
    var meaningful = all.filter(function (w) { return !STOP_WORDS.has(w); });
    var terms = Array.from(new Set(meaningful.length ? meaningful : all)).slice(0, TUNING.maxTerms);
    var typing = /[\p{L}\p{N}]$/u.test(query) && terms[terms.length - 1] === all[all.length - 1];
    return terms.map(function (word, i) { return { word: word, prefix: typing && i === terms.length - 1 }; })
      // One or two letters of a word being typed say nothing yet, and would load much of the index.
      // ("ex" and "ai" are words of their own: the lexicon knows them.)
      .filter(function (term) { return !term.prefix || term.word.length >= TUNING.minPrefix || synonyms.has(term.word); });
  }

  // Edits (a letter added, dropped, changed, or two swapped) from a to b, or limit + 1 if more.
  function editDistance(a, b, limit) {
    var before = null;
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var row = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
        row.push(d);
        least = Math.min(least, d);
      }
      if (least > limit) return limit + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  // 32-bit FNV-1a of a text's UTF-8 bytes: the part that holds a word's stem is this modulo the
  // number of parts (parts.js; essay_kb/search_index.py, fnv1a, computes the same).
  function fnv1a(text) {
    var hash = 0x811c9dc5;
    new TextEncoder().encode(text).forEach(function (byte) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    });
    return hash >>> 0;
  }

  // Base64 text of 8-bit signed integers, as the build writes vectors.
  function int8s(text) {
    var binary = atob(text);
    var out = new Int8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i) << 24 >> 24;
    return out;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Whether a word as written on the page is one of the stems found ("Cancellations," -> cancel).
  function matcher(stems, stemOf) {
    return function (token) {
      return tokensOf(token).some(function (w) { return stems.has(stemOf(w)); });
    };
  }

  // The words, those found marked (without the punctuation around them: "<mark>died</mark>,").
  function marked(tokens, isMatch) {
    return tokens.map(function (token) {
      if (!isMatch(token)) return escapeHtml(token);
      var parts = token.match(/^([^\p{L}\p{N}]*)([\s\S]*?)([^\p{L}\p{N}]*)$/u);
      return escapeHtml(parts[1]) + "<mark>" + escapeHtml(parts[2]) + "</mark>" + escapeHtml(parts[3]);
    }).join(" ");
  }

  // The stretch of a text holding the most matched words.
  function excerptHtml(text, isMatch) {
    var tokens = text.split(/\s+/).filter(Boolean);
    var size = TUNING.excerptWords;
    var hits = [];
    tokens.forEach(function (token, i) { if (isMatch(token)) hits.push(i); });
    var start = 0;
    var best = -1;
    hits.forEach(function (m) {
      var from = Math.max(0, Math.min(m - 4, tokens.length - size));
      var count = hits.filter(function (x) { return x >= from && x < from + size; }).length;
      if (count > best) { best = count; start = from; }
    });
    var end = Math.min(tokens.length, start + size);
    return (start > 0 ? "… " : "") + marked(tokens.slice(start, end), isMatch) + (end < tokens.length ? " …" : "");
  }

  // The reader's words as the status line repeats them: a few, never a whole pasted page (the
  // status is read aloud by screen readers).
  function echo(query) {
    var shown = query.split(/\s+/).filter(Boolean);
    var text = shown.slice(0, TUNING.statusWords).join(" ");
    var letters = Array.from(text);  // whole characters: an emoji is not cut in half
    if (letters.length > TUNING.statusLetters) return letters.slice(0, TUNING.statusLetters).join("") + "…";
    return shown.length > TUNING.statusWords ? text + " …" : text;
  }

  // The status line, for what a search came to: {error}, {noWords}, or {total, shown, query,
  // filtered} (query null when more results are added to those shown: the count is not read out
  // again). It counts the essays listed, not every page that shares a word with the question.
  function statusText(outcome) {
    if (outcome.error) return "Search could not load. Check your connection and try again, or browse by theme.";
    if (outcome.noWords) return "No searchable words. Type a word or two in letters or numbers.";
    if (!outcome.total && outcome.offTopic) {
      return "No essay here is about" + (outcome.query ? " “" + echo(outcome.query) + "”" : " that") + " yet.";
    }
    if (!outcome.total) {
      return "Nothing matched" + (outcome.query ? " “" + echo(outcome.query) + "”" : "") +
        (outcome.filtered ? " with this filter." : ".");
    }
    if (outcome.query === null) return null;
    var shown = outcome.shown === undefined ? outcome.total : Math.min(outcome.shown, outcome.total);
    if (shown < outcome.total) return shown + " of " + outcome.total + " essays shown, best first.";
    return (outcome.total === 1 ? "1 essay" : outcome.total + " essays") + ", best first.";
  }

  var core = {
    lexicon: lexicon, synonymsOf: synonymsOf, tokensOf: tokensOf, queryTerms: queryTerms,
    editDistance: editDistance, fnv1a: fnv1a, int8s: int8s, escapeHtml: escapeHtml, matcher: matcher, marked: marked,
    excerptHtml: excerptHtml, echo: echo, statusText: statusText,
  };
  kb.core = core;
  if (typeof module === "object" && module.exports) module.exports = core;
})(typeof kbSearch === "object" ? kbSearch : {});
