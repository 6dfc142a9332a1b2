package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

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

// cites reports whether some field of the reply quotes line verbatim and
// cites it as path:n.
func cites(rep discordtest.Reply, path string, n int, line string) bool {
	loc := fmt.Sprintf("`%s:%d", path, n)
	for _, e := range rep.Embeds {
		for _, f := range e.Fields {
			if strings.Contains(f.Value, loc) && strings.Contains(plain(f.Value), line) {
				return true
			}
		}
	}
	return false
}

func TestServeGateway(t *testing.T) {
	t.Parallel()
	s := startGateway(t, nil)
	fake := s.fake

	t.Run("commands registered in the guild", func(t *testing.T) {
		r, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool { return r.Method == "PUT" })
		if err != nil {
			t.Fatal(err)
		}
		if want := "/api/v9/applications/" + fake.ApplicationID() + "/guilds/" + guildID + "/commands"; r.Path != want || r.Status != 200 {
			t.Errorf("registered with %s, want PUT %s -> 200", r, want)
		}
		var cmds []struct{ Name string }
		if err := r.JSON(&cmds); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name)
		}
		if got, want := strings.Join(names, " "), "ask search stage agency factors sources cite help reindex add-document remove-document"; got != want {
			t.Errorf("commands %q, want %q", got, want)
		}
		id, _ := fake.Identify()
		if id.Intents != 1<<9|1<<12 {
			t.Errorf("intents %d, want guild messages and DMs only (4608)", id.Intents)
		}
	})

	t.Run("ask quotes and cites the passage", func(t *testing.T) {
		line, n := corpusLine(t, "notes/stages.md", "Stage 1 (1980s to 1995) is the foundation stage.")
		rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": "What was stage 1?"}, user("11")))
		if len(rep.Embeds) == 0 {
			t.Fatalf("no embed: %+v", rep)
		}
		e := rep.Embeds[0]
		if !strings.Contains(e.Description, "**Stage** **1**") {
			t.Errorf("description does not bold the matched words: %q", e.Description)
		}
		if !cites(rep, "notes/stages.md", n, line) {
			t.Errorf("no field quotes notes/stages.md:%d %q verbatim; embed: %+v", n, line, e)
		}
		if e.Footer == nil || !strings.Contains(e.Footer.Text, "index v1") {
			t.Errorf("footer %+v, want the index version", e.Footer)
		}
		if rep.Flags&64 != 0 {
			t.Error("a public question got a private answer")
		}
		for _, label := range []string{"Show context", "More passages", "Helpful", "Not helpful"} {
			if buttons(rep)[label] == "" {
				t.Errorf("no %q button: %v", label, buttons(rep))
			}
		}
	})

	t.Run("correction and not found", func(t *testing.T) {
		rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": "What does the comittee do?"}, user("12")))
		if !strings.Contains(rep.Embeds[0].Description, "Showing results for *committee*") {
			t.Errorf("no correction shown: %q", rep.Embeds[0].Description)
		}
		rep = s.answer(t, s.slash(t, "ask", map[string]any{"question": "Who won the football world cup?"}, user("12")))
		e := rep.Embeds[0]
		if !strings.Contains(e.Description, "do not cover") || len(e.Fields) == 0 || !strings.Contains(e.Fields[0].Name, "low match") {
			t.Errorf("not-found answer: %+v", e)
		}
	})

	t.Run("mention and DM answered as replies; bots ignored", func(t *testing.T) {
		me := fake.BotUser()
		mention := fake.GuildMessage(guildID, "", user("13"), "<@"+me.ID+"> What was stage 1?", me)
		dm := fake.DirectMessage(user("14"), "What is NIA?")
		own := fake.GuildMessage(guildID, "", me, "<@"+me.ID+"> What was stage 1?", me)
		otherBot := fake.GuildMessage(guildID, "", discordtest.User{ID: "555", Username: "otherbot", Bot: true}, "<@"+me.ID+"> What was stage 2?", me)
		unmentioned := fake.GuildMessage(guildID, "", user("13"), "What was stage 3?")
		for _, m := range []discordtest.Message{own, otherBot, unmentioned, mention, dm} {
			if err := fake.DispatchMessage(m); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []discordtest.Message{mention, dm} {
			r, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool {
				var body struct {
					Ref *discordtest.MessageReference `json:"message_reference"`
				}
				return r.Method == "POST" && strings.HasSuffix(r.Path, "/channels/"+m.ChannelID+"/messages") &&
					r.JSON(&body) == nil && body.Ref != nil && body.Ref.MessageID == m.ID
			})
			if err != nil {
				t.Fatalf("no reply to %q: %v", m.Content, err)
			}
			if r.Status != 200 {
				t.Errorf("reply refused: %s %s", r, r.Response)
			}
			rep, _ := r.Reply()
			checkNoPings(t, "reply", rep)
			if len(rep.Embeds) == 0 || len(rep.Embeds[0].Fields) == 0 {
				t.Errorf("reply to %q has no citations: %+v", m.Content, rep)
			}
		}
		// The mention and the DM were dispatched after the others, and
		// their replies are in; the others got none.
		for _, r := range fake.Requests() {
			var body struct {
				Ref *discordtest.MessageReference `json:"message_reference"`
			}
			if r.Method == "POST" && strings.Contains(r.Path, "/messages") && r.JSON(&body) == nil && body.Ref != nil {
				for _, m := range []discordtest.Message{own, otherBot, unmentioned} {
					if body.Ref.MessageID == m.ID {
						t.Errorf("answered %q by %s", m.Content, m.Author.Username)
					}
				}
			}
		}
	})

	t.Run("autocomplete", func(t *testing.T) {
		for _, c := range []struct {
			cmd, option string
			typed       any
			want        any // a value that must be offered
		}{
			{"stage", "number", "", float64(1)},
			{"stage", "number", "4", float64(4)},
			{"agency", "name", "", nil},
			{"agency", "name", "ni", "NIA"},
			{"cite", "source", "", "south-korea-e-government.md"},
		} {
			i := fake.Autocomplete(c.cmd, map[string]any{c.option: c.typed}, c.option, user("15"), guildID)
			if err := fake.DispatchInteraction(i); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			cb, err := fake.Callback(timeout(t), i.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d := cb.Time.Sub(sent); d > 3*time.Second {
				t.Errorf("/%s autocomplete took %v", c.cmd, d)
			}
			rep, _ := cb.Reply()
			if rep.Type != 8 || len(rep.Choices) == 0 || len(rep.Choices) > 25 {
				t.Errorf("/%s %q: type %d, %d choices; want 8 and 1 to 25", c.cmd, c.typed, rep.Type, len(rep.Choices))
			}
			found := c.want == nil
			for _, ch := range rep.Choices {
				found = found || ch.Value == c.want
			}
			if !found {
				t.Errorf("/%s %q: %v not among %+v", c.cmd, c.typed, c.want, rep.Choices)
			}
		}
	})

	t.Run("stage agency factors sources cite help", func(t *testing.T) {
		rep := s.answer(t, s.slash(t, "stage", map[string]any{"number": 4}, user("16")))
		if !strings.Contains(rep.Embeds[0].Title, "Stage 4") || len(rep.Embeds[0].Fields) == 0 || !strings.Contains(plain(rep.Embeds[0].Fields[0].Value), "Stage 4") {
			t.Errorf("/stage 4: %+v\n%s", rep.Embeds[0], s.out)
		}
		rep = s.answer(t, s.slash(t, "stage", map[string]any{"number": 9}, user("16")))
		if rep.Flags&64 == 0 || !strings.Contains(rep.Content, "no stage 9") {
			t.Errorf("/stage 9: %+v", rep)
		}

		line, n := corpusLine(t, "notes/agencies.md", "The National Information Society Agency (NIA) opened")
		rep = s.answer(t, s.slash(t, "agency", map[string]any{"name": "NIA"}, user("17")))
		if !cites(rep, "notes/agencies.md", n, line) {
			t.Errorf("/agency NIA does not quote notes/agencies.md:%d: %+v", n, rep.Embeds)
		}

		rep = s.answer(t, s.slash(t, "factors", nil, user("18")))
		e := rep.Embeds[0]
		if strings.Count(e.Description, "\n- ")+1 < 4 || len(e.Fields) < 4 {
			t.Errorf("/factors: want a list of the factors with citations: %+v", e)
		}
		// The list is the documents' own: every item quotes a cited passage.
		for _, item := range strings.Split(plain(e.Description), "\n") {
			item = strings.TrimPrefix(item, "- ")
			found := false
			for _, f := range e.Fields {
				found = found || strings.Contains(plain(f.Value), item)
			}
			if !found {
				t.Errorf("/factors item %q is not in a cited passage", item)
			}
		}

		rep = s.answer(t, s.slash(t, "sources", nil, user("19")))
		if e := rep.Embeds[0]; len(e.Fields) < 10 || !strings.Contains(e.Description, "Index version 1") || !strings.Contains(e.Description, "passages") {
			t.Errorf("/sources: %+v", e)
		}

		rep = s.answer(t, s.slash(t, "cite", map[string]any{"source": "south-korea-e-government.md"}, user("19")))
		if d := rep.Embeds[0].Description; !strings.HasPrefix(d, "Sear, M. J. (2021, July 15). *South Korea: The leading e-government country in Asia*.") {
			t.Errorf("/cite: %q", d)
		}
		rep = s.answer(t, s.slash(t, "cite", map[string]any{"source": "notes/agencies.md"}, user("19")))
		if d := rep.Embeds[0].Description; !strings.Contains(d, "(n.d.)") || !strings.Contains(d, " <http") {
			t.Errorf("/cite of a note: %q", d)
		}

		rep = s.answer(t, s.slash(t, "help", nil, user("19")))
		if rep.Flags&64 == 0 || !strings.Contains(rep.Embeds[0].Description, "/ask") {
			t.Errorf("/help: %+v", rep)
		}
		if strings.Contains(rep.Embeds[0].Description, "/reindex") {
			t.Errorf("/help lists the admin commands: %q", rep.Embeds[0].Description)
		}
	})

	t.Run("admin commands without a corpus directory", func(t *testing.T) {
		for cmd, opts := range map[string]map[string]any{"reindex": nil, "remove-document": {"source": "notes/stages.md"}} {
			rep := s.answer(t, s.admin(t, cmd, opts))
			if rep.Flags&64 == 0 || !strings.Contains(rep.Content, "no corpus directory") {
				t.Errorf("/%s: %+v", cmd, rep)
			}
		}
	})

	t.Run("search and More", func(t *testing.T) {
		u := user("20")
		i := s.slash(t, "search", map[string]any{"query": "procurement"}, u)
		rep := s.answer(t, i)
		if strings.Count(rep.Embeds[0].Description, "\n**") < 4 {
			t.Errorf("/search: want 5 lines: %q", rep.Embeds[0].Description)
		}
		more := buttons(rep)["More"]
		if more == "" {
			t.Fatalf("no More button: %+v", rep.Components)
		}
		msg, _ := fake.Original(i.ID)
		click := fake.Button(more, u, msg)
		if err := fake.DispatchInteraction(click); err != nil {
			t.Fatal(err)
		}
		page2 := s.answer(t, click)
		if page2.Flags&64 == 0 || !strings.Contains(page2.Embeds[0].Description, "**6.**") {
			t.Errorf("second page: %+v", page2)
		}
	})

	t.Run("buttons", func(t *testing.T) {
		u := discordtest.User{ID: "777000111222333444", Username: "carol"}
		i := s.slash(t, "ask", map[string]any{"question": "What was stage 1?", "private": true}, u)
		rep := s.answer(t, i)
		if rep.Flags&64 == 0 {
			t.Fatal("private: true answered in public")
		}
		ids := buttons(rep)
		msg, ok := fake.Original(i.ID)
		if !ok {
			t.Fatal("no original message")
		}
		click := func(label string) discordtest.Reply {
			t.Helper()
			if ids[label] == "" {
				t.Fatalf("no %q button among %v", label, ids)
			}
			if len(ids[label]) > 100 {
				t.Errorf("%q custom_id is %d long", label, len(ids[label]))
			}
			b := fake.Button(ids[label], u, msg)
			if err := fake.DispatchInteraction(b); err != nil {
				t.Fatal(err)
			}
			return s.answer(t, b)
		}

		ctx := click("Show context")
		if ctx.Flags&64 == 0 || len(ctx.Embeds) == 0 || strings.Count(ctx.Embeds[0].Description, "`notes/stages.md:") < 3 {
			t.Errorf("Show context: want the passage and its neighbours, privately: %+v", ctx)
		}
		more := click("More passages")
		if more.Flags&64 == 0 || len(more.Embeds) == 0 || len(more.Embeds[0].Fields) == 0 || !strings.HasPrefix(more.Embeds[0].Fields[0].Name, "[4]") {
			t.Errorf("More passages: want passages from [4] on: %+v", more)
		}
		shared := click("Share")
		if shared.Type != 4 || shared.Flags&64 != 0 || len(shared.Embeds) == 0 || shared.Embeds[0].Title != "What was stage 1?" {
			t.Errorf("Share: want the answer in public: %+v", shared)
		}
		if buttons(shared)["Share"] != "" {
			t.Error("a shared answer offers Share again")
		}
		thanks := click("Helpful")
		if thanks.Flags&64 == 0 || !strings.Contains(thanks.Content, "Thanks") {
			t.Errorf("Helpful: %+v", thanks)
		}
		b, err := os.ReadFile(filepath.Join(s.data, "feedback.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		var fb struct {
			Helpful  bool
			Question string
			Passages []string
			User     string
		}
		if err := json.Unmarshal(b, &fb); err != nil {
			t.Fatalf("feedback.jsonl %q: %v", b, err)
		}
		if !fb.Helpful || fb.Question != "What was stage 1?" || len(fb.Passages) == 0 || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(fb.User) {
			t.Errorf("feedback line %s", b)
		}
		if bytes.Contains(b, []byte(u.ID)) {
			t.Errorf("feedback.jsonl holds the raw user id: %s", b)
		}
	})

	t.Run("long question: state in the cache", func(t *testing.T) {
		u := user("21")
		q := "What was stage 1 of Korean e-government, when did it start and end, and what did the government build during that time?"
		i := s.slash(t, "ask", map[string]any{"question": q, "private": true}, u)
		rep := s.answer(t, i)
		msg, _ := fake.Original(i.ID)
		id := buttons(rep)["Share"]
		if !strings.Contains(id, "#"+i.ID) {
			t.Errorf("Share of a long question: custom_id %q, want the cache key", id)
		}
		b := fake.Button(id, u, msg)
		if err := fake.DispatchInteraction(b); err != nil {
			t.Fatal(err)
		}
		if shared := s.answer(t, b); len(shared.Embeds) == 0 || shared.Embeds[0].Title != q {
			t.Errorf("shared: %+v", shared)
		}
		// A button whose state is gone says so.
		b = fake.Button("fb:y:#1", u, msg)
		if err := fake.DispatchInteraction(b); err != nil {
			t.Fatal(err)
		}
		if r := s.answer(t, b); r.Flags&64 == 0 || !strings.Contains(r.Content, "expired") {
			t.Errorf("expired button: %+v", r)
		}
	})

	t.Run("rate limit", func(t *testing.T) {
		u := user("22")
		var last discordtest.Reply
		for range 6 {
			last = s.answer(t, s.slash(t, "ask", map[string]any{"question": "What was stage 2?"}, u))
		}
		if last.Flags&64 == 0 || !strings.Contains(last.Content, "try again in") {
			t.Errorf("6th question in a minute: %+v", last)
		}
		if other := s.answer(t, s.slash(t, "ask", map[string]any{"question": "What was stage 2?"}, user("23"))); len(other.Embeds) == 0 {
			t.Errorf("another user was not answered: %+v", other)
		}
	})

	t.Run("a 429 on a callback stalls no one else", func(t *testing.T) {
		slow := fake.SlashCommand("ask", map[string]any{"question": "What was stage 3?"}, user("24"), guildID)
		fake.RateLimit("/api/v9/interactions/"+slow.ID+"/", 1, 20*time.Second)
		retried := fake.SlashCommand("ask", map[string]any{"question": "What was stage 3?"}, user("25"), guildID)
		fake.RateLimit("/api/v9/interactions/"+retried.ID+"/", 1, 200*time.Millisecond)
		other := fake.SlashCommand("ask", map[string]any{"question": "What was stage 5?"}, user("26"), guildID)
		start := time.Now()
		for _, i := range []discordtest.Interaction{slow, retried, other} {
			if err := fake.DispatchInteraction(i); err != nil {
				t.Fatal(err)
			}
		}
		cb, err := fake.Callback(timeout(t), other.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cb.Time.Sub(start); d > 2*time.Second {
			t.Errorf("another user's callback took %v", d)
		}
		// A short retry_after fits in the deadline: retried once.
		if _, err := fake.Callback(timeout(t), retried.ID); err != nil {
			t.Errorf("a 200 ms 429 was not retried: %v", err)
		}
		// A long one does not: the bot gives up rather than wait 20 s.
		r, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool {
			return strings.Contains(r.Path, "/interactions/"+slow.ID+"/")
		})
		if err != nil || r.Status != 429 {
			t.Fatalf("rate-limited callback: %v %v", r, err)
		}
		if _, ok := waitLog(s.out, "response not delivered", 5*time.Second); !ok {
			t.Errorf("the 429 was not logged:\n%s", s.out)
		}
	})

	t.Run("200 concurrent asks", func(t *testing.T) {
		questions := []string{"What was stage 1?", "What is NIA?", "What are the success factors?", "When did Korea top the UN e-government survey?"}
		var is []discordtest.Interaction
		for n := range 200 {
			is = append(is, fake.SlashCommand("ask", map[string]any{"question": questions[n%len(questions)]}, user(fmt.Sprint(1000+n)), guildID))
		}
		for _, i := range is {
			if err := fake.DispatchInteraction(i); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		got := 0
		for _, i := range is {
			if _, err := fake.Callback(ctx, i.ID); err == nil {
				got++
			}
		}
		if got != 200 {
			t.Errorf("%d of 200 interactions got their callback", got)
		}
	})
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

// TestServeEveryone: a document and a question with "@everyone" and a
// role mention ping no one, in a slash answer and in a mention reply.
func TestServeEveryone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc := "# Announcements\n\nThe council told @everyone and <@&4242> that the procurement portal opens in March.\n"
	if err := os.WriteFile(filepath.Join(dir, "announcements.md"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startGateway(t, map[string]string{"CASEBOT_CORPUS": dir})
	fake := s.fake

	rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": "@everyone when does the procurement portal open?"}, user("31")))
	if !strings.Contains(plain(fmt.Sprint(rep.Embeds)), "@everyone") {
		t.Fatalf("the passage with @everyone was not quoted: %+v", rep.Embeds)
	}
	me := fake.BotUser()
	m := fake.GuildMessage(guildID, "", user("32"), "<@"+me.ID+"> @everyone when does the procurement portal open?", me)
	if err := fake.DispatchMessage(m); err != nil {
		t.Fatal(err)
	}
	r, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool {
		return r.Method == "POST" && strings.HasSuffix(r.Path, "/channels/"+m.ChannelID+"/messages")
	})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := r.Message()
	if err != nil {
		t.Fatalf("%s: %s", r, r.Response)
	}
	if sent.MentionEveryone || len(sent.Mentions) > 0 || len(sent.MentionRoles) > 0 {
		t.Errorf("the reply pinged: everyone %v, users %v, roles %v", sent.MentionEveryone, sent.Mentions, sent.MentionRoles)
	}
	rep, _ = r.Reply()
	checkNoPings(t, "mention reply", rep)
}

// TestServeHTTP drives "casebot serve --http" with signed requests.
func TestServeHTTP(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	signer := discordtest.NewSigner()
	s := startServe(t, fake, map[string]string{
		"DISCORD_PUBLIC_KEY": signer.PublicKeyHex(),
		"DISCORD_APP_ID":     fake.ApplicationID(),
	}, "--http", "127.0.0.1:0")
	line, ok := waitLog(s.out, "serving HTTP interactions", 5*time.Second)
	if !ok {
		t.Fatalf("no address logged:\n%s", s.out)
	}
	base := "http://" + regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(line)[1]
	client := &http.Client{Timeout: 10 * time.Second}

	post := func(t *testing.T, req *http.Request) (int, []byte) {
		t.Helper()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	type stats struct {
		Stats struct{ Requests, Refused int64 }
	}
	health := func(t *testing.T) stats {
		t.Helper()
		resp, err := client.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h stats
		if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&h) != nil {
			t.Fatalf("/healthz: %s", resp.Status)
		}
		return h
	}

	t.Run("ping", func(t *testing.T) {
		req, _ := signer.NewRequest(base+"/interactions", fake.Ping(), time.Now())
		code, body := post(t, req)
		if code != 200 || strings.TrimSpace(string(body)) != `{"type":1}` {
			t.Errorf("PING: %d %s", code, body)
		}
	})

	t.Run("refused: forged, tampered, stale, unsigned", func(t *testing.T) {
		before := health(t)
		i := fake.SlashCommand("ask", map[string]any{"question": "What was stage 1?"}, user("41"), guildID)
		forged, _ := discordtest.NewSigner().NewRequest(base+"/interactions", i, time.Now())
		stale, _ := signer.NewRequest(base+"/interactions", i, time.Now().Add(-6*time.Minute))
		tampered, _ := signer.NewRequest(base+"/interactions", i, time.Now())
		body, _ := io.ReadAll(tampered.Body)
		body = bytes.Replace(body, []byte("stage 1"), []byte("stage 2"), 1)
		tampered.Body = io.NopCloser(bytes.NewReader(body))
		tampered.ContentLength = int64(len(body))
		unsigned, _ := http.NewRequest("POST", base+"/interactions", bytes.NewReader(body))
		for name, req := range map[string]*http.Request{"forged": forged, "stale": stale, "tampered": tampered, "unsigned": unsigned} {
			if code, _ := post(t, req); code != 401 {
				t.Errorf("%s: status %d, want 401", name, code)
			}
		}
		after := health(t)
		if after.Stats.Requests != before.Stats.Requests || after.Stats.Refused != before.Stats.Refused+4 {
			t.Errorf("stats went from %+v to %+v: want 4 refused and no request handled", before, after)
		}
		for _, r := range fake.Requests() {
			if strings.Contains(r.Path, i.Token) {
				t.Errorf("a refused interaction was answered: %s", r)
			}
		}
	})

	t.Run("too large", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), 300<<10)
		req, _ := signer.NewRequest(base+"/interactions", big, time.Now())
		if code, _ := post(t, req); code != http.StatusRequestEntityTooLarge {
			t.Errorf("300 KiB body: status %d, want 413", code)
		}
	})

	t.Run("signed ask", func(t *testing.T) {
		line, n := corpusLine(t, "notes/stages.md", "Stage 1 (1980s to 1995) is the foundation stage.")
		i := fake.SlashCommand("ask", map[string]any{"question": "What was stage 1?"}, user("42"), guildID)
		req, _ := signer.NewRequest(base+"/interactions", i, time.Now())
		code, body := post(t, req)
		if code != 200 {
			t.Fatalf("status %d: %s", code, body)
		}
		var resp struct {
			Type int
			Data discordtest.Reply
		}
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatal(err)
		}
		rep := resp.Data
		rep.Type = resp.Type
		if rep.Type == 5 {
			rep = s.answer(t, i)
		}
		checkNoPings(t, "HTTP response", rep)
		if !cites(rep, "notes/stages.md", n, line) {
			t.Errorf("HTTP answer does not cite notes/stages.md:%d: %s", n, body)
		}
	})

	t.Run("autocomplete", func(t *testing.T) {
		i := fake.Autocomplete("agency", map[string]any{"name": ""}, "name", user("43"), guildID)
		req, _ := signer.NewRequest(base+"/interactions", i, time.Now())
		code, body := post(t, req)
		var resp struct {
			Type int
			Data struct{ Choices []discordtest.Choice }
		}
		if code != 200 || json.Unmarshal(body, &resp) != nil || resp.Type != 8 || len(resp.Data.Choices) == 0 || len(resp.Data.Choices) > 25 {
			t.Errorf("autocomplete: %d %s", code, body)
		}
	})
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.env")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	withToken := filepath.Join(dir, "token.env")
	if err := os.WriteFile(withToken, []byte("DISCORD_TOKEN=from-dotenv-SECRET\nSHARD_COUNT=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string // the one line on stderr
	}{
		{"missing token", []string{"--env", empty}, nil, "casebot: DISCORD_TOKEN is not set"},
		{"shard out of range", []string{"--env", withToken}, map[string]string{"SHARD_ID": "2"}, "casebot: SHARD_ID 2 of SHARD_COUNT 2"},
		{"bad shard count", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "SHARD_COUNT": "zero"}, `casebot: SHARD_COUNT="zero": want a whole number`},
		{"bad rate", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_RATE": "-1"}, "casebot: CASEBOT_RATE must be 1 or more"},
		{"http without key", []string{"--env", empty, "--http", ":0"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: HTTP mode needs DISCORD_PUBLIC_KEY"},
		{"bad API URL", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "DISCORD_API_URL": "ftp://x"}, `casebot: DISCORD_API_URL "ftp://x"`},
		{"missing env file", []string{"--env", filepath.Join(dir, "nope.env")}, nil, "casebot: env file"},
		{"stray argument", []string{"--env", empty, "hello"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: serve takes no arguments"},
		{"watch without a corpus", []string{"--env", empty, "--watch"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: --watch needs a corpus directory"},
		{"watch from the environment without a corpus", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH": "true"}, "casebot: --watch needs a corpus directory"},
		{"bad watch setting", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH": "sometimes"}, `casebot: CASEBOT_WATCH="sometimes": want true or false`},
		{"bad watch delay", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH_DELAY": "soon"}, `casebot: CASEBOT_WATCH_DELAY="soon": want a duration`},
		{"negative watch delay", []string{"--env", empty, "--watch-delay", "-1s"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: the watch delay must be more than 0"},
		{"upload cap over what the corpus reads", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_MAX_UPLOAD": "10000000"}, "casebot: CASEBOT_MAX_UPLOAD must be 1 to 5242880 bytes"},
		{"upload cap not a number", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_MAX_UPLOAD": "5MB"}, `casebot: CASEBOT_MAX_UPLOAD="5MB": want a whole number`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string { return c.env[k] }
			code := run(context.Background(), append([]string{"serve"}, c.args...), getenv, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			out := stderr.String()
			if !strings.HasPrefix(out, c.want) || strings.Count(out, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", out, c.want)
			}
			if strings.Contains(out+stdout.String(), "SECRET") {
				t.Errorf("a token was printed: %q", out)
			}
		})
	}
}

func TestParseServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env")
	dotenv := "DISCORD_TOKEN=dotenv-token\nDISCORD_APP_ID=dotenv-app\nCASEBOT_RATE=7\nSHARD_ID=1\nSHARD_COUNT=3\nCASEBOT_DATA=/from/dotenv\n" +
		"CASEBOT_CORPUS=/docs\nCASEBOT_WATCH=true\nCASEBOT_WATCH_DELAY=250ms\nCASEBOT_MAX_UPLOAD=1000\n"
	if err := os.WriteFile(envFile, []byte(dotenv), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DISCORD_TOKEN": "env-token", "DISCORD_GUILD_ID": "55"}
	c, err := parseServe([]string{"--env", envFile, "--rate", "9"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []struct {
		name      string
		got, want any
	}{
		{"token: the environment wins", string(c.Token), "env-token"},
		{"app id from .env", c.AppID, "dotenv-app"},
		{"guild from the environment", c.GuildID, "55"},
		{"a flag beats both", c.Rate, 9},
		{"shard id", c.ShardID, 1},
		{"shard count", c.ShardCount, 3},
		{"data dir from .env", c.DataDir, "/from/dotenv"},
		{"watch from .env", c.Watch, true},
		{"watch delay from .env", c.WatchDelay, 250 * time.Millisecond},
		{"upload cap from .env", c.MaxUpload, int64(1000)},
		{"token is redacted in formatting", fmt.Sprintf("%v %+v", c.Token, c), ""},
	} {
		if got.name == "token is redacted in formatting" {
			if s := got.got.(string); strings.Contains(s, "env-token") {
				t.Errorf("%s: %s", got.name, s)
			}
			continue
		}
		if got.got != got.want {
			t.Errorf("%s: %v, want %v", got.name, got.got, got.want)
		}
	}
}

// TestServeBadToken: Discord refuses the token; the error is one line
// and the token is in no output.
func TestServeBadToken(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithToken("the-right-one"))
	dir := t.TempDir()
	envFile := filepath.Join(dir, "test.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DISCORD_TOKEN": "wrong-SECRET-token", "DISCORD_API_URL": fake.URL(), "CASEBOT_DATA": filepath.Join(dir, "data")}
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := run(ctx, []string{"serve", "--env", envFile}, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
	if code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
	if !strings.Contains(out.String(), "casebot: connect to the Discord gateway") || strings.Contains(out.String(), "SECRET") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestServeRealDiscord connects to Discord itself, registers the commands
// and disconnects. It runs only when DISCORD_TOKEN is set in the
// environment; use a test application, and set DISCORD_GUILD_ID too to
// register in a test server rather than globally.
func TestServeRealDiscord(t *testing.T) {
	if os.Getenv("DISCORD_TOKEN") == "" {
		t.Skip("DISCORD_TOKEN not set: not talking to Discord")
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "empty.env") // the settings come from the environment
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	getenv := func(k string) string {
		if k == "CASEBOT_DATA" {
			return dir
		}
		return os.Getenv(k)
	}
	go func() {
		code <- run(ctx, []string{"serve", "--env", envFile}, getenv, strings.NewReader(""), &out, &out)
	}()
	if _, ok := waitLog(&out, "commands registered", 30*time.Second); !ok {
		cancel()
		t.Fatalf("not connected and registered:\n%s", out.String())
	}
	cancel()
	if c := <-code; c != 0 {
		t.Errorf("exit %d:\n%s", c, out.String())
	}
	if strings.Contains(out.String(), os.Getenv("DISCORD_TOKEN")) {
		t.Error("the token appears in the log")
	}
}

// manageServer is the Manage Server permission, as Discord sends it.
const manageServer = "32"

// admin dispatches a slash command from a member who can manage the server.
func (s *served) admin(t *testing.T, name string, opts map[string]any) discordtest.Interaction {
	t.Helper()
	i := s.fake.SlashCommand(name, opts, user("7"), guildID)
	i.Member.Permissions = manageServer
	if err := s.fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	return i
}

// citesSource reports whether a reply cites a passage of path.
func citesSource(rep discordtest.Reply, path string) bool {
	for _, e := range rep.Embeds {
		for _, f := range e.Fields {
			if strings.Contains(f.Value, "`"+path+":") {
				return true
			}
		}
	}
	return false
}

// version is the index version /sources shows.
func (s *served) version(t *testing.T) string {
	t.Helper()
	rep := s.answer(t, s.slash(t, "sources", nil, user("8")))
	m := regexp.MustCompile(`Index version (\d+)`).FindStringSubmatch(rep.Embeds[0].Description)
	if m == nil {
		t.Fatalf("/sources shows no version: %+v", rep.Embeds[0])
	}
	return m[1]
}

// listing is every name under dir, hidden ones too, with its content.
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(b)
		} else {
			out[rel] = d.Type().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// embedText is everything a reply shows, markdown undone.
func embedText(rep discordtest.Reply) string {
	return plain(rep.Content + fmt.Sprint(rep.Embeds))
}

// TestServeAdmin drives /reindex, /add-document and /remove-document
// against a corpus directory and an index directory, as admins and not.
func TestServeAdmin(t *testing.T) {
	t.Parallel()
	top := t.TempDir() // holds the corpus, and what must stay outside it
	dir := filepath.Join(top, "corpus")
	writeFile(t, filepath.Join(dir, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	writeFile(t, filepath.Join(dir, "rivers.md"), "# Rivers\n\nThe river Vltava flows through Prague and joins the Elbe at Melnik.\n")
	writeFile(t, filepath.Join(dir, "notes", "ports.md"), "# Ports\n\nThe port of Gdynia was built between 1921 and 1930.\n")
	writeFile(t, filepath.Join(top, "victim.md"), "# Outside\n\nThis file is outside the corpus directory.\n")
	if err := os.Symlink(top, filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	const maxUpload = 4096
	s := startGateway(t, map[string]string{
		"CASEBOT_CORPUS":     dir,
		"CASEBOT_INDEX":      filepath.Join(t.TempDir(), "index"),
		"CASEBOT_MAX_UPLOAD": fmt.Sprint(maxUpload),
	})
	fake := s.fake
	refused := func(t *testing.T, rep discordtest.Reply, want string) {
		t.Helper()
		t.Logf("reply: %s", rep.Content)
		if rep.Flags&64 == 0 || !strings.Contains(plain(rep.Content), want) {
			t.Errorf("reply %q (flags %d), want a private one saying %q", rep.Content, rep.Flags, want)
		}
	}

	t.Run("registered for Manage Server", func(t *testing.T) {
		r, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool { return r.Method == "PUT" })
		if err != nil {
			t.Fatal(err)
		}
		var cmds []struct {
			Name        string
			Permissions *string `json:"default_member_permissions"`
			Options     []struct {
				Name string
				Type int
			}
		}
		if err := r.JSON(&cmds); err != nil {
			t.Fatal(err)
		}
		admin := map[string]bool{"reindex": true, "add-document": true, "remove-document": true}
		for _, c := range cmds {
			got := ""
			if c.Permissions != nil {
				got = *c.Permissions
			}
			if want := map[bool]string{true: manageServer}[admin[c.Name]]; got != want {
				t.Errorf("/%s: default_member_permissions %q, want %q", c.Name, got, want)
			}
			if c.Name == "add-document" && (len(c.Options) == 0 || c.Options[0].Type != discordtest.OptionAttachment) {
				t.Errorf("/add-document options: %+v", c.Options)
			}
		}
	})

	t.Run("non-admins are refused and nothing changes", func(t *testing.T) {
		// A witness: any reindex would add it and change the version.
		writeFile(t, filepath.Join(dir, "pending.md"), "# Pending\n\nNot yet indexed.\n")
		defer os.Remove(filepath.Join(dir, "pending.md"))
		before, v := listing(t, dir), s.version(t)
		att := fake.AddAttachment("intruder.md", []byte("# Intruder\n\nThe intruder wrote this.\n"))
		for _, c := range []struct {
			cmd  string
			opts map[string]any
		}{
			{"reindex", nil},
			{"reindex", map[string]any{"dry_run": true}},
			{"add-document", map[string]any{"file": att}},
			{"remove-document", map[string]any{"source": "tea.md"}},
		} {
			refused(t, s.answer(t, s.slash(t, c.cmd, c.opts, user("9"))), "for members who can manage this server")
		}
		i := fake.Autocomplete("remove-document", map[string]any{"source": ""}, "source", user("9"), guildID)
		if err := fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
		cb, err := fake.Callback(timeout(t), i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep, _ := cb.Reply(); len(rep.Choices) != 0 {
			t.Errorf("autocomplete offered a non-admin the documents: %+v", rep.Choices)
		}
		if after := listing(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the corpus directory changed:\n%v\n%v", before, after)
		}
		if got := s.version(t); got != v {
			t.Errorf("index version %s, want %s", got, v)
		}
		for _, r := range fake.Requests() {
			if strings.HasPrefix(r.Path, "/attachments/"+att.ID+"/") {
				t.Errorf("downloaded a non-admin's attachment: %s", r)
			}
		}
	})

	t.Run("reindex after a file changed", func(t *testing.T) {
		v := s.version(t)
		writeFile(t, filepath.Join(dir, "rivers.md"), "# Rivers\n\nThe river Vltava flows through Prague and joins the Elbe at Melnik.\n\nThe Vltava is 430 kilometres long.\n")

		rep := s.answer(t, s.admin(t, "reindex", map[string]any{"dry_run": true}))
		txt := embedText(rep)
		t.Logf("dry run: %s", txt)
		if rep.Flags&64 == 0 || !strings.Contains(txt, "Would change (1)") || !strings.Contains(txt, "rivers.md") || !strings.Contains(txt, "nothing was changed") {
			t.Errorf("dry run: %s", txt)
		}
		if !strings.Contains(txt, "`escape`: symbolic link") {
			t.Errorf("dry run does not list the skipped link with its reason: %s", txt)
		}
		if got := s.version(t); got != v {
			t.Errorf("a dry run changed the index version from %s to %s", v, got)
		}

		rep = s.answer(t, s.admin(t, "reindex", nil))
		txt = embedText(rep)
		t.Logf("reindex: %s", txt)
		if !strings.Contains(txt, "Changed (1)") || !strings.Contains(txt, "`rivers.md`") || !strings.Contains(txt, "Index version "+v+" → ") {
			t.Errorf("reindex: %s", txt)
		}
		rep = s.answer(t, s.slash(t, "ask", map[string]any{"question": "How long is the Vltava?"}, user("51")))
		if !citesSource(rep, "rivers.md") || !strings.Contains(embedText(rep), "430 kilometres") {
			t.Errorf("the changed text is not answered: %s", embedText(rep))
		}

		rep = s.answer(t, s.admin(t, "reindex", nil))
		if txt := embedText(rep); !strings.Contains(txt, "Nothing changed") {
			t.Errorf("second reindex: %s", txt)
		}
	})

	t.Run("add a document", func(t *testing.T) {
		att := fake.AddAttachment("harbour notes.md", []byte("# Harbour\n\nThe harbour of Port Zembla handles 12 million tonnes of grain a year.\n"))
		rep := s.answer(t, s.admin(t, "add-document", map[string]any{"file": att}))
		txt := embedText(rep)
		if rep.Flags&64 == 0 || !strings.Contains(txt, "Added harbour_notes.md") || !strings.Contains(txt, "Added (1)") {
			t.Errorf("/add-document: %s", txt)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "harbour_notes.md")); err != nil || !strings.Contains(string(b), "Port Zembla") {
			t.Errorf("not stored as harbour_notes.md: %v", err)
		}
		rep = s.answer(t, s.slash(t, "ask", map[string]any{"question": "How much grain does the harbour of Port Zembla handle?"}, user("52")))
		if !citesSource(rep, "harbour_notes.md") || !strings.Contains(embedText(rep), "12 million tonnes") {
			t.Errorf("the added document is not answered from: %s", embedText(rep))
		}

		again := fake.AddAttachment("harbour_notes.md", []byte("# Harbour\n\nThe harbour of Port Zembla handles 14 million tonnes of grain a year.\n"))
		refused(t, s.answer(t, s.admin(t, "add-document", map[string]any{"file": again})), "already a document called `harbour_notes.md`")
		rep = s.answer(t, s.admin(t, "add-document", map[string]any{"file": again, "replace": true}))
		if txt := embedText(rep); !strings.Contains(txt, "Replaced harbour_notes.md") || !strings.Contains(txt, "Changed (1)") {
			t.Errorf("replace: %s", txt)
		}
	})

	t.Run("bad uploads are refused and nothing is written", func(t *testing.T) {
		before, v := listing(t, dir), s.version(t)
		big := bytes.Repeat([]byte("word "), maxUpload)
		liar := fake.AddAttachment("liar.md", append([]byte("# Liar\n\n"), big...))
		liar.Size = 100 // Discord says small; the body is not
		for _, c := range []struct {
			name string
			att  discordtest.Attachment
			want string
		}{
			{"declared size over the cap", fake.AddAttachment("big.md", append([]byte("# Big\n\n"), big...)), "documents may be up to 4.0 KB"},
			{"body over the cap", liar, "larger than Discord said"},
			{"unsupported type", fake.AddAttachment("notes.docx", []byte("PK\x03\x04")), "is none of them"},
			{"no extension", fake.AddAttachment("README", []byte("# Readme\n")), "is none of them"},
			{"parent path", fake.AddAttachment("../victim.md", []byte("# Overwritten\n\nGotcha.\n")), "it is a path"},
			{"deeper parent path", fake.AddAttachment("../../x.md", []byte("# X\n\nGotcha.\n")), "it is a path"},
			{"subdirectory", fake.AddAttachment("a/b.md", []byte("# B\n\nGotcha.\n")), "it is a path"},
			{"backslash", fake.AddAttachment(`..\x.md`, []byte("# X\n\nGotcha.\n")), "it is a path"},
			{"dot dot", fake.AddAttachment("..", []byte("x")), `names with ".."`},
			{"hidden", fake.AddAttachment(".hidden.md", []byte("# Hidden\n\nGotcha.\n")), "starting with a dot"},
			{"control character", fake.AddAttachment("bell\a.md", []byte("# Bell\n\nGotcha.\n")), "control characters"},
			{"binary with a .md name", fake.AddAttachment("binary.md", []byte("\x7fELF\x02\x01\x01\x00\x00\x00garbage")), "`binary.md` was not added: not a text file"},
			{"invalid UTF-8", fake.AddAttachment("latin1.txt", []byte("Caf\xe9 cr\xe8me\n")), "was not added: invalid UTF-8"},
			{"empty", fake.AddAttachment("empty.md", nil), "was not added: no text"},
		} {
			t.Run(c.name, func(t *testing.T) {
				refused(t, s.answer(t, s.admin(t, "add-document", map[string]any{"file": c.att})), c.want)
			})
		}
		for _, r := range fake.Requests() {
			if strings.Contains(r.Path, "/big.md") {
				t.Errorf("downloaded an attachment declared over the cap: %s", r)
			}
		}
		if after := listing(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the corpus directory changed:\n%v\n%v", before, after)
		}
		if b, _ := os.ReadFile(filepath.Join(top, "victim.md")); !strings.Contains(string(b), "outside the corpus") {
			t.Errorf("the file outside the corpus changed: %q", b)
		}
		for _, p := range []string{filepath.Join(top, "x.md"), filepath.Join(filepath.Dir(top), "x.md")} {
			if _, err := os.Lstat(p); err == nil {
				t.Errorf("%s was written", p)
			}
		}
		if got := s.version(t); got != v {
			t.Errorf("index version %s, want %s", got, v)
		}
	})

	t.Run("remove a document", func(t *testing.T) {
		i := fake.Autocomplete("remove-document", map[string]any{"source": "harb"}, "source", user("7"), guildID)
		i.Member.Permissions = manageServer
		if err := fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
		cb, err := fake.Callback(timeout(t), i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep, _ := cb.Reply(); len(rep.Choices) != 1 || rep.Choices[0].Value != "harbour_notes.md" {
			t.Errorf("autocomplete %q: %+v", "harb", rep.Choices)
		}

		rep := s.answer(t, s.admin(t, "remove-document", map[string]any{"source": "harbour_notes.md"}))
		if txt := embedText(rep); !strings.Contains(txt, "Removed harbour_notes.md") || !strings.Contains(txt, "Removed (1)") {
			t.Errorf("/remove-document: %s", txt)
		}
		if _, err := os.Lstat(filepath.Join(dir, "harbour_notes.md")); err == nil {
			t.Error("harbour_notes.md is still in the corpus directory")
		}
		rep = s.answer(t, s.slash(t, "ask", map[string]any{"question": "How much grain does the harbour of Port Zembla handle?"}, user("53")))
		if citesSource(rep, "harbour_notes.md") || strings.Contains(embedText(rep), "million tonnes") {
			t.Errorf("a removed document is still answered from: %s", embedText(rep))
		}

		rep = s.answer(t, s.admin(t, "remove-document", map[string]any{"source": "Ports"}))
		if txt := embedText(rep); !strings.Contains(txt, "Removed notes/ports.md") {
			t.Errorf("/remove-document by title: %s", txt)
		}
	})

	t.Run("remove outside the corpus is refused", func(t *testing.T) {
		before, v := listing(t, dir), s.version(t)
		for _, src := range []string{"../victim.md", "/etc/passwd", "notes/../../victim.md", "escape/victim.md", top + "/victim.md", "..", ".", "", "tea.vocab", "nowhere.md"} {
			rep := s.answer(t, s.admin(t, "remove-document", map[string]any{"source": src}))
			if rep.Flags&64 == 0 || strings.Contains(embedText(rep), "Removed") {
				t.Errorf("remove %q: %+v", src, rep)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(top, "victim.md")); !strings.Contains(string(b), "outside the corpus") {
			t.Errorf("the file outside the corpus changed: %q", b)
		}
		if after := listing(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the corpus directory changed:\n%v\n%v", before, after)
		}
		if got := s.version(t); got != v {
			t.Errorf("index version %s, want %s", got, v)
		}
	})
}

// TestServeWatch: with --watch, a file written into the corpus directory,
// or into a directory made after the start, is soon answered from; hidden
// and backup files are not indexed.
func TestServeWatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	s := startGateway(t, map[string]string{"CASEBOT_CORPUS": dir, "CASEBOT_INDEX": filepath.Join(t.TempDir(), "index")},
		"--watch", "--watch-delay", "100ms")
	if _, ok := waitLog(s.out, "watching the corpus directory", 5*time.Second); !ok {
		t.Fatalf("not watching:\n%s", s.out)
	}
	// sourcesHave polls /sources (not rate-limited) until it lists path.
	sourcesHave := func(t *testing.T, path string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			rep := s.answer(t, s.slash(t, "sources", nil, user("61")))
			if strings.Contains(fmt.Sprint(rep.Embeds), "`"+path+"`") {
				return
			}
		}
		t.Fatalf("%s was not indexed within 20 s; log:\n%s", path, s.out)
	}

	writeFile(t, filepath.Join(dir, ".draft.md"), "# Draft\n\nThe lighthouse keeper's draft.\n")
	writeFile(t, filepath.Join(dir, "lighthouse.md~"), "# Backup\n\nThe lighthouse backup.\n")
	writeFile(t, filepath.Join(dir, "lighthouse.md"), "# Lighthouse\n\nThe lighthouse at Cape Verlaine was lit in 1894.\n")
	sourcesHave(t, "lighthouse.md")
	rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": "When was the lighthouse at Cape Verlaine lit?"}, user("62")))
	if !citesSource(rep, "lighthouse.md") || !strings.Contains(embedText(rep), "1894") {
		t.Errorf("the new file is not answered from: %s", embedText(rep))
	}

	writeFile(t, filepath.Join(dir, "canals", "amsterdam.md"), "# Canals\n\nThe Herengracht canal was dug in 1612.\n")
	sourcesHave(t, "canals/amsterdam.md")
	writeFile(t, filepath.Join(dir, "canals", "utrecht.md"), "# Utrecht\n\nThe Oudegracht canal has wharf cellars.\n")
	sourcesHave(t, "canals/utrecht.md") // the new directory is watched too

	rep = s.answer(t, s.slash(t, "sources", nil, user("61")))
	if txt := fmt.Sprint(rep.Embeds); strings.Contains(txt, "draft") || strings.Contains(txt, "md~") {
		t.Errorf("a hidden or backup file was indexed: %s", txt)
	}
	if _, ok := waitLog(s.out, "reindexed", time.Second); !ok {
		t.Errorf("no reindex logged:\n%s", s.out)
	}
}

// TestWatchRelevant: which changes make the watcher reindex.
func TestWatchRelevant(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "v1.2"), 0o755); err != nil {
		t.Fatal(err)
	}
	cw := &corpusWatcher{dir: dir}
	for _, c := range []struct {
		name string
		op   fsnotify.Op
		want bool
	}{
		{"notes.md", fsnotify.Write, true},
		{"notes.md", fsnotify.Create, true},
		{"sub/report.PDF", fsnotify.Create, true},
		{"terms.vocab", fsnotify.Write, true},
		{"v1.2", fsnotify.Create, true}, // a directory, though it has an extension
		{"gone", fsnotify.Remove, true}, // maybe a directory
		{"old.jpg", fsnotify.Rename, true},
		{"notes.md", fsnotify.Chmod, false},
		{"photo.jpg", fsnotify.Create, false},
		{".notes.md.tmp-123", fsnotify.Create, false}, // index.WriteFileAtomic's
		{".notes.md.removing", fsnotify.Rename, false},
		{".git/index", fsnotify.Write, false},
		{"sub/.hidden/notes.md", fsnotify.Write, false},
		{"notes.md~", fsnotify.Create, false},
		{"#notes.md#", fsnotify.Write, false},
		{"4913", fsnotify.Create, false},
		{".notes.md.swp", fsnotify.Write, false},
		{"report.pdf.part", fsnotify.Write, false},
	} {
		ev := fsnotify.Event{Name: filepath.Join(dir, filepath.FromSlash(c.name)), Op: c.op}
		if got := cw.relevant(ev); got != c.want {
			t.Errorf("%s %s: relevant %v, want %v", c.op, c.name, got, c.want)
		}
	}
}
