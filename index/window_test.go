package index

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
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

// harbour is a paragraph longer than a passage, whose first part ends with
// the sentence cut and whose second begins with the sentence answer.
func harbour() (para, cut, answer string) {
	filler := []string{
		"The harbour town grew around a fishing fleet that sailed from the old stone quay every morning.",
		"Its market hall, rebuilt twice after fires, still stands beside the river crossing near the mill.",
		"Merchants from the southern ports brought salt, wool and timber up the estuary on the spring tides.",
		"The guild of rope makers kept its records in the tower room above the customs house for centuries.",
		"A chapel dedicated to sailors lost at sea was raised on the headland above the northern beach.",
		"Storms in the winter months often closed the harbour mouth for weeks at a time with shifting sand.",
	}
	cut = "In 1790 the town council approved the construction of a lighthouse on the Black Rock reef."
	answer = "Its first keeper, Thomas Arden, lit the lamp on 4 March 1794 and kept it for thirty years."
	after := []string{
		"The tower was later raised by six metres and fitted with a rotating lens made in Paris.",
		"Today the station is automatic and the keeper's cottage houses a small museum of the coast.",
	}
	if utf8.RuneCountInString(strings.Join(append(filler, cut), " ")) > 700 {
		panic("the test paragraph's first part is too long to end at the cut")
	}
	return strings.Join(append(append(filler, cut, answer), after...), " "), cut, answer
}

// harbourQuestion is answered by harbour's cut sentence.
const harbourQuestion = "When did the town council approve the construction of the lighthouse on the Black Rock reef?"

// A quote at a cut of a long paragraph is cited with the sentences across
// the cut: the sentence after "the marriage of Emma" says what came of it.
func TestWidenAcrossCut(t *testing.T) {
	para, cut, answer := harbour()
	for _, eol := range []string{"\n", "\r\n"} {
		doc := "# Harbour\n\n" + wrap(para, 72) + "\n\nThe river mill ground corn for the whole valley.\n"
		testWidenAcrossCut(t, strings.ReplaceAll(doc, "\n", eol), cut, answer)
	}
}

func testWidenAcrossCut(t *testing.T, doc, cut, answer string) {
	t.Helper()
	ix := buildFS(t, fstest.MapFS{"harbour.md": {Data: []byte(doc)}})
	a, err := ix.Ask(context.Background(), harbourQuestion, AskOptions{K: 3})
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
	// The highlights are the question's words (or forms of them: "approved"),
	// wherever they stand in the window.
	runes := []rune(c.Text)
	if len(c.Highlights) == 0 {
		t.Error("no highlights")
	}
	for _, h := range c.Highlights {
		if h[0] < 0 || h[1] > len(runes) || h[0] >= h[1] {
			t.Fatalf("bad highlight %v in %d runes", h, len(runes))
		}
		w := strings.ToLower(string(runes[h[0]:h[1]]))
		if !strings.Contains(strings.ToLower(harbourQuestion), w[:min(len(w), 5)]) {
			t.Errorf("highlight %q is not a word of the question", w)
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

// FuzzWiden: any document, any question. The first citation stands in its
// source lines and is at most MaxPassageRunes long, and the quote's parts lie
// inside the citations they quote, whether or not the citation was widened
// across a cut. The seeds run in every "go test"; "go test ./index -fuzz
// FuzzWiden" looks for more.
func FuzzWiden(f *testing.F) {
	long := strings.Repeat("The keeper lit the lamp at dusk and trimmed the wick at midnight. ", 12)
	para, _, _ := harbour()
	for _, seed := range [][2]string{
		{"# Harbour\n\n" + wrap(para, 72) + "\n", harbourQuestion},
		{"# Harbour\r\n\r\n" + para + "\r\n", harbourQuestion},
		{para + "\n" + para, harbourQuestion},
		{strings.Repeat("word ", 400) + "lighthouse keeper.", "lighthouse keeper"},
		{strings.Repeat("Ein Satz über den Leuchtturm. ", 40) + "Der Wärter hieß Arden.", "Wer war der Wärter?"},
		{"# A\n\n" + long + "\n\n" + long + "\n", "When did the keeper trim the wick?"},
		{"- " + long + "\n- " + long + "\n", "keeper lamp"},
		{"", "lamp"},
	} {
		f.Add(seed[0], seed[1])
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, doc, q string) {
		c, err := corpus.Load(ctx, fstest.MapFS{"doc.md": {Data: []byte(doc)}}, corpus.Options{})
		if err != nil {
			return // not a document the corpus takes (empty, not UTF-8, ...)
		}
		ix, err := Build(ctx, c, Options{Now: 2026})
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		defer ix.Close()
		a, err := ix.Ask(ctx, q, AskOptions{K: 3})
		if err != nil {
			return // an empty question
		}
		checkFuzzedAnswer(t, ix, q, a)
		for _, p := range a.quote {
			if p.cit >= len(a.Citations) || p.start < 0 || p.start > p.end || p.end > len(a.Citations[p.cit].Text) {
				t.Fatalf("Ask(%q): quote part %+v outside its citation", q, p)
			}
		}
	})
}

// Random documents of long paragraphs, wrapped or not, with either line
// ending, asked their own sentences: every first citation stands in its
// lines, widened or not, and the quote stays inside it. CASEBOT_WIDEN_RUNS
// asks more (the default keeps the suite quick).
func TestWidenRandomDocuments(t *testing.T) {
	runs := 60
	if n, err := strconv.Atoi(os.Getenv("CASEBOT_WIDEN_RUNS")); err == nil {
		runs = n
	}
	words := strings.Fields("harbour keeper lamp reef council tower lens storm fleet quay market hall river mill salt wool timber " +
		"guild rope chapel sailor headland beach winter sand cottage museum coast station Paris Arden Rock 1790 1794 thirty six")
	rng := rand.New(rand.NewPCG(1, 2))
	sentence := func() string {
		n := 4 + rng.IntN(18)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[rng.IntN(len(words))]
		}
		ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
		return strings.Join(ws, " ") + "."
	}
	ctx := context.Background()
	widened := 0
	for run := 0; run < runs; run++ {
		var paras, all []string
		for range 1 + rng.IntN(3) {
			var ss []string
			for range 3 + rng.IntN(20) {
				ss = append(ss, sentence())
			}
			all = append(all, ss...)
			p := strings.Join(ss, " ")
			if rng.IntN(2) == 0 {
				p = wrap(p, 40+rng.IntN(60))
			}
			paras = append(paras, p)
		}
		doc := "# Random\n\n" + strings.Join(paras, "\n\n") + "\n"
		if rng.IntN(2) == 0 {
			doc = strings.ReplaceAll(doc, "\n", "\r\n")
		}
		c, err := corpus.Load(ctx, fstest.MapFS{"doc.md": {Data: []byte(doc)}}, corpus.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ix, err := Build(ctx, c, Options{Now: 2026})
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			q := strings.TrimSuffix(all[rng.IntN(len(all))], ".") + "?"
			a, err := ix.Ask(ctx, q, AskOptions{K: 3})
			if err != nil {
				t.Fatal(err)
			}
			checkFuzzedAnswer(t, ix, q, a)
			for _, p := range a.quote {
				if p.cit >= len(a.Citations) || p.start < 0 || p.start > p.end || p.end > len(a.Citations[p.cit].Text) {
					t.Fatalf("run %d, Ask(%q): quote part %+v outside its citation", run, q, p)
				}
			}
			if a.Answered && !a.List {
				if p, ok := ix.Passage(ctx, a.Citations[0].ID); ok && p.Text != a.Citations[0].Text {
					widened++
				}
			}
		}
		ix.Close()
	}
	if widened == 0 {
		t.Errorf("no answer of %d runs was cited across a cut: the test checks nothing of widen", runs)
	}
	t.Logf("%d answers cited across a cut in %d runs", widened, runs)
}
