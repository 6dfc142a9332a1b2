package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casebot/casebot/bot/discordtest"
)

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
		if got, want := strings.Join(names, " "), "ask search stage agency factors sources cite help Find in documents reindex add-document remove-document"; got != want {
			t.Errorf("commands %q, want %q", got, want)
		}
		id, _ := fake.Identify()
		if id.Intents != 1<<0|1<<9|1<<12 {
			t.Errorf("intents %d, want guilds, guild messages and DMs only (4609)", id.Intents)
		}
	})

	t.Run("find in documents answers a message only to who picked it", func(t *testing.T) {
		claim := s.fake.GuildMessage(guildID, "", user("12"), "Korea ranked 1st on the EGDI in 2010, right?")
		i := s.fake.MessageCommand("Find in documents", claim, user("13"))
		if err := s.fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
		rep := s.answer(t, i)
		line, n := corpusLine(t, "notes/recognition.md", "Korea ranked 1st on the EGDI in three UN surveys in a row")
		if rep.Flags&64 == 0 || !cites(rep, "notes/recognition.md", n, line) {
			t.Errorf("want a private answer citing notes/recognition.md:%d, got flags %d, %+v", n, rep.Flags, rep)
		}
		if _, ok := buttons(rep)["Share"]; !ok {
			t.Errorf("no Share button: %v", buttons(rep))
		}
		empty := s.fake.GuildMessage(guildID, "", user("12"), "")
		i = s.fake.MessageCommand("Find in documents", empty, user("13"))
		if err := s.fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
		if rep := s.answer(t, i); rep.Flags&64 == 0 || !strings.Contains(rep.Content, "no text I can look up") {
			t.Errorf("a message without text: %+v", rep)
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

	t.Run("mention, role mention and DM answered as replies; bots ignored", func(t *testing.T) {
		me := fake.BotUser()
		mention := fake.GuildMessage(guildID, "", user("13"), "<@"+me.ID+"> What was stage 1?", me)
		roleMention := fake.GuildMessage(guildID, "", user("13"), "<@&"+fake.BotRole(guildID).ID+"> What was stage 2?")
		dm := fake.DirectMessage(user("14"), "What is NIA?")
		own := fake.GuildMessage(guildID, "", me, "<@"+me.ID+"> What was stage 1?", me)
		otherBot := fake.GuildMessage(guildID, "", discordtest.User{ID: "555", Username: "otherbot", Bot: true}, "<@"+me.ID+"> What was stage 2?", me)
		unmentioned := fake.GuildMessage(guildID, "", user("13"), "What was stage 3?")
		for _, m := range []discordtest.Message{own, otherBot, unmentioned, mention, roleMention, dm} {
			if err := fake.DispatchMessage(m); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []discordtest.Message{mention, roleMention, dm} {
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
		// The mentions and the DM were dispatched after the others, and
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
		if !strings.Contains(rep.Embeds[0].Title, "Stage 4") || len(rep.Embeds[0].Fields) == 0 ||
			!strings.Contains(plain(rep.Embeds[0].Description+rep.Embeds[0].Fields[0].Value), "Stage 4") {
			// the first citation's text is in the field, or quoted in the description
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
		// The list is the documents' own: every item quotes the passage
		// its number cites, which is not quoted again.
		for i, item := range strings.Split(plain(e.Description), "\n") {
			marker := fmt.Sprintf(" [%d]", i+1)
			if !strings.HasSuffix(item, marker) {
				t.Errorf("/factors item %q does not cite [%d]", item, i+1)
				continue
			}
			item = strings.TrimSuffix(strings.TrimPrefix(item, "- "), marker)
			f := e.Fields[i]
			if !strings.HasPrefix(f.Name, fmt.Sprintf("[%d] ", i+1)) || !strings.Contains(f.Value, "quoted above") ||
				!strings.Contains(citedLines(t, f.Value), item) {
				t.Errorf("/factors item %q is not in the passage its citation names: %+v", item, f)
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
		if d := rep.Embeds[0].Description; strings.Contains(d, "/reindex") || strings.Contains(d, "question:") || !strings.Contains(d, "**/ask** *question* [*private*]") {
			t.Errorf("/help to a member: want everyone's commands, options in words, no admin commands: %q", d)
		}
		rep = s.answer(t, s.admin(t, "help", nil))
		if d := rep.Embeds[0].Description; !strings.Contains(d, "For members who can manage this server") ||
			!strings.Contains(d, "**/reindex** [*dry run*]") || !strings.Contains(d, "**/add-document** *file* [*replace*]") {
			t.Errorf("/help to an admin lists no admin commands: %q", d)
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

	t.Run("two questions in one message, each answered", func(t *testing.T) {
		u := user("21")
		i := s.slash(t, "ask", map[string]any{"question": "who wrote the article and when was it published?"}, u)
		rep := s.answer(t, i)
		if len(rep.Embeds) != 2 {
			t.Fatalf("want an embed for each question, got %d: %+v", len(rep.Embeds), rep.Embeds)
		}
		authorLine, authorN := corpusLine(t, "south-korea-e-government.md", "Mohammad J Sear is focused on")
		dateLine, dateN := corpusLine(t, "south-korea-e-government.md", "Published on July 15, 2021")
		for k, c := range []struct {
			title, line string
			n           int
		}{{"who wrote the article", authorLine, authorN}, {"when was article published?", dateLine, dateN}} {
			one := discordtest.Reply{Embeds: rep.Embeds[k : k+1]}
			if rep.Embeds[k].Title != c.title || !cites(one, "south-korea-e-government.md", c.n, c.line) {
				t.Errorf("embed %d: want %q citing line %d, got %+v", k+1, c.title, c.n, rep.Embeds[k])
			}
		}
		ids := buttons(rep)
		for _, label := range []string{"Context 1", "Context 2", "Helpful", "Not helpful"} {
			if ids[label] == "" {
				t.Errorf("no %q button: %v", label, ids)
			}
		}
		msg, _ := fake.Original(i.ID)
		click := fake.Button(ids["Context 2"], u, msg)
		if err := fake.DispatchInteraction(click); err != nil {
			t.Fatal(err)
		}
		if ctx := s.answer(t, click); !strings.Contains(ctx.Embeds[0].Description, "July 15, 2021") {
			t.Errorf("Context 2: want the passage of the second answer: %+v", ctx.Embeds[0])
		}
	})

	t.Run("a follow-up's it stands for the asker's last question", func(t *testing.T) {
		u := user("22")
		s.answer(t, s.slash(t, "ask", map[string]any{"question": "What is KONEPS?"}, u))
		rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": "who launched it?"}, u))
		e := rep.Embeds[0]
		if e.Title != "who launched KONEPS?" || !strings.Contains(e.Description, "follow-up to your question “What is KONEPS?”") {
			t.Errorf("follow-up: want it read as who launched KONEPS?, got %q: %q", e.Title, e.Description)
		}
		if len(e.Fields) == 0 || !strings.Contains(plain(e.Fields[0].Value)+plain(e.Description), "Public Procurement Service") {
			t.Errorf("follow-up: want the passage naming who launched KONEPS: %+v", e)
		}
		// someone else's "it" is not read with this asker's question
		other := s.answer(t, s.slash(t, "ask", map[string]any{"question": "who launched it?"}, user("23")))
		if other.Embeds[0].Title != "who launched it?" || strings.Contains(other.Embeds[0].Description, "follow-up") {
			t.Errorf("another user's question read as a follow-up: %+v", other.Embeds[0])
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
		// The context is the cited passage and its neighbours: three lines
		// or more citing one source.
		if ctx.Flags&64 == 0 || len(ctx.Embeds) == 0 || sameSourceLines(ctx.Embeds[0].Description) < 3 {
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
		// It asks three questions: the answer has an embed for each, and
		// so does the shared one.
		if len(rep.Embeds) != 3 {
			t.Errorf("want an embed for each of 3 questions, got %d", len(rep.Embeds))
		}
		if shared := s.answer(t, b); len(shared.Embeds) != len(rep.Embeds) || shared.Embeds[0].Title != rep.Embeds[0].Title {
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

// sameSourceLines counts the citations ("`source:line`") of a text that
// name the first one's source.
func sameSourceLines(text string) int {
	start := strings.Index(text, "`")
	if start < 0 {
		return 0
	}
	colon := strings.Index(text[start:], ":")
	if colon < 0 {
		return 0
	}
	return strings.Count(text, text[start:start+colon+1])
}
