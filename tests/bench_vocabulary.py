"""What pruning the browser model's vocabulary would cost, on the TUNING questions only
(tests/relevance/queries-*.yaml; never the held-out sets). Prints, per cut, the word pieces kept, the
model file's size, recall@3 by essay and by section, "nothing here", how many questions tokenize
otherwise, and whether every section of the site still tokenizes exactly as with the whole vocabulary.

A cut keeps BERT's special tokens and single characters (so no word becomes [UNK]), the word pieces of
the site's sections and lexicon, and those of the N most frequent English words of a list given one
word a line, most frequent first (guide/search.md's figures used wordfreq 3.1.1's top_n_list("en", 30000);
wordfreq's data is CC-BY-SA-4.0 and is not shipped). A pruned model computes exactly what the whole
model computes on the pruned tokenizer's pieces (the embedding rows kept are the same), so each cut is
measured by tokenizing with it and running the whole model.

    .venv/bin/python -m tests.bench_vocabulary WORDS.txt     (after make html: it reads _build/html)
"""
import json, sys, subprocess
import tempfile
from pathlib import Path
import numpy as np
from tokenizers import Tokenizer
sys.path.insert(0, str(Path(__file__).resolve().parent))  # test_search_relevance imports conftest
from test_search_relevance import QUERIES, rank, figures  # noqa: E402  (the tuning set only)
from essay_kb import embedding, meaning
from essay_kb.search_index import Block, Page

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / '_build' / 'html'
QUESTIONS = Path(tempfile.mkdtemp()) / 'questions.json'
full_json = json.loads(embedding.tokenizer_path().read_text())
vocab = full_json['model']['vocab']; inv = {i: t for t, i in vocab.items()}
full = embedding.tokenizer()
texts = []
for path in sorted((SITE / 'search-index' / 'p').glob('*.json')):
    d = json.loads(path.read_text()); page = Page(d['url'], d['title'], [Block(*b) for b in d['blocks']], d['summary'])
    texts += [meaning.section_text(page, i, b) for i, b in enumerate(page.blocks)]
lexicon = (REPO / 'docs' / 'lexicon.yaml').read_text()
base = {t for t in vocab if t.startswith('[') or len(t) == 1 or (t.startswith('##') and len(t) == 3)}
site = {inv[i] for e in full.encode_batch(texts + [lexicon]) for i in e.ids}
top = Path(sys.argv[1]).read_text(encoding='utf-8').split()
def pieces(words): return {inv[i] for e in full.encode_batch(words) for i in e.ids}
cuts = {'site only': base | site}
for n in (5000, 10000, 30000):
    cuts[f'site + {n:,} English words'] = base | site | pieces(top[:n])
cuts['full'] = set(vocab)
model = embedding.Model()
queries = [q['query'] for q in QUERIES]
print('| cut | pieces | model file | essay@3 | section@3 | nothing here | questions tokenized otherwise | sections unchanged |')
print('|---|---:|---:|---:|---:|---:|---:|---|')
for name, kept in cuts.items():
    kept_sorted = sorted(kept, key=vocab.get)
    pruned = json.loads(json.dumps(full_json)); pruned['model']['vocab'] = {t: i for i, t in enumerate(kept_sorted)}
    for key in ('truncation', 'padding'): pruned[key] = None
    pt = Tokenizer.from_str(json.dumps(pruned)); pt.enable_truncation(256)
    # Its ids, back to the full model's rows: the pruned model computes exactly this.
    ids = [[vocab[kept_sorted[i]] for i in e.ids] for e in pt.encode_batch(queries)]
    site_same = all([vocab[kept_sorted[i]] for i in e.ids] == f.ids for e, f in zip(pt.encode_batch(texts), full.encode_batch(texts)))
    vecs = np.vstack([model._encode([x[:256]]) for x in ids])
    QUESTIONS.write_text(json.dumps([{'query': q, 'vector': [float(v) for v in vec]} for q, vec in zip(queries, vecs)]))
    out = json.loads(subprocess.run(['node', str(REPO / 'tests' / 'js' / 'rank-runner.js'), str(SITE / 'search-index'), str(QUESTIONS)], capture_output=True, text=True, check=True).stdout)
    ranks = [rank(h, q['essay'], q.get('section')) for q, h in zip(QUERIES, out)]
    none = [r.essay == 1 for q, r in zip(QUERIES, ranks) if q['essay'] == 'none']
    mb = (embedding.model_path().stat().st_size - (len(vocab) - len(kept)) * 384) / 1e6
    changed = sum(a != b.ids for a, b in zip(ids, full.encode_batch(queries)))
    print(f"| {name} | {len(kept):,} | {mb:.1f} MB | {figures([r.essay for r in ranks])['recall@3']:.3f} | {figures([r.section for r in ranks])['recall@3']:.3f} | {sum(none)}/{len(none)} | {changed} | {site_same} |", flush=True)
