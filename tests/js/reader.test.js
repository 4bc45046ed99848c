"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtureReader, urls, FIXTURE } = require("./helpers.js");

const hexOf = (text) => Buffer.from(text, "utf8").toString("hex");

test("the reader loads the index and then one word file per word, through the loader it is given", async () => {
  const { reader, asked } = fixtureReader();
  const outcome = await reader.search("grief", {}, true);
  assert.deepEqual(asked, ["index.json", "lexicon.json", `w/${hexOf("gri")}.json`]);
  await reader.loadEssays(outcome, 0, 6);
  assert.deepEqual(asked.slice(3), ["p/1.json"]);  // only the page of the essay found
});

test("a lay question finds the essay that answers it first, and its best section", async () => {
  const { reader } = fixtureReader();
  const outcome = await reader.search("my therapist cancelled last minute and i feel rejected", {}, true);
  await reader.loadEssays(outcome, 0, 6);
  assert.equal(outcome.pages[0].data.url, "essays/cancels/");
  const best = outcome.pages[0].sections.slice().sort((a, b) => b.score - a.score)[0];
  assert.equal(best.id, "last-minute");
  // The stems found include the word forms the essay uses ("cancelled", "Cancellations").
  assert.ok(outcome.stems.has("cancel"));
});

test("the essay whose title holds the word ranks above one that only mentions it", async () => {
  const { reader } = fixtureReader();
  assert.deepEqual(await urls(reader, "therapist "), ["essays/cancels/", "glossary/"]);
  // A finished word is its stem ("fees": fee); still being typed, a beginning ("fee": feel too).
  assert.deepEqual(await urls(reader, "paying fees "), ["essays/superbills/"]);
  assert.deepEqual(await urls(reader, "paying fees"), ["essays/superbills/", "essays/cancels/"]);
});

test("everyday words find the essays' words through the thesaurus", async () => {
  const { reader } = fixtureReader();
  assert.deepEqual(await urls(reader, "kids"), ["essays/grief/"]);       // kid: children
  assert.deepEqual(await urls(reader, "my dog died"), ["essays/grief/"]); // dog: pet
});

test("a word being typed is looked up as a beginning", async () => {
  const { reader } = fixtureReader();
  assert.deepEqual(await urls(reader, "superbi"), ["essays/superbills/"]);
  assert.deepEqual(await urls(reader, "glossary cons"), ["glossary/"]);
});

test("a slip is matched to the word one or two edits away, or found as a shorter beginning", async () => {
  const { reader } = fixtureReader();
  const outcome = await reader.search("supperbill", {}, true);
  assert.deepEqual(Array.from(outcome.stems), ["superbil"]);
  assert.deepEqual(await urls(reader, "insurence "), ["essays/superbills/"]);
  assert.deepEqual(await urls(reader, "qwxzv"), []);
});

test("names every JavaScript object has are looked up as a reader's words, never as the object's own", async () => {
  const { reader, asked } = fixtureReader();
  assert.deepEqual(await urls(reader, "constructor"), []);
  assert.ok(asked.includes(`w/${hexOf("con")}.json`));  // its file exists: the lookup really ran
  assert.deepEqual(await urls(reader, "toString valueOf"), []);
  const proto = await reader.search("__proto__", {}, true);  // "proto": only real words ("protect")
  assert.deepEqual(Array.from(proto.stems), ["protect"]);
});

test("filters keep the essays of a theme or a tag", async () => {
  const { reader, asked } = fixtureReader();
  assert.deepEqual(await urls(reader, "therapist "), ["essays/cancels/", "glossary/"]);
  assert.deepEqual(await urls(reader, "therapist ", { theme: "therapy" }), ["essays/cancels/"]);
  assert.deepEqual(await urls(reader, "fees ", { tag: "fees" }), ["essays/superbills/"]);
  assert.deepEqual(await urls(reader, "fees ", { theme: "loss" }), []);
  assert.deepEqual(await urls(reader, "therapist ", { tag: "constructor" }), []);
  assert.equal(asked.filter((name) => name === "filters.json").length, 1);
});

test("each file is loaded once per page, and a failed load is tried again", async () => {
  let failures = 1;
  const { reader, asked } = fixtureReader(FIXTURE, { fail: (name) => name.startsWith("w/") && failures-- > 0 });
  await assert.rejects(reader.search("grief", {}, true));
  assert.deepEqual(await urls(reader, "grief"), ["essays/grief/"]);
  assert.deepEqual(await urls(reader, "grief"), ["essays/grief/"]);
  assert.deepEqual(asked, ["index.json", "lexicon.json", `w/${hexOf("gri")}.json`, `w/${hexOf("gri")}.json`, "p/1.json"]);
});

test("the reader follows the file names and shard length index.json declares", async () => {
  // The same index with its word files moved to "words/<key>.txt": only index.json says so.
  const files = {};
  const index = JSON.parse(FIXTURE["index.json"]);
  index.format.files.words = "words/{key}.txt";
  for (const [name, text] of Object.entries(FIXTURE)) files[name.replace(/^w\/(.*)\.json$/, "words/$1.txt")] = text;
  files["index.json"] = JSON.stringify(index);
  const { reader, asked } = fixtureReader(files);
  assert.deepEqual(await urls(reader, "grief"), ["essays/grief/"]);
  assert.ok(asked.includes(`words/${hexOf("gri")}.txt`));
  // Declared two letters to a file, the reader asks for the two-letter file.
  index.format.shardLetters = 2;
  files["index.json"] = JSON.stringify(index);
  const two = fixtureReader(files);
  await two.reader.search("grief", {}, true);
  assert.deepEqual(two.asked, ["index.json", "lexicon.json"]);  // "gr" is not among the fixture's shards: no request
});

