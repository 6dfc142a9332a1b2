package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/casebot/casebot/index"
)

func cmdEval(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("eval", stderr)
	c.flags(fs, getenv)
	fs.IntVar(&c.K, "k", 3, "citations per answer")
	verbose := fs.Bool("v", false, "list every miss")
	plain := fs.Bool("plain", false, "BM25 alone, every mechanism off (for comparison)")
	minTop1 := fs.Float64("min-top1", 0, "fail (exit 1) below this top-1 rate")
	minAbstain := fs.Float64("min-abstain", 0, "fail below this abstention rate on out-of-scope questions")
	minValid := fs.Float64("min-valid", 0, "fail below this rate of valid citations")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("eval needs one or more question files (JSON lines; see README)")
	}
	var qs []index.EvalQuestion
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return usagef("question file: %v", err)
		}
		more, err := index.ReadQuestions(f)
		f.Close()
		if err != nil {
			return usagef("%s: %v", name, err)
		}
		qs = append(qs, more...)
	}
	ix, err := openIndex(ctx, c)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := ix.Evaluate(ctx, qs, index.AskOptions{K: c.K, Plain: *plain})
	if err != nil {
		return err
	}
	if *verbose {
		for _, f := range rep.Failures {
			fmt.Fprintln(stdout, "  "+f)
		}
	}
	fmt.Fprintf(stdout, "%s for %d questions\n", rep, len(qs))
	if rep.Top1Rate() < *minTop1 || rep.AbstainRate() < *minAbstain || rep.ValidRate() < *minValid {
		return fmt.Errorf("below the bar: top1 >= %.2f, abstain >= %.2f, valid >= %.2f", *minTop1, *minAbstain, *minValid)
	}
	return nil
}
