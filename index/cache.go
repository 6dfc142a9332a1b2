package index

import (
	"encoding/json"
	"sync"
	"unicode"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/casebot/casebot/corpus"
)

// storedPassage is what a search needs of a passage beside its score: its
// text and its metadata, read from the index once and kept.
type storedPassage struct {
	text string
	meta passageMeta

	once sync.Once
	an   *analyzed // the text analyzed, made on first use
}

// analyzed is a text's analysis, for ranking: its tokens in order, where
// each term stands, and its sentences.
type analyzed struct {
	tokens []token
	at     map[string][]int32 // term -> indexes into tokens
	sents  [][2]int           // sentences, as byte ranges of the text
}

// token is one analyzed word of a text and where it stands.
type token struct {
	term       string
	start, end int // bytes
	pos        int // word position (a hyphenated word's joined form shares its first part's)
	sent       int // index into sents
	// name is true for a word written with a capital letter that does not
	// start its sentence.
	name bool
}

// analysis returns the passage's analysis, made the first time.
func (sp *storedPassage) analysis() *analyzed {
	sp.once.Do(func() { sp.an = analyzeText(sp.text) })
	return sp.an
}

// analyzed returns the passage's tokens. Ranking reads them here rather than
// asking the index for match locations, which costs more on every search
// than analyzing each passage once.
func (sp *storedPassage) analyzed() []token { return sp.analysis().tokens }

func analyzeText(text string) *analyzed {
	toks := sharedAnalyzer().Analyze([]byte(text))
	an := &analyzed{tokens: make([]token, 0, len(toks)), at: make(map[string][]int32, len(toks)), sents: corpus.Sentences(text)}
	sent := 0
	first := true // the next token starts a sentence
	for _, t := range toks {
		for sent+1 < len(an.sents) && t.Start >= an.sents[sent][1] {
			sent++
			first = true
		}
		term := string(t.Term)
		r, _ := utf8.DecodeRuneInString(text[t.Start:])
		an.at[term] = append(an.at[term], int32(len(an.tokens)))
		an.tokens = append(an.tokens, token{term: term, start: t.Start, end: t.End, pos: t.Position, sent: sent, name: !first && unicode.IsUpper(r)})
		first = false
	}
	return an
}

// positions returns the word positions of a term.
func (an *analyzed) positions(term string) []int {
	idx := an.at[term]
	if len(idx) == 0 {
		return nil
	}
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = an.tokens[j].pos
	}
	return out
}

// has reports whether the text holds every term.
func (an *analyzed) has(terms []string) bool {
	for _, t := range terms {
		if len(an.at[t]) == 0 {
			return false
		}
	}
	return true
}

// headingTerms returns the distinct terms of a heading or title, analyzing
// it the first time.
func (st *state) headingTerms(h string) map[string]bool {
	if v, ok := st.headings.Load(h); ok {
		return v.(map[string]bool)
	}
	set := map[string]bool{}
	for _, t := range sharedAnalyzer().Analyze([]byte(h)) {
		set[string(t.Term)] = true
	}
	st.headings.Store(h, set)
	return set
}

// passageCache keeps the passages of one state (one version of the index) by
// id, so that ranking a question's candidates costs no stored-field reads or
// JSON decoding after the first time a passage is seen. A new state starts a
// new cache, so a reindex never serves stale passages.
type passageCache struct {
	m sync.Map // id -> *storedPassage
}

func (pc *passageCache) put(id string, sp *storedPassage) { pc.m.Store(id, sp) }

// get returns a passage, reading it from the index the first time.
func (st *state) stored(id string) (*storedPassage, bool) {
	if v, ok := st.cache.m.Load(id); ok {
		return v.(*storedPassage), true
	}
	doc, err := st.bi.Document(id)
	if err != nil || doc == nil {
		return nil, false
	}
	sp := &storedPassage{}
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fieldText:
			sp.text = string(f.Value())
		case fieldMeta:
			_ = json.Unmarshal(f.Value(), &sp.meta)
		}
	})
	st.cache.put(id, sp)
	return sp, true
}
