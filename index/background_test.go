package index

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/casebot/casebot/corpus"
)

// The built-in background is what casebot train writes from the training
// file's article set (testdata/wiki-train/corpus), and the built-in model
// was trained with it.
func TestBackgroundBuiltin(t *testing.T) {
	wiki, err := corpus.Load(context.Background(), os.DirFS("../testdata/wiki-train/corpus"), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := backgroundOf(wiki.Docs)
	got := builtinBackground()
	if got == nil {
		t.Fatal("the built-in background does not read")
	}
	if got.text() != want.text() {
		t.Errorf("%s differs from the background of testdata/wiki-train/corpus (%d passages, %d terms; built in %d, %d): retrain with --background-out",
			backgroundFile, want.n, len(want.df), got.n, len(got.df))
	}
	if m, err := DefaultModel(); err != nil || m.Background != got.sum() {
		t.Errorf("the built-in model (%v) was trained with another background than the binary's %s", err, got.sum())
	}
	// What Write writes reads back.
	var buf bytes.Buffer
	if err := want.Write(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	if back := parseBackground(string(text)); back == nil || back.text() != want.text() {
		t.Error("a written background does not read back")
	}
	for _, bad := range []string{"", "passages x\n", "passages 3\nterm\n", "passages 3\nterm\t-1\n", "words 3\n"} {
		if parseBackground(bad) != nil {
			t.Errorf("parseBackground(%q) reads", bad)
		}
	}
}

// A question about the corpus's subject uses words the corpus uses more
// than the background does; one about something else, with words the
// corpus also has, does not.
func TestTopicality(t *testing.T) {
	st := embedded(t).st
	topical := func(q string) float64 {
		a := st.questionFeatures(st.plan(q))
		return a[aTopical]
	}
	on, off := topical("Which agency built Korea's e-government network?"), topical("What year did the war end?")
	if on <= 0 || on <= off+1 {
		t.Errorf("topical: %.2f for a question on the case study, %.2f for one off it", on, off)
	}
	if a := st.questionFeatures(st.plan("qwerty uiop")); a[aTopical] != 0 || a[aTopicalMin] != 0 || a[aTopicalMax] != 0 {
		t.Errorf("words the corpus lacks count: %v", a[aTopical:aTopicalMax+1])
	}
	p := st.plan("Which agency built Korea's e-government network?")
	p.bg = backgroundView{}
	if a := st.questionFeatures(p); a[aTopical] != 0 {
		t.Error("topical without a background")
	}
}

// In training, the background a question is compared with holds neither
// the corpus asked nor the article the question is about.
func TestTrainBackgroundLeavesOut(t *testing.T) {
	load := func(files map[string]string) *corpus.Corpus {
		fsys := fstest.MapFS{}
		for name, text := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		c, err := corpus.Load(context.Background(), fsys, corpus.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(c.Docs, func(i, j int) bool { return c.Docs[i].Path < c.Docs[j].Path })
		return c
	}
	sets := []TrainSet{
		{Name: "wiki", Articles: true, Corpus: load(map[string]string{
			"a.md": "Normandy is a region of France.\n\nThe dukes of Normandy ruled it.\n",
			"b.md": "The Rhine flows through Germany.\n\nIts delta is in the Netherlands.\n",
			"c.md": "Normandy cheese is famous.\n\nThe Rhine is long.\n",
		})},
		{Name: "case", Corpus: load(map[string]string{"k.md": "Korea built e-government.\n"})},
	}
	tb := trainBackgrounds(sets)
	if tb.all.n != 6 || tb.all.df["normandi"] != 3 {
		t.Fatalf("background of the articles: %d passages, normandi in %d", tb.all.n, tb.all.df["normandi"])
	}
	ep := episode{set: 0, docs: sets[0].Corpus.Docs[:1]}
	v := tb.without(ep, asked{about: articleKey{0, "b.md"}})
	if df, n := v.counts("normandi"); df != 1 || n != 2 {
		t.Errorf("without a.md and b.md: normandi in %d of %d passages, want 1 of 2", df, n)
	}
	// The same article twice is left out once; the case study is in no background.
	v = tb.without(episode{set: 1, docs: sets[1].Corpus.Docs}, asked{about: articleKey{0, "c.md"}})
	if df, n := v.counts("rhine"); df != 1 || n != 4 {
		t.Errorf("without c.md: rhine in %d of %d passages, want 1 of 4", df, n)
	}
	if len(tb.without(ep, asked{about: articleKey{0, "a.md"}}).less) != 1 {
		t.Error("an article left out twice")
	}
	if !strings.Contains(tb.all.text(), "passages 6\n") {
		t.Error("text lacks its passage count")
	}

	// A second set of questions about the same articles adds nothing to the
	// background, and a question of either set leaves its article out.
	sets = append(sets, TrainSet{Name: "wiki-documents", Articles: true, Corpus: load(map[string]string{
		"a.md": "Normandy is a region of France.\n\nThe dukes of Normandy ruled it.\n",
		"b.md": "The Rhine flows through Germany.\n\nIts delta is in the Netherlands.\n",
		"c.md": "Normandy cheese is famous.\n\nThe Rhine is long.\n",
	})})
	tb2 := trainBackgrounds(sets)
	if tb2.all.text() != tb.all.text() {
		t.Error("a second set of the same articles changed the background")
	}
	v = tb2.without(episode{set: 2, docs: sets[2].Corpus.Docs[:1]}, asked{about: articleKey{0, "b.md"}})
	if df, n := v.counts("normandi"); df != 1 || n != 2 {
		t.Errorf("the second set, without a.md and b.md: normandi in %d of %d passages, want 1 of 2", df, n)
	}
}

// cov_topical weighs the question's topic words by how topical they are
// for the corpus: a passage with "ministry" covers more of "which year did
// the ministry start" than one with "year" only, and a word the background
// uses as much as the corpus (here "year") weighs nothing.
func TestCovTopical(t *testing.T) {
	st := embedded(t).st
	p := st.plan("In which year did the ministry start digitalization?")
	q := st.weighPlan(p)
	byWord := map[string]float64{}
	for i, c := range p.concepts {
		byWord[c.word] = q.topical[i]
	}
	if byWord["year"] != 0 || byWord["ministry"] <= 0 || byWord["digitalization"] <= 0 {
		t.Errorf("topical weights %v: want year 0, ministry and digitalization above 0", byWord)
	}
	// A passage's cov_topical comes from ministry and digitalization alone:
	// it is above 0 only where one of their alternatives stands.
	var topicalTerms []string
	for _, c := range p.concepts {
		if c.word == "ministry" || c.word == "digitalization" {
			for _, alt := range c.alts {
				topicalTerms = append(topicalTerms, alt.terms...)
			}
		}
	}
	cands, err := st.candidates(context.Background(), p, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	st.measure(p, cands)
	seen := 0
	for _, c := range cands {
		an, heads := c.sp.analysis(), c.sp.headings(st)
		holds := false
		for _, term := range topicalTerms {
			_, inText := an.at[term]
			holds = holds || inText || heads[0].terms[term] || heads[1].terms[term]
		}
		if v := c.f[fCovTopical]; v < 0 || v > 1+1e-9 || (v > 0) != holds {
			t.Errorf("%s: cov_topical %.2f, holds ministry or digitalization %v", c.id, v, holds)
		}
		if holds {
			seen++
		}
	}
	if seen == 0 || seen == len(cands) {
		t.Errorf("%d of %d candidates hold ministry or digitalization", seen, len(cands))
	}
}
