// Risk questions through the search's reader, on a built site's index (tests/test_search_risk.py):
//
//   node tests/js/risk-results-runner.js <search-index folder> <compiled risk vocabulary JSON file> '<JSON queries>'
//
// prints, per query, {card: the help card's categories or null, loss: a loss question,
// help: the help pages' addresses the card names, best: [url#id|heading|loss of the best sections shown],
// essays: [urls in order]}.
"use strict";

const fs = require("node:fs");
const { folderReader, load, riskHooks } = require("./helpers.js");
const risk = require("../../essay_kb/static/kb-risk.js");

async function main(folder, vocabularyFile, queries) {
  const vocabulary = risk.compile(JSON.parse(fs.readFileSync(vocabularyFile, "utf8")));
  const rank = load("rank");
  const reader = folderReader(folder, {}, riskHooks(vocabulary));
  const out = {};
  for (const query of queries) {
    const outcome = await reader.search(query, {}, true);
    const found = risk.assess(query, vocabulary);
    if (!outcome || outcome === rank.WAIT) { out[query] = { card: found && found.categories, best: [], essays: [] }; continue; }
    await reader.loadEssays(outcome, 0, 6);
    const shown = outcome.pages.slice(0, 6);
    out[query] = {
      card: found && found.categories, loss: Boolean(found && found.loss) || Boolean(outcome.loss),
      help: found ? found.pages.map((p) => p.url) : [],
      // url#id|heading|loss: "loss" when the heading is about a death by suicide (the loss vocabulary)
      best: rank.bestSections(shown).map((b) => b.page.data.url + "#" + b.section.id + "|" + b.section.heading + "|" +
        (risk.mentionsLoss(b.section.heading || "", vocabulary) ? "loss" : "")),
      essays: shown.map((p) => p.data.url),
      marked: Array.from(outcome.stems),
    };
  }
  return out;
}

main(process.argv[2], process.argv[3], JSON.parse(process.argv[4])).then(
  (out) => process.stdout.write(JSON.stringify(out)),
  (error) => { process.stderr.write(String(error && error.stack || error) + "\n"); process.exit(1); });
