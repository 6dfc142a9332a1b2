package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/casebot/casebot/index"
)

var searchCommand = &command{
	name:    "search",
	usage:   []string{"[--json] [--corpus DIR] [--index DIR] [--read-only] [-k N] [--document DOC] QUERY..."},
	summary: "list the passages that best match some words (BM25)",
	unknownFlag: "to leave a word out of the search, put the query after --, as in " +
		"casebot search -- pandemic -covid, or quote it whole: casebot search 'pandemic -covid'",
	about: `Lists the top passages of a plain BM25 search, one line each: score, file:line, text.
Words in double quotes are a phrase every passage listed holds ("master plan");
a minus sign before a word or phrase leaves out the passages holding it (-covid).
--document searches one document: its path as "casebot sources" lists it, its
title, or a word of either.`,
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var o queryOptions
		fs.queryFlags(&o, 10, "passages")
		doc := fs.String("document", "", "search only this document, `DOC` its path, its title, or a word of either")
		return func(args []string) error {
			if err := o.resolve(fs, c); err != nil {
				return err
			}
			q := strings.Join(args, " ")
			if strings.TrimSpace(q) == "" {
				return usagef("search needs a query")
			}
			ix, err := o.open(c)
			if err != nil {
				return err
			}
			defer ix.Close()
			so := index.SearchOptions{K: o.K}
			if *doc != "" {
				d, ok := index.FindDoc(ix.Info().Docs, strings.TrimSpace(*doc))
				if !ok {
					return usagef("no document is called %q; casebot sources lists them", *doc)
				}
				so.Source = d.Path
			}
			hits, err := ix.Search(c.ctx, q, so)
			switch {
			case errors.Is(err, index.ErrEmptyQuestion):
				return usagef("search needs a query with words in it; common words such as \"the\" are not searched")
			case errors.Is(err, index.ErrOnlyExclusions):
				return usagef("search needs words to look for as well as words to leave out (-word)")
			case err != nil:
				return err
			}
			if o.JSON {
				if hits == nil {
					hits = []index.Citation{}
				}
				return printJSON(c.stdout, hits)
			}
			p := printer{c.stdout, styleFor(c.stdout, c.getenv)}
			if len(hits) == 0 {
				p.line("No passages match.", false)
			}
			room := 100
			if p.s.width > 0 {
				room = max(20, p.s.width-30)
			}
			for _, h := range hits {
				text, hl := oneLineText(h.Text, h.Highlights, room)
				lead := fmt.Sprintf("%6.3f  %s:%d  ", h.Score, shown(h.Source), h.LineStart)
				p.para(append(cells(lead, nil), cells(text, hl)...), "", "", false)
			}
			return nil
		}
	},
}

// oneLineText makes a passage one line of at most n characters, its white
// space runs one space, keeping the highlights that remain.
func oneLineText(text string, hl [][2]int, n int) (string, [][2]int) {
	var out []rune
	var at []int // at[i] is the output index of rune i, or -1
	space := false
	for _, r := range text {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
			space = len(out) > 0
			at = append(at, -1)
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		at = append(at, len(out))
		out = append(out, r)
	}
	cut := len(out) > n
	if cut {
		out = append(out[:n-1], '…')
	}
	var nh [][2]int
	for _, h := range hl {
		if h[0] >= len(at) || h[1] > len(at) || h[0] >= h[1] || at[h[0]] < 0 || at[h[1]-1] < 0 {
			continue
		}
		a, z := at[h[0]], at[h[1]-1]+1
		if cut && z > n-1 {
			continue
		}
		nh = append(nh, [2]int{a, z})
	}
	return string(out), nh
}

var sourcesCommand = &command{
	name:    "sources",
	usage:   []string{"[--json] [--corpus DIR] [--index DIR] [--read-only]"},
	summary: "list the indexed documents and the index version",
	about:   `Lists the indexed documents with their passage counts, and the index: where it is, its version and build time.`,
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var o queryOptions
		fs.corpusFlags(&o.Config)
		fs.readOnlyFlag(&o.Config)
		fs.BoolVar(&o.JSON, "json", false, "print JSON")
		o.K = minK
		return func(args []string) error {
			if len(args) > 0 {
				return usagef("sources takes no arguments, got %q", strings.Join(args, " "))
			}
			if err := o.resolve(fs, c); err != nil {
				return err
			}
			ix, err := o.open(c)
			if err != nil {
				return err
			}
			defer ix.Close()
			info := ix.Info()
			if o.JSON {
				return printJSON(c.stdout, info)
			}
			for _, d := range info.Docs {
				fmt.Fprintf(c.stdout, "%4d  %s  %s\n", d.Passages, padTo(shown(d.Path), 40), shown(d.Title))
			}
			where := "in memory"
			if ix.Dir() != "" {
				where = "in " + shown(ix.Dir())
			}
			fmt.Fprintf(c.stdout, "%4d %s in %d %s (index version %d, built %s, %s)\n",
				info.Passages, plural(info.Passages, "passage"), len(info.Docs), plural(len(info.Docs), "document"),
				info.Version, info.Built.UTC().Format("2006-01-02 15:04 UTC"), where)
			return nil
		}
	},
}

// padTo pads s with spaces to n columns as a terminal shows it: a combining
// accent takes none and a CJK character two, where fmt's width counts
// runes, so that a column after "café.md" (decomposed) or "報告.md" lines up.
func padTo(s string, n int) string {
	if w := uniseg.StringWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// plural is word, with an "s" unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
