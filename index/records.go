package index

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	index "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"
	"github.com/blevesearch/vellum/levenshtein"

	"github.com/casebot/casebot/corpus"
)

// Beside its passages, the bleve index holds one bleve document per corpus
// document and three of its own, all with stored fields only (no search
// matches them), written in the same batch as the passages they describe:
//
//	doc:PATH          the document's stored text (doc_text), read when a
//	                  citation's lines are checked or shown
//	casebot:manifest  every document's DocInfo, JSON (blob), read by Info and
//	                  by an update, not at open
//	casebot:acronyms  the acronyms the documents define, JSON (blob), read at
//	                  open: the vocabulary needs them
//	casebot:words     the corpus's words as written, a vellum FST (blob), read
//	                  at the first spelling correction
//	casebot:initials  the names of several capitalised words the documents
//	                  write out and their initials (initials.go), JSON (blob),
//	                  read by the first question
//	casebot:skipped   the files left out, with their hash and the reason,
//	                  JSON (blob), read by an update: an unchanged file that
//	                  would not parse is not read again (an index made before
//	                  it lacks the record, and its first update writes it)
//
// Passage ids end in "#" and digits and document paths in a file extension,
// so none of these ids is a passage's. bleve's internal store keeps only a few
// small keys (see load): the build info without the documents, the
// vocabulary files' rules and the engine version. The internal store is
// written again with every snapshot scorch persists, so bulk data there would
// cost its size again with every batch.
const (
	recManifest = "casebot:manifest"
	recAcronyms = "casebot:acronyms"
	recWords    = "casebot:words"
	recSkipped  = "casebot:skipped"
	recInitials = "casebot:initials"
)

// skipRecord is a corpus file the index left out: its path, its content's
// hash and why it was left out.
type skipRecord struct {
	Path   string `json:"path"`
	Hash   string `json:"hash"`
	Reason string `json:"reason"`
}

// skippedFiles reads the files the index left out, by path.
func (st *state) skippedFiles() (map[string]skipRecord, error) {
	raw, ok, err := storedField(st.bi, recSkipped, fieldBlob)
	if err != nil || !ok {
		return nil, err
	}
	var list []skipRecord
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("read the skipped files: %w", err)
	}
	out := make(map[string]skipRecord, len(list))
	for _, r := range list {
		out[r.Path] = r
	}
	return out, nil
}

// docRecordID is the id of the bleve document that keeps a document's text.
func docRecordID(path string) string { return "doc:" + path }

// storedField reads one stored field of a bleve document.
func storedField(bi interface {
	Document(id string) (index.Document, error)
}, id, field string) ([]byte, bool, error) {
	doc, err := bi.Document(id)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", id, err)
	}
	if doc == nil {
		return nil, false, nil
	}
	var out []byte
	found := false
	doc.VisitFields(func(f index.Field) {
		if f.Name() == field {
			out = append([]byte(nil), f.Value()...)
			found = true
		}
	})
	return out, found, nil
}

// blobDoc is one of the index's own records.
func blobDoc(id string, body []byte) bleveDoc {
	return bleveDoc{ID: id, Fields: map[string]interface{}{fieldBlob: string(body)}}
}

// docs returns the manifest: every indexed document's description, sorted by
// path. It is read from the index the first time it is asked for.
func (st *state) docs() ([]DocInfo, error) {
	st.docsOnce.Do(func() {
		raw, ok, err := storedField(st.bi, recManifest, fieldBlob)
		switch {
		case err != nil:
			st.docsErr = err
		case !ok:
			st.docsErr = errors.New("the index has no manifest")
		default:
			if err := json.Unmarshal(raw, &st.docList); err != nil {
				st.docsErr = fmt.Errorf("read the manifest: %w", err)
			}
		}
	})
	return st.docList, st.docsErr
}

// readAcronyms reads the acronyms the documents define.
func readAcronyms(bi interface {
	Document(id string) (index.Document, error)
}) ([]corpus.Rule, error) {
	raw, ok, err := storedField(bi, recAcronyms, fieldBlob)
	if err != nil || !ok {
		return nil, err
	}
	var rules []corpus.Rule
	if err := json.Unmarshal(raw, &rules); err != nil {
		return nil, fmt.Errorf("read acronyms: %w", err)
	}
	return rules, nil
}

