package index

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestParseSearch: quotes (straight or typographic) make a phrase, a quote
// left open runs to the end, and a minus sign leaves a word or phrase out
// only at the start of a word and before a letter or a quote.
func TestParseSearch(t *testing.T) {
	for _, c := range []struct {
		q    string
		want searchQuery
	}{
		{"smart work", searchQuery{words: "smart work"}},
		{`"smart work" centres`, searchQuery{words: "centres", phrases: []string{"smart work"}}},
		{`e-government -covid -"smart work" 2010-2015 -5`, searchQuery{
			words: "e-government 2010-2015 -5", notWords: []string{"covid"}, notPhrases: []string{"smart work"}}},
		{"“digital government” «open data»", searchQuery{phrases: []string{"digital government", "open data"}}},
		{`plan "master plan`, searchQuery{words: "plan", phrases: []string{"master plan"}}},
		{`"" - -`, searchQuery{words: "- -"}},
		{`title:x +a ^2 ~1 /re/`, searchQuery{words: "title:x +a ^2 ~1 /re/"}},
	} {
		if got := parseSearch(c.q); !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseSearch(%q) = %+v, want %+v", c.q, got, c.want)
		}
	}
}

// TestSearchSyntax searches the embedded corpus with phrases and
// exclusions: every passage listed holds each phrase, in order, and none
// holds a word or phrase left out, while the same words without the marks
// list passages that do.
func TestSearchSyntax(t *testing.T) {
	ix := embedded(t)
	ctx := context.Background()
	search := func(q string) []Citation {
		t.Helper()
		hits, err := ix.Search(ctx, q, SearchOptions{K: 25})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		return hits
	}
	holds := func(c Citation, s string) bool {
		return strings.Contains(strings.ToLower(strings.Join(strings.Fields(c.Text), " ")), s)
	}
	count := func(hits []Citation, s string) int {
		n := 0
		for _, h := range hits {
			if holds(h, s) {
				n++
			}
		}
		return n
	}

	// Without quotes, "work" and "smart" anywhere; with them, the phrase.
	loose := search("smart work")
	if len(loose) == count(loose, "smart work") {
		t.Fatalf("smart work: every one of %d passages holds the phrase; the test needs some that do not", len(loose))
	}
	for q, phrase := range map[string]string{
		`"smart work"`: "smart work", "“Smart Work” centres": "smart work",
		`"Master of Business Administration"`: "master of business administration",
	} {
		hits := search(q)
		if len(hits) == 0 {
			t.Errorf("%s: no passages", q)
		}
		for _, h := range hits {
			if !holds(h, phrase) {
				t.Errorf("%s: %s:%d does not hold %q: %q", q, h.Source, h.LineStart, phrase, h.Text)
			}
		}
	}

	// Left out: a word, and a phrase.
	if n := count(search("pandemic covid"), "covid"); n == 0 {
		t.Fatal("pandemic covid: no passage holds covid; the test needs some")
	}
	hits := search("pandemic -covid")
	if len(hits) == 0 || count(hits, "pandemic") == 0 {
		t.Errorf("pandemic -covid: want passages on the pandemic, got %d", len(hits))
	}
	if n := count(hits, "covid"); n > 0 {
		t.Errorf("pandemic -covid: %d passages hold covid", n)
	}
	hits = search(`smart -"smart work"`)
	if n := count(hits, "smart work"); n > 0 {
		t.Errorf(`smart -"smart work": %d passages hold the phrase`, n)
	}

	// Hyphenated words are words, not exclusions.
	if got, want := len(search("e-government")), len(search("egovernment")); got == 0 || got != want {
		t.Errorf("e-government: %d passages, egovernment %d", got, want)
	}

	for q, want := range map[string]error{"-covid": ErrOnlyExclusions, `-"smart work" -covid`: ErrOnlyExclusions, `"of the"`: ErrEmptyQuestion} {
		if _, err := ix.Search(ctx, q, SearchOptions{K: 5}); !errors.Is(err, want) {
			t.Errorf("Search(%q): %v, want %v", q, err, want)
		}
	}
}

// TestSearchInDocument: a search narrowed to one document lists that
// document's passages of the search of every document, in the same order
// and with the same scores.
func TestSearchInDocument(t *testing.T) {
	ix := embedded(t)
	ctx := context.Background()
	for _, c := range []struct{ q, source string }{
		{"government services", "notes/services.md"},
		{`"e-government" -covid`, "notes/services.md"},
		{"stage plan", "south-korea-e-government.md"},
	} {
		all, err := ix.Search(ctx, c.q, SearchOptions{K: 10000})
		if err != nil {
			t.Fatal(err)
		}
		var want []Citation
		for _, h := range all {
			if h.Source == c.source {
				want = append(want, h)
			}
		}
		got, err := ix.Search(ctx, c.q, SearchOptions{K: 10000, Source: c.source})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || len(want) == len(all) {
			t.Fatalf("%q: %d of %d passages in %s; the test needs some and not all", c.q, len(want), len(all), c.source)
		}
		if len(got) != len(want) {
			t.Fatalf("%q in %s: %d passages, want %d", c.q, c.source, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].Score != want[i].Score {
				t.Errorf("%q in %s: #%d %s %.3f, want %s %.3f", c.q, c.source, i, got[i].ID, got[i].Score, want[i].ID, want[i].Score)
			}
		}
	}
	if got, err := ix.Search(ctx, "government", SearchOptions{K: 5, Source: "no/such.md"}); err != nil || len(got) != 0 {
		t.Errorf("a document not in the index: %d passages, %v", len(got), err)
	}
}
