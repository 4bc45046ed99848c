/* kb-search, rank: BM25 over essays, then over each shown essay's sections; meaning (the sections
 * nearest the question, reader.js) fused with it by reciprocal rank; the best sections across the
 * essays; whether the site covers the question at all; and the hits shown.
 * Pure functions on what the reader (reader.js) found; the index's row layout comes from its
 * declared format (index.json's "format", written by essay_kb/search_index.py), never from here.
 * Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var words = kb.words || require("./words.js");
  var core = kb.core || require("./core.js");
  var TUNING = words.TUNING;

  function idf(pageCount, matching) {
    return Math.log(1 + (pageCount - matching + 0.5) / (matching + 0.5));
  }

  function saturate(tf, length, averageLength) {
    return tf * (TUNING.k1 + 1) / (tf + TUNING.k1 * (1 - TUNING.b + TUNING.b * length / averageLength));
  }

  function termFrequency(counts) {
    return counts[0] + TUNING.headingWeight * counts[1];
  }

  // A word and its synonyms as one: per page, the fields that hold any of them and, per block, how
  // often they occur (a synonym counting synonymWeight of the word); the stems found, to mark them.
  // `each` holds, for the word and then each synonym, its [[stem, posting rows]].
  function mergePostings(each, format) {
    var pages = new Map();
    var stems = new Set();
    var layout = format.block;
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
          for (var r = format.rowBlocks; r < row.length; r += format.blockStride) {
            var block = row[r + layout.block];
            var counts = page.blocks.get(block) || [0, 0];
            counts[0] += weight * row[r + layout.body];
            counts[1] += weight * row[r + layout.heading];
            page.blocks.set(block, counts);
          }
        });
      });
    });
    return { pages: pages, stems: stems };
  }

  // Each essay scores BM25 for each word over its whole text (headings weigh more), plus the word's
  // rarity for each of its title, summary and tags that hold it, scaled by how much of the query
  // (by rarity) it covers. `loaded` is the index (reader.js): lengths, averageLength, format.
  function rankEssays(loaded, found, termIdfs, allowed) {
    var pages = new Map();
    var fieldBits = loaded.format.fieldBits;
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
        Object.keys(TUNING.fieldWeights).forEach(function (field) {
          if (hit.fields & fieldBits[field]) page.score += termIdfs[t] * TUNING.fieldWeights[field];
        });
        page.coveredIdf += termIdfs[t];
      });
    });
    var ranked = Array.from(pages.values());
    ranked.forEach(function (page) {
      page.covered = totalIdf ? page.coveredIdf / totalIdf : 1;
      page.score *= Math.pow(page.covered, TUNING.coveragePower);
    });
    return ranked.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
  }

  var WAIT = "wait";  // the query needs files that should wait until the reader pauses

  // Words on most pages are left out, unless the query has nothing else: then its rarest stays, once
  // the reader has paused (while typing, "the" may be on its way to "therapy").
  function withoutCommonWords(terms, common, stemOf, settled) {
    var pages = function (term) { return common.get(stemOf(term.word)); };
    var kept = terms.filter(function (term) { return pages(term) === undefined; });
    if (kept.length || !terms.length) return kept;
    if (!settled) return WAIT;
    var rarest = terms.reduce(function (a, b) { return pages(b) < pages(a) ? b : a; });
    return [{ word: rarest.word, prefix: false }];
  }

  // An essay's introduction and sections (and a glossary's terms), each scored on its own words
  // (its heading counting extra), with the words to mark.
  function splitSections(page, data, termIdfs) {
    var totalIdf = termIdfs.reduce(function (a, b) { return a + b; }, 0);
    var sections = data.blocks.map(function (block, i) {
      return { id: block[0], heading: block[1], text: block[2], intro: i === 0,
        tf: termIdfs.map(function () { return 0; }), length: Math.max(1, core.tokensOf(block[2]).length) };
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

  // -- Meaning, fused with BM25 ------------------------------------------------------------------------

  function fusedScore(bm25Rank, meaningRank) {
    return (bm25Rank === undefined ? 0 : 1 / (TUNING.fusionK + bm25Rank)) +
      (meaningRank === undefined ? 0 : TUNING.meaningWeight / (TUNING.fusionK + meaningRank));
  }

  function ranksOf(keys) {
    var ranks = new Map();
    keys.forEach(function (key, i) { ranks.set(key, i); });
    return ranks;
  }

  // The essays in fused order: those BM25 ranked (rankEssays), and those only meaning found whose
  // nearest section is within meaningFloor. `near` is reader.js's [{page, block, cosine}] (or null
  // without the meaning layer); `allowed`, the filters' pages or null.
  function fuseEssays(ranked, near, allowed) {
    if (!near) return ranked;
    var best = new Map();
    near.forEach(function (s) {
      if (allowed && !allowed.has(s.page)) return;
      if (!(best.get(s.page) >= s.cosine)) best.set(s.page, s.cosine);
    });
    var byMeaning = ranksOf(Array.from(best.keys()).sort(function (a, b) { return best.get(b) - best.get(a) || a - b; }));
    var byWords = ranksOf(ranked.map(function (page) { return page.id; }));
    var pages = ranked.slice();
    best.forEach(function (cosine, id) {
      if (!byWords.has(id) && cosine >= TUNING.meaningFloor) pages.push({ id: id, score: 0, coveredIdf: 0, covered: 0, blocks: [] });
    });
    pages.forEach(function (page) {
      page.nearest = best.get(page.id);
      page.fused = fusedScore(byWords.get(page.id), byMeaning.get(page.id));
    });
    return pages.sort(function (a, b) { return b.fused - a.fused || a.id - b.id; });
  }

  // Whether any essay is about the question: its nearest section is close enough; or the best
  // essay by words holds most of it and either its nearest section is nearly close enough or the
  // lay lexicon (written for this site's topics) knew one of its words. Without the meaning layer,
  // any match counts.
  function covers(ranked, near, lexiconKnew) {
    if (!near) return ranked.length > 0;
    var nearest = near.reduce(function (a, s) { return Math.max(a, s.cosine); }, -1);
    var byWords = ranked.length > 0 && ranked[0].covered >= TUNING.coveredShare;
    return nearest >= TUNING.topicCosine || (byWords && (lexiconKnew || nearest >= TUNING.topicCosineWithWords));
  }

  // Each shown essay's sections (splitSections) get a fused score: their rank by BM25 (an essay's
  // score shared out by its sections' own scores) among the shown essays' sections, and their rank
  // by meaning among all the sections near the question.
  function fuseSections(pages, near) {
    var all = [];
    pages.forEach(function (page) {
      if (!page.sections) return;
      var top = page.sections.reduce(function (a, s) { return Math.max(a, s.score); }, 0);
      page.sections.forEach(function (section, i) {
        all.push({ page: page, section: section, block: i, words: top > 0 && section.score > 0 ? page.score * section.score / top : 0 });
      });
    });
    var byWords = ranksOf(all.filter(function (c) { return c.words > 0; })
      .sort(function (a, b) { return b.words - a.words; }).map(function (c) { return c.section; }));
    var byMeaning = new Map();
    if (near) {
      near.slice().sort(function (a, b) { return b.cosine - a.cosine || a.page - b.page || a.block - b.block; })
        .forEach(function (s, i) { byMeaning.set(s.page + ":" + s.block, i); });
    }
    all.forEach(function (c) {
      c.section.fused = fusedScore(byWords.get(c.section), byMeaning.get(c.page.id + ":" + c.block));
    });
  }

  // The essays worth showing: each holds enough of the question (by rarity), or is near it in
  // meaning; not every page that shares one word with it.
  function shortlist(pages) {
    return pages.filter(function (page) {
      return page.covered >= TUNING.shortlistShare || page.nearest >= TUNING.shortlistCosine;
    });
  }

  // Under the help card, for a reader's own risk (the question is not about a loss): the help
  // pages the card's categories name (kb-risk.js: risk.pages, by address; `help`: address -> page
  // number, from index.json) come first, in the card's order, then the rest.
  function helpFirst(pages, risk, help, allowed) {
    if (risk.loss) return pages;
    var first = [];
    (risk.pages || []).forEach(function (p) {
      var id = help.get(p.url);
      if (id === undefined || first.some(function (page) { return page.id === id; })) return;
      var page = pages.filter(function (x) { return x.id === id; })[0] ||
        { id: id, score: 0, coveredIdf: 0, covered: 0, blocks: [] };
      page.help = true;
      first.push(page);
    });
    return first.concat(pages.filter(function (page) { return first.indexOf(page) < 0; }));
  }

  // Under the help card, for a reader's own risk: sections about someone else's death by suicide
  // (mentionsLoss, from kb-risk.js's loss vocabulary, on the heading or the essay's title) are set
  // aside, and an essay whose best section was one of them leaves the results.
  function setAsideLoss(outcome, from, to, mentionsLoss) {
    if (!outcome.risk || outcome.risk.loss || !mentionsLoss) return;
    var score = function (s) { return s.fused === undefined ? s.score : s.fused; };
    var gone = new Set();
    outcome.pages.slice(from, to).forEach(function (page) {
      if (!page.sections || page.help) return;
      var whole = mentionsLoss(page.data.title || "");
      var top = page.sections.reduce(function (a, s) { return score(s) > score(a) ? s : a; }, page.sections[0]);
      page.sections.forEach(function (section) {
        if (whole || mentionsLoss(section.heading || "")) {
          section.setAside = true;
          section.score = 0;
          section.fused = 0;
          section.hits = false;
        }
      });
      if (top && top.setAside) gone.add(page);
    });
    outcome.pages = outcome.pages.filter(function (page) { return !gone.has(page); });
  }

  // A question about a loss to suicide (kb-risk.js's loss vocabulary matched it, and the help card
  // is not for the reader's own risk): the essays with a section on such a loss come first, and
  // that section leads them. `records`: page id -> the page as the index holds it (those here).
  function lossFirst(pages, records, mentionsLoss) {
    var first = [];
    records.forEach(function (record, id) {
      if (record.blocks.some(function (b) { return mentionsLoss(b[1]); })) {
        var page = pages.filter(function (x) { return x.id === id; })[0] || { id: id, score: 0, coveredIdf: 0, covered: 0, blocks: [] };
        page.loss = true;
        first.push(page);
      }
    });
    first.sort(function (a, b) { return pages.indexOf(a) - pages.indexOf(b); });
    return first.concat(pages.filter(function (page) { return first.indexOf(page) < 0; }));
  }

  function leadLoss(outcome, from, to, mentionsLoss) {
    outcome.pages.slice(from, to).forEach(function (page) {
      if (!page.loss || !page.sections) return;
      var top = page.sections.reduce(function (a, s) { return Math.max(a, s.fused || 0, s.score || 0); }, 0);
      page.sections.forEach(function (section) {
        if (mentionsLoss(section.heading || "")) { section.fused = 1 + top; section.score = 1 + top; section.lead = true; }
      });
    });
  }

  // The best sections across the shown essays: [{page, section}], best first; a help page's (under
  // the help card) or a leading section before any other.
  function bestSections(pages) {
    var all = [];
    var lead = [];
    var score = function (s) { return s.fused === undefined ? s.score : s.fused; };
    pages.forEach(function (page) {
      if (page.help && page.sections) {
        var top = page.sections.reduce(function (a, s) { return score(s) > score(a) ? s : a; }, page.sections[0]);
        lead.push({ page: page, section: top });
        return;
      }
      (page.sections || []).forEach(function (section) {
        if (section.lead) lead.push({ page: page, section: section });
        else if (section.fused > 0) all.push({ page: page, section: section });
      });
    });
    return lead.concat(all.sort(function (a, b) { return b.section.fused - a.section.fused; })).slice(0, TUNING.bestSections);
  }

  // A section as a link: {href, title, excerpt} (title and excerpt are HTML).
  function hitOf(page, section, isMatch, pathOf) {
    var url = pathOf(page.data.url);
    return {
      href: url + (section.id ? "#" + encodeURIComponent(section.id) : ""),
      title: section.intro ? "Introduction" : core.marked(section.heading.split(/\s+/), isMatch).replace(/\.(<\/mark>)?$/, "$1"),
      excerpt: section.intro && !section.hits ? core.escapeHtml(page.data.summary || "") : core.excerptHtml(section.text, isMatch),
    };
  }

  // An essay's best sections as links (by fused score once fuseSections has run, else by BM25),
  // leaving out those in `shown` (the best sections already above) while others remain.
  // pathOf turns the page's address in the index into the path a link uses.
  function hitsOf(page, isMatch, pathOf, shown) {
    var score = function (s) { return s.fused === undefined ? s.score : s.fused; };
    var ranked = page.sections.filter(function (s) { return score(s) > 0; })
      .sort(function (a, b) { return score(b) - score(a); });
    var fresh = ranked.filter(function (s) { return !(shown && shown.has(s)); });
    var best = (fresh.length ? fresh : ranked).slice(0, TUNING.sectionsPerEssay);
    if (!best.length) best = [page.sections[0]];  // found by its title, summary or tags
    return best.map(function (section) { return hitOf(page, section, isMatch, pathOf); });
  }

  var rank = {
    idf: idf, saturate: saturate, mergePostings: mergePostings, rankEssays: rankEssays, WAIT: WAIT,
    withoutCommonWords: withoutCommonWords, splitSections: splitSections, fusedScore: fusedScore,
    fuseEssays: fuseEssays, covers: covers, fuseSections: fuseSections, bestSections: bestSections,
    shortlist: shortlist, helpFirst: helpFirst, setAsideLoss: setAsideLoss, lossFirst: lossFirst, leadLoss: leadLoss,
    hitOf: hitOf, hitsOf: hitsOf,
  };
  kb.rank = rank;
  if (typeof module === "object" && module.exports) module.exports = rank;
})(typeof kbSearch === "object" ? kbSearch : {});
