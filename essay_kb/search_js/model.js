/* kb-search, model: the sentence model on the reader's device. The build embeds every section with
 * all-MiniLM-L6-v2 as an int8 ONNX file (essay_kb/embedding.py); the browser runs that same file on
 * the question with ONNX Runtime Web (WebAssembly), so both sides compute their vectors with one
 * model by construction.
 *
 *   var tokenize = kbSearch.model.wordPiece(vocab);          // text -> token ids, as `tokenizers` gives
 *   var embed = kbSearch.model.embedder(ort, session, tokenize);
 *   embed("my dad passed")                                     // -> Promise of a unit Float32Array(384)
 *
 * `embed` is what the ranking is given (reader.js's one hook). Loading the runtime and the model
 * (which files, when, and the reader's control) is page.js's; nothing here touches the browser.
 * Module convention: see words.js.
 */
(function (kb) {
  "use strict";

  var MAX_TOKENS = 256;        // the model's max_seq_length (essay_kb/embedding.py cuts texts there too)
  var MAX_WORD_LETTERS = 100;  // a longer word is [UNK], as BERT's WordPiece has it

  // -- BERT's uncased WordPiece, as Hugging Face tokenizers runs tokenizer.json ------------------------
  // (BertNormalizer: control characters dropped, white space made one space, CJK characters set
  // apart, accents stripped, lower case; BertPreTokenizer: split on white space and around each
  // punctuation mark; WordPiece: greedy longest match first, "##" before a word's later pieces.)

  function isControl(c) {
    return c !== "\t" && c !== "\n" && c !== "\r" && /\p{C}/u.test(c);
  }

  function isCjk(code) {
    return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) ||
      (code >= 0x20000 && code <= 0x2a6df) || (code >= 0x2a700 && code <= 0x2b73f) ||
      (code >= 0x2b740 && code <= 0x2b81f) || (code >= 0x2b820 && code <= 0x2ceaf) ||
      (code >= 0xf900 && code <= 0xfaff) || (code >= 0x2f800 && code <= 0x2fa1f);
  }

  function isPunctuation(c) {
    var code = c.codePointAt(0);
    if ((code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126)) return true;
    return /\p{P}/u.test(c);
  }

  function normalize(text) {
    var out = "";
    for (var c of text) {
      var code = c.codePointAt(0);
      if (code === 0 || code === 0xfffd || isControl(c)) continue;
      if (/\s/u.test(c)) out += " ";
      else if (isCjk(code)) out += " " + c + " ";
      else out += c;
    }
    return out.normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase();
  }

  function preTokens(text) {
    var tokens = [];
    normalize(text).split(/\s+/u).forEach(function (word) {
      var current = "";
      for (var c of word) {
        if (isPunctuation(c)) {
          if (current) tokens.push(current);
          tokens.push(c);
          current = "";
        } else {
          current += c;
        }
      }
      if (current) tokens.push(current);
    });
    return tokens;
  }

  // The tokens in id order, from tokenizer.json's WordPiece table ({token: id}).
  function vocabOf(tokenizerJson) {
    var table = tokenizerJson.model.vocab;
    var vocab = [];
    Object.keys(table).forEach(function (token) { vocab[table[token]] = token; });
    return vocab;
  }

  // vocab: the tokens in id order (vocabOf).
  function wordPiece(vocab) {
    var ids = new Map();
    vocab.forEach(function (token, i) { ids.set(token, i); });
    var unknown = ids.get("[UNK]");
    var cls = ids.get("[CLS]");
    var sep = ids.get("[SEP]");

    function word(text) {
      var letters = Array.from(text);
      if (letters.length > MAX_WORD_LETTERS) return [unknown];
      var pieces = [];
      var start = 0;
      while (start < letters.length) {
        var end = letters.length;
        var found = -1;
        while (end > start) {
          var piece = (start ? "##" : "") + letters.slice(start, end).join("");
          if (ids.has(piece)) { found = ids.get(piece); break; }
          end -= 1;
        }
        if (found < 0) return [unknown];
        pieces.push(found);
        start = end;
      }
      return pieces;
    }

    return function tokenize(text) {
      var pieces = [];
      preTokens(text).forEach(function (token) { pieces.push.apply(pieces, word(token)); });
      return [cls].concat(pieces.slice(0, MAX_TOKENS - 2), [sep]);
    };
  }

  // -- The forward pass, by ONNX Runtime ---------------------------------------------------------------

  // `ort`: ONNX Runtime's API (onnxruntime-web in the browser, or in Node for the tests); `session`:
  // an InferenceSession on the model file. Mean of the last hidden states over the tokens, normalised,
  // as sentence-transformers pools all-MiniLM-L6-v2.
  function embedder(ort, session, tokenize) {
    return function embed(text) {
      var ids = tokenize(text);
      var n = ids.length;
      var shape = [1, n];
      var feeds = {
        input_ids: new ort.Tensor("int64", BigInt64Array.from(ids, function (i) { return BigInt(i); }), shape),
        attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), shape),
        token_type_ids: new ort.Tensor("int64", new BigInt64Array(n), shape),
      };
      return session.run(feeds).then(function (out) {
        var hidden = out[session.outputNames[0]];
        var dims = hidden.dims[2];
        var data = hidden.data;
        var pooled = new Float32Array(dims);
        for (var t = 0; t < n; t++) for (var d = 0; d < dims; d++) pooled[d] += data[t * dims + d];
        var norm = 0;
        for (d = 0; d < dims; d++) norm += pooled[d] * pooled[d];
        norm = Math.sqrt(norm) || 1;
        for (d = 0; d < dims; d++) pooled[d] /= norm;
        if (hidden.dispose) hidden.dispose();
        return pooled;
      });
    };
  }

  var model = { vocabOf: vocabOf, wordPiece: wordPiece, embedder: embedder, normalize: normalize, preTokens: preTokens, MAX_TOKENS: MAX_TOKENS };
  kb.model = model;
  if (typeof module === "object" && module.exports) module.exports = model;
})(typeof kbSearch === "object" ? kbSearch : {});
