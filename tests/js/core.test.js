"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers.js");

const { FIXTURE } = require("./helpers.js");
const words = load("words");
const core = load("core");
// The lay lexicon as the index ships it (lexicon.json, from make_fixture.py's LEXICON).
const SYNONYMS = core.lexicon(JSON.parse(FIXTURE["lexicon.json"]));
const terms = (query) => core.queryTerms(query, SYNONYMS);

test("words are lower case, without apostrophes, split at anything but letters and digits", () => {
  // The same example as the writer's own test (tests/test_search.py), so both sides split alike.
  assert.deepEqual(core.tokensOf("Don’t stop: it's Sam's co-pay!"), ["dont", "stop", "its", "sams", "co", "pay"]);
  assert.deepEqual(core.tokensOf("Café, 988 — Ελλάδα_x"), ["café", "988", "ελλάδα", "x"]);
});

test("emoji and punctuation alone hold no word", () => {
  assert.deepEqual(core.tokensOf("😢😢 ?!… —"), []);
  assert.deepEqual(terms("🙂"), []);
});

test("a query's words leave out the words that say little", () => {
  assert.deepEqual(terms("how do I ask my therapist ").map((t) => t.word), ["ask", "therapist"]);
  // A query made only of such words keeps them: there is nothing else to look up.
  assert.deepEqual(terms("is it me ").map((t) => t.word), ["is", "it", "me"]);
});

test("the last word is a beginning while it is being typed, a word once finished", () => {
  assert.deepEqual(terms("therapist superbil"), [{ word: "therapist", prefix: false }, { word: "superbil", prefix: true }]);
  assert.deepEqual(terms("therapist superbil "), [{ word: "therapist", prefix: false }, { word: "superbil", prefix: false }]);
  assert.deepEqual(terms("superbil."), [{ word: "superbil", prefix: false }]);
});

test("one or two letters being typed are not looked up, unless they are a word the lexicon knows", () => {
  assert.deepEqual(terms("grief th"), [{ word: "grief", prefix: false }]);
  const withEx = core.lexicon({ ex: "divorce separation" });
  assert.deepEqual(core.queryTerms("my ex", withEx), [{ word: "ex", prefix: true }]);
  assert.deepEqual(terms("my ex"), []);
});

test("repeated words count once, and at most ten are looked up", () => {
  assert.deepEqual(terms("grief grief loss ").map((t) => t.word), ["grief", "loss"]);
  const many = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima ";
  assert.equal(terms(many).length, words.TUNING.maxTerms);
});

test("the lexicon: a group finds each other, an arrow finds one way only", () => {
  assert.deepEqual(core.synonymsOf(SYNONYMS, "kid").sort(), ["child", "children", "kids"]);
  assert.ok(core.synonymsOf(SYNONYMS, "dog").includes("pet"));
  assert.ok(!core.synonymsOf(SYNONYMS, "pet").includes("dog"));
  // A plural finds its singular's words when it has none of its own.
  assert.deepEqual(core.synonymsOf(SYNONYMS, "cats"), ["pet"]);
});

test("the lexicon is read from the table it is given, never from an object's own names", () => {
  const own = core.lexicon({ feline: "cat", kitten: "cat", cat: "feline", constructor: "" });
  assert.deepEqual(core.synonymsOf(own, "feline"), ["cat"]);
  assert.deepEqual(core.synonymsOf(own, "kitten"), ["cat"]);
  assert.deepEqual(core.synonymsOf(own, "cat"), ["feline"]);
  assert.deepEqual(core.synonymsOf(own, "constructor"), []);
  assert.deepEqual(core.synonymsOf(core.lexicon({}), "toString"), []);
});

test("vectors are base64 int8, as the build writes them", () => {
  assert.deepEqual(Array.from(core.int8s("AH+AAQ==")), [0, 127, -128, 1]);
});

test("names every JavaScript object has are no one's synonyms", () => {
  for (const word of ["constructor", "__proto__", "proto", "tostring", "hasownproperty", "valueof"]) {
    assert.deepEqual(core.synonymsOf(SYNONYMS, word), [], word);
  }
  assert.deepEqual(terms("constructor "), [{ word: "constructor", prefix: false }]);
  assert.deepEqual(terms("__proto__ "), [{ word: "proto", prefix: false }]);  // "_" is not a letter
});

test("edit distance counts a letter added, dropped, changed, or two swapped as one slip", () => {
  assert.equal(core.editDistance("councelor", "counselor", 2), 1);  // changed
  assert.equal(core.editDistance("therapst", "therapist", 2), 1);   // dropped
  assert.equal(core.editDistance("supperbill", "superbill", 2), 1); // added
  assert.equal(core.editDistance("thearpist", "therapist", 2), 1);  // swapped
  assert.equal(core.editDistance("grief", "grief", 1), 0);
  assert.equal(core.editDistance("grief", "brave", 1), 2);          // past the limit: limit + 1
});

test("the words found are marked without the punctuation around them, and the text is escaped", () => {
  const isMatch = core.matcher(new Set(["die"]), (w) => w.replace(/d$/, ""));
  assert.equal(core.marked(["When", "she", "died,", "<b>"], isMatch), "When she <mark>died</mark>, &lt;b&gt;");
  assert.equal(core.marked(["“died”."], isMatch), "“<mark>died</mark>”.");
  assert.equal(core.escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("an excerpt is the stretch holding the most words found, with an ellipsis where text is cut", () => {
  const filler = (n) => Array.from({ length: n }, (_, i) => "w" + i).join(" ");
  const text = `${filler(40)} grief here and grief again ${filler(40)}`;
  const isMatch = core.matcher(new Set(["grief"]), (w) => w);
  const html = core.excerptHtml(text, isMatch);
  assert.ok(html.startsWith("… ") && html.endsWith(" …"), html);
  assert.equal(html.match(/<mark>grief<\/mark>/g).length, 2);
  assert.equal(html.replace(/^… | …$/g, "").split(" ").length, words.TUNING.excerptWords);
  // A short text is shown whole, without ellipses.
  assert.equal(core.excerptHtml("Grief, slowly.", isMatch), "<mark>Grief</mark>, slowly.");
});
