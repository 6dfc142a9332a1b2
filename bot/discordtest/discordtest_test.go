package discordtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/casebot/casebot/bot/discordtest"
)

// rewrite sends every request to the fake, whatever host discordgo's
// endpoint variables name, the way the bot's DISCORD_API_URL transport does.
type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rw.target.Scheme, rw.target.Host, ""
	return rw.next.RoundTrip(r)
}

func httpClient(t *testing.T, fake *discordtest.Server) *http.Client {
	t.Helper()
	u, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: rewrite{u, tr}, Timeout: 10 * time.Second}
}

// newSession returns a discordgo session pointed at the fake, not opened.
func newSession(t *testing.T, fake *discordtest.Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = httpClient(t, fake)
	dg.Identify.Intents = discordgo.IntentGuildMessages | discordgo.IntentDirectMessages
	dg.ShouldReconnectOnError = false
	dg.LogLevel = discordgo.LogWarning
	return dg
}

// open opens a session; it is closed (1 s, discordgo sleeps) before the fake.
//
// It returns once discordgo has sent its first heartbeat (DataReady). A
// Close before that leaves the heartbeat goroutine to write to the closed
// socket, log an error and, with ShouldReconnectOnError, reconnect after
// Close (discordgo v0.29.0).
func open(t *testing.T, dg *discordgo.Session) {
	t.Helper()
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = dg.Close() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		dg.RLock()
		ready := dg.DataReady
		dg.RUnlock()
		if ready {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("discordgo sent no heartbeat")
		}
	}
}

func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// asDiscordgo decodes a fake interaction the way discordgo decodes
// INTERACTION_CREATE, for REST calls that need no gateway.
func asDiscordgo(t *testing.T, i discordtest.Interaction) *discordgo.Interaction {
	t.Helper()
	b, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	var out discordgo.Interaction
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("discordgo cannot decode %s: %v", b, err)
	}
	return &out
}

func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the handler")
		panic("unreachable")
	}
}

func restCode(err error) (status, code int) {
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		return 0, 0
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

var alice = discordtest.User{ID: "42", Username: "alice"}

func TestOpenIdentifiesAndGetsReady(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithToken("test-token"))
	if err := fake.Dispatch("MESSAGE_CREATE", map[string]any{}); err == nil {
		t.Error("Dispatch with no client connected: want an error")
	}
	dg := newSession(t, fake)
	open(t, dg)
	if err := fake.WaitReady(timeout(t)); err != nil {
		t.Fatal(err)
	}

	id, ok := fake.Identify()
	if !ok {
		t.Fatal("no IDENTIFY seen")
	}
	if id.Token != "Bot test-token" || id.Intents != 4608 || id.Shard != nil {
		t.Errorf("IDENTIFY = token %q intents %d shard %v; want Bot test-token, 4608, none", id.Token, id.Intents, id.Shard)
	}
	if dg.State.User == nil || dg.State.User.ID != "999" {
		t.Errorf("State.User = %+v; want id 999", dg.State.User)
	}

	reqs := fake.Requests()
	if len(reqs) < 2 {
		t.Fatalf("requests = %v; want gateway discovery and the upgrade", reqs)
	}
	if r := reqs[0]; r.Method != "GET" || r.Path != "/api/v9/gateway" || r.Header.Get("Authorization") != "Bot test-token" {
		t.Errorf("first request = %v, Authorization %q", r, r.Header.Get("Authorization"))
	}
	if r := reqs[1]; r.Path != "/ws/" || r.Query.Get("v") != "9" || r.Status != http.StatusSwitchingProtocols {
		t.Errorf("second request = %v; want the websocket upgrade", r)
	}
}

func TestIdentifyRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		token   string
		intents discordgo.Intent
		want    string
	}{
		{"wrong token", "Bot other", discordgo.IntentGuildMessages, "4004"},
		{"privileged intent", "Bot test-token", discordgo.IntentGuildMessages | discordgo.IntentMessageContent, "4014"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := discordtest.New(t, discordtest.WithToken("test-token"))
			dg := newSession(t, fake)
			dg.Token, dg.Identify.Token = tc.token, tc.token
			dg.Identify.Intents = tc.intents
			err := dg.Open()
			if err == nil {
				_ = dg.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open error = %v; want close code %s", err, tc.want)
			}
		})
	}
}

