package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// Search is a plain BM25 search: the query's words, analyzed like the
// documents, any of them matching the passage text. It is what "casebot
// search" lists, and the baseline Ask is measured against.
func (ix *Index) Search(ctx context.Context, text string, k int) ([]Citation, error) {
	q, _ := cleanQuestion(text)
	if strings.TrimSpace(q) == "" {
		return nil, ErrEmptyQuestion
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	if st == nil {
		return nil, errors.New("index is closed")
	}
	mq := bleve.NewMatchQuery(dedupeWords(q, MaxConcepts))
	mq.SetField(fieldText)
	mq.Analyzer = analyzerName
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, maxTermSearchers)
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := st.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	// Mark the query's own words (no vocabulary) in the results.
	var words plan
	for _, t := range questionTokens(q, nil) {
		words.concepts = append(words.concepts, concept{alts: []alternative{{terms: []string{t.term}}}})
	}
	out := make([]Citation, 0, len(res.Hits))
	for _, h := range res.Hits {
		c, ok := st.candidateOf(h)
		if !ok {
			continue
		}
		cit := st.citeMeta(c, words)
		cit.Score = round3(h.Score)
		out = append(out, cit)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// dedupeWords keeps the first max distinct words of s.
func dedupeWords(s string, max int) string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.Fields(s) {
		k := strings.ToLower(w)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, w)
		if len(out) == max {
			break
		}
	}
	return strings.Join(out, " ")
}
