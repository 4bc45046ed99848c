/* kb-search, words: the data the search is tuned with (weights, stop words), as plain tables;
 * core.js and rank.js are given them, and change nothing in them. The everyday words readers use
 * (the lay lexicon) are the author's, in docs/lexicon.yaml: the build checks them and ships them
 * as the index's lexicon.json, which reader.js loads with index.json.
 *
 * Module convention (every file in essay_kb/search_js/): a classic script, one function called
 * with the namespace object `kbSearch`. It registers its part there (kbSearch.words, .core, ...)
 * and, when `module` exists (Node), also as module.exports. It takes the parts it needs from the
 * namespace, or under Node with require(), and touches no browser object while it loads. The build
 * (essay_kb/search.py, essay_kb/scripts.py) joins them, in the order they need, into two served
 * files: _static/kb-search.js (page.js, on every page, inside one function that holds the
 * namespace: nothing global) and _static/kb-search-engine.js (the rest, ENGINE_SOURCES), which
 * page.js loads on first use and runs with its own namespace.
 */
(function (kb) {
  "use strict";

  var TUNING = {
    maxTerms: 10,
    minPrefix: 3,            // letters of the word being typed before it is looked up
    slipMinLength: 5,        // shorter words are not matched to words a slip away...
    slipTwoLength: 8,        // ...and words this long, to words two slips away
    // A key pressed soon after the last one is part of a burst of typing: the results follow at once
    // from the files already here, and any more files wait until the reader pauses (so a question
    // typed word by word does not fetch the pages of every word on the way). A pause is a gap
    // longer than pauseFactor times the reader's usual gap between keys, within these bounds.
    pauseMs: [250, 800],
    pauseFactor: 1.6,
    essaysShown: 6,          // at first, and added by "Show more results" (one small file each)
    sectionsPerEssay: 3,
    excerptWords: 26,
    statusWords: 5,          // at most this many of the reader's words are echoed in the status,
    statusLetters: 60,       // and at most this many letters of them
    fieldWeights: { title: 4, summary: 2, tags: 2 },
    synonymWeight: 0.6,      // a synonym's match counts this much of the word's own
    coveragePower: 1,        // essays that cover more of the query (by rarity) rank higher...
    sectionCoveragePower: 0.5, // ...and sections, less strictly: a section answers part of a question
    headingWeight: 6,        // a word in a section's heading counts this many times
    k1: 1.2,
    b: 0.75,
    // Meaning (rank.js): the sections nearest the question in the sentence model's space (summed
    // word vectors, see essay_kb/meaning.py), fused with BM25 by reciprocal rank: an essay or a
    // section scores 1 / (fusionK + its BM25 rank) + meaningWeight / (fusionK + its meaning rank),
    // ranks counted from 0. Tuned on the tuning questions only (tests/relevance/queries-*.yaml).
    meaningWeight: 0.7,
    fusionK: 20,
    bestSections: 3,         // the best sections across the essays, shown first
    meaningFloor: 0.45,      // an essay found by meaning alone is shown if its nearest section is this close
    // Honest when the site has nothing: a question is on a topic the essays cover when its nearest
    // section (cosine) is at least topicCosine, or at least topicCosineWithWords while the best
    // essay by words holds coveredShare of the question (by rarity). Below, the panel says that no
    // essay is about it and offers the themes, instead of a list of weak matches.
    topicCosine: 0.36,
    topicCosineWithWords: 0.31,
    coveredShare: 0.9,
    // Not every page that shares a word: an essay is listed when it holds shortlistShare of the
    // question (by rarity) or its nearest section is within shortlistCosine. (All four tuned
    // together on the 153 tuning questions of issue 20: essay recall@3 0.819, "nothing here" 0.514,
    // against 0.819 and 0.243 with 0.29, 0.26 and no shortlist.)
    shortlistShare: 0.5,
    shortlistCosine: 0.34,
  };

  // Words that say little about what a reader is looking for ("how do I…", "is it normal").
  var STOP_WORDS = (
    "a about above actually after again against all also always am an and any anymore anyone anything " +
    "anyway are arent as at be been before being below between both but by can cant could couldnt did " +
    "didnt do does doesnt doing dont down during each else enough even ever every everyone everything " +
    "few for forever from further get gets getting got had hadnt has hasnt have havent having he hed " +
    "hes her here hers herself him himself his how i id if ill im in instead into is isnt it its itself " +
    "ive just keep keeps know like lot lots many may maybe me might more most much must my myself never " +
    "no nor not now of off ok okay on once one only or other our ours ourselves out over own perhaps " +
    "probably real really right same shall she shes should shouldnt since so some someone something " +
    "still such sure than that thats the their theirs them themselves then there theres these they " +
    "theyre thing things this those through to too under until up us very want wants was wasnt way we " +
    "were werent what whatever whats when where which while who whom whose why will with without wont " +
    "would wouldnt yet you youd youll your youre yours yourself yourselves"
  ).split(" ");

  var words = { TUNING: TUNING, STOP_WORDS: STOP_WORDS };
  kb.words = words;
  if (typeof module === "object" && module.exports) module.exports = words;
})(typeof kbSearch === "object" ? kbSearch : {});
