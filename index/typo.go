package index

import (
	"compress/gzip"
	"context"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
)

// maxEdits is how far a question word may be from the corpus word used in its
// place: one edit for words of four to seven letters, two from eight.
func maxEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// englishWords is a list of English words (lexicon/words.txt.gz, from SCOWL;
// see lexicon/words.COPYRIGHT), sorted. A question word in it is not a typo,
// only a word the corpus lacks ("matter" must not become "master").
// The list is part of the binary; a test checks that it reads.
var englishWords = sync.OnceValue(func() []string { return gzipWords("lexicon/words.txt.gz") })

// predicateWords lists English words used mostly as verbs, adjectives or
// adverbs rather than nouns ("achieve", "teach", "important"), with their
// inflected forms (lexicon/predicates.txt.gz, made from WordNet by
// lexicon/make-predicates.py), sorted.
var predicateWords = sync.OnceValue(func() []string { return gzipWords("lexicon/predicates.txt.gz") })

// isPredicate reports whether a lower-case word is a predicate word.
func isPredicate(w string) bool {
	_, found := slices.BinarySearch(predicateWords(), w)
	return found
}

// gzipWords reads a sorted, gzipped word list of the lexicon directory.
func gzipWords(name string) []string {
	f, err := lexiconFiles.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil
	}
	return strings.Fields(string(data))
}

// isEnglishWord reports whether a lower-case word is spelled right.
func isEnglishWord(w string) bool {
	words := englishWords()
	_, found := slices.BinarySearch(words, w)
	return found
}

// correct finds the corpus term nearest to a question term that matched
// nothing: within maxEdits (Damerau-Levenshtein, on the analyzed forms),
// starting with the same letter (few typos hit the first letter), the
// commonest of the nearest. Phrases and numbers are not corrected.
func (st *state) correct(word string, terms []string) (string, bool) {
	if len(terms) != 1 || isEnglishWord(strings.ToLower(word)) {
		return "", false
	}
	t := terms[0]
	limit := maxEdits(utf8.RuneCountInString(t))
	if limit == 0 || t[0] >= '0' && t[0] <= '9' {
		return "", false
	}
	best, bestD, bestDF := "", limit+1, 0
	// Terms are sorted; those with the same first byte are one run.
	i := sort.SearchStrings(st.terms, t[:1])
	for ; i < len(st.terms) && st.terms[i][0] == t[0]; i++ {
		c := st.terms[i]
		if d := len(c) - len(t); d > limit || -d > limit {
			continue
		}
		d := editDistance(t, c, limit)
		if d > limit {
			continue
		}
		df := st.df[c]
		if d < bestD || d == bestD && df > bestDF {
			best, bestD, bestDF = c, d, df
		}
	}
	return best, best != ""
}

// editDistance is the optimal-string-alignment distance between a and b, or
// limit+1 when it exceeds limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// surface finds how the corpus writes a term ("committe" -> "committee"),
// for telling the user what was searched.
func (st *state) surface(term string) string {
	q := bleve.NewTermQuery(term)
	q.SetField(fieldText)
	req := bleve.NewSearchRequestOptions(q, 1, 0, false)
	req.IncludeLocations = true
	req.Fields = []string{fieldText}
	res, err := st.bi.SearchInContext(context.Background(), req)
	if err != nil || len(res.Hits) == 0 {
		return term
	}
	h := res.Hits[0]
	text, _ := h.Fields[fieldText].(string)
	for _, l := range h.Locations[fieldText][term] {
		if int(l.End) <= len(text) && l.Start < l.End {
			return strings.ToLower(text[l.Start:l.End])
		}
	}
	return term
}
