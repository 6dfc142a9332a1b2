package main

import (
	"fmt"

	"github.com/casebot/casebot/index"
)

var evalCommand = &command{
	name:    "eval",
	usage:   []string{"[-v] [--plain] [--min-top1 F] [--min-abstain F] [--min-valid F] [--corpus DIR] [--index DIR] [-k N] FILE..."},
	summary: "score question files and fail below the bars given",
	about: `Reads question files, one JSON object a line ({"id", "q", "expect": [...]} or
{"id", "q", "abstain": true}), and prints top-1, top-3, the share of
out-of-scope questions declined and the share of valid citations. Exits 1
below the bars given.`,
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var o queryOptions
		fs.corpusFlags(&o.Config)
		fs.kFlag(&o.K, 3, "citations per answer")
		verbose := fs.Bool("v", false, "list every miss")
		plain := fs.Bool("plain", false, "BM25 alone, every mechanism off (for comparison)")
		minTop1 := fs.Float64("min-top1", 0, "fail (exit 1) below this top-1 rate `F`")
		minAbstain := fs.Float64("min-abstain", 0, "fail below this abstention rate `F` on out-of-scope questions")
		minValid := fs.Float64("min-valid", 0, "fail below this rate `F` of valid citations")
		return func(args []string) error {
			if err := o.resolve(fs, c); err != nil {
				return err
			}
			for _, bar := range []struct {
				name string
				v    float64
			}{{"--min-top1", *minTop1}, {"--min-abstain", *minAbstain}, {"--min-valid", *minValid}} {
				if !(bar.v >= 0 && bar.v <= 1) { // NaN too
					return usagef("%s %v: want a rate from 0 to 1", bar.name, bar.v)
				}
			}
			if len(args) == 0 {
				return usagef("eval needs one or more question files (JSON lines; see README)")
			}
			var qs []index.EvalQuestion
			for _, name := range args {
				f, err := openFile(name)
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
			ix, err := o.open(c)
			if err != nil {
				return err
			}
			defer ix.Close()
			rep, err := ix.Evaluate(c.ctx, qs, index.AskOptions{K: o.K, Plain: *plain})
			if err != nil {
				return err
			}
			if *verbose {
				for _, f := range rep.Failures {
					fmt.Fprintln(c.stdout, "  "+shown(f))
				}
			}
			fmt.Fprintf(c.stdout, "%s for %d questions\n", rep, len(qs))
			if rep.Top1Rate() < *minTop1 || rep.AbstainRate() < *minAbstain || rep.ValidRate() < *minValid {
				return fmt.Errorf("below the bar: top1 >= %.2f, abstain >= %.2f, valid >= %.2f", *minTop1, *minAbstain, *minValid)
			}
			return nil
		}
	},
}
