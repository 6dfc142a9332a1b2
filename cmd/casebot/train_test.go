package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/casebot/casebot/index"
)

// casebot train on a small training file: four Wikipedia articles and some
// of their questions. It writes a model that reads, with the background it
// records, the same bytes each time; bad training files and places the
// files cannot go are told before training starts.
func TestTrainCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	dir := t.TempDir()
	src := filepath.Join("..", "..", "testdata", "wiki-train")
	names, _ := filepath.Glob(filepath.Join(src, "corpus", "*.md"))
	sort.Strings(names)
	os.MkdirAll(filepath.Join(dir, "corpus"), 0o755)
	var texts []string
	for _, n := range names[:4] {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "corpus", filepath.Base(n)), b, 0o644)
		texts = append(texts, fold(string(b)))
	}
	raw, err := os.ReadFile(filepath.Join(src, "questions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for i, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var q struct{ Expect []json.RawMessage }
		json.Unmarshal([]byte(l), &q)
		var phrase string
		if i%5 != 0 || len(q.Expect) == 0 || json.Unmarshal(q.Expect[0], &phrase) != nil {
			continue
		}
		for _, text := range texts {
			if strings.Contains(text, fold(phrase)) {
				qs = append(qs, l)
				break
			}
		}
	}
	if len(qs) < 40 {
		t.Fatalf("only %d questions about the four articles", len(qs))
	}
	os.WriteFile(filepath.Join(dir, "q.jsonl"), []byte(strings.Join(qs, "\n")+"\n"), 0o644)
	spec := filepath.Join(dir, "train.json")
	os.WriteFile(spec, []byte(`{"sets": [{"name": "wiki", "corpus": "corpus", "articles": true, "questions": ["q.jsonl"]}]}`), 0o644)

	model, bg := filepath.Join(dir, "m.json"), filepath.Join(dir, "bg.txt.gz")
	dump := filepath.Join(dir, "dump.jsonl.gz")
	var first []byte
	for run := range 2 {
		args := []string{"train", "-q", "--folds", "2", "--out", model, "--background-out", bg}
		if run == 1 {
			args = append(args, "--dump", dump) // a dump changes nothing
		}
		code, _, errOut := runCasebot(t, "", append(args, spec)...)
		if code != exitOK {
			t.Fatalf("train: exit %d: %s", code, errOut)
		}
		b, _ := os.ReadFile(model)
		if first != nil && !bytes.Equal(first, b) {
			t.Error("the same training file gave another model")
		}
		first = b
	}
	f, _ := os.Open(model)
	m, err := index.ReadModel(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	z, _ := os.Open(bg)
	defer z.Close()
	zr, err := gzip.NewReader(z)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	sum := sha256.Sum256(text)
	if !strings.HasPrefix(string(text), "passages ") || m.Background != hex.EncodeToString(sum[:]) {
		t.Errorf("background %.30q, SHA-256 %x; the model records %s", text, sum, m.Background)
	}

	checkDump(t, dump, len(qs))

	// Training that fails after the dump began leaves no dump and no debris.
	failDir := t.TempDir()
	os.MkdirAll(filepath.Join(failDir, "c"), 0o755)
	os.WriteFile(filepath.Join(failDir, "c", "a.md"), []byte("# Quokka\n\nThe quokka lives on Rottnest Island.\n"), 0o644)
	os.WriteFile(filepath.Join(failDir, "q.jsonl"), []byte(`{"id": "x", "q": "what is the capital of peru", "expect": ["lima"]}`+"\n"), 0o644)
	failSpec := filepath.Join(failDir, "t.json")
	os.WriteFile(failSpec, []byte(`{"sets": [{"name": "s", "corpus": "c", "questions": ["q.jsonl"]}]}`), 0o644)
	if code, _, _ := runCasebot(t, "", "train", "-q", "--out", filepath.Join(failDir, "m.json"), "--dump", filepath.Join(failDir, "d.jsonl.gz"), failSpec); code == exitOK {
		t.Error("training with nothing to learn from succeeded")
	}
	if entries, _ := os.ReadDir(failDir); len(entries) != 3 {
		t.Errorf("a failed training left %d entries, want the 3 it was given", len(entries))
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train"}, "needs one training file"},
		{[]string{"train", "--folds", "1", spec}, "--folds"},
		{[]string{"train", filepath.Join(dir, "none.json")}, "training file"},
		{[]string{"train", "--min-decline", "1", spec}, "--min-decline"},
		{[]string{"train", "--out", filepath.Join(dir, "no", "m.json"), spec}, "no directory"},
		{[]string{"train", "--background-out", filepath.Join(model, "bg.gz"), spec}, "no directory"},
		{[]string{"train", "--dump", filepath.Join(dir, "no", "d.jsonl"), spec}, "no directory"},
		{[]string{"train", "--dump", "-", spec}, "--dump needs a file"},
	} {
		code, _, errOut := runCasebot(t, "", c.args...)
		if code == exitOK || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, %q; want an error saying %q", c.args, code, errOut, c.want)
		}
	}
	bad := filepath.Join(dir, "bad.json")
	for body, want := range map[string]string{
		`{"sets": []}`: "no sets",
		`{"sets": [{"name": "x", "corpus": "nowhere", "questions": ["q.jsonl"]}]}`: "not found",
		`{"sets": [{"name": "x"}]}`:   "needs a name, a corpus and question files",
		`{"sets": [], "extra": true}`: "unknown field",
	} {
		os.WriteFile(bad, []byte(body), 0o644)
		code, _, errOut := runCasebot(t, "", "train", bad)
		if code == exitOK || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, %q; want %q", body, code, errOut, want)
		}
	}
}

// checkDump reads a --dump file: a header naming the features, then
// examples (at least one per question) whose candidates each have a
// feature vector and a passage written before them.
func checkDump(t *testing.T, path string, questions int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(zr)
	var header struct {
		Kind     string
		Sets     []string
		Features []string
	}
	if err := dec.Decode(&header); err != nil || header.Kind != "header" || len(header.Sets) != 1 || len(header.Features) < 10 {
		t.Fatalf("header %+v, %v", header, err)
	}
	passages := map[string]bool{}
	examples, candidates, right := 0, 0, 0
	for dec.More() {
		var line struct {
			Kind, ID, Text, Q string
			Scope             int
			IDs               []string
			Label             []bool
			X                 [][]float64
		}
		if err := dec.Decode(&line); err != nil {
			t.Fatal(err)
		}
		switch line.Kind {
		case "passage":
			if line.Text == "" {
				t.Errorf("passage %s has no text", line.ID)
			}
			passages[line.ID] = true
		case "example":
			examples++
			if line.Q == "" || len(line.X) != len(line.IDs) || len(line.Label) != len(line.IDs) {
				t.Fatalf("example %q: %d ids, %d labels, %d rows", line.Q, len(line.IDs), len(line.Label), len(line.X))
			}
			for i, id := range line.IDs {
				candidates++
				if !passages[id] || len(line.X[i]) != len(header.Features) {
					t.Fatalf("example %q: candidate %s: passage written %v, %d features", line.Q, id, passages[id], len(line.X[i]))
				}
				if line.Label[i] {
					right++
				}
			}
		default:
			t.Fatalf("line of kind %q", line.Kind)
		}
	}
	if examples < questions || candidates == 0 || right == 0 {
		t.Errorf("%d examples for %d questions, %d candidates, %d right", examples, questions, candidates, right)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
