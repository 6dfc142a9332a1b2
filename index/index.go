package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"

	"github.com/casebot/casebot/corpus"
)

// Index is a searchable, answerable corpus. It is safe for concurrent use.
type Index struct {
	mu      sync.RWMutex // guards st; held for reading during a search
	st      *state
	writeMu sync.Mutex // one update at a time
	store   *store     // nil for an in-memory index
	model   *compiled  // the scoring model; nil for DefaultModel
}

// SetModel makes the index rank and answer with another model than
// DefaultModel (one fitted to a server's own questions by Train).
func (ix *Index) SetModel(m *Model) error {
	c, err := compile(m)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.model = c
	ix.mu.Unlock()
	return nil
}

// scoring returns the model in use; the caller holds ix.mu.
func (ix *Index) scoring() *compiled {
	if ix.model != nil {
		return ix.model
	}
	return defaultCompiled()
}

// state is a bleve index and what is derived from it. A search holds the
// Index's read lock, so the bleve index and its derived data always match.
// What a state reads from the index beyond a few small keys (the manifest,
// the word list, passages, term counts) it reads when first needed, into
// bounded caches.
type state struct {
	bi   bleve.Index // a passageIndex
	adv  bleveindex.Index
	info Info // without Docs: see docs
	lex  *lexicon
	// rules are the corpus's vocabulary: its .vocab files (vocabRules),
	// then the acronyms its text defines.
	rules      []corpus.Rule
	vocabRules []corpus.Rule
	n          int // searchable passages
	// avgLen is the average number of distinct terms in a passage's text,
	// the length BM25 compares a passage's with.
	avgLen float64
	// avgShort is the corpus's distinct terms per passage, the average
	// length bleve's BM25 compares a passage's number of words with.
	avgShort float64

	counts   termCounts     // term -> passages holding it, by field
	dfAll    map[string]int // the text field's, read whole for a small index (see docFreq)
	cache    passageCache   // passage id -> *storedPassage
	headings boundedMap     // heading or title -> its terms (map[string]bool)
	series   boundedMap     // term -> the numbered series it opens ([]candidate)

	docsOnce sync.Once // the manifest, read on first use
	docList  []DocInfo
	docsErr  error
	// wordFST holds the corpus's words as written (lower-cased, letters
	// only, at least four bytes), sorted: what a misspelt question word is
	// matched to. Read on first use.
	wordsOnce sync.Once
	wordFST   *vellum.FST
	// initials holds the corpus's names by the term of their initials
	// (initials.go), read on first use.
	initialsOnce sync.Once
	initials     map[string]Initialism
}

// Info describes an index build.
type Info struct {
	Version   int       `json:"version"`
	Built     time.Time `json:"built"`
	Passages  int       `json:"passages"`
	Documents int       `json:"documents"`
	// Terms is the number of postings of the passages' text field (the sum
	// of their distinct terms), DictTerms its number of distinct terms: the
	// statistics of passage length that ranking compares with.
	Terms     int       `json:"terms"`
	DictTerms int       `json:"dict_terms"`
	Docs      []DocInfo `json:"docs,omitempty"`
	// Engine is the engine version that wrote the index (engine.go).
	Engine string `json:"engine,omitempty"`
	// Now is the year open spans ("2018 onward") run to.
	Now int `json:"now"`
}

