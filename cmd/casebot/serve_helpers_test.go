package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebot/casebot/bot/discordtest"
	"github.com/casebot/casebot/corpus"
)

// These tests start run itself ("casebot serve") against the fake Discord
// in bot/discordtest, with the embedded corpus in an in-memory index, and
// check what "Discord" received.

const guildID = "100"

// syncBuffer collects a run's log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is one "casebot serve" run.
type served struct {
	fake  *discordtest.Server
	out   *syncBuffer
	data  string
	token string
	code  chan int
}

// startServe runs "casebot serve args..." with env (on top of a token, the
// fake's URL, a temp data directory and an empty .env) until the test
// ends. It returns once the commands are registered. Create the fake
// before calling it: the run is stopped before the fake closes.
func startServe(t *testing.T, fake *discordtest.Server, env map[string]string, args ...string) *served {
	t.Helper()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "test.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := &served{fake: fake, out: &syncBuffer{}, data: filepath.Join(dir, "data"), token: "tok-" + t.Name() + "-SECRET", code: make(chan int, 1)}
	vars := map[string]string{
		"DISCORD_TOKEN":   s.token,
		"DISCORD_API_URL": fake.URL(),
		"CASEBOT_DATA":    s.data,
	}
	for k, v := range env {
		vars[k] = v
	}
	getenv := func(k string) string { return vars[k] }
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		s.code <- run(ctx, append([]string{"serve", "--env", envFile}, args...), getenv, strings.NewReader(""), s.out, s.out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-s.code:
			if code != 0 {
				t.Errorf("serve exited %d; output:\n%s", code, s.out)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("serve did not stop; output:\n%s", s.out)
		}
		if strings.Contains(s.out.String(), s.token) {
			t.Errorf("the token appears in the log:\n%s", s.out)
		}
	})
	if _, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool {
		return r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands")
	}); err != nil {
		t.Fatalf("no commands registered: %v; output:\n%s", err, s.out)
	}
	return s
}

// startGateway runs "casebot serve" in gateway mode and waits for its
// first heartbeat, so that closing it later does not race discordgo.
func startGateway(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	fake := discordtest.New(t)
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["DISCORD_GUILD_ID"]; !ok {
		env["DISCORD_GUILD_ID"] = guildID
	}
	s := startServe(t, fake, env, args...)
	if _, err := fake.WaitFrame(timeout(t), func(f discordtest.Frame) bool { return f.Op == 1 }); err != nil {
		t.Fatal(err)
	}
	return s
}

// timeout bounds a wait; generous, as the machine may be busy.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func user(id string) discordtest.User { return discordtest.User{ID: id, Username: "user" + id} }

// slash dispatches a slash command and returns the interaction.
func (s *served) slash(t *testing.T, name string, opts map[string]any, u discordtest.User) discordtest.Interaction {
	t.Helper()
	i := s.fake.SlashCommand(name, opts, u, guildID)
	if err := s.fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	return i
}

// answer returns the message an interaction was answered with: the
// callback's, or after a deferred callback, the edit of @original.
func (s *served) answer(t *testing.T, i discordtest.Interaction) discordtest.Reply {
	t.Helper()
	cb, err := s.fake.Callback(timeout(t), i.ID)
	if err != nil {
		t.Fatalf("no callback for %s: %v; output:\n%s", i.ID, err, s.out)
	}
	rep, err := cb.Reply()
	if err != nil {
		t.Fatal(err)
	}
	checkNoPings(t, "callback", rep)
	if rep.Type != 5 {
		return pad(rep)
	}
	ed, err := s.fake.WaitRequest(timeout(t), func(r discordtest.Request) bool {
		return r.Method == "PATCH" && strings.Contains(r.Path, "/"+i.Token+"/messages/@original") && r.Status < 300
	})
	if err != nil {
		t.Fatalf("deferred, then no edit: %v", err)
	}
	if rep, err = ed.Reply(); err != nil {
		t.Fatal(err)
	}
	checkNoPings(t, "edit", rep)
	return pad(rep)
}

// pad gives a reply without embeds an empty one, so that tests can look
// into Embeds[0] and fail on what is missing rather than panic.
func pad(rep discordtest.Reply) discordtest.Reply {
	if len(rep.Embeds) == 0 {
		rep.Embeds = []discordtest.Embed{{Title: "(no embed; content: " + rep.Content + ")"}}
	}
	return rep
}

// checkNoPings fails unless the message says parse: [] (not null, not
// left out).
func checkNoPings(t *testing.T, what string, rep discordtest.Reply) {
	t.Helper()
	if rep.Type == 8 || rep.Type == 1 {
		return // autocomplete results and PONG are not messages
	}
	if rep.AllowedMentions == nil || rep.AllowedMentions.Parse == nil || len(rep.AllowedMentions.Parse) != 0 {
		t.Errorf("%s: allowed_mentions = %+v, want parse: []", what, rep.AllowedMentions)
	}
}

// buttons lists a reply's buttons by label.
func buttons(rep discordtest.Reply) map[string]string {
	out := map[string]string{}
	for _, row := range rep.Components {
		for _, c := range row.Components {
			out[c.Label] = c.CustomID
		}
	}
	return out
}

// plain undoes the bot's markdown: bold markers and escapes.
func plain(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	return regexp.MustCompile(`\\([\\*_~`+"`"+`|>#])`).ReplaceAllString(s, "$1")
}

// corpusLine finds the line of an embedded document that contains want,
// and returns it whole with its number.
func corpusLine(t *testing.T, path, want string) (string, int) {
	t.Helper()
	b, err := fs.ReadFile(corpus.Default(), path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), want) {
			// A list item's marker is markdown, not part of the passage.
			return strings.TrimPrefix(strings.TrimSpace(sc.Text()), "- "), n
		}
	}
	t.Fatalf("%s has no line with %q", path, want)
	return "", 0
}

// cites reports whether the reply shows line verbatim and cites it as
// path:n: a field quotes it, or the answer quotes part of it and the
// field, which says "quoted above", shows the rest.
func cites(rep discordtest.Reply, path string, n int, line string) bool {
	loc := fmt.Sprintf("`%s:%d", path, n)
	for _, e := range rep.Embeds {
		for _, f := range e.Fields {
			if !strings.Contains(f.Value, loc) {
				continue
			}
			if strings.Contains(plain(f.Value), line) {
				return true
			}
			if strings.Contains(f.Value, "quoted above") && covers(line, quotedParts(e.Description), restParts(f.Value)) {
				return true
			}
		}
	}
	return false
}

var citeMarker = regexp.MustCompile(` \[\d+\]`)

// quotedParts are the stretches an answer quotes, markdown undone.
func quotedParts(desc string) []string {
	var out []string
	for _, l := range strings.Split(plain(desc), "\n") {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "> "), "- ")
		out = append(out, strings.Split(citeMarker.ReplaceAllString(l, ""), " … ")...)
	}
	return out
}

// restParts are what a quoted citation shows beyond the quote.
func restParts(value string) []string {
	var out []string
	for _, l := range strings.Split(plain(value), "\n")[1:] {
		out = append(out, strings.Split(strings.TrimPrefix(l, "> "), "[…]")...)
	}
	return out
}

// covers reports whether the pieces, found in line, cover all of it but
// white space.
func covers(line string, pieces ...[]string) bool {
	rs := []rune(line)
	got := make([]bool, len(rs))
	for _, ps := range pieces {
		for _, p := range ps {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			pr := []rune(p)
			for i := 0; i+len(pr) <= len(rs); i++ {
				if string(rs[i:i+len(pr)]) == p {
					for j := i; j < i+len(pr); j++ {
						got[j] = true
					}
				}
			}
		}
	}
	for i, r := range rs {
		if !got[i] && r != ' ' {
			return false
		}
	}
	return true
}

// citedLines reads the lines a field cites ("`path:12`" or
// "`path:12-14`") from the embedded corpus.
func citedLines(t *testing.T, value string) string {
	t.Helper()
	m := regexp.MustCompile("`([^`:]+):(\\d+)(?:-(\\d+))?`").FindStringSubmatch(value)
	if m == nil {
		t.Fatalf("no location in %q", value)
	}
	b, err := fs.ReadFile(corpus.Default(), m[1])
	if err != nil {
		t.Fatal(err)
	}
	from, _ := strconv.Atoi(m[2])
	to := from
	if m[3] != "" {
		to, _ = strconv.Atoi(m[3])
	}
	ls := strings.Split(string(b), "\n")
	return strings.Join(ls[from-1:to], " ")
}

// waitLog waits for a log line containing want.
func waitLog(out *syncBuffer, want string, d time.Duration) (string, bool) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, want) {
				return line, true
			}
		}
	}
	return "", false
}
