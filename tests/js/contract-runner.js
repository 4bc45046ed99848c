// The JavaScript half of the index contract (tests/test_search_contract.py): reads an index as the
// Python writer left it on disk and answers queries with the browser's reader.
//
//   node tests/js/contract-runner.js <search-index folder> '<JSON list of queries>' ['<JSON vector>']
//
// prints {query: [{url, sections: [ids of the sections shown, best first]}, ...]}, the words' answers
// (the meaning layer off: a tiny root's placeholder text means little), and under "__near" the
// sections the meaning layer reads for the first query, as "page:block" with their cosines, given
// the model's vector for that query (the third argument, computed by the Python side). The
// modules come from essay_kb/search_js/, or from $KB_SEARCH_MODULES (a test's altered copy).
"use strict";

const { folderReader, load } = require("./helpers.js");

async function main(folder, queries, vector) {
  const rank = load("rank");
  const reader = folderReader(folder, { meaning: false });
  const meaning = folderReader(folder, {}, (query) => query === queries[0] && vector ? Promise.resolve(Float32Array.from(vector)) : null);
  const answers = {};
  for (const query of queries) {
    const outcome = await reader.search(query, {}, true);
    const pages = outcome && outcome !== rank.WAIT ? outcome.pages : [];
    await reader.loadEssays({ pages, termIdfs: outcome ? outcome.termIdfs : [] }, 0, pages.length);
    const isMatch = pages.length ? reader.matcher(outcome.stems) : null;
    answers[query] = pages.map((page) => ({
      url: page.data.url,
      sections: rank.hitsOf(page, isMatch, (url) => "/" + url).map((hit) => decodeURIComponent(hit.href.split("#")[1] || "")),
    }));
  }
  const loaded = await meaning.load();
  const near = await meaning.near(loaded, queries[0], true);
  answers.__near = near && near.map((s) => [`${s.page}:${s.block}`, s.cosine]);
  return answers;
}

main(process.argv[2], JSON.parse(process.argv[3]), process.argv[4] && JSON.parse(process.argv[4])).then(
  (answers) => process.stdout.write(JSON.stringify(answers)),
  (error) => { process.stderr.write(String(error && error.stack || error) + "\n"); process.exit(1); });
