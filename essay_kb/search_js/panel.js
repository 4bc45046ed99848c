/* kb-search, panel: the search box's results, filters, status line and keys (in the dialog, or
 * inline on /search/). Given the reader (reader.js) and its page's elements; it touches the page
 * only when one is made, never as this file loads. Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var words = kb.words || require("./words.js");
  var core = kb.core || require("./core.js");
  var rank = kb.rank || require("./rank.js");
  var TUNING = words.TUNING;

  // root: the panel's element; input: the search box; reader: reader.js's; pathOf(url): a page's
  // address in the index as the path a link uses; options.bestSections: false to show essays only.
  function Panel(root, input, reader, pathOf, options) {
    var self = this;
    this.root = root;
    this.input = input;
    this.reader = reader;
    this.pathOf = pathOf;
    this.results = root.querySelector("[data-search-results]");
    this.showBest = !options || options.bestSections !== false;
    this.best = this.showBest ? bestStrip(this.results) : null;
    this.status = root.querySelector("[data-search-status]");
    this.empty = root.querySelector("[data-search-empty]");
    this.more = root.querySelector("[data-search-more]");
    this.theme = root.querySelector("[data-search-theme]");
    this.tag = root.querySelector("[data-search-tag]");
    this.filterBox = root.querySelector("[data-search-filters]");
    this.themeTitles = new Map();
    Array.prototype.forEach.call(this.theme.options, function (o) { self.themeTitles.set(o.value, o.text); });
    this.sequence = 0;
    this.lastKey = 0;
    this.gaps = [];
    this.pause = null;
    this.outcome = null;
    this.shown = 0;
    this.results.setAttribute("aria-busy", "false");
    // Results that come while a pointer or finger is on the list wait until it leaves: nothing
    // moves under the reader's hand (meaning's ranking may replace the words' after a pause).
    this.pointerOver = false;
    this.waiting = null;
    root.addEventListener("pointerover", function (event) {
      if (event.target.closest && event.target.closest("[data-search-results], [data-search-best]")) self.pointerOver = true;
    });
    root.addEventListener("pointerout", function (event) {
      if (event.relatedTarget && event.relatedTarget.closest && event.relatedTarget.closest("[data-search-results], [data-search-best]")) return;
      self.pointerOver = false;
      if (self.waiting) { var show = self.waiting; self.waiting = null; show(); }
    });

    input.addEventListener("input", function () { self.typed(); });
    input.addEventListener("focus", function () { reader.load(); });
    input.addEventListener("keydown", function (event) { self.inputKeys(event); });
    this.theme.addEventListener("change", function () { self.run(true); });
    this.tag.addEventListener("change", function () { self.run(true); });
    this.filterBox.addEventListener("toggle", function () { if (self.filterBox.open) self.loadTags(); });
    this.more.addEventListener("click", function () { self.showMore(); });
    root.addEventListener("keydown", function (event) { self.arrowKeys(event); });
  }

  // The best sections across the essays, above the essays (and below anything else the panel holds
  // above its results, such as a help card): made here, once, just before the results list.
  function bestStrip(results) {
    var strip = document.createElement("section");
    strip.className = "kb-search-best";
    strip.setAttribute("data-search-best", "");
    strip.setAttribute("aria-labelledby", "kb-search-best-title");
    strip.hidden = true;
    strip.innerHTML = '<h2 class="kb-search-best-title" id="kb-search-best-title">Best matches</h2>' +
      '<ol class="kb-search-hits kb-search-best-hits"></ol>';
    results.parentNode.insertBefore(strip, results);
    return strip;
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
    this.reader.filterFile().then(function (all) {
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
    this.waiting = null;
    this.shownQuery = null;
    this.results.innerHTML = "";
    this.clearBest();
    this.status.textContent = "";
    this.empty.hidden = true;
    this.more.hidden = true;
    this.results.setAttribute("aria-busy", "false");
  };

  Panel.prototype.clearBest = function () {
    if (!this.best) return;
    this.best.hidden = true;
    this.best.querySelector("ol").innerHTML = "";
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

  // settled: the reader has paused; now: show the results even under the pointer (the reader asked).
  Panel.prototype.run = function (settled, now) {
    var query = this.input.value.trim();
    clearTimeout(this.pause);
    if (!query) { this.clear(); return; }
    if (!core.tokensOf(query).length) {  // emoji or punctuation only: say so, and show nothing older
      this.clear();
      this.status.textContent = core.statusText({ noWords: true, query: query });
      return;
    }
    var sequence = ++this.sequence;
    var self = this;
    var reader = this.reader;
    this.results.setAttribute("aria-busy", "true");
    reader.search(query, this.filters(), settled).then(function (outcome) {
      if (sequence !== self.sequence) return null;
      if (outcome === rank.WAIT || (outcome && !settled && !reader.essaysHere(outcome, 0, TUNING.essaysShown))) {
        self.pause = setTimeout(function () { self.run(true); }, self.pauseMs());
        return null;
      }
      if (!outcome) {  // keep what is shown until there is a word to look up
        self.results.setAttribute("aria-busy", "false");
        return null;
      }
      return reader.loadEssays(outcome, 0, TUNING.essaysShown).then(function () {
        if (sequence !== self.sequence) return;
        var show = function () {
          if (sequence !== self.sequence) return;
          self.outcome = outcome;
          self.render(query, Math.min(TUNING.essaysShown, outcome.pages.length));
          if (outcome.provisional) {  // shown at once, and asked again, in full, at the reader's pause
            self.results.setAttribute("aria-busy", "true");
            self.pause = setTimeout(function () { self.run(true); }, self.pauseMs());
          }
        };
        // The reader's own typing always shows at once; a new ranking of the same words waits
        // while the pointer or finger is on the list.
        if (!now && self.pointerOver && self.outcome && self.shownQuery === query) self.waiting = show;
        else show();
      });
    }).catch(function () {
      if (sequence !== self.sequence) return;
      self.results.innerHTML = "";
      self.clearBest();
      self.more.hidden = true;
      self.status.textContent = core.statusText({ error: true });
      self.empty.hidden = false;
      self.results.setAttribute("aria-busy", "false");
    });
  };

  // The same question again, in full, at once (the reader asked for the meaning model and it is here).
  Panel.prototype.rerank = function () {
    if (this.input.value.trim()) this.run(true, true);
  };

  Panel.prototype.showMore = function () {
    var self = this;
    var outcome = this.outcome;
    var sequence = this.sequence;
    var firstNew = this.shown;
    var target = Math.min(firstNew + TUNING.essaysShown, outcome.pages.length);
    this.reader.loadEssays(outcome, firstNew, target).then(function () {
      if (sequence !== self.sequence) return;
      self.render(null, target);
      var group = self.results.querySelectorAll(".kb-search-group")[firstNew];
      if (group) group.querySelector(".kb-search-hit").focus();
    });
  };

  function hitHtml(hit, essayTitle) {
    return '<li><a class="kb-search-hit" href="' + core.escapeHtml(hit.href) + '">' +
      (essayTitle ? '<span class="kb-search-hit-essay">' + core.escapeHtml(essayTitle) + "</span>" : "") +
      '<span class="kb-search-section">' + hit.title + '</span>' +
      '<span class="kb-search-excerpt">' + hit.excerpt + "</span></a></li>";
  }

  Panel.prototype.render = function (query, count) {
    var self = this;
    var pages = this.outcome.pages.slice(0, count);
    var isMatch = this.reader.matcher(this.outcome.stems);
    // The best sections first (chosen once, from the essays shown first), then the essays, each
    // with its best sections not already above.
    if (query !== null) this.outcome.best = this.showBest ? rank.bestSections(pages) : [];
    var best = this.outcome.best || [];
    var above = new Set(best.map(function (b) { return b.section; }));
    if (this.best) {
      this.best.querySelector("ol").innerHTML = best.map(function (b) {
        return hitHtml(rank.hitOf(b.page, b.section, isMatch, self.pathOf), b.page.data.title || b.page.data.url);
      }).join("");
      this.best.hidden = !best.length;
    }
    var html = pages.map(function (page, i) {
      var theme = (page.data.themes || [])[0];
      var id = "kb-search-essay-" + i;
      return '<li class="kb-search-group"><p class="kb-search-essay" id="' + id + '">' +
        core.escapeHtml(page.data.title || page.data.url) +
        (theme ? ' <span class="kb-search-theme">' + core.escapeHtml(self.themeTitles.get(theme) || theme) + "</span>" : "") +
        '</p><ul class="kb-search-hits" aria-labelledby="' + id + '">' +
        rank.hitsOf(page, isMatch, self.pathOf, above).map(function (hit) { return hitHtml(hit); }).join("") + "</ul></li>";
    });
    this.results.innerHTML = html.join("");
    if (query !== null) this.shownQuery = query;
    this.shown = pages.length;
    this.more.hidden = pages.length >= this.outcome.pages.length;
    var total = this.outcome.pages.length;
    var status = core.statusText({ total: total, shown: pages.length, query: query, offTopic: this.outcome.offTopic,
      filtered: Boolean(this.theme.value || this.tag.value) });
    if (status !== null) this.status.textContent = status;
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
      var hit = this.root.querySelector(".kb-search-hit");  // the first shown: a best section when there are some
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

  var panel = { Panel: Panel };
  kb.panel = panel;
  if (typeof module === "object" && module.exports) module.exports = panel;
})(typeof kbSearch === "object" ? kbSearch : {});
