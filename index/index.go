package index

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

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
type state struct {
	bi   bleve.Index
	info Info
	lex  *lexicon
	// rules are the corpus's vocabulary: its .vocab files (vocabRules),
	// then the acronyms its text defines.
	rules      []corpus.Rule
	vocabRules []corpus.Rule
	// df is the document frequency of each term of the text field; inField
	// holds the terms of the other searched fields, by field.
	df      map[string]int
	inField map[string]map[string]bool
	n       int // searchable passages
	// avgLen is the average number of distinct terms in a passage's text,
	// the length BM25 compares a passage's with.
	avgLen float64
	// avgShort is the corpus's distinct terms per passage, the average
	// length bleve's BM25 compares a passage's number of words with.
	avgShort float64
	cache    passageCache
	headings sync.Map // heading or title -> its terms (map[string]bool)
	series   sync.Map // term -> the numbered series it opens ([]candidate)
	// words are the corpus's words as written (lower-cased, letters only,
	// at least four), sorted: what a misspelt question word is matched to.
	words []string
}

// Info describes an index build.
type Info struct {
	Version  int       `json:"version"`
	Built    time.Time `json:"built"`
	Passages int       `json:"passages"`
	Docs     []DocInfo `json:"docs"`
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
	Boost     float64  `json:"boost"`
	// Acronyms are those the document defines in its text ("Long Form (LF)").
	Acronyms []corpus.Rule `json:"acronyms,omitempty"`
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
	// whole index; 0 means 500. An update of an existing index is written in
	// one batch, so that it is seen whole or not at all.
	BatchSize int
	// Full rebuilds the whole index beside the current one and swaps it in,
	// instead of re-analysing only added and changed documents.
	Full bool
	// DryRun reports what an update would change and changes nothing.
	DryRun bool
	// Progress, when set, is called after each document is analysed.
	Progress func(done, total int)
}

// internal keys of the bleve index's key-value store.
const (
	keyInfo  = "casebot/info"
	keyRules = "casebot/rules"
	keyDoc   = "casebot/doc/"
	keyWords = "casebot/words"
)

// load reads what an index keeps beside its passages and derives the rest.
func load(bi bleve.Index) (*state, error) {
	st := &state{bi: bi, df: map[string]int{}, inField: map[string]map[string]bool{}}
	raw, err := bi.GetInternal([]byte(keyInfo))
	if err != nil || raw == nil {
		return nil, fmt.Errorf("not a casebot index (no build info)")
	}
	if err := json.Unmarshal(raw, &st.info); err != nil {
		return nil, fmt.Errorf("read build info: %w", err)
	}
	var rules []corpus.Rule
	if raw, err := bi.GetInternal([]byte(keyRules)); err == nil && raw != nil {
		if err := json.Unmarshal(raw, &rules); err != nil {
			return nil, fmt.Errorf("read vocabulary: %w", err)
		}
	}
	st.vocabRules = rules
	rules = append([]corpus.Rule(nil), rules...)
	for _, d := range st.info.Docs {
		rules = append(rules, d.Acronyms...)
	}
	if err := st.readDictionaries(); err != nil {
		return nil, err
	}
	if raw, err := bi.GetInternal([]byte(keyWords)); err == nil && len(raw) > 0 {
		st.words = strings.Split(string(raw), "\n")
	}
	st.rules = rules
	st.lex = compileLexicon(rules)
	return st, nil
}

func (st *state) readDictionaries() error {
	n, err := st.bi.DocCount()
	if err != nil {
		return fmt.Errorf("count passages: %w", err)
	}
	st.n = int(n)
	d, err := st.bi.FieldDict(fieldText)
	if err != nil {
		return fmt.Errorf("read dictionary: %w", err)
	}
	for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
		st.df[e.Term] = int(e.Count)
	}
	d.Close()
	total := 0
	for _, df := range st.df {
		total += df
	}
	st.avgLen = math.Max(1, float64(total)/math.Max(1, float64(st.n)))
	st.avgShort = math.Max(1, float64(len(st.df))/math.Max(1, float64(st.n)))
	st.avgShort = math.Max(1, float64(len(st.df))/math.Max(1, float64(st.n)))
	for _, f := range []string{fieldSection, fieldTitle, fieldContext, fieldKind} {
		d, err := st.bi.FieldDict(f)
		if err != nil {
			return fmt.Errorf("read dictionary: %w", err)
		}
		set := map[string]bool{}
		for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
			set[e.Term] = true
		}
		d.Close()
		st.inField[f] = set
	}
	return nil
}

// inFieldAll reports whether every term occurs in a field, so that a query
// clause for them can match something.
func (st *state) inFieldAll(field string, terms []string) bool {
	for _, t := range terms {
		if field == fieldText && st.df[t] == 0 || field != fieldText && !st.inField[field][t] {
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
	if st.df[term] > 0 {
		return true
	}
	for _, set := range st.inField {
		if set[term] {
			return true
		}
	}
	return false
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
func (ix *Index) Info() Info {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return Info{}
	}
	return ix.st.info
}

// storedDoc is what the index keeps of a document: its description, its
// text, so that a citation's lines can always be shown, and the ids of its
// passages, so that an update can delete them.
type storedDoc struct {
	DocInfo
	Text string   `json:"text"`
	IDs  []string `json:"ids"`
}

func docInfo(d corpus.Document, ps []corpus.Passage) DocInfo {
	n := 0
	for _, p := range ps {
		if p.Kind.Searchable() {
			n++
		}
	}
	return DocInfo{
		Path: d.Path, Title: d.Title, Kind: d.Kind, Author: d.Author, Published: d.Published,
		Sources: d.Sources, Hash: d.Hash, Size: d.Size, Passages: n, Boost: d.Boost,
		Acronyms: acronymRules(d.Path, ps),
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

// addWords adds a text's words, as written, to a set (see state.words).
func addWords(set map[string]bool, text string) {
	for _, w := range wordRe.FindAllString(text, -1) {
		if len(w) >= 4 {
			set[strings.ToLower(w)] = true
		}
	}
}

var wordRe = regexp.MustCompile(`\p{L}+`)

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
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
		if !p.Kind.Searchable() || len(strings.Fields(p.Text)) < leadWords {
			continue
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

func passageDoc(p corpus.Passage, kind string, boost float64, now, lead, docLead int) map[string]interface{} {
	spans := corpus.Years(p.Text, now)
	numPos := numberPositions(p.Text)
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
// "20,000", number words analyzed to digits) that are not years.
func numberPositions(text string) []int {
	var out []int
	for _, t := range sharedAnalyzer().Analyze([]byte(text)) {
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