func TestSlashCommandDeferEditFollowup(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	dg := newSession(t, fake)
	done := make(chan error, 1)
	dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		done <- func() error {
			if ic.Type != discordgo.InteractionApplicationCommand || ic.Member == nil || ic.Member.User.ID != alice.ID {
				return fmt.Errorf("got interaction type %v member %+v", ic.Type, ic.Member)
			}
			q := ic.ApplicationCommandData().GetOption("question").StringValue()
			err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
			})
			if err != nil {
				return err
			}
			answer := "answer to " + q
			if _, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &answer}); err != nil {
				return err
			}
			_, err = s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{
				Content: "more", Flags: discordgo.MessageFlagsEphemeral,
			})
			return err
		}()
	})
	open(t, dg)
	ctx := timeout(t)

	i := fake.SlashCommand("ask", map[string]any{"question": "what is X?", "private": true}, alice, "100")
	if err := fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, done); err != nil {
		t.Fatalf("handler: %v", err)
	}

	cb, err := fake.Callback(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cb.Reply(); err != nil || got.Type != 5 || got.Flags != 64 {
		t.Errorf("callback = %+v, %v; want type 5, flags 64", got, err)
	}
	if cb.Path != "/api/v9/interactions/"+i.ID+"/"+i.Token+"/callback" || cb.Status != http.StatusNoContent {
		t.Errorf("callback request = %v", cb)
	}

	webhook := "/api/v9/webhooks/app-1/" + i.Token
	edit, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
		return r.Method == "PATCH" && r.Path == webhook+"/messages/@original"
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := edit.Reply(); got.Content != "answer to what is X?" || edit.Status != 200 {
		t.Errorf("edit = %v with %+v", edit, got)
	}
	follow, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
		return r.Method == "POST" && r.Path == webhook
	})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := follow.Message()
	if err != nil || follow.Query.Get("wait") != "true" || msg.Content != "more" || msg.Flags&64 == 0 {
		t.Errorf("follow-up = %v, message %+v, %v", follow, msg, err)
	}
	if !(cb.Seq < edit.Seq && edit.Seq < follow.Seq) {
		t.Errorf("order: callback %d, edit %d, follow-up %d", cb.Seq, edit.Seq, follow.Seq)
	}

	orig, ok := fake.Original(i.ID)
	if !ok || orig.Content != "answer to what is X?" || orig.Flags != 64 || orig.EditedTimestamp == nil {
		t.Errorf("original = %+v, %v; want edited, ephemeral, no longer loading", orig, ok)
	}
}

func TestAutocompleteAndButton(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	dg := newSession(t, fake)
	errs := make(chan error, 1)
	dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		var resp *discordgo.InteractionResponse
		switch ic.Type {
		case discordgo.InteractionApplicationCommandAutocomplete:
			var choices []*discordgo.ApplicationCommandOptionChoice
			for n := range 25 {
				choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: "stage " + strconv.Itoa(n), Value: n})
			}
			if o := ic.ApplicationCommandData().Options[0]; !o.Focused || o.StringValue() != "2" {
				errs <- fmt.Errorf("focused option = %+v", o)
				return
			}
			resp = &discordgo.InteractionResponse{
				Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: choices},
			}
		case discordgo.InteractionApplicationCommand:
			resp = &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content: "page 1",
					Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
						discordgo.Button{Label: "More", Style: discordgo.PrimaryButton, CustomID: "more:1"},
					}}},
				},
			}
		case discordgo.InteractionMessageComponent:
			resp = &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseUpdateMessage,
				Data: &discordgo.InteractionResponseData{Content: "clicked " + ic.MessageComponentData().CustomID + " on " + ic.Message.ID},
			}
		}
		errs <- s.InteractionRespond(ic.Interaction, resp)
	})
	open(t, dg)
	ctx := timeout(t)

	ac := fake.Autocomplete("stage", map[string]any{"number": "2"}, "number", alice, "100")
	if err := fake.DispatchInteraction(ac); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, errs); err != nil {
		t.Fatal(err)
	}
	cb, err := fake.Callback(ctx, ac.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := cb.Reply(); got.Type != 8 || len(got.Choices) != 25 {
		t.Errorf("autocomplete callback = type %d, %d choices", got.Type, len(got.Choices))
	}

	cmd := fake.SlashCommand("search", map[string]any{"query": "stages"}, alice, "100")
	if err := fake.DispatchInteraction(cmd); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, errs); err != nil {
		t.Fatal(err)
	}
	orig, ok := fake.Original(cmd.ID)
	if !ok || orig.Content != "page 1" || len(orig.Components) != 1 {
		t.Fatalf("original = %+v, %v", orig, ok)
	}

	click := fake.Button("more:1", alice, orig)
	if err := fake.DispatchInteraction(click); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, errs); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.Callback(ctx, click.ID); err != nil {
		t.Fatal(err)
	}
	updated, _ := fake.Original(cmd.ID)
	if want := "clicked more:1 on " + orig.ID; updated.Content != want || updated.EditedTimestamp == nil {
		t.Errorf("after the click the message is %q (edited %v); want %q", updated.Content, updated.EditedTimestamp, want)
	}
}

