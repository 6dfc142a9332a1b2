package index

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/casebot/casebot/corpus"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// smallSets are a few of the training articles with their questions, and
// some case-study questions: enough to exercise every part of Train fast.
func smallSets(t *testing.T) []TrainSet {
	t.Helper()
	wiki, err := corpus.Load(context.Background(), os.DirFS("../testdata/wiki-train/corpus"), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(wiki.Docs, func(i, j int) bool { return wiki.Docs[i].Path < wiki.Docs[j].Path })
	wiki.Docs = wiki.Docs[:6]
	keep := map[string]bool{}
	for _, d := range wiki.Docs {
		keep[d.Path] = true
	}
	qs := readQuestionFile(t, "../testdata/wiki-train/questions.jsonl")
	s := TrainSet{Name: "wiki", Corpus: wiki, Articles: true}
	arts, err := articleOf(context.Background(), TrainSet{Corpus: wiki, Questions: qs}, TrainOptions{Now: 2026})
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range qs {
		if keep[arts[i]] && i%4 == 0 {
			s.Questions = append(s.Questions, q)
		}
	}
	cs, err := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var case_ []EvalQuestion
	for i, q := range readQuestionFile(t, "../testdata/train-casestudy.jsonl") {
		if i%3 == 0 {
			case_ = append(case_, q)
		}
	}
	return []TrainSet{s, {Name: "case", Corpus: cs, Questions: case_}}
}

func readQuestionFile(t *testing.T, name string) []EvalQuestion {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// Train is deterministic: the same data give the same model file, byte for
// byte (testdata/model-small.json; go test ./index -run TestTrainReproducible
// -update rewrites it). casebot train on testdata/train.json reproduces
// index/model.json the same way.
func TestTrainReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	m, err := Train(context.Background(), smallSets(t), TrainOptions{Folds: 2, Now: 2026, Lambdas: []float64{0.01}})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := m.Encode(&got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("..", "testdata", "model-small.json")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the model trained on the small sets differs from %s (rerun with -update if the change is meant)", golden)
	}
	if _, err := compile(m); err != nil {
		t.Errorf("the trained model does not compile: %v", err)
	}
	// The ranking must learn something: right passages above BM25's order.
	if len(m.Rank.Features) < numFeatures/2 || m.Threshold <= 0 || m.Threshold >= 1 {
		t.Errorf("model has %d ranking features and threshold %v", len(m.Rank.Features), m.Threshold)
	}
	// The answer model's lambda is one of the defaults, chosen held out.
	chosen := ""
	for _, l := range m.Report {
		if _, after, ok := strings.Cut(l, "answer model L2 lambda "); ok {
			chosen = strings.TrimSuffix(after, "):")
		}
	}
	if !slices.Contains([]string{"0.0003", "0.001", "0.003", "0.01"}, chosen) {
		t.Errorf("the report gives answer lambda %q, want one of the defaults", chosen)
	}
}

// The shipped model compiles against the code's features.
func TestDefaultModel(t *testing.T) {
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compile(m); err != nil {
		t.Fatal(err)
	}
	if len(m.Data) == 0 || m.Command == "" {
		t.Errorf("index/model.json does not say what it was trained on")
	}
}

func TestReadModelRefusesUnknownFeature(t *testing.T) {
	for _, in := range []string{
		`{"rank": {"features": [{"name": "no_such_feature", "mean": 0, "scale": 1, "weight": 1}]}}`,
		`{"rank": {"features": [{"name": "bm25", "mean": 0, "scale": 0, "weight": 1}]}}`,
		`{"threshold": 0.5, "extra": 1}`,
		`not json`,
	} {
		if _, err := ReadModel(bytes.NewReader([]byte(in))); err == nil {
			t.Errorf("ReadModel(%s) accepted it", in)
		}
	}
}

// The threshold declines minDecline of the out-of-scope questions asked of
// each corpus, sets sharing a corpus pooled: a small set of its own would
// let one question set it.
func TestChooseThresholdPoolsSetsOfACorpus(t *testing.T) {
	wiki, cs := &corpus.Corpus{}, &corpus.Corpus{}
	var exs []*example
	var prob []float64
	add := func(set int, ps ...float64) {
		for _, p := range ps {
			exs = append(exs, &example{set: set, scope: outOfScope})
			prob = append(prob, p)
		}
	}
	for i := range 100 {
		add(0, float64(i)/200) // the Wikipedia set: 0 to 0.495
		add(1, float64(i)/400) // the case study: 0 to 0.2475
	}
	// the case study's small set: one confident question of two
	add(2, 0.1, 0.9)
	// answerable questions do not count
	exs = append(exs, &example{set: 1, scope: inScope})
	prob = append(prob, 0.99)

	pooled := []TrainSet{{Name: "wiki", Corpus: wiki}, {Name: "case", Corpus: cs}, {Name: "documents", Corpus: cs}}
	// Wikipedia's 95th of 100 (0.47 and 0.475) binds; the case study's 102
	// questions are declined below 0.25 but for the one at 0.9 (101 of 102).
	if got := chooseThreshold(pooled, exs, prob, 0.95); got != 0.4725 {
		t.Errorf("pooled: threshold %v, want 0.4725", got)
	}
	apart := []TrainSet{{Name: "wiki", Corpus: wiki}, {Name: "case", Corpus: cs}, {Name: "documents", Corpus: &corpus.Corpus{}}}
	// a set of two alone must decline both: the threshold rises above 0.9
	if got := chooseThreshold(apart, exs, prob, 0.95); got <= 0.9 {
		t.Errorf("apart: threshold %v, want above 0.9", got)
	}
}
