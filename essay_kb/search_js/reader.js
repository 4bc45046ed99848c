/* kb-search, reader: the index essay_kb/search_index.py writes, read through a loader it is given,
 * and a query answered from it. The index's layout (parts, field bits, row layout, file names) is
 * read from index.json's "format" and "parts", so the writer is its only source.
 *
 *   var reader = kbSearch.reader.create({ load: (path, how) => Promise<JSON>, loadStemmer: () => Promise<fn>,
 *     files: { index: "index.json", filters: "filters.json", lexicon: "lexicon.json" },
 *     layers: { lexicon: true, meaning: true },
 *     assessRisk: query => kbRisk.assess(query) or null,
 *     embed: query => null or Promise<unit vector>,                  // optional, see below
 *     questionVector: (query, settled) => Promise<vector or null>,   // optional, see below
 *     random: Math.random });
 *
 * `how.question` is true for a file fetched because of a question (page.js fetches it without
 * storing it: `cache: "no-store"`); false for files that depend on nothing typed. Which files are
 * fetched never depends on the words (parts.js): a kind small enough is loaded whole when search
 * opens; otherwise every question the reader pauses on fetches the same number of its parts.
 *
 * Meaning: the sections nearest a question's vector (near()), when index.json has a "meaning"
 * header (essay_kb/meaning.py). The vector comes from `embed` (question text -> null, or a Promise of
 * its unit vector from the sentence model: model.js), projected onto the index's directions
 * (m/basis.json, a file that depends on nothing typed), once the reader pauses; `questionVector`
 * may give it instead, already in the section vectors' space. Without either (the model not asked
 * for, or not here yet) there is no vector and the words answer alone: no file holds words' vectors,
 * so a question fetches nothing for meaning.
 *
 * forget() drops every trace of the reader's words (the lookups, the stems, the parts fetched for
 * them, the essays shown); state() shows what is held. Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var words = kb.words || require("./words.js");
  var core = kb.core || require("./core.js");
  var rank = kb.rank || require("./rank.js");
  var parts = kb.parts || require("./parts.js");
  var TUNING = words.TUNING;
  var KINDS = ["words", "pages", "sectionVectors"];

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  function create(options) {
    var names = options.files;
    var layers = options.layers || {};
    var random = options.random || Math.random;
    var synonyms = new Map(); // the lay lexicon, once loaded with the index
    var loading = null;       // the index, once asked for
    var index = null;         // ...and once here
    var stemmer = null;
    var files = new Map();    // files that depend on nothing typed, loaded once per page
    var held = {};            // kind -> Map(part -> true): the parts here
    var stemRows = new Map(); // stem -> posting rows, from the word parts here
    var sortedStems = null;   // ...their stems in order (for beginnings), made when needed
    var records = new Map();  // page id -> its record, from the page parts here
    var groups = new Map();   // section group -> {ids, ints}
    var basisHere = null;     // the index's directions, decoded once: {scales, ints}
    var embed = options.embed || function () { return null; };
    var lookups = new Map();  // this page's earlier lookups: typing a query repeats most of its words
    var stems = new Map();    // each distinct word stemmed once
    var corrections = new Map(); // a slip -> [stem, rows] of the nearest word (lookUpWord)

    function file(path) {
      if (!files.has(path)) {
        var loading = Promise.resolve().then(function () { return options.load(path, { question: false }); });
        files.set(path, loading);
        loading.catch(function () { files.delete(path); });  // a failed load is tried again next time
      }
      return files.get(path);
    }

    function named(kind, value) {
      return index.format.files[kind].replace(/\{\w+\}/, value);
    }

    function infoOf(kind) {
      if (kind === "words" || kind === "pages") return index.parts[kind];
      return index.meaning ? index.meaning.parts[kind] : null;
    }

    // A part's contents, kept where the lookups find them.
    function absorb(kind, part, data) {
      (held[kind] = held[kind] || new Map()).set(part, true);
      if (kind === "words") {
        Object.keys(data).forEach(function (stem) { stemRows.set(stem, data[stem]); });
        sortedStems = null;
      } else if (kind === "pages") {
        Object.keys(data).forEach(function (id) { records.set(Number(id), data[id]); });
      } else if (kind === "sectionVectors") {
        groups.set(part, { ids: data.ids, ints: core.int8s(data.v) });
      }
    }

    function isHeld(kind, part) {
      return Boolean(held[kind] && held[kind].has(part));
    }

    // A whole kind: every part, once, as files that depend on nothing typed.
    function loadWhole(kind) {
      var info = infoOf(kind);
      return Promise.all(parts.all(info).map(function (part) {
        return file(named(kind, part)).then(function (data) { if (!isHeld(kind, part)) absorb(kind, part, data); });
      }));
    }

    // One question's parts of a kind: exactly `fetch` of them, whatever the words (parts.choose),
    // fetched for the question (not stored by the browser). A whole kind is here already.
    function fetchFor(kind, needed) {
      var info = infoOf(kind);
      if (parts.whole(info)) return Promise.resolve();
      var missing = needed.filter(function (part) { return !isHeld(kind, part); });
      return Promise.all(parts.choose(info, missing, random).map(function (part) {
        return Promise.resolve().then(function () { return options.load(named(kind, part), { question: true }); })
          .then(function (data) { if (!isHeld(kind, part)) absorb(kind, part, data); });
      }));
    }

    function load() {
      if (!loading) {
        var indexFile = file(names.index);
        var lexiconFile = names.lexicon && layers.lexicon !== false ? file(names.lexicon) : Promise.resolve({});
        loading = Promise.all([options.loadStemmer(), indexFile, lexiconFile]).then(function (both) {
          stemmer = both[0];
          var read = both[1];
          synonyms = core.lexicon(both[2]);
          var total = read.lengths.reduce(function (a, b) { return a + b; }, 0);
          index = {
            format: read.format,
            pageCount: read.pages,
            lengths: read.lengths,
            averageLength: total / Math.max(1, read.pages),
            // Stems on most pages, with their number of pages. A Map, as the stems are a reader's words:
            // on a plain object "constructor" would find Object's own.
            common: new Map(Object.entries(read.common)),
            parts: read.parts,
            help: new Map(Object.entries(read.help || {})),
            meaning: layers.meaning === false ? null : read.meaning || null,
          };
          if (index.meaning) index.meaning.centres = core.int8s(index.meaning.centroids);
          var kinds = KINDS.filter(function (kind) { return infoOf(kind) && parts.whole(infoOf(kind)); });
          return Promise.all(kinds.map(loadWhole)).then(function () { return index; });
        });
        loading.catch(function () { loading = null; });
      }
      return loading;
    }

    function stemOf(word) {
      if (!stemmer) return word;
      var stem = stems.get(word);
      if (stem === undefined) {
        stem = stemmer(word);
        stems.set(word, stem);
      }
      return stem;
    }

    // [[stem, rows]] of every stem here that begins with `start`.
    function beginning(start) {
      if (!sortedStems) sortedStems = Array.from(stemRows.keys()).sort();
      var lo = 0;
      var hi = sortedStems.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (sortedStems[mid] < start) lo = mid + 1; else hi = mid;
      }
      var found = [];
      for (var i = lo; i < sortedStems.length && sortedStems[i].indexOf(start) === 0; i++) {
        found.push([sortedStems[i], stemRows.get(sortedStems[i])]);
      }
      return found;
    }

    // The stems nearest a word no page holds, among those here: one edit away for a word of
    // slipMinLength letters or more, two for a long one ("anxiaty": anxiety; "councelor": counselor).
    function nearStems(stem) {
      if (stem.length < TUNING.slipMinLength) return [];
      var limit = stem.length >= TUNING.slipTwoLength ? 2 : 1;
      var best = limit + 1;
      var found = [];
      stemRows.forEach(function (rows, other) {
        if (Math.abs(other.length - stem.length) > limit) return;
        var d = core.editDistance(stem, other, Math.min(limit, best));
        if (d < best) { best = d; found = []; }
        if (d === best) found.push([other, rows]);
      });
      // Of the words as near, the one on most pages (as a spelling checker ranks them).
      found.sort(function (a, b) { return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });
      return best <= limit ? found.slice(0, 1) : [];
    }

    // One word: its stem; or, while it is being typed ("superbil"), every stem it or its stem begins.
    // A finished word missing from the index is tried as a beginning too (the browser's stemmer and
    // the build's can differ on a rare word); a word found nowhere (a slip) is matched to the words
    // nearest it ("anxiaty"), else retried as a shorter beginning ("insurence").
    function lookUpWord(word, isPrefix, known) {
      var stem = stemOf(word);
      var found;
      if (isPrefix) {
        found = beginning(word);
        var seen = new Set(found.map(function (f) { return f[0]; }));
        found = found.concat(stem === word ? [] : beginning(stem).filter(function (f) { return !seen.has(f[0]); }));
      } else {
        found = stemRows.has(stem) ? [[stem, stemRows.get(stem)]] : beginning(stem);
      }
      if (!found.length && !known && corrections.has(word)) found = [corrections.get(word).slice(0, 2)];
      for (var prefix = word; !found.length && prefix.length > Math.max(4, Math.ceil(word.length * 0.6));) {
        prefix = prefix.slice(0, -1);
        found = beginning(prefix);
      }
      return found;
    }

    // The pages of each theme and tag, loaded once a filter is chosen or the filters are opened.
    function allowedPages(filters) {
      var keys = Object.keys(filters);
      if (!keys.length) return Promise.resolve(null);
      return filterFile().then(function (all) {
        var allowed = null;
        keys.forEach(function (name) {
          var pages = new Set(own(own(all, name) || {}, filters[name]) || []);
          allowed = allowed ? new Set(Array.from(allowed).filter(function (p) { return pages.has(p); })) : pages;
        });
        return allowed;
      });
    }

    function filterFile() {
      return file(names.filters);
    }

    // The words of a term: the word, then its synonyms (a synonym on most pages would say little).
    function termWords(loaded, term) {
      return [term.word].concat(core.synonymsOf(synonyms, term.word).filter(function (w) { return !loaded.common.has(stemOf(w)); }));
    }

    // A word and its synonyms, from the word parts here.
    function lookUp(loaded, term) {
      var key = JSON.stringify([term.word, term.prefix]);
      if (!lookups.has(key)) {
        var all = termWords(loaded, term);
        lookups.set(key, rank.mergePostings(all.map(function (word, i) {
          return lookUpWord(word, term.prefix && i === 0, all.length > 1);
        }), loaded.format));
      }
      return lookups.get(key);
    }

    // The word parts a question needs (its words' stems first, then their synonyms'), fetched once
    // the reader pauses; while typing, the parts here answer.
    function fetchWords(loaded, terms, settled) {
      var info = loaded.parts.words;
      if (parts.whole(info) || !settled) return Promise.resolve();
      var needed = [];
      terms.forEach(function (term) { needed.push(parts.partOf(stemOf(term.word), info)); });
      terms.forEach(function (term) {
        termWords(loaded, term).slice(1).forEach(function (w) { needed.push(parts.partOf(stemOf(w), info)); });
      });
      lookups.clear();  // the lookups may find more once these parts are here
      return fetchFor("words", needed);
    }

    // The index's directions (query-independent, loaded once): {scales, ints}, a row per direction.
    function basis() {
      return file(named("basis", "")).then(function (data) {
        if (!basisHere) basisHere = { scales: data.scales, ints: core.int8s(data.v) };
        return basisHere;
      });
    }

    // The model's unit vector for the question, projected onto the index's directions; null while
    // the model is not here, and in a burst of typing (the model runs once the reader pauses). It
    // carries the whole vector's norm (`norm`, about 1), which nearVector divides by, so a cosine with
    // a section is the model's own, less what the directions leave out.
    function embedded(loaded, query, settled) {
      var m = loaded.meaning;
      var asked = settled ? embed(query) : null;
      if (!asked) return Promise.resolve(null);
      return Promise.all([asked, basis()]).then(function (both) {
        var q = both[0];
        var b = both[1];
        if (!q) return null;
        var full = q.length;
        var out = new Float64Array(m.dims);
        for (var d = 0; d < m.dims; d++) {
          var dot = 0;
          for (var i = 0; i < full; i++) dot += b.ints[d * full + i] * q[i];
          out[d] = dot * b.scales[d];
        }
        out.norm = Math.sqrt(Array.prototype.reduce.call(q, function (a, x) { return a + x * x; }, 0));
        return out;
      });
    }

    // The word a page here writes for a stem ("anxieti" -> "anxiety"), or null.
    function surfaceOf(stem, rows) {
      var record = records.get(rows[0][0]);
      if (!record) return null;
      var text = record.title + " " + record.blocks.map(function (b) { return b[1] + " " + b[2]; }).join(" ");
      return core.tokensOf(text).filter(function (w) { return stemOf(w) === stem; })[0] || null;
    }

    // A question's slips, before any lookup: {word: [stem, rows, as a page writes it]} for each
    // finished word that no page holds, matched to the nearest indexed word.
    function slipsOf(loaded, terms) {
      var found = new Map();
      terms.forEach(function (term) {
        if (core.synonymsOf(synonyms, term.word).length) return;
        var stem = stemOf(term.word);
        if (stemRows.has(stem) || beginning(stem).length || (term.prefix && beginning(term.word).length)) return;
        var near = nearStems(stem)[0];
        if (near) found.set(term.word, [near[0], near[1], surfaceOf(near[0], near[1])]);
      });
      return found;
    }

    // The question as meaning reads it: each slip replaced by the word it was matched to.
    function corrected(query) {
      return core.tokensOf(query).map(function (word) {
        var near = corrections.get(word);
        return (near && near[2]) || word;
      }).join(" ") + (/[\p{L}\p{N}]$/u.test(query) ? "" : " ");
    }

    function questionVector(loaded, query, settled) {
      if (options.questionVector) return Promise.resolve(options.questionVector(query, settled));
      return embedded(loaded, query, settled);
    }

    function cosine(q, qNorm, ints, offset, dims) {
      var dot = 0;
      var norm = 0;
      for (var d = 0; d < dims; d++) {
        var v = ints[offset + d];
        dot += q[d] * v;
        norm += v * v;
      }
      return norm ? dot / (qNorm * Math.sqrt(norm)) : 0;
    }

    // The sections nearest a question's vector: [{page, block, cosine}] over every group when the
    // groups are loaded whole, else over the `probe` groups whose centres are nearest (fetched
    // among others at the reader's pause; while typing, those of them here).
    function nearVector(loaded, q, settled) {
      var m = loaded.meaning;
      var info = m.parts.sectionVectors;
      // A projected vector's own norm would leave out what the directions miss, and inflate cosines.
      var qNorm = q.norm || Math.sqrt(Array.prototype.reduce.call(q, function (a, x) { return a + x * x; }, 0));
      if (!qNorm) return Promise.resolve(null);
      var order = [];
      for (var g = 0; g < info.count; g++) order.push([g, cosine(q, qNorm, m.centres, g * m.dims, m.dims)]);
      order.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      var probed = parts.whole(info) ? parts.all(info) : order.slice(0, m.probe).map(function (o) { return o[0]; });
      var ready = settled ? fetchFor("sectionVectors", probed) : Promise.resolve();
      return ready.then(function () {
        var found = [];
        probed.forEach(function (part) {
          var group = groups.get(part);
          if (!group) return;
          for (var i = 0; i < group.ids.length / 2; i++) {
            found.push({ page: group.ids[2 * i], block: group.ids[2 * i + 1], cosine: cosine(q, qNorm, group.ints, i * m.dims, m.dims) });
          }
        });
        return found;
      });
    }

    // The sections nearest the question; null without the meaning layer, or when the question has
    // no vector (no model: then the words alone answer).
    function near(loaded, query, settled) {
      if (!loaded.meaning) return Promise.resolve(null);
      return questionVector(loaded, query, settled).then(function (q) {
        return q ? nearVector(loaded, q, settled) : null;
      });
    }

    // Resolves with the ranked essays ({termIdfs, stems, pages, near, offTopic, risk}); with null when
    // there is nothing to look up yet (the start of a first word); or with rank.WAIT.
    function search(query, filters, settled) {
      if (!core.tokensOf(query).length) return Promise.resolve(null);
      return load().then(function (loaded) {
        var terms = core.queryTerms(query, synonyms);
        if (!terms.length) return null;
        var kept = rank.withoutCommonWords(terms, loaded.common, stemOf, settled);
        if (kept === rank.WAIT) return rank.WAIT;
        if (!kept.length) return null;
        var found;
        var allowed;
        return Promise.all([fetchWords(loaded, kept, settled), allowedPages(filters || {})]).then(function (both) {
          allowed = both[1];
          // A slip is a word no page holds ("anxiaty"), matched to the nearest word the pages hold.
          slipsOf(loaded, kept).forEach(function (slip, word) {
            if (!corrections.has(word)) { corrections.set(word, slip); lookups.clear(); }
          });
          found = kept.map(function (term) { return lookUp(loaded, term); });
          return Promise.all([null, allowed, near(loaded, corrected(query), settled)]);
        }).then(function (all) {
            var termIdfs = found.map(function (term) { return rank.idf(loaded.pageCount, term.pages.size); });
            var stemsFound = new Set();
            found.forEach(function (term) { term.stems.forEach(function (s) { stemsFound.add(s); }); });
            var ranked = rank.rankEssays(loaded, found, termIdfs, all[1]);
            var nearby = all[2] && all[1] ? all[2].filter(function (s) { return all[1].has(s.page); }) : all[2];
            var lexiconKnew = kept.some(function (term) { return core.synonymsOf(synonyms, term.word).length > 0; });
            var covered = rank.covers(ranked, nearby, lexiconKnew);
            var risk = options.assessRisk ? options.assessRisk(query) : null;
            var pages = covered ? rank.shortlist(rank.fuseEssays(ranked, nearby, all[1])) : [];
            if (nearby !== null && !pages.length) covered = false;  // every match too weak to list: nothing here
            if (risk) pages = rank.helpFirst(pages, risk, loaded.help, all[1]);
            var loss = (!risk || risk.loss) && options.mentionsLoss && options.mentionsLoss(query);
            if (loss) pages = rank.lossFirst(pages, records, options.mentionsLoss);
            // In a burst of typing, meaning leaves out the word being typed and new groups: the
            // results shown then are provisional, and the panel asks again once the reader pauses.
            return { termIdfs: termIdfs, stems: risk ? new Set() : stemsFound, near: nearby,
              offTopic: nearby !== null && !covered && !(risk && pages.length) && !loss, risk: risk, loss: loss, settled: settled,
              provisional: !settled && (loaded.meaning !== null || !parts.whole(loaded.parts.words)), pages: pages };
          });
      });
    }

    function essaysHere(outcome, from, to) {
      return outcome.pages.slice(from, to).every(function (page) { return records.has(page.id); });
    }

    // The essays ranked [from, to), split into sections: their page parts are here (loaded whole),
    // or are fetched for this question with others, exactly as many whichever essays they are (in
    // as many rounds as they need, on a site whose parts are each fetched fewer than are shown).
    function loadEssays(outcome, from, to) {
      var wanted = outcome.pages.slice(from, to);
      var info = index.parts.pages;
      function missing() {
        return wanted.filter(function (page) { return !records.has(page.id); }).map(function (page) { return page.id % info.count; });
      }
      function rounds() {
        return missing().length ? fetchFor("pages", missing()).then(rounds) : Promise.resolve();
      }
      var ready = parts.whole(info) || (outcome.settled === false && !missing().length) ? Promise.resolve()
        : fetchFor("pages", missing()).then(rounds);
      return ready.then(function () {
        wanted.forEach(function (page) {
          if (page.sections) return;
          page.data = records.get(page.id);
          page.sections = rank.splitSections(page, page.data, outcome.termIdfs);
        });
        rank.fuseSections(outcome.pages.slice(0, to), outcome.near);  // by words alone when near is null
        if (outcome.risk) rank.setAsideLoss(outcome, from, to, options.mentionsLoss);
        if (outcome.loss) rank.leadLoss(outcome, from, to, options.mentionsLoss);
        // Essays set aside make room for the next ones.
        if (outcome.pages.slice(from, to).some(function (page) { return !page.sections; })) return loadEssays(outcome, from, to);
        return outcome.pages.slice(from, to);
      });
    }

    // Every trace of the reader's words: what was looked up, stemmed, and fetched for them. Parts
    // loaded whole and index.json, lexicon.json and filters.json say nothing of a query and stay.
    function forget() {
      lookups.clear();
      corrections.clear();
      stems.clear();
      if (!index) return;
      KINDS.forEach(function (kind) {
        var info = infoOf(kind);
        if (info && !parts.whole(info)) {
          held[kind] = new Map();
          if (kind === "words") { stemRows.clear(); sortedStems = null; }
          if (kind === "pages") records.clear();
          if (kind === "sectionVectors") groups.clear();
        }
      });
    }

    function state() {
      return { files: Array.from(files.keys()), lookups: Array.from(lookups.keys()), stems: Array.from(stems.keys()),
        parts: Object.keys(held).reduce(function (o, kind) { o[kind] = Array.from(held[kind].keys()); return o; }, {}) };
    }

    return {
      load: load, file: file, filterFile: filterFile, stemOf: stemOf, lookUpWord: lookUpWord,
      search: search, near: near, nearVector: nearVector, essaysHere: essaysHere, loadEssays: loadEssays,
      forget: forget, state: state,
      matcher: function (stemsFound) { return core.matcher(stemsFound, stemOf); },
    };
  }

  var reader = { create: create };
  kb.reader = reader;
  if (typeof module === "object" && module.exports) module.exports = reader;
})(typeof kbSearch === "object" ? kbSearch : {});
