package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/casebot/casebot/index"
)

var indexCommand = &command{
	name:    "index",
	usage:   []string{"--corpus DIR [--index DIR] [--full] [--dry-run] [--json]"},
	summary: "build or update the index of a corpus directory on disk",
	about: `Builds the index of a corpus directory, or updates it: only added and changed
documents are analysed, removed ones deleted. Prints what was added, changed,
removed, unchanged and skipped (with the reason), and the new index version.
"casebot serve --corpus DIR" and "casebot ask --corpus DIR" then use the same
index.`,
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var cfg Config
		fs.corpusFlags(&cfg)
		full := fs.Bool("full", false, "rebuild the whole index instead of only what changed")
		dryRun := fs.Bool("dry-run", false, "print what would change and change nothing")
		asJSON := fs.Bool("json", false, "print the summary as JSON")
		return func(args []string) error {
			if err := cfg.resolve(fs, c.getenv); err != nil {
				return err
			}
			if cfg.Corpus == "" {
				return usagef("index needs --corpus DIR (or CASEBOT_CORPUS)")
			}
			if len(args) > 0 {
				return usagef("index takes no arguments, got %q", strings.Join(args, " "))
			}
			return runIndex(c, cfg, index.Options{Full: *full, DryRun: *dryRun, Progress: progress(c.stderr)}, *asJSON)
		}
	},
}

func runIndex(c *cli, cfg Config, opts index.Options, asJSON bool) error {
	corp, err := loadCorpus(c.ctx, cfg.Corpus)
	if err != nil {
		return err
	}
	var sum index.Summary
	switch {
	case index.Exists(cfg.Index):
		// An index another casebot engine wrote is rebuilt from the corpus,
		// with a line on stderr first.
		opts.Log = func(msg string) { fmt.Fprintf(c.stderr, "casebot: %s\n", msg) }
		ix, s, err := index.OpenCorpus(c.ctx, cfg.Index, corp, opts)
		if err != nil {
			return err
		}
		if ix != nil {
			ix.Close()
		}
		sum = s
	case opts.DryRun:
		// Say so where the build would refuse the directory.
		if err := index.CheckDir(cfg.Index); err != nil {
			return err
		}
		sum = index.PlanBuild(corp)
	default:
		ix, s, err := index.Create(c.ctx, cfg.Index, corp, opts)
		if err != nil {
			return err
		}
		ix.Close()
		sum = s
	}
	if asJSON {
		return printJSON(c.stdout, sum)
	}
	printSummary(c.stdout, cfg.Index, sum)
	return nil
}

// progress draws a progress bar on a terminal, and nothing otherwise (the
// summary says what was done).
func progress(w io.Writer) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription("indexing"), progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}
		bar.Set(done)
		if done == total {
			bar.Finish()
		}
	}
}

// printSummary says what an index run changed.
func printSummary(w io.Writer, dir string, s index.Summary) {
	verb := "Indexed"
	if s.DryRun {
		verb = "Would index"
	}
	kind := "update"
	if s.Full {
		kind = "full build"
	}
	fmt.Fprintf(w, "%s %s (%s):\n", verb, shown(dir), kind)
	if s.Rebuild != "" {
		fmt.Fprintf(w, "  rebuilt in full: the index was %s\n", s.Rebuild)
	}
	list := func(label string, paths []string) {
		fmt.Fprintf(w, "  %-10s %d\n", label, len(paths))
		for _, p := range paths {
			fmt.Fprintf(w, "    %s\n", shown(p))
		}
	}
	list("added", s.Added)
	list("changed", s.Changed)
	list("removed", s.Removed)
	fmt.Fprintf(w, "  %-10s %d\n", "unchanged", s.Unchanged)
	fmt.Fprintf(w, "  %-10s %d\n", "skipped", len(s.Skipped))
	for _, sk := range s.Skipped {
		fmt.Fprintf(w, "    %s: %s\n", shown(sk.Path), shown(sk.Reason))
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", shown(warn))
	}
	if s.DryRun {
		return
	}
	fmt.Fprintf(w, "  %d documents analysed (%.1f KB), %d passages, index version %d, %s\n",
		s.Analyzed, float64(s.Bytes)/1024, s.Passages, s.Version, s.Took.Round(time.Millisecond))
}
