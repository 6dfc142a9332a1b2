package index

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// wrap breaks text into lines of at most n bytes, at spaces.
func wrap(text string, n int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > n {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}

// oneLine joins text's lines with spaces.
func oneLine(text string) string { return strings.Join(strings.Fields(text), " ") }

// A quote at a cut of a long paragraph is cited with the sentences across
// the cut: the sentence after "the marriage of Emma" says what came of it.
func TestWidenAcrossCut(t *testing.T) {
	filler := []string{
		"The harbour town grew around a fishing fleet that sailed from the old stone quay every morning.",
		"Its market hall, rebuilt twice after fires, still stands beside the river crossing near the mill.",
		"Merchants from the southern ports brought salt, wool and timber up the estuary on the spring tides.",
		"The guild of rope makers kept its records in the tower room above the customs house for centuries.",
		"A chapel dedicated to sailors lost at sea was raised on the headland above the northern beach.",
		"Storms in the winter months often closed the harbour mouth for weeks at a time with shifting sand.",
	}
	cut := "In 1790 the town council approved the construction of a lighthouse on the Black Rock reef."
	answer := "Its first keeper, Thomas Arden, lit the lamp on 4 March 1794 and kept it for thirty years."
	after := []string{
		"The tower was later raised by six metres and fitted with a rotating lens made in Paris.",
		"Today the station is automatic and the keeper's cottage houses a small museum of the coast.",
	}
	para := strings.Join(append(append(filler, cut, answer), after...), " ")
	if utf8.RuneCountInString(strings.Join(append(filler, cut), " ")) > 700 {
		t.Fatal("the test paragraph's first part is too long to end at the cut")
	}
	for _, eol := range []string{"\n", "\r\n"} {
		doc := "# Harbour\n\n" + wrap(para, 72) + "\n\nThe river mill ground corn for the whole valley.\n"
		testWidenAcrossCut(t, strings.ReplaceAll(doc, "\n", eol), cut, answer)
	}
}

func testWidenAcrossCut(t *testing.T, doc, cut, answer string) {
	t.Helper()
	ix := buildFS(t, fstest.MapFS{"harbour.md": {Data: []byte(doc)}})
	a, err := ix.Ask(context.Background(), "When did the town council approve the construction of the lighthouse on the Black Rock reef?", AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered {
		t.Fatalf("not answered (%.3f)", a.Confidence)
	}
	c := a.Citations[0]
	text := oneLine(c.Text)
	if !strings.Contains(text, cut) || !strings.Contains(text, answer) {
		t.Fatalf("first citation %q lacks the sentences either side of the cut", c.Text)
	}
	if why := ix.checkCitation(c); why != "" {
		t.Errorf("citation %s:%d-%d: %s", c.Source, c.LineStart, c.LineEnd, why)
	}
	passage, _ := ix.Passage(context.Background(), c.ID)
	if passage.Text == c.Text || !strings.Contains(oneLine(passage.Text), cut) || strings.Contains(oneLine(passage.Text), answer) {
		t.Errorf("passage %s is %q: want the part of the paragraph that ends at the cut", c.ID, passage.Text)
	}
	if !strings.Contains(text, oneLine(a.Text)) || !strings.HasPrefix(oneLine(a.Text), cut) {
		t.Errorf("quote %q is not the matching sentence of the citation %q", a.Text, c.Text)
	}
	runes := []rune(c.Text)
	for _, h := range c.Highlights {
		if h[0] < 0 || h[1] > len(runes) || h[0] >= h[1] {
			t.Fatalf("bad highlight %v in %d runes", h, len(runes))
		}
		if w := strings.ToLower(string(runes[h[0]:h[1]])); !strings.Contains(strings.ToLower(cut), w) {
			t.Errorf("highlight %q is not in the matching sentence", w)
		}
	}

	// A quote inside a part, away from the cut, is cited with its part, and
	// a paragraph of its own with itself, however near the one before.
	for _, q := range []string{"Where did the guild of rope makers keep its records?", "What did the river mill grind for the whole valley?"} {
		a, err = ix.Ask(context.Background(), q, AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Answered {
			t.Fatalf("%q: not answered (%.3f)", q, a.Confidence)
		}
		c = a.Citations[0]
		if passage, _ := ix.Passage(context.Background(), c.ID); passage.Text != c.Text || c.LineStart != passage.LineStart || c.LineEnd != passage.LineEnd {
			t.Errorf("%q: first citation %q (%d-%d), want its passage %q (%d-%d)", q, c.Text, c.LineStart, c.LineEnd, passage.Text, passage.LineStart, passage.LineEnd)
		}
	}
}
