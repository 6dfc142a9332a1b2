// Package index is casebot's answer engine, and the only package that
// imports bleve. It indexes a corpus's passages, turns a question into a safe
// query, ranks the passages it finds, and answers with the sentence that
// carries the match and citations that quote their source, or says that the
// documents do not cover the question.
//
// # The bleve documents
//
// Each searchable passage (corpus.Passage; headings are not) is one bleve
// document whose id is the passage id ("notes/agencies.md#007"):
//
//	text     the passage text; stored (citations quote it) and analysed with
//	         casebot_en (analysis.go), with term vectors. BM25 retrieval and
//	         the document frequencies behind every weight come from it.
//	section  the heading path ("The key success factors"), casebot_en: a
//	         question about a section's topic finds its passages by it.
//	context  a table row's header row, casebot_en: "2010 | 1st" is found by
//	         "EGDI rank".
//	title    the document title, and kind its kind ("article", "note"),
//	         casebot_en. They hold the same words for every passage of a
//	         document, so they are not searched; their dictionaries tell which
//	         words the corpus knows, and candidates are matched against them.
//	source   the document path, keyword.
//	list     "source#first-item" for list items, keyword: a list answer
//	         fetches its items by it.
//	years    every year a passage's spans cover ("2008 to 2012" gives 2008 ...
//	         2012), numeric: "what happened in 2009?" finds the passages whose
//	         periods hold 2009.
//	meta     JSON, stored only: everything else a citation and the ranking
//	         need (line range, section path, kind, list, document boost, year
//	         spans, number positions, leads; see passageMeta).
//
// Beside the passages, each corpus document has one more bleve document,
// doc:PATH, keeping its stored text (doc_text, stored only), and the index
// has three of its own (records.go): casebot:manifest (every document's
// path, hash, size, passage count and the acronyms its text defines),
// casebot:acronyms (those acronyms, read at open) and casebot:words (the
// corpus's words as written, a vellum FST, for spelling corrections). All
// are written in the batch that writes the passages they describe, and
// read when first needed. bleve's internal key-value store, which scorch
// writes again with every snapshot it persists, keeps only small keys:
// casebot/info (version, build time, counts), casebot/rules (the corpus's
// vocabulary files) and casebot/engine (the engine version, engine.go).
//
// Searches score BM25 over the passages alone (passageIndex), and a
// question's disjunction is scored term at a time (topk.go), with bleve's
// own scores.
//
// # Answering
//
// Ask (answer.go) reads the question (question.go: its words, years, the
// kind of answer asked for; no index needed), weighs it against the corpus
// (plan.go: concepts with their alternatives from the vocabulary, WordNet
// (wordnet.go) and spelling corrections (typo.go), each of its own kind of
// match), retrieves candidates with two bleve disjunctions of term queries,
// never the query-string syntax (retrieve.go, topk.go), describes each by
// named features and scores it with the model (features.go, model.go: the
// weights in model.json, fitted by Train in train.go), decides from the
// answer features whether the best one answers the question, and builds the
// quote and highlights (quote.go); list.go makes list and numbered-series
// answers, eval.go scores question files.
//
// # Storage
//
// In memory (Build with no directory) or on disk as a store of generations
// with an atomic CURRENT pointer and a lock (store.go). A build streams the
// corpus (corpus.Scan) through workers on every core to one writer, in
// batches bounded by their passages and by their postings, a long document
// mapped a part at a time as it is written (build.go). Update re-analyses
// only what changed, in one bounded batch, or rebuilds beside the live index
// and swaps it in; an index another engine version wrote is refused by Open
// and rebuilt by OpenCorpus (engine.go). An Index is safe for concurrent use throughout; what it reads
// on demand it keeps in bounded caches (cache.go).
package index
