package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCasebot runs the CLI as main would, with an environment that has only
// XDG_DATA_HOME, a temporary directory.
func runCasebot(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	data := t.TempDir()
	return runCasebotEnv(t, map[string]string{"XDG_DATA_HOME": data}, stdin, args...)
}

// runCasebotEnv runs the CLI with the environment vars.
func runCasebotEnv(t *testing.T, vars map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := func(k string) string { return vars[k] }
	code = run(context.Background(), args, env, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	docs := filepath.Join("..", "..", "corpus", "docs")
	unreadable := t.TempDir() // documents, none of which reads
	if err := os.WriteFile(filepath.Join(unreadable, "a.md"), []byte("\x00\x01binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(unreadable, "b.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(t.TempDir(), "idx") // a symbolic link to a directory that is not there
	if err := os.Symlink(missing, dangling); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, exitUsage, "no command given"},
		{"index a dangling link", []string{"ask", "--corpus", docs, "--index", dangling, "what?"}, exitUsage,
			"index " + dangling + " is a symbolic link to " + missing + ", which does not exist"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"empty question", []string{"ask", ""}, exitUsage, "ask needs a question"},
		{"blank question", []string{"ask", "   "}, exitUsage, "ask needs a question"},
		{"bad flag", []string{"ask", "--nope", "x"}, exitUsage, "unknown flag: --nope"},
		{"bad flag after the question", []string{"ask", "x", "--nope"}, exitUsage, "unknown flag: --nope"},
		{"bad k", []string{"ask", "-k", "0", "x"}, exitUsage, "-k must be between 1 and 25"},
		{"bad k after the question", []string{"ask", "x", "-k", "26"}, exitUsage, "-k must be between 1 and 25"},
		{"k not a number", []string{"ask", "x", "-k", "many"}, exitUsage, "invalid argument"},
		{"search k 0", []string{"search", "-k", "0", "stage"}, exitUsage, "-k must be between 1 and 25"},
		{"eval k 0", []string{"eval", "-k", "0", "q.jsonl"}, exitUsage, "-k must be between 1 and 25"},
		{"eval bar over 1", []string{"eval", "--min-top1", "2", "q.jsonl"}, exitUsage, "--min-top1 2: want a rate from 0 to 1"},
		{"eval bar not a number", []string{"eval", "--min-valid", "NaN", "q.jsonl"}, exitUsage, "--min-valid NaN: want a rate from 0 to 1"},
		{"stage k 0", []string{"stage", "1", "-k", "0"}, exitUsage, "-k must be between 1 and 25"},
		{"no such stage", []string{"stage", "99"}, exitUsage, "there is no stage 99"},
		{"stage not a number", []string{"stage", "three"}, exitUsage, "stage wants a stage number"},
		{"stage", []string{"stage", "3"}, exitOK, ""},
		{"stages", []string{"stage"}, exitOK, ""},
		{"agency", []string{"agency", "NIA"}, exitOK, ""},
		{"factors", []string{"factors"}, exitOK, ""},
		{"version", []string{"version"}, exitOK, ""},
		{"command help", []string{"ask", "-h"}, exitOK, ""},
		{"help for a command", []string{"help", "serve"}, exitOK, ""},
		{"help for no command", []string{"help", "frobnicate"}, exitUsage, "unknown command"},
		{"index without a corpus", []string{"index"}, exitUsage, "index needs --corpus"},
		{"missing corpus", []string{"ask", "--corpus", missing, "what?"}, exitUsage, "corpus directory"},
		{"empty corpus", []string{"ask", "--corpus", empty, "what?"}, exitFail, "holds no documents"},
		{"corpus of files that do not read", []string{"ask", "--corpus", unreadable, "what?"}, exitFail,
			"holds no document casebot can read: a.md: not a text file (and 1 more skipped)"},
		{"index is a file", []string{"index", "--corpus", docs, "--index", file}, exitUsage, "index " + file + " is a file"},
		{"ask with an index that is a file", []string{"ask", "--corpus", docs, "--index", file, "what?"}, exitUsage, "index " + file + " is a file"},
		{"ask the embedded corpus with an index that is a file", []string{"ask", "--index", file, "what?"}, exitUsage, "index " + file + " is a file"},
		{"help", []string{"help"}, exitOK, ""},
		{"answered", []string{"ask", "What was stage 1?"}, exitOK, ""},
		{"not found", []string{"ask", "Who painted the Mona Lisa?"}, exitOK, ""},
		{"search", []string{"search", "stage"}, exitOK, ""},
		{"empty search", []string{"search"}, exitUsage, "search needs a query"},
		{"search in no document", []string{"search", "--document", "no-such-thing", "stage"}, exitUsage, `no document is called "no-such-thing"`},
		{"search in a document", []string{"search", "--document", "stages.md", "stage"}, exitOK, ""},
		{"search leaving a word out before --", []string{"search", "pandemic", "-covid"}, exitUsage,
			"to leave a word out of the search, put the query after --"},
		{"search only leaving out", []string{"search", "--", "-covid"}, exitUsage, "as well as words to leave out"},
		{"search a phrase of common words", []string{"search", `"of the"`}, exitUsage, "common words such as"},
		{"search of a mention alone", []string{"search", "@everyone"}, exitUsage, "search needs a query with words in it"},
		{"search of bytes that are not UTF-8", []string{"search", "\xff\xfe"}, exitUsage, "search needs a query with words in it"},
		{"sources", []string{"sources"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCasebot(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if tt.stderr != "" && !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q, want it to mention %q", stderr, tt.stderr)
			}
			if tt.code != exitOK && strings.Count(strings.TrimSpace(stderr), "\n") > 0 && !strings.Contains(stderr, "Usage") {
				t.Errorf("want a one-line reason, got %q", stderr)
			}
		})
	}
}

// fullWriter fails every write, as a full disk does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestStdoutFull: a command whose output cannot be written (standard
// output on a full disk) fails, exit 1 with the reason: "casebot ask Q >
// answer.txt" exited 0 with nothing written, and a script took the empty
// file for an answer. Only "ask --json -" said so.
func TestStdoutFull(t *testing.T) {
	docs := filepath.Join("..", "..", "corpus", "docs")
	qs := filepath.Join(t.TempDir(), "q.jsonl")
	os.WriteFile(qs, []byte(`{"id":"1","q":"What was stage 1?","expect":["stage 1"]}`+"\n"), 0o644)
	for _, args := range [][]string{
		{"ask", "What was stage 1?"},
		{"ask", "--json", "What was stage 1?"},
		{"search", "stage"},
		{"sources"},
		{"stage", "1"},
		{"eval", qs},
		{"index", "--corpus", docs, "--index", filepath.Join(t.TempDir(), "idx")},
		{"version"},
		{"help"},
	} {
		var errb bytes.Buffer
		env := map[string]string{"XDG_DATA_HOME": t.TempDir()}
		code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), fullWriter{}, &errb)
		if code != exitFail || !strings.Contains(errb.String(), "no space left on device") {
			t.Errorf("%q: exit %d, stderr %q; want 1 and the reason", args, code, errb.String())
		}
	}
}

