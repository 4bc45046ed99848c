"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers.js");

const rank = load("rank");
const core = load("core");

const FORMAT = { rowBlocks: 2, blockStride: 3, block: { block: 0, body: 1, heading: 2 }, fieldBits: { title: 1, summary: 2, tags: 4 } };

test("a rarer word weighs more, and repeating a word counts less and less", () => {
  assert.ok(rank.idf(100, 1) > rank.idf(100, 10) && rank.idf(100, 10) > rank.idf(100, 90));
  const gains = [1, 2, 4, 8, 16].map((tf) => rank.saturate(tf, 100, 100));
  gains.reduce((a, b) => { assert.ok(b > a); return b; });
  assert.ok(gains[4] < 2.2 + 1e-9);  // never past k1 + 1
});

test("postings are read by the layout the index declares", () => {
  // [page, fields, then block, body count, heading count per block]
  const merged = rank.mergePostings([[["griev", [[0, 1, 0, 2, 0, 3, 1, 1]]]], [["loss", [[0, 0, 3, 1, 0]]]]], FORMAT);
  const page = merged.pages.get(0);
  assert.equal(page.fields, 1);
  assert.deepEqual(page.blocks.get(0), [2, 0]);
  // Block 3: the word once in body and heading, its synonym (weighing 0.6) once in the body.
  assert.deepEqual(page.blocks.get(3), [1.6, 1]);
  assert.deepEqual(Array.from(merged.stems), ["griev", "loss"]);
  // The same numbers laid out otherwise (heading before body, four to a block) read the same.
  const other = { ...FORMAT, blockStride: 4, block: { block: 0, heading: 1, body: 2 } };
  const again = rank.mergePostings([[["griev", [[0, 1, 0, 0, 2, 9, 3, 1, 1, 9]]]], [["loss", [[0, 0, 3, 0, 1, 9]]]]], other);
  assert.deepEqual(Array.from(again.pages.get(0).blocks), Array.from(page.blocks));
});

function loaded(lengths) {
  return { format: FORMAT, lengths, averageLength: lengths.reduce((a, b) => a + b, 0) / lengths.length };
}

test("essays rank by BM25 with title, summary and tags counting, and by how much of the query they cover", () => {
  const grief = rank.mergePostings([[["grief", [[0, 0, 0, 1, 0], [1, 1, 0, 1, 0], [2, 0, 0, 1, 0]]]]], FORMAT);
  const pet = rank.mergePostings([[["pet", [[2, 0, 0, 1, 0]]]]], FORMAT);
  const idfs = [rank.idf(10, 3), rank.idf(10, 1)];
  const ranked = rank.rankEssays(loaded([50, 50, 50]), [grief, pet], idfs, null);
  // Page 2 has both words; page 1 has "grief" in its title; page 0 only in its text.
  assert.deepEqual(ranked.map((p) => p.id), [2, 1, 0]);
  // A filter keeps only the pages it allows.
  assert.deepEqual(rank.rankEssays(loaded([50, 50, 50]), [grief, pet], idfs, new Set([0])).map((p) => p.id), [0]);
});

test("words on most pages wait for a pause, and then only the rarest is kept", () => {
  const common = new Map([["the", 90], ["therapi", 60]]);
  const terms = [{ word: "the", prefix: false }, { word: "therapi", prefix: false }];
  assert.equal(rank.withoutCommonWords(terms, common, (w) => w, false), rank.WAIT);
  assert.deepEqual(rank.withoutCommonWords(terms, common, (w) => w, true), [{ word: "therapi", prefix: false }]);
  assert.deepEqual(rank.withoutCommonWords(terms.concat([{ word: "fee", prefix: false }]), common, (w) => w, false),
    [{ word: "fee", prefix: false }]);
});

test("an essay is split into its sections, each scored on its own words", () => {
  const data = { url: "essays/x/", summary: "About fees.", blocks: [["", "X", "An opening."], ["fees", "Fees", "Ask about fees."], ["other", "Other", "Nothing here."]] };
  const page = { id: 0, blocks: [[0, 1, 7]] };  // term 0, block 1, weighted frequency 7
  const sections = rank.splitSections(page, data, [1.5]);
  assert.deepEqual(sections.map((s) => s.id), ["", "fees", "other"]);
  assert.ok(sections[0].intro && !sections[1].intro);
  assert.ok(sections[1].score > 0 && sections[0].score === 0 && sections[2].score === 0);
});

test("hits link to the section's id, encoded, and an essay found by its fields shows its summary", () => {
  const data = { url: "essays/x/", summary: "About <fees>.", blocks: [["", "X", "An opening."], ["fees & costs", "Fees.", "Ask about fees."]] };
  const isMatch = core.matcher(new Set(["fee"]), (w) => w.replace(/s$/, ""));
  const pathOf = (url) => "/" + url;
  const found = { id: 0, blocks: [[0, 1, 1]] };
  found.sections = rank.splitSections(found, data, [1]);
  found.data = data;
  const hits = rank.hitsOf(found, isMatch, pathOf);
  assert.deepEqual(hits.map((h) => h.href), ["/essays/x/#fees%20%26%20costs"]);
  assert.equal(hits[0].title, "<mark>Fees</mark>");  // the heading's last full stop dropped
  const byFields = { id: 0, blocks: [], data };
  byFields.sections = rank.splitSections(byFields, data, [1]);
  const shown = rank.hitsOf(byFields, isMatch, pathOf);
  assert.deepEqual(shown.map((h) => [h.href, h.title, h.excerpt]), [["/essays/x/", "Introduction", "About &lt;fees&gt;."]]);
});

test("under the help card: the help pages first, suicide-loss sections set aside, a loss question led by them", () => {
  const rankMod = require("./helpers.js").load("rank");
  const help = new Map([["help/suicide/", 9]]);
  const pages = [{ id: 1, covered: 1 }, { id: 9, covered: 0.2 }, { id: 2, covered: 1 }];
  const risk = { loss: false, pages: [{ page: "help/suicide", url: "help/suicide/" }] };
  assert.deepEqual(rankMod.helpFirst(pages, risk, help).map((p) => p.id), [9, 1, 2]);
  assert.deepEqual(rankMod.helpFirst(pages, { ...risk, loss: true }, help).map((p) => p.id), [1, 9, 2]);
  const mentionsLoss = (text) => /by suicide/.test(text);
  const section = (heading, fused) => ({ heading, fused, score: fused, hits: true });
  const grief = { id: 1, data: { title: "Grief" }, sections: [section("", 0.1), section("Grief after someone dies by suicide", 0.5)] };
  const other = { id: 2, data: { title: "Sleep" }, sections: [section("", 0.3), section("Grief after someone dies by suicide", 0.1)] };
  const outcome = { risk, pages: [grief, other] };
  rankMod.setAsideLoss(outcome, 0, 2, mentionsLoss);
  assert.deepEqual(outcome.pages.map((p) => p.id), [2]);  // its best section was the loss: it leaves
  assert.equal(other.sections[1].fused, 0);
  assert.deepEqual(rankMod.bestSections(outcome.pages).map((b) => b.section.heading), [""]);
  assert.deepEqual(rankMod.shortlist([{ covered: 0.2, nearest: 0.1 }, { covered: 0.6 }, { covered: 0, nearest: 0.5 }]).length, 2);
});
