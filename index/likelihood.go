package index

import (
	"math"
	"strings"
)

// The query likelihood (ranking feature qlm): how probable the question's
// words are under a passage's own language model, smoothed towards a
// background with a Dirichlet prior (Zhai and Lafferty, 2001). Each word a
// passage lacks costs the same, and a long passage pays for the words it
// lacks more than a short one, so the feature rewards holding all the
// question's words in few others; each word counts whatever its kind, the
// question's "many" and "there" too, and a word repeated counts with
// diminishing returns.
//
// It reads plain words (runs of ASCII letters and digits, lower-cased, a
// few stop words left out, a plural or an "-ed" or "-ing" cut), not the
// analysed terms: on the training data held out (docs/quality-log.md, stop 37) this
// reading raised the ranking and one from the analysed terms did not, as
// with the nearness features (near.go). The background gives every word
// the same probability, one over the number of terms in the corpus's
// dictionary, and the prior weighs as much as an average passage (in
// distinct terms, as BM25's lengths here): on the training data the figures
// moved little with a background of the corpus's own counts or a weight
// from 50 to 1,000 words. A question without ASCII letters or digits has no
// plain words, and the feature is 0 for every candidate.

// plainStop are the words the query likelihood leaves out.
var plainStop = setOf("a an the of in on at to for and or is was were are be been by with as from that this it its " +
	"his her their which what who whom whose when where why how did do does")

// plainEndings are cut from a word: the first it ends with that leaves at
// least three letters.
var plainEndings = []string{"ing", "ed", "es", "s"}

// plainCounts are a passage's plain words: how often each stands, and how
// many there are.
type plainCounts struct {
	tf map[string]int32
	n  int
}

// plainWords reads a text's plain words.
func plainWords(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	out := fields[:0]
	for _, w := range fields {
		if plainStop[w] {
			continue
		}
		for _, e := range plainEndings {
			if len(w)-len(e) >= 3 && strings.HasSuffix(w, e) {
				w = w[:len(w)-len(e)]
				break
			}
		}
		out = append(out, w)
	}
	return out
}

func countPlainWords(text string) plainCounts {
	words := plainWords(text)
	c := plainCounts{tf: make(map[string]int32, len(words)), n: len(words)}
	for _, w := range words {
		c.tf[w]++
	}
	return c
}

// questionModel is what the query likelihood needs of a question: its
// plain words, the prior's weight mu and the background's probability of
// a word.
type questionModel struct {
	words  []string
	mu, pc float64
}

func (st *state) questionModel(text string) questionModel {
	return questionModel{words: plainWords(text), mu: st.avgLen, pc: 1 / math.Max(1, float64(st.info.DictTerms))}
}

// likelihood is the mean log-probability of the question's words under a
// passage's smoothed model.
func (m questionModel) likelihood(c plainCounts) float64 {
	if len(m.words) == 0 {
		return 0
	}
	s, norm := 0.0, math.Log(float64(c.n)+m.mu)
	absent := math.Log(m.mu * m.pc) // a word the passage lacks: its count is the prior's share alone
	for _, w := range m.words {
		l := absent
		if tf := c.tf[w]; tf > 0 {
			l = math.Log(float64(tf) + m.mu*m.pc)
		}
		s += l - norm
	}
	return s / float64(len(m.words))
}
