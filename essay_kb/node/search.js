// The site's search in Node, with no browser and no network: the modules a reader's browser runs
// (essay_kb/search_js/, or $KB_SEARCH_MODULES: a test's altered copy), the Porter2 stemmer the
// browser loads, a reader over a built site's search-index folder on disk, the risk detector
// (kb-risk.js) with a vocabulary, and the links the search panel shows for a question.
// Shared by `make gaps` (essay_kb/node/gaps.js) and the Node tests and their runners (tests/js/).
"use strict";

const path = require("node:path");
const fs = require("node:fs");
const vm = require("node:vm");

const PACKAGE = path.join(__dirname, "..");
const MODULES = process.env.KB_SEARCH_MODULES || path.join(PACKAGE, "search_js");
const STEMMER = path.join(PACKAGE, "vendor", "wink-porter2-stemmer.js");
const RISK = path.join(PACKAGE, "static", "kb-risk.js");
// The index's own files, as essay_kb/search.py names them to the browser (script_settings).
const FILES = { index: "index.json", filters: "filters.json", lexicon: "lexicon.json" };

function load(name) {
  return require(path.join(MODULES, name + ".js"));
}

// A reader over a folder on disk, as the build wrote it; layers as page.js takes them; `more`: the
// model's hook `embed` (question -> null or a Promise of its vector), or an object of further
// options (assessRisk, mentionsLoss, questionVector...).
function folderReader(folder, layers, more) {
  if (typeof more === "function") more = { embed: more };
  return load("reader").create({
    ...(more || {}),
    load: (name) => fs.promises.readFile(path.join(folder, name), "utf8").then(JSON.parse),
    loadStemmer: () => Promise.resolve(require(STEMMER)),
    files: FILES,
    layers: layers || {},
    random: () => 0,  // decoy parts: the first not needed, so that an answer is the same every run
  });
}

// The reader's hooks for the help card, as page.js gives them from kb-risk.js: `compiled` is the
// risk vocabulary as kb-risk.js compiles it (riskVocabulary, or risk.compile of essay_kb/risk.py's).
function riskHooks(compiled) {
  const risk = require(RISK);
  return { assessRisk: (q) => risk.assess(q, compiled), mentionsLoss: (t) => risk.mentionsLoss(t, compiled) };
}

// The vocabulary a built site ships (<site>/_static/kb-risk-phrases.js, which sets
// window.kbRiskPhrases), compiled by kb-risk.js as the browser compiles it.
function riskVocabulary(site) {
  const window = {};
  vm.runInNewContext(fs.readFileSync(path.join(site, "_static", "kb-risk-phrases.js"), "utf8"), { window });
  if (!window.kbRiskPhrases) throw new Error(`${site}/_static/kb-risk-phrases.js holds no risk vocabulary`);
  return require(RISK).compile(window.kbRiskPhrases);
}

// What the search panel shows for a question once the reader has paused, in its order
// (panel.js, render): the best sections across the first essays shown, then each of those essays
// with its best sections not already above. Returns {outcome, links}: each link {href, url (the
// page's address in the index), title (the essay's), section (its id, "" for the introduction),
// heading ("Introduction" for it, as the panel says)}; no links when nothing matched.
async function shownLinks(reader, query, filters) {
  const rank = load("rank");
  const shown = load("words").TUNING.essaysShown;
  const outcome = await reader.search(query, filters || {}, true);
  if (!outcome || outcome === rank.WAIT) return { outcome: null, links: [] };
  await reader.loadEssays(outcome, 0, shown);
  const pages = outcome.pages.slice(0, Math.min(shown, outcome.pages.length));
  const isMatch = reader.matcher(outcome.stems);
  const pathOf = (url) => "/" + url;
  const link = (page, hit) => {
    const section = decodeURIComponent(hit.href.split("#")[1] || "");
    const block = page.data.blocks.find((b) => b[0] === section);
    return { href: hit.href, url: page.data.url, title: page.data.title || page.data.url, section,
      heading: section && block ? block[1] : "Introduction" };
  };
  const best = rank.bestSections(pages);
  const above = new Set(best.map((b) => b.section));
  const links = best.map((b) => link(b.page, rank.hitOf(b.page, b.section, isMatch, pathOf)));
  pages.forEach((page) => rank.hitsOf(page, isMatch, pathOf, above).forEach((hit) => links.push(link(page, hit))));
  return { outcome, links };
}

module.exports = { load, folderReader, riskHooks, riskVocabulary, shownLinks, FILES, MODULES, STEMMER };