func TestBulkOverwrite(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	dg := newSession(t, fake)
	perm := int64(discordgo.PermissionManageGuild)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a question", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Only you see the answer"},
		}},
		{Name: "reindex", Description: "Rebuild the index", DefaultMemberPermissions: &perm},
	}

	for _, guild := range []string{"", "100"} {
		got, err := dg.ApplicationCommandBulkOverwrite("app-1", guild, cmds)
		if err != nil {
			t.Fatalf("guild %q: %v", guild, err)
		}
		if len(got) != 2 || got[0].ID == "" || got[0].ApplicationID != "app-1" || got[0].GuildID != guild ||
			got[1].DefaultMemberPermissions == nil || *got[1].DefaultMemberPermissions != perm {
			t.Errorf("guild %q: returned %+v %+v", guild, got[0], got[1])
		}
		again, err := dg.ApplicationCommandBulkOverwrite("app-1", guild, cmds)
		if err != nil || again[0].ID != got[0].ID {
			t.Errorf("guild %q: ids changed on overwrite: %v, %v", guild, err, again)
		}
	}
	want := []string{"/api/v9/applications/app-1/commands", "/api/v9/applications/app-1/guilds/100/commands"}
	var puts []string
	for _, r := range fake.Requests() {
		if r.Method == "PUT" {
			puts = append(puts, r.Path)
		}
	}
	if len(puts) != 4 || puts[0] != want[0] || puts[2] != want[1] {
		t.Errorf("PUTs = %v; want twice each of %v", puts, want)
	}
	guildCmds, err := dg.ApplicationCommands("app-1", "100")
	if err != nil || len(guildCmds) != 2 {
		t.Fatalf("listing = %v, %v", guildCmds, err)
	}
	if i := fake.SlashCommand("ask", nil, alice, "100"); i.Data.(*discordtest.CommandData).ID != guildCmds[0].ID {
		t.Errorf("interaction data.id = %s; want the registered id %s", i.Data.(*discordtest.CommandData).ID, guildCmds[0].ID)
	}
	if got := fake.CommandNames("100"); !slices.Equal(got, []string{"ask", "reindex"}) {
		t.Errorf("CommandNames(100) = %v", got)
	}
	// An empty list removes a scope's commands; null is not a list.
	if _, err := dg.RequestWithBucketID("PUT", discordgo.EndpointApplicationGuildCommands("app-1", "100"), json.RawMessage("null"), "null"); err == nil {
		t.Error("a null body was taken")
	} else if status, code := restCode(err); status != 400 || code != 50035 {
		t.Errorf("a null body: %v; want 400 Invalid Form Body", err)
	}
	if got, err := dg.ApplicationCommandBulkOverwrite("app-1", "100", []*discordgo.ApplicationCommand{}); err != nil || len(got) != 0 {
		t.Errorf("overwrite with none: %v, %v", got, err)
	}
	if got, err := dg.ApplicationCommands("app-1", "100"); err != nil || len(got) != 0 || fake.CommandNames("100") != nil {
		t.Errorf("after overwriting with none: %v, %v, %v", got, err, fake.CommandNames("100"))
	}
	if got := fake.CommandNames(""); len(got) != 2 {
		t.Errorf("the global commands went too: %v", got)
	}

	for _, tc := range []struct {
		name  string
		app   string
		cmd   discordgo.ApplicationCommand
		wantS int
	}{
		{"upper-case name", "app-1", discordgo.ApplicationCommand{Name: "Ask", Description: "d"}, 400},
		{"no description", "app-1", discordgo.ApplicationCommand{Name: "ask"}, 400},
		{"required after optional", "app-1", discordgo.ApplicationCommand{Name: "ask", Description: "d", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "a", Description: "d"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "b", Description: "d", Required: true},
		}}, 400},
		{"autocomplete with choices", "app-1", discordgo.ApplicationCommand{Name: "ask", Description: "d", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "a", Description: "d", Autocomplete: true,
				Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "x", Value: "x"}}},
		}}, 400},
		{"another application", "app-2", discordgo.ApplicationCommand{Name: "ask", Description: "d"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dg.ApplicationCommandBulkOverwrite(tc.app, "", []*discordgo.ApplicationCommand{&tc.cmd})
			if status, _ := restCode(err); status != tc.wantS {
				t.Errorf("error = %v; want HTTP %d", err, tc.wantS)
			}
		})
	}
}

