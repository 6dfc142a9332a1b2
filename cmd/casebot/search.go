package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

func cmdSearch(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("search", stderr)
	c.flags(fs, getenv)
	fs.IntVar(&c.K, "k", 10, "number of passages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(q) == "" {
		return usagef("search needs a query")
	}
	ix, err := openIndex(ctx, c)
	if err != nil {
		return err
	}
	defer ix.Close()
	hits, err := ix.Search(ctx, q, c.K)
	if err != nil {
		return err
	}
	if len(hits) == 0 {
		fmt.Fprintln(stdout, "No passages match.")
	}
	for _, h := range hits {
		text := strings.Join(strings.Fields(h.Text), " ")
		if len([]rune(text)) > 100 {
			text = string([]rune(text)[:99]) + "…"
		}
		fmt.Fprintf(stdout, "%6.3f  %s:%d  %s\n", h.Score, h.Source, h.LineStart, text)
	}
	return nil
}

func cmdSources(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlagSet("sources", stderr)
	c.flags(fs, getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ix, err := openIndex(ctx, c)
	if err != nil {
		return err
	}
	defer ix.Close()
	info := ix.Info()
	for _, d := range info.Docs {
		fmt.Fprintf(stdout, "%4d  %-40s  %s\n", d.Passages, d.Path, d.Title)
	}
	fmt.Fprintf(stdout, "%4d passages in %d documents (index version %d, built %s)\n",
		info.Passages, len(info.Docs), info.Version, info.Built.Format("2006-01-02 15:04 UTC"))
	return nil
}
