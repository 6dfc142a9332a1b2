package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// SearchOptions are a search's: how many passages, and the document to
// search in (its path as Info lists it; empty, every document).
type SearchOptions struct {
	K      int
	Source string
}

// ErrOnlyExclusions is returned for a search that says only what to leave
// out ("-covid"): there is nothing to rank the other passages by.
var ErrOnlyExclusions = errors.New("a search needs words to look for, not only words to leave out")

// Search is a plain BM25 search: the query's words, analyzed like the
// documents, any of them matching the passage text. It is what "casebot
// search" lists, and the baseline Ask is measured against.
//
// Two marks are read, as web search engines read them: words in double
// quotes ("master plan", or typographic quotes) are a phrase that every
// passage listed holds, in that order; a word or phrase with a minus sign
// before it (-covid, -"smart work") leaves out the passages that hold it.
// Nothing else in the query is syntax: bleve's query-string operators are
// words like any other. A source narrows the search to one document's
// passages, their scores unchanged.
func (ix *Index) Search(ctx context.Context, text string, o SearchOptions) ([]Citation, error) {
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
	sq := parseSearch(q)
	bq, err := sq.query()
	if err != nil {
		return nil, err
	}
	if o.Source != "" {
		// A filter, which bleve scores nothing for: the scores are the
		// same as those of the search of every document.
		src := bleve.NewTermQuery(o.Source)
		src.SetField(fieldSource)
		in := query.NewBooleanQuery(nil, []query.Query{bq}, nil)
		in.AddFilter(src)
		bq = in
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, maxTermSearchers)
	req := bleve.NewSearchRequestOptions(bq, o.K, 0, false)
	res, err := st.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	// Mark the query's own words (no vocabulary) in the results: the
	// words and the phrases' words, not the ones left out.
	var words plan
	for _, t := range questionTokens(strings.Join(append([]string{sq.words}, sq.phrases...), " "), nil) {
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

// searchQuery is a search as parseSearch reads it.
type searchQuery struct {
	words      string   // the words outside quotes, any of which may match
	phrases    []string // phrases every passage must hold
	notWords   []string // words no passage may hold
	notPhrases []string // phrases no passage may hold
}

// isQuote reports whether r opens or closes a phrase: the straight double
// quote, and the typographic ones phones and word processors put in its
// place.
func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»':
		return true
	}
	return false
}

// parseSearch reads a search's phrases and exclusions. A quote left open
// runs to the end of the query; a minus sign is an exclusion only at the
// start of a word and before a letter or a quote, so "e-government" and
// "-5" stay words.
func parseSearch(q string) searchQuery {
	var sq searchQuery
	var words []string
	start := true // at the start of a word
	for i := 0; i < len(q); {
		r, n := utf8.DecodeRuneInString(q[i:])
		not := false
		if start && r == '-' && i+n < len(q) {
			next, _ := utf8.DecodeRuneInString(q[i+n:])
			if isQuote(next) || unicode.IsLetter(next) {
				not = true
				i += n
				r, n = next, utf8.RuneLen(next)
			}
		}
		switch {
		case isQuote(r):
			j := i + n
			end := strings.IndexFunc(q[j:], isQuote)
			phrase := q[j:]
			if end >= 0 {
				phrase = q[j : j+end]
				_, m := utf8.DecodeRuneInString(q[j+end:])
				i = j + end + m
			} else {
				i = len(q)
			}
			if phrase = strings.TrimSpace(phrase); phrase != "" {
				if not {
					sq.notPhrases = append(sq.notPhrases, phrase)
				} else {
					sq.phrases = append(sq.phrases, phrase)
				}
			}
			start = true
		case not:
			end := strings.IndexFunc(q[i:], func(r rune) bool { return unicode.IsSpace(r) || isQuote(r) })
			if end < 0 {
				end = len(q) - i
			}
			sq.notWords = append(sq.notWords, q[i:i+end])
			i += end
			start = true
		default:
			words = append(words, string(r))
			start = unicode.IsSpace(r)
			i += n
		}
	}
	sq.words = strings.Join(strings.Fields(strings.Join(words, "")), " ")
	return sq
}

// query is the bleve query of a search: without phrases or exclusions, the
// plain match of its words; else a boolean query whose phrases must match,
// whose words may, and whose exclusions must not. Parts that analyse to no
// term (stop words: "-the", "\"of the\"") are left out.
func (sq searchQuery) query() (query.Query, error) {
	match := func(s string) query.Query {
		mq := bleve.NewMatchQuery(dedupeWords(s, MaxConcepts))
		mq.SetField(fieldText)
		mq.Analyzer = analyzerName
		return mq
	}
	phrase := func(s string) query.Query {
		pq := bleve.NewMatchPhraseQuery(s)
		pq.SetField(fieldText)
		pq.Analyzer = analyzerName
		return pq
	}
	if len(sq.phrases)+len(sq.notWords)+len(sq.notPhrases) == 0 {
		return match(sq.words), nil
	}
	var must, should, mustNot []query.Query
	if hasTerms(sq.words) {
		should = append(should, match(sq.words))
	}
	for _, p := range sq.phrases {
		if hasTerms(p) {
			must = append(must, phrase(p))
		}
	}
	for _, w := range sq.notWords {
		if hasTerms(w) {
			mustNot = append(mustNot, match(w))
		}
	}
	for _, p := range sq.notPhrases {
		if hasTerms(p) {
			mustNot = append(mustNot, phrase(p))
		}
	}
	switch {
	case len(must)+len(should) > 0:
		return query.NewBooleanQuery(must, should, mustNot), nil
	case len(sq.notWords)+len(sq.notPhrases) > 0:
		return nil, ErrOnlyExclusions
	}
	return nil, ErrEmptyQuestion
}

// hasTerms reports whether s analyses to at least one term.
func hasTerms(s string) bool {
	return len(sharedAnalyzer().Analyze([]byte(s))) > 0
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
