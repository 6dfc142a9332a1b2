package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/casebot/casebot/index"
)

func cmdAsk(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("ask", stderr)
	c.flags(fs, getenv)
	fs.IntVar(&c.K, "k", 3, "number of citations")
	fs.BoolVar(&c.JSON, "json", false, "print JSON (with \"-\": one question a line from stdin, one object a line out)")
	explain := fs.Bool("explain", false, "show how the question was read and how the best passages scored")
	plain := fs.Bool("plain", false, "BM25 alone, every mechanism off (for comparison)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if c.K < 1 || c.K > 25 {
		return usagef("-k must be between 1 and 25")
	}
	question := strings.Join(fs.Args(), " ")
	stream := fs.NArg() == 1 && fs.Arg(0) == "-"
	if !stream && strings.TrimSpace(question) == "" {
		return usagef("ask needs a question, e.g. casebot ask \"What was stage 1?\"")
	}
	ix, err := openIndex(ctx, c)
	if err != nil {
		return err
	}
	defer ix.Close()
	opts := index.AskOptions{K: c.K, Explain: *explain, Plain: *plain}
	if stream {
		return askStream(ctx, ix, opts, stdin, stdout, c.JSON)
	}
	ans, err := ix.Ask(ctx, question, opts)
	if errors.Is(err, index.ErrEmptyQuestion) {
		return usagef("ask needs a question with words in it")
	}
	if err != nil {
		return err
	}
	if c.JSON {
		return json.NewEncoder(stdout).Encode(ans)
	}
	printAnswer(stdout, ans)
	return nil
}

// askStream answers one question a line, flushing each answer as it goes.
// An empty or unusable line gets an unanswered object with a note, so the
// output keeps one line per input line.
func askStream(ctx context.Context, ix *index.Index, opts index.AskOptions, stdin io.Reader, stdout io.Writer, asJSON bool) error {
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	for sc.Scan() {
		q := sc.Text()
		ans, err := ix.Ask(ctx, q, opts)
		switch {
		case errors.Is(err, index.ErrEmptyQuestion):
			ans = index.Answer{Question: q, Note: "The question is empty."}
		case err != nil:
			return err
		}
		if asJSON {
			if err := enc.Encode(ans); err != nil {
				return err
			}
		} else {
			printAnswer(w, ans)
			fmt.Fprintln(w)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

func printAnswer(w io.Writer, a index.Answer) {
	for _, l := range a.Explain {
		fmt.Fprintln(w, "# "+l)
	}
	if !a.Answered {
		fmt.Fprintln(w, a.Note)
		if len(a.Suggestions) > 0 {
			fmt.Fprintln(w, "\nClosest passages (low matches):")
			printCitations(w, a.Suggestions)
		}
		return
	}
	for _, c := range a.Corrections {
		fmt.Fprintf(w, "(showing results for *%s* instead of %q)\n", c.To, c.From)
	}
	if a.Note != "" {
		fmt.Fprintln(w, a.Note)
	}
	fmt.Fprintln(w, a.Marked())
	fmt.Fprintln(w)
	printCitations(w, a.Citations)
}

func printCitations(w io.Writer, cs []index.Citation) {
	for i, c := range cs {
		where := c.Title
		if c.Section != "" {
			where += " › " + c.Section
		}
		lines := fmt.Sprintf("%s:%d", c.Source, c.LineStart)
		if c.LineEnd != c.LineStart {
			lines += fmt.Sprintf("-%d", c.LineEnd)
		}
		fmt.Fprintf(w, "[%d] %s (%s)\n", i+1, where, lines)
		for _, l := range strings.Split(c.Text, "\n") {
			fmt.Fprintf(w, "    > %s\n", l)
		}
	}
}
