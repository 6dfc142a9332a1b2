package bot

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// corpusBot is a bot on a real index of the given documents, in a corpus
// directory it can change.
func corpusBot(t *testing.T, files map[string]string) *Bot {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix := dirIndex(t, dir)
	b, _ := newTestBot(t, Options{Engine: ix, Rate: 1000, Reindexer: NewReindexer(ix, dir, nil)})
	return b
}

// dirIndex is an index in memory of the documents of dir, closed when the
// test ends.
func dirIndex(t *testing.T, dir string) *index.Index {
	t.Helper()
	ctx := context.Background()
	c, err := corpus.Load(ctx, os.DirFS(dir), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(ctx, c, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// buttonID is the custom_id of a reply's button with the label, or "".
func buttonID(rep Reply, label string) string {
	for _, b := range rep.Buttons {
		if b.Label == label {
			return b.ID
		}
	}
	return ""
}

// click presses a button as user "1".
func click(b *Bot, id, customID string) Reply {
	return b.Handle(context.Background(), Request{Kind: KindButton, ID: id, CustomID: customID, User: User{ID: "1"}})
}

// TestSearchMoreLongQuery: a /search query too long for the More button's
// custom_id is kept under the interaction's id, and so is it under each
// page's, so that the More button of page 2 shows page 3 instead of saying
// it has expired.
func TestSearchMoreLongQuery(t *testing.T) {
	b, _ := newTestBot(t, Options{Rate: 100})
	q := "government agency committee information internet security procurement stage development service"
	rep := b.Handle(context.Background(), slash("search", map[string]any{"query": q}, "1"))
	for page := 2; page <= 3; page++ {
		id := buttonID(rep, "More")
		if !strings.Contains(id, "#") {
			t.Fatalf("page %d: want a More button keeping the query in the cache (the query does not fit in its id), got %q", page-1, id)
		}
		rep = click(b, "click-"+strconv.Itoa(page), id)
		if first := (page-1)*5 + 1; len(rep.Embeds) == 0 || !strings.Contains(rep.Embeds[0].Description, "**"+strconv.Itoa(first)+".**") {
			t.Fatalf("page %d: %q %+v", page, rep.Content, rep.Embeds)
		}
	}
}

// TestMorePassagesNoRepeats: "More passages" follows on from every passage
// the answer showed (a list answer cites each of its items, more than a
// page), never showing one of them again, and numbers its passages after
// them.
func TestMorePassagesNoRepeats(t *testing.T) {
	b, _ := newTestBot(t, Options{Rate: 100})
	for _, q := range []string{"what are the success factors?", "What was stage 1?"} {
		rep := b.Handle(context.Background(), slash("ask", map[string]any{"question": q}, "2"))
		if len(rep.Embeds) == 0 {
			t.Fatalf("%q: %+v", q, rep)
		}
		fields := rep.Embeds[0].Fields
		shown := map[string]bool{}
		for _, f := range fields {
			shown[f.Value] = true
		}
		id := buttonID(rep, "More passages")
		if id == "" {
			t.Fatalf("%q: no More passages button", q)
		}
		more := click(b, "more-"+q, id)
		if len(more.Embeds) == 0 || len(more.Embeds[0].Fields) == 0 {
			t.Fatalf("%q: More passages: %+v", q, more)
		}
		for i, f := range more.Embeds[0].Fields {
			if shown[f.Value] {
				t.Errorf("%q: More passages shows again %s", q, f.Value)
			}
			if want := "[" + strconv.Itoa(len(fields)+i+1) + "]"; !strings.HasPrefix(f.Name, want) {
				t.Errorf("%q: More passages' field %d is %q, want it numbered %s", q, i, f.Name, want)
			}
		}
	}
}

// TestContextButtonsLongPaths: a message asking two questions of
// documents whose paths are too long for a button's custom_id gets a
// Context button for each question, each showing its own passage (they had
// shared one id, and Discord keeps one button per id).
func TestContextButtonsLongPaths(t *testing.T) {
	tea := "ruritania-" + strings.Repeat("x", 90) + "-tea.md"
	rivers := "ruritania-" + strings.Repeat("y", 90) + "-rivers.md"
	b := corpusBot(t, map[string]string{
		tea:    "# Tea in Ruritania\n\nThe Tea Board of Ruritania was founded in 1921 by Anton Brelk.\n",
		rivers: "# Rivers of Ruritania\n\nThe Vltava flows through Prague, and the Strel flows through Zenda.\n",
	})
	rep := Fit(b.Handle(context.Background(), slash("ask", map[string]any{"question": "When was the Tea Board founded? And which river flows through Zenda?"}, "1")))
	if len(rep.Embeds) != 2 {
		t.Fatalf("want an answer to each question, got %d embeds", len(rep.Embeds))
	}
	want := []string{"Tea Board", "Zenda"}
	var n int
	for _, bt := range rep.Buttons {
		if !strings.HasPrefix(bt.Label, "Context") {
			continue
		}
		if n == len(want) {
			t.Fatalf("more Context buttons than questions: %+v", rep.Buttons)
		}
		ctx := click(b, "c-"+bt.ID, bt.ID)
		if len(ctx.Embeds) == 0 || !strings.Contains(ctx.Embeds[0].Description, want[n]) {
			t.Errorf("%s (%s): %+v, want the passage about %s", bt.Label, bt.ID, ctx, want[n])
		}
		n++
	}
	if n != len(want) {
		t.Errorf("%d Context buttons for %d questions: %+v", n, len(want), rep.Buttons)
	}
	// A forged place is expired, not a crash.
	if rep := click(b, "forged", "ctx:#nokey.7"); !strings.Contains(rep.Content, "expired") {
		t.Errorf("forged ctx id: %+v", rep)
	}
}

// TestAutocompleteLongPaths: a document whose path is longer than an
// autocomplete choice's value may be (100 characters; uploads may have 239
// bytes) is offered by its title, which /cite and /remove-document take.
func TestAutocompleteLongPaths(t *testing.T) {
	long := "long-" + strings.Repeat("a", 110) + ".md"
	b := corpusBot(t, map[string]string{
		long:     "# Long report\n\nThe long report is long.\n",
		"tea.md": "# Tea\n\nTea came in 1921.\n",
	})
	for _, cmd := range []string{"cite", "remove-document"} {
		r := Request{Kind: KindAutocomplete, Command: cmd, Options: map[string]any{"source": "long"}, Focused: "source", User: User{ID: "1"}, GuildID: "1", Permissions: 32}
		choices := Fit(b.Handle(context.Background(), r)).Choices
		if len(choices) != 1 || choices[0].Value != "Long report" {
			t.Errorf("/%s: typing \"long\" offers %+v, want the long-named document by its title", cmd, choices)
		}
	}
	cite := b.Handle(context.Background(), slash("cite", map[string]any{"source": "Long report"}, "1"))
	if len(cite.Embeds) == 0 || !strings.Contains(cite.Embeds[0].Description+cite.Embeds[0].Title, "Long report") {
		t.Errorf("/cite by the offered title: %+v", cite)
	}
	rm := slash("remove-document", map[string]any{"source": "Long report"}, "admin")
	rm.Permissions = 32
	if rep := b.Handle(context.Background(), rm); len(rep.Embeds) == 0 || !strings.Contains(rep.Embeds[0].Title, long) {
		t.Errorf("/remove-document by the offered title: %+v", rep)
	}
}

// TestExampleQuestion: the example a reply gives is one the documents
// answer: "What was stage 1?" of the case study, which numbers stages, and
// a question about a document of a server's own corpus, which does not.
func TestExampleQuestion(t *testing.T) {
	empty := func(b *Bot) string {
		return b.Handle(context.Background(), slash("ask", map[string]any{"question": "  "}, "1")).Content
	}
	b, _ := newTestBot(t, Options{Rate: 100})
	if got := empty(b); !strings.HasSuffix(got, "What was stage 1?") {
		t.Errorf("the case study: %q", got)
	}
	own := corpusBot(t, map[string]string{"tea.md": "# Tea in Ruritania\n\nThe Tea Board was founded in 1921.\n"})
	if got := empty(own); !strings.HasSuffix(got, "What is Tea in Ruritania about?") || strings.Contains(got, "stage") {
		t.Errorf("a corpus without stages: %q", got)
	}
	rep := own.Handle(context.Background(), Request{Kind: KindMention, ID: "m1", Text: "thanks!", User: User{ID: "2"}})
	if !strings.Contains(rep.Content, "What is Tea in Ruritania about?") {
		t.Errorf("a remark: %q", rep.Content)
	}
}

// Each question of a message that asks several has its own Context button,
// even when two of them cite the same passage first ("What is KONEPS? Who
// launched it?"): Fit, which every reply goes through on its way to
// Discord, drops a button whose id repeats another's.
func TestEachQuestionHasAContextButton(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	rep := Fit(b.Handle(context.Background(), slash("ask", map[string]any{"question": "What is KONEPS? Who launched it?"}, "s6")))
	if len(rep.Embeds) != 2 {
		t.Fatalf("%d embeds, want 2", len(rep.Embeds))
	}
	var labels []string
	for _, bt := range rep.Buttons {
		if strings.HasPrefix(bt.Label, "Context") {
			labels = append(labels, bt.Label)
		}
	}
	if strings.Join(labels, ",") != "Context 1,Context 2" {
		t.Errorf("context buttons %q, want Context 1 and Context 2", labels)
	}
	for _, bt := range rep.Buttons {
		if bt.Label == "Context 2" {
			r := Request{Kind: KindButton, ID: "s6c", CustomID: bt.ID, User: User{ID: "s6"}}
			if got := b.Handle(context.Background(), r); len(got.Embeds) == 0 || !strings.Contains(got.Embeds[0].Description, "KONEPS") {
				t.Errorf("Context 2 shows %+v", got)
			}
		}
	}
}

// A follow-up is read with the asker's own last question only, in a DM as
// in a channel.
func TestFollowUpOtherUserAndDM(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	ctx := context.Background()
	ask := func(id, user, channel, guild, q string) string {
		r := slash("ask", map[string]any{"question": q}, user)
		r.ID, r.ChannelID, r.GuildID = id, channel, guild
		rep := b.Handle(ctx, r)
		if len(rep.Embeds) == 0 {
			return ""
		}
		return rep.Embeds[0].Title
	}
	ask("a1", "u1", "c1", "100", "What is KONEPS?")
	if got := ask("a2", "u2", "c1", "100", "who launched it?"); got != "who launched it?" {
		t.Errorf("another user's follow-up: %q", got)
	}
	ask("d1", "u3", "dm3", "", "What is KONEPS?")
	if got := ask("d2", "u3", "dm3", "", "who launched it?"); got != "who launched KONEPS?" {
		t.Errorf("a follow-up in a DM: %q", got)
	}
	// a follow-up that asks two things: both read with the question before
	rep := func() Reply {
		r := slash("ask", map[string]any{"question": "who launched it and when was it exported?"}, "u3")
		r.ID, r.ChannelID, r.GuildID = "d3", "dm3", ""
		return b.Handle(ctx, r)
	}()
	if len(rep.Embeds) != 2 || !strings.Contains(rep.Embeds[1].Title, "KONEPS") || !strings.Contains(rep.Embeds[0].Description, "Read as a follow-up") {
		var ts []string
		for _, e := range rep.Embeds {
			ts = append(ts, e.Title)
		}
		t.Errorf("two-part follow-up: %q", ts)
	}
}

// A mention longer than the question limit that asks several questions is
// read from its first 500 characters, which may cut its last question
// short: the reply says so, as an answer to one question does.
func TestSeveralQuestionsCutShortSaySo(t *testing.T) {
	t.Parallel()
	b, _ := newTestBot(t, Options{})
	msg := "I am reading the case study for my class and I have a few questions. " + strings.Repeat("I have been reading it for a while now. ", 9) + "What is KONEPS? Who launched it? When did stage 2 end and what came after it?"
	rep := b.Handle(context.Background(), Request{Kind: KindMention, ID: "lm", Text: msg, User: User{ID: "lm"}})
	if len(rep.Embeds) < 2 {
		t.Fatalf("%d embeds, want one a question", len(rep.Embeds))
	}
	for _, e := range rep.Embeds {
		if strings.Contains(e.Description, "Only the first 500 characters") {
			return
		}
	}
	t.Errorf("no embed says the message was cut short; last title %q", rep.Embeds[len(rep.Embeds)-1].Title)
}

// TestSearchPhrasesAndExclusions: /search reads a phrase in quotes (the
// typographic quotes a phone types too) and a word left out with a minus
// sign, and tells a member who only leaves words out what to add.
func TestSearchPhrasesAndExclusions(t *testing.T) {
	b, _ := newTestBot(t, Options{Rate: 100})
	search := func(q string) Reply {
		return b.Handle(context.Background(), slash("search", map[string]any{"query": q}, "s-"+q))
	}
	rep := search("“smart work” -sejong")
	if len(rep.Embeds) == 0 || !strings.Contains(rep.Embeds[0].Description, "Smart Work") {
		t.Fatalf("“smart work” -sejong: %q %+v", rep.Content, rep.Embeds)
	}
	for _, entry := range strings.Split(rep.Embeds[0].Description, "\n**")[1:] {
		if text := strings.ReplaceAll(entry, "**", ""); !strings.Contains(text, "Smart Work") || strings.Contains(text, "Sejong") {
			t.Errorf("“smart work” -sejong lists %q", entry)
		}
	}
	rep = search("-covid")
	if !rep.Private || !strings.Contains(rep.Content, "as well as the ones to leave out") {
		t.Errorf("-covid: %+v", rep)
	}
}

// TestSearchInDocument: /search's document option narrows the passages
// listed to one document, its More button keeps to that document on the
// next page, and a document not in the index is named in the reply.
func TestSearchInDocument(t *testing.T) {
	b, _ := newTestBot(t, Options{Rate: 100})
	rep := b.Handle(context.Background(), slash("search", map[string]any{"query": "government", "document": "Stages of Korean e-government in detail"}, "d1"))
	if len(rep.Embeds) == 0 || !strings.Contains(rep.Embeds[0].Title, "notes/stages.md") {
		t.Fatalf("%q %+v", rep.Content, rep.Embeds)
	}
	for page := 1; ; page++ {
		entries := strings.Split(rep.Embeds[0].Description, "\n**")
		for _, e := range entries {
			if !strings.Contains(e, "`notes/stages.md:") {
				t.Errorf("page %d lists %q", page, e)
			}
		}
		id := buttonID(rep, "More")
		if id == "" {
			if page < 2 {
				t.Fatal("no second page; the test needs one")
			}
			break
		}
		if page == 3 {
			break
		}
		rep = click(b, "d-more-"+strconv.Itoa(page), id)
		if len(rep.Embeds) == 0 {
			t.Fatalf("page %d: %+v", page+1, rep)
		}
	}
	rep = b.Handle(context.Background(), slash("search", map[string]any{"query": "government", "document": "no such thing"}, "d2"))
	if !rep.Private || !strings.Contains(rep.Content, `No document is called "no such thing"`) {
		t.Errorf("unknown document: %+v", rep)
	}
}
