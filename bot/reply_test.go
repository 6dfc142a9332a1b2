package bot

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// discordRefuses lists what Discord would refuse in a reply, with the
// limits written out here rather than taken from the constants Fit uses.
func discordRefuses(r Reply) []string {
	var errs []string
	n := utf8.RuneCountInString
	check := func(what, s string, max int) {
		if n(s) > max {
			errs = append(errs, fmt.Sprintf("%s is %d long (max %d)", what, n(s), max))
		}
		if !utf8.ValidString(s) {
			errs = append(errs, what+" is not UTF-8")
		}
	}
	check("content", r.Content, 2000)
	if r.Content == "" && len(r.Embeds) == 0 && len(r.Choices) == 0 {
		errs = append(errs, "empty message")
	}
	if len(r.Embeds) > 10 {
		errs = append(errs, fmt.Sprintf("%d embeds", len(r.Embeds)))
	}
	total := 0
	for i, e := range r.Embeds {
		check(fmt.Sprintf("embed %d title", i), e.Title, 256)
		check(fmt.Sprintf("embed %d description", i), e.Description, 4096)
		check(fmt.Sprintf("embed %d footer", i), e.Footer, 2048)
		total += n(e.Title) + n(e.Description) + n(e.Footer)
		if len(e.Fields) > 25 {
			errs = append(errs, fmt.Sprintf("embed %d has %d fields", i, len(e.Fields)))
		}
		for j, f := range e.Fields {
			check(fmt.Sprintf("field %d.%d name", i, j), f.Name, 256)
			check(fmt.Sprintf("field %d.%d value", i, j), f.Value, 1024)
			if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
				errs = append(errs, fmt.Sprintf("field %d.%d is empty", i, j))
			}
			total += n(f.Name) + n(f.Value)
		}
	}
	if total > 6000 {
		errs = append(errs, fmt.Sprintf("embeds total %d", total))
	}
	if len(r.Buttons) > 25 {
		errs = append(errs, fmt.Sprintf("%d buttons", len(r.Buttons)))
	}
	ids := map[string]bool{}
	for _, b := range r.Buttons {
		check("button label", b.Label, 80)
		if b.ID == "" || n(b.ID) > 100 || ids[b.ID] {
			errs = append(errs, fmt.Sprintf("button id %q", b.ID))
		}
		ids[b.ID] = true
	}
	if len(r.Choices) > 25 {
		errs = append(errs, fmt.Sprintf("%d choices", len(r.Choices)))
	}
	for _, c := range r.Choices {
		check("choice name", c.Name, 100)
		if s, ok := c.Value.(string); ok {
			check("choice value", s, 100)
		}
	}
	return errs
}

