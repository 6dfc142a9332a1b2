package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/casebot/casebot/index"
)

var askCommand = &command{
	name:    "ask",
	usage:   []string{"[--json] [--explain] [--plain] [--corpus DIR] [--index DIR] [--read-only] [-k N] QUESTION...", "--json -"},
	summary: "answer a question with quoted, cited passages",
	about: `Prints the answer (on a terminal, the question's words in bold) and numbered
citations: document title › section, file:lines, the passage. With "-" as the
question, reads one question a line from standard input and writes one answer
a line (one JSON object a line with --json), flushed after each.`,
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var o queryOptions
		fs.queryFlags(&o, 3, "citations")
		explain := fs.Bool("explain", false, "show how the question was read and how the best passages scored")
		plain := fs.Bool("plain", false, "BM25 alone, every mechanism off (for comparison)")
		return func(args []string) error {
			if err := o.resolve(fs, c); err != nil {
				return err
			}
			question := strings.Join(args, " ")
			stream := len(args) == 1 && args[0] == "-"
			if !stream && strings.TrimSpace(question) == "" {
				return usagef("ask needs a question, e.g. casebot ask \"What was stage 1?\"")
			}
			ix, err := o.open(c)
			if err != nil {
				return err
			}
			defer ix.Close()
			opts := index.AskOptions{K: o.K, Explain: *explain, Plain: *plain}
			if stream {
				return askStream(c, ix, opts, o.JSON, o.log)
			}
			ans, err := ix.Ask(c.ctx, question, opts)
			if errors.Is(err, index.ErrEmptyQuestion) {
				return usagef("ask needs a question with words in it")
			}
			if err != nil {
				return err
			}
			if o.JSON {
				return json.NewEncoder(c.stdout).Encode(ans)
			}
			printer{c.stdout, styleFor(c.stdout, c.getenv)}.answer(ans)
			return nil
		}
	},
}

// queryOptions are the flags of the commands that answer from an index.
type queryOptions struct {
	Config
	K    int
	JSON bool
	log  *slog.Logger
}

func (fs *flagSet) queryFlags(o *queryOptions, k int, what string) {
	fs.corpusFlags(&o.Config)
	fs.readOnlyFlag(&o.Config)
	fs.kFlag(&o.K, k, what)
	fs.BoolVar(&o.JSON, "json", false, "print JSON")
}

// resolve checks -k and fills the configuration from the environment.
func (o *queryOptions) resolve(fs *flagSet, c *cli) error {
	if err := checkK(o.K); err != nil {
		return err
	}
	log, err := logFromEnv(c.getenv).logger(c.stderr)
	if err != nil {
		return err
	}
	o.log = log
	if err := o.Config.resolve(fs, c.getenv); err != nil {
		var ue usageError
		if !errors.As(err, &ue) || errors.As(err, new(tokenError)) || o.Corpus == "" || o.IndexGiven {
			return err
		}
		// No data directory for the default index: answer from memory.
		o.log.Warn("indexing in memory", "reason", ue.msg)
		o.Index = ""
	}
	return nil
}

// open opens the index. A default index that another casebot holds (a
// running casebot serve) or that cannot be written is replaced by one in
// memory, so a question still gets its answer.
func (o *queryOptions) open(c *cli) (*index.Index, error) {
	if o.Corpus == "" && o.Index != "" && index.Exists(o.Index) {
		// No corpus to bring it up to date with: it is only read, so it
		// is opened read-only, shared with other readers.
		o.ReadOnly = true
	}
	ix, err := openIndex(c, o.Config, o.log)
	var ue usageError
	var ce corpusError
	if err == nil || o.IndexGiven || o.Index == "" || errors.As(err, &ue) || errors.As(err, &ce) {
		return ix, err
	}
	o.log.Warn("answering from an index in memory", "index", o.Index, "reason", oneLine(err.Error()))
	cfg := o.Config
	cfg.Index = ""
	return openIndex(c, cfg, o.log)
}

// asker is what askStream asks: an index.
type asker interface {
	Ask(ctx context.Context, question string, opts index.AskOptions) (index.Answer, error)
}

// askStream answers one question a line, flushing each answer as it goes.
// An empty, unusable or too long line gets an unanswered object with a
// note, so the output keeps one line per input line, whatever the input;
// so does a question that fails (a search past its deadline on a busy
// machine), whose error is logged. Only the end of the run (an interrupt)
// ends the stream early.
func askStream(c *cli, ix asker, opts index.AskOptions, asJSON bool, log *slog.Logger) error {
	rd := bufio.NewReader(c.stdin)
	w := bufio.NewWriter(c.stdout)
	enc := json.NewEncoder(w)
	p := printer{w, styleFor(c.stdout, c.getenv)}
	for first := true; ; first = false {
		line, long, err := readLine(rd, maxLineBytes)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read questions: %w", err)
		}
		if first {
			// A UTF-8 byte order mark (Windows Notepad, PowerShell) is
			// no part of the first question, as of no document's text.
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		q := string(line)
		var ans index.Answer
		if long || utf8.RuneCountInString(q) > index.MaxQuestionRunes {
			ans = index.Answer{Question: strings.ToValidUTF8(firstRunes(q, index.MaxQuestionRunes), "\uFFFD"),
				Note: fmt.Sprintf("The question is longer than %d characters, so it was not read; ask it in fewer words.", index.MaxQuestionRunes)}
		} else {
			ans, err = ix.Ask(c.ctx, q, opts)
			switch {
			case errors.Is(err, index.ErrEmptyQuestion):
				ans = index.Answer{Question: q, Note: "The question is empty."}
			case err != nil && c.ctx.Err() != nil:
				return err
			case err != nil:
				log.Error("question not answered", "question", firstRunes(q, 80), "err", oneLine(err.Error()))
				ans = index.Answer{Question: q, Note: "casebot could not answer this question (" + oneLine(err.Error()) + "); ask it again."}
			}
		}
		if asJSON {
			if err := enc.Encode(ans); err != nil {
				return err
			}
		} else {
			p.answer(ans)
			fmt.Fprintln(w)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
}

// maxLineBytes is as much of a line as askStream keeps: a question of
// index.MaxQuestionRunes characters and its line end fit, and a line
// longer than this holds more characters than that, so it is known to be
// too long without being held whole.
const maxLineBytes = index.MaxQuestionRunes*utf8.UTFMax + len("\r\n")

// readLine reads a line, without its "\n" or "\r\n". It keeps at most
// max bytes of it, and long reports a line (line end included) of more,
// the rest of which is read and dropped. A last line without "\n" is a
// line; io.EOF comes after it.
func readLine(r *bufio.Reader, max int) (line []byte, long bool, err error) {
	total := 0
	for {
		chunk, err := r.ReadSlice('\n')
		total += len(chunk)
		if room := max - len(line); room > 0 {
			line = append(line, chunk[:min(len(chunk), room)]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (!errors.Is(err, io.EOF) || total == 0) {
			return nil, false, err
		}
		break
	}
	if total > max {
		return line, true, nil
	}
	return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), false, nil
}

// firstRunes is s cut after n characters.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// printJSON writes v as one JSON object.
func printJSON(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }
