package bot

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	t.Parallel()
	run := func(context.Context, Request) (Reply, error) { return Reply{}, nil }
	g := NewRegistry()
	if err := g.Add(Command{Name: "a", Description: "A", Run: run}, Command{Name: "b", Description: "B", Admin: true, Run: run}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"duplicate command", g.Add(Command{Name: "a", Description: "again", Run: run})},
		{"no handler", g.Add(Command{Name: "c", Description: "C"})},
		{"duplicate action", func() error {
			if err := g.Handle(Action{Prefix: "x", Run: run}); err != nil {
				return nil // the first one must work
			}
			return g.Handle(Action{Prefix: "x", Run: run})
		}()},
		{"colon in prefix", g.Handle(Action{Prefix: "x:y", Run: run})},
	} {
		if c.err == nil {
			t.Errorf("%s: want an error", c.name)
		}
	}

	if a, rest, ok := g.Action("x:1:=What?"); !ok || a.Prefix != "x" || rest != "1:=What?" {
		t.Errorf("Action routing: %v %q %v", a.Prefix, rest, ok)
	}
	if _, _, ok := g.Action("y:1"); ok {
		t.Error("unknown prefix routed")
	}

	b, err := json.Marshal(g.ApplicationCommands())
	if err != nil {
		t.Fatal(err)
	}
	var cmds []struct {
		Name        string  `json:"name"`
		Type        int     `json:"type"`
		Permissions *string `json:"default_member_permissions"`
		Contexts    []int   `json:"contexts"`
		Options     []any   `json:"options"`
	}
	if err := json.Unmarshal(b, &cmds); err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 2 || cmds[0].Permissions != nil || cmds[1].Permissions == nil || *cmds[1].Permissions != "32" {
		t.Errorf("default_member_permissions: %s", b)
	}
	if len(cmds[1].Contexts) != 1 || cmds[1].Contexts[0] != 0 || len(cmds[0].Contexts) != 2 {
		t.Errorf("contexts: admin commands are guild-only: %s", b)
	}
	if cmds[0].Options == nil || cmds[0].Type != 1 {
		t.Errorf("a command without options must send options: [] and type 1: %s", b)
	}
}

// TestBuiltinCommands checks the built-in commands against Discord's
// rules for names, descriptions and option order.
func TestBuiltinCommands(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	for _, c := range b.Registry().Commands() {
		if c.Message {
			// A message command's name is what the Apps menu shows: 1 to
			// 32 characters, capitals and spaces allowed; no options.
			if n := len([]rune(c.Name)); n == 0 || n > 32 || len(c.Options) > 0 || c.Complete != nil {
				t.Errorf("message command %q: bad name, or options", c.Name)
			}
			continue
		}
		if len(c.Name) > 32 || strings.ToLower(c.Name) != c.Name || c.Description == "" || len([]rune(c.Description)) > 100 {
			t.Errorf("/%s: bad name or description %q", c.Name, c.Description)
		}
		optional := false
		for _, o := range c.Options {
			if o.Required && optional {
				t.Errorf("/%s: required option %s after an optional one", c.Name, o.Name)
			}
			optional = optional || !o.Required
			if len([]rune(o.Description)) > 100 || o.Description == "" {
				t.Errorf("/%s %s: bad description", c.Name, o.Name)
			}
			if o.Autocomplete && c.Complete == nil {
				t.Errorf("/%s %s: autocomplete without a completer", c.Name, o.Name)
			}
		}
	}
}

func TestRequestOptions(t *testing.T) {
	t.Parallel()
	r := Request{Options: map[string]any{"n": float64(4), "s": "3", "half": 2.5, "b": true, "text": "hi"}}
	for _, c := range []struct {
		name string
		n    int
		ok   bool
	}{{"n", 4, true}, {"s", 3, true}, {"half", 0, false}, {"b", 0, false}, {"missing", 0, false}} {
		if n, ok := r.Int(c.name); n != c.n || ok != c.ok {
			t.Errorf("Int(%s) = %d %v, want %d %v", c.name, n, ok, c.n, c.ok)
		}
	}
	if !r.Bool("b") || r.Bool("text") || r.String("text") != "hi" || r.String("n") != "4" || r.String("missing") != "" {
		t.Error("Bool/String")
	}
}

// The README's tables of commands ("In the server, members can use", and
// the admins' under "Managing the documents from Discord") list every
// command the bot registers, with its options as registered: a required
// option as "name:", an optional one in brackets ("[private: True]"), and
// no command the bot does not have.
func TestREADMECommands(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `/([a-z-]+)([^`]*)` \\|")
	opt := regexp.MustCompile(`(\[)?([a-z_]+):`)
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		var opts []string
		for _, o := range opt.FindAllStringSubmatch(m[2], -1) {
			if o[1] == "[" {
				opts = append(opts, "["+o[2]+"]")
			} else {
				opts = append(opts, o[2])
			}
		}
		documented[m[1]] = strings.Join(opts, " ")
	}
	b, _ := newTestBot(t, Options{})
	for _, c := range b.Registry().Commands() {
		if c.Message {
			if !strings.Contains(string(data), "**"+c.Name+"**") {
				t.Errorf("the message command %q is not in the README", c.Name)
			}
			continue
		}
		var opts []string
		for _, o := range c.Options {
			if o.Required {
				opts = append(opts, o.Name)
			} else {
				opts = append(opts, "["+o.Name+"]")
			}
		}
		got, ok := documented[c.Name]
		if !ok {
			t.Errorf("/%s is not in the README's tables of commands", c.Name)
			continue
		}
		if want := strings.Join(opts, " "); got != want {
			t.Errorf("README: /%s with options %q, registered %q", c.Name, got, want)
		}
		delete(documented, c.Name)
	}
	for name := range documented {
		t.Errorf("README lists /%s, which the bot does not register", name)
	}
}
