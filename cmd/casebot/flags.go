package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Flags are parsed with spf13/pflag: they may come before or after the
// arguments ("casebot ask "What was stage 1?" --json -k 1"), "--" ends
// them, and a long flag may be written with one dash or two, as Go's own
// tools take them ("-json", "--json").

// command is one subcommand: its name, usage lines, what it does, and how
// it runs.
type command struct {
	name    string
	usage   []string // after "casebot NAME "
	summary string   // one line, for "casebot help"
	about   string   // paragraphs for "casebot NAME -h"
	// unknownFlag, when set, is said after an unknown flag: what a word
	// with a leading minus may have meant instead.
	unknownFlag string
	// setup declares the command's flags on fs and returns what runs the
	// command with the arguments left after them.
	setup func(c *cli, fs *flagSet) func(args []string) error
}

// flags returns the command's flags and its runner.
func (cmd *command) flags(c *cli) (*flagSet, func(args []string) error) {
	fs := newFlagSet(cmd)
	return fs, cmd.setup(c, fs)
}

// flagSet is a subcommand's flags.
type flagSet struct {
	*pflag.FlagSet
	cmd *command
}

func newFlagSet(cmd *command) *flagSet {
	fs := pflag.NewFlagSet("casebot "+cmd.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // help is printed by parse, to stdout
	fs.SortFlags = false
	return &flagSet{FlagSet: fs, cmd: cmd}
}

// parse parses args. Asked for help (-h, --help), it prints the command's
// help to stdout and returns errHelp; a mistake is a usageError naming the
// flag, with a hint where to find the command's help.
func (fs *flagSet) parse(c *cli, args []string) error {
	if err := fs.valuesGiven(args); err != nil {
		return err
	}
	err := fs.Parse(fs.normalize(args))
	if errors.Is(err, pflag.ErrHelp) {
		fs.printHelp(c.stdout)
		return errHelp
	}
	if err != nil && fs.cmd.unknownFlag != "" && strings.HasPrefix(err.Error(), "unknown ") {
		return usagef("%s: %s (see casebot %s -h)", oneLine(err.Error()), fs.cmd.unknownFlag, fs.cmd.name)
	}
	if err != nil {
		return usagef("%s (see casebot %s -h)", oneLine(err.Error()), fs.cmd.name)
	}
	return nil
}

// normalize rewrites "-name" and "-name=value" to their two-dash form when
// name is a long flag of the set, so that Go-style flags work too. A lone
// "-" (standard input) and everything after "--" are left as they are.
func (fs *flagSet) normalize(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 1 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// valuesGiven refuses a flag that takes a value followed by another flag
// ("--index -k 3", "--corpus --json", "--index --"): the value was left
// out, and pflag would take the next flag for it, so that "--index -k"
// built an index in a directory named "--k" of the working directory.
// A file or directory whose name starts with a dash is written "./-k".
func (fs *flagSet) valuesGiven(args []string) error {
	for i := 0; i+1 < len(args); i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		f := fs.flagOf(a)
		if f == nil || f.NoOptDefVal != "" || strings.Contains(a, "=") {
			continue // not a flag, a bool flag, or one with its value
		}
		next := args[i+1]
		if next == "--" || fs.flagOf(next) != nil {
			return usagef("flag needs an argument: %s (%s is a flag; a file or directory of that name is ./%s) (see casebot %s -h)",
				a, next, next, fs.cmd.name)
		}
		i++ // the value
	}
	return nil
}

// flagOf is the flag of the set that arg names ("-k", "--json", "-json",
// "--k=3"), or nil.
func (fs *flagSet) flagOf(arg string) *pflag.Flag {
	if len(arg) < 2 || arg[0] != '-' {
		return nil
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
	if f := fs.Lookup(name); f != nil {
		return f
	}
	if len(name) == 1 && arg[1] != '-' {
		return fs.ShorthandLookup(name)
	}
	return nil
}

// printHelp prints the command's usage, what it does and its flags: the
// same text as the README's "Using it".
func (fs *flagSet) printHelp(w io.Writer) {
	for i, u := range fs.cmd.usage {
		lead := "Usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintf(w, "%scasebot %s %s\n", lead, fs.cmd.name, u)
	}
	if fs.cmd.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(fs.cmd.about))
	}
	var rows [][2]string
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if f.Value.Type() == "bool" {
			varname = ""
		}
		if varname != "" {
			name += " " + varname
		}
		width = max(width, len(name))
		rows = append(rows, [2]string{name, usage})
	})
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r[0], r[1])
	}
	if fs.Lookup("index") != nil {
		fmt.Fprintf(w, "\n%s\n", indexHelp)
	}
}

// Limits of -k, the number of citations or passages, checked the same way
// by every command that takes it.
const (
	minK = 1
	maxK = 25
)

// kFlag declares -k with a default. It is its own shorthand too, so that
// pflag reads "-k1" as "-k 1".
func (fs *flagSet) kFlag(k *int, def int, what string) {
	fs.IntVarP(k, "k", "k", def, fmt.Sprintf("the number `N` of %s, %d to %d (default %d)", what, minK, maxK, def))
}

// checkK refuses a -k out of range.
func checkK(k int) error {
	if k < minK || k > maxK {
		return usagef("-k must be between %d and %d, got %d", minK, maxK, k)
	}
	return nil
}
