// kb-risk.js, the detector behind search's help card, on the vocabulary as the build compiles it
// (essay_kb/risk.py reads essay_kb/data/risk-phrases.yaml). The full sets of risk phrasings and
// ordinary questions are tests/safety/risk-queries*.yaml, run by tests/test_safety.py.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");
const { execFileSync } = require("node:child_process");

const REPO = path.join(__dirname, "..", "..");
const risk = require(path.join(REPO, "essay_kb", "static", "kb-risk.js"));

// The compiled vocabulary, from the build's own compiler (the project's virtual environment).
function compiledVocabulary() {
  const venv = path.join(REPO, ".venv", "bin", "python");
  const python = process.env.KB_PYTHON || (fs.existsSync(venv) ? venv : "python3");
  return JSON.parse(execFileSync(python, ["-m", "essay_kb", "risk"], { cwd: REPO, encoding: "utf8" }));
}

const vocabulary = risk.compile(compiledVocabulary());
const assess = (query) => risk.assess(query, vocabulary);
const categories = (query) => (assess(query) || { categories: [] }).categories;

// A vocabulary written in the test, compiled the way risk.py compiles phrases.
function tiny(categoriesData) {
  return risk.compile({ categories: categoriesData });
}

test("the module loads in Node without a document and exposes its API", () => {
  assert.equal(typeof document, "undefined");
  for (const name of ["normalise", "compile", "load", "assess", "safetyPageFor"]) assert.equal(typeof risk[name], "function");
});

test("a reader's words are compared without case, accents, apostrophes or punctuation", () => {
  assert.equal(risk.normalise("I’m NOT   okay!!"), "im not okay");
  assert.equal(risk.normalise("self-harm… café"), "self harm cafe");
  assert.equal(risk.normalise("k1ll mys3lf, su!cide"), "kill myself suicide");
  assert.equal(risk.normalise("call 988 or 911"), "call 988 or 911");  // numbers stay numbers
  assert.equal(risk.normalise(""), "");
});

test("the words in the issue show help, each with the right line first", () => {
  for (const query of ["i want to die", "kms", "unalive", "cutting"]) {
    assert.equal(assess(query).lines[0], "crisis", query);
  }
  assert.equal(assess("he hits me").lines[0], "domestic-violence");
  assert.equal(assess("took too many pills").lines[0], "emergency");
  assert.ok(assess("took too many pills").lines.includes("crisis"));
});

test("figurative uses stay calm", () => {
  for (const query of ["this traffic is killing me", "cutting back on sessions", "i want to die my hair blue",
    "my sister beat me at chess", "my friend hit me up", "i'm dying to know what a copay is", "dead tired"]) {
    assert.equal(assess(query), null, query);
  }
});

test("a figurative use elsewhere in the query does not hide a real one", () => {
  assert.deepEqual(categories("cutting back on sessions because i keep cutting myself"), ["self-harm"]);
  assert.deepEqual(categories("i want to die my hair and i want to die"), ["suicide"]);
});

test("stretched words and look-alike symbols are read as words", () => {
  assert.ok(categories("i want to diiiie").includes("suicide"));
  assert.ok(categories("su1c1de").includes("suicide"));
});

test("the card's message is the most urgent category's; its lines are every category's, in order", () => {
  const found = assess("i took a bottle of pills and i want to die");
  assert.deepEqual(found.categories.slice(0, 2), ["emergency", "suicide"]);
  assert.equal(found.lines[0], "emergency");
  assert.equal(new Set(found.lines).size, found.lines.length);
  assert.equal(found.message, vocabulary.categories[0].message);
});

test("safetyPageFor gives the help page's address from the site root, or null", () => {
  assert.equal(risk.safetyPageFor("i want to die", vocabulary), "help/thinking-about-suicide/");
  assert.equal(risk.safetyPageFor("my partner hits me", vocabulary), "help/not-safe-at-home/");
  assert.equal(risk.safetyPageFor("self harm again tonight", vocabulary), "help/hurting-yourself/");
  // Self-harm with thoughts of suicide: the more urgent page comes first.
  assert.equal(risk.safetyPageFor("i cut myself and want to die", vocabulary), "help/thinking-about-suicide/");
  assert.equal(risk.safetyPageFor("what is a superbill", vocabulary), null);
  assert.equal(risk.safetyPageFor("", vocabulary), null);
});

test("phrases match whole words, word beginnings, numbers and gaps as compiled", () => {
  // The regular expressions are risk.py's compile_phrase output for these phrases.
  const vocab = tiny([{
    key: "t", message: "m", lines: ["crisis"],
    match: [" want to die(?= )", " suicid[a-z0-9]*(?= )", " took [0-9]+(?: [a-z0-9]+){0,3} pills(?= )"],
    unless: [" die my hair(?= )"],
  }]);
  assert.ok(risk.assess("i want to die", vocab));
  assert.equal(risk.assess("i want to diet", vocab), null);
  assert.ok(risk.assess("suicidal", vocab));
  assert.ok(risk.assess("i took 20 of my pills", vocab));
  assert.equal(risk.assess("i took my pills", vocab), null);
  assert.equal(risk.assess("want to die my hair", vocab), null);
});

test("the browser's copy of the vocabulary is used when none is given", () => {
  assert.equal(risk.assess("i want to die"), null);  // nothing loaded yet in Node
  risk.load(compiledVocabulary());
  assert.ok(risk.assess("i want to die"));
});

test("a question about someone else's death by suicide is a loss, not the reader's own risk", () => {
  assert.equal(risk.mentionsLoss("my brother killed himself", vocabulary), true);
  assert.equal(risk.mentionsLoss("Grief after someone dies by suicide", vocabulary), true);
  assert.equal(risk.mentionsLoss("my dad took his own life", vocabulary), true);
  for (const own of ["i want to die", "i want to kill myself", "my friend wants to kill herself", "If you are thinking about suicide"]) {
    assert.equal(risk.mentionsLoss(own, vocabulary), false, own);
    const found = assess(own);
    assert.ok(!found || found.loss === false, own);
  }
  assert.deepEqual(assess("i want to die").pages.map((p) => p.url), ["help/thinking-about-suicide/"]);
});
