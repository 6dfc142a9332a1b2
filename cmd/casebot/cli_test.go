package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rivo/uniseg"
	"github.com/spf13/pflag"

	"github.com/casebot/casebot/bot/discordtest"
	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// TestFlagsAfterArguments: flags after the question are read, with one
// dash or two, and "--" ends them.
func TestFlagsAfterArguments(t *testing.T) {
	for _, args := range [][]string{
		{"ask", "What was stage 1?", "--json", "-k", "1"},
		{"ask", "What was stage 1?", "-json", "-k=1"},
		{"ask", "--json", "What", "was", "stage", "1?", "--k", "1"},
		{"ask", "-k1", "--json", "What was stage 1?"},
		{"ask", "What was stage 1?", "-json", "-k1"},
	} {
		code, out, errOut := runCasebot(t, "", args...)
		if code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		var a struct {
			Question  string
			Answered  bool
			Citations []json.RawMessage
		}
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("%q: not JSON: %v\n%s", args, err, out)
		}
		if a.Question != "What was stage 1?" || !a.Answered || len(a.Citations) != 1 {
			t.Errorf("%q: question %q, answered %v, %d citations; want one", args, a.Question, a.Answered, len(a.Citations))
		}
	}
	// After "--", "-k" is part of the query (a word left out), not the flag.
	code, out, _ := runCasebot(t, "", "search", "--", "-k", "stage")
	if code != exitOK || !strings.Contains(out, "stage") {
		t.Errorf(`search -- -k stage: exit %d, %q`, code, out)
	}
}

// TestFlagWithoutItsValue: a flag that takes a value, followed by another
// flag, is a usage mistake that writes nothing: "--index -k 3" built an
// index in a directory "--k" of the working directory, "3 ..." asked as
// the question. A name that starts with a dash is given as "./-k".
func TestFlagWithoutItsValue(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	for _, args := range [][]string{
		{"ask", "--index", "-k", "3", "What was stage 1?"},
		{"ask", "What was stage 1?", "-index", "--json"},
		{"ask", "--index", "--", "What was stage 1?"},
		{"search", "--corpus", "--index", "x", "stage"},
		{"index", "--corpus", "-json"},
		{"sources", "--model", "--json"},
	} {
		code, _, errOut := runCasebot(t, "", args...)
		if code != exitUsage || !strings.Contains(errOut, "flag needs an argument") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, %q; want exit 2 and 'flag needs an argument'", args, code, errOut)
		}
	}
	if entries, _ := os.ReadDir(wd); len(entries) != 0 {
		t.Errorf("written in the working directory: %v", entries)
	}
	dashed := filepath.Join(wd, "-k")
	code, out, errOut := runCasebot(t, "", "ask", "--index", "./-k", "-k", "1", "--json", "What was stage 1?")
	if code != exitOK || !strings.Contains(out, `"answered":true`) || !index.Exists(dashed) {
		t.Errorf("--index ./-k: exit %d, %s; index built there: %v", code, errOut, index.Exists(dashed))
	}
}

// TestHelpMatchesREADME: every command's usage lines and flags, as -h
// prints them, are in the README's "Using it" and configuration.
func TestHelpMatchesREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	c := &cli{getenv: func(string) string { return "" }}
	for _, cmd := range commands {
		_, out, _ := runCasebot(t, "", cmd.name, "-h")
		for _, u := range cmd.usage {
			line := "casebot " + cmd.name + " " + u
			if !strings.Contains(out, line) {
				t.Errorf("casebot %s -h lacks %q:\n%s", cmd.name, line, out)
			}
			if !strings.Contains(string(readme), line+"\n") {
				t.Errorf("README lacks the usage line %q", line)
			}
		}
		fs, _ := cmd.flags(c)
		fs.VisitAll(func(f *pflag.Flag) {
			name := "--" + f.Name
			if len(f.Name) == 1 {
				name = "-" + f.Name
			}
			if !strings.Contains(out, name) {
				t.Errorf("casebot %s -h does not list %s", cmd.name, name)
			}
			if !strings.Contains(string(readme), name) {
				t.Errorf("README does not mention %s (casebot %s)", name, cmd.name)
			}
		})
	}
	_, out, _ := runCasebot(t, "", "help")
	for _, cmd := range commands {
		if !strings.Contains(out, "  "+cmd.name+" ") {
			t.Errorf("casebot help does not list %s", cmd.name)
		}
	}
}