func TestCallbackRules(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	dg := newSession(t, fake)
	msg := func(content string) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: content},
		}
	}
	choices := func(n int) *discordgo.InteractionResponse {
		r := &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{}}
		for i := range n {
			r.Data.Choices = append(r.Data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: strconv.Itoa(i), Value: i})
		}
		return r
	}
	for _, tc := range []struct {
		name     string
		typ      int
		respond  []*discordgo.InteractionResponse // the last one is checked
		badToken bool
		wantCode int // 0: success
	}{
		{"message", discordtest.InteractionCommand, []*discordgo.InteractionResponse{msg("hi")}, false, 0},
		{"second response", discordtest.InteractionCommand, []*discordgo.InteractionResponse{msg("hi"), msg("again")}, false, 40060},
		{"unknown token", discordtest.InteractionCommand, []*discordgo.InteractionResponse{msg("hi")}, true, 10062},
		{"empty message", discordtest.InteractionCommand, []*discordgo.InteractionResponse{msg("")}, false, 50006},
		{"content over 2000", discordtest.InteractionCommand, []*discordgo.InteractionResponse{msg(strings.Repeat("é", 2001))}, false, 50035},
		{"content of 2000", discordtest.InteractionCommand, []*discordgo.InteractionResponse{msg(strings.Repeat("é", 2000))}, false, 0},
		{"empty embed field", discordtest.InteractionCommand, []*discordgo.InteractionResponse{{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: "source"}}}}},
		}}, false, 50035},
		{"25 choices", discordtest.InteractionAutocomplete, []*discordgo.InteractionResponse{choices(25)}, false, 0},
		{"26 choices", discordtest.InteractionAutocomplete, []*discordgo.InteractionResponse{choices(26)}, false, 50035},
		{"choices to a command", discordtest.InteractionCommand, []*discordgo.InteractionResponse{choices(1)}, false, 50035},
		{"update message on a command", discordtest.InteractionCommand, []*discordgo.InteractionResponse{{Type: discordgo.InteractionResponseDeferredMessageUpdate}}, false, 50035},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fi := fake.NewInteraction(tc.typ, alice, "100", &discordtest.CommandData{Name: "ask", Type: 1})
			i := asDiscordgo(t, fi)
			if tc.badToken {
				i.Token = "forged"
			}
			var err error
			for _, r := range tc.respond {
				err = dg.InteractionRespond(i, r)
			}
			if _, code := restCode(err); code != tc.wantCode || (tc.wantCode == 0 && err != nil) {
				t.Errorf("error = %v; want code %d", err, tc.wantCode)
			}
		})
	}

	t.Run("edit original without callback", func(t *testing.T) {
		// An HTTP-mode bot answers the first response in the HTTP body, so
		// the fake sees only the edit.
		i := asDiscordgo(t, fake.SlashCommand("ask", nil, alice, ""))
		content := "late answer"
		m, err := dg.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content})
		if err != nil || m.Content != content || m.GuildID != "" {
			t.Errorf("edit = %+v, %v", m, err)
		}
	})
	t.Run("webhook of another application", func(t *testing.T) {
		i := asDiscordgo(t, fake.SlashCommand("ask", nil, alice, ""))
		i.AppID = "app-2"
		_, err := dg.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "x"})
		if _, code := restCode(err); code != 10015 {
			t.Errorf("error = %v; want Unknown Webhook", err)
		}
	})
}

