// When the closed sidebar search box opens the dialog (essay_kb/search_js/page.js): only for words
// typed or pasted into it. Red-team 2, item 5: the Escape that clears a search box fired `input`
// and re-opened the dialog, so Escape could never leave the search.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers.js");

const { opensSearch } = load("page");

const input = (inputType, isTrusted = true) => ({ inputType, isTrusted });

test("words typed, pasted, dropped or composed open the dialog", () => {
  for (const type of ["insertText", "insertFromPaste", "insertFromDrop", "insertCompositionText", "insertReplacementText"]) {
    assert.equal(opensSearch(input(type), "he hits me"), true, type);
  }
});

test("clearing, deleting, undoing or an untyped input event never opens it", () => {
  // Chrome's Escape in a search box and its clear button send an input event with no inputType.
  assert.equal(opensSearch(input(""), ""), false);
  assert.equal(opensSearch(input(undefined), ""), false);
  assert.equal(opensSearch({}, "words"), false);
  for (const type of ["deleteContentBackward", "deleteByCut", "historyUndo", "historyRedo"]) {
    assert.equal(opensSearch(input(type), "words left"), false, type);
  }
});

test("an empty box, or an event a script made, never opens it", () => {
  assert.equal(opensSearch(input("insertText"), "   "), false);
  assert.equal(opensSearch(input("insertText", false), "words"), false);
});
