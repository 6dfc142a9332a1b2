package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

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

// errHelp ends a run that printed help: exit 0.
var errHelp = errors.New("help printed")

// env is how run reads the environment (os.Getenv in main, a map in tests).
type env func(string) string

// cli is one run's context: the environment and the standard streams.
type cli struct {
	ctx    context.Context
	getenv env
	// isSet reports whether a variable is set at all, empty or not
	// (os.LookupEnv's ok); nil reads an empty variable as unset.
	isSet  func(string) bool
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// envSet reports whether the environment sets a variable, if only to "":
// it then wins over .env, as a value does.
func (c *cli) envSet(k string) bool {
	if c.isSet != nil {
		return c.isSet(k)
	}
	return c.getenv(k) != ""
}

// commands are casebot's subcommands, in the order help lists them.
var commands []*command

func init() {
	commands = []*command{askCommand, searchCommand, stageCommand, agencyCommand, factorsCommand,
		sourcesCommand, evalCommand, trainCommand, indexCommand, serveCommand, versionCommand}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) int {
	return (&cli{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}).run(args)
}

// run runs the command args name and returns the exit code.
func (c *cli) run(args []string) int {
	stderr := c.stderr
	out := &outWriter{Writer: c.stdout}
	c.stdout = out
	err := c.dispatch(args)
	if (err == nil || errors.Is(err, errHelp)) && out.err != nil {
		// An answer that did not reach standard output (a full disk) is
		// not a success: a script would take the empty file for one.
		err = out.err
	}
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	// No error quotes the token, nor an argument that looks like one
	// (pflag quotes a flag's value it cannot parse); serve redacts the
	// token of its .env file itself.
	token := secret(strings.TrimSpace(c.getenv("DISCORD_TOKEN")))
	words := func(msg string) string { return hideTokens(msg, args, token) }
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "casebot: %s\n", words(ue.msg))
		return exitUsage
	case errors.Is(err, index.ErrNotIndexDir):
		fmt.Fprintf(stderr, "casebot: %s\n", words(oneLine(err.Error())))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "casebot: %s\n", words(oneLine(err.Error())))
		return exitFail
	}
}

func (c *cli) dispatch(args []string) error {
	if len(args) == 0 {
		printUsage(c.stderr)
		return usagef("no command given")
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			cmd := lookupCommand(rest[0])
			if cmd == nil {
				return usagef("unknown command %q (casebot help lists them)", rest[0])
			}
			fs, _ := cmd.flags(c)
			fs.printHelp(c.stdout)
			return nil
		}
		printUsage(c.stdout)
		return nil
	case "-version", "--version":
		name = "version"
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		printUsage(c.stderr)
		return usagef("unknown command %q", name)
	}
	fs, runCmd := cmd.flags(c)
	if err := fs.parse(c, rest); err != nil {
		return err
	}
	return runCmd(fs.Args())
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "casebot answers questions about a collection of documents with quoted, cited passages.")
	fmt.Fprintln(w, "\nUsage:")
	for _, cmd := range commands {
		for _, u := range cmd.usage {
			fmt.Fprintf(w, "  casebot %s %s\n", cmd.name, u)
		}
	}
	fmt.Fprintln(w, "\nCommands:")
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintln(w, "\nFlags may come before or after the arguments. Run \"casebot COMMAND -h\" for a command's flags.")
}

// outWriter is standard output, remembering the first write that failed:
// the commands print with fmt.Fprintf, which returns errors nobody reads.
type outWriter struct {
	io.Writer
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	n, err := o.Writer.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