// TestAskText: piped, the answer is plain text: no Markdown markers, no
// escape codes, the passage quoted as it stands.
func TestAskText(t *testing.T) {
	code, out, _ := runCasebot(t, "", "ask", "What was stage 1?")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Stage 1 (1980s to 1995)", "[1] ", ".md:", "> Stage 1 (1980s to 1995)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "**") || strings.Contains(out, "\x1b[") {
		t.Errorf("plain output has markers or escape codes:\n%s", out)
	}
	_, out, _ = runCasebot(t, "", "ask", "comittee members")
	if strings.Contains(out, "*") || !strings.Contains(out, `(showing results for "committee" instead of "comittee")`) {
		t.Errorf("a correction, plain:\n%s", out)
	}
	_, out, _ = runCasebot(t, "", "ask", "Who painted the Mona Lisa?")
	if !strings.Contains(out, "do not cover") {
		t.Errorf("not-found output: %s", out)
	}
}

// TestListsOfNone: "stage" and "agency" without an argument, on documents
// that number no stages and define no acronyms, say so.
func TestListsOfNone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tea.md"), "# Tea\n\nThe tea board of Ruritania was founded in 1921 to regulate tea exports.\n")
	idx := filepath.Join(t.TempDir(), "idx")
	for _, c := range []struct{ cmd, want string }{
		{"stage", "The documents do not number any stages.\n"},
		{"agency", "The documents do not define the acronym of any agency or other body.\n"},
	} {
		code, out, errOut := runCasebot(t, "", c.cmd, "--corpus", dir, "--index", idx)
		if code != exitOK || out != c.want {
			t.Errorf("%s: exit %d, %q (stderr %q); want %q", c.cmd, code, out, errOut, c.want)
		}
	}
}

