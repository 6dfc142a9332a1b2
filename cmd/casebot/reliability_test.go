package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/casebot/casebot/bot/discordtest"
	"github.com/casebot/casebot/index"
)

// TestEnvFileErrorsHideContent: a .env file godotenv cannot parse is named
// with the line at fault, and nothing of its text reaches the output.
func TestEnvFileErrorsHideContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		line       int
		why        string
	}{
		{"bad name before the token", "CASEBOT-RATE=5\nDISCORD_TOKEN=FAKE.SECRET\n", 1, "a name holds a character"},
		{"unclosed quote on the token line", "DISCORD_TOKEN=\"FAKE.SECRET\n", 1, "a quoted value is not closed"},
		{"unclosed single quote after good lines", "# settings\nCASEBOT_RATE=5\nDISCORD_TOKEN='FAKE.SECRET\nCASEBOT_WATCH=true\n", 3, "a quoted value is not closed"},
		{"bad name after the token, CRLF", "DISCORD_TOKEN=FAKE.SECRET\r\nDISCORD_APP_ID=1\r\nBAD NAME!=FAKE.SECRET\r\n", 3, "a name holds a character"},
		{"after a value over two lines", "DISCORD_TOKEN=\"FAKE.\nSECRET\"\nX-Y=FAKE.SECRET\n", 3, "a name holds a character"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".env")
			if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"serve", "--env", path}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
			out := stderr.String() + stdout.String()
			t.Logf("stderr: %s", out)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			want := "casebot: env file " + path + ", line " + strconv.Itoa(c.line) + ": " + c.why
			if !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", out, want)
			}
			for _, secret := range []string{"FAKE", "SECRET", "CASEBOT-RATE", "BAD NAME"} {
				if strings.Contains(out, secret) {
					t.Errorf("the output quotes the file (%q): %q", secret, out)
				}
			}
		})
	}
}

// TestAskStreamLongLine: a line of any length gets one object and the
// stream goes on; a line over the question limit is not answered.
func TestAskStreamLongLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 1<<20)
	atLimit := strings.Repeat("𝔸", 500) // 2,000 bytes: the most a question may take
	in := "What was stage 1?\n" + long + "\n" + "What was stage 2?\n" +
		strings.Repeat("é", 501) + "\r\n" + atLimit + "\r\n" + long // the last line has no end
	code, out, errOut := runCasebot(t, in, "ask", "--json", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d objects out for 6 lines in", len(lines))
	}
	type answer struct {
		Question string
		Answered bool
		Note     string
	}
	got := make([]answer, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &got[i]); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
	}
	if !got[0].Answered || got[0].Question != "What was stage 1?" || !got[2].Answered || got[2].Question != "What was stage 2?" {
		t.Errorf("the questions around the long line: %+v, %+v", got[0], got[2])
	}
	for _, i := range []int{1, 3, 5} {
		if got[i].Answered || !strings.Contains(got[i].Note, "longer than 500 characters") || utf8.RuneCountInString(got[i].Question) != 500 {
			t.Errorf("line %d (over the limit): answered %v, note %q, question of %d characters", i+1, got[i].Answered, got[i].Note, utf8.RuneCountInString(got[i].Question))
		}
	}
	if strings.Contains(got[4].Note, "longer than") || got[4].Question != atLimit {
		t.Errorf("a question of exactly 500 characters was refused: %q", got[4].Note)
	}
}

