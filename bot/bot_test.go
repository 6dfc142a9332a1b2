package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// The real engine fits the interface the bot declares.
var _ Engine = (*index.Index)(nil)

// sharedIndex is the embedded corpus, indexed in memory once for all the
// tests of the package; nothing writes to it.
var sharedIndex = sync.OnceValues(func() (*index.Index, error) {
	c, err := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
	if err != nil {
		return nil, err
	}
	return index.Build(context.Background(), c, index.Options{Version: 1})
})

func testIndex(t *testing.T) *index.Index {
	t.Helper()
	ix, err := sharedIndex()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// newTestBot returns a bot on the real index, logging into a buffer.
func newTestBot(t *testing.T, o Options) (*Bot, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	if o.Engine == nil {
		o.Engine = testIndex(t)
	}
	o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	b, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return b, logs
}

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

// slowEngine answers like the real one, after a delay.
type slowEngine struct {
	Engine
	delay time.Duration
}

func (e slowEngine) Ask(ctx context.Context, q string, o index.AskOptions) (index.Answer, error) {
	select {
	case <-time.After(e.delay):
	case <-ctx.Done():
		return index.Answer{}, ctx.Err()
	}
	return e.Engine.Ask(ctx, q, o)
}

func slash(name string, opts map[string]any, userID string) Request {
	return Request{Kind: KindCommand, ID: "i-" + userID + "-" + name, Command: name, Options: opts, User: User{ID: userID}, GuildID: "100"}
}

func TestHandle(t *testing.T) {
	t.Parallel()
	b, logs := newTestBot(t, Options{Rate: 2})
	boom := Command{Name: "boom", Description: "panics", Run: func(context.Context, Request) (Reply, error) { panic("kaboom") }}
	fails := Command{Name: "fails", Description: "fails", Run: func(context.Context, Request) (Reply, error) { return Reply{}, errors.New("disk on fire") }}
	admin := Command{Name: "lockdown", Description: "admins only", Admin: true, Run: func(context.Context, Request) (Reply, error) { return Reply{Content: "locked down"}, nil }}
	if err := b.Registry().Add(boom, fails, admin); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	managers := slash("lockdown", nil, "7")
	managers.Permissions = 32 // Manage Server
	inDM := slash("lockdown", nil, "7")
	inDM.GuildID, inDM.Permissions = "", 32

	for _, c := range []struct {
		name    string
		req     Request
		content string // a substring of the reply's content; "" for an embed answer
		private bool
	}{
		{"ask", slash("ask", map[string]any{"question": "What was stage 1?"}, "1"), "", false},
		{"ask privately", slash("ask", map[string]any{"question": "What was stage 1?", "private": true}, "2"), "", true},
		{"empty question", slash("ask", map[string]any{"question": "  "}, "3"), "Ask me a question", true},
		{"unknown command", slash("gone", nil, "4"), "I do not know the command /gone", true},
		{"panic is recovered", slash("boom", nil, "5"), "Something went wrong", true},
		{"error becomes words", slash("fails", nil, "5"), "Something went wrong", true},
		{"admin command refused to a member", slash("lockdown", nil, "6"), "for members who can manage this server", true},
		{"admin command refused in a DM", inDM, "for members who can manage", true},
		{"admin command run for a manager", managers, "locked down", false},
		{"unknown button", Request{Kind: KindButton, CustomID: "nope:1", User: User{ID: "8"}}, "expired", true},
		{"mention", Request{Kind: KindMention, ID: "m1", Text: "What is NIA?", User: User{ID: "9"}}, "", false},
		{"empty mention", Request{Kind: KindMention, ID: "m2", Text: "", User: User{ID: "10"}}, "Ask me something", false},
		{"help mentioning", Request{Kind: KindMention, ID: "m4", Text: "help!", User: User{ID: "13"}}, "", false},
		{"remark mentioning", Request{Kind: KindMention, ID: "m3", Text: "thanks, that was helpful", User: User{ID: "11"}}, "that reads as a remark", false},
		{"remark asked privately", slash("ask", map[string]any{"question": "you're the best", "private": true}, "12"), "that reads as a remark", true},
		{"a kind of interaction the bot never asks for", Request{Kind: 0, ID: "x1", User: User{ID: "15"}}, "does not take this kind of interaction", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := b.Handle(ctx, c.req)
			if c.content == "" && len(rep.Embeds) == 0 {
				t.Errorf("no embed: %+v", rep)
			}
			if !strings.Contains(rep.Content, c.content) {
				t.Errorf("content %q, want %q", rep.Content, c.content)
			}
			if rep.Private != c.private {
				t.Errorf("private %v, want %v", rep.Private, c.private)
			}
		})
	}
	if rep := b.Handle(ctx, Request{Kind: KindMention, ID: "m5", Text: "Help", User: User{ID: "14"}}); len(rep.Embeds) == 0 ||
		!strings.Contains(rep.Embeds[0].Description, "/ask") || !strings.Contains(rep.Embeds[0].Description, "what is the article about?") {
		t.Errorf("a mention saying help: want the list of commands, got %+v", rep)
	}
	st := b.Stats()
	if st.Panics != 1 || st.Errors != 1 {
		t.Errorf("stats %+v: want 1 panic and 1 error", st)
	}
	if !strings.Contains(logs.String(), "kaboom") || !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("panic and error not logged:\n%s", logs)
	}

	t.Run("rate limit is per user", func(t *testing.T) {
		ask := func(user string) Reply {
			return b.Handle(ctx, slash("ask", map[string]any{"question": "What was stage 2?"}, user))
		}
		ask("r1")
		ask("r1")
		if rep := ask("r1"); !rep.Private || !strings.Contains(rep.Content, "2 questions a minute") {
			t.Errorf("third question in a minute at rate 2: %+v", rep)
		}
		if rep := ask("r2"); len(rep.Embeds) == 0 {
			t.Errorf("another user throttled: %+v", rep)
		}
		if rep := b.Handle(ctx, slash("sources", nil, "r1")); len(rep.Embeds) == 0 {
			t.Errorf("/sources is not a question, but was throttled: %+v", rep)
		}
	})
}

