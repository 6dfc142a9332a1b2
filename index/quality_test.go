package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casebot/casebot/corpus"
)

// The project's own question set (testdata/questions-*.jsonl) must keep the
// bars CI sets: top-1 at least minQuestionSetTop1, every out-of-scope
// question declined, every citation valid. The misses are logged. (The
// questions are also training data for the model: see README, "The model
// and how it is trained".)
// minQuestionSetTop1 is the top-1 bar of the project's question set, as in
// .ci/run (the learned model scores 0.880 on it; the hand-tuned ranking it
// replaced, tuned on these questions, scored 0.954).
const minQuestionSetTop1 = 0.85

func TestQuestionSet(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "questions-*.jsonl"))
	if len(files) == 0 {
		t.Fatal("no question files in testdata/")
	}
	var qs []EvalQuestion
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		more, err := ReadQuestions(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		qs = append(qs, more...)
	}
	rep, err := embedded(t).Evaluate(context.Background(), qs, AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	for _, f := range rep.Failures {
		t.Log(f)
	}
	if rep.Answerable+rep.OutOfScope < 80 || rep.OutOfScope*5 < rep.Answerable+rep.OutOfScope {
		t.Errorf("want at least 80 questions, a fifth out of scope: %d answerable, %d out of scope", rep.Answerable, rep.OutOfScope)
	}
	if rep.Top1Rate() < minQuestionSetTop1 || rep.AbstainRate() < 1 || rep.ValidRate() < 1 {
		t.Errorf("below the bar (top1 >= %.2f, abstain 1, valid 1): %s", minQuestionSetTop1, rep)
	}
}

// Every note states where its facts come from.
func TestNotesFrontMatter(t *testing.T) {
	c, err := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, d := range c.Docs {
		if !strings.HasPrefix(d.Path, "notes/") {
			continue
		}
		notes++
		if d.Title == "" || d.Kind != "note" || len(d.Sources) == 0 {
			t.Errorf("%s: title %q, kind %q, %d sources", d.Path, d.Title, d.Kind, len(d.Sources))
		}
		for _, s := range d.Sources {
			if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
				t.Errorf("%s: source %q is not a URL", d.Path, s)
			}
		}
		words := len(strings.Fields(d.Text[strings.Index(d.Text, "\n---\n")+5:]))
		if words < 150 || words > 900 {
			t.Errorf("%s: %d words", d.Path, words)
		}
	}
	if notes < 9 {
		t.Errorf("%d notes, want at least 9", notes)
	}
	if len(c.Rules) < 20 {
		t.Errorf("the corpus vocabulary has %d rules", len(c.Rules))
	}
}
