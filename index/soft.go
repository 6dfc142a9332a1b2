package index

import (
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The soft match (ranking feature soft): a question word that none of the
// candidates holds ("marry", where the passages say "wedding" or
// "divorced") is matched by the words used like it, its nearest neighbours
// by GloVe's word vectors (lexicon/neighbours.txt.gz, made by
// lexicon/make-neighbours.py; see lexicon/neighbours.COPYRIGHT). A
// passage's value is, over the question's distinct plain words (read as the
// query likelihood reads them, likelihood.go), the cosine of the nearest
// neighbour it holds of each word no candidate holds, summed and divided by
// their number. Only the words no candidate holds count: on the training
// data held out, a neighbour counted for every word a passage lacks raised
// the Wikipedia ranking and lowered the case study's, where a passage with
// the question's own word and one with a word merely used like it stand
// side by side (docs/quality-log.md, stop 38).

// neighbourLines are the lexicon's lines, sorted by word, read on first
// use; a look-up is a binary search.
var neighbourLines = sync.OnceValue(func() []string { return gzipLines("lexicon/neighbours.txt.gz") })

// neighbour is a word used like another, and the cosine of their vectors.
type neighbour struct {
	word string
	cos  float64
}

// neighboursOf returns a plain word's neighbours, the nearest first.
func neighboursOf(w string) []neighbour {
	lines := neighbourLines()
	i := sort.Search(len(lines), func(i int) bool { return wordNetKey(lines[i]) >= w })
	if i == len(lines) || wordNetKey(lines[i]) != w {
		return nil
	}
	var out []neighbour
	for _, item := range strings.Split(lines[i][len(w)+1:], ",") {
		word, c, ok := strings.Cut(item, " ")
		if cos, err := strconv.ParseFloat(c, 64); ok && err == nil {
			out = append(out, neighbour{word, cos})
		}
	}
	return out
}

// softQuestion is what the soft match needs of a question: the number of
// its distinct plain words, and the neighbours of those no candidate holds.
type softQuestion struct {
	words   int
	lacking [][]neighbour
}

func newSoftQuestion(words []string, cands []candidate) softQuestion {
	var q softQuestion
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		q.words++
		if !heldBy(w, cands) {
			if nb := neighboursOf(w); len(nb) > 0 {
				q.lacking = append(q.lacking, nb)
			}
		}
	}
	return q
}

// heldBy reports whether a candidate holds the plain word w.
func heldBy(w string, cands []candidate) bool {
	for i := range cands {
		if cands[i].sp.analysis().plain.tf[w] > 0 {
			return true
		}
	}
	return false
}

// measure is a passage's soft match.
func (q softQuestion) measure(c plainCounts) float64 {
	if len(q.lacking) == 0 {
		return 0
	}
	s := 0.0
	for _, nb := range q.lacking {
		for _, x := range nb {
			if c.tf[x.word] > 0 {
				s += x.cos
				break
			}
		}
	}
	return s / float64(q.words)
}
