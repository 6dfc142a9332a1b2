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
func startGateway(t *testing.T, env map[string]string) *served {
	t.Helper()
	fake := discordtest.New(t)
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["DISCORD_GUILD_ID"]; !ok {
		env["DISCORD_GUILD_ID"] = guildID
	}
	s := startServe(t, fake, env)
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
		if got, want := strings.Join(names, " "), "ask search stage agency factors sources cite help"; got != want {
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
	dotenv := "DISCORD_TOKEN=dotenv-token\nDISCORD_APP_ID=dotenv-app\nCASEBOT_RATE=7\nSHARD_ID=1\nSHARD_COUNT=3\nCASEBOT_DATA=/from/dotenv\n"
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