func TestFit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("The **National** Information Society Agency built the network. ", 2000) // ~130k
	wide := strings.Repeat("한국정보화진흥원 ", 3000)                                                       // multi-byte
	field := func(k int) []Field {
		var fs []Field
		for i := range k {
			fs = append(fs, Field{Name: fmt.Sprintf("[%d] %s", i, long[:600]), Value: long})
		}
		return fs
	}
	var manyButtons []Button
	for i := range 40 {
		manyButtons = append(manyButtons, Button{Label: long, ID: fmt.Sprintf("b%d", i%30)})
	}
	manyButtons = append(manyButtons, Button{Label: "too long id", ID: strings.Repeat("x", 101)}, Button{Label: "no id"})
	var manyChoices []Choice
	for i := range 60 {
		manyChoices = append(manyChoices, Choice{Name: wide, Value: fmt.Sprint(i)})
	}
	manyChoices = append(manyChoices, Choice{Name: "long value", Value: strings.Repeat("v", 101)}, Choice{Name: "int", Value: 3})
	var manyEmbeds []Embed
	for range 30 {
		manyEmbeds = append(manyEmbeds, Embed{Title: long, Description: long, Fields: field(40), Footer: long})
	}

	for _, c := range []struct {
		name string
		in   Reply
		// check looks at what Fit kept, beyond Discord's limits.
		check func(t *testing.T, out Reply)
	}{
		{"empty reply gets a placeholder", Reply{}, func(t *testing.T, out Reply) {
			if out.Content == "" {
				t.Error("empty")
			}
		}},
		{"short reply unchanged", Reply{Content: "hello", Embeds: []Embed{{Title: "t", Description: "d", Fields: []Field{{"n", "v"}}, Footer: "f"}}}, func(t *testing.T, out Reply) {
			if out.Content != "hello" || out.Embeds[0].Fields[0] != (Field{"n", "v"}) || out.Embeds[0].Footer != "f" {
				t.Errorf("changed: %+v", out)
			}
		}},
		{"huge content", Reply{Content: long}, func(t *testing.T, out Reply) {
			if !strings.HasSuffix(out.Content, "…") {
				t.Errorf("cut content does not end in …: %q", out.Content[len(out.Content)-20:])
			}
		}},
		{"huge multi-byte content", Reply{Content: wide}, nil},
		{"30 embeds of 40 huge fields", Reply{Embeds: manyEmbeds}, func(t *testing.T, out Reply) {
			if len(out.Embeds) != 10 {
				t.Errorf("%d embeds kept, want 10", len(out.Embeds))
			}
		}},
		{"one embed, 40 huge fields: passages shortened, not dropped first", Reply{Embeds: []Embed{{Title: "q", Description: long, Fields: field(4)}}}, func(t *testing.T, out Reply) {
			if len(out.Embeds[0].Fields) != 4 {
				t.Errorf("%d fields kept, want all 4 (shortened)", len(out.Embeds[0].Fields))
			}
			for _, f := range out.Embeds[0].Fields {
				if !strings.HasSuffix(f.Value, "…") {
					t.Errorf("shortened value does not end in …")
				}
			}
		}},
		{"empty field name and value", Reply{Embeds: []Embed{{Fields: []Field{{"", ""}, {" ", "\n"}}}}}, nil},
		{"title with newlines", Reply{Embeds: []Embed{{Title: "a\nb\tc", Description: "x"}}}, func(t *testing.T, out Reply) {
			if out.Embeds[0].Title != "a b c" {
				t.Errorf("title %q", out.Embeds[0].Title)
			}
		}},
		{"buttons: too many, duplicate, bad ids", Reply{Content: "x", Buttons: manyButtons}, func(t *testing.T, out Reply) {
			if len(out.Buttons) != 25 {
				t.Errorf("%d buttons kept, want 25", len(out.Buttons))
			}
		}},
		{"choices: too many, too long", Reply{Choices: manyChoices}, func(t *testing.T, out Reply) {
			if len(out.Choices) != 25 || out.Content != "" {
				t.Errorf("%d choices kept (want 25), content %q", len(out.Choices), out.Content)
			}
		}},
		{"invalid UTF-8", Reply{Content: "abc\xff\xfe" + long}, nil},
		{"bare links wrapped", Reply{Content: "see https://example.com/a_b, and <https://example.org> and [x](https://example.net)."}, func(t *testing.T, out Reply) {
			want := "see <https://example.com/a_b>, and <https://example.org> and [x](https://example.net)."
			if out.Content != want {
				t.Errorf("got  %q\nwant %q", out.Content, want)
			}
		}},
		{"links in code left alone", Reply{Content: "```\nhttps://example.com/x\n``` and `https://example.com/y` but https://example.com/z"}, func(t *testing.T, out Reply) {
			want := "```\nhttps://example.com/x\n``` and `https://example.com/y` but <https://example.com/z>"
			if out.Content != want {
				t.Errorf("got  %q\nwant %q", out.Content, want)
			}
		}},
		{"bold kept balanced when cut", Reply{Embeds: []Embed{{Description: strings.Repeat("word ", 900) + "**" + strings.Repeat("bold ", 400) + "**"}}}, func(t *testing.T, out Reply) {
			if strings.Count(out.Embeds[0].Description, "**")%2 != 0 {
				t.Errorf("unbalanced ** after the cut: …%q", out.Embeds[0].Description[len(out.Embeds[0].Description)-30:])
			}
		}},
		{"cut link dropped, not broken", Reply{Content: strings.Repeat("a ", 990) + "<https://example.com/" + strings.Repeat("p", 100) + ">"}, func(t *testing.T, out Reply) {
			if strings.Contains(out.Content, "<https") {
				t.Errorf("a cut link survived: …%q", out.Content[len(out.Content)-40:])
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := Fit(c.in)
			for _, e := range discordRefuses(out) {
				t.Error(e)
			}
			if c.check != nil {
				c.check(t, out)
			}
			if again := Fit(out); fmt.Sprint(again) != fmt.Sprint(out) {
				t.Error("Fit is not idempotent")
			}
		})
	}
}

func TestCut(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four five six seven", 20, "one two three…"},
		{"**bold words that go on and on**", 20, "**bold words**…"},
		{"a `code span that is long`", 20, "a `code span`…"},
		{`ends in a backslash \\\* here and more text`, 26, `ends in a backslash…`},
		{"abcdefghijklmnopqrstuvwxyz", 5, "abcde"},
		// escaped marks, as markdown writes a document's own, open nothing
		{"the \\` key and \\*\\* stars go on and on", 28, "the \\` key and \\*\\*…"},
	} {
		got := cut(c.in, c.n)
		if got != c.want {
			t.Errorf("cut(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if utf8.RuneCountInString(got) > c.n {
			t.Errorf("cut(%q, %d) is %d long", c.in, c.n, utf8.RuneCountInString(got))
		}
	}
}
