package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casebot/casebot/bot/discordtest"
)

// manageServer is the Manage Server permission, as Discord sends it.
const manageServer = "32"

// admin dispatches a slash command from a member who can manage the server.
func (s *served) admin(t *testing.T, name string, opts map[string]any) discordtest.Interaction {
	t.Helper()
	return s.adminIn(t, guildID, name, opts)
}

// adminIn dispatches a slash command from a member who can manage the
// server guild, or from a DM when guild is "" (where Discord sends no
// permissions).
func (s *served) adminIn(t *testing.T, guild, name string, opts map[string]any) discordtest.Interaction {
	t.Helper()
	i := s.fake.SlashCommand(name, opts, user("7"), guild)
	if i.Member != nil {
		i.Member.Permissions = manageServer
	}
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

// perm is a file's permission bits.
func perm(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
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
	dir := teaCorpus(t, top)
	writeFile(t, filepath.Join(dir, "rivers.md"), "# Rivers\n\nThe river Vltava flows through Prague and joins the Elbe at Melnik.\n")
	writeFile(t, filepath.Join(dir, "notes", "ports.md"), "# Ports\n\nThe port of Gdynia was built between 1921 and 1930.\n")
	writeFile(t, filepath.Join(top, "victim.md"), "# Outside\n\nThis file is outside the corpus directory.\n")
	if err := os.Symlink(top, filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	// A named pipe: opening it would wait for a writer forever.
	pipe := mkfifo(t, filepath.Join(dir, "pipe.md"))
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
		if !strings.Contains(txt, "`escape`: symbolic link") || (pipe && !strings.Contains(txt, "`pipe.md`: a named pipe")) {
			t.Errorf("dry run does not list the skipped link and pipe with their reasons: %s", txt)
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
		// Made as any new file is (0644 less the umask), not private.
		writeFile(t, filepath.Join(top, "probe"), "")
		if got, want := perm(t, filepath.Join(dir, "harbour_notes.md")), perm(t, filepath.Join(top, "probe")); got != want && runtime.GOOS != "windows" {
			t.Errorf("harbour_notes.md: mode %v, want %v", got, want)
		}
		rep = s.answer(t, s.slash(t, "ask", map[string]any{"question": "How much grain does the harbour of Port Zembla handle?"}, user("52")))
		if !citesSource(rep, "harbour_notes.md") || !strings.Contains(embedText(rep), "12 million tonnes") {
			t.Errorf("the added document is not answered from: %s", embedText(rep))
		}

		again := fake.AddAttachment("harbour_notes.md", []byte("# Harbour\n\nThe harbour of Port Zembla handles 14 million tonnes of grain a year.\n"))
		refused(t, s.answer(t, s.admin(t, "add-document", map[string]any{"file": again})), "already a document called `harbour_notes.md`")
		if err := os.Chmod(filepath.Join(dir, "harbour_notes.md"), 0o664); err != nil {
			t.Fatal(err)
		}
		rep = s.answer(t, s.admin(t, "add-document", map[string]any{"file": again, "replace": true}))
		if txt := embedText(rep); !strings.Contains(txt, "Replaced harbour_notes.md") || !strings.Contains(txt, "Changed (1)") {
			t.Errorf("replace: %s", txt)
		}
		if got := perm(t, filepath.Join(dir, "harbour_notes.md")); got != 0o664 && runtime.GOOS != "windows" {
			t.Errorf("replaced harbour_notes.md: mode %v, want the old file's, -rw-rw-r--", got)
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
			{"right-to-left override", fake.AddAttachment("invoice\u202Efdp.md", []byte("# Invoice\n\nGotcha.\n")), "invisible formatting character (U+202E)"},
			{"zero-width space", fake.AddAttachment("tea\u200B.md", []byte("# Tea\n\nGotcha.\n")), "invisible formatting character (U+200B)"},
			{"name too long for its temporary file", fake.AddAttachment(strings.Repeat("n", 247)+".md", []byte("# Long\n\nGotcha.\n")), "names may be up to 239 bytes"},
			{"binary with a .md name", fake.AddAttachment("binary.md", []byte("\x7fELF\x02\x01\x01\x00\x00\x00garbage")), "`binary.md` was not added: not a text file"},
			{"UTF-16 without a byte order mark", fake.AddAttachment("utf16.txt", []byte("C\x00a\x00f\x00\xe9\x00\n\x00")), "was not added: not a text file"},
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

// registered returns the names of the commands the last bulk overwrite of
// a scope registered: global for "", else the guild's.
func registered(t *testing.T, fake *discordtest.Server, guild string) []string {
	t.Helper()
	path := "/api/v9/applications/" + fake.ApplicationID() + "/commands"
	if guild != "" {
		path = "/api/v9/applications/" + fake.ApplicationID() + "/guilds/" + guild + "/commands"
	}
	r, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool { return r.Method == "PUT" && r.Path == path })
	if err != nil {
		t.Fatalf("no commands registered at %s: %v", path, err)
	}
	var cmds []struct{ Name string }
	if err := r.JSON(&cmds); err != nil || r.Status != 200 {
		t.Fatalf("%s: %v", r, err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	return names
}

// refusedElsewhere checks that a manager of a server other than the
// admin servers, and anyone in a DM, is refused each admin command
// privately with words saying where the documents are managed, and that
// the corpus directory, the index and the attachment are left alone.
func refusedElsewhere(t *testing.T, s *served, dir string, guilds ...string) {
	t.Helper()
	// A witness: any reindex would add it and change the version.
	writeFile(t, filepath.Join(dir, "pending.md"), "# Pending\n\nNot yet indexed.\n")
	defer os.Remove(filepath.Join(dir, "pending.md"))
	before, v := listing(t, dir), s.version(t)
	att := s.fake.AddAttachment("elsewhere.md", []byte("# Elsewhere\n\nWritten in another server.\n"))
	for _, g := range guilds {
		for _, c := range []struct {
			cmd  string
			opts map[string]any
		}{
			{"add-document", map[string]any{"file": att}},
			{"add-document", map[string]any{"file": att, "replace": true}},
			{"remove-document", map[string]any{"source": "tea.md"}},
			{"reindex", nil},
		} {
			rep := s.answer(t, s.adminIn(t, g, c.cmd, c.opts))
			if rep.Flags&64 == 0 || !strings.Contains(rep.Content, "managed from another server, so /"+c.cmd+" works only there. Nothing was changed.") {
				t.Errorf("/%s in guild %q: reply %q (flags %d), want a private refusal", c.cmd, g, rep.Content, rep.Flags)
			}
		}
	}
	if after := listing(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the corpus directory changed:\n%v\n%v", before, after)
	}
	if got := s.version(t); got != v {
		t.Errorf("index version %s, want %s", got, v)
	}
	for _, r := range s.fake.Requests() {
		if strings.HasPrefix(r.Path, "/attachments/"+att.ID+"/") {
			t.Errorf("downloaded an attachment given in another server: %s", r)
		}
	}
}

// TestServeAdminGuilds: a bot in several servers, its commands registered
// globally, serving one corpus directory that CASEBOT_ADMIN_GUILDS gives to
// one server. The admin commands are registered in that server alone; its
// managers add a document, which every server is answered from; a manager
// of another server, or anyone in a DM, changes nothing.
func TestServeAdminGuilds(t *testing.T) {
	t.Parallel()
	const adminGuild = "200" // the class that owns the documents; guildID is another
	dir := teaCorpus(t, t.TempDir())
	s := startGateway(t, map[string]string{
		"CASEBOT_CORPUS":       dir,
		"CASEBOT_INDEX":        filepath.Join(t.TempDir(), "index"),
		"DISCORD_GUILD_ID":     "", // global commands: the bot serves every server it is in
		"CASEBOT_ADMIN_GUILDS": adminGuild,
	})

	t.Run("admin commands registered only in the admin server", func(t *testing.T) {
		admin := []string{"reindex", "add-document", "remove-document"}
		global := registered(t, s.fake, "")
		for _, name := range admin {
			if slices.Contains(global, name) {
				t.Errorf("/%s is registered globally: %v", name, global)
			}
		}
		if !slices.Contains(global, "ask") {
			t.Errorf("global commands: %v", global)
		}
		if got := registered(t, s.fake, adminGuild); !slices.Equal(got, admin) {
			t.Errorf("guild %s: %v, want %v", adminGuild, got, admin)
		}
		for _, r := range s.fake.Requests() {
			if r.Method == "PUT" && strings.Contains(r.Path, "/guilds/"+guildID+"/") {
				t.Errorf("registered in the other server: %s", r)
			}
		}
	})

	t.Run("refused in another server and in a DM", func(t *testing.T) {
		refusedElsewhere(t, s, dir, guildID, "")
		i := s.fake.Autocomplete("remove-document", map[string]any{"source": ""}, "source", user("7"), guildID)
		i.Member.Permissions = manageServer
		if err := s.fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
		if rep := s.answer(t, i); len(rep.Choices) != 0 {
			t.Errorf("autocomplete offered another server's manager the documents: %+v", rep.Choices)
		}
		if d := s.answer(t, s.adminIn(t, guildID, "help", nil)).Embeds[0].Description; strings.Contains(d, "/reindex") {
			t.Errorf("/help in another server lists the admin commands: %q", d)
		}
	})

	t.Run("an admin of the admin server adds a document", func(t *testing.T) {
		att := s.fake.AddAttachment("harbour.md", []byte("# Harbour\n\nThe harbour of Port Zembla handles 12 million tonnes of grain a year.\n"))
		rep := s.answer(t, s.adminIn(t, adminGuild, "add-document", map[string]any{"file": att}))
		if txt := embedText(rep); rep.Flags&64 == 0 || !strings.Contains(txt, "Added harbour.md") {
			t.Errorf("/add-document in the admin server: %s", txt)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "harbour.md")); err != nil || !strings.Contains(string(b), "Port Zembla") {
			t.Errorf("not stored: %v", err)
		}
		// One corpus: the other server is answered from it too.
		rep = s.answer(t, s.slash(t, "ask", map[string]any{"question": "How much grain does the harbour of Port Zembla handle?"}, user("52")))
		if !citesSource(rep, "harbour.md") {
			t.Errorf("the added document is not answered from: %s", embedText(rep))
		}
		if d := s.answer(t, s.adminIn(t, adminGuild, "help", nil)).Embeds[0].Description; !strings.Contains(d, "**/add-document** *file* [*replace*]") {
			t.Errorf("/help in the admin server lists no admin commands: %q", d)
		}
	})

	if strings.Contains(s.out.String(), "CASEBOT_ADMIN_GUILDS") {
		t.Errorf("warned although CASEBOT_ADMIN_GUILDS is set:\n%s", s.out)
	}
}

// TestServeAdminGuildDefault: without CASEBOT_ADMIN_GUILDS, the server of
// DISCORD_GUILD_ID, where the commands are registered, is the admin
// server: a manager of another server (commands left registered there
// globally by an earlier run, say) changes nothing.
func TestServeAdminGuildDefault(t *testing.T) {
	t.Parallel()
	dir := teaCorpus(t, t.TempDir())
	s := startGateway(t, map[string]string{"CASEBOT_CORPUS": dir, "CASEBOT_INDEX": filepath.Join(t.TempDir(), "index")})
	if got := registered(t, s.fake, guildID); !slices.Contains(got, "add-document") || !slices.Contains(got, "ask") {
		t.Errorf("guild %s: %v, want every command", guildID, got)
	}
	refusedElsewhere(t, s, dir, "300")
	att := s.fake.AddAttachment("harbour.md", []byte("# Harbour\n\nThe harbour of Port Zembla handles 12 million tonnes of grain a year.\n"))
	if txt := embedText(s.answer(t, s.admin(t, "add-document", map[string]any{"file": att}))); !strings.Contains(txt, "Added harbour.md") {
		t.Errorf("/add-document in DISCORD_GUILD_ID's server: %s", txt)
	}
	if _, err := os.Stat(filepath.Join(dir, "harbour.md")); err != nil {
		t.Error(err)
	}
	if strings.Contains(s.out.String(), "CASEBOT_ADMIN_GUILDS") {
		t.Errorf("warned although DISCORD_GUILD_ID is set:\n%s", s.out)
	}
}

// TestServeAdminGuildsUnset: with neither CASEBOT_ADMIN_GUILDS nor
// DISCORD_GUILD_ID, any server's managers may change the documents, as
// before, and the log says so once, naming the setting; without a corpus
// directory there is nothing to warn of.
func TestServeAdminGuildsUnset(t *testing.T) {
	t.Parallel()
	dir := teaCorpus(t, t.TempDir())
	s := startGateway(t, map[string]string{"CASEBOT_CORPUS": dir, "CASEBOT_INDEX": filepath.Join(t.TempDir(), "index"), "DISCORD_GUILD_ID": ""})
	if got := registered(t, s.fake, ""); !slices.Contains(got, "add-document") {
		t.Errorf("global commands: %v, want every command", got)
	}
	if n := strings.Count(s.out.String(), "set CASEBOT_ADMIN_GUILDS"); n != 1 {
		t.Errorf("%d warnings naming CASEBOT_ADMIN_GUILDS, want 1:\n%s", n, s.out)
	}
	for _, g := range []string{guildID, "300"} {
		if txt := embedText(s.answer(t, s.adminIn(t, g, "reindex", map[string]any{"dry_run": true}))); !strings.Contains(txt, "Dry run") {
			t.Errorf("/reindex by a manager of guild %s: %s", g, txt)
		}
	}

	embedded := startGateway(t, map[string]string{"DISCORD_GUILD_ID": ""})
	if _, ok := waitLog(embedded.out, "index ready", 10*time.Second); !ok || strings.Contains(embedded.out.String(), "CASEBOT_ADMIN_GUILDS") {
		t.Errorf("the embedded corpus: want no warning:\n%s", embedded.out)
	}
}

// TestServeHTTPAdminGuilds: "casebot serve --http", which has no gateway,
// registers and checks the admin commands as the gateway does: globally
// without them, in the admin server alone; a signed /reindex from a
// manager of another server or from a DM changes nothing, and autocomplete
// there offers no document; in the admin server it runs.
func TestServeHTTPAdminGuilds(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	signer := discordtest.NewSigner()
	dir := teaCorpus(t, t.TempDir())
	const adminGuild = "200"
	s := startServe(t, fake, map[string]string{
		"DISCORD_PUBLIC_KEY":   signer.PublicKeyHex(),
		"DISCORD_APP_ID":       fake.ApplicationID(),
		"CASEBOT_CORPUS":       dir,
		"CASEBOT_INDEX":        filepath.Join(t.TempDir(), "index"),
		"CASEBOT_ADMIN_GUILDS": adminGuild,
	}, "--http", "127.0.0.1:0")
	line, ok := waitLog(s.out, "serving HTTP interactions", 5*time.Second)
	if !ok {
		t.Fatalf("no address logged:\n%s", s.out)
	}
	url := "http://" + regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(line)[1] + "/interactions"

	admin := []string{"reindex", "add-document", "remove-document"}
	if got := registered(t, fake, adminGuild); !slices.Equal(got, admin) {
		t.Errorf("guild %s: %v, want %v", adminGuild, got, admin)
	}
	if global := registered(t, fake, ""); slices.ContainsFunc(global, func(n string) bool { return slices.Contains(admin, n) }) {
		t.Errorf("admin commands registered globally: %v", global)
	}

	// post sends a signed interaction and returns the HTTP response's
	// type and message.
	post := func(i discordtest.Interaction) (int, discordtest.Reply) {
		t.Helper()
		if i.Member != nil {
			i.Member.Permissions = manageServer
		}
		req, err := signer.NewRequest(url, i, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Type int
			Data discordtest.Reply
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v", resp.Status, err)
		}
		return body.Type, body.Data
	}
	before := listing(t, dir)
	for _, g := range []string{guildID, ""} {
		_, rep := post(fake.SlashCommand("reindex", nil, user("7"), g))
		if rep.Flags&64 == 0 || !strings.Contains(rep.Content, "managed from another server") {
			t.Errorf("/reindex in guild %q: %q (flags %d), want a private refusal", g, rep.Content, rep.Flags)
		}
	}
	if typ, rep := post(fake.Autocomplete("remove-document", map[string]any{"source": ""}, "source", user("7"), guildID)); typ != 8 || len(rep.Choices) != 0 {
		t.Errorf("autocomplete in another server: type %d, choices %+v", typ, rep.Choices)
	}
	if typ, rep := post(fake.Autocomplete("remove-document", map[string]any{"source": ""}, "source", user("7"), adminGuild)); typ != 8 || len(rep.Choices) != 1 {
		t.Errorf("autocomplete in the admin server: type %d, choices %+v", typ, rep.Choices)
	}
	if after := listing(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the corpus directory changed: %v", after)
	}
	i := fake.SlashCommand("reindex", map[string]any{"dry_run": true}, user("7"), adminGuild)
	if typ, rep := post(i); typ == 5 {
		if txt := embedText(s.answer(t, i)); !strings.Contains(txt, "Dry run") {
			t.Errorf("/reindex in the admin server: %s", txt)
		}
	} else if txt := embedText(rep); !strings.Contains(txt, "Dry run") {
		t.Errorf("/reindex in the admin server: %s", txt)
	}
}

// TestServeStaleAdminCommands: three starts of "casebot serve" in turn,
// in a bot that is in servers 200 and 300. The first registers the admin
// commands in both; the second, with 300 taken out of
// CASEBOT_ADMIN_GUILDS, removes them from 300 and keeps them in 200; the
// third, with neither setting, registers them globally and removes 200's
// copies, so each shows once. (HTTP mode, whose runs stop cleanly at any
// time; the gateway does the same: TestRegisterRemovesStale.)
func TestServeStaleAdminCommands(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	fake.AddGuild("200")
	fake.AddGuild("300")
	signer := discordtest.NewSigner()
	dir := teaCorpus(t, t.TempDir())
	index := filepath.Join(t.TempDir(), "index")
	admin := []string{"reindex", "add-document", "remove-document"}
	// serve runs casebot until the test ends, and returns once it has
	// overwritten guild's commands.
	serve := func(t *testing.T, admins, guild string) {
		t.Helper()
		since := len(fake.Requests())
		startServe(t, fake, map[string]string{
			"DISCORD_PUBLIC_KEY": signer.PublicKeyHex(), "DISCORD_APP_ID": fake.ApplicationID(),
			"CASEBOT_CORPUS": dir, "CASEBOT_INDEX": index, "CASEBOT_ADMIN_GUILDS": admins,
		}, "--http", "127.0.0.1:0")
		path := "/api/v9/applications/" + fake.ApplicationID() + "/guilds/" + guild + "/commands"
		if _, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool {
			return r.Seq > since && r.Method == "PUT" && r.Path == path
		}); err != nil {
			t.Fatalf("guild %s: no overwrite: %v", guild, err)
		}
	}
	scopes := func() map[string][]string {
		return map[string][]string{"": fake.CommandNames(""), "200": fake.CommandNames("200"), "300": fake.CommandNames("300")}
	}
	t.Run("an earlier run, two admin servers", func(t *testing.T) {
		serve(t, "200,300", "300")
		if got := scopes(); !slices.Equal(got["200"], admin) || !slices.Equal(got["300"], admin) {
			t.Errorf("commands %v, want the admin ones in 200 and 300", got)
		}
	})
	t.Run("300 no longer an admin server", func(t *testing.T) {
		serve(t, "200", "300")
		got := scopes()
		if !slices.Equal(got["200"], admin) || len(got["300"]) != 0 || slices.Contains(got[""], "reindex") {
			t.Errorf("commands %v, want the admin ones in 200 alone", got)
		}
	})
	t.Run("neither setting", func(t *testing.T) {
		serve(t, "", "200")
		got := scopes()
		for _, name := range admin {
			if n := strings.Count(" "+strings.Join(append(got[""], got["200"]...), " ")+" ", " "+name+" "); n != 1 {
				t.Errorf("/%s shows %d times in server 200: %v", name, n, got)
			}
		}
		if len(got["300"]) != 0 {
			t.Errorf("server 300: %v", got["300"])
		}
	})
}

// teaCorpus writes a corpus directory of one document, tea.md, under top
// and returns its path.
func teaCorpus(t *testing.T, top string) string {
	t.Helper()
	dir := filepath.Join(top, "corpus")
	writeFile(t, filepath.Join(dir, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	return dir
}
