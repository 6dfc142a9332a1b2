package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/casebot/casebot/index"
)

func TestMarkdown(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		text string
		hl   [][2]int
		want string
	}{
		{"plain", "Stage 1 is the foundation.", nil, "Stage 1 is the foundation."},
		{"bold", "Stage 1 is the foundation.", [][2]int{{0, 5}, {6, 7}}, "**Stage** **1** is the foundation."},
		{"adjacent ranges merge", "abcdef", [][2]int{{0, 2}, {2, 4}}, "**abcd**ef"},
		{"out of range clamped", "abc", [][2]int{{-3, 1}, {2, 99}}, "**a**b**c**"},
		{"multi-byte offsets are runes", "한국 NIA 기관", [][2]int{{3, 6}}, "한국 **NIA** 기관"},
		{"markdown escaped", `a*b_c~d` + "`e|f\\g", nil, `a\*b\_c\~d` + "\\`e\\|f\\\\g"},
		{"quote and heading at line start escaped", "> not a quote\n# not a heading\nmid > and # stay", nil, "\\> not a quote\n\\# not a heading\nmid > and # stay"},
		{"link wrapped, not escaped", "see https://example.com/a_b*c.", nil, "see <https://example.com/a_b*c>."},
		{"link already wrapped", "see <https://example.com/a_b>", nil, "see <https://example.com/a_b>"},
		{"no bold inside a link", "go to https://nia.or.kr now", [][2]int{{6, 20}}, "go to <https://nia.or.kr> now"},
		{"@everyone is left to allowed_mentions", "@everyone look", nil, "@everyone look"},
		{"the document's bold dropped", "**PPS** (Public Procurement Service): runs KONEPS.", [][2]int{{16, 27}}, "PPS (Public **Procurement** Service): runs KONEPS."},
		{"highlight inside the document's bold", "**PPS** runs it", [][2]int{{2, 5}}, "**PPS** runs it"},
		{"an unpaired ** is escaped", "**a** and ** b", nil, `a and \*\* b`},
	} {
		if got := markdown(c.text, c.hl); got != c.want {
			t.Errorf("%s: markdown(%q) = %q, want %q", c.name, c.text, got, c.want)
		}
	}
}

// TestAnswerText checks the quoted answer against the engine's own
// marking, for an ordinary answer and a list: the same words in bold, and
// each quote followed by the number of its citation.
// TestCitationPlace: a citation's place is one code span whatever its
// file's name holds: a backtick in the name would end the span early.
func TestCitationPlace(t *testing.T) {
	t.Parallel()
	c := index.Citation{Source: "notes/a`b`.md", LineStart: 3, LineEnd: 4, Text: "Some text."}
	for _, v := range []string{citationField(1, c, "").Value, quotedField(1, c, nil).Value} {
		if place, _, _ := strings.Cut(v, "\n"); !strings.HasPrefix(place, "`notes/a'b'.md:3-4`") || strings.Count(place, "`") != 2 {
			t.Errorf("place %q", place)
		}
	}
}

func TestAnswerText(t *testing.T) {
	t.Parallel()
	ix := testIndex(t)
	for _, q := range []string{"What was stage 1?", "What are the success factors?", "who are the comittee members"} {
		a, err := ix.Ask(context.Background(), q, index.AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		got := answerText(a, func(i int) int { return i + 1 })
		want := a.Marked()
		if a.List {
			if !strings.HasPrefix(got, "- ") || strings.Count(got, "\n- ") != strings.Count(a.Text, "\n- ") {
				t.Errorf("%q: list lost its items:\n%s", q, got)
			}
			for i, item := range strings.Split(got, "\n") {
				if !strings.HasSuffix(item, fmt.Sprintf(" [%d]", i+1)) {
					t.Errorf("%q: item %d does not cite [%d]: %q", q, i+1, i+1, item)
				}
			}
			got = regexp.MustCompile(` \[\d+\]`).ReplaceAllString(got, "")
		} else {
			want = "> " + want + " [1]"
		}
		if strings.ReplaceAll(got, `\`, "") != strings.ReplaceAll(want, `\`, "") {
			t.Errorf("%q:\n got %q\nwant %q", q, got, want)
		}
	}
}

// A table row is quoted under its header row, in italics, which says what
// its cells are.
func TestAnswerTextColumns(t *testing.T) {
	t.Parallel()
	ix := testIndex(t)
	a, err := ix.Ask(context.Background(), "Was Korea first in the EPI in 2016?", index.AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(answerText(a, func(i int) int { return i + 1 }), `\`, "")
	if !strings.HasPrefix(got, "*Survey | EGDI rank | EPI rank*\n> ") || !strings.Contains(got, "2016") {
		t.Errorf("answer %q, want the header row in italics above the quoted row", got)
	}
	rep := answerReply(a, ix.Info(), answerOptions{})
	if f := rep.Embeds[0].Fields[0]; !strings.Contains(strings.ReplaceAll(f.Value, `\`, ""), "*Survey | EGDI rank | EPI rank*") {
		t.Errorf("first citation %q, want its header row", f.Value)
	}
}

// TestQuotedOnce: the passage an answer quotes is not quoted again as its
// citation; the citation says where it stands and shows only the rest.
func TestQuotedOnce(t *testing.T) {
	t.Parallel()
	ix := testIndex(t)
	for _, q := range []string{"What was stage 1?", "What happened in 2009?", "What are the success factors?"} {
		a, err := ix.Ask(context.Background(), q, index.AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		rep := answerReply(a, ix.Info(), answerOptions{})
		e := rep.Embeds[0]
		first := e.Fields[0]
		if !strings.HasPrefix(first.Name, "[1] ") || !strings.Contains(first.Value, "quoted above") ||
			!strings.Contains(first.Value, "`"+lines(a.Citations[0])+"`") {
			t.Errorf("%q: first citation %+v, want its place and \"quoted above\"", q, first)
		}
		for _, p := range a.Parts() {
			if len([]rune(p.Text)) < 20 {
				continue
			}
			plainField := strings.NewReplacer(`\`, "", "**", "").Replace(fmt.Sprint(e.Fields))
			if strings.Contains(plainField, p.Text) {
				t.Errorf("%q: the quote %q is repeated in a citation", q, p.Text)
			}
			if !strings.Contains(strings.NewReplacer(`\`, "", "**", "").Replace(e.Description), p.Text) {
				t.Errorf("%q: the quote %q is not in the answer", q, p.Text)
			}
		}
	}
}

func TestUnquoted(t *testing.T) {
	t.Parallel()
	c := index.Citation{Text: "First sentence here. Second one follows.\nThird on a line.", Highlights: [][2]int{{21, 27}}}
	for _, tc := range []struct {
		quoted []string
		want   string
	}{
		{[]string{"First sentence here."}, "[…] **Second** one follows.\nThird on a line."},
		{[]string{"Second one follows. Third on a line."}, "First sentence here. […]"},
		{[]string{"First sentence here. Second one follows. Third on a line."}, ""},
		{[]string{"not in it"}, "First sentence here. **Second** one follows.\nThird on a line."},
	} {
		if got := unquoted(c, tc.quoted); got != tc.want {
			t.Errorf("unquoted(%q) = %q, want %q", tc.quoted, got, tc.want)
		}
	}
}
