// Shared by the Node tests (node --test tests/js/): the search's modules, the Porter2 stemmer the
// browser uses, and readers over fixture.json (an index written by search_index.py, see
// make_fixture.py) through a fake loader that records what it was asked for.
"use strict";

const path = require("node:path");
const fs = require("node:fs");

const MODULES = process.env.KB_SEARCH_MODULES || path.join(__dirname, "..", "..", "essay_kb", "search_js");
const STEMMER = path.join(__dirname, "..", "..", "essay_kb", "vendor", "wink-porter2-stemmer.js");

function load(name) {
  return require(path.join(MODULES, name + ".js"));
}

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixture.json"), "utf8"));
// The same pages written as a large site's index: words and pages in parts (make_fixture.py).
const PARTS_FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixture-parts.json"), "utf8"));
const FILES = { index: "index.json", filters: "filters.json", lexicon: "lexicon.json" };

// A reader over `files` ({path: text}); `asked` lists every path it loaded, in order, and
// `questions` those it loaded because of a question (how.question: fetched without being stored).
function fixtureReader(files = FIXTURE, options = {}) {
  const asked = [];
  const questions = [];
  const reader = load("reader").create({
    load: (name, how) => {
      asked.push(name);
      if (how && how.question) questions.push(name);
      if (options.fail && options.fail(name, asked)) return Promise.reject(new Error(name + ": 503"));
      if (!Object.prototype.hasOwnProperty.call(files, name)) return Promise.reject(new Error(name + ": 404"));
      return Promise.resolve(JSON.parse(files[name]));
    },
    loadStemmer: () => Promise.resolve(require(STEMMER)),
    files: FILES,
    embed: options.embed,
    random: options.random,
    assessRisk: options.assessRisk,
    mentionsLoss: options.mentionsLoss,
    questionVector: options.questionVector,
  });
  return { reader, asked, questions };
}

// A reader over a folder on disk, as the build wrote it (the contract test's); layers as page.js
// takes them; `more`: the model's hook `embed` (question -> null or a Promise of its vector), or an
// object of further options (assessRisk, mentionsLoss, questionVector...).
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

// The essays a query finds, best first, by address.
async function urls(reader, query, filters) {
  const outcome = await reader.search(query, filters || {}, true);
  if (!outcome || outcome === "wait") return outcome;
  await reader.loadEssays(outcome, 0, outcome.pages.length);
  return outcome.pages.map((page) => page.data.url);
}

module.exports = { load, fixtureReader, folderReader, urls, FIXTURE, PARTS_FIXTURE, STEMMER };
