/* essay_kb: does what a reader typed into search express risk (thoughts of suicide, self-harm,
   danger at home, an emergency)? Pure: no document, no network, no storage. The vocabulary is data
   (essay_kb/data/risk-phrases.yaml), compiled by the build into window.kbRiskPhrases
   (_static/kb-risk-phrases.js); in Node, pass it to compile(). kb-search-help.js shows the card.

   kbRisk.assess(query)         -> null, or {categories, lines, message, page, url, pages, loss}
                                   (loss: the question is about someone else's death by suicide,
                                   the vocabulary's "loss" phrases, not the reader's own risk)
   kbRisk.mentionsLoss(text)    -> whether a text (a section's heading) is about such a death
   kbRisk.safetyPageFor(query)  -> the matching help page's address from the site root
                                   ("help/thinking-about-suicide/"), or null
*/
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.kbRisk = api;
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  // Letters typed as look-alike symbols between letters ("k1ll", "su!cide", "h3lp"); numbers
  // ("988") and punctuation around words ("okay!!") are left as they are.
  var LOOKALIKES = { "1": "i", "!": "i", "3": "e", "0": "o", "@": "a", "$": "s", "*": "" };
  var LOOKALIKE_RUN = /([a-z])([10!3@$*]+)(?=[a-z])/g;

  // The reader's words as the vocabulary is written: lower case, no accents or apostrophes
  // ("I'm" = "im"), any other punctuation a space, one space between words.
  function normalise(text) {
    var words = String(text || "").toLowerCase();
    if (words.normalize) words = words.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    words = words.replace(/['\u2018\u2019\u02bc`\u00b4]/g, "");
    words = words.replace(LOOKALIKE_RUN, function (run, letter, symbols) {
      return letter + symbols.replace(/./g, function (c) { return LOOKALIKES[c]; });
    });
    return words.replace(/[^a-z0-9]+/g, " ").trim();
  }

  // Stretched words ("diiiie", "pleeease"): also try each run of three or more letters as one
  // letter and as two.
  function variants(query) {
    var words = normalise(query);
    if (!words) return [];
    var found = [words];
    [words.replace(/([a-z])\1{2,}/g, "$1"), words.replace(/([a-z])\1{2,}/g, "$1$1")].forEach(function (v) {
      if (found.indexOf(v) < 0) found.push(v);
    });
    return found.map(function (v) { return " " + v + " "; });
  }

  function compile(data) {
    return {
      loss: (data && data.loss || []).map(function (source) { return new RegExp(source, "g"); }),
      categories: (data && data.categories || []).map(function (category) {
        return {
          key: category.key, message: category.message, lines: category.lines || [],
          page: category.page || null, url: category.url || null,
          match: (category.match || []).map(function (source) { return new RegExp(source, "g"); }),
          unless: (category.unless || []).map(function (source) { return new RegExp(source, "g"); }),
        };
      }),
    };
  }

  function spans(patterns, text) {
    var found = [];
    patterns.forEach(function (pattern) {
      pattern.lastIndex = 0;
      var m;
      while ((m = pattern.exec(text))) {
        found.push([m.index, m.index + m[0].length]);
        pattern.lastIndex = m.index + 1;  // overlapping matches too
      }
    });
    return found;
  }

  // A phrase counts where it matched on words no figurative use of the category matched.
  function matches(category, text) {
    var figurative = spans(category.unless, text);
    return spans(category.match, text).some(function (span) {
      return !figurative.some(function (f) { return f[0] < span[1] && span[0] < f[1]; });
    });
  }

  var loaded = null;
  function vocabulary(given) {
    if (given) return given;
    if (!loaded && root && root.kbRiskPhrases) loaded = compile(root.kbRiskPhrases);
    return loaded;
  }

  function assess(query, compiled) {
    var vocab = vocabulary(compiled);
    var texts = variants(query);
    if (!vocab || !texts.length) return null;
    var found = vocab.categories.filter(function (category) {
      return texts.some(function (text) { return matches(category, text); });
    });
    if (!found.length) return null;
    var lines = [];
    var pages = [];
    found.forEach(function (category) {
      category.lines.forEach(function (line) { if (lines.indexOf(line) < 0) lines.push(line); });
      if (category.page && !pages.some(function (p) { return p.page === category.page; })) {
        pages.push({ page: category.page, url: category.url });
      }
    });
    return {
      categories: found.map(function (category) { return category.key; }),
      lines: lines,
      message: found[0].message,
      page: pages.length ? pages[0].page : null,
      url: pages.length ? pages[0].url : null,
      pages: pages,
      loss: texts.some(function (text) { return spans(vocab.loss, text).length > 0; }),
    };
  }

  function mentionsLoss(text, compiled) {
    var vocab = vocabulary(compiled);
    return Boolean(vocab) && variants(text).some(function (t) { return spans(vocab.loss, t).length > 0; });
  }

  function safetyPageFor(query, compiled) {
    var found = assess(query, compiled);
    return found ? found.url : null;
  }

  function load(data) {
    loaded = compile(data);
    return loaded;
  }

  return { normalise: normalise, compile: compile, load: load, assess: assess, safetyPageFor: safetyPageFor,
    mentionsLoss: mentionsLoss };
});
