package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

var versionCommand = &command{
	name:    "version",
	usage:   []string{"[--json]"},
	summary: "print casebot's version and the source revision it was built from",
	setup: func(c *cli, fs *flagSet) func([]string) error {
		asJSON := fs.Bool("json", false, "print JSON")
		return func(args []string) error {
			if len(args) > 0 {
				return usagef("version takes no arguments")
			}
			v := buildVersion()
			if *asJSON {
				return printJSON(c.stdout, v)
			}
			fmt.Fprintln(c.stdout, v)
			return nil
		}
	},
}

// version is what the binary knows of its build (runtime/debug.ReadBuildInfo).
type version struct {
	Module   string `json:"module"`
	Version  string `json:"version"`            // the module version: a tag for "go install ...@v1.2.3", "(devel)" in a checkout
	Revision string `json:"revision,omitempty"` // VCS revision, when built in a checkout with VCS stamping on
	Time     string `json:"time,omitempty"`     // the revision's commit time
	Modified bool   `json:"modified,omitempty"` // the checkout had uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func buildVersion() version {
	v := version{Module: "github.com/casebot/casebot", Version: "(unknown)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Path != "" {
		v.Module = bi.Main.Path
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func (v version) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "casebot %s (%s)", v.Version, v.Module)
	switch {
	case v.Revision != "":
		fmt.Fprintf(&sb, ", revision %s", v.Revision)
		if v.Time != "" {
			fmt.Fprintf(&sb, " of %s", v.Time)
		}
		if v.Modified {
			sb.WriteString(", with uncommitted changes")
		}
	default:
		sb.WriteString(", revision unknown (built outside a checkout, or with -buildvcs=false)")
	}
	fmt.Fprintf(&sb, ", %s %s", v.Go, v.Platform)
	return sb.String()
}