// wordList returns the corpus's words (see appendWords) as an FST, read from
// the index the first time a question needs a spelling correction; nil when
// the index has none.
func (st *state) wordList() *vellum.FST {
	st.wordsOnce.Do(func() {
		raw, ok, err := storedField(st.bi, recWords, fieldBlob)
		if err != nil || !ok || len(raw) == 0 {
			return
		}
		if fst, err := vellum.Load(raw); err == nil {
			st.wordFST = fst
		}
	})
	return st.wordFST
}

// eachWord calls f with every word of an FST from prefix on, in order, until
// f returns false.
func eachWord(fst *vellum.FST, from []byte, f func(w string) bool) {
	if fst == nil {
		return
	}
	it, err := fst.Iterator(from, nil)
	for err == nil {
		k, _ := it.Current()
		if !f(string(k)) {
			return
		}
		err = it.Next()
	}
}

// eachNear calls f, in order, with the words of an FST that start with the
// byte w starts with and lie within limit edits of w (Levenshtein with
// adjacent transpositions, as editDistance counts them), until f returns
// false. An automaton of the words near w walks only the FST's paths that
// can reach one, so a large word list costs what its near words do.
func eachNear(fst *vellum.FST, w string, limit int, f func(c string) bool) {
	if fst == nil || w == "" {
		return
	}
	from := []byte(w[:1])
	var to []byte
	if w[0] < 0xff {
		to = []byte{w[0] + 1}
	}
	var it *vellum.FSTIterator
	var err error
	// Making the automaton costs some tenths of a millisecond: worth it
	// for a long word list only.
	if b := levenshteinBuilder(limit); b != nil && fst.Len() >= minAutomatonWords {
		if dfa, derr := b.BuildDfa(w, uint8(limit)); derr == nil {
			it, err = fst.Search(dfa, from, to)
		} else {
			it, err = fst.Iterator(from, to)
		}
	} else {
		it, err = fst.Iterator(from, to)
	}
	for err == nil {
		k, _ := it.Current()
		if !f(string(k)) {
			return
		}
		err = it.Next()
	}
}

// minAutomatonWords is the fewest words a word list has for eachNear to
// walk it with an automaton rather than read every word of the first
// byte's run (a variable for tests).
var minAutomatonWords = 20000

// levenshteinBuilder returns the (costly to make, then shared) builder of
// automata for a number of edits, 1 or 2; nil for another.
func levenshteinBuilder(limit int) *levenshtein.LevenshteinAutomatonBuilder {
	if limit < 1 || limit > len(levenshteinBuilders) {
		return nil
	}
	return levenshteinBuilders[limit-1]()
}

var levenshteinBuilders = [...]func() *levenshtein.LevenshteinAutomatonBuilder{
	sync.OnceValue(func() *levenshtein.LevenshteinAutomatonBuilder { return newLevenshteinBuilder(1) }),
	sync.OnceValue(func() *levenshtein.LevenshteinAutomatonBuilder { return newLevenshteinBuilder(2) }),
}

func newLevenshteinBuilder(n uint8) *levenshtein.LevenshteinAutomatonBuilder {
	b, err := levenshtein.NewLevenshteinAutomatonBuilder(n, true)
	if err != nil {
		return nil
	}
	return b
}

// encodeWords builds the FST of a sorted, duplicate-free word list.
func encodeWords(words []string) ([]byte, error) {
	var buf bytes.Buffer
	b, err := vellum.New(&buf, nil)
	if err != nil {
		return nil, err
	}
	for _, w := range words {
		if err := b.Insert([]byte(w), 0); err != nil {
			return nil, fmt.Errorf("word list: %w", err)
		}
	}
	if err := b.Close(); err != nil {
		return nil, fmt.Errorf("word list: %w", err)
	}
	return buf.Bytes(), nil
}

// mergeWords adds an FST's words to a set of words and returns them sorted.
func mergeWords(fst *vellum.FST, set map[string]struct{}) []string {
	eachWord(fst, nil, func(w string) bool {
		set[w] = struct{}{}
		return true
	})
	out := make([]string, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// appendWords appends a text's words, as written and lower-cased, to a
// list: the runs of letters of at least four bytes (what a misspelt
// question word is matched to; see correct). The words may share the text's
// memory.
func appendWords(words []string, text string) []string {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			words = appendWord(words, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		words = appendWord(words, text[start:])
	}
	return words
}

func appendWord(words []string, w string) []string {
	if len(w) < 4 {
		return words
	}
	return append(words, strings.ToLower(w))
}
