// The browser's sentence model (essay_kb/search_js/model.js) run in Node on ONNX Runtime Web, the
// runtime the site serves (its WebAssembly, no network): reads a JSON list of texts on stdin and
// prints {tokenizer: [ids per text], vectors: [[384 numbers] per text], msPerText, loadMs} (without
// a model file, "-", only the token ids).
//
//   node tests/js/model-runner.js <model.onnx or -> <tokenizer.json> < texts.json
//
// tests/test_model_browser.py compares both with the build's (tokenizers, onnxruntime).
"use strict";

const fs = require("node:fs");
const { load } = require("./helpers.js");

async function main(modelPath, tokenizerPath, texts) {
  const ort = require("onnxruntime-web");
  ort.env.wasm.numThreads = 1;  // as in a page that is not cross-origin isolated
  const model = load("model");
  const vocab = model.vocabOf(JSON.parse(fs.readFileSync(tokenizerPath, "utf8")));
  const tokenize = model.wordPiece(vocab);
  if (modelPath === "-") return { tokenizer: texts.map(tokenize) };
  const started = performance.now();
  const session = await ort.InferenceSession.create(fs.readFileSync(modelPath));
  const loadMs = performance.now() - started;
  const embed = model.embedder(ort, session, tokenize);
  const vectors = [];
  const start = performance.now();
  for (const text of texts) vectors.push(Array.from(await embed(text)));
  const msPerText = (performance.now() - start) / Math.max(1, texts.length);
  return { tokenizer: texts.map(tokenize), vectors, msPerText, loadMs };
}

const texts = JSON.parse(fs.readFileSync(0, "utf8"));
main(process.argv[2], process.argv[3], texts).then(
  (out) => process.stdout.write(JSON.stringify(out)),
  (error) => { process.stderr.write(String(error && error.stack || error) + "\n"); process.exit(1); });
