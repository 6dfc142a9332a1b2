package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/casebot/casebot/index"
)

// defaultIndexDir is where "casebot index" keeps the index unless told.
const defaultIndexDir = "data/index"

func cmdIndex(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("index", stderr)
	c.flags(fs, getenv)
	full := fs.Bool("full", false, "rebuild the whole index instead of only what changed")
	dryRun := fs.Bool("dry-run", false, "print what would change and change nothing")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if c.Corpus == "" {
		return usagef("index needs --corpus DIR (or CASEBOT_CORPUS)")
	}
	if fs.NArg() > 0 {
		return usagef("index takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	if c.Index == "" {
		c.Index = defaultIndexDir
	}
	corp, err := loadCorpus(c.Corpus)
	if err != nil {
		return err
	}
	opts := index.Options{Full: *full, DryRun: *dryRun, Progress: progress(stderr)}
	var sum index.Summary
	if index.Exists(c.Index) {
		ix, err := index.Open(ctx, c.Index)
		if err != nil {
			return err
		}
		sum, err = ix.Update(ctx, corp, opts)
		ix.Close()
		if err != nil {
			return err
		}
	} else if *dryRun {
		sum = index.Summary{DryRun: true, Full: true, Skipped: corp.Skipped}
		for _, d := range corp.Docs {
			sum.Added = append(sum.Added, d.Path)
		}
	} else {
		var ix *index.Index
		ix, sum, err = index.Create(ctx, c.Index, corp, opts)
		if err != nil {
			return err
		}
		ix.Close()
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(sum)
	}
	printSummary(stdout, c.Index, sum)
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
	fmt.Fprintf(w, "%s %s (%s):\n", verb, dir, kind)
	list := func(label string, paths []string) {
		fmt.Fprintf(w, "  %-10s %d\n", label, len(paths))
		for _, p := range paths {
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
	list("added", s.Added)
	list("changed", s.Changed)
	list("removed", s.Removed)
	fmt.Fprintf(w, "  %-10s %d\n", "unchanged", s.Unchanged)
	fmt.Fprintf(w, "  %-10s %d\n", "skipped", len(s.Skipped))
	for _, sk := range s.Skipped {
		fmt.Fprintf(w, "    %s: %s\n", sk.Path, sk.Reason)
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
	if s.DryRun {
		return
	}
	fmt.Fprintf(w, "  %d documents analysed (%.1f KB), %d passages, index version %d, %s\n",
		s.Analyzed, float64(s.Bytes)/1024, s.Passages, s.Version, s.Took.Round(time.Millisecond))
}
