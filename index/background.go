package index

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/casebot/casebot/corpus"
)

// A question about a corpus uses words the corpus uses more than text in
// general does: a question about the Normans asked of a corpus on the
// Normans says "Normandy" and "duke", where one about another article, asked
// of the same corpus, shares only words any text has ("year", "country").
// The background is that text in general: how many passages of a reference
// collection (Wikipedia articles, lexicon/background.txt.gz, written by
// casebot train from its article sets) hold each term. The answer features
// topical, topical_min and topical_max compare each question word's share
// of the corpus's passages with its share of the background's (the query
// clarity of information retrieval, word by word), and the ranking feature
// cov_topical weighs the words a passage covers by it.

// background is a reference collection's passage count and, per analysed
// term, the passages holding it.
type background struct {
	n  int
	df map[string]int
}

// backgroundOf counts the searchable passages of documents and the terms
// of their text, analysed as the index analyses it.
func backgroundOf(docs []corpus.Document) *background {
	b := &background{df: map[string]int{}}
	an := sharedAnalyzer()
	for _, d := range docs {
		for _, p := range corpus.Split(d) {
			if !p.Kind.Searchable() {
				continue
			}
			b.n++
			seen := map[string]bool{}
			for _, t := range an.Analyze([]byte(p.Text)) {
				if term := string(t.Term); !seen[term] {
					seen[term] = true
					b.df[term]++
				}
			}
		}
	}
	return b
}

// add adds another background's passages and counts to b.
func (b *background) add(o *background) {
	b.n += o.n
	for t, c := range o.df {
		b.df[t] += c
	}
}

// text is the background as text: "passages N", then a line
// "term<TAB>passages" per term, in byte order.
func (b *background) text() string {
	terms := make([]string, 0, len(b.df))
	for t := range b.df {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	var sb strings.Builder
	fmt.Fprintf(&sb, "passages %d\n", b.n)
	for _, t := range terms {
		fmt.Fprintf(&sb, "%s\t%d\n", t, b.df[t])
	}
	return sb.String()
}

// sum is the SHA-256 of the background's text, in hex.
func (b *background) sum() string {
	h := sha256.Sum256([]byte(b.text()))
	return hex.EncodeToString(h[:])
}

// Write writes the background's text gzipped.
func (b *background) Write(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(zw, b.text()); err != nil {
		return err
	}
	return zw.Close()
}

// parseBackground reads a background's text; nil for anything else.
func parseBackground(text string) *background {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	n, err := strconv.Atoi(strings.TrimPrefix(lines[0], "passages "))
	if err != nil || !strings.HasPrefix(lines[0], "passages ") || n <= 0 {
		return nil
	}
	b := &background{n: n, df: make(map[string]int, len(lines)-1)}
	for _, l := range lines[1:] {
		term, count, ok := strings.Cut(l, "\t")
		c, err := strconv.Atoi(count)
		if !ok || err != nil || c < 0 {
			return nil
		}
		b.df[term] = c
	}
	return b
}

// backgroundFile is where the built-in background is, in the lexicon
// directory.
const backgroundFile = "lexicon/background.txt.gz"

// builtinBackground is the background the built-in model was trained with.
var builtinBackground = sync.OnceValue(func() *background {
	return parseBackground(gzipText(backgroundFile))
})

// backgroundView is a background less some of its documents: in training,
// the corpus asked and the article a question is about are left out of it,
// as a real corpus and its questions are never in the built-in background.
type backgroundView struct {
	all  *background
	less []*background
}

func (v backgroundView) counts(term string) (df, n int) {
	if v.all == nil {
		return 0, 0
	}
	df, n = v.all.df[term], v.all.n
	for _, b := range v.less {
		df -= b.df[term]
		n -= b.n
	}
	return df, n
}

// topicality sets the answer features topical (the mean over the question's
// concepts that the corpus has), topical_min and topical_max, each
// concept's conceptTopicality. All three are 0 when no concept counts, or
// there is no background.
func (st *state) topicality(p plan, a *answerFeatures) {
	sum, lo, hi, k := 0.0, math.Inf(1), math.Inf(-1), 0
	for _, c := range p.concepts {
		if c.filler {
			continue
		}
		if v, ok := st.conceptTopicality(c, p.bg); ok {
			sum += v
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			k++
		}
	}
	if k == 0 {
		return
	}
	a[aTopical], a[aTopicalMin], a[aTopicalMax] = sum/float64(k), lo, hi
}

// conceptTopicality is, over the terms of a concept's first alternative
// the corpus has (its own words, else a vocabulary equivalent, another
// form, a synonym or a correction), the mean log of a term's share of the
// corpus's passages over its share of the background's (both smoothed by
// one passage); false when the corpus has no alternative or there is no
// background.
func (st *state) conceptTopicality(c concept, bg backgroundView) (float64, bool) {
	if bg.all == nil || st.n == 0 {
		return 0, false
	}
	for _, alt := range c.alts {
		v, ok := 0.0, len(alt.terms) > 0
		for _, t := range alt.terms {
			df := st.docFreq(t)
			if df == 0 {
				ok = false
				break
			}
			bdf, bn := bg.counts(t)
			v += math.Log(float64(df) / float64(st.n) * float64(bn+1) / float64(bdf+1))
		}
		if ok {
			return v / float64(len(alt.terms)), true
		}
	}
	return 0, false
}
