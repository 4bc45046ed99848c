/* essay_kb search: our own panel on Pagefind's JavaScript API (see essay_kb/search.py).
 *
 * Private by design: the query is never put in a URL, the history, storage or a cookie; every file
 * comes from <site>/pagefind/; on leaving the page the query is forgotten, so "Back" (which may
 * restore this page as it was) does not show it again.
 *
 * Ranking. Pagefind requires every word of a query to be on a page, which suits "superbill" but finds
 * nothing for "my therapist forgot my sister's name and now I feel I don't matter". So the words that
 * say what the question is about (not "my", "how do I") are looked up one by one, each with the
 * everyday synonyms the essays may use instead (kids: children). An essay scores Pagefind's BM25 for
 * each word over its body, where headings weigh more, plus the word's rarity for each of its title,
 * summary and tags that contain it, scaled by how much of the query it covers. The best essays are
 * then split into their sections, each scored on its own words (its heading counting extra), and
 * shown with up to three sections each, best first.
 */
(function () {
  "use strict";

  var TUNING = {
    maxTerms: 10,
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
    // Pagefind scores the body alone; title, summary and tags are weighed here (fieldWeights).
    ranking: { metaWeights: { title: 0, summary: 0, tags: 0 } },
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
  // no entry: Pagefind stems both the query and the essays.
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

  // The words to look up. The last one is a prefix while it is still being typed ("superbil").
  function queryTerms(query) {
    var words = query.toLowerCase().replace(/['’‘`]/g, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    var meaningful = words.filter(function (w) { return !STOP_WORDS.has(w); });
    var terms = Array.from(new Set(meaningful.length ? meaningful : words)).slice(0, TUNING.maxTerms);
    var typing = /[\p{L}\p{N}]$/u.test(query) && terms[terms.length - 1] === words[words.length - 1];
    return terms.map(function (word, i) { return { word: word, prefix: typing && i === terms.length - 1 }; });
  }

  // -- Pagefind --------------------------------------------------------------------------------------

  var engine = null;
  var lookups = new Map();  // this page's earlier lookups: typing a query repeats most of its words

  function siteRoot() {
    return new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href);
  }

  function loadEngine() {
    if (!engine) {
      var root = siteRoot();
      var bundle = new URL("pagefind/", root);
      var json = function (name) {
        return fetch(new URL(name, bundle), { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error(name + ": " + r.status);
          return r.json();
        });
      };
      engine = Promise.all([
        import(new URL("pagefind.js", bundle).href),
        // How many pages are indexed, for each word's rarity (searching for "" to count them
        // would load the whole index).
        json("pagefind-entry.json"),
        // Words on most pages, with their number of pages: not worth their size (search.py).
        json("kb-common-words.json").catch(function () { return {}; }),
      ]).then(function (loaded) {
        var pagefind = loaded[0];
        var languages = loaded[1].languages;
        var lang = (document.documentElement.lang || "").toLowerCase();
        var index = languages[lang] || languages[lang.split("-")[0]] || languages[Object.keys(languages)[0]];
        // No web worker: one file less to download, and a lookup takes about a millisecond.
        return pagefind.options({ baseUrl: root.pathname, noWorker: true, ranking: TUNING.ranking })
          .then(function () { return { pagefind: pagefind, pageCount: index.page_count, common: loaded[2] }; });
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function idf(pageCount, matching) {
    return Math.log(1 + (pageCount - matching + 0.5) / (matching + 0.5));
  }

  // One word. Pagefind matches every word as a prefix ("see" finds "seems"); only the word being
  // typed should be, so a finished word keeps the pages that have the word itself in some form
  // (Pagefind stems both sides), scored by the prefix search. A word found nowhere (a slip,
  // "insurence") is retried as a shorter prefix.
  function lookUpWord(pagefind, word, filters, isPrefix) {
    var options = { filters: filters };
    function retry(prefix) {
      if (prefix.length <= Math.max(4, Math.ceil(word.length * 0.6))) return { results: [], unfilteredResultCount: 0 };
      return pagefind.search(prefix.slice(0, -1), options).then(function (found) {
        return found.unfilteredResultCount ? found : retry(prefix.slice(0, -1));
      });
    }
    if (isPrefix) {
      return pagefind.search(word, options).then(function (found) {
        return found.unfilteredResultCount ? found : retry(word);
      });
    }
    return Promise.all([pagefind.search('"' + word + '"', options), pagefind.search(word, options)])
      .then(function (both) {
        var exact = both[0];
        var prefix = both[1];
        if (!exact.unfilteredResultCount) return prefix.unfilteredResultCount ? prefix : retry(word);
        var pages = new Set(exact.results.map(function (r) { return r.id; }));
        return {
          results: prefix.results.filter(function (r) { return pages.has(r.id); }),
          unfilteredResultCount: exact.unfilteredResultCount,
        };
      });
  }

  // A word and its synonyms as one: per page, the best weighted score of any of them, and every
  // place where one of them occurs.
  function lookUp(pagefind, term, filters) {
    var key = JSON.stringify([term.word, term.prefix, filters]);
    if (lookups.has(key)) return lookups.get(key);
    var words = [term.word].concat(synonymsOf(term.word));
    var found = Promise.all(words.map(function (word, i) {
      return lookUpWord(pagefind, word, filters, term.prefix && i === 0);
    })).then(function (each) {
      var merged = new Map();
      var count = 0;
      each.forEach(function (found, i) {
        var weight = i === 0 ? 1 : TUNING.synonymWeight;
        count = Math.max(count, found.unfilteredResultCount);
        found.results.forEach(function (result) {
          var page = merged.get(result.id);
          if (!page) {
            page = { id: result.id, score: 0, words: new Set(), fields: new Set(), data: result.data };
            merged.set(result.id, page);
          }
          page.score = Math.max(page.score, weight * result.score);
          result.words.forEach(function (w) { page.words.add(w); });
          (result.matchedMetaFields || []).forEach(function (f) { page.fields.add(f); });
        });
      });
      return { pages: Array.from(merged.values()), count: count };
    });
    lookups.set(key, found);
    found.catch(function () { lookups.delete(key); });  // a failed fetch is tried again next time
    return found;
  }

  function rankEssays(found, termIdfs) {
    var pages = new Map();
    var totalIdf = termIdfs.reduce(function (a, b) { return a + b; }, 0);
    found.forEach(function (term, t) {
      term.pages.forEach(function (hit) {
        var page = pages.get(hit.id);
        if (!page) {
          page = { id: hit.id, load: hit.data, score: 0, coveredIdf: 0, locations: [] };
          pages.set(hit.id, page);
        }
        page.score += hit.score;
        hit.fields.forEach(function (field) { page.score += termIdfs[t] * (TUNING.fieldWeights[field] || 0); });
        page.coveredIdf += termIdfs[t];
        hit.words.forEach(function (location) { page.locations.push([t, location]); });
      });
    });
    var ranked = Array.from(pages.values());
    ranked.forEach(function (page) {
      page.score *= Math.pow(totalIdf ? page.coveredIdf / totalIdf : 1, TUNING.coveragePower);
    });
    return ranked.sort(function (a, b) { return b.score - a.score; });
  }

  // Words on most pages are left out, unless the query has nothing else: then its rarest stays.
  function withoutCommonWords(terms, common) {
    var isCommon = function (term) { return !term.prefix && common[term.word] !== undefined; };
    var kept = terms.filter(function (term) { return !isCommon(term); });
    if (kept.length || !terms.length) return kept;
    return [terms.reduce(function (a, b) { return common[b.word] < common[a.word] ? b : a; })];
  }

  function search(query, filters) {
    var words = queryTerms(query);
    if (!words.length) return Promise.resolve({ termIdfs: [], pages: [] });
    return loadEngine().then(function (loaded) {
      var terms = withoutCommonWords(words, loaded.common);
      return Promise.all(terms.map(function (term) { return lookUp(loaded.pagefind, term, filters); }))
        .then(function (found) {
          var termIdfs = found.map(function (term) { return idf(loaded.pageCount, term.count); });
          return { termIdfs: termIdfs, pages: rankEssays(found, termIdfs) };
        });
    });
  }

  function saturate(tf, length, averageLength) {
    return tf * (TUNING.k1 + 1) / (tf + TUNING.k1 * (1 - TUNING.b + TUNING.b * length / averageLength));
  }

  // An essay's intro and sections (headings with ids, and glossary terms), each scored on its words.
  function splitSections(page, data, termIdfs) {
    var words = data.content.split(/[\r\n\s]+/g);
    var count = function (text) { return text.split(/\s+/).filter(Boolean).length; };
    var sections = [{ id: "", start: 0, heading: count(data.meta.title || ""), intro: true }];
    data.anchors.filter(function (a) { return /^(h[2-6]|dt)$/i.test(a.element) && a.text && /\S/.test(a.text); })
      .sort(function (a, b) { return a.location - b.location; })
      .forEach(function (a) { sections.push({ id: a.id, start: a.location, heading: count(a.text) }); });
    sections.forEach(function (section, i) {
      section.end = i + 1 < sections.length ? sections[i + 1].start : words.length;
      section.tf = termIdfs.map(function () { return 0; });
      section.hits = 0;
    });
    var s = 0;
    page.locations.slice().sort(function (a, b) { return a[1] - b[1]; }).forEach(function (hit) {
      while (s + 1 < sections.length && sections[s + 1].start <= hit[1]) s += 1;
      var section = sections[s];
      var inHeading = hit[1] < section.start + section.heading;
      // The essay's own title already counted for the essay; it says nothing about its intro.
      if (section.intro && inHeading) return;
      section.tf[hit[0]] += inHeading ? TUNING.headingWeight : 1;
      section.hits += 1;
    });
    var averageLength = words.length / sections.length;
    var totalIdf = termIdfs.reduce(function (a, b) { return a + b; }, 0);
    sections.forEach(function (section) {
      var covered = 0;
      section.score = 0;
      section.tf.forEach(function (tf, t) {
        if (!tf) return;
        covered += termIdfs[t];
        section.score += termIdfs[t] * saturate(tf, Math.max(1, section.end - section.start), averageLength);
      });
      section.score *= Math.pow(totalIdf ? covered / totalIdf : 1, TUNING.sectionCoveragePower);
    });
    return { words: words, sections: sections, marks: new Set(page.locations.map(function (hit) { return hit[1]; })) };
  }

  // Fetch and split the essays ranked [from, to): one fragment file each, shared by all lookups.
  function loadEssays(outcome, from, to) {
    return Promise.all(outcome.pages.slice(from, to).map(function (page) {
      if (page.split) return page;
      return page.load().then(function (data) {
        // Pagefind hands every lookup of a page the same object and rewrites parts of it: copy.
        page.data = { url: data.url, meta: Object.assign({}, data.meta), filters: Object.assign({}, data.filters) };
        page.split = splitSections(page, { content: data.content, anchors: data.anchors.slice(), meta: page.data.meta },
          outcome.termIdfs);
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

  function marked(words, from, to, marks) {
    var out = [];
    for (var i = from; i < to; i++) {
      var word = escapeHtml(words[i] || "");
      out.push(marks.has(i) ? "<mark>" + word + "</mark>" : word);
    }
    return out.join(" ");
  }

  // The stretch of the section's text (after its heading) holding the most matched words.
  function excerptHtml(split, section) {
    var bodyStart = section.start + section.heading;
    var size = TUNING.excerptWords;
    var inBody = Array.from(split.marks).filter(function (m) { return m >= bodyStart && m < section.end; });
    var start = bodyStart;
    var best = -1;
    inBody.forEach(function (m) {
      var from = Math.max(bodyStart, Math.min(m - 4, section.end - size));
      var count = inBody.filter(function (x) { return x >= from && x < from + size; }).length;
      if (count > best) { best = count; start = from; }
    });
    var end = Math.min(section.end, start + size);
    return (start > bodyStart ? "… " : "") + marked(split.words, start, end, split.marks) + (end < section.end ? " …" : "");
  }

  function hitsOf(page) {
    var split = page.split;
    var best = split.sections.filter(function (s) { return s.score > 0; })
      .sort(function (a, b) { return b.score - a.score; })
      .slice(0, TUNING.sectionsPerEssay);
    if (!best.length) best = [split.sections[0]];  // found by its title, summary or tags
    return best.map(function (section) {
      var title = section.intro ? "Introduction"
        : marked(split.words, section.start, section.start + section.heading, split.marks).replace(/\.(<\/mark>)?$/, "$1");
      return {
        href: page.data.url + (section.id ? "#" + encodeURIComponent(section.id) : ""),
        title: title,
        excerpt: section.intro && !section.hits ? escapeHtml(page.data.meta.summary || "") : excerptHtml(split, section),
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
    this.outcome = null;
    this.shown = 0;
    this.results.setAttribute("aria-busy", "false");

    input.addEventListener("input", function () { self.run(); });
    input.addEventListener("focus", function () { loadEngine(); });
    input.addEventListener("keydown", function (event) { self.inputKeys(event); });
    this.theme.addEventListener("change", function () { self.run(); });
    this.tag.addEventListener("change", function () { self.run(); });
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
    loadEngine().then(function (loaded) { return loaded.pagefind.filters(); }).then(function (all) {
      if (tag.options.length > 1) return;
      Object.keys(all.tag || {}).sort().forEach(function (value) {
        tag.add(new Option(value + " (" + all.tag[value] + ")", value));
      });
    });
  };

  Panel.prototype.clear = function () {
    this.sequence += 1;
    this.outcome = null;
    this.results.innerHTML = "";
    this.status.textContent = "";
    this.empty.hidden = true;
    this.more.hidden = true;
    this.results.setAttribute("aria-busy", "false");
  };

  Panel.prototype.run = function () {
    var query = this.input.value.trim();
    if (!query) { this.clear(); return; }
    var sequence = ++this.sequence;
    var self = this;
    this.results.setAttribute("aria-busy", "true");
    search(query, this.filters()).then(function (outcome) {
      if (sequence !== self.sequence) return null;
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
      var theme = (page.data.filters.theme || [])[0];
      var id = "kb-search-essay-" + i;
      return '<li class="kb-search-group"><p class="kb-search-essay" id="' + id + '">' +
        escapeHtml(page.data.meta.title || page.data.url) +
        (theme ? ' <span class="kb-search-theme">' + escapeHtml(self.themeTitles[theme] || theme) + "</span>" : "") +
        '</p><ul class="kb-search-hits" aria-labelledby="' + id + '">' +
        hitsOf(page).map(function (hit) {
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
