// make gaps' search half (essay_kb/gaps.py reads the question bank and writes the report): each
// question through the site's own search, as a reader's browser runs it by default, over the built
// site's files on disk; no browser, no network.
//
//   node essay_kb/node/gaps.js <built site folder>   (the questions on stdin, as a JSON list of text)
//
// prints {pages: [{url, title, sections: [[id, heading], ...]}] (every page in the index, to check
// the bank's answers against), answers: [{card, links}] (per question: whether the help card shows
// above the results, and the links the panel shows, in order: search.js, shownLinks)}.
//
// As in the browser before the reader asks for the meaning model: words only (the reader has no
// model, so no question has a vector), the lay lexicon and the help card on, and each question a
// fresh visit (nothing one question looked up is held for the next).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { folderReader, riskHooks, riskVocabulary, shownLinks } = require("./search.js");

// Every page in the index with its sections, loaded by the reader as it loads the essays it shows.
async function allPages(folder) {
  const reader = folderReader(folder);
  const index = await reader.load();
  const pages = Array.from({ length: index.pageCount }, (_, id) => ({ id, blocks: [] }));
  await reader.loadEssays({ pages, termIdfs: [], near: null }, 0, pages.length);
  return pages.map((page) => ({ url: page.data.url, title: page.data.title || page.data.url,
    sections: page.data.blocks.map((block) => [block[0], block[1]]) }));
}

async function main(site, questions) {
  const folder = path.join(site, "search-index");
  const hooks = riskHooks(riskVocabulary(site));
  const answers = [];
  for (const question of questions) {
    const { links } = await shownLinks(folderReader(folder, {}, hooks), question);
    answers.push({ card: Boolean(hooks.assessRisk(question)), links });
  }
  return { pages: await allPages(folder), answers };
}

main(process.argv[2], JSON.parse(fs.readFileSync(0, "utf8"))).then(
  (out) => process.stdout.write(JSON.stringify(out)),
  (error) => { process.stderr.write(String(error && error.stack || error) + "\n"); process.exit(1); });