// TestAskStreamByteOrderMark: a UTF-8 byte order mark before the first
// line (a file saved by Windows Notepad, PowerShell's pipe) is no part of
// the first question: it is not echoed as the question, and a first line
// of the mark alone is empty. Later lines are read as they are.
func TestAskStreamByteOrderMark(t *testing.T) {
	t.Parallel()
	type answer struct {
		Question string
		Answered bool
		Note     string
	}
	tests := []struct {
		name string
		in   string
		want []answer
	}{
		{"before a question", "\xef\xbb\xbfWhat was stage 1?\r\nWhat was stage 2?\r\n",
			[]answer{{"What was stage 1?", true, ""}, {"What was stage 2?", true, ""}}},
		{"alone on the first line", "\xef\xbb\xbf\nWhat was stage 2?\n",
			[]answer{{"", false, "The question is empty."}, {"What was stage 2?", true, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCasebot(t, tt.in, "ask", "--json", "-")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("%d objects out for %d lines in", len(lines), len(tt.want))
			}
			for i, l := range lines {
				var got answer
				if err := json.Unmarshal([]byte(l), &got); err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				if got != tt.want[i] {
					t.Errorf("line %d: got %+v, want %+v", i+1, got, tt.want[i])
				}
			}
		})
	}
}

// TestIndexRefusesForeignDirectory: the probe's first repro. An --index
// directory that holds other files is refused, and they survive.
func TestIndexRefusesForeignDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "gen-photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "gen-2024-report.txt"), "x\n")
	writeFile(t, filepath.Join(dir, "gen-archive", "2023.md"), "# 2023\n")
	before := listing(t, dir)
	for _, args := range [][]string{
		{"index", "--corpus", filepath.Join("..", "..", "corpus", "docs"), "--index", dir},
		{"index", "--dry-run", "--corpus", filepath.Join("..", "..", "corpus", "docs"), "--index", dir},
		{"ask", "--index", dir, "What was stage 1?"},
	} {
		code, _, stderr := runCasebot(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, "is not a casebot index") || !strings.Contains(stderr, dir) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and a refusal naming the directory", args[0], code, stderr)
		}
	}
	if after := listing(t, dir); len(after) != len(before) || after["gen-2024-report.txt"] != "x\n" || after["gen-archive/2023.md"] != "# 2023\n" || after["gen-photos"] != before["gen-photos"] {
		t.Errorf("the directory changed:\n%v\n%v", before, after)
	}
}

// TestUnreadableCorpusDirectory: a corpus directory the process may not
// list is named in the one-line reason; it said "load corpus: stat .:
// permission denied". Root lists any directory, so the test needs another
// user.
func TestUnreadableCorpusDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root lists any directory")
	}
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "locked")
	writeFile(t, filepath.Join(dir, "a.md"), "# A\n\nThe quokka lives here.\n")
	for _, mode := range []os.FileMode{0o000, 0o311} { // neither read nor searched; searched, not read
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCasebot(t, "", "ask", "--corpus", dir, "quokka")
		if want := "casebot: corpus directory " + dir + ": permission denied\n"; code != exitFail || stderr != want {
			t.Errorf("mode %o: exit %d, stderr %q; want 1 and %q", mode, code, stderr, want)
		}
	}
	os.Chmod(dir, 0o755)
}

// TestIndexSkipsNamedPipe: "casebot index" on a corpus with a named pipe
// lists it as skipped instead of waiting on it forever.
func TestIndexSkipsNamedPipe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921.\n")
	if !mkfifo(t, filepath.Join(dir, "pipe.md")) {
		t.Skip("no named pipes here")
	}
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := runCasebot(t, "", "index", "--corpus", dir, "--index", filepath.Join(t.TempDir(), "idx"))
		done <- result{code, out, errOut}
	}()
	select {
	case r := <-done:
		if r.code != exitOK || !strings.Contains(r.out, "pipe.md: a named pipe") || !strings.Contains(r.out, "tea.md") {
			t.Errorf("exit %d\n%s%s", r.code, r.out, r.errOut)
		}
	case <-time.After(time.Minute):
		t.Fatal("casebot index hung on a named pipe")
	}
}

