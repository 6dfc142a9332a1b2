package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/casebot/casebot/bot/discordtest"
	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// The real engine can be reindexed.
var _ Updater = (*index.Index)(nil)

func TestRemovable(t *testing.T) {
	t.Parallel()
	docs := []index.DocInfo{
		{Path: "tea.md", Title: "Tea policy"},
		{Path: "notes/ports.md", Title: "Ports"},
		{Path: "a.md", Title: "Twice"},
		{Path: "b.md", Title: "Twice"},
	}
	for _, c := range []struct {
		in, want string // want "" means refused
	}{
		{"tea.md", "tea.md"},
		{"notes/ports.md", "notes/ports.md"},
		{"ports", "notes/ports.md"}, // the title, in any case
		{"Tea Policy", "tea.md"},
		{"skipped/bad.md", "skipped/bad.md"},
		{"Twice", ""}, // two documents have it: which?
		{"tea", ""},   // a word of a title is not enough to remove by
		{"../tea.md", ""},
		{"notes/../../tea.md", ""},
		{"/etc/passwd.md", ""},
		{"notes/.hidden.md", ""},
		{".git/config.md", ""},
		{`notes\ports.md`, ""},
		{"notes//ports.md", ""},
		{"notes/", ""},
		{"tea.vocab", ""},
		{"notes", ""},
		{".", ""},
		{"", ""},
	} {
		got, ok := removable(docs, c.in)
		if c.want == "" && ok {
			t.Errorf("removable(%q) = %q, want a refusal", c.in, got)
		}
		if c.want != "" && (!ok || got != c.want) {
			t.Errorf("removable(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// blockingUpdater holds Update until release is closed.
type blockingUpdater struct {
	entered chan struct{}
	release chan struct{}
	calls   int
}

func (u *blockingUpdater) Update(ctx context.Context, c *corpus.Corpus, opts index.Options) (index.Summary, error) {
	u.calls++
	close(u.entered)
	<-u.release
	return index.Summary{Version: 2, Unchanged: len(c.Docs)}, nil
}

func TestReindexerOneAtATime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("# A\n\nSome text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := &blockingUpdater{entered: make(chan struct{}), release: make(chan struct{})}
	x := NewReindexer(u, dir, nil)
	done := make(chan error, 1)
	go func() {
		_, err := x.Reindex(context.Background(), "/reindex by alice", index.Options{})
		done <- err
	}()
	<-u.entered
	_, err := x.Reindex(context.Background(), "the corpus watcher", index.Options{})
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "/reindex by alice") {
		t.Errorf("second reindex: %v, want ErrBusy naming the first", err)
	}
	b, _ := newTestBot(t, Options{})
	if msg := errorReply(b.reindexError(err)).Content; !strings.Contains(msg, "already running (/reindex by alice, started") {
		t.Errorf("the admin is told %q", msg)
	}
	close(u.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if u.calls != 1 {
		t.Errorf("Update called %d times, want 1", u.calls)
	}
	// Free again.
	u.entered, u.release = make(chan struct{}), make(chan struct{})
	close(u.release)
	if _, err := x.Reindex(context.Background(), "the corpus watcher", index.Options{}); err != nil {
		t.Errorf("after the first finished: %v", err)
	}
}

func TestReindexerKeepsIndexOfEmptyDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bin.md"), []byte("\x00\x01"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := &blockingUpdater{entered: make(chan struct{}), release: make(chan struct{})}
	sum, err := NewReindexer(u, dir, nil).Reindex(context.Background(), "test", index.Options{})
	if !errors.Is(err, errEmptyCorpus) || u.calls != 0 {
		t.Errorf("err %v, %d updates; want errEmptyCorpus and none", err, u.calls)
	}
	if len(sum.Skipped) != 1 || sum.Skipped[0].Path != "bin.md" {
		t.Errorf("skipped %+v, want bin.md", sum.Skipped)
	}
	// The admin is told why, and so is the log (the watcher's only word).
	b, _ := newTestBot(t, Options{})
	if msg := errorReply(b.reindexError(err)).Content; !strings.Contains(msg, "no document I can read (bin.md: not a text file)") {
		t.Errorf("reply: %q", msg)
	}
	logged := &syncBuffer{}
	_, err = NewReindexer(u, dir, slog.New(slog.NewTextHandler(logged, nil))).Reindex(context.Background(), "test", index.Options{})
	if !errors.Is(err, errEmptyCorpus) || !strings.Contains(logged.String(), "path=bin.md reason=\"not a text file\"") {
		t.Errorf("err %v; log:\n%s", err, logged)
	}
}

func TestSummaryEmbed(t *testing.T) {
	t.Parallel()
	var many []string
	for i := range 1000 {
		many = append(many, fmt.Sprintf("reports/2024/report-%04d.md", i))
	}
	sum := index.Summary{
		Version: 8, Added: many, Changed: []string{"a`b.md"}, Unchanged: 1,
		Skipped:  []corpus.Skip{{Path: "bin.md", Reason: "not a text file"}},
		Warnings: []string{"two documents are titled *Notes*"},
		Analyzed: 1001, Bytes: 3 << 20, Passages: 5000, Took: 1234 * time.Millisecond,
	}
	e := Fit(Reply{Embeds: []Embed{summaryEmbed("Reindexed", 7, sum)}}).Embeds[0]
	if !strings.HasPrefix(e.Description, "Index version 7 → 8 (update): 1001 documents analysed (3.0 MB), 5000 passages now, in 1.234s. 1 document unchanged.") {
		t.Errorf("description %q", e.Description)
	}
	fields := map[string]string{}
	for _, f := range e.Fields {
		fields[f.Name] = f.Value
	}
	added := fields["Added (1000)"]
	if !strings.HasPrefix(added, "`reports/2024/report-0000.md`\n") || !strings.Contains(added, "more") || utf8.RuneCountInString(added) > MaxFieldValueRunes {
		t.Errorf("added field: %q", added)
	}
	if !strings.HasSuffix(added, fmt.Sprintf("… and %d more", 1000-strings.Count(added, "\n"))) {
		t.Errorf("added field does not end with how many more: %q", added[len(added)-40:])
	}
	if fields["Changed (1)"] != "`a'b.md`" || fields["Skipped (1)"] != "`bin.md`: not a text file" || !strings.Contains(fields["Warnings (1)"], `\*Notes\*`) {
		t.Errorf("fields: %q", fields)
	}

	dry := summaryEmbed("Reindex (dry run)", 8, index.Summary{Version: 8, DryRun: true, Removed: []string{"old.md"}, Unchanged: 2})
	if !strings.HasPrefix(dry.Description, "Dry run: nothing was changed.") || len(dry.Fields) != 1 || dry.Fields[0].Name != "Would remove (1)" {
		t.Errorf("dry run: %+v", dry)
	}
	same := summaryEmbed("Reindexed", 8, index.Summary{Version: 8, Unchanged: 2, Passages: 1})
	if !strings.HasPrefix(same.Description, "Nothing changed: the index (version 8, 1 passage) is up to date") || len(same.Fields) != 0 {
		t.Errorf("no change: %+v", same)
	}
}

func TestCommandTimeout(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	for cmd, want := range map[string]time.Duration{"reindex": reindexTimeout, "add-document": reindexTimeout, "ask": handlerTimeout, "nope": handlerTimeout} {
		if got := b.timeout(Request{Kind: KindCommand, Command: cmd}); got != want {
			t.Errorf("/%s: timeout %v, want %v", cmd, got, want)
		}
	}
	if _, err := New(Options{Engine: testIndex(t), DataDir: t.TempDir(), MaxUploadBytes: DefaultMaxUploadBytes + 1}); err == nil {
		t.Error("New took uploads larger than the corpus reads")
	}
}

// TestAdminGuilds: with AdminGuilds, the admin commands run only in those
// servers; elsewhere, and in a DM, even a manager is told the documents are
// managed from another server, privately, and /help and autocomplete do not
// offer them. Without AdminGuilds any server's managers may, as before.
func TestAdminGuilds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	req := func(kind Kind, cmd, guild string, perms int64) Request {
		r := slash(cmd, nil, "7")
		r.Kind, r.GuildID, r.Permissions = kind, guild, perms
		if kind == KindAutocomplete {
			r.Options, r.Focused = map[string]any{"source": ""}, "source"
		}
		return r
	}
	const manager = 32 // Manage Server
	restricted, _ := newTestBot(t, Options{AdminGuilds: []string{"200", "300"}})
	open, _ := newTestBot(t, Options{})
	for _, c := range []struct {
		name string
		b    *Bot
		req  Request
		want string // a substring of the private reply
	}{
		// The test bot serves the embedded corpus, so a command that runs
		// says there is no corpus directory.
		{"a manager in an admin server", restricted, req(KindCommand, "reindex", "200", manager), "no corpus directory"},
		{"a manager in the other admin server", restricted, req(KindCommand, "add-document", "300", manager), "no corpus directory"},
		{"a manager in another server", restricted, req(KindCommand, "reindex", "100", manager), "managed from another server, so /reindex works only there. Nothing was changed."},
		{"a manager in another server, removing", restricted, req(KindCommand, "remove-document", "100", manager), "managed from another server"},
		{"a DM", restricted, req(KindCommand, "add-document", "", manager), "managed from another server"},
		{"a member in an admin server", restricted, req(KindCommand, "reindex", "200", 0), "for members who can manage this server"},
		{"no admin servers: a manager anywhere", open, req(KindCommand, "reindex", "100", manager), "no corpus directory"},
		{"no admin servers: a DM", open, req(KindCommand, "reindex", "", manager), "for members who can manage this server"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.b.Private(c.req) {
				t.Error("the answer would be deferred in public")
			}
			rep := c.b.Handle(ctx, c.req)
			if !rep.Private || !strings.Contains(rep.Content, c.want) {
				t.Errorf("reply %+v, want a private one saying %q", rep, c.want)
			}
		})
	}

	rx := corpusBot(t, map[string]string{"tea.md": "# Tea\n\nTea came in 1921.\n"})
	rx.adminGuilds = []string{"200"}
	if got := rx.Handle(ctx, req(KindAutocomplete, "remove-document", "200", manager)).Choices; len(got) != 1 {
		t.Errorf("autocomplete in the admin server: %+v, want the document", got)
	}
	if got := rx.Handle(ctx, req(KindAutocomplete, "remove-document", "100", manager)).Choices; len(got) != 0 {
		t.Errorf("autocomplete in another server offered %+v", got)
	}

	for guild, want := range map[string]bool{"200": true, "100": false, "": false} {
		d := restricted.Handle(ctx, req(KindCommand, "help", guild, manager)).Embeds[0].Description
		if got := strings.Contains(d, "/reindex") || strings.Contains(d, "For members who can manage"); got != want {
			t.Errorf("/help to a manager in guild %q lists the admin commands: %v, want %v:\n%s", guild, got, want, d)
		}
	}
	if _, err := New(Options{Engine: testIndex(t), DataDir: t.TempDir(), AdminGuilds: []string{""}}); err == nil {
		t.Error("New took an empty admin guild id")
	}
}

// TestRegisterAdminGuilds: with AdminGuilds, the admin commands are
// registered in those servers alone, as guild commands, and left out of
// the global or guild registration of the others; a guild that is itself
// an admin server gets them with the rest in one overwrite.
func TestRegisterAdminGuilds(t *testing.T) {
	t.Parallel()
	admin := []string{"add-document", "reindex", "remove-document"}
	for _, c := range []struct {
		name   string
		guild  string
		admins []string
		want   map[string]string // scope ("" global) -> "admin", "others" or "all"
	}{
		{"global, no admin servers", "", nil, map[string]string{"": "all"}},
		{"global, two admin servers", "", []string{"200", "300"}, map[string]string{"": "others", "200": "admin", "300": "admin"}},
		{"a guild that is the admin server", "100", []string{"100"}, map[string]string{"100": "all"}},
		{"a guild and another admin server", "100", []string{"200"}, map[string]string{"100": "others", "200": "admin"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.New(t)
			b, _ := newTestBot(t, Options{AdminGuilds: c.admins})
			runGateway(t, b, fake, GatewayOptions{GuildID: c.guild})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			// Wait for the last scope's registration.
			last := c.guild
			if n := len(c.admins); n > 0 && c.admins[n-1] != c.guild {
				last = c.admins[n-1]
			}
			if _, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
				return r.Method == "PUT" && strings.HasSuffix(r.Path, "/guilds/"+last+"/commands") == (last != "")
			}); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, r := range fake.Requests() {
				if r.Method != "PUT" {
					continue
				}
				if r.Status != 200 {
					t.Errorf("%s: status %d", r, r.Status)
				}
				var cmds []struct {
					Name        string
					Permissions *string `json:"default_member_permissions"`
				}
				if err := r.JSON(&cmds); err != nil {
					t.Fatal(err)
				}
				var names, admins []string
				for _, cmd := range cmds {
					names = append(names, cmd.Name)
					if slices.Contains(admin, cmd.Name) {
						admins = append(admins, cmd.Name)
						if cmd.Permissions == nil || *cmd.Permissions != "32" {
							t.Errorf("%s: /%s without default_member_permissions Manage Server", r.Path, cmd.Name)
						}
					}
				}
				slices.Sort(admins)
				kind := "others"
				switch {
				case len(admins) == len(names) && slices.Equal(admins, admin):
					kind = "admin"
				case slices.Equal(admins, admin):
					kind = "all"
				case len(admins) > 0:
					kind = fmt.Sprintf("some admin commands: %v", admins)
				}
				scope := strings.TrimSuffix(strings.TrimPrefix(r.Path, "/api/v9/applications/app-1/guilds/"), "/commands")
				if r.Path == "/api/v9/applications/app-1/commands" {
					scope = ""
				}
				got[scope] = kind
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("registered %v, want %v", got, c.want)
			}
		})
	}
}

