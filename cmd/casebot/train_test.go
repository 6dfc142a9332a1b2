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
	"regexp"
	"sort"
	"strconv"
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
		"":                            "the training file is empty",
		"\n  \n":                      "the training file is empty",
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

// tinyTrainingDir writes tinyTraining and a training file t.json of it (the
// two sets, or spec).
func tinyTrainingDir(t *testing.T, spec string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range tinyTraining {
		writeFile(t, filepath.Join(dir, name), text)
	}
	if spec == "" {
		spec = `{"sets":[{"name":"lake","corpus":"c1","questions":["q1.jsonl"]},{"name":"rockets","corpus":"c2","questions":["q2.jsonl"]}]}`
	}
	writeFile(t, filepath.Join(dir, "t.json"), spec)
	return dir
}

var top1Re = regexp.MustCompile(`top1 [0-9.]+ \((\d+)/(\d+)\)`)

// A model trained on two corpora of three documents each answers the
// questions it was trained on: the training report says 13/13 held out.
// It answered none (confidence 0 for every question): the answer
// model's "docs" feature, constant in training, was written with a scale
// of 8.9e-16 (the rounding error of its spread) and a mean rounded to six
// digits, so that every corpus's value lay 5e9 spreads from the mean.
func TestTrainTinyModelAnswers(t *testing.T) {
	dir := tinyTrainingDir(t, "")
	model := filepath.Join(dir, "m.json")
	if code, _, errOut := runCasebot(t, "", "train", "-q", "--folds", "2", "--out", model, filepath.Join(dir, "t.json")); code != exitOK {
		t.Fatalf("train: %d %s", code, errOut)
	}
	for _, set := range []string{"c1/q1.jsonl", "c2/q2.jsonl"} {
		corpus, qs := filepath.Join(dir, filepath.Dir(set)), filepath.Join(dir, filepath.Base(set))
		code, out, errOut := runCasebot(t, "", "eval", "--model", model, "--corpus", corpus, qs)
		m := top1Re.FindStringSubmatch(out)
		if code != exitOK || m == nil {
			t.Fatalf("eval: %d %s %s", code, out, errOut)
		}
		if right, _ := strconv.Atoi(m[1]); right < 10 {
			t.Errorf("%s: the trained model answers %s of %s right (training reported 13/13 held out)", set, m[1], m[2])
		}
	}
}

// A training file with no out-of-scope question (no "abstain" line, no
// article set) cannot set a threshold. train wrote a model with threshold
// 0 and an answer model fitted on answered questions alone: confidence 1
// for every question, "Who is the mayor of the town?" answered.
func TestTrainNeedsOutOfScope(t *testing.T) {
	dir := tinyTrainingDir(t, `{"sets":[{"name":"lake","corpus":"c1","questions":["a.jsonl"]}]}`)
	q, _ := os.ReadFile(filepath.Join(dir, "q1.jsonl"))
	var keep []string
	for _, l := range strings.Split(string(q), "\n") {
		if l != "" && !strings.Contains(l, "abstain") {
			keep = append(keep, l)
		}
	}
	writeFile(t, filepath.Join(dir, "a.jsonl"), strings.Join(keep, "\n")+"\n")
	model := filepath.Join(dir, "m.json")
	code, _, errOut := runCasebot(t, "", "train", "-q", "--folds", "2", "--out", model, filepath.Join(dir, "t.json"))
	if code == exitOK {
		_, out, _ := runCasebot(t, "", "ask", "--json", "--model", model, "--corpus", filepath.Join(dir, "c1"), "Who is the mayor of the town?")
		t.Errorf("train with no out-of-scope question succeeded; the model says %s", out)
	} else if !strings.Contains(errOut, "out-of-scope") {
		t.Errorf("exit %d: %q; want a reason naming the out-of-scope questions", code, errOut)
	}
}

// Places the files cannot be written to are told before training starts
// (train.go: "Training takes minutes"), and a file that is not written
// leaves the one there as it was. --out a directory, --dump a directory
// and --background-out of a training file without articles were told only
// after training; --dump or --out naming an input overwrote it.
func TestTrainOutputsToldFirst(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", "sub"}, "directory"},
		{[]string{"--dump", "sub"}, "directory"},
		{[]string{"--background-out", "bg.gz"}, "article"},
		{[]string{"--dump", "t.json"}, "t.json"},
		{[]string{"--out", "q1.jsonl"}, "q1.jsonl"},
		{[]string{"--dump", "m.json", "--out", "m.json"}, "m.json"},
	} {
		dir := tinyTrainingDir(t, "")
		spec := filepath.Join(dir, "t.json")
		if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		c.args = append([]string(nil), c.args...)
		for i := 1; i < len(c.args); i += 2 {
			c.args[i] = filepath.Join(dir, c.args[i])
		}
		before := listing(t, dir)
		code, _, errOut := runCasebot(t, "", append(append([]string{"train", "--folds", "2"}, c.args...), spec)...)
		if code != exitUsage || strings.Contains(errOut, "train: ") || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, %q; want exit 2 before training, naming %q", c.args, code, errOut, c.want)
		}
		after := listing(t, dir)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%q: %s changed", c.args, k)
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok {
				t.Errorf("%q: left %s", c.args, k)
			}
		}
	}
}

// A training file with something after its JSON object is not one.
func TestTrainTrailingData(t *testing.T) {
	dir := tinyTrainingDir(t, `{"sets":[{"name":"lake","corpus":"c1","questions":["q1.jsonl"]}]}
{"sets":[{"name":"rockets","corpus":"c2","questions":["q2.jsonl"]}]}`)
	code, _, errOut := runCasebot(t, "", "train", "-q", "--folds", "2", "--out", filepath.Join(dir, "m.json"), filepath.Join(dir, "t.json"))
	if code != exitUsage {
		t.Errorf("a training file of two objects: exit %d %q; want exit 2 (the second set was silently left out)", code, errOut)
	}
}

// casebot eval's bars: an empty question file passed --min-top1 1 with
// "top1 1.000 (0/0)"; an expect phrase with nothing the scorer compares
// ("", "--", "로마 군인", an empty list) matched any answer.
func TestEvalVacuous(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"empty":  "",
		"blank":  "\n\n",
		"phrase": `{"id":"x","q":"What was stage 1?","expect":[""]}`,
		"punct":  `{"id":"x","q":"What was stage 1?","expect":["--"]}`,
		"korean": `{"id":"x","q":"What was stage 1?","expect":["로마 군인"]}`,
		"list":   `{"id":"x","q":"What was stage 1?","expect":[[]]}`,
	} {
		f := filepath.Join(dir, name+".jsonl")
		writeFile(t, f, body)
		code, out, errOut := runCasebot(t, "", "eval", "--min-top1", "1", f)
		if code != exitUsage {
			t.Errorf("%s: exit %d, %q %q; want exit 2, the file refused", name, code, out, errOut)
		}
	}
}