// TestInputFileNamedPipe: a named pipe given as a question, training,
// model or .env file is refused before it is opened (opening it would wait
// for a writer, deaf to Ctrl-C), as a usage mistake naming it.
func TestInputFileNamedPipe(t *testing.T) {
	t.Parallel()
	pipe := filepath.Join(t.TempDir(), "pipe")
	if !mkfifo(t, pipe) {
		t.Skip("no named pipes here")
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"eval", []string{"eval", pipe}},
		{"train", []string{"train", pipe}},
		{"ask --model", []string{"ask", "--model", pipe, "What was stage 1?"}},
		{"serve --env", []string{"serve", "--env", pipe}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				code   int
				errOut string
			}
			done := make(chan result, 1)
			go func() {
				code, _, errOut := runCasebot(t, "", c.args...)
				done <- result{code, errOut}
			}()
			select {
			case r := <-done:
				if r.code != exitUsage || !strings.Contains(r.errOut, pipe+": a named pipe (FIFO), not a regular file") || strings.Count(r.errOut, "\n") != 1 {
					t.Errorf("exit %d, want %d; stderr %q", r.code, exitUsage, r.errOut)
				}
			case <-time.After(time.Minute):
				t.Fatal("casebot waited on a named pipe")
			}
		})
	}
}

// TestControlCharactersInNames: a file name with an escape sequence or a
// line break is printed with them escaped, as Go writes them, by every
// command that shows paths to a person; --json leaves it to encoding/json.
func TestControlCharactersInNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	esc, nl := "esc\x1b[31mRED\x1b[0m.md", "new\nline.md"
	if err := os.WriteFile(filepath.Join(dir, esc), []byte("# Lighthouse\n\nThe lighthouse at Cape Verlaine was lit in 1894.\n"), 0o644); err != nil {
		t.Skipf("no such file names here: %v", err)
	}
	writeFile(t, filepath.Join(dir, nl), "The Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	// and an escape sequence in a document's text
	writeFile(t, filepath.Join(dir, "crane.md"), "The harbour crane \x1b]0;pwned\a\x1b[31mlifted\x1b[0m its first cargo in 1931.\n")
	idx := filepath.Join(t.TempDir(), "idx")
	for _, args := range [][]string{
		{"index", "--corpus", dir, "--index", idx},
		{"sources", "--corpus", dir, "--index", idx},
		{"ask", "--corpus", dir, "--index", idx, "When was the lighthouse at Cape Verlaine lit?"},
		{"ask", "--corpus", dir, "--index", idx, "When was the Tea Board of Ruritania founded?"},
		{"search", "--corpus", dir, "--index", idx, "lighthouse tea board"},
		{"ask", "--corpus", dir, "--index", idx, "When did the harbour crane lift its first cargo?"},
		{"search", "--corpus", dir, "--index", idx, "harbour crane cargo"},
	} {
		code, out, errOut := runCasebot(t, "", args...)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", args[0], code, errOut)
		}
		if strings.Contains(out, "\x1b") || strings.Contains(out, "\nline.md") {
			t.Errorf("%s prints a name raw:\n%s", args[0], out)
		}
		if !strings.Contains(out, `esc\x1b[31mRED\x1b[0m.md`) && !strings.Contains(out, `new\nline.md`) && !strings.Contains(out, "crane.md") {
			t.Errorf("%s does not name the file escaped:\n%s", args[0], out)
		}
	}
	_, out, _ := runCasebot(t, "", "sources", "--json", "--corpus", dir, "--index", idx)
	if !strings.Contains(out, `"esc\u001b[31mRED\u001b[0m.md"`) {
		t.Errorf("sources --json: %s", out)
	}
}