// TestRegisterRemovesStale: commands an earlier run registered in a server
// where this run registers none (an admin server no more, or the server of
// a DISCORD_GUILD_ID since left empty) are removed at start; an admin
// server, and the server of DISCORD_GUILD_ID, keep theirs; a server with
// none is read and not written to. Scopes end up as want says: "all" the
// commands, the "admin" ones, the "others", or "none".
func TestRegisterRemovesStale(t *testing.T) {
	t.Parallel()
	type run struct {
		guild  string
		admins []string
	}
	many := make([]string, 201) // more than one page of GET /users/@me/guilds
	for i := range many {
		many[i] = fmt.Sprint(1001 + i)
	}
	for _, c := range []struct {
		name           string
		guilds         []string // the servers the bot is in
		earlier, later run
		want           map[string]string // scope ("" global) -> kind
	}{
		{"a server taken out of the admin servers", []string{"100", "200", "300", "400"},
			run{"", []string{"200", "300"}}, run{"", []string{"200"}},
			map[string]string{"": "others", "200": "admin", "300": "none", "100": "none", "400": "none"}},
		{"admin servers unset: the global commands hold the admin ones once", []string{"100", "200"},
			run{"", []string{"200"}}, run{"", nil},
			map[string]string{"": "all", "200": "none", "100": "none"}},
		{"DISCORD_GUILD_ID unset: its server's copies go", []string{"100", "200"},
			run{"100", nil}, run{"", nil},
			map[string]string{"": "all", "100": "none", "200": "none"}},
		{"the server of DISCORD_GUILD_ID and an admin server keep theirs", []string{"100", "200", "300"},
			run{"", []string{"200", "300"}}, run{"100", []string{"300"}},
			map[string]string{"": "others", "100": "others", "200": "none", "300": "admin"}},
		{"more servers than a page", many,
			run{"", []string{"1001", many[200]}}, run{"", []string{"1001"}},
			map[string]string{"": "others", "1001": "admin", many[200]: "none", many[100]: "none"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.New(t)
			for _, g := range c.guilds {
				fake.AddGuild(g)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := fakeSession(t, fake)
			earlier, _ := newTestBot(t, Options{AdminGuilds: c.earlier.admins})
			if err := earlier.register(ctx, s, fake.ApplicationID(), c.earlier.guild); err != nil {
				t.Fatal(err)
			}
			stale := map[string]bool{}
			for _, g := range c.guilds {
				stale[g] = len(fake.CommandNames(g)) > 0
			}
			seeded := len(fake.Requests())

			b, logs := newTestBot(t, Options{AdminGuilds: c.later.admins})
			runGateway(t, b, fake, GatewayOptions{GuildID: c.later.guild})
			// The guilds are checked in order: wait for the last one's.
			path := func(g string) string {
				return "/api/v9/applications/" + fake.ApplicationID() + "/guilds/" + g + "/commands"
			}
			var last string
			for _, g := range c.guilds {
				if g != c.later.guild && !slices.Contains(c.later.admins, g) {
					last = g
				}
			}
			if _, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
				return r.Seq > seeded && r.Path == path(last) && r.Method == map[bool]string{true: "PUT", false: "GET"}[stale[last]]
			}); err != nil {
				t.Fatalf("guild %s not checked: %v", last, err)
			}
			got := map[string]string{}
			for scope := range c.want {
				got[scope] = commandKind(fake.CommandNames(scope))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("commands %v, want %v", got, c.want)
			}
			prefix := "/api/v9/applications/" + fake.ApplicationID() + "/guilds/"
			for _, r := range fake.Requests()[seeded:] {
				g := strings.TrimSuffix(strings.TrimPrefix(r.Path, prefix), "/commands")
				if r.Method != "PUT" || !strings.HasPrefix(r.Path, prefix) || g == c.later.guild || slices.Contains(c.later.admins, g) {
					continue
				}
				if !stale[g] || string(r.Body) != "[]" {
					t.Errorf("%s with %s: want one overwrite with [] of a server that had commands", r, r.Body)
				}
			}
			// Logged after the overwrite's answer.
			for g, kind := range c.want {
				if g == "" || !stale[g] || kind != "none" {
					continue
				}
				for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "guild="+g+" "); time.Sleep(10 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Errorf("the removal from guild %s is not logged:\n%s", g, logs)
						break
					}
				}
			}
		})
	}
}

// commandKind says which of the bot's commands names are: "all", the
// "admin" ones, the "others", or "none".
func commandKind(names []string) string {
	admin := []string{"add-document", "reindex", "remove-document"}
	var admins []string
	for _, n := range names {
		if slices.Contains(admin, n) {
			admins = append(admins, n)
		}
	}
	slices.Sort(admins)
	switch {
	case len(names) == 0:
		return "none"
	case len(admins) == 0:
		return "others"
	case !slices.Equal(admins, admin):
		return fmt.Sprintf("some admin commands: %v", admins)
	case len(names) == len(admins):
		return "admin"
	}
	return "all"
}
