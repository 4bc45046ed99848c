"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtureReader, urls, FIXTURE, PARTS_FIXTURE, load } = require("./helpers.js");

const WHOLE = ["index.json", "lexicon.json", "w/0.json", "p/0.json"];

test("a small site's index is loaded whole when search opens, and a question fetches nothing", async () => {
  const { reader, asked, questions } = fixtureReader();
  await reader.load();
  assert.deepEqual(asked, WHOLE);
  for (const query of ["grief", "my therapist cancelled last minute", "superbi", "qwxzv"]) {
    const outcome = await reader.search(query, {}, true);
    await reader.loadEssays(outcome, 0, 6);
  }
  assert.deepEqual(asked, WHOLE);
  assert.deepEqual(questions, []);
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
  // ("feel" is on the cancellations essay too, but that is too little of the question to list it.)
  assert.deepEqual(await urls(reader, "paying fees"), ["essays/superbills/"]);
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

test("a slip in a word of five letters or more is matched to the words one or two edits away", async () => {
  const { reader } = fixtureReader();
  const outcome = await reader.search("supperbill", {}, true);
  assert.deepEqual(Array.from(outcome.stems), ["superbil"]);
  // One edit, anywhere in the word, the first letters too: the whole index is in memory.
  assert.deepEqual(Array.from((await reader.search("sesion ", {}, true)).stems), ["session"]);
  assert.deepEqual(Array.from((await reader.search("xession ", {}, true)).stems), ["session"]);
  assert.deepEqual(Array.from((await reader.search("rejectde ", {}, true)).stems), ["reject"]);  // two letters swapped
  // Two edits for a long word; a short word is not guessed at.
  assert.deepEqual(Array.from((await reader.search("relatoinshp ", {}, true)).stems), ["relationship"]);
  assert.deepEqual(await urls(reader, "gref "), []);
  assert.deepEqual(await urls(reader, "insurence "), ["essays/superbills/"]);
  assert.deepEqual(await urls(reader, "qwxzv"), []);
});

test("names every JavaScript object has are looked up as a reader's words, never as the object's own", async () => {
  const { reader } = fixtureReader();
  assert.deepEqual(await urls(reader, "constructor"), []);
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
  assert.deepEqual(asked, ["index.json", "lexicon.json", "w/0.json", "p/0.json", "w/0.json"]);
});

test("the reader follows the file names index.json declares", async () => {
  const files = {};
  const index = JSON.parse(FIXTURE["index.json"]);
  index.format.files.words = "words/{part}.txt";
  for (const [name, text] of Object.entries(FIXTURE)) files[name.replace(/^w\/(.*)\.json$/, "words/$1.txt")] = text;
  files["index.json"] = JSON.stringify(index);
  const { reader, asked } = fixtureReader(files);
  assert.deepEqual(await urls(reader, "grief"), ["essays/grief/"]);
  assert.ok(asked.includes("words/0.txt"));
});

test("forgetting drops every trace of the reader's words; what was loaded whole says nothing of them", async () => {
  const { reader } = fixtureReader();
  assert.deepEqual(await urls(reader, "my therapist cancelled last minute"), ["essays/cancels/"]);
  const before = reader.state();
  assert.ok(before.stems.includes("cancelled") && before.lookups.length);
  reader.forget();
  const after = reader.state();
  assert.deepEqual(after.lookups, []);
  assert.deepEqual(after.stems, []);
  assert.ok(!JSON.stringify(after).includes("cancel"));
  assert.deepEqual(await urls(reader, "cancelled"), ["essays/cancels/"]);
});

// -- A large site: parts, a fixed number fetched per question --------------------------------------

// A repeatable random source, so that two readers draw the same decoys.
function seeded(seed) {
  let x = seed;
  return () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
}

async function questionFetches(query, random) {
  const { reader, asked, questions } = fixtureReader(PARTS_FIXTURE, { random });
  await reader.load();
  const opened = asked.slice();
  const outcome = await reader.search(query, {}, true);
  await reader.loadEssays(outcome, 0, 6);
  return { opened, questions, outcome };
}

test("on a large site every question fetches the same number of parts, its own among others at random", async () => {
  const index = JSON.parse(PARTS_FIXTURE["index.json"]);
  const counts = [];
  for (const query of ["grief", "my therapist cancelled last minute", "superbill fees insurance", "qwxzv"]) {
    const { opened, questions, outcome } = await questionFetches(query, seeded(7));
    assert.deepEqual(opened, ["index.json", "lexicon.json"]);  // nothing of the index before a question
    const words = questions.filter((q) => q.startsWith("w/"));
    const pages = questions.filter((q) => q.startsWith("p/"));
    assert.equal(words.length, index.parts.words.fetch, query);
    assert.equal(pages.length % index.parts.pages.fetch, 0, query);
    assert.equal(new Set(words).size, words.length);
    // In the order of their numbers, so the order says nothing of which were needed.
    const numbers = words.map((w) => Number(w.match(/\d+/)[0]));
    assert.deepEqual(numbers, numbers.slice().sort((a, b) => a - b));
    counts.push([words.length, outcome.pages.length ? "found" : "none"]);
  }
  // The questions are still answered from the parts fetched.
  assert.deepEqual(counts.map((c) => c[1]), ["found", "found", "found", "none"]);
  const { outcome } = await questionFetches("my therapist cancelled last minute", seeded(3));
  assert.equal(outcome.pages[0].data.url, "essays/cancels/");
});

test("on a large site the same question draws other decoys, and what is fetched is forgotten", async () => {
  const a = await questionFetches("grief", seeded(1));
  const b = await questionFetches("grief", seeded(2));
  assert.notDeepEqual(a.questions, b.questions);
  const { reader } = fixtureReader(PARTS_FIXTURE);
  await urls(reader, "grief");
  assert.ok(reader.state().parts.words.length);
  reader.forget();
  assert.deepEqual(reader.state().parts.words, []);
  assert.deepEqual(reader.state().parts.pages, []);
});

test("parts.choose: exactly `fetch` distinct parts, the needed first, ascending", () => {
  const parts = load("parts");
  const info = { count: 10, fetch: 4 };
  const chosen = parts.choose(info, [7, 7, 2], seeded(5));
  assert.equal(chosen.length, 4);
  assert.ok(chosen.includes(7) && chosen.includes(2));
  assert.deepEqual(chosen, chosen.slice().sort((a, b) => a - b));
  assert.deepEqual(parts.choose(info, [1, 2, 3, 4, 5, 6], seeded(5)), [1, 2, 3, 4]);  // no more than fetch
  assert.deepEqual(parts.choose({ count: 3, fetch: 4 }, [], seeded(5)), [0, 1, 2]);
  assert.ok(parts.whole({ count: 3, fetch: 4 }) && !parts.whole(info));
});

// -- Meaning: hand-made vectors in the layout essay_kb/meaning.py writes ---------------------------

const core = load("core");
const int8 = (numbers) => Buffer.from(Int8Array.from(numbers).buffer).toString("base64");

// Three numbers per question vector, two directions kept: "lonely" points one way, "money" the
// other; the fixture's grief introduction lies along "lonely", the superbill section along "money".
// The model's hook is a table here: a question it does not know gets null (no model yet).
const QUESTION_VECTORS = { "bereft": [0, 0.9, 0.436], "lonely": [0, 1, 0], "money": [1, 0, 0], "consent": [-1, 0, 0] };
const embedTable = (query) => {
  const vector = QUESTION_VECTORS[query.trim()];
  return vector ? Promise.resolve(Float32Array.from(vector)) : null;
};

// groups: how many section-vector files, fetch: how many a question fetches (all when no more).
function withMeaning(groups = 1, fetch = 6) {
  const files = { ...FIXTURE };
  const index = JSON.parse(files["index.json"]);
  index.meaning = { dims: 2, probe: 1, centroids: int8(Array(groups).fill([90, 90]).flat()),
    parts: { sectionVectors: { count: groups, fetch } } };
  files["index.json"] = JSON.stringify(index);
  files["m/basis.json"] = JSON.stringify({ scales: [0.01, 0.01], v: int8([100, 0, 0, 0, 100, 0]) });
  for (let g = 1; g < groups; g++) files[`m/s/${g}.json`] = JSON.stringify({ ids: [], v: "" });
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
  const rank = load("rank");
  const best = rank.bestSections(outcome.pages.slice(0, 6));
  assert.equal(best[0].page.id, 1);
  assert.equal(best[0].section.id, "");  // the introduction, where "lonely" is and its vector points
});

test("without the model no file is fetched for meaning: a question fetches nothing after opening", async () => {
  const { reader, asked, questions } = fixtureReader(withMeaning());
  await reader.load();
  const opened = asked.slice();
  for (const query of ["bereft ", "money worries ", "lonely"]) {
    const outcome = await reader.search(query, {}, true);
    assert.equal(outcome.near, null);
    await reader.loadEssays(outcome, 0, 6);
  }
  assert.deepEqual(asked, opened);
  assert.deepEqual(questions, []);
  assert.ok(!asked.some((f) => f.startsWith("m/w/")));
});

test("section vectors in more parts than a question fetches: the same number for every question", async () => {
  const files = withMeaning(8, 3);
  const first = fixtureReader(files, { embed: embedTable, random: seeded(11) });
  await urls(first.reader, "bereft ");
  const second = fixtureReader(files, { embed: embedTable, random: seeded(11) });
  await urls(second.reader, "money ");
  for (const { questions } of [first, second]) assert.equal(questions.filter((q) => q.startsWith("m/s/")).length, 3);
  assert.ok(first.questions.includes("m/s/0.json"));
});

test("the question's vector can come from elsewhere (a model in the browser): ranking takes any vector", async () => {
  const { reader } = fixtureReader(withMeaning(), { questionVector: () => Promise.resolve(Float64Array.from([0, 1])) });
  // "xyzzy" is on no page: the given vector (along "lonely") decides.
  const outcome = await reader.search("xyzzy ", {}, true);
  assert.equal(outcome.pages[0].id, 1);
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
  const plain = load("reader").create({
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

test("forgetting drops the vectors fetched for the reader's words; what was loaded whole stays", async () => {
  const { reader } = fixtureReader(withMeaning(8, 3), { embed: embedTable, random: seeded(5) });
  await urls(reader, "lonely ");
  assert.equal(reader.state().parts.sectionVectors.length, 3);
  reader.forget();
  assert.deepEqual(reader.state().parts.sectionVectors, []);
  assert.deepEqual(reader.state().lookups, []);
  // The directions depend on nothing typed, like index.json: kept as any page of the site.
  assert.ok(reader.state().files.includes("m/basis.json"));
});
