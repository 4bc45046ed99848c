// The reading list's pure core and its section-map reader (essay_kb/reading_list_js/), without a
// browser: the link's "#..." part both ways, the list's changes, the note's limits, and look-ups.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const MODULES = path.join(__dirname, "..", "..", "essay_kb", "reading_list_js");
const core = require(path.join(MODULES, "core.js"));
const data = require(path.join(MODULES, "data.js"));
const qrcode = require(path.join(__dirname, "..", "..", "essay_kb", "vendor", "qrcode-generator.js"));

const { LIMITS } = core;

test("a list's link part holds its ids in order and its note, and reads back the same", () => {
  const list = { ids: ["speaking-up", "what-repair-looks-like", "one-small-boundary"], note: "Read this before Thursday" };
  const fragment = core.format(list);
  assert.equal(fragment, "s=speaking-up.what-repair-looks-like.one-small-boundary&n=Read+this+before+Thursday");
  assert.deepEqual(core.parse("#" + fragment), { ...list, dropped: 0, opaque: false });
  assert.deepEqual(core.parse(fragment), { ...list, dropped: 0, opaque: false });
});

test("the same list always gives the same link, and another order another link", () => {
  const a = core.format({ ids: ["b-two", "a-one"], note: "  see   you\nsoon " });
  assert.equal(a, core.format({ ids: ["b-two", "a-one", "b-two"], note: "see you soon" }));
  assert.equal(a, core.format(core.parse(a)));
  assert.notEqual(a, core.format({ ids: ["a-one", "b-two"], note: "see you soon" }));
  assert.equal(core.format({ ids: ["a-one"], note: "" }), "s=a-one");
  assert.equal(core.format({ ids: [], note: "a note alone is no list" }), "");
});

test("reading a link leaves out what it cannot read, counts it, and never throws", () => {
  assert.deepEqual(core.parse("#s=good-id.Bad_ID..%zz.<script>.also-good&x=1&n"), { ids: ["good-id", "also-good"], note: "", dropped: 3, opaque: false });
  assert.deepEqual(core.parse("#n=only+a+note"), { ids: [], note: "only a note", dropped: 0, opaque: false });
  assert.deepEqual(core.parse("#n=%E2%82&s=a"), { ids: ["a"], note: "", dropped: 0, opaque: false }); // cut inside a character
  assert.deepEqual(core.parse(""), { ids: [], note: "", dropped: 0, opaque: false });
  assert.deepEqual(core.parse("#s=one.one.two"), { ids: ["one", "two"], note: "", dropped: 0, opaque: false });
  const many = Array.from({ length: LIMITS.sections + 3 }, (_, i) => "id-" + i);
  const read = core.parse("#s=" + many.join("."));
  assert.deepEqual(read.ids, many.slice(0, LIMITS.sections));
  assert.equal(read.dropped, 3);
  assert.deepEqual(core.parse("#s=" + "a".repeat(LIMITS.idChars + 1) + ".b").ids, ["b"]);
  // A messaging app may percent-encode what it does not need to.
  assert.deepEqual(core.parse("#s=first%2Did.second").ids, ["first-id", "second"]);
});

