package index

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWordNetRelated(t *testing.T) {
	tests := []struct {
		word      string
		kind      string // "derived", "synonym" or "antonym"
		want      string
		wantNotIn string
	}{
		{word: "marry", kind: "derived", want: "marriage"},
		{word: "married", kind: "derived", want: "marriage"}, // an exception list form
		{word: "originate", kind: "derived", want: "origin"},
		{word: "originated", kind: "derived", want: "origin"}, // a regular ending undone
		{word: "relies", kind: "derived", want: "reliance"},
		{word: "depend", kind: "synonym", want: "rely"},
		{word: "hard", kind: "synonym", want: "difficult"},
		{word: "hard", kind: "antonym", want: "easy"},
		{word: "news", kind: "derived", wantNotIn: "new"}, // a listed word is not undone
		{word: "qwertyuiop", kind: "synonym"},
	}
	for _, tt := range tests {
		r := wordNetRelated(tt.word)
		got := map[string][]string{"derived": r.derived, "synonym": r.synonyms, "antonym": r.antonyms}[tt.kind]
		if tt.want != "" && !slices.Contains(got, tt.want) {
			t.Errorf("%s: %s %v, want %q among them", tt.word, tt.kind, got, tt.want)
		}
		if tt.wantNotIn != "" && slices.Contains(got, tt.wantNotIn) {
			t.Errorf("%s: %s %v holds %q", tt.word, tt.kind, got, tt.wantNotIn)
		}
		if tt.want == "" && tt.wantNotIn == "" && len(got) > 0 {
			t.Errorf("%s: %s %v, want none", tt.word, tt.kind, got)
		}
	}
}

func TestSmallestWindow(t *testing.T) {
	tests := []struct {
		seq  [][]int
		want float64
	}{
		{[][]int{{3}, {4}}, 2.0 / 2},
		{[][]int{{1, 10}, {12}, {11}}, 3.0 / 3},
		{[][]int{{1}, {9}}, 2.0 / 9},
		{[][]int{{1}, nil, {3}}, 2.0 / 3},
		{[][]int{{1}, nil}, 0}, // one concept: no window
		{nil, 0},
	}
	for _, tt := range tests {
		if got := smallestWindow(tt.seq); got != tt.want {
			t.Errorf("smallestWindow(%v) = %v, want %v", tt.seq, got, tt.want)
		}
	}
}

// Each feature is measured on the real embedded corpus: a passage that holds
// the question's words scores them, one that holds other forms or synonyms
// scores those instead.
func TestFeatures(t *testing.T) {
	ix := embedded(t)
	st := ix.st
	tests := []struct {
		q, passage string
		feature    int
		want       func(float64) bool
		what       string
	}{
		{"When was the case study published?", "published on july 15", fTypeTime, func(v float64) bool { return v == 1 }, "a time"},
		{"Is e-governance hard?", "not an easy task", fCovAntonym, func(v float64) bool { return v > 0 }, "an antonym"},
		{"What does success depend on?", "success relies on", fCovSynonym, func(v float64) bool { return v > 0 }, "a synonym"},
		{"What did stage four launch?", "launch of an integrated", fCovExact, func(v float64) bool { return v > 0.5 }, "the own words"},
		{"What did stage four launch?", "launch of an integrated", fSentence, func(v float64) bool { return v > 0.5 }, "a sentence"},
		// An ordinal ranks: "Stage 5" and "5th" are the fifth, "five stages" counts them.
		{"the fifth phase", "stage 5 2013 to 2017 is the maturity stage", fOrdinal, func(v float64) bool { return v == 1 }, "an ordinal, as a label"},
		{"the fifth phase", "there are five essential stages", fCountOnly, func(v float64) bool { return v == 1 }, "a count only"},
		{"the fifth phase", "there are five essential stages", fOrdinal, func(v float64) bool { return v == 0 }, "no ordinal"},
		// A name of several words counts each word's idf in the most a passage could score.
		{"When did the National Information Society Agency open?", "opened on 30 january 1987", fBM25Share, func(v float64) bool { return v > 0 && v <= 1 }, "a share, at most 1"},
	}
	for _, tt := range tests {
		p := st.plan(tt.q)
		cands, err := st.candidates(t.Context(), p, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		st.measure(p, cands)
		found := false
		for _, c := range cands {
			if !strings.Contains(Fold(c.text), Fold(tt.passage)) && c.meta.Source != tt.passage {
				continue
			}
			found = true
			if v := c.f[tt.feature]; !tt.want(v) {
				t.Errorf("%q on %s: %s = %v, want %s", tt.q, c.id, featureNames[tt.feature], v, tt.what)
			}
			break
		}
		if !found {
			t.Errorf("%q: no candidate holds %q", tt.q, tt.passage)
		}
	}
}