// DocInfo describes one indexed document.
type DocInfo struct {
	Path      string   `json:"path"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	Author    string   `json:"author,omitempty"`
	Published string   `json:"published,omitempty"`
	Sources   []string `json:"sources,omitempty"`
	Hash      string   `json:"hash"`
	Size      int64    `json:"size"`
	Passages  int      `json:"passages"`
	// End is the Seq of the passage that ends the document: its last of
	// leadWords words or more outside the front matter, -1 for none.
	End   int     `json:"end"`
	Boost float64 `json:"boost"`
	// Acronyms are those the document defines in its text ("Long Form (LF)").
	Acronyms []corpus.Rule `json:"acronyms,omitempty"`
	// Initials are its commonest names of several capitalised words, with
	// their initials (initials.go).
	Initials []Initialism `json:"initials,omitempty"`
	// Terms is the sum of its passages' distinct terms (see Info.Terms).
	Terms int `json:"terms"`
}

// Options tune Build and Update.
type Options struct {
	// Dir is where the index is kept (see store.go); "" keeps it in memory.
	Dir string
	// Version numbers a new index (1 when unset); updates count on from it.
	Version int
	// Now is the current year, where open spans ("2018 onward") end. 0 means
	// the year of the build.
	Now int
	// BatchSize is the number of passages written at a time when building a
	// whole index (fewer when they hold more than maxBatchPostings
	// postings); 0 means defaultBatchSize. An update of an existing index is
	// written in one batch, so that it is seen whole or not at all.
	BatchSize int
	// Full rebuilds the whole index beside the current one and swaps it in,
	// instead of re-analysing only added and changed documents.
	Full bool
	// DryRun reports what an update would change and changes nothing.
	DryRun bool
	// Progress, when set, is called after each document is analysed.
	Progress func(done, total int)
	// Log, when set, is told what is worth a line in a log before it
	// happens: an index rebuilt because another engine version wrote it.
	Log func(msg string)
}

// internal keys of the bleve index's key-value store. They stay small: the
// bulk of what the index keeps beside its passages is in records
// (records.go).
const (
	keyInfo   = "casebot/info"   // Info without Docs
	keyRules  = "casebot/rules"  // the vocabulary files' rules
	keyEngine = "casebot/engine" // the engine version that wrote the index
	// keyDocPrefix is where the first layout kept each document's text; its
	// presence marks an index of that layout.
	keyDocPrefix = "casebot/doc/"
)

// load reads what an index keeps beside its passages that a question needs
// at once (the build info, the vocabulary files' rules, the acronyms the
// documents define) and compiles the vocabulary. It refuses an index written
// by another engine version (ErrStale).
func load(bi bleve.Index) (*state, error) { return loadCounted(bi, nil) }

// loadCounted is load with the text field's document frequencies already
// read (an update counts them; nil to read them here when the dictionary is
// small enough to keep whole).
func loadCounted(bi bleve.Index, df map[string]int) (*state, error) {
	if pi, ok := bi.(passageIndex); ok {
		bi = pi.baseIndex // an update's state: derived afresh from bleve's index
	}
	engine, err := bi.GetInternal([]byte(keyEngine))
	if err != nil {
		return nil, fmt.Errorf("read the engine version: %w", err)
	}
	raw, err := bi.GetInternal([]byte(keyInfo))
	if err != nil || raw == nil {
		return nil, fmt.Errorf("not a casebot index (no build info)")
	}
	if string(engine) != engineVersion() {
		return nil, staleError{recorded: string(engine)}
	}
	adv, err := bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	st := &state{adv: adv}
	if err := json.Unmarshal(raw, &st.info); err != nil {
		return nil, fmt.Errorf("read build info: %w", err)
	}
	st.info.Docs = nil
	st.n = st.info.Passages
	st.avgLen = math.Max(1, float64(st.info.Terms)/math.Max(1, float64(st.n)))
	st.avgShort = math.Max(1, float64(st.info.DictTerms)/math.Max(1, float64(st.n)))
	if st.info.DictTerms <= eagerDictTerms {
		if df == nil {
			if df, err = readDocFreqs(bi); err != nil {
				return nil, err
			}
		}
		st.dfAll = df
	}
	var rules []corpus.Rule
	if raw, err := bi.GetInternal([]byte(keyRules)); err == nil && raw != nil {
		if err := json.Unmarshal(raw, &rules); err != nil {
			return nil, fmt.Errorf("read vocabulary: %w", err)
		}
	}
	acronyms, err := readAcronyms(bi)
	if err != nil {
		return nil, err
	}
	st.vocabRules = rules
	st.rules = append(append([]corpus.Rule(nil), rules...), acronyms...)
	st.lex = compileLexicon(st.rules)
	stats := bm25Stats(bi, adv, st.n, st.info.DictTerms)
	st.bi = passageIndex{baseIndex: bi, stats: stats, vecs: newVectorCache(stats), warm: st.warm}
	return st, nil
}

// count is the number of passages whose field holds a term, read from the
// index the first time it is asked for.
func (st *state) count(field, term string) int {
	if n, ok := st.counts.load(field, term); ok {
		return n
	}
	n := 0
	if r, err := st.adv.Reader(); err == nil {
		if tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false); err == nil {
			n = int(tfr.Count())
			tfr.Close()
		}
		r.Close()
	}
	st.counts.store(field, term, n)
	return n
}

// docFreq is the document frequency of a term in the text field: the
// number of passages holding it.
func (st *state) docFreq(term string) int {
	if st.dfAll != nil {
		return st.dfAll[term]
	}
	return st.count(fieldText, term)
}

// eagerDictTerms is the largest text dictionary a state reads whole when
// it opens (a few milliseconds), for the cheapest document frequencies;
// a larger one is read a term at a time, when asked.
const eagerDictTerms = 20000

// readDocFreqs reads the text field's document frequencies whole.
func readDocFreqs(bi bleve.Index) (map[string]int, error) {
	df := map[string]int{}
	err := eachTerm(bi, fieldText, func(term string, n int) { df[term] = n })
	return df, err
}

// eachTerm calls fn with each term of a field's dictionary and the number
// of passages holding it, in one snapshot of the index. A document changed
// or removed in place leaves its old passages in their segments, marked
// deleted, until scorch merges them away (an index in memory never merges),
// and bleve's dictionary counts them meanwhile: they are not counted here,
// and a term only they held is left out, so that an index updated in place
// scores as the same corpus built afresh.
func eachTerm(bi bleve.Index, field string, fn func(term string, n int)) error {
	adv, err := bi.Advanced()
	if err != nil {
		return fmt.Errorf("read dictionary: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("read dictionary: %w", err)
	}
	defer r.Close()
	gone, err := deletedPostings(r, field)
	if err != nil {
		return fmt.Errorf("read dictionary: %w", err)
	}
	d, err := r.FieldDict(field)
	if err != nil {
		return fmt.Errorf("read dictionary: %w", err)
	}
	defer d.Close()
	for {
		e, err := d.Next()
		if err != nil {
			return fmt.Errorf("read dictionary: %w", err)
		}
		if e == nil {
			return nil
		}
		if n := int(e.Count) - gone[e.Term]; n > 0 {
			fn(e.Term, n)
		}
	}
}

// deletedPostings counts, for each term of a field, the deleted passages
// holding it that are still in their segments (nil when there are none).
// Only segments with deleted passages are read.
func deletedPostings(r bleveindex.IndexReader, field string) (map[string]int, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil
	}
	var gone map[string]int
	for _, s := range snap.Segments() {
		del := s.Deleted()
		if del == nil || del.IsEmpty() {
			continue
		}
		d, err := s.Segment().Dictionary(field)
		if err != nil {
			return nil, err
		}
		it := d.AutomatonIterator(nil, nil, nil)
		var live segment.PostingsList // reused from one term to the next
		for {
			e, err := it.Next()
			if err != nil {
				return nil, err
			}
			if e == nil {
				break
			}
			if live, err = d.PostingsList([]byte(e.Term), del, live); err != nil {
				return nil, err
			}
			if n := int(e.Count) - int(live.Count()); n > 0 {
				if gone == nil {
					gone = map[string]int{}
				}
				gone[e.Term] += n
			}
		}
	}
	return gone, nil
}

// inFieldAll reports whether every term occurs in a field, so that a query
// clause for them can match something.
func (st *state) inFieldAll(field string, terms []string) bool {
	for _, t := range terms {
		if st.count(field, t) == 0 {
			return false
		}
	}
	return true
}

// idf is the BM25 inverse document frequency of a term in the text field.
func (st *state) idf(df int) float64 {
	n := float64(st.n)
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// known reports whether a term occurs in any searched field.
func (st *state) known(term string) bool {
	for _, f := range searchFieldNames {
		if st.count(f, term) > 0 {
			return true
		}
	}
	return false
}

// passageIndex is the bleve index of a state. Its searches score BM25 over
// the passages alone: bleve counts every bleve document in the collection
// size, and the index's records (records.go) are not passages.
type passageIndex struct {
	baseIndex
	stats *search.BM25Stats
	vecs  *vectorCache // posting vectors of common terms (topk.go)
	// warm reads a search's hits into the state's passage cache (with
	// their analysis), on every core, before the caller reads them one by
	// one; nil for none.
	warm func(search.DocumentMatchCollection)
	// exhaustive turns the search of topk.go off (for tests comparing it
	// with bleve's own search).
	exhaustive bool
}

// baseIndex names the embedded bleve.Index of a passageIndex (whose own
// name, Index, is one of its methods).
type baseIndex = bleve.Index

// SearchInContext searches with the passages' BM25 statistics (unless ctx
// brings others), pruning a plain top-k disjunction (topk.go).
func (pi passageIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	stats, ok := ctx.Value(search.BM25StatsKey).(*search.BM25Stats)
	if !ok && pi.stats != nil {
		stats = pi.stats
		ctx = context.WithValue(ctx, search.BM25StatsKey, stats)
	}
	if !pi.exhaustive {
		if res, ok, err := pi.searchTopK(ctx, req, stats); ok || err != nil {
			return res, err
		}
	}
	return pi.baseIndex.SearchInContext(ctx, req)
}

func (pi passageIndex) Search(req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return pi.SearchInContext(context.Background(), req)
}

// bm25Stats are the collection statistics BM25 scores with: n passages, and
// the field cardinalities bleve itself would use, except for scoredFields,
// whose cardinality (bleve's: the number of terms in the field's
// dictionary) is that of the whole index: the text field's dictTerms,
// counted when the index was written (Info.DictTerms), the others counted
// here. bleve adds up each segment's count, so that the same corpus written
// in other batches would score otherwise, and the same question get another
// answer (an index just built, in several segments, and the same index
// reopened once they are merged).
func bm25Stats(bi bleve.Index, adv bleveindex.Index, n, dictTerms int) *search.BM25Stats {
	r, err := adv.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	br, ok := r.(bleveindex.BM25Reader)
	if !ok {
		return nil
	}
	stats := &search.BM25Stats{DocCount: float64(n), FieldCardinality: map[string]int{}}
	fields, _ := r.Fields()
	for _, f := range append(fields, allFieldNames[:]...) {
		if _, done := stats.FieldCardinality[f]; done {
			continue
		}
		c, err := br.FieldCardinality(f)
		switch {
		case f == fieldText && dictTerms > 0:
			c = dictTerms
		case slices.Contains(scoredFields[:], f):
			c, err = dictSize(bi, f)
		}
		if err != nil {
			return nil
		}
		stats.FieldCardinality[f] = c
	}
	return stats
}

// Close releases the index (and the store's lock).
func (ix *Index) Close() error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.st == nil {
		return nil
	}
	err := ix.st.bi.Close()
	ix.st = nil
	if ix.store != nil {
		ix.store.release()
	}
	return err
}

// Dir is where the index is kept, or "" for an in-memory index.
func (ix *Index) Dir() string {
	if ix.store == nil {
		return ""
	}
	return ix.store.dir
}

// Info describes the current build (nothing, once the index is closed).
// Its Docs are read from the index the first time they are asked for.
func (ix *Index) Info() Info {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return Info{}
	}
	info := ix.st.info
	info.Docs, _ = ix.st.docs()
	return info
}

func docInfo(d corpus.Document, ps []corpus.Passage) DocInfo {
	n, end := 0, -1
	for _, p := range ps {
		if p.Kind.Searchable() {
			n++
			if p.Kind != corpus.Meta && p.Kind != corpus.TitleLine && hasWords(p.Text, leadWords) {
				end = p.Seq
			}
		}
	}
	return DocInfo{
		Path: d.Path, Title: d.Title, Kind: d.Kind, Author: d.Author, Published: d.Published,
		Sources: d.Sources, Hash: d.Hash, Size: d.Size, Passages: n, End: end, Boost: d.Boost,
		Acronyms: acronymRules(d.Path, ps), Initials: initialismsOf(ps),
	}
}

// passageMeta is stored with each passage for showing it: everything but the
// text, which has its own stored field.
type passageMeta struct {
	Source    string        `json:"source"`
	Title     string        `json:"title"`
	Section   []string      `json:"section,omitempty"`
	LineStart int           `json:"line_start"`
	LineEnd   int           `json:"line_end"`
	Kind      string        `json:"kind"`
	DocKind   string        `json:"doc_kind"`
	Context   string        `json:"context,omitempty"`
	Seq       int           `json:"seq"`
	List      int           `json:"list"`
	Boost     float64       `json:"boost"`
	Spans     []corpus.Span `json:"spans,omitempty"`
	// Number is true when the text states a quantity (a number, in digits
	// or words, that is not a year), Duration when it states a length of time
	// ("12+ years", "from 1995 to 2005").
	Number   bool `json:"number,omitempty"`
	Duration bool `json:"duration,omitempty"`
	// Lead is the Seq of the passage that opens this passage's section, and
	// DocLead of the one that opens the document: the first with at least
	// leadWords words (a dateline does not open anything).
	Lead    int `json:"lead"`
	DocLead int `json:"doc_lead"`
	// NumPos are the token positions of the numbers in the text that are not
	// years, to tell "five essential stages" (a count of stages) for "how many
	// stages".
	NumPos []int `json:"num_pos,omitempty"`
}

// hasWords reports whether a text has at least n words (runs of non-space
// characters, as strings.Fields counts them).
func hasWords(text string, n int) bool {
	if n <= 0 {
		return true
	}
	words, in := 0, false
	for _, r := range text {
		if unicode.IsSpace(r) {
			in = false
			continue
		}
		if !in {
			in = true
			if words++; words >= n {
				return true
			}
		}
	}
	return false
}

// leadWords is the fewest words a passage needs to open a section.
const leadWords = 8

// leads finds, for each passage, the opening passage of its section and of
// its document (see passageMeta.Lead).
func leads(ps []corpus.Passage) (lead []int, docLead int) {
	lead = make([]int, len(ps))
	docLead = -1
	first := map[string]int{}
	for _, p := range ps {
		if !p.Kind.Searchable() || p.Kind == corpus.Meta || p.Kind == corpus.TitleLine || !hasWords(p.Text, leadWords) {
			continue // front matter opens no section and no document
		}
		key := strings.Join(p.Section, "\x00")
		if _, ok := first[key]; !ok {
			first[key] = p.Seq
		}
		if docLead < 0 {
			docLead = p.Seq
		}
	}
	for i, p := range ps {
		lead[i] = -1
		if s, ok := first[strings.Join(p.Section, "\x00")]; ok {
			lead[i] = s
		}
	}
	return lead, docLead
}

// maxSpanYears caps how many years of one span are indexed as numbers.
const maxSpanYears = 120

// passageDoc is the bleve document of a passage, its fields as the mapping
// reads them; toks is its text analysed.
func passageDoc(p corpus.Passage, kind string, boost float64, now, lead, docLead int, toks analysis.TokenStream) map[string]interface{} {
	spans := corpus.Years(p.Text, now)
	numPos := numberPositions(toks)
	var years []float64
	seen := map[int]bool{}
	for _, s := range spans {
		for y := s.From; y <= s.To && y-s.From < maxSpanYears; y++ {
			if !seen[y] {
				seen[y] = true
				years = append(years, float64(y))
			}
		}
	}
	meta, _ := json.Marshal(passageMeta{
		Source: p.Source, Title: p.Title, Section: p.Section, LineStart: p.LineStart,
		LineEnd: p.LineEnd, Kind: string(p.Kind), DocKind: kind, Context: p.Context, Seq: p.Seq, List: p.List, Boost: boost, Spans: spans,
		Number: len(numPos) > 0, Duration: statesDuration(p.Text, spans), Lead: lead, DocLead: docLead, NumPos: numPos,
	})
	doc := map[string]interface{}{
		fieldText:    p.Text,
		fieldSection: p.SectionPath(),
		fieldTitle:   p.Title,
		fieldKind:    kind,
		fieldSource:  p.Source,
		fieldMeta:    string(meta),
	}
	if p.List >= 0 {
		doc[fieldList] = corpus.PassageID(p.Source, p.List)
	}
	if p.Context != "" {
		doc[fieldContext] = p.Context
	}
	if len(years) > 0 {
		doc[fieldYears] = years
	}
	return doc
}

// numberPositions finds the positions of number tokens ("4", "7.37",
// "20,000", number words analyzed to digits) that are not years, in a
// text's tokens.
func numberPositions(toks analysis.TokenStream) []int {
	var out []int
	for _, t := range toks {
		term := string(t.Term)
		if strings.ContainsAny(term, "0123456789") && strings.Trim(term, "0123456789.,") == "" && !isYearToken(term) {
			out = append(out, t.Position)
		}
	}
	return out
}

var durationRe = regexp.MustCompile(`(?i)\b(?:\d[\d,.]*\+?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|several|many|few)[\s-]+(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b`)

// statesDuration reports whether a text states a length of time: a number of
// years, months, ... or a span of years.
func statesDuration(text string, spans []corpus.Span) bool {
	for _, s := range spans {
		if s.Len() > 1 {
			return true
		}
	}
	lower := strings.ToLower(text)
	for _, unit := range []string{"year", "month", "week", "day", "hour", "minute", "decade"} {
		if strings.Contains(lower, unit) {
			return durationRe.MatchString(text)
		}
	}
	return false
}

// FindDoc finds a document by path, then title, then a word of either.
func FindDoc(docs []DocInfo, want string) (DocInfo, bool) {
	w := strings.ToLower(want)
	for _, d := range docs {
		if d.Path == want {
			return d, true
		}
	}
	for _, d := range docs {
		if strings.ToLower(d.Title) == w {
			return d, true
		}
	}
	if w == "" {
		return DocInfo{}, false
	}
	for _, d := range docs {
		if strings.Contains(strings.ToLower(d.Title+" "+d.Path), w) {
			return d, true
		}
	}
	return DocInfo{}, false
}