func TestPrivate(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	for _, c := range []struct {
		req  Request
		want bool
	}{
		{slash("ask", map[string]any{"question": "q"}, "1"), false},
		{slash("ask", map[string]any{"question": "q", "private": true}, "1"), true},
		{slash("help", nil, "1"), true},
		{slash("nope", nil, "1"), true},
		{Request{Kind: KindButton, CustomID: "ctx:=x"}, true},
		{Request{Kind: KindButton, CustomID: "share:=x"}, false},
		{Request{Kind: KindMention}, false},
	} {
		if got := b.Private(c.req); got != c.want {
			t.Errorf("Private(%s %s) = %v, want %v", c.req.Command, c.req.CustomID, got, c.want)
		}
	}
}

func TestNewNeedsEngineAndData(t *testing.T) {
	t.Parallel()
	if _, err := New(Options{DataDir: t.TempDir()}); err == nil {
		t.Error("no engine: want an error")
	}
	if _, err := New(Options{Engine: testIndex(t)}); err == nil {
		t.Error("no data directory: want an error")
	}
}

// TestFollowUpWindow: a follow-up's "it" stands for the asker's last
// question in the channel only while that question is recent.
func TestFollowUpWindow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	b, _ := newTestBot(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	ask := func(id, q, channel string) Reply {
		r := slash("ask", map[string]any{"question": q}, "42")
		r.ID, r.ChannelID = id, channel
		return b.Handle(ctx, r)
	}
	title := func(rep Reply) string {
		if len(rep.Embeds) == 0 {
			return ""
		}
		return rep.Embeds[0].Title
	}
	ask("1", "What is KONEPS?", "c1")
	if got := title(ask("2", "who launched it?", "c1")); got != "who launched KONEPS?" {
		t.Errorf("a follow-up at once: %q", got)
	}
	if got := title(ask("3", "who launched it?", "c2")); got != "who launched it?" {
		t.Errorf("a follow-up in another channel: %q", got)
	}
	// a question answered privately is not made public by a public follow-up
	private := slash("ask", map[string]any{"question": "What is KISA?", "private": true}, "42")
	private.ID, private.ChannelID = "p1", "c1"
	b.Handle(ctx, private)
	if got := title(ask("p2", "who launched it?", "c1")); got != "who launched it?" {
		t.Errorf("a public follow-up to a private question: %q", got)
	}
	now = now.Add(followUpWindow + time.Second)
	if got := title(ask("4", "who launched it?", "c1")); got != "who launched it?" {
		t.Errorf("a follow-up after %v: %q", followUpWindow, got)
	}
}

// Discord's markup for mentions, custom emoji and timestamps is no part of
// a question: left in, its ids and names are words the documents lack, and
// the question was declined.
func TestDiscordMarkupIsNoPartOfAQuestion(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	ctx := context.Background()
	for _, c := range []struct {
		name string
		req  Request
		want string
	}{
		{"mention", Request{Kind: KindMention, ID: "mk1", Text: "<@&123456789012345678> what is NIA <:thinking:123456789012345678>", User: User{ID: "21"}}, "National Information Society Agency"},
		{"ask", slash("ask", map[string]any{"question": "<#123456789012345678> <@!42> what was stage 1? <t:1700000000:R>"}, "22"), "Stage 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := b.Handle(ctx, c.req)
			if len(rep.Embeds) == 0 {
				t.Fatalf("no answer: %+v", rep)
			}
			e := rep.Embeds[0]
			if text := strings.ReplaceAll(e.Description, "**", ""); strings.Contains(text, "do not cover") || !strings.Contains(text, c.want) {
				t.Errorf("answer %q (%q), want one about %q", e.Description, e.Title, c.want)
			}
			if strings.Contains(e.Title, "<") {
				t.Errorf("title %q keeps the markup", e.Title)
			}
		})
	}
	if rep := b.Handle(ctx, Request{Kind: KindMention, ID: "mk3", Text: "<:wave:123456789012345678>", User: User{ID: "23"}}); !strings.Contains(rep.Content, "Ask me something") {
		t.Errorf("markup alone: %+v, want the prompt to ask something", rep)
	}
}

// TestLongQuestionSaysCut: a question longer than the engine reads is
// answered from its start, and the answer says the rest was not read (it
// had said so only when the question was not answered).
func TestLongQuestionSaysCut(t *testing.T) {
	b, _ := newTestBot(t, Options{Rate: 100})
	q := "What was stage 1 of Korean e-government?" + strings.Repeat(" Stage one", 60)
	rep := b.Handle(context.Background(), slash("ask", map[string]any{"question": q}, "1"))
	if len(rep.Embeds) == 0 || rep.Embeds[0].Color != colorAnswer {
		t.Fatalf("not answered: %+v", rep)
	}
	if d := rep.Embeds[0].Description; !strings.Contains(d, "Only the first 500 characters of the question were read.") || !strings.Contains(d, "digitalised") {
		t.Errorf("description %q: want the answer and the note that the question was cut", d)
	}
}
