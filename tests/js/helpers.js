// Shared by the Node tests (node --test tests/js/): the search's modules, the Porter2 stemmer the
// browser uses and a reader over a built index folder (all from essay_kb/node/search.js, which
// make gaps shares), and readers over fixture.json (an index written by search_index.py, see
// make_fixture.py) through a fake loader that records what it was asked for.
"use strict";

const path = require("node:path");
const fs = require("node:fs");
const { load, folderReader, riskHooks, shownLinks, FILES, STEMMER } = require("../../essay_kb/node/search.js");

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixture.json"), "utf8"));
// The same pages written as a large site's index: words and pages in parts (make_fixture.py).
const PARTS_FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixture-parts.json"), "utf8"));

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

// The essays a query finds, best first, by address.
async function urls(reader, query, filters) {
  const outcome = await reader.search(query, filters || {}, true);
  if (!outcome || outcome === "wait") return outcome;
  await reader.loadEssays(outcome, 0, outcome.pages.length);
  return outcome.pages.map((page) => page.data.url);
}

module.exports = { load, fixtureReader, folderReader, riskHooks, shownLinks, urls, FIXTURE, PARTS_FIXTURE, STEMMER };
