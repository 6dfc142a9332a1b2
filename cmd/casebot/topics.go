package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/casebot/casebot/index"
)

// The lookups behind the bot's /stage, /agency and /factors, on the
// command line: the same index calls, printed like ask.

var stageCommand = &command{
	name:    "stage",
	usage:   []string{"[--json] [--corpus DIR] [--index DIR] [--read-only] [-k N] [NUMBER]"},
	summary: "what happened in one stage of the case study; without a number, the stages",
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var o queryOptions
		fs.queryFlags(&o, 3, "citations")
		return func(args []string) error {
			if err := o.resolve(fs, c); err != nil {
				return err
			}
			if len(args) > 1 {
				return usagef("stage takes one number, got %q", strings.Join(args, " "))
			}
			n := 0
			if len(args) == 1 {
				var err error
				if n, err = strconv.Atoi(args[0]); err != nil || n < 1 {
					return usagef("stage wants a stage number such as 3, got %q", args[0])
				}
			}
			ix, err := o.open(c)
			if err != nil {
				return err
			}
			defer ix.Close()
			if n == 0 {
				stages, err := ix.Stages(c.ctx)
				if err != nil {
					return err
				}
				if o.JSON {
					if stages == nil {
						stages = []index.Numbered{}
					}
					return printJSON(c.stdout, stages)
				}
				if len(stages) == 0 {
					fmt.Fprintln(c.stdout, "The documents do not number any stages.")
				}
				for _, s := range stages {
					fmt.Fprintf(c.stdout, "%2d  %s (%s)\n", s.N, oneLine(s.Label), lines(s.Cite))
				}
				return nil
			}
			t, err := ix.Stage(c.ctx, n, index.AskOptions{K: o.K})
			var re index.StageRangeError
			if errors.As(err, &re) || errors.Is(err, index.ErrNoStages) {
				return usagef("%v", err)
			}
			if err != nil {
				return err
			}
			return printTopic(c, o, t)
		}
	},
}

var agencyCommand = &command{
	name:    "agency",
	usage:   []string{"[--json] [--corpus DIR] [--index DIR] [--read-only] [-k N] [NAME...]"},
	summary: "what an agency or other body did, by acronym or name; without one, the agencies",
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var o queryOptions
		fs.queryFlags(&o, 3, "citations")
		return func(args []string) error {
			if err := o.resolve(fs, c); err != nil {
				return err
			}
			ix, err := o.open(c)
			if err != nil {
				return err
			}
			defer ix.Close()
			name := strings.TrimSpace(strings.Join(args, " "))
			if name == "" {
				ags := ix.Agencies()
				if o.JSON {
					return printJSON(c.stdout, ags)
				}
				if len(ags) == 0 {
					fmt.Fprintln(c.stdout, "The documents do not define the acronym of any agency or other body.")
				}
				for _, a := range ags {
					fmt.Fprintf(c.stdout, "%-10s  %s\n", a.Short, a.Long)
				}
				return nil
			}
			t, err := ix.Agency(c.ctx, name, index.AskOptions{K: o.K})
			if err != nil {
				return err
			}
			return printTopic(c, o, t)
		}
	},
}

var factorsCommand = &command{
	name:    "factors",
	usage:   []string{"[--json] [--corpus DIR] [--index DIR] [--read-only] [-k N]"},
	summary: "the case study's success factors",
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var o queryOptions
		fs.queryFlags(&o, 3, "citations")
		return func(args []string) error {
			if len(args) > 0 {
				return usagef("factors takes no arguments, got %q", strings.Join(args, " "))
			}
			if err := o.resolve(fs, c); err != nil {
				return err
			}
			ix, err := o.open(c)
			if err != nil {
				return err
			}
			defer ix.Close()
			t, err := ix.Factors(c.ctx, index.AskOptions{K: o.K})
			if err != nil {
				return err
			}
			return printTopic(c, o, t)
		}
	},
}

// printTopic prints a lookup's answer: its title, then the answer as ask
// prints it, and the lead passage when the answer does not cite it.
func printTopic(c *cli, o queryOptions, t index.Topic) error {
	if o.JSON {
		return printJSON(c.stdout, t)
	}
	p := printer{c.stdout, styleFor(c.stdout, c.getenv)}
	p.line(t.Title, false)
	fmt.Fprintln(c.stdout)
	p.answer(t.Answer)
	if t.Lead != nil && t.Answer.Answered && !containsID(t.Answer.Citations, t.Lead.ID) {
		p.citationsFrom(len(t.Answer.Citations)+1, []index.Citation{*t.Lead})
	}
	return nil
}

func containsID(cs []index.Citation, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}