test("a note is kept as text: markup, plus signs and ampersands survive the link unchanged", () => {
  const note = "<b>Read</b> 1 + 1 & \"this\" = #2?";
  const fragment = core.format({ ids: ["a"], note });
  assert.ok(!/[<>"#&=\s]/.test(fragment.slice("s=a&n=".length)), fragment);
  assert.equal(core.parse(fragment).note, note);
});

test("a note is one line without control or text-reordering characters, within its limits", () => {
  assert.equal(core.normaliseNote("  read\tthis\n\nfirst  "), "read this first");
  assert.equal(core.normaliseNote("a\u0000b\u202ec\u2066d\u200fe"), "abcde");
  assert.equal(core.normaliseNote("half \ud83d of a character"), "half of a character");
  const long = "word ".repeat(100);
  assert.equal(Array.from(core.normaliseNote(long)).length <= LIMITS.noteChars, true);
  const emoji = "🙂".repeat(LIMITS.noteChars);
  const kept = core.normaliseNote(emoji);
  assert.ok(kept.length > 0 && encodeURIComponent(kept).length <= LIMITS.noteEncoded);
  assert.ok(Array.from(kept).every((c) => c === "🙂")); // never half an emoji
  assert.equal(core.parse("#s=a&n=" + "x".repeat(1000)).note.length, LIMITS.noteChars);
});

test("a list's address part is told from a section's own", () => {
  assert.equal(core.isList("#s=a.b"), true);
  assert.equal(core.isList("#n=x&s=a"), true);
  assert.equal(core.isList("#speaking-up"), false);
  assert.equal(core.isList(""), false);
  assert.equal(core.idOf("https://kb.test/essays/one/#one-first"), "one-first");
  assert.equal(core.idOf("https://kb.test/essays/one/"), "");
  assert.equal(core.idOf("https://kb.test/essays/one/#Not an id"), "");
});

test("adding, moving and removing give new lists and leave the old one alone", () => {
  const ids = ["a", "b", "c"];
  assert.deepEqual(core.added(ids, "d"), ["a", "b", "c", "d"]);
  assert.deepEqual(core.added(ids, "b"), ids);
  assert.deepEqual(core.added(ids, "Not valid"), ids);
  assert.deepEqual(core.moved(ids, "c", -1), ["a", "c", "b"]);
  assert.deepEqual(core.moved(ids, "a", 1), ["b", "a", "c"]);
  assert.deepEqual(core.moved(ids, "a", -1), ids);
  assert.deepEqual(core.moved(ids, "c", 1), ids);
  assert.deepEqual(core.moved(ids, "zz", 1), ids);
  assert.deepEqual(core.removed(ids, "b"), ["a", "c"]);
  assert.deepEqual(ids, ["a", "b", "c"]);
  const full = Array.from({ length: LIMITS.sections }, (_, i) => "s" + i);
  assert.equal(core.isFull(full), true);
  assert.deepEqual(core.added(full, "one-more"), full);
});

test("ids renamed since the link was made become today's; gone ones are left out", () => {
  const today = (id) => ({ old: "new", gone: "" })[id];
  assert.deepEqual(core.renamed(["old", "kept", "gone", "new"], today), ["new", "kept"]);
});

test("an id's file of the section map is a 32-bit multiply-by-31 hash", () => {
  assert.equal(core.shardOf("", 32), 0);
  assert.equal(core.shardOf("a", 32), 97 % 32);
  assert.equal(core.shardOf("ab", 32), (97 * 31 + 98) % 32);
  const long = "a-very-long-section-id-that-overflows-thirty-two-bits-many-times-over";
  let value = 0n;
  for (const c of long) value = (value * 31n + BigInt(c.charCodeAt(0))) % 2n ** 32n;
  assert.equal(core.shardOf(long, 32), Number(value % 32n));
  assert.equal(core.shardName(7), "07.json");
  assert.equal(core.shardName(31), "31.json");
});

test("a QR code's path covers exactly its dark modules, inside the quiet zone", () => {
  const qr = qrcode(0, "M");
  qr.addData("https://kb.test/reading-list/#s=one-first.two-second&n=Read+before+Thursday", "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const drawn = new Set();
  for (const [, x, y, run] of core.qrPath(count, qr.isDark, 4).matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let i = 0; i < Number(run); i++) drawn.add(`${Number(y) - 4},${Number(x) - 4 + i}`);
  }
  const dark = new Set();
  for (let r = 0; r < count; r++) for (let c = 0; c < count; c++) if (qr.isDark(r, c)) dark.add(`${r},${c}`);
  assert.deepEqual(drawn, dark);
  assert.ok(core.qrPrintWidth(count, 4) >= (count + 8) * 0.5 && core.qrPrintWidth(count, 4) >= 35);
});

test("the section map is read a file at a time, once, and tells found, missing and failed apart", async () => {
  const shards = 4;
  const files = {};
  const put = (id, row) => {
    const name = core.shardName(core.shardOf(id, shards));
    (files[name] = files[name] || {})[id] = row;
  };
  put("kept", ["essays/a/", "kept", "Kept", "Essay A"]);
  put("old-name", ["essays/b/", "new-name", "New name", "Essay B"]);
  put("folded", ["essays/c/", "", "", "Essay C"]);
  const asked = [];
  let offline = true;
  const map = data.create({
    shards,
    load: (name) => {
      asked.push(name);
      if (name === core.shardName(core.shardOf("unlucky", shards)) && offline) return Promise.reject(new Error("503"));
      return Promise.resolve(files[name] || {});
    },
  });
  const ids = ["kept", "old-name", "folded", "never-was", "unlucky"];
  const entries = await map.lookup(ids);
  assert.deepEqual([...entries.keys()], ids);
  assert.deepEqual(entries.get("kept"), { status: "found", page: "essays/a/", id: "kept", heading: "Kept", title: "Essay A",
                                          code: "", discreet: false });
  assert.equal(entries.get("old-name").id, "new-name");
  assert.equal(entries.get("never-was").status, "missing");
  assert.equal(entries.get("unlucky").status, "failed");
  const today = map.today(entries);
  assert.deepEqual(ids.map(today), ["kept", "new-name", "folded", "", undefined]);
  assert.deepEqual(core.renamed(ids, today), ["kept", "new-name", "folded", "unlucky"]);
  assert.equal(new Set(asked).size, asked.length, "a file was loaded twice");
  offline = false;
  const before = asked.length;
  await map.lookup(["kept", "unlucky"]);
  assert.deepEqual(asked.slice(before), [core.shardName(core.shardOf("unlucky", shards))]); // only the failed one again
});

// -- opaque links: short codes from the ledger instead of ids (issue 22) -------------------------------

const KNOWN = new Map([
  ["signs-of-abuse-beyond-hitting", { code: "5k", discreet: true }],
  ["why-a-cancelled-session-hurts", { code: "2", discreet: false }],
  ["not-in-the-ledger-yet", { code: "", discreet: false }],
]);
const known = (id) => KNOWN.get(id);

test("a list with a section of a discreet page is sent by short codes, and reads back as codes", () => {
  const list = { ids: ["why-a-cancelled-session-hurts", "signs-of-abuse-beyond-hitting"], note: "For Thursday" };
  const fragment = core.format(list, known);
  assert.equal(fragment, "c=2.5k&n=For+Thursday");
  assert.ok(!/abuse|cancelled/.test(fragment));
  const read = core.parse("#" + fragment);
  assert.deepEqual(read, { ids: ["~2", "~5k"], note: "For Thursday", dropped: 0, opaque: true });
  assert.ok(core.isList("#" + fragment));
  // Sent on as it came: the codes stand for themselves, with or without a look-up.
  assert.equal(core.format(read), fragment);
  assert.equal(core.format({ ids: list.ids, note: list.note, opaque: read.opaque }, known), fragment);
});

test("other lists stay readable unless asked, and a reader can ask either way", () => {
  const plain = { ids: ["why-a-cancelled-session-hurts"], note: "" };
  assert.equal(core.format(plain, known), "s=why-a-cancelled-session-hurts");
  assert.equal(core.format({ ...plain, opaque: true }, known), "c=2");
  const discreet = { ids: ["signs-of-abuse-beyond-hitting"], note: "" };
  assert.equal(core.format({ ...discreet, opaque: false }, known), "s=signs-of-abuse-beyond-hitting");
  assert.equal(core.wantsOpaque(discreet, known), true);
  assert.equal(core.wantsOpaque(plain, known), false);
});

test("a section without a short code yet keeps the whole link readable rather than half of it", () => {
  assert.equal(core.format({ ids: ["not-in-the-ledger-yet", "signs-of-abuse-beyond-hitting"], note: "" }, known),
    "s=not-in-the-ledger-yet.signs-of-abuse-beyond-hitting");
});

test("a malformed code is left out and counted; an id is never read as a code", () => {
  assert.deepEqual(core.parse("#c=2.BAD.toolongcode1.~3.5k"), { ids: ["~2", "~5k"], note: "", dropped: 3, opaque: true });
  assert.deepEqual(core.parse("#s=~2.a").ids, ["a"]);
});

test("a short code is looked up like an old id: it finds the section it stands for today", async () => {
  const shards = 4;
  const files = {};
  const put = (key, row) => {
    const name = core.shardName(core.shardOf(key, shards));
    (files[name] = files[name] || {})[key] = row;
  };
  const row = ["help/home/", "home-now", "In danger right now", "Not safe at home", "5k", true];
  put("home-now", row);
  put("~5k", row);
  const map = data.create({ shards, load: (name) => Promise.resolve(files[name] || {}) });
  const entries = await map.lookup(["~5k"]);
  const today = map.today(entries);
  assert.deepEqual(core.renamed(["~5k"], today), ["home-now"]);
  assert.deepEqual(map.known(entries)("home-now"), { code: "5k", discreet: true });
});
