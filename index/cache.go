package index

import (
	"encoding/json"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// storedPassage is what a search needs of a passage beside its score: its
// text and its metadata, read from the index once and kept.
type storedPassage struct {
	text string
	meta passageMeta

	tokensOnce sync.Once
	tokens     []token                // the text analyzed, made on first use
	locs       search.TermLocationMap // the same, by term
}

// token is one analyzed word of a passage and where it stands.
type token struct {
	term       string
	start, end int
}

// analyzed returns the passage's tokens, analyzing its text the first time.
func (sp *storedPassage) analyzed() []token {
	sp.tokensOnce.Do(func() {
		sp.tokens, sp.locs = analyzeText(sp.text)
	})
	return sp.tokens
}

// locations returns where each term stands in the passage's text. Ranking
// reads them here rather than asking the index for match locations, which
// costs more on every search than analyzing each passage once.
func (sp *storedPassage) locations() search.TermLocationMap {
	sp.analyzed()
	return sp.locs
}

func analyzeText(text string) ([]token, search.TermLocationMap) {
	toks := sharedAnalyzer().Analyze([]byte(text))
	out := make([]token, 0, len(toks))
	locs := make(search.TermLocationMap, len(toks))
	for _, t := range toks {
		term := string(t.Term)
		out = append(out, token{term, t.Start, t.End})
		locs[term] = append(locs[term], &search.Location{Pos: uint64(t.Position), Start: uint64(t.Start), End: uint64(t.End)})
	}
	return out, locs
}

// headingLocs returns where each term stands in a heading path or a table
// header, analyzing it the first time.
func (st *state) headingLocs(h string) search.TermLocationMap {
	if h == "" {
		return nil
	}
	if v, ok := st.headingLocCache.Load(h); ok {
		return v.(search.TermLocationMap)
	}
	_, locs := analyzeText(h)
	st.headingLocCache.Store(h, locs)
	return locs
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
