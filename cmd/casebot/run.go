package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// usageError is a mistake in how casebot was called; it exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is how run reads the environment (os.Getenv in main, a map in tests).
type env func(string) string

const usage = `casebot answers questions about a collection of documents with quoted, cited passages.

Usage:
  casebot ask [--json] [--corpus DIR] [--index DIR] [-k N] QUESTION...
  casebot ask --json -            one question a line on stdin, one JSON object a line out
  casebot search [--corpus DIR] [--index DIR] [-k N] QUERY...
  casebot sources [--corpus DIR] [--index DIR]
  casebot eval [-v] [--min-top1 F] [--min-abstain F] [--min-valid F] FILE...
  casebot index --corpus DIR [--index DIR] [--full] [--dry-run]
  casebot serve [--http ADDR] [--watch] [--watch-delay D] [--env FILE] [--data DIR] [--rate N] [--corpus DIR] [--index DIR]
  casebot help

Run "casebot COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, getenv, stdin, stdout, stderr)
	if err == nil {
		return exitOK
	}
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "casebot: %s\n", ue.msg)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "casebot: %s\n", oneLine(err.Error()))
		return exitFail
	}
}

func dispatch(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "ask":
		return cmdAsk(ctx, rest, getenv, stdin, stdout, stderr)
	case "search":
		return cmdSearch(ctx, rest, getenv, stdout, stderr)
	case "sources":
		return cmdSources(ctx, rest, getenv, stdout, stderr)
	case "eval":
		return cmdEval(ctx, rest, getenv, stdout, stderr)
	case "index":
		return cmdIndex(ctx, rest, getenv, stdout, stderr)
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usagef("unknown command %q", cmd)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Config is what the flags and the environment say.
type Config struct {
	Corpus string // corpus directory; "" means the embedded corpus
	Index  string // index directory; "" means in memory
	K      int
	JSON   bool
}

// flags declares the flags every command shares.
func (c *Config) flags(fs *flag.FlagSet, getenv env) {
	fs.StringVar(&c.Corpus, "corpus", getenv("CASEBOT_CORPUS"), "corpus `directory` (default: the embedded case study; env CASEBOT_CORPUS)")
	fs.StringVar(&c.Index, "index", getenv("CASEBOT_INDEX"), "index `directory`, built there on first use (default: in memory; env CASEBOT_INDEX)")
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("casebot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{oneLine(err.Error())}
	}
	return nil
}

// openIndex opens the index the config names. With an index directory: the
// store there, brought up to date with the corpus when a corpus directory is
// given, or built there from the corpus when there is none yet. Without one:
// an index in memory, built from the corpus (the embedded one by default).
func openIndex(ctx context.Context, c Config) (*index.Index, error) {
	if c.Index != "" && index.Exists(c.Index) {
		ix, err := index.Open(ctx, c.Index)
		if err != nil {
			return nil, err
		}
		if c.Corpus == "" {
			return ix, nil
		}
		corp, err := loadCorpus(c.Corpus)
		if err == nil {
			_, err = ix.Update(ctx, corp, index.Options{})
		}
		if err != nil {
			ix.Close()
			return nil, err
		}
		return ix, nil
	}
	corp, err := loadCorpus(c.Corpus)
	if err != nil {
		return nil, err
	}
	return index.Build(ctx, corp, index.Options{Dir: c.Index})
}

func loadCorpus(dir string) (*corpus.Corpus, error) {
	if dir == "" {
		return corpus.Load(corpus.Default(), corpus.Options{})
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, usagef("corpus directory %s: %v", dir, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return nil, usagef("corpus %s is not a directory", dir)
	}
	c, err := corpus.Load(os.DirFS(dir), corpus.Options{})
	if err != nil {
		return nil, err
	}
	if len(c.Docs) == 0 {
		return nil, fmt.Errorf("corpus %s holds no documents (.md, .markdown, .txt)", dir)
	}
	return c, nil
}