// TestAskSeveralQuestions: a line that asks two questions keeps its one
// answer, and gets each question answered under "questions"; on a terminal
// each is printed under its own heading.
func TestAskSeveralQuestions(t *testing.T) {
	q := "What was stage 1? And what was stage 2?"
	code, out, errOut := runCasebot(t, q+"\nWhat was stage 1?\n", "ask", "--json", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type answer struct {
		Question  string `json:"question"`
		Answered  bool   `json:"answered"`
		Answer    string `json:"answer"`
		Questions []struct {
			Question string `json:"question"`
			Answered bool   `json:"answered"`
			Answer   string `json:"answer"`
		} `json:"questions"`
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines out for 2 questions", len(lines))
	}
	var two, one answer
	if err := json.Unmarshal([]byte(lines[0]), &two); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &one); err != nil {
		t.Fatal(err)
	}
	if two.Question != q || !two.Answered || len(two.Questions) != 2 {
		t.Fatalf("want the message answered, with 2 questions: %s", lines[0])
	}
	for i, want := range []string{"Stage 1", "Stage 2"} {
		if p := two.Questions[i]; !p.Answered || !strings.Contains(p.Answer, want) {
			t.Errorf("question %d %q: answered %v, %q; want %q", i+1, p.Question, p.Answered, p.Answer, want)
		}
	}
	if len(one.Questions) != 0 || strings.Contains(lines[1], `"questions"`) {
		t.Errorf("one question has a questions key: %s", lines[1])
	}
	code, out, _ = runCasebot(t, "", "ask", "-k", "1", q)
	if code != exitOK || !strings.Contains(out, "Q1. What was stage 1?") || !strings.Contains(out, "Q2. And what was stage 2?") {
		t.Errorf("ask, two questions: exit %d\n%s", code, out)
	}
}

// TestAskJSONStream checks the stable contract of "casebot ask --json -": one
// JSON object a line, in input order, each with the fields the evaluation
// reads, and every citation quoting its source file's lines.
func TestAskJSONStream(t *testing.T) {
	questions := []string{"What was stage 1?", "", "Who painted the Mona Lisa?", "\xff\xfe", "what are the success factors?"}
	code, out, errOut := runCasebot(t, strings.Join(questions, "\n")+"\n", "ask", "--json", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(questions) {
		t.Fatalf("%d lines out for %d questions", len(lines), len(questions))
	}
	type citation struct {
		Source    string  `json:"source"`
		Title     string  `json:"title"`
		Section   string  `json:"section"`
		LineStart int     `json:"line_start"`
		LineEnd   int     `json:"line_end"`
		Text      string  `json:"text"`
		Score     float64 `json:"score"`
	}
	type answer struct {
		Question    string     `json:"question"`
		Answered    bool       `json:"answered"`
		Answer      string     `json:"answer"`
		Citations   []citation `json:"citations"`
		Suggestions []citation `json:"suggestions"`
	}
	answers := make([]answer, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &answers[i]); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if !strings.Contains(l, `"answered":`) || !strings.Contains(l, `"question":`) {
			t.Errorf("line %d lacks fields: %s", i+1, l)
		}
	}
	if a := answers[0]; !a.Answered || len(a.Citations) == 0 || a.Answer == "" || a.Question != questions[0] {
		t.Errorf("first answer: %+v", a)
	}
	for _, i := range []int{1, 2, 3} {
		if answers[i].Answered || len(answers[i].Citations) != 0 {
			t.Errorf("question %q answered: %+v", questions[i], answers[i])
		}
		if strings.Contains(lines[i], `"citations"`) {
			t.Errorf("an unanswered question must have no citations key: %s", lines[i])
		}
	}
	if len(answers[2].Suggestions) == 0 && len(answers[4].Citations) < 4 {
		t.Errorf("want suggestions for a not-found question and a list for success factors")
	}
	root := filepath.Join("..", "..", "corpus", "docs")
	for _, a := range answers {
		for _, c := range a.Citations {
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(c.Source)))
			if err != nil {
				t.Fatalf("citation source %q: %v", c.Source, err)
			}
			fileLines := strings.Split(string(data), "\n")
			if c.LineStart < 1 || c.LineEnd < c.LineStart || c.LineEnd > len(fileLines) {
				t.Fatalf("bad line range %d-%d", c.LineStart, c.LineEnd)
			}
			span := strings.Join(fileLines[c.LineStart-1:c.LineEnd], " ")
			if !strings.Contains(fold(span), fold(c.Text)) || len([]rune(c.Text)) > 700 || c.Title == "" {
				t.Errorf("citation %s:%d-%d does not quote its lines: %q", c.Source, c.LineStart, c.LineEnd, c.Text)
			}
		}
	}
}

func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		} else {
			space = true
		}
	}
	return b.String()
}

// TestAskStreamFlushesEachLine reads answers while questions are still being
// written: each answer must arrive before the next question is sent.
func TestAskStreamFlushesEachLine(t *testing.T) {
	inR, inW, _ := os.Pipe()
	outR, outW, _ := os.Pipe()
	done := make(chan int)
	go func() {
		done <- run(context.Background(), []string{"ask", "--json", "-"}, func(string) string { return "" }, inR, outW, &bytes.Buffer{})
		outW.Close()
	}()
	rd := bufio.NewReader(outR)
	for _, q := range []string{"What was stage 2?", "What is G4C?"} {
		if _, err := inW.WriteString(q + "\n"); err != nil {
			t.Fatal(err)
		}
		line, err := rd.ReadString('\n')
		if err != nil || !strings.Contains(line, `"answered":true`) {
			t.Fatalf("answer to %q: %q %v", q, line, err)
		}
	}
	inW.Close()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d", code)
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	qs := filepath.Join(dir, "q.jsonl")
	os.WriteFile(qs, []byte(`{"id":"1","q":"What was stage 1?","expect":["stage 1"]}
{"id":"2","q":"Who painted the Mona Lisa?","abstain":true}
`), 0o644)
	code, out, errOut := runCasebot(t, "", "eval", "--min-top1", "1", "--min-abstain", "1", "--min-valid", "1", qs)
	if code != exitOK || !strings.Contains(out, "top1 1.000") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{not json\n"), 0o644)
	if code, _, _ := runCasebot(t, "", "eval", bad); code != exitUsage {
		t.Errorf("malformed question file: exit %d", code)
	}
}

// TestEvalByteOrderMark: a question file saved with a UTF-8 byte order
// mark and CRLF line ends (Windows Notepad) is read, not refused at its
// first line.
func TestEvalByteOrderMark(t *testing.T) {
	qs := filepath.Join(t.TempDir(), "q.jsonl")
	os.WriteFile(qs, []byte("\xef\xbb\xbf{\"id\":\"1\",\"q\":\"What was stage 1?\",\"expect\":[\"stage 1\"]}\r\n"+
		"{\"id\":\"2\",\"q\":\"Who painted the Mona Lisa?\",\"abstain\":true}\r\n"), 0o644)
	code, out, errOut := runCasebot(t, "", "eval", qs)
	if code != exitOK || !strings.Contains(out, "for 2 questions") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
}

// A model file trained with another background than the binary's still
// answers, with a warning; the built-in model's own file gets none.
func TestModelOtherBackground(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "index", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	same, other := filepath.Join(dir, "same.json"), filepath.Join(dir, "other.json")
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(same, raw, 0o644)
	m["background"] = strings.Repeat("0", 64)
	b, _ := json.Marshal(m)
	os.WriteFile(other, b, 0o644)
	for file, warned := range map[string]bool{same: false, other: true} {
		code, out, errOut := runCasebot(t, "", "ask", "--model", file, "What was stage 1?")
		if code != exitOK || !strings.Contains(out, "Stage 1") {
			t.Errorf("%s: exit %d: %s %s", file, code, out, errOut)
		}
		if got := strings.Contains(errOut, "another background"); got != warned {
			t.Errorf("%s: warned %v, want %v: %s", filepath.Base(file), got, warned, errOut)
		}
	}
}
