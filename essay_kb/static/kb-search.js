/* essay_kb search: the search panel, on the site's own static index (see essay_kb/search.py and
 * essay_kb/search_index.py, which writes it).
 *
 * Private by design: the query is never put in a URL, the history, storage or a cookie; every file
 * comes from <site>/search-index/ and _static/; on leaving the page the query is forgotten, so
 * "Back" (which may restore this page as it was) does not show it again.
 *
 * Ranking. A search that requires every word of a query on a page suits "superbill" but finds
 * nothing for "my therapist forgot my sister's name and now I feel I don't matter". So the words that
 * say what the question is about (not "my", "how do I") are looked up one by one, each with the
 * everyday synonyms the essays may use instead (kids: children), each by its stem (Porter2, as the
 * index is built). An essay scores BM25 for each word over its text, where headings weigh more,
 * plus the word's rarity for each of its title, summary and tags that contain it, scaled by how
 * much of the query it covers. The best essays are then split into their sections, each scored on
 * its own words (its heading counting extra), and shown with up to three sections each, best first.
 */
(function () {
  "use strict";

  var TUNING = {
    maxTerms: 10,
    minPrefix: 3,            // letters of the word being typed before it is looked up
    slipMinLength: 5,        // shorter words are not matched to words a slip away
    // A key pressed soon after the last one is part of a burst of typing: the results follow at once
    // from the files already here, and any more files wait until the reader pauses (so a question
    // typed word by word does not fetch the pages of every word on the way). A pause is a gap
    // longer than pauseFactor times the reader's usual gap between keys, within these bounds.
    pauseMs: [250, 800],
    pauseFactor: 1.6,
    essaysShown: 6,          // at first, and added by "Show more results" (one small file each)
    sectionsPerEssay: 3,
    excerptWords: 26,
    fieldWeights: { title: 4, summary: 2, tags: 2 },
    synonymWeight: 0.6,      // a synonym's match counts this much of the word's own
    coveragePower: 1,        // essays that cover more of the query (by rarity) rank higher...
    sectionCoveragePower: 0.5, // ...and sections, less strictly: a section answers part of a question
    headingWeight: 6,        // a word in a section's heading counts this many times
    k1: 1.2,
    b: 0.75,
  };

  // Words that say little about what a reader is looking for ("how do I…", "is it normal").
  var STOP_WORDS = new Set((
    "a about above actually after again against all also always am an and any anymore anyone anything " +
    "anyway are arent as at be been before being below between both but by can cant could couldnt did " +
    "didnt do does doesnt doing dont down during each else enough even ever every everyone everything " +
    "few for forever from further get gets getting got had hadnt has hasnt have havent having he hed " +
    "hes her here hers herself him himself his how i id if ill im in instead into is isnt it its itself " +
    "ive just keep keeps know like lot lots many may maybe me might more most much must my myself never " +
    "no nor not now of off ok okay on once one only or other our ours ourselves out over own perhaps " +
    "probably real really right same shall she shes should shouldnt since so some someone something " +
    "still such sure than that thats the their theirs them themselves then there theres these they " +
    "theyre thing things this those through to too under until up us very want wants was wasnt way we " +
    "were werent what whatever whats when where which while who whom whose why will with without wont " +
    "would wouldnt yet you youd youll your youre yours yourself yourselves"
  ).split(" "));

  // Everyday words and the words the essays use for the same things. "a b c": each finds the others;
  // "a b > c d": a and b also find c and d (a dog is a pet; a pet is not always a dog). Word forms need
  // no entry: both the query and the essays are stemmed.
  var THESAURUS = [
    "kid child children", "son daughter > child", "teen teenager adolescent",
    "mom mum mother", "dad father", "mom mum mother dad father > parent",
    "grandma grandmother grandpa grandfather granny > grandparent",
    "husband wife spouse boyfriend girlfriend > partner", "ex > divorce separation",
    "split breakup > separation divorce", "sick ill illness", "cancer > illness diagnosis",
    "died death dead", "lost loss", "dog cat > pet", "numb shock", "sad sadness > grief",
    "devastated heartbroken > grief", "scared afraid frightened fear", "panic anxious worried nervous > anxiety",
    "angry mad anger", "exhausted tired worn drained", "crying cry tears",
    "argue argument fight fighting quarrel > conflict", "silent quiet",
    "afford cheap expensive price > cost fee", "insurer insurance", "coverage > insurance",
    "ai chatbot chatgpt bot", "shrink counselor counsellor psychologist psychotherapist > therapist",
    "appointment session", "text texting message", "quit stop > end ending", "flag > warning",
    "suicidal suicide", "suicidal > safety", "private privacy confidential confidentiality secret",
  ];
  var SYNONYMS = thesaurus(THESAURUS);

  function thesaurus(groups) {
    var map = new Map();
    groups.forEach(function (group) {
      var sides = group.split(">").map(function (side) { return side.trim().split(/\s+/); });
      var to = sides[sides.length - 1];
      sides[0].forEach(function (word) {
        var found = map.get(word) || new Set();
        to.forEach(function (other) { if (other !== word) found.add(other); });
        map.set(word, found);
      });
    });
    return map;
  }

  function synonymsOf(word) {
    var found = SYNONYMS.get(word) || (/s$/.test(word) && SYNONYMS.get(word.slice(0, -1)));
    return found ? Array.from(found) : [];
  }

  // A text's words as the index has them: lower case, without apostrophes.
  function tokensOf(text) {
    return text.toLowerCase().replace(/['’‘`]/g, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // The words to look up. The last one is a prefix while it is still being typed ("superbil").
  function queryTerms(query) {
    var words = tokensOf(query);
    var meaningful = words.filter(function (w) { return !STOP_WORDS.has(w); });
    var terms = Array.from(new Set(meaningful.length ? meaningful : words)).slice(0, TUNING.maxTerms);
    var typing = /[\p{L}\p{N}]$/u.test(query) && terms[terms.length - 1] === words[words.length - 1];
    return terms.map(function (word, i) { return { word: word, prefix: typing && i === terms.length - 1 }; })
      // One or two letters of a word being typed say nothing yet, and would load much of the index.
      // ("ex" and "ai" are words of their own: the thesaurus knows them.)
      .filter(function (term) { return !term.prefix || term.word.length >= TUNING.minPrefix || SYNONYMS.has(term.word); });
  }

  // -- The index (essay_kb/search_index.py writes it; its docstring describes the files) -------------

  var BUNDLE = "search-index/";
  var SHARD_LETTERS = 3;
  var FIELD_BITS = { title: 1, summary: 2, tags: 4 };
  var engine = null;
  var files = new Map();    // each file of the index is fetched once per page
  var lookups = new Map();  // this page's earlier lookups: typing a query repeats most of its words
  var stemmer = null;

  function siteRoot() {
    return new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href);
  }

  // "no-cache" asks the host whether a file changed since this browser fetched it (an unchanged
  // file is not sent again), so a search just after the site is republished never mixes old and
  // new files.
  function indexFile(path) {
    if (!files.has(path)) {
      var loading = fetch(new URL(BUNDLE + path, siteRoot()), { credentials: "same-origin", cache: "no-cache" })
        .then(function (r) {
          if (!r.ok) throw new Error(path + ": " + r.status);
          return r.json();
        });
      files.set(path, loading);
      loading.catch(function () { files.delete(path); });  // a failed fetch is tried again next time
    }
    return files.get(path);
  }

  // The Porter2 stemmer the index was built with (essay_kb/vendor/), loaded with the index.
  function loadStemmer() {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = new URL("_static/kb-porter2.js", siteRoot()).href;
      script.onload = function () { resolve(window.kbPorter2 && window.kbPorter2.exports); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadEngine() {
    if (!engine) {
      engine = Promise.all([loadStemmer(), indexFile("index.json")]).then(function (loaded) {
        stemmer = loaded[0];
        var index = loaded[1];
        var total = index.lengths.reduce(function (a, b) { return a + b; }, 0);
        return {
          pageCount: index.pages,
          lengths: index.lengths,
          averageLength: total / Math.max(1, index.pages),
          // Stems on most pages, with their number of pages. A Map, as the stems are a reader's words:
          // on a plain object "constructor" would find Object's own.
          common: new Map(Object.entries(index.common)),
          shards: new Set(index.shards.split(" ").filter(Boolean)),
        };
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function hex(text) {
    return Array.from(new TextEncoder().encode(text), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  var stems = new Map();  // each distinct word stemmed once

  function stemOf(word) {
    if (!stemmer) return word;
    var stem = stems.get(word);
    if (stem === undefined) {
      stem = stemmer(word);
      stems.set(word, stem);
    }
    return stem;
  }

  // [[stem, postings]] for the stem itself, or (prefix) for every stem that begins with it.
  // The file of every stem that begins as this one does: {stem: postings}, or {} if there is none.
  function shardOf(loaded, stem) {
    var key = stem.slice(0, SHARD_LETTERS);
    return loaded.shards.has(key) ? indexFile("w/" + hex(key) + ".json") : Promise.resolve({});
  }

  function stemsFrom(loaded, stem, prefix) {
    if (!prefix && loaded.common.has(stem)) {
      return indexFile("c/" + hex(stem) + ".json").then(function (rows) { return [[stem, rows]]; });
    }
    return shardOf(loaded, stem).then(function (shard) {
      if (!prefix) return Object.prototype.hasOwnProperty.call(shard, stem) ? [[stem, shard[stem]]] : [];
      return Object.keys(shard).filter(function (s) { return s.indexOf(stem) === 0; })
        .map(function (s) { return [s, shard[s]]; });
    });
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

  // The stems one slip away from a word no page holds ("councelor": counselor), two for a long
  // word; found in the word's own file, so a slip in its first three letters is not looked for.
  function nearStems(loaded, stem) {
    if (stem.length < TUNING.slipMinLength) return Promise.resolve([]);
    var limit = stem.length >= 8 ? 2 : 1;
    return shardOf(loaded, stem).then(function (shard) {
      var best = limit + 1;
      var found = [];
      Object.keys(shard).forEach(function (other) {
        if (Math.abs(other.length - stem.length) > limit) return;
        var d = editDistance(stem, other, limit);
        if (d < best) { best = d; found = []; }
        if (d === best) found.push([other, shard[other]]);
      });
      return best <= limit ? found : [];
    });
  }

  // One word: its stem; or, while it is being typed ("superbil"), every stem it or its stem begins.
  // A finished word missing from the index is tried as a beginning too (the browser's stemmer and
  // the build's can differ on a rare word); a word found nowhere (a slip) is matched to the words
  // one or two slips away ("councelor"), else retried as a shorter beginning ("insurence").
  function lookUpWord(loaded, word, isPrefix) {
    var stem = stemOf(word);
    function retry(prefix) {
      if (prefix.length <= Math.max(4, Math.ceil(word.length * 0.6))) return Promise.resolve([]);
      var shorter = prefix.slice(0, -1);
      return stemsFrom(loaded, shorter, true).then(function (found) { return found.length ? found : retry(shorter); });
    }
    var first = isPrefix
      ? Promise.all([stemsFrom(loaded, word, true), stem === word ? [] : stemsFrom(loaded, stem, true)])
        .then(function (both) {
          var seen = new Set(both[0].map(function (f) { return f[0]; }));
          return both[0].concat(both[1].filter(function (f) { return !seen.has(f[0]); }));
        })
      : stemsFrom(loaded, stem, false).then(function (found) { return found.length ? found : stemsFrom(loaded, stem, true); });
    return first
      .then(function (found) { return found.length ? found : nearStems(loaded, stem); })
      .then(function (found) { return found.length ? found : retry(word); });
  }

  // The pages of each theme and tag, loaded once a filter is chosen or the filters are opened.
  function allowedPages(filters) {
    var names = Object.keys(filters);
    if (!names.length) return Promise.resolve(null);
    return indexFile("filters.json").then(function (all) {
      var allowed = null;
      names.forEach(function (name) {
        var pages = new Set((all[name] || {})[filters[name]] || []);
        allowed = allowed ? new Set(Array.from(allowed).filter(function (p) { return pages.has(p); })) : pages;
      });
      return allowed;
    });
  }

  function idf(pageCount, matching) {
    return Math.log(1 + (pageCount - matching + 0.5) / (matching + 0.5));
  }

  function saturate(tf, length, averageLength) {
    return tf * (TUNING.k1 + 1) / (tf + TUNING.k1 * (1 - TUNING.b + TUNING.b * length / averageLength));
  }

  // A word and its synonyms as one: per page, the fields that hold any of them and, per block, how
  // often they occur (a synonym counting synonymWeight of the word); the stems found, to mark them.
  function lookUp(loaded, term) {
    var key = JSON.stringify([term.word, term.prefix]);
    if (lookups.has(key)) return lookups.get(key);
    // A synonym on most pages would say little and cost a large file.
    var words = [term.word].concat(synonymsOf(term.word).filter(function (w) { return !loaded.common.has(stemOf(w)); }));
    var found = Promise.all(words.map(function (word, i) {
      return lookUpWord(loaded, word, term.prefix && i === 0);
    })).then(function (each) {
      var pages = new Map();
      var stems = new Set();
      each.forEach(function (found, i) {
        var weight = i === 0 ? 1 : TUNING.synonymWeight;
        found.forEach(function (pair) {
          stems.add(pair[0]);
          pair[1].forEach(function (row) {
            var page = pages.get(row[0]);
            if (!page) {
              page = { id: row[0], fields: 0, blocks: new Map() };
              pages.set(row[0], page);
            }
            page.fields |= row[1];
            for (var r = 2; r < row.length; r += 3) {
              var counts = page.blocks.get(row[r]) || [0, 0];
              counts[0] += weight * row[r + 1];
              counts[1] += weight * row[r + 2];
              page.blocks.set(row[r], counts);
            }
          });
        });
      });
      return { pages: pages, stems: stems };
    });
    lookups.set(key, found);
    found.catch(function () { lookups.delete(key); });
    return found;
  }

  function termFrequency(counts) {
    return counts[0] + TUNING.headingWeight * counts[1];
  }

  // Each essay scores BM25 for each word over its whole text (headings weigh more), plus the word's
  // rarity for each of its title, summary and tags that hold it, scaled by how much of the query
  // (by rarity) it covers.
  function rankEssays(loaded, found, termIdfs, allowed) {
    var pages = new Map();
    var totalIdf = termIdfs.reduce(function (a, b) { return a + b; }, 0);
    found.forEach(function (term, t) {
      term.pages.forEach(function (hit) {
        if (allowed && !allowed.has(hit.id)) return;
        var page = pages.get(hit.id);
        if (!page) {
          page = { id: hit.id, score: 0, coveredIdf: 0, blocks: [] };
          pages.set(hit.id, page);
        }
        var tf = 0;
        hit.blocks.forEach(function (counts, block) {
          tf += termFrequency(counts);
          page.blocks.push([t, block, termFrequency(counts)]);
        });
        page.score += termIdfs[t] * saturate(tf, loaded.lengths[hit.id] || 1, loaded.averageLength);
        Object.keys(FIELD_BITS).forEach(function (field) {
          if (hit.fields & FIELD_BITS[field]) page.score += termIdfs[t] * TUNING.fieldWeights[field];
        });
        page.coveredIdf += termIdfs[t];
      });
    });
    var ranked = Array.from(pages.values());
    ranked.forEach(function (page) {
      page.score *= Math.pow(totalIdf ? page.coveredIdf / totalIdf : 1, TUNING.coveragePower);
    });
    return ranked.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
  }

  // Words on most pages are left out, unless the query has nothing else: then its rarest stays, once
  // the reader has paused (while typing, "the" may be on its way to "therapy").
  function withoutCommonWords(terms, common, settled) {
    var pages = function (term) { return common.get(stemOf(term.word)); };
    var kept = terms.filter(function (term) { return pages(term) === undefined; });
    if (kept.length || !terms.length) return kept;
    if (!settled) return WAIT;
    var rarest = terms.reduce(function (a, b) { return pages(b) < pages(a) ? b : a; });
    return [{ word: rarest.word, prefix: false }];
  }

  var WAIT = "wait";  // the query needs files that should wait until the reader pauses

  // Resolves with the ranked essays; with null when there is nothing to look up yet (the start of a
  // first word); or with WAIT.
  function search(query, filters, settled) {
    var words = queryTerms(query);
    if (!words.length) return Promise.resolve(null);
    return loadEngine().then(function (loaded) {
      var terms = withoutCommonWords(words, loaded.common, settled);
      if (terms === WAIT) return WAIT;
      if (!terms.length) return null;
      return Promise.all([Promise.all(terms.map(function (term) { return lookUp(loaded, term); })), allowedPages(filters)])
        .then(function (both) {
          var found = both[0];
          var termIdfs = found.map(function (term) { return idf(loaded.pageCount, term.pages.size); });
          var stems = new Set();
          found.forEach(function (term) { term.stems.forEach(function (s) { stems.add(s); }); });
          return { termIdfs: termIdfs, stems: stems, pages: rankEssays(loaded, found, termIdfs, both[1]) };
        });
    });
  }

  // Whether a word as written on the page is one of the stems found ("Cancellations," → cancel).
  function isMatch(token, stems) {
    return tokensOf(token).some(function (w) { return stems.has(stemOf(w)); });
  }

  // An essay's introduction and sections (and a glossary's terms), each scored on its own words
  // (its heading counting extra), with the words to mark.
  function splitSections(page, data, outcome) {
    var termIdfs = outcome.termIdfs;
    var totalIdf = termIdfs.reduce(function (a, b) { return a + b; }, 0);
    var sections = data.blocks.map(function (block, i) {
      return { id: block[0], heading: block[1], text: block[2], intro: i === 0,
        tf: termIdfs.map(function () { return 0; }), length: Math.max(1, tokensOf(block[2]).length) };
    });
    page.blocks.forEach(function (hit) {
      if (sections[hit[1]]) sections[hit[1]].tf[hit[0]] += hit[2];
    });
    var averageLength = sections.reduce(function (a, s) { return a + s.length; }, 0) / Math.max(1, sections.length);
    sections.forEach(function (section) {
      var covered = 0;
      section.score = 0;
      section.tf.forEach(function (tf, t) {
        if (!tf) return;
        covered += termIdfs[t];
        section.score += termIdfs[t] * saturate(tf, section.length, averageLength);
      });
      section.hits = section.score > 0;
      section.score *= Math.pow(totalIdf ? covered / totalIdf : 1, TUNING.sectionCoveragePower);
    });
    return sections;
  }

  var pageData = new Map();  // page id: its file, once here

  function essaysHere(outcome, from, to) {
    return outcome.pages.slice(from, to).every(function (page) { return pageData.has(page.id); });
  }

  // Fetch and split the essays ranked [from, to): one small file each.
  function loadEssays(outcome, from, to) {
    return Promise.all(outcome.pages.slice(from, to).map(function (page) {
      if (page.sections) return page;
      var here = pageData.get(page.id);
      return (here ? Promise.resolve(here) : indexFile("p/" + page.id + ".json")).then(function (data) {
        pageData.set(page.id, data);
        page.data = data;
        page.sections = splitSections(page, data, outcome);
        return page;
      });
    }));
  }

  // -- Rendering -------------------------------------------------------------------------------------

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // The words, those found marked (without the punctuation around them: "<mark>died</mark>,").
  function marked(tokens, stems) {
    return tokens.map(function (token) {
      if (!isMatch(token, stems)) return escapeHtml(token);
      var parts = token.match(/^([^\p{L}\p{N}]*)([\s\S]*?)([^\p{L}\p{N}]*)$/u);
      return escapeHtml(parts[1]) + "<mark>" + escapeHtml(parts[2]) + "</mark>" + escapeHtml(parts[3]);
    }).join(" ");
  }

  // The stretch of the section's text holding the most matched words.
  function excerptHtml(section, stems) {
    var tokens = section.text.split(/\s+/).filter(Boolean);
    var size = TUNING.excerptWords;
    var hits = [];
    tokens.forEach(function (token, i) { if (isMatch(token, stems)) hits.push(i); });
    var start = 0;
    var best = -1;
    hits.forEach(function (m) {
      var from = Math.max(0, Math.min(m - 4, tokens.length - size));
      var count = hits.filter(function (x) { return x >= from && x < from + size; }).length;
      if (count > best) { best = count; start = from; }
    });
    var end = Math.min(tokens.length, start + size);
    return (start > 0 ? "… " : "") + marked(tokens.slice(start, end), stems) + (end < tokens.length ? " …" : "");
  }

  function hitsOf(page, stems) {
    var best = page.sections.filter(function (s) { return s.score > 0; })
      .sort(function (a, b) { return b.score - a.score; })
      .slice(0, TUNING.sectionsPerEssay);
    if (!best.length) best = [page.sections[0]];  // found by its title, summary or tags
    return best.map(function (section) {
      var url = new URL(page.data.url, siteRoot()).pathname;
      return {
        href: url + (section.id ? "#" + encodeURIComponent(section.id) : ""),
        title: section.intro ? "Introduction" : marked(section.heading.split(/\s+/), stems).replace(/\.(<\/mark>)?$/, "$1"),
        excerpt: section.intro && !section.hits ? escapeHtml(page.data.summary || "") : excerptHtml(section, stems),
      };
    });
  }

  // -- The panel: input, filters, status and results (in the dialog, or inline on /search/) ----------

  function Panel(root, input) {
    var self = this;
    this.root = root;
    this.input = input;
    this.results = root.querySelector("[data-search-results]");
    this.status = root.querySelector("[data-search-status]");
    this.empty = root.querySelector("[data-search-empty]");
    this.more = root.querySelector("[data-search-more]");
    this.theme = root.querySelector("[data-search-theme]");
    this.tag = root.querySelector("[data-search-tag]");
    this.filterBox = root.querySelector("[data-search-filters]");
    this.themeTitles = {};
    Array.prototype.forEach.call(this.theme.options, function (o) { self.themeTitles[o.value] = o.text; });
    this.sequence = 0;
    this.lastKey = 0;
    this.gaps = [];
    this.pause = null;
    this.outcome = null;
    this.shown = 0;
    this.results.setAttribute("aria-busy", "false");

    input.addEventListener("input", function () { self.typed(); });
    input.addEventListener("focus", function () { loadEngine(); });
    input.addEventListener("keydown", function (event) { self.inputKeys(event); });
    this.theme.addEventListener("change", function () { self.run(true); });
    this.tag.addEventListener("change", function () { self.run(true); });
    this.filterBox.addEventListener("toggle", function () { if (self.filterBox.open) self.loadTags(); });
    this.more.addEventListener("click", function () { self.showMore(); });
    root.addEventListener("keydown", function (event) { self.arrowKeys(event); });
  }

  Panel.prototype.filters = function () {
    var filters = {};
    if (this.theme.value) filters.theme = this.theme.value;
    if (this.tag.value) filters.tag = this.tag.value;
    return filters;
  };

  // Tags are listed when the filters are opened, not before: their file is needed only then.
  Panel.prototype.loadTags = function () {
    var tag = this.tag;
    if (tag.options.length > 1) return;
    indexFile("filters.json").then(function (all) {
      if (tag.options.length > 1) return;
      Object.keys(all.tag || {}).sort().forEach(function (value) {
        tag.add(new Option(value + " (" + all.tag[value].length + ")", value));
      });
    });
  };

  Panel.prototype.clear = function () {
    clearTimeout(this.pause);
    this.sequence += 1;
    this.outcome = null;
    this.results.innerHTML = "";
    this.status.textContent = "";
    this.empty.hidden = true;
    this.more.hidden = true;
    this.results.setAttribute("aria-busy", "false");
  };

  // How long a gap between keys must be to be a pause, for this reader's pace of typing.
  Panel.prototype.pauseMs = function () {
    var gaps = this.gaps.slice().sort(function (a, b) { return a - b; });
    var usual = gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0;
    return Math.min(TUNING.pauseMs[1], Math.max(TUNING.pauseMs[0], TUNING.pauseFactor * usual));
  };

  // A key typed: part of a burst, or after a pause.
  Panel.prototype.typed = function () {
    var now = Date.now();
    var gap = now - this.lastKey;
    var settled = gap > this.pauseMs();
    if (gap < TUNING.pauseMs[1]) this.gaps = this.gaps.concat([gap]).slice(-5);  // the reader's recent pace
    this.lastKey = now;
    this.run(settled);
  };

  Panel.prototype.run = function (settled) {
    var query = this.input.value.trim();
    clearTimeout(this.pause);
    if (!query) { this.clear(); return; }
    var sequence = ++this.sequence;
    var self = this;
    this.results.setAttribute("aria-busy", "true");
    search(query, this.filters(), settled).then(function (outcome) {
      if (sequence !== self.sequence) return null;
      if (outcome === WAIT || (outcome && !settled && !essaysHere(outcome, 0, TUNING.essaysShown))) {
        self.pause = setTimeout(function () { self.run(true); }, self.pauseMs());
        return null;
      }
      if (!outcome) {  // keep what is shown until there is a word to look up
        self.results.setAttribute("aria-busy", "false");
        return null;
      }
      return loadEssays(outcome, 0, TUNING.essaysShown).then(function () {
        if (sequence !== self.sequence) return;
        self.outcome = outcome;
        self.render(query, Math.min(TUNING.essaysShown, outcome.pages.length));
      });
    }).catch(function () {
      if (sequence !== self.sequence) return;
      self.results.innerHTML = "";
      self.more.hidden = true;
      self.status.textContent = "Search could not load. Check your connection and try again, or browse by theme.";
      self.empty.hidden = false;
      self.results.setAttribute("aria-busy", "false");
    });
  };

  Panel.prototype.showMore = function () {
    var self = this;
    var outcome = this.outcome;
    var sequence = this.sequence;
    var firstNew = this.shown;
    var target = Math.min(firstNew + TUNING.essaysShown, outcome.pages.length);
    loadEssays(outcome, firstNew, target).then(function () {
      if (sequence !== self.sequence) return;
      self.render(null, target);
      var group = self.results.querySelectorAll(".kb-search-group")[firstNew];
      if (group) group.querySelector(".kb-search-hit").focus();
    });
  };

  Panel.prototype.render = function (query, count) {
    var self = this;
    var pages = this.outcome.pages.slice(0, count);
    var html = pages.map(function (page, i) {
      var theme = (page.data.themes || [])[0];
      var id = "kb-search-essay-" + i;
      return '<li class="kb-search-group"><p class="kb-search-essay" id="' + id + '">' +
        escapeHtml(page.data.title || page.data.url) +
        (theme ? ' <span class="kb-search-theme">' + escapeHtml(self.themeTitles[theme] || theme) + "</span>" : "") +
        '</p><ul class="kb-search-hits" aria-labelledby="' + id + '">' +
        hitsOf(page, self.outcome.stems).map(function (hit) {
          return '<li><a class="kb-search-hit" href="' + escapeHtml(hit.href) + '">' +
            '<span class="kb-search-section">' + hit.title + '</span>' +
            '<span class="kb-search-excerpt">' + hit.excerpt + "</span></a></li>";
        }).join("") + "</ul></li>";
    });
    this.results.innerHTML = html.join("");
    this.shown = pages.length;
    this.more.hidden = pages.length >= this.outcome.pages.length;
    var total = this.outcome.pages.length;
    if (!total) {
      var filtered = this.theme.value || this.tag.value;
      this.status.textContent = "Nothing matched" + (query ? " “" + query + "”" : "") + (filtered ? " with this filter." : ".");
    } else if (query !== null) {
      this.status.textContent = (total === 1 ? "1 essay matches" : total + " essays match") + ", best first.";
    }
    this.empty.hidden = total > 0;
    this.results.setAttribute("aria-busy", "false");
  };

  Panel.prototype.focusables = function () {
    return Array.prototype.slice.call(this.root.querySelectorAll(".kb-search-hit, [data-search-more]:not([hidden])"));
  };

  // Down arrow from the box to the first hit; Enter in the box opens the first hit.
  Panel.prototype.inputKeys = function (event) {
    if (event.key === "ArrowDown") {
      var first = this.focusables()[0];
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Enter" && !event.isComposing) {
      var hit = this.results.querySelector(".kb-search-hit");
      if (hit) { event.preventDefault(); hit.click(); }
    }
  };

  // Up and down arrows between the hits (Tab works too); up from the first hit returns to the box.
  Panel.prototype.arrowKeys = function (event) {
    if ((event.key !== "ArrowDown" && event.key !== "ArrowUp") || event.target === this.input) return;
    var items = this.focusables();
    var i = items.indexOf(document.activeElement);
    if (i < 0) return;
    event.preventDefault();
    if (event.key === "ArrowDown") (items[i + 1] || items[i]).focus();
    else if (i === 0) this.input.focus();
    else items[i - 1].focus();
  };

  // -- The dialog, the shortcuts, and the search page ------------------------------------------------

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function setUpDialog(dialog, input) {
    var home = input.parentElement;
    var slot = dialog.querySelector("[data-search-slot]");
    var returnFocus = null;

    function open() {
      if (dialog.open) { input.focus(); return; }
      if (typeof dialog.showModal !== "function") {  // a browser without <dialog>: the search page
        location.href = new URL("search/", siteRoot()).href;
        return;
      }
      returnFocus = document.activeElement;
      slot.appendChild(input);  // one search box on every page: the dialog borrows the sidebar's
      dialog.showModal();
      input.focus();
      try { input.setSelectionRange(input.value.length, input.value.length); } catch (e) { /* no caret here */ }
      loadEngine();
    }

    // The box goes back to the sidebar, and focus to where it was, as the dialog closes.
    function restore() {
      if (input.parentElement !== home) home.appendChild(input);
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus({ preventScroll: true });
      returnFocus = null;
    }

    function close() {
      if (dialog.open) dialog.close();
      restore();
    }

    dialog.addEventListener("close", restore);
    dialog.querySelector("[data-search-close]").addEventListener("click", close);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { close(); return; }  // a click on the backdrop
      // A hit on this same page only changes the hash: close the dialog and the phone menu too.
      if (event.target.closest(".kb-search-hit")) {
        var menu = document.getElementById("__navigation");
        if (menu) menu.checked = false;
        returnFocus = null;  // the reader is going to the hit, not back to where they were
        close();
      }
    });
    dialog.addEventListener("keydown", function (event) {
      // Esc closes the dialog at once (in a search box it would first only clear the words).
      if (event.key === "Escape" && !event.isComposing) {
        event.preventDefault();
        close();
        return;
      }
      // Tab and Shift+Tab go round the dialog's controls and never behind it.
      if (event.key !== "Tab") return;
      var items = Array.prototype.filter.call(dialog.querySelectorAll("input, select, button, a[href], summary"),
        function (el) { return !el.disabled && el.getClientRects().length > 0; });
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    input.addEventListener("input", function () { if (!dialog.open) open(); });
    input.addEventListener("click", function () { if (!dialog.open) open(); });
    addPhoneButton(open);
    return { open: open, close: close };
  }

  // Furo's phone header has no search box: a button there opens the same dialog.
  function addPhoneButton(open) {
    var header = document.querySelector(".mobile-header .header-right");
    if (!header) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kb-search-trigger";
    button.setAttribute("aria-label", "Search");
    button.setAttribute("aria-haspopup", "dialog");
    button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      '<circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<line x1="15.5" y1="15.5" x2="21" y2="21" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
    button.addEventListener("click", open);
    header.insertBefore(button, header.firstChild);
  }

  function setUp() {
    var input = document.querySelector("[data-search-input]");
    var page = document.querySelector("[data-search-page]");
    var dialog = document.querySelector("[data-search-dialog]");
    if (!input || !(page || dialog)) return;
    var panel = new Panel(page || dialog, input);
    var controls = page ? { open: function () { input.focus(); }, close: function () {} } : setUpDialog(dialog, input);
    document.addEventListener("keydown", function (event) {
      var shortcut = (event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey) && !event.altKey;
      var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target);
      if (shortcut || slash) {
        event.preventDefault();
        controls.open();
      }
    });
    window.addEventListener("pagehide", function () {
      input.value = "";
      panel.clear();
      lookups.clear();
      controls.close();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