func TestMessages(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	dg := newSession(t, fake)
	replies := make(chan error, 2)
	dg.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author.ID == s.State.User.ID {
			return
		}
		mentioned := m.GuildID == ""
		for _, u := range m.Mentions {
			mentioned = mentioned || u.ID == s.State.User.ID
		}
		if !mentioned {
			replies <- fmt.Errorf("message %q neither mentions the bot nor is a DM", m.Content)
			return
		}
		_, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
			Content:         "@everyone answer to " + m.Content,
			Reference:       m.Reference(),
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		})
		replies <- err
	})
	open(t, dg)
	ctx := timeout(t)
	bot := fake.BotUser()

	mention := fake.GuildMessage("100", "", alice, "<@"+bot.ID+"> what is X?", bot)
	dm := fake.DirectMessage(alice, "what is Y?")
	for _, m := range []discordtest.Message{mention, dm} {
		if err := fake.DispatchMessage(m); err != nil {
			t.Fatal(err)
		}
		if err := receive(t, replies); err != nil {
			t.Fatalf("reply to %q: %v", m.Content, err)
		}
		r, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
			return r.Method == "POST" && r.Path == "/api/v9/channels/"+m.ChannelID+"/messages"
		})
		if err != nil {
			t.Fatal(err)
		}
		sent, _ := r.Reply()
		got, err := r.Message()
		if err != nil {
			t.Fatal(err)
		}
		if sent.MessageReference == nil || sent.MessageReference.MessageID != m.ID ||
			sent.AllowedMentions == nil || sent.AllowedMentions.Parse == nil || len(sent.AllowedMentions.Parse) != 0 {
			t.Errorf("reply to %q sent %+v", m.Content, sent)
		}
		if got.Type != 19 || got.MentionEveryone || len(got.Mentions) != 0 || got.GuildID != m.GuildID {
			t.Errorf("reply to %q is %+v; want a reply that pings no one", m.Content, got)
		}
	}

	// How the fake resolves pings, on replies to the mention.
	for _, tc := range []struct {
		name         string
		allowed      *discordgo.MessageAllowedMentions
		wantEveryone bool
		wantMentions int
	}{
		{"no allowed_mentions", nil, true, 1},
		{"parse nothing", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}, false, 0},
		{"only the replied user", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, RepliedUser: true}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dg.ChannelMessageSendComplex(mention.ChannelID, &discordgo.MessageSend{
				Content: "@everyone hi", Reference: &discordgo.MessageReference{MessageID: mention.ID, ChannelID: mention.ChannelID},
				AllowedMentions: tc.allowed,
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.MentionEveryone != tc.wantEveryone || len(got.Mentions) != tc.wantMentions {
				t.Errorf("mention_everyone %v, %d mentions; want %v, %d", got.MentionEveryone, len(got.Mentions), tc.wantEveryone, tc.wantMentions)
			}
		})
	}
	t.Run("reply to an unknown message", func(t *testing.T) {
		_, err := dg.ChannelMessageSendReply(mention.ChannelID, "hi", &discordgo.MessageReference{MessageID: "1", ChannelID: mention.ChannelID})
		if _, code := restCode(err); code != 50035 {
			t.Errorf("error = %v; want Invalid Form Body", err)
		}
	})
}