// TestAskReadOnlyIndex: an index directory that cannot be written is
// answered from, and nothing is written to it (no LOCK). Root writes
// through chmod, so there --read-only asks for the same path explicitly.
func TestAskReadOnlyIndex(t *testing.T) {
	t.Parallel()
	idx := filepath.Join(t.TempDir(), "idx")
	if code, out, errOut := runCasebot(t, "", "index", "--corpus", filepath.Join("..", "..", "corpus", "docs"), "--index", idx); code != exitOK {
		t.Fatalf("index: %d %s %s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(idx, "LOCK")); err != nil {
		t.Fatal(err)
	}
	readOnly(t, idx)
	before := listing(t, idx)
	args := []string{"ask", "--index", idx}
	if writableByMe(idx) {
		t.Log("chmod does not stop this process writing (root): asking with --read-only")
		args = append(args, "--read-only")
	}
	code, out, errOut := runCasebot(t, "", append(args, "What was stage 1?")...)
	if code != exitOK || !strings.Contains(out, "Stage 1 (1980s to 1995)") {
		t.Errorf("ask from a read-only index: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCasebot(t, "", append(args, "--corpus", filepath.Join("..", "..", "corpus", "docs"), "What was stage 1?")...)
	want := exitFail // found read-only
	if len(args) > 3 {
		want = exitUsage // asked for with --read-only
	}
	if code != want || !strings.Contains(errOut, "open read-only") {
		t.Errorf("a read-only index with --corpus: exit %d, %q", code, errOut)
	}
	if after := listing(t, idx); len(after) != len(before) || after["LOCK"] != "" || fmtListing(after) != fmtListing(before) {
		t.Errorf("the read-only index directory changed")
	}
	if code, _, errOut := runCasebot(t, "", "ask", "--read-only", "What was stage 1?"); code != exitUsage || !strings.Contains(errOut, "--read-only needs an index") {
		t.Errorf("--read-only without an index: exit %d, %q", code, errOut)
	}
}

// readOnly makes a tree read-only until the test ends.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	chmodTree(dir, 0o555, 0o444)
	t.Cleanup(func() { chmodTree(dir, 0o755, 0o644) })
}

func chmodTree(dir string, dirMode, fileMode os.FileMode) {
	var paths []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	for i := len(paths) - 1; i >= 0; i-- {
		if fi, err := os.Lstat(paths[i]); err == nil && fi.IsDir() {
			os.Chmod(paths[i], dirMode)
		} else if err == nil {
			os.Chmod(paths[i], fileMode)
		}
	}
}

// writableByMe reports whether this process can create a file in dir
// (root can, whatever the mode).
func writableByMe(dir string) bool {
	f, err := os.CreateTemp(dir, "probe")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

func fmtListing(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + "\x00" + m[k] + "\x00")
	}
	return b.String()
}

// TestServeShareRateLimited: Share posts in public and counts against the
// asker's rate like a question, so 12 clicks make as many posts as the rate
// leaves, and a polite private note for the rest.
func TestServeShareRateLimited(t *testing.T) {
	t.Parallel()
	s := startGateway(t, map[string]string{"CASEBOT_RATE": "3"})
	u := discordtest.User{ID: "888000111222333444", Username: "dave"}
	i := s.slash(t, "ask", map[string]any{"question": "What was stage 1?", "private": true}, u)
	rep := s.answer(t, i)
	id := buttons(rep)["Share"]
	msg, ok := s.fake.Original(i.ID)
	if id == "" || !ok {
		t.Fatalf("no Share button or no message: %v", buttons(rep))
	}
	public, throttled := 0, 0
	for range 12 {
		b := s.fake.Button(id, u, msg)
		if err := s.fake.DispatchInteraction(b); err != nil {
			t.Fatal(err)
		}
		r := s.answer(t, b)
		switch {
		case r.Flags&64 == 0 && len(r.Embeds) > 0 && r.Embeds[0].Title == "What was stage 1?":
			public++
		case r.Flags&64 != 0 && strings.Contains(r.Content, "try again in"):
			throttled++
		default:
			t.Errorf("a click on Share got %+v", r)
		}
	}
	// The private answer took one of the 3 questions a minute.
	if public != 2 || throttled != 10 {
		t.Errorf("12 clicks on Share: %d public posts, %d notes; want 2 and 10", public, throttled)
	}
	// Another member is still answered.
	if other := s.answer(t, s.slash(t, "ask", map[string]any{"question": "What was stage 2?"}, user("31"))); len(other.Embeds) == 0 || other.Flags&64 != 0 {
		t.Errorf("another user: %+v", other)
	}
}

// TestServeReadOnlyIndex: "casebot serve" answers from an index directory
// it cannot write, writing nothing there, as replicas sharing one baked
// index do; with a corpus directory to keep it up to date it refuses.
func TestServeReadOnlyIndex(t *testing.T) {
	t.Parallel()
	idx := filepath.Join(t.TempDir(), "idx")
	docs := filepath.Join("..", "..", "corpus", "docs")
	if code, out, errOut := runCasebot(t, "", "index", "--corpus", docs, "--index", idx); code != exitOK {
		t.Fatalf("index: %d %s %s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(idx, "LOCK")); err != nil {
		t.Fatal(err)
	}
	readOnly(t, idx)
	before := fmtListing(listing(t, idx))
	var args []string
	if writableByMe(idx) {
		t.Log("chmod does not stop this process writing (root): serving with --read-only")
		args = append(args, "--read-only")
	}
	s := startGateway(t, map[string]string{"CASEBOT_INDEX": idx}, args...)
	rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": "What was stage 1?"}, user("41")))
	if !strings.Contains(embedText(rep), "Stage 1 (1980s to 1995)") {
		t.Errorf("not answered from the read-only index: %s", embedText(rep))
	}
	if _, ok := waitLog(s.out, "read_only=true", time.Second); !ok {
		t.Errorf("the log does not say the index is read-only:\n%s", s.out)
	}
	if after := fmtListing(listing(t, idx)); after != before {
		t.Error("serving a read-only index changed its directory")
	}

	dir := t.TempDir()
	envFile := filepath.Join(dir, "test.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	vars := map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_INDEX": idx, "CASEBOT_CORPUS": docs, "CASEBOT_DATA": filepath.Join(dir, "data")}
	code := run(context.Background(), append([]string{"serve", "--env", envFile}, args...), func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
	want := exitFail // found read-only
	if len(args) > 0 {
		want = exitUsage // asked for with --read-only
	}
	if code != want || !strings.Contains(out.String(), "cannot be brought up to date with the corpus") {
		t.Errorf("serve of a read-only index with a corpus: exit %d\n%s", code, out.String())
	}
}

// failOn answers from a real index, except one question, whose search
// fails as a search past its deadline does.
type failOn struct {
	ix       *index.Index
	question string
}

func (f failOn) Ask(ctx context.Context, q string, o index.AskOptions) (index.Answer, error) {
	if q == f.question {
		return index.Answer{}, fmt.Errorf("search: %w", context.DeadlineExceeded)
	}
	return f.ix.Ask(ctx, q, o)
}

// TestAskStreamQuestionFails: a question whose answering fails gets an
// unanswered object saying so, its error is logged, and the questions
// after it are answered: one object a line, whatever happens to one of
// them. An interrupt (the run's context ended) still ends the stream.
func TestAskStreamQuestionFails(t *testing.T) {
	t.Parallel()
	ix, err := index.Build(t.Context(), mustDefaultCorpus(t), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var out, errOut strings.Builder
	c := &cli{ctx: t.Context(), getenv: func(string) string { return "" },
		stdin: strings.NewReader("What was stage 1?\nWhat was stage 2?\nWhat was stage 3?\n"), stdout: &out, stderr: &errOut}
	log := slog.New(slog.NewTextHandler(&errOut, nil))
	if err := askStream(c, failOn{ix, "What was stage 2?"}, index.AskOptions{K: 3}, true, log); err != nil {
		t.Fatal(err)
	}
	var got []index.Answer
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var a index.Answer
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got = append(got, a)
	}
	if len(got) != 3 || !got[0].Answered || got[1].Answered || !got[2].Answered ||
		got[1].Question != "What was stage 2?" || !strings.Contains(got[1].Note, "could not answer") {
		t.Fatalf("answers: %+v", got)
	}
	if !strings.Contains(errOut.String(), "question not answered") || !strings.Contains(errOut.String(), "deadline exceeded") {
		t.Errorf("log: %q", errOut.String())
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c.ctx, c.stdin = ctx, strings.NewReader("What was stage 2?\nWhat was stage 3?\n")
	if err := askStream(c, failOn{ix, "What was stage 2?"}, index.AskOptions{K: 3}, true, log); err == nil {
		t.Error("an interrupted run went on")
	}
}
