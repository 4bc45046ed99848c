// The links the search panel would show for each question (best sections, then each essay's), from
// an index on disk, with the question vectors given (as the browser's model would compute them):
//   node tests/js/rank-runner.js <search-index folder> <questions.json: [{query, vector?}]> ['<TUNING JSON>']
// Used by tests/bench_vocabulary.py to measure what pruning the model's vocabulary costs.
"use strict";
const fs = require("node:fs");
const helpers = require("./helpers.js");
const [folder, input, tuningJson] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(input, "utf8"));
async function main() {
  const words = helpers.load("words");
  if (tuningJson) Object.assign(words.TUNING, JSON.parse(tuningJson));
  const vectors = new Map(queries.map((q) => [q.query, q.vector]));
  const reader = helpers.folderReader(folder, {}, (q) => vectors.get(q) ? Promise.resolve(Float32Array.from(vectors.get(q))) : null);
  const out = [];
  for (const q of queries) {
    const { links } = await helpers.shownLinks(reader, q.query);
    out.push(links.map((link) => link.href));
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
