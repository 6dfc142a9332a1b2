package index

import (
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/casebot/casebot/corpus"
)

// storedPassage is what a search needs of a passage beside its score: its
// text and its metadata, read from the index once and kept.
type storedPassage struct {
	text string
	meta passageMeta

	once sync.Once
	an   *analyzed // the text analyzed, made on first use

	headsOnce sync.Once
	heads     [numHeads]*head // see the head* constants
}

// The headings a passage is measured against, by index into
// storedPassage.heads; headLead and headLast are nil for a passage under no
// heading.
const (
	headSection = iota // its headings and table header
	headTitle          // its document's title and kind
	headLead           // the title and the last heading, which a section's opening passage answers for
	headLast           // the last heading alone
	headDoc            // the title alone, which a document's opening passage answers for
	numHeads
)

// head is a heading's (or a title's) terms: one value per distinct text
// while it is cached, shared by the passages under it, so that its pointer
// tells headings apart at the cost of comparing a word.
type head struct {
	terms map[string]bool
}

// headings returns the passage's headings and title (see the head*
// constants), with their terms, looked up the first time.
func (sp *storedPassage) headings(st *state) *[numHeads]*head {
	sp.headsOnce.Do(func() {
		m := sp.meta
		sp.heads[headSection] = st.heading(strings.Join(m.Section, " > ") + "\n" + m.Context)
		sp.heads[headTitle] = st.heading(m.Title + "\n" + m.DocKind)
		sp.heads[headDoc] = st.heading(m.Title)
		if len(m.Section) > 0 {
			last := m.Section[len(m.Section)-1]
			sp.heads[headLead] = st.heading(strings.TrimSpace(m.Title + "\n" + last))
			sp.heads[headLast] = st.heading(last)
		}
	})
	return &sp.heads
}

// analyzed is a text's analysis, for ranking: its tokens in order, where
// each term stands, and its sentences.
type analyzed struct {
	tokens []token
	at     map[string][]int32 // term -> indexes into tokens
	sents  [][2]int           // sentences, as byte ranges of the text
	// surface are its words as the nearness features read them (near.go).
	surface []surfaceWord
	// plain counts its words as the query likelihood reads them (likelihood.go).
	plain plainCounts
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
	an := &analyzed{tokens: make([]token, 0, len(toks)), at: make(map[string][]int32, len(toks)), sents: corpus.Sentences(text),
		surface: surfaceWords(text), plain: countPlainWords(text)}
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

// heading returns a heading's analysis, made the first time it is asked
// for while it stays cached.
func (st *state) heading(h string) *head {
	if v, ok := st.headings.Load(h); ok {
		return v.(*head)
	}
	set := map[string]bool{}
	for _, t := range sharedAnalyzer().Analyze([]byte(h)) {
		set[string(t.Term)] = true
	}
	hd := &head{set}
	st.headings.Store(h, hd)
	return hd
}

// Caches of a state (one version of the index): filled on demand, bounded,
// and dropped with the state, so a reindex never serves stale entries.
// maxCachedPassages bounds the passages kept with their analysis (a few
// kilobytes each): a question reads some fifty to a hundred. (A variable
// for tests.)
var maxCachedPassages = 8192

const (
	// maxCachedHeadings bounds each cache of analysed headings and titles,
	// and of numbered series.
	maxCachedHeadings = 8192
	// maxCachedCounts bounds the term counts kept per field.
	maxCachedCounts = 1 << 17
)

// passageCache keeps the most recently used passages by id, so that
// ranking a question's candidates costs no stored-field reads, JSON decoding
// or analysis for a passage seen recently.
type passageCache struct {
	once sync.Once
	lru  *lru.Cache[string, *storedPassage]
}

func (pc *passageCache) cache() *lru.Cache[string, *storedPassage] {
	pc.once.Do(func() {
		// New fails only on a size below one.
		pc.lru, _ = lru.New[string, *storedPassage](maxCachedPassages)
	})
	return pc.lru
}

// stored returns a passage, reading it from the index when it is not cached.
func (st *state) stored(id string) (*storedPassage, bool) {
	c := st.cache.cache()
	if sp, ok := c.Get(id); ok {
		return sp, true
	}
	doc, err := st.bi.Document(id)
	if err != nil || doc == nil {
		return nil, false
	}
	sp := &storedPassage{}
	found := false
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fieldText:
			sp.text = string(f.Value())
			found = true
		case fieldMeta:
			_ = json.Unmarshal(f.Value(), &sp.meta)
		}
	})
	if !found {
		return nil, false // not a passage (a record, see records.go)
	}
	c.Add(id, sp)
	return sp, true
}

// boundedMap is a cache with sync.Map's Load and Store that keeps the most
// recently used maxCachedHeadings entries.
type boundedMap struct {
	once sync.Once
	lru  *lru.Cache[any, any]
}

func (m *boundedMap) cache() *lru.Cache[any, any] {
	m.once.Do(func() { m.lru, _ = lru.New[any, any](maxCachedHeadings) })
	return m.lru
}

func (m *boundedMap) Load(key any) (any, bool) { return m.cache().Get(key) }

func (m *boundedMap) Store(key, value any) { m.cache().Add(key, value) }

// termCounts caches term counts by field. Reads take no lock; a field's
// cache is emptied when it reaches maxCachedCounts entries.
type termCounts struct {
	mu     sync.Mutex
	fields map[string]*countCache
	// text is the text field's, which most lookups are for.
	text countCache
}

type countCache struct {
	m atomic.Pointer[sync.Map]
	n atomic.Int64
}

func (tc *termCounts) field(f string) *countCache {
	if f == fieldText {
		return &tc.text
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.fields == nil {
		tc.fields = map[string]*countCache{}
	}
	c, ok := tc.fields[f]
	if !ok {
		c = &countCache{}
		tc.fields[f] = c
	}
	return c
}

func (tc *termCounts) load(field, term string) (int, bool) {
	m := tc.field(field).m.Load()
	if m == nil {
		return 0, false
	}
	v, ok := m.Load(term)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

func (tc *termCounts) store(field, term string, n int) {
	c := tc.field(field)
	m := c.m.Load()
	if m == nil || c.n.Add(1) > maxCachedCounts {
		m = new(sync.Map)
		c.m.Store(m)
		c.n.Store(1)
	}
	m.Store(term, n)
}

// warm reads into the cache, with their analysis, the passages of a
// search's hits that it lacks, half of them on another core, so that
// ranking the candidates one by one finds them there. A passage that a
// question reads for the first time costs its stored fields, its metadata
// and its analysis: for a question's fifty candidates, more than the
// search itself.
func (st *state) warm(hits search.DocumentMatchCollection) {
	c := st.cache.cache()
	var todo []string
	for _, h := range hits {
		if !c.Contains(h.ID) {
			todo = append(todo, h.ID)
		}
	}
	if len(todo) < 2 || runtime.GOMAXPROCS(0) < 2 {
		return
	}
	read := func(ids []string) {
		for _, id := range ids {
			if sp, ok := st.stored(id); ok {
				sp.analyzed()
			}
		}
	}
	half := len(todo) / 2
	done := make(chan struct{})
	go func() {
		defer close(done)
		read(todo[half:])
	}()
	read(todo[:half])
	<-done
}