// TestGuilds: a client that asks for the GUILDS intent gets a guild's
// GUILD_CREATE, after READY for a guild the fake knows and before the
// first event of one it learns of later, with @everyone, the bot's managed
// role and the bot's own member holding it; a role added later comes as
// GUILD_ROLE_CREATE. A message's mention_roles are the guild's roles its
// content mentions. A client without the intent gets no GUILD_CREATE.
func TestGuilds(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	teacher := fake.AddRole("100", discordtest.Role{Name: "teacher", Mentionable: true})
	bot := fake.BotUser()
	dg := newSession(t, fake)
	dg.Identify.Intents |= discordgo.IntentGuilds
	created := make(chan string, 4)
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { created <- g.ID })
	roles := make(chan string, 4)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.GuildRoleCreate) { roles <- r.Role.ID })
	type seen struct {
		m     *discordgo.Message
		known bool // the state knew the bot's member when the message came
	}
	messages := make(chan seen, 4)
	dg.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		_, err := s.State.Member(m.GuildID, bot.ID)
		messages <- seen{m.Message, err == nil}
	})
	open(t, dg)
	if id := receive(t, created); id != "100" {
		t.Fatalf("GUILD_CREATE for %s, want 100", id)
	}
	checkRoles := func(guildID string) {
		t.Helper()
		own := fake.BotRole(guildID)
		m, err := dg.State.Member(guildID, bot.ID)
		if err != nil {
			t.Fatalf("guild %s: the bot's member: %v", guildID, err)
		}
		if len(m.Roles) != 1 || m.Roles[0] != own.ID {
			t.Errorf("guild %s: the bot holds %v, want its role %s", guildID, m.Roles, own.ID)
		}
		if r, err := dg.State.Role(guildID, own.ID); err != nil || !r.Managed || r.Name != bot.Username {
			t.Errorf("guild %s: the bot's role %+v (%v), want managed and named %s", guildID, r, err, bot.Username)
		}
		if r, err := dg.State.Role(guildID, guildID); err != nil || r.Name != "@everyone" {
			t.Errorf("guild %s: @everyone %+v (%v)", guildID, r, err)
		}
	}
	checkRoles("100")
	if r, err := dg.State.Role("100", teacher.ID); err != nil || r.Managed {
		t.Errorf("teacher role %+v (%v)", r, err)
	}

	own := fake.BotRole("100")
	m := fake.GuildMessage("100", "", alice, "<@&"+teacher.ID+"> <@&"+own.ID+"> <@&"+teacher.ID+"> <@&100> <@&12345> hi")
	if want := []string{teacher.ID, own.ID}; !slices.Equal(m.MentionRoles, want) {
		t.Errorf("mention_roles %v, want %v: the guild's roles, once each, not @everyone", m.MentionRoles, want)
	}
	if err := fake.DispatchMessage(m); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, messages); !slices.Equal(got.m.MentionRoles, m.MentionRoles) {
		t.Errorf("discordgo read mention_roles %v, want %v", got.m.MentionRoles, m.MentionRoles)
	}

	// A guild first heard of now, as when the bot joins one.
	if err := fake.DispatchMessage(fake.GuildMessage("200", "", alice, "hello")); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, messages); !got.known {
		t.Error("a message of guild 200 came before its GUILD_CREATE")
	}
	if id := receive(t, created); id != "200" {
		t.Errorf("GUILD_CREATE for %s, want 200", id)
	}
	checkRoles("200")
	other := fake.AddRole("200", discordtest.Role{Name: "otherbot", Managed: true, Tags: &discordtest.RoleTags{BotID: "555"}})
	if id := receive(t, roles); id != other.ID {
		t.Errorf("GUILD_ROLE_CREATE for %s, want %s", id, other.ID)
	}
	if r, err := dg.State.Role("200", other.ID); err != nil || !r.Managed {
		t.Errorf("the other bot's role %+v (%v)", r, err)
	}

	// Added to a guild: GUILD_CREATE, and the guild is listed.
	fake.AddGuild("3000")
	if id := receive(t, created); id != "3000" {
		t.Errorf("GUILD_CREATE for %s, want 3000", id)
	}
	ids := func(gs []*discordgo.UserGuild) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	for _, c := range []struct {
		limit         int
		before, after string
		want          []string
	}{
		{0, "", "", []string{"100", "200", "3000"}}, // by id, not text
		{2, "", "", []string{"100", "200"}},
		{2, "", "200", []string{"3000"}},
		{1, "3000", "", []string{"200"}},
	} {
		gs, err := dg.UserGuilds(c.limit, c.before, c.after, false)
		if err != nil || !slices.Equal(ids(gs), c.want) {
			t.Errorf("UserGuilds(%d, %q, %q) = %v, %v; want %v", c.limit, c.before, c.after, ids(gs), err, c.want)
		}
		if err == nil && gs[0].Permissions == 0 {
			t.Errorf("no permissions: %+v", gs[0])
		}
	}
	if _, err := dg.UserGuilds(201, "", "", false); err == nil {
		t.Error("a limit over 200 was taken")
	}

	// Without the intent, Discord sends no GUILD_CREATE.
	plain := newSession(t, fake)
	known := make(chan bool, 1)
	plain.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		_, err := s.State.Member(m.GuildID, bot.ID)
		known <- err == nil
	})
	open(t, plain)
	if err := fake.DispatchMessage(fake.GuildMessage("100", "", alice, "hi")); err != nil {
		t.Fatal(err)
	}
	receive(t, messages)
	if receive(t, known) {
		t.Error("a client without the GUILDS intent got GUILD_CREATE")
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		limited    int
		retry      bool
		wantStatus []int
	}{
		{"retries off", 1, false, []int{429}},
		{"retries on", 2, true, []int{429, 429, 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := discordtest.New(t)
			dg := newSession(t, fake)
			fake.RateLimit("/api/v9/channels/", tc.limited, 50*time.Millisecond)
			_, err := dg.ChannelMessageSend("7", "hi", discordgo.WithRetryOnRatelimit(tc.retry))
			var rl *discordgo.RateLimitError
			switch {
			case tc.retry && err != nil:
				t.Errorf("with retries: %v", err)
			case !tc.retry && !errors.As(err, &rl):
				t.Errorf("without retries: error %v (%T); want *discordgo.RateLimitError", err, err)
			case !tc.retry && rl.RetryAfter != 50*time.Millisecond:
				t.Errorf("RetryAfter = %v", rl.RetryAfter)
			}
			var got []int
			for _, r := range fake.Requests() {
				got = append(got, r.Status)
				if r.Status == 429 && (r.Header.Get("Authorization") == "" || !bytes.Contains(r.Response, []byte(`"retry_after":0.05`))) {
					t.Errorf("429 answer: %s", r.Response)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.wantStatus) {
				t.Errorf("statuses = %v; want %v", got, tc.wantStatus)
			}
		})
	}
}

func TestAuthorizationAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	for _, tc := range []struct {
		name, method, path, auth string
		want                     int
	}{
		{"me", "GET", "/api/v9/users/@me", "Bot t", 200},
		{"me without token", "GET", "/api/v9/users/@me", "", 401},
		{"user token", "GET", "/api/v9/users/@me", "t", 401},
		{"unknown route", "GET", "/api/v9/guilds/1", "Bot t", 404},
		{"callback needs no token", "POST", "/api/v9/interactions/1/x/callback", "", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, fake.URL()+tc.path, strings.NewReader(`{"type":4}`))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var e struct {
				Message *string `json:"message"`
			}
			if resp.StatusCode != tc.want || (tc.want >= 400 && (json.Unmarshal(body, &e) != nil || e.Message == nil)) {
				t.Errorf("%s %s = %d %s; want %d with a JSON error", tc.method, tc.path, resp.StatusCode, body, tc.want)
			}
		})
	}
}

func TestAttachmentOption(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	att := fake.AddAttachment("notes.md", []byte("# Notes\n"))
	i := asDiscordgo(t, fake.SlashCommand("add-document", map[string]any{"file": att, "title": "Notes"}, alice, "100"))

	d := i.ApplicationCommandData()
	id := d.GetOption("file").Value.(string)
	a := d.Resolved.Attachments[id]
	if a == nil || a.Filename != "notes.md" {
		t.Fatalf("resolved attachments = %+v", d.Resolved)
	}
	resp, err := httpClient(t, fake).Get(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "# Notes\n" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") {
		t.Errorf("GET %s = %d %q %q", a.URL, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestSigner(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	k := discordtest.NewSigner()
	other := discordtest.NewSigner()
	for _, tc := range []struct {
		name   string
		key    *discordtest.Signer
		tamper bool
		want   bool
	}{
		{"signed", k, false, true},
		{"tampered body", k, true, false},
		{"other key", other, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := tc.key.NewRequest("http://bot.invalid/interactions", fake.SlashCommand("ask", map[string]any{"question": "q"}, alice, "100"), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if tc.tamper {
				body, _ := io.ReadAll(req.Body)
				body[len(body)-2] ^= 1
				req.Body = io.NopCloser(bytes.NewReader(body))
			}
			if got := discordgo.VerifyInteraction(req, k.PublicKey); got != tc.want {
				t.Errorf("VerifyInteraction = %v; want %v", got, tc.want)
			}
			if tc.want {
				var i discordgo.Interaction
				if err := json.NewDecoder(req.Body).Decode(&i); err != nil || i.ApplicationCommandData().Name != "ask" {
					t.Errorf("decoded %+v, %v", i, err)
				}
			}
		})
	}
	if len(k.PublicKeyHex()) != 64 {
		t.Errorf("PublicKeyHex = %q", k.PublicKeyHex())
	}
}

func TestShards(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	got := [2]chan string{make(chan string, 4), make(chan string, 4)}
	for shard := range 2 {
		dg := newSession(t, fake)
		dg.ShardID, dg.ShardCount = shard, 2
		dg.SyncEvents = true // keep arrival order
		dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) { got[shard] <- "guild " + ic.GuildID })
		open(t, dg)
	}
	var shards []string
	for _, f := range fake.Frames() {
		var id discordtest.IdentifyPayload
		if f.Op == 2 && json.Unmarshal(f.Data, &id) == nil && id.Shard != nil {
			shards = append(shards, fmt.Sprint(*id.Shard))
		}
	}
	if fmt.Sprint(shards) != "[[0 2] [1 2]]" {
		t.Errorf("identified shards %v", shards)
	}

	guild0, guild1 := strconv.Itoa(2<<22), strconv.Itoa(3<<22) // (id >> 22) % 2 picks the shard
	for _, g := range []string{guild1, guild0, ""} {
		if err := fake.DispatchInteraction(fake.SlashCommand("ask", nil, alice, g)); err != nil {
			t.Fatal(err)
		}
	}
	// Events reach a connection in dispatch order, so a broadcast would
	// show guild1 first on shard 0.
	for shard, want := range [][]string{{"guild " + guild0, "guild "}, {"guild " + guild1}} {
		for _, w := range want {
			if g := receive(t, got[shard]); g != w {
				t.Errorf("shard %d got %q; want %q", shard, g, w)
			}
		}
	}
}

func TestReconnectResumes(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	dg := newSession(t, fake)
	dg.ShouldReconnectOnError = true
	seen := make(chan string, 1)
	dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) { seen <- ic.ID })
	open(t, dg)
	ctx := timeout(t)
	// open waited for the first heartbeat; see RequestReconnect on why.
	if _, err := fake.WaitFrame(ctx, func(f discordtest.Frame) bool { return f.Op == 1 }); err != nil {
		t.Fatal(err)
	}
	if err := fake.RequestReconnect(); err != nil {
		t.Fatal(err)
	}
	// discordgo closes, waits 1 s, dials again and sends RESUME.
	if _, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool { return r.Path == "/ws/" && r.Seq > 2 }); err != nil {
		t.Fatal(err)
	}
	i := fake.SlashCommand("ask", nil, alice, "100")
	for fake.DispatchInteraction(i) != nil {
		if ctx.Err() != nil {
			t.Fatal("session never resumed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if id := receive(t, seen); id != i.ID {
		t.Errorf("handler got %s; want %s", id, i.ID)
	}
	var ops []int
	for _, f := range fake.Frames() {
		if f.Op != 1 {
			ops = append(ops, f.Op)
		}
	}
	if fmt.Sprint(ops) != "[2 6]" {
		t.Errorf("gateway ops other than heartbeats = %v; want IDENTIFY then RESUME", ops)
	}
}

// TestCloseStopsGoroutines runs alone (not parallel): it counts the fake's
// goroutines across the whole process.
func TestCloseStopsGoroutines(t *testing.T) {
	fake := discordtest.New(t)
	dg := newSession(t, fake)
	open(t, dg)
	if err := fake.WaitReady(timeout(t)); err != nil {
		t.Fatal(err)
	}
	if len(fakeGoroutines()) == 0 {
		t.Fatal("found no goroutine of the fake while a client is connected; the check is broken")
	}
	fake.Close()
	if _, err := fake.WaitRequest(context.Background(), func(discordtest.Request) bool { return false }); err == nil {
		t.Error("WaitRequest after Close: want an error")
	}
	if left := fakeGoroutines(); len(left) > 0 {
		t.Errorf("after Close, %d goroutines of the fake remain:\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

func fakeGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "casebot/bot/discordtest.") {
			out = append(out, g)
		}
	}
	return out
}
