/* kb-search, reader: the index essay_kb/search_index.py writes, read through a loader it is given,
 * and a query answered from it. The index's layout (shard length, field bits, row layout, file
 * names) is read from index.json's "format", so the writer is its only source.
 *
 *   var reader = kbSearch.reader.create({ load: path => Promise<JSON>, loadStemmer: () => Promise<fn>,
 *     files: { index: "index.json", filters: "filters.json", lexicon: "lexicon.json" },
 *     layers: { lexicon: true, meaning: true } });
 *
 * (`files`: the names needed before index.json is here; the build gives them, from the writer.
 * `layers`: switch the lay lexicon or the meaning layer off, to measure what each adds.)
 *
 * Meaning: when index.json has a "meaning" header (essay_kb/meaning.py) and the reader is given
 * `embed` (question text -> null, or a Promise of its unit vector from the sentence model:
 * model.js), the question's vector is projected onto the index's directions (m/basis.json) and the
 * sections in the groups nearest it are ranked by cosine (near()). `embed` is the one hook between
 * the model and the ranking: it answers null while the model is not here, and the words answer alone.
 *
 * In the browser `load` is fetch (page.js); a test gives it files from disk. Each file is loaded
 * once per page. forget() drops every trace of the reader's words (the lookups, the stems, the
 * files their words named, the essays shown); state() shows what is held. Module convention: see
 * words.js.
 */