test("forgetting drops every trace of the reader's words: lookups, stems, their files, the essays shown", async () => {
  const { reader, asked } = fixtureReader();
  assert.deepEqual(await urls(reader, "my therapist cancelled last minute"), ["essays/cancels/", "glossary/"]);
  const before = reader.state();
  assert.ok(before.stems.includes("cancelled") && before.lookups.length && before.pages.length);
  reader.forget();
  const after = reader.state();
  assert.deepEqual(after, { files: ["index.json", "lexicon.json"], lookups: [], stems: [], pages: [], vectors: [] });
  assert.ok(!JSON.stringify(after).includes("cancel"));
  // Searching again works, and loads the word's file again.
  const count = asked.length;
  assert.deepEqual(await urls(reader, "cancelled"), ["essays/cancels/"]);
  assert.ok(asked.slice(count).includes(`w/${hexOf("can")}.json`));
});

// -- Meaning: hand-made vectors in the layout essay_kb/meaning.py writes ---------------------------

const core = require("./helpers.js").load("core");
const int8 = (numbers) => Buffer.from(Int8Array.from(numbers).buffer).toString("base64");

// Three numbers per question vector, two directions kept: "lonely" points one way, "money" the
// other; the fixture's grief introduction lies along "lonely", the superbill section along "money".
// The model's hook is a table here: a question it does not know gets null (no model yet).
const QUESTION_VECTORS = { "bereft": [0, 0.9, 0.436], "lonely": [0, 1, 0], "money": [1, 0, 0], "consent": [-1, 0, 0] };
const embedTable = (query) => {
  const vector = QUESTION_VECTORS[query.trim()];
  return vector ? Promise.resolve(Float32Array.from(vector)) : null;
};

function withMeaning() {
  const files = { ...FIXTURE };
  const index = JSON.parse(files["index.json"]);
  index.meaning = { dims: 2, groups: 1, probe: 1, centroids: int8([90, 90]) };
  files["index.json"] = JSON.stringify(index);
  files["m/basis.json"] = JSON.stringify({ scales: [0.01, 0.01], v: int8([100, 0, 0, 0, 100, 0]) });
  // [page, block] pairs, then their vectors in the same order.
  files["m/s/0.json"] = JSON.stringify({ ids: [1, 0, 2, 1, 0, 1], v: int8([0, 100, 100, 0, 60, 60]) });
  return files;
}

test("meaning finds the essay a word no essay uses is about, fused with the words' ranking", async () => {
  const { reader, asked } = fixtureReader(withMeaning(), { embed: embedTable });
  // "bereft" is on no page, but its vector lies by the grief essay's introduction (and near enough
  // a section of the cancellations essay); the superbill section points elsewhere.
  assert.deepEqual(await urls(reader, "bereft "), ["essays/grief/", "essays/cancels/"]);
  assert.ok(asked.includes("m/basis.json") && asked.includes("m/s/0.json"));
  const outcome = await reader.search("lonely ", {}, true);
  assert.equal(outcome.offTopic, false);
  assert.equal(outcome.pages[0].id, 1);
  await reader.loadEssays(outcome, 0, 6);
  const rank = require("./helpers.js").load("rank");
  const best = rank.bestSections(outcome.pages.slice(0, 6));
  assert.equal(best[0].page.id, 1);
  assert.equal(best[0].section.id, "");  // the introduction, where "lonely" is and its vector points
});

test("a question on no essay's topic finds nothing, rather than weak matches", async () => {
  const { reader } = fixtureReader(withMeaning(), { embed: embedTable });
  // "consent" is a glossary word, so the words alone would list the glossary; its meaning is near
  // no section, so the site says it has nothing on that.
  const outcome = await reader.search("consent ", {}, true);
  assert.equal(outcome.offTopic, true);
  assert.deepEqual(outcome.pages, []);
  // Without the model's vector (the model is not here yet), the words answer alone.
  const unknown = await reader.search("xyzzy quux ", {}, true);
  assert.equal(unknown.offTopic, false);
  assert.deepEqual(unknown.pages, []);
  assert.deepEqual(await urls(reader, "superbil"), ["essays/superbills/"]);
  // Without the meaning layer, the words alone decide, as before.
  const plain = require("./helpers.js").load("reader").create({
    load: (name) => Promise.resolve(JSON.parse(withMeaning()[name] || "{}")),
    loadStemmer: () => Promise.resolve(require(require("./helpers.js").STEMMER)),
    files: { index: "index.json", filters: "filters.json", lexicon: "lexicon.json" }, layers: { meaning: false } });
  assert.deepEqual(await urls(plain, "consent "), ["glossary/"]);
  assert.deepEqual(await urls(plain, "bereft "), []);
});

test("in a burst of typing the words answer alone, and meaning is asked for at the pause", async () => {
  const asked = [];
  const { reader } = fixtureReader(withMeaning(), { embed: (q) => { asked.push(q); return embedTable(q); } });
  const typing = await reader.search("bereft", {}, false);
  assert.equal(typing.near, null);
  assert.equal(typing.provisional, true);
  assert.deepEqual(asked, []);
  const settled = await reader.search("bereft", {}, true);
  assert.ok(settled.near.length && !settled.provisional);
  assert.deepEqual(asked, ["bereft"]);
});

test("forgetting drops the vectors of the reader's words too", async () => {
  const { reader } = fixtureReader(withMeaning(), { embed: embedTable });
  await urls(reader, "lonely ");
  assert.ok(reader.state().vectors.length);
  reader.forget();
  assert.deepEqual(reader.state().vectors, []);
  assert.ok(!reader.state().files.some((f) => f.startsWith("m/")));
});
