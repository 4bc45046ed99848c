"use strict";

// The browser's sentence model (essay_kb/search_js/model.js) without its weights: the WordPiece
// tokenizer on a hand-made vocabulary, and the pooling on a fake session. tests/test_model_browser.py
// checks both against the build's tokenizers and onnxruntime on the real model.
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers.js");

const model = load("model");
const VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "i", "can", "##t", "stop", "cry", "##ing", "!", ",", "'", "cafe", "東", "京", "a"];
const tokenize = model.wordPiece(VOCAB);
const id = (token) => VOCAB.indexOf(token);

test("words become the longest word pieces first, with [CLS] and [SEP] around them", () => {
  assert.deepEqual(tokenize("I cant stop crying!"),
    [2, id("i"), id("can"), id("##t"), id("stop"), id("cry"), id("##ing"), id("!"), 3]);
  // Punctuation is a word of its own: "t" after the apostrophe begins a word, and is not "##t".
  assert.deepEqual(tokenize("can't"), [2, id("can"), id("'"), id("[UNK]"), 3]);
});

test("accents, case, control characters and CJK characters are handled as BERT's normalizer does", () => {
  assert.deepEqual(tokenize("CAFÉ\u0000 東京"), [2, id("cafe"), id("東"), id("京"), 3]);
  assert.deepEqual(tokenize("zebra"), [2, id("[UNK]"), 3]);  // no piece fits: the whole word is unknown
  assert.deepEqual(tokenize("a".repeat(101)), [2, id("[UNK]"), 3]);  // longer than 100 letters
});

test("a long text is cut at the model's length, [SEP] kept", () => {
  const ids = tokenize("a ".repeat(400));
  assert.equal(ids.length, model.MAX_TOKENS);
  assert.equal(ids[ids.length - 1], 3);
});

test("the vocabulary is read from tokenizer.json's table in id order", () => {
  assert.deepEqual(model.vocabOf({ model: { vocab: { b: 1, a: 0, c: 2 } } }), ["a", "b", "c"]);
});

test("the question's vector is the mean of its tokens' states, normalised", async () => {
  const fed = [];
  const ort = { Tensor: function (type, data, dims) { this.type = type; this.data = data; this.dims = dims; } };
  const session = {
    outputNames: ["last_hidden_state"],
    run: (feeds) => {
      fed.push(feeds);
      // Three tokens, two numbers each: the mean is (2, 0), so the unit vector is (1, 0).
      return Promise.resolve({ last_hidden_state: { dims: [1, 3, 2], data: Float32Array.from([1, 1, 2, -1, 3, 0]) } });
    },
  };
  const embed = model.embedder(ort, session, () => [2, 7, 3]);
  assert.deepEqual(Array.from(await embed("anything")), [1, 0]);
  assert.deepEqual(Array.from(fed[0].input_ids.data), [2n, 7n, 3n]);
  assert.deepEqual(Array.from(fed[0].attention_mask.data), [1n, 1n, 1n]);
  assert.deepEqual(Array.from(fed[0].token_type_ids.data), [0n, 0n, 0n]);
  assert.equal(fed[0].input_ids.type, "int64");
});
