"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers.js");

const core = load("core");
const { TUNING } = load("words");

test("input with no searchable word says so honestly", () => {
  assert.equal(core.statusText({ noWords: true, query: "😢😢" }), "No searchable words. Type a word or two in letters or numbers.");
});

test("the status echoes at most a few of the reader's words", () => {
  const long = Array.from({ length: 1000 }, (_, i) => "word" + i).join(" ");
  const status = core.statusText({ total: 0, query: long, filtered: false });
  assert.equal(status, "Nothing matched “word0 word1 word2 word3 word4 …”.");
  assert.ok(status.length < 60);
  assert.equal(core.echo(long).split(" ").length, TUNING.statusWords + 1);
  // A 5,000-letter word is a word too: it is cut.
  assert.equal(core.echo("x".repeat(5000)), "x".repeat(TUNING.statusLetters) + "…");
  assert.equal(core.echo("😢".repeat(100)), "😢".repeat(TUNING.statusLetters) + "…");
});

test("a short query is echoed as typed; counts and filters are said plainly", () => {
  assert.equal(core.statusText({ total: 0, query: "qwxzv", filtered: false }), "Nothing matched “qwxzv”.");
  assert.equal(core.statusText({ total: 0, query: "qwxzv", filtered: true }), "Nothing matched “qwxzv” with this filter.");
  assert.equal(core.statusText({ total: 1, query: "grief" }), "1 essay, best first.");
  assert.equal(core.statusText({ total: 3, shown: 3, query: "grief" }), "3 essays, best first.");
  // It counts what it shows: never a larger number than the essays listed, without saying so.
  assert.equal(core.statusText({ total: 12, shown: 6, query: "grief" }), "6 of 12 essays shown, best first.");
  // More results added to those shown: the count is not read out again.
  assert.equal(core.statusText({ total: 12, query: null }), null);
  assert.match(core.statusText({ error: true }), /^Search could not load/);
});