// TestREADMEExamples: the answers the README's opening shows for `casebot
// ask "..."` are what ask prints now, line for line (lines the README cuts
// short with "..." aside).
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile(`^\$ go run \./cmd/casebot ask "([^"]+)"$`)
	lines := strings.Split(string(readme), "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		m := example.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		n++
		code, out, errOut := runCasebot(t, "", "ask", m[1])
		if code != exitOK {
			t.Fatalf("ask %q: exit %d: %s", m[1], code, errOut)
		}
		// spaces compared as one (the documents hold no-break spaces)
		oneSpace := func(l string) string { return strings.Join(strings.Fields(l), " ") }
		got := map[string]bool{}
		for _, l := range strings.Split(out, "\n") {
			got[oneSpace(l)] = true
		}
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "$ ") && lines[i] != "```"; i++ {
			if l := lines[i]; l != "" && !strings.Contains(l, "...") && !got[oneSpace(l)] {
				t.Errorf("README shows for %q the line\n%s\nwhich ask does not print; it prints:\n%s", m[1], l, out)
			}
		}
		i--
	}
	if n < 3 {
		t.Errorf("found %d examples in the README, want the opening's", n)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCasebot(t, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "casebot ") || !strings.Contains(out, "github.com/casebot/casebot") || !strings.Contains(out, "go1.") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	_, out, _ = runCasebot(t, "", "version", "--json")
	var v version
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Module != "github.com/casebot/casebot" || v.Go == "" {
		t.Errorf("version --json: %q %v", out, err)
	}
}