(function (kb) {
  "use strict";

  var words = kb.words || require("./words.js");
  var core = kb.core || require("./core.js");
  var rank = kb.rank || require("./rank.js");
  var TUNING = words.TUNING;

  function hex(text) {
    return Array.from(new TextEncoder().encode(text), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  function create(options) {
    var names = options.files;
    var layers = options.layers || {};
    var synonyms = new Map(); // the lay lexicon, once loaded with the index
    var vectors = new Map();  // a vector file's decoded numbers, by path
    var embed = options.embed || function () { return null; };
    var loading = null;       // the index, once asked for
    var index = null;         // ...and once here
    var stemmer = null;
    var files = new Map();    // each file of the index is loaded once per page
    var lookups = new Map();  // this page's earlier lookups: typing a query repeats most of its words
    var stems = new Map();    // each distinct word stemmed once
    var pageData = new Map(); // page id: its file, once here

    function file(path) {
      if (!files.has(path)) {
        var loading = Promise.resolve().then(function () { return options.load(path); });
        files.set(path, loading);
        loading.catch(function () { files.delete(path); });  // a failed load is tried again next time
      }
      return files.get(path);
    }

    // A file's name as the index's format declares it ("w/{key}.json" with key = "636174").
    function named(kind, value) {
      return index.format.files[kind].replace(/\{\w+\}/, value);
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
            shards: new Set(read.shards.split(" ").filter(Boolean)),
            meaning: layers.meaning === false ? null : read.meaning || null,
          };
          if (index.meaning) index.meaning.centres = core.int8s(index.meaning.centroids);
          return index;
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

    // The file of every stem that begins as this one does: {stem: postings}, or {} if there is none.
    function shardOf(loaded, stem) {
      var key = stem.slice(0, loaded.format.shardLetters);
      return loaded.shards.has(key) ? file(named("words", hex(key))) : Promise.resolve({});
    }

    // [[stem, postings]] for the stem itself, or (prefix) for every stem that begins with it.
    function stemsFrom(loaded, stem, prefix) {
      if (!prefix && loaded.common.has(stem)) {
        return file(named("common", hex(stem))).then(function (rows) { return [[stem, rows]]; });
      }
      return shardOf(loaded, stem).then(function (shard) {
        if (!prefix) return own(shard, stem) ? [[stem, shard[stem]]] : [];
        return Object.keys(shard).filter(function (s) { return s.indexOf(stem) === 0; })
          .map(function (s) { return [s, shard[s]]; });
      });
    }

    // The stems one slip away from a word no page holds ("councelor": counselor), two for a long
    // word; found in the word's own file, so a slip in its first letters is not looked for.
    function nearStems(loaded, stem) {
      if (stem.length < TUNING.slipMinLength) return Promise.resolve([]);
      var limit = stem.length >= 8 ? 2 : 1;
      return shardOf(loaded, stem).then(function (shard) {
        var best = limit + 1;
        var found = [];
        Object.keys(shard).forEach(function (other) {
          if (Math.abs(other.length - stem.length) > limit) return;
          var d = core.editDistance(stem, other, limit);
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
      return filterFile().then(function (all) {
        var allowed = null;
        names.forEach(function (name) {
          var pages = new Set(own(own(all, name) || {}, filters[name]) || []);
          allowed = allowed ? new Set(Array.from(allowed).filter(function (p) { return pages.has(p); })) : pages;
        });
        return allowed;
      });
    }

    function filterFile() {
      return file(names.filters);
    }

    // A word and its synonyms, looked up once per page.
    function lookUp(loaded, term) {
      var key = JSON.stringify([term.word, term.prefix]);
      if (lookups.has(key)) return lookups.get(key);
      // A synonym on most pages would say little and cost a large file.
      var all = [term.word].concat(core.synonymsOf(synonyms, term.word).filter(function (w) { return !loaded.common.has(stemOf(w)); }));
      var found = Promise.all(all.map(function (word, i) {
        return lookUpWord(loaded, word, term.prefix && i === 0);
      })).then(function (each) { return rank.mergePostings(each, loaded.format); });
      lookups.set(key, found);
      found.catch(function () { lookups.delete(key); });
      return found;
    }

    // A vector file's numbers, decoded once.
    function vectorFile(path) {
      return file(path).then(function (data) {
        if (!vectors.has(path)) vectors.set(path, data.v !== undefined ? core.int8s(data.v) : data);
        return { data: data, ints: vectors.get(path) };
      });
    }

    // The index's directions (query-independent, loaded once): [{scale, ints}] per direction.
    function basis(m) {
      return file(named("basis", "")).then(function (data) {
        if (!vectors.has("basis")) vectors.set("basis", { scales: data.scales, ints: core.int8s(data.v) });
        return vectors.get("basis");
      });
    }

    // The question's place in the meaning space: the model's unit vector for it, projected onto the
    // index's directions; null while the model is not here. Its norm stays 1 (that of the whole
    // vector), so a cosine with a section is the model's own, less what the directions leave out.
    function questionVector(loaded, query) {
      var m = loaded.meaning;
      var asked = embed(query);
      if (!asked) return Promise.resolve(null);
      return Promise.all([asked, basis(m)]).then(function (both) {
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
        return out;
      });
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

    // The sections nearest the question, from the `probe` groups whose centres are nearest:
    // [{page, block, cosine}]; null without the meaning layer or the model, and in a burst of typing
    // (the model runs on the question once the reader pauses; meanwhile the words answer).
    function near(loaded, query, settled) {
      var m = loaded.meaning;
      if (!m || !settled) return Promise.resolve(null);
      return questionVector(loaded, query).then(function (q) {
        if (!q) return null;
        var qNorm = 1;
        var groups = [];
        for (var g = 0; g < m.groups; g++) groups.push([g, cosine(q, qNorm, m.centres, g * m.dims, m.dims)]);
        groups.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        var probed = groups.slice(0, m.probe);
        // In a burst of typing, only the groups already here answer (the nearest of them, or none);
        // the rest wait for a pause, so a question typed word by word loads the groups it ends near.
        return Promise.all(probed.map(function (group) {
          return vectorFile(named("sectionVectors", group[0]));
        })).then(function (files) {
          var found = [];
          files.forEach(function (f) {
            var ids = f.data.ids;
            for (var i = 0; i < ids.length / 2; i++) {
              found.push({ page: ids[2 * i], block: ids[2 * i + 1], cosine: cosine(q, qNorm, f.ints, i * m.dims, m.dims) });
            }
          });
          return found;
        });
      });
    }

    // Resolves with the ranked essays ({termIdfs, stems, pages, near, offTopic}); with null when
    // there is nothing to look up yet (the start of a first word); or with rank.WAIT.
    function search(query, filters, settled) {
      if (!core.tokensOf(query).length) return Promise.resolve(null);
      return load().then(function (loaded) {
        var terms = core.queryTerms(query, synonyms);
        if (!terms.length) return null;
        var kept = rank.withoutCommonWords(terms, loaded.common, stemOf, settled);
        if (kept === rank.WAIT) return rank.WAIT;
        if (!kept.length) return null;
        return Promise.all([Promise.all(kept.map(function (term) { return lookUp(loaded, term); })), allowedPages(filters || {}),
          near(loaded, query, settled)])
          .then(function (all) {
            var found = all[0];
            var termIdfs = found.map(function (term) { return rank.idf(loaded.pageCount, term.pages.size); });
            var stemsFound = new Set();
            found.forEach(function (term) { term.stems.forEach(function (s) { stemsFound.add(s); }); });
            var ranked = rank.rankEssays(loaded, found, termIdfs, all[1]);
            var nearby = all[2] && all[1] ? all[2].filter(function (s) { return all[1].has(s.page); }) : all[2];
            var lexiconKnew = kept.some(function (term) { return core.synonymsOf(synonyms, term.word).length > 0; });
            var covered = rank.covers(ranked, nearby, lexiconKnew);
            // In a burst of typing, meaning waits: the results shown then are the words' alone,
            // provisional, and the panel asks again once the reader pauses.
            return { termIdfs: termIdfs, stems: stemsFound, near: nearby, offTopic: nearby !== null && !covered,
              provisional: !settled && Boolean(loaded.meaning), pages: covered ? rank.fuseEssays(ranked, nearby, all[1]) : [] };
          });
      });
    }

    function essaysHere(outcome, from, to) {
      return outcome.pages.slice(from, to).every(function (page) { return pageData.has(page.id); });
    }

    // Load and split the essays ranked [from, to): one small file each.
    function loadEssays(outcome, from, to) {
      return Promise.all(outcome.pages.slice(from, to).map(function (page) {
        if (page.sections) return page;
        var here = pageData.get(page.id);
        return (here ? Promise.resolve(here) : file(named("page", page.id))).then(function (data) {
          pageData.set(page.id, data);
          page.data = data;
          page.sections = rank.splitSections(page, data, outcome.termIdfs);
          return page;
        });
      })).then(function (loadedPages) {
        rank.fuseSections(outcome.pages.slice(0, to), outcome.near);  // by words alone when near is null
        return loadedPages;
      });
    }

    // Every trace of the reader's words: what was looked up, stemmed, and loaded for them (the word
    // files name their first letters, the page files the essays shown). index.json and filters.json
    // say nothing of a query and stay.
    function forget() {
      lookups.clear();
      stems.clear();
      pageData.clear();
      vectors.clear();
      Array.from(files.keys()).forEach(function (path) {
        if (path !== names.index && path !== names.filters && path !== names.lexicon) files.delete(path);
      });
    }

    function state() {
      return { files: Array.from(files.keys()), lookups: Array.from(lookups.keys()),
        stems: Array.from(stems.keys()), pages: Array.from(pageData.keys()), vectors: Array.from(vectors.keys()) };
    }

    return {
      load: load, file: file, filterFile: filterFile, stemOf: stemOf, lookUpWord: lookUpWord,
      search: search, near: near, essaysHere: essaysHere, loadEssays: loadEssays, forget: forget, state: state,
      matcher: function (stemsFound) { return core.matcher(stemsFound, stemOf); },
    };
  }

  var reader = { create: create, hex: hex };
  kb.reader = reader;
  if (typeof module === "object" && module.exports) module.exports = reader;
})(typeof kbSearch === "object" ? kbSearch : {});
