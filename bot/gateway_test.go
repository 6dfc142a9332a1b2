package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casebot/casebot/bot/discordtest"
)

// runGateway runs the bot against a fake Discord until the test ends, and
// returns the request that registered its commands.
func runGateway(t *testing.T, b *Bot, fake *discordtest.Server, o GatewayOptions) discordtest.Request {
	t.Helper()
	client, err := APIClient(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	o.Token, o.Client = "test-token", client
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.RunGateway(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunGateway: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("RunGateway did not return")
		}
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	put, err := fake.WaitRequest(wctx, func(r discordtest.Request) bool { return r.Method == "PUT" })
	if err != nil {
		t.Fatal(err)
	}
	return put
}

// TestGatewayDefers: an answer slower than DeferAfter is deferred within
// Discord's deadline, privately if asked privately, and edited in.
func TestGatewayDefers(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	b, logs := newTestBot(t, Options{Engine: slowEngine{Engine: testIndex(t), delay: 500 * time.Millisecond}, DeferAfter: 50 * time.Millisecond})
	if put := runGateway(t, b, fake, GatewayOptions{}); put.Path != "/api/v9/applications/app-1/commands" || put.Status != 200 {
		t.Errorf("without a guild, commands are global: %s", put)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	for _, private := range []bool{false, true} {
		i := fake.SlashCommand("ask", map[string]any{"question": "What was stage 1?", "private": private}, discordtest.User{ID: "3", Username: "dan"}, "100")
		sent := time.Now()
		if err := fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
		cb, err := fake.Callback(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cb.Time.Sub(sent); d > time.Second {
			t.Errorf("first response after %v", d)
		}
		rep, _ := cb.Reply()
		if rep.Type != 5 || (rep.Flags&64 != 0) != private {
			t.Errorf("private=%v: callback type %d flags %d, want a deferral of the same privacy", private, rep.Type, rep.Flags)
		}
		ed, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
			return r.Method == "PATCH" && strings.Contains(r.Path, i.Token)
		})
		if err != nil {
			t.Fatalf("no edit: %v\n%s", err, logs)
		}
		if rep, _ := ed.Reply(); ed.Status != 200 || len(rep.Embeds) == 0 || len(rep.Components) == 0 {
			t.Errorf("edit: %s %+v", ed, rep)
		}
		msg, _ := fake.Original(i.ID)
		if (msg.Flags&64 != 0) != private {
			t.Errorf("private=%v: the answer's flags are %d", private, msg.Flags)
		}
	}
}

// TestGatewayShard: SHARD_ID and SHARD_COUNT reach IDENTIFY; only shard
// 0 registers commands, and out-of-range shards are refused.
func TestGatewayShard(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	if err := b.RunGateway(context.Background(), GatewayOptions{Token: "x", ShardID: 2, ShardCount: 2}); err == nil || !strings.Contains(err.Error(), "SHARD_ID") {
		t.Errorf("shard 2 of 2: %v", err)
	}

	fake := discordtest.New(t)
	if put := runGateway(t, b, fake, GatewayOptions{ShardID: 0, ShardCount: 2, GuildID: "100"}); put.Path != "/api/v9/applications/app-1/guilds/100/commands" {
		t.Errorf("with a guild, commands are the guild's: %s", put)
	}
	id, ok := fake.Identify()
	if !ok || id.Shard == nil || *id.Shard != [2]int{0, 2} || id.Intents != int(Intents) {
		t.Errorf("IDENTIFY shard %v intents %d", id.Shard, id.Intents)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitFrame(ctx, func(f discordtest.Frame) bool { return f.Op == 1 }); err != nil {
		t.Fatal(err)
	}

	// Shard 1 leaves registering to shard 0.
	fake1 := discordtest.New(t)
	b1, _ := newTestBot(t, Options{})
	client, _ := APIClient(fake1.URL())
	rctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- b1.RunGateway(rctx, GatewayOptions{Token: "t", Client: client, ShardID: 1, ShardCount: 2})
	}()
	if _, err := fake1.WaitFrame(ctx, func(f discordtest.Frame) bool { return f.Op == 1 }); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		t.Error(err)
	}
	for _, r := range fake1.Requests() {
		if r.Method == "PUT" {
			t.Errorf("shard 1 registered commands: %s", r)
		}
	}
	if id, _ := fake1.Identify(); id.Shard == nil || *id.Shard != [2]int{1, 2} {
		t.Errorf("shard 1 identified as %v", id.Shard)
	}
}

func TestStripMention(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, role, want string }{
		{"<@999> What was stage 1?", "", "What was stage 1?"},
		{"<@!999>, what is NIA?", "", "what is NIA?"},
		{"So <@999>: which stage came first?", "", "So which stage came first?"},
		{"<@999>", "", ""},
		{"<@9999> not me", "", "<@9999> not me"},
		{"no mention at all", "", "no mention at all"},
		// The bot's role, picked in the @ menu instead of the bot.
		{"<@&555>, what is NIA?", "555", "what is NIA?"},
		{"<@&555> <@999> help", "555", "help"},
		{"<@&5555> <@&556> not mine", "555", "<@&5555> <@&556> not mine"},
		{"<@&555> no role given", "", "<@&555> no role given"},
	} {
		if got := stripMention(c.in, "999", c.role); got != c.want {
			t.Errorf("stripMention(%q, role %q) = %q, want %q", c.in, c.role, got, c.want)
		}
	}
}

// TestRoleMention: a member who picks the bot's role in the @ menu
// instead of the bot ("<@&id>", in mention_roles, no user mention) is
// answered as if they had mentioned the bot, the role's markup and the
// comma after it left out of the question; a mention of another role,
// another bot's managed role included, is not for the bot.
func TestRoleMention(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	const guild = "100"
	teacher := fake.AddRole(guild, discordtest.Role{Name: "teacher", Mentionable: true})
	otherBot := fake.AddRole(guild, discordtest.Role{Name: "otherbot", Managed: true, Tags: &discordtest.RoleTags{BotID: "555"}})
	mine := fake.BotRole(guild)
	b, logs := newTestBot(t, Options{})
	runGateway(t, b, fake, GatewayOptions{})
	eve := discordtest.User{ID: "41", Username: "eve"}
	say := func(content string) discordtest.Message { return fake.GuildMessage(guild, "", eve, content) }

	ignored := []discordtest.Message{
		say("<@&" + teacher.ID + "> What was stage 1?"),
		say("<@&" + otherBot.ID + "> What was stage 2?"),
		say("@everyone What was stage 3?"),
	}
	asked := say("<@&" + mine.ID + ">, what was stage 1?")
	help := say("<@&" + mine.ID + "> help")
	// Discord may leave out the text of a role's mention (no message
	// content intent): the reply says how to ask so that it comes.
	emptied := say("<@&" + mine.ID + "> what was stage 2?")
	emptied.Content = ""
	if len(asked.MentionRoles) != 1 || asked.MentionRoles[0] != mine.ID || len(asked.Mentions) != 0 {
		t.Fatalf("the fake's message mentions %v and roles %v; want the bot's role %s only", asked.Mentions, asked.MentionRoles, mine.ID)
	}
	for _, m := range append(ignored, asked, help, emptied) {
		if err := fake.DispatchMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	reply := func(m discordtest.Message) discordtest.Reply {
		t.Helper()
		r, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
			var body struct {
				Ref *discordtest.MessageReference `json:"message_reference"`
			}
			return r.Method == "POST" && r.Path == "/api/v9/channels/"+m.ChannelID+"/messages" &&
				r.JSON(&body) == nil && body.Ref != nil && body.Ref.MessageID == m.ID
		})
		if err != nil {
			t.Fatalf("no reply to %q: %v\n%s", m.Content, err, logs)
		}
		rep, _ := r.Reply()
		if r.Status != 200 {
			t.Errorf("reply to %q refused: %s %s", m.Content, r, r.Response)
		}
		return rep
	}
	rep := reply(asked)
	if len(rep.Embeds) == 0 || len(rep.Embeds[0].Fields) == 0 {
		t.Fatalf("reply to %q cites no passage: %+v", asked.Content, rep)
	}
	if title := rep.Embeds[0].Title; title != "what was stage 1?" {
		t.Errorf("answered the question %q, want %q", title, "what was stage 1?")
	}
	if rep := reply(help); len(rep.Embeds) == 0 || !strings.Contains(rep.Embeds[0].Description, "/ask") {
		t.Errorf("%q did not get the list of commands: %+v", help.Content, rep)
	}
	if rep := reply(emptied); !strings.Contains(rep.Content, "you mentioned my role") {
		t.Errorf("a role's mention without its text got %q, want how to mention the bot", rep.Content)
	}

	// The ignored messages came in first and the replies to the later
	// ones are in; once every handler has returned, none got a reply.
	if err := b.inflight.drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range fake.Requests() {
		var body struct {
			Ref *discordtest.MessageReference `json:"message_reference"`
		}
		if r.Method == "POST" && r.JSON(&body) == nil && body.Ref != nil {
			for _, m := range ignored {
				if body.Ref.MessageID == m.ID {
					t.Errorf("answered %q", m.Content)
				}
			}
		}
	}
	if n := b.stats.requests.Load(); n != 3 {
		t.Errorf("%d messages handled, want the 3 for the bot's role", n)
	}
}

// TestMentionsOverRateToldOnce: a member who mentions the bot faster than
// the rate is told so once, in the channel (a reply to a message cannot be
// private), and then gets no reply until a question is allowed again: a
// note per message would let one member flood the channel.
func TestMentionsOverRateToldOnce(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	b, _ := newTestBot(t, Options{Rate: 2})
	runGateway(t, b, fake, GatewayOptions{})
	me := fake.BotUser()
	eve := discordtest.User{ID: "41", Username: "eve"}
	var msgs []discordtest.Message
	for i := range 5 {
		m := fake.GuildMessage("100", "", eve, "<@"+me.ID+"> What was stage "+strconv.Itoa(i+1)+"?", me)
		msgs = append(msgs, m)
		if err := fake.DispatchMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	// The messages are handled at once, in any order: wait until each has
	// come in, then until every reply is sent.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for b.stats.requests.Load() < int64(len(msgs)) {
		if ctx.Err() != nil {
			t.Fatalf("%d of %d messages handled", b.stats.requests.Load(), len(msgs))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := b.inflight.drain(ctx); err != nil {
		t.Fatal(err)
	}
	var answers, notes int
	for _, r := range fake.Requests() {
		var body struct {
			Content string                        `json:"content"`
			Ref     *discordtest.MessageReference `json:"message_reference"`
		}
		if r.Method == "POST" && strings.Contains(r.Path, "/messages") && r.JSON(&body) == nil && body.Ref != nil {
			if strings.Contains(body.Content, "faster than I answer") {
				notes++
			} else {
				answers++
			}
		}
	}
	if answers != 2 || notes != 1 {
		t.Errorf("5 mentions at 2 a minute: %d answers and %d notes on the rate; want 2 and 1, and no reply to the other 2", answers, notes)
	}
}