// TestAskWarnsSkippedFiles: a file of the corpus directory that the index
// leaves out is named with its reason when ask builds the index, and again
// when an update changes it, not on every question.
func TestAskWarnsSkippedFiles(t *testing.T) {
	vars := map[string]string{"XDG_DATA_HOME": t.TempDir()}
	docs := t.TempDir()
	writeFile(t, filepath.Join(docs, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	writeFile(t, filepath.Join(docs, "scan.txt"), "PK\x03\x04\x00\x00zipped")
	code, out, errOut := runCasebotEnv(t, vars, "", "ask", "--corpus", docs, "When was the Tea Board founded?")
	if code != exitOK || !strings.Contains(out, "1921") {
		t.Fatalf("ask: exit %d, %q, %q", code, out, errOut)
	}
	if !strings.Contains(errOut, `msg="file skipped" path=scan.txt reason="not a text file"`) {
		t.Errorf("ask did not name the skipped file:\n%s", errOut)
	}
	_, _, errOut = runCasebotEnv(t, vars, "", "ask", "--corpus", docs, "When was the Tea Board founded?")
	if strings.Contains(errOut, "skipped") {
		t.Errorf("an unchanged corpus warned again:\n%s", errOut)
	}
	writeFile(t, filepath.Join(docs, "more.md"), "# More\n\nThe board moved to Strelsau in 1950.\n")
	_, _, errOut = runCasebotEnv(t, vars, "", "ask", "--corpus", docs, "When did the board move?")
	if !strings.Contains(errOut, "path=scan.txt") {
		t.Errorf("an update did not name the skipped file:\n%s", errOut)
	}
}

// TestIndexDryRunFirstBuild: a dry run where there is no index yet lists
// the files a build would skip as skipped, with the reason, not as added,
// and writes no index.
func TestIndexDryRunFirstBuild(t *testing.T) {
	docs := t.TempDir()
	writeFile(t, filepath.Join(docs, "good.md"), "# Good\n\nThe quokka lives here.\n")
	writeFile(t, filepath.Join(docs, "empty.md"), "")
	writeFile(t, filepath.Join(docs, "bin.txt"), "abc\x00def")
	writeFile(t, filepath.Join(docs, "bad.md"), "---\ntitle: [x\n---\nbody\n")
	dir := filepath.Join(t.TempDir(), "idx")
	code, out, errOut := runCasebot(t, "", "index", "--corpus", docs, "--index", dir, "--dry-run", "--json")
	// The JSON's keys are lower case throughout, those of the skipped files too.
	if !strings.Contains(out, `{"path":"bin.txt","reason":"not a text file"}`) {
		t.Errorf("skipped files in the JSON: %s", out)
	}
	var sum index.Summary
	if err := json.Unmarshal([]byte(out), &sum); code != exitOK || err != nil {
		t.Fatalf("index --dry-run: exit %d, %v: %s %s", code, err, out, errOut)
	}
	reasons := map[string]string{}
	for _, s := range sum.Skipped {
		reasons[s.Path] = s.Reason
	}
	if strings.Join(sum.Added, " ") != "good.md" || reasons["empty.md"] != "no text" || reasons["bin.txt"] != "not a text file" || !strings.Contains(reasons["bad.md"], "front matter") {
		t.Errorf("added %v, skipped %v", sum.Added, reasons)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a dry run wrote %s: %v", dir, err)
	}
}

// TestIndexFullDryRun: "index --full --dry-run" on an index says what
// "index --full" then does: every document added, the files that do not
// read skipped, and nothing written.
func TestIndexFullDryRun(t *testing.T) {
	docs := t.TempDir()
	writeFile(t, filepath.Join(docs, "a.md"), "# A\n\nThe quokka lives here.\n")
	writeFile(t, filepath.Join(docs, "b.md"), "# B\n\nThe numbat lives there.\n")
	writeFile(t, filepath.Join(docs, "empty.md"), "")
	dir := filepath.Join(t.TempDir(), "idx")
	if code, _, errOut := runCasebot(t, "", "index", "--corpus", docs, "--index", dir); code != exitOK {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	summary := func(args ...string) index.Summary {
		t.Helper()
		code, out, errOut := runCasebot(t, "", append([]string{"index", "--corpus", docs, "--index", dir, "--json"}, args...)...)
		var sum index.Summary
		if err := json.Unmarshal([]byte(out), &sum); code != exitOK || err != nil {
			t.Fatalf("index %v: exit %d, %v: %s %s", args, code, err, out, errOut)
		}
		return sum
	}
	dry := summary("--full", "--dry-run")
	if !dry.DryRun || !dry.Full || strings.Join(dry.Added, " ") != "a.md b.md" || dry.Unchanged != 0 ||
		len(dry.Skipped) != 1 || dry.Skipped[0].Path != "empty.md" {
		t.Errorf("--full --dry-run: %+v", dry)
	}
	if dry.Version != 1 {
		t.Errorf("--full --dry-run: version %d, want the index's, 1", dry.Version)
	}
	full := summary("--full")
	if strings.Join(full.Added, " ") != strings.Join(dry.Added, " ") || full.Unchanged != dry.Unchanged ||
		len(full.Skipped) != len(dry.Skipped) || full.Version != 2 {
		t.Errorf("--full: %+v; its dry run: %+v", full, dry)
	}
}

// TestDefaultIndexShared: "casebot index --corpus DIR", then "ask" and
// "serve" with the same --corpus, use one index in the data directory,
// and nothing is written in the working directory.
func TestDefaultIndexShared(t *testing.T) {
	cwdBefore := dirNames(t, ".")
	xdg := t.TempDir()
	docs := filepath.Join(t.TempDir(), "readings")
	writeFile(t, filepath.Join(docs, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	vars := map[string]string{"XDG_DATA_HOME": xdg}

	code, out, errOut := runCasebotEnv(t, vars, "", "index", "--corpus", docs)
	if code != exitOK {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	entries, err := os.ReadDir(filepath.Join(xdg, "casebot", "index"))
	if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), "readings-") {
		t.Fatalf("index dirs %v (%v); output:\n%s", entries, err, out)
	}
	dir := filepath.Join(xdg, "casebot", "index", entries[0].Name())
	if !strings.Contains(out, dir) || !index.Exists(dir) {
		t.Errorf("index output does not name %s:\n%s", dir, out)
	}

	code, out, errOut = runCasebotEnv(t, vars, "", "ask", "--corpus", docs, "When was the Tea Board founded?")
	if code != exitOK || !strings.Contains(out, "1921") || strings.Contains(errOut, "index built") {
		t.Errorf("ask: exit %d, %q, %q", code, out, errOut)
	}
	code, out, _ = runCasebotEnv(t, vars, "", "sources", "--corpus", docs)
	if code != exitOK || !strings.Contains(out, "index version 1") || !strings.Contains(out, dir) {
		t.Errorf("sources: %q", out)
	}

	fake := discordtest.New(t)
	s := startServe(t, fake, map[string]string{"CASEBOT_DATA": filepath.Join(xdg, "casebot"), "DISCORD_GUILD_ID": guildID}, "--corpus", docs)
	line, ok := waitLog(s.out, "index ready", 10*time.Second)
	if !ok || !strings.Contains(line, "index="+dir) || !strings.Contains(line, "version=1") {
		t.Errorf("serve did not reuse %s: %q\n%s", dir, line, s.out)
	}
	if strings.Contains(s.out.String(), "index built") {
		t.Errorf("serve built another index:\n%s", s.out)
	}
	if entries, _ := os.ReadDir(filepath.Join(xdg, "casebot", "index")); len(entries) != 1 {
		t.Errorf("%d index directories, want 1", len(entries))
	}
	if after := dirNames(t, "."); strings.Join(after, " ") != strings.Join(cwdBefore, " ") {
		t.Errorf("the working directory changed: %v -> %v", cwdBefore, after)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestRender: on a terminal (color, 40 columns) the matched words are bold,
// citations dim and every line fits; plain, there are no escape codes and
// no Markdown markers, and nothing is wrapped.
func TestRender(t *testing.T) {
	ix, err := index.Build(t.Context(), mustDefaultCorpus(t), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range []string{"What was stage 1?", "What are the success factors?", "What is 한국정보화진흥원?", "Where can I get the best Korean barbecue?"} {
		a, err := ix.Ask(t.Context(), q, index.AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		var tty, plainOut strings.Builder
		printer{&tty, style{color: true, width: 40}}.answer(a)
		printer{&plainOut, style{}}.answer(a)
		if a.Answered && !strings.Contains(tty.String(), sgrBold) {
			t.Errorf("%q: no bold on a terminal:\n%s", q, tty.String())
		}
		if !strings.Contains(tty.String(), sgrDim+"[1]") {
			t.Errorf("%q: citations not dimmed:\n%q", q, tty.String())
		}
		for _, l := range strings.Split(tty.String(), "\n") {
			visible := ansi.ReplaceAllString(l, "")
			if w := uniseg.StringWidth(visible); w > 40 && strings.Contains(visible, " ") && len(strings.Fields(visible)) > 2 {
				t.Errorf("%q: a line of %d columns: %q", q, w, visible)
			}
		}
		p := plainOut.String()
		if strings.Contains(p, "\x1b") || strings.Contains(p, "**") {
			t.Errorf("%q: plain output has escapes or markers:\n%s", q, p)
		}
		if ansi.ReplaceAllString(tty.String(), "") == p && a.Answered {
			t.Errorf("%q: not wrapped at 40 columns", q)
		}
		if a.Answered && !strings.Contains(p, a.Citations[0].Text) {
			t.Errorf("%q: plain output does not quote the first passage as it stands", q)
		}
	}
	// a table row is shown under its header row
	a, err := ix.Ask(t.Context(), "Was Korea first in the EPI in 2016?", index.AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	printer{&out, style{}}.answer(a)
	if want := "(columns: Survey | EGDI rank | EPI rank)\n2016 | 3rd | 4th\n"; !strings.HasPrefix(out.String(), want) ||
		!strings.Contains(out.String(), "    (columns: Survey | EGDI rank | EPI rank)\n    > 2016 | 3rd | 4th") {
		t.Errorf("a table row without its header:\n%s", out.String())
	}
	if got := cells("**PPS** runs it", [][2]int{{2, 5}}); string(cellRunes(got)) != "PPS runs it" || !got[0].bold || got[3].bold {
		t.Errorf("a document's own bold: %+v", got)
	}
}

func cellRunes(cs []cell) []rune {
	out := make([]rune, len(cs))
	for i, c := range cs {
		out[i] = c.r
	}
	return out
}

func mustDefaultCorpus(t *testing.T) *corpus.Corpus {
	t.Helper()
	c, err := loadCorpus(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Asking of an index without a corpus only reads it, so two askers share
// it: one keeps answering a stream of questions while another asks.
func TestAskersShareAnIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	docs := filepath.Join("..", "..", "corpus", "docs")
	if code, _, stderr := runCasebot(t, "", "index", "--corpus", docs, "--index", dir); code != exitOK {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		env := func(string) string { return "" }
		done <- run(context.Background(), []string{"ask", "--json", "--index", dir, "-"}, env, inR, outW, io.Discard)
		outW.Close()
	}()
	if _, err := io.WriteString(inW, "What was stage 1?\n"); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(outR).ReadString('\n'); err != nil || !strings.Contains(line, `"answered":true`) {
		t.Fatalf("the stream's first answer: %q, %v", line, err)
	}
	// The stream holds the index open now.
	code, stdout, stderr := runCasebot(t, "", "ask", "--index", dir, "What was stage 2?")
	if code != exitOK || !strings.Contains(stdout, "1996") {
		t.Errorf("a second asker: exit %d, %q, %s", code, stdout, stderr)
	}
	inW.Close()
	if code := <-done; code != exitOK {
		t.Errorf("the stream: exit %d", code)
	}
}

// TestSourcesColumns: "casebot sources" lines its titles up as a terminal
// shows them, whatever the paths hold: a combining accent takes no column,
// a CJK character two (fmt's width counted runes).
func TestSourcesColumns(t *testing.T) {
	docs := t.TempDir()
	writeFile(t, filepath.Join(docs, "cafe\u0301.md"), "# Cafe Title\n\nCoffee.\n")
	writeFile(t, filepath.Join(docs, "報告.md"), "# Report Title\n\nReport.\n")
	writeFile(t, filepath.Join(docs, "plain.md"), "# Plain Title\n\nText.\n")
	code, out, errOut := runCasebot(t, "", "sources", "--corpus", docs, "--index", filepath.Join(t.TempDir(), "idx"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	cols := map[int]bool{}
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, " Title"); i > 0 {
			at := strings.LastIndex(line[:i], "  ") + 2
			cols[uniseg.StringWidth(line[:at])] = true
		}
	}
	if len(cols) != 1 {
		t.Errorf("titles start at columns %v:\n%s", cols, out)
	}
	if !strings.Contains(out, "   3 passages in 3 documents (") {
		t.Errorf("no count of passages and documents:\n%s", out)
	}
	one := t.TempDir()
	writeFile(t, filepath.Join(one, "a.md"), "# A\n\nText.\n")
	if _, out, _ := runCasebot(t, "", "sources", "--corpus", one, "--index", filepath.Join(t.TempDir(), "idx")); !strings.Contains(out, "   1 passage in 1 document (") {
		t.Errorf("one passage in one document:\n%s", out)
	}
}

// TestFirstBuildsAtOnce: several casebots asked of one corpus at once build
// its index once; the ones that waited for it open it and say nothing of a
// build (they had logged "index built" with documents=0, and repeated the
// skipped files' warnings).
func TestFirstBuildsAtOnce(t *testing.T) {
	docs := t.TempDir()
	for i := range 40 {
		writeFile(t, filepath.Join(docs, fmt.Sprintf("doc%02d.md", i)), fmt.Sprintf("# Doc %d\n\nThe quokka number %d lives here.\n", i, i))
	}
	writeFile(t, filepath.Join(docs, "empty.md"), "")
	dir := filepath.Join(t.TempDir(), "idx")
	const n = 3
	var wg sync.WaitGroup
	logs := make([]string, n)
	for i := range n {
		wg.Go(func() {
			code, _, errOut := runCasebot(t, "", "ask", "--corpus", docs, "--index", dir, "where does the quokka live?")
			if code != exitOK {
				t.Errorf("exit %d: %s", code, errOut)
			}
			logs[i] = errOut
		})
	}
	wg.Wait()
	all := strings.Join(logs, "")
	if got := strings.Count(all, "index built"); got != 1 {
		t.Errorf("%d logs of a build, want 1:\n%s", got, all)
	}
	if got := strings.Count(all, "file skipped"); got != 1 {
		t.Errorf("%d warnings of the skipped file, want 1:\n%s", got, all)
	}
}
