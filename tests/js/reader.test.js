"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtureReader, urls, FIXTURE } = require("./helpers.js");

const hexOf = (text) => Buffer.from(text, "utf8").toString("hex");

test("the reader loads the index and then one word file per word, through the loader it is given", async () => {
  const { reader, asked } = fixtureReader();
  const outcome = await reader.search("grief", {}, true);
  assert.deepEqual(asked, ["index.json", `w/${hexOf("gri")}.json`]);
  await reader.loadEssays(outcome, 0, 6);
  assert.deepEqual(asked.slice(2), ["p/1.json"]);  // only the page of the essay found
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
  assert.deepEqual(asked, ["index.json", `w/${hexOf("gri")}.json`, `w/${hexOf("gri")}.json`, "p/1.json"]);
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
  assert.deepEqual(two.asked, ["index.json"]);  // "gr" is not among the fixture's shards: no request
});

test("forgetting drops every trace of the reader's words: lookups, stems, their files, the essays shown", async () => {
  const { reader, asked } = fixtureReader();
  assert.deepEqual(await urls(reader, "my therapist cancelled last minute"), ["essays/cancels/", "glossary/"]);
  const before = reader.state();
  assert.ok(before.stems.includes("cancelled") && before.lookups.length && before.pages.length);
  reader.forget();
  const after = reader.state();
  assert.deepEqual(after, { files: ["index.json"], lookups: [], stems: [], pages: [] });
  assert.ok(!JSON.stringify(after).includes("cancel"));
  // Searching again works, and loads the word's file again.
  const count = asked.length;
  assert.deepEqual(await urls(reader, "cancelled"), ["essays/cancels/"]);
  assert.ok(asked.slice(count).includes(`w/${hexOf("can")}.json`));
});
