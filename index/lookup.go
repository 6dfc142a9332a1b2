package index

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"github.com/casebot/casebot/corpus"
)

// errClosed is returned by lookups on a closed index.
var errClosed = errors.New("index is closed")

// Passage returns one passage by id.
func (ix *Index) Passage(ctx context.Context, id string) (Citation, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return Citation{}, false
	}
	c, ok := ix.st.passage(ctx, id)
	if !ok {
		return Citation{}, false
	}
	return ix.st.citeMeta(c, plan{}), true
}

// Context returns a passage with up to n passages before and after it in
// its document, in reading order.
func (ix *Index) Context(ctx context.Context, id string, n int) ([]Citation, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	if st == nil {
		return nil, errClosed
	}
	c, ok := st.passage(ctx, id)
	if !ok {
		return nil, errors.New("no passage " + id)
	}
	var ids []string
	for seq := max(0, c.meta.Seq-3*n); seq <= c.meta.Seq+3*n; seq++ {
		ids = append(ids, corpus.PassageID(c.meta.Source, seq))
	}
	// Headings are not indexed, so look a little further and keep n a side.
	got := st.fetch(ctx, bleve.NewDocIDQuery(ids), len(ids))
	sort.Slice(got, func(i, j int) bool { return got[i].meta.Seq < got[j].meta.Seq })
	at := 0
	for i, g := range got {
		if g.id == id {
			at = i
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err // fetch found nothing because ctx ended
	}
	got = got[max(0, at-n):min(len(got), at+n+1)]
	out := make([]Citation, len(got))
	for i, g := range got {
		out[i] = st.citeMeta(g, plan{})
	}
	return out, nil
}

// Acronym is an abbreviation and what it stands for, from the corpus's
// vocabulary files or defined in its text ("Long Form (LF)").
type Acronym struct {
	Short string `json:"short"`
	Long  string `json:"long"`
	Where string `json:"where"` // vocabulary line or passage id
}

// Acronyms lists the corpus's acronyms, sorted by Short, one entry for each
// short form (the first definition found: vocabulary files come first).
func (ix *Index) Acronyms() []Acronym {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []Acronym
	for _, r := range ix.st.rules {
		for _, short := range r.Terms() {
			if !isShortForm(short) || seen[strings.ToUpper(short)] {
				continue
			}
			for _, long := range r.Terms() {
				if long == short || !strings.Contains(long, " ") {
					continue
				}
				seen[strings.ToUpper(short)] = true
				out = append(out, Acronym{Short: short, Long: long, Where: r.Where})
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Short) < strings.ToLower(out[j].Short) })
	return out
}

// Numbered is a passage that opens with a word and a number ("Stage 4 (2008
// to 2012) – the integration."), one of a numbered series.
type Numbered struct {
	N     int      `json:"n"`
	Label string   `json:"label"` // the passage's first sentence
	Cite  Citation `json:"citation"`
}

// Numbered finds the series a word numbers in the corpus ("stage" -> Stage 1
// to Stage 6), one passage per number: the one from the document with the
// highest boost, then the first in path order.
func (ix *Index) Numbered(ctx context.Context, word string) ([]Numbered, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	if st == nil {
		return nil, errClosed
	}
	terms := analyzeTerms(sharedAnalyzer(), word)
	if len(terms) != 1 {
		return nil, errors.New("want one word")
	}
	found := st.numbered(ctx, terms[0])
	if err := ctx.Err(); err != nil {
		return nil, err // not "no series": the search did not run
	}
	var out []Numbered
	for _, c := range found {
		n, _ := strconv.Atoi(numberedRe.FindStringSubmatch(c.text)[2])
		a, z := firstSentence(c.text)
		out = append(out, Numbered{N: n, Label: strings.TrimSpace(c.text[a:z]), Cite: st.citeMeta(c, plan{})})
	}
	return out, nil
}

// isShortForm reports whether a term is written like an abbreviation: one
// word, at least two capitals, and capitals for at least half its letters
// ("NIA", "MoU", "COVID-19", "R&D").
func isShortForm(s string) bool {
	if strings.ContainsAny(s, " \t") {
		return false
	}
	upper, letters := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return upper >= 2 && 2*upper >= letters
}
