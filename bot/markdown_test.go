package bot

import (
	"context"
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

func TestMarkedRanges(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		marked, plain string
		want          [][2]int
	}{
		{"**Stage** **1** is", "Stage 1 is", [][2]int{{0, 5}, {6, 7}}},
		{"no marks", "no marks", nil},
		{"한국 **NIA**", "한국 NIA", [][2]int{{3, 6}}},
		{"text has ** in it **x**", "text has ** in it x", [][2]int{{18, 19}}},
		{"not the same text", "other text", nil},
	} {
		got := markedRanges(c.marked, c.plain)
		if len(got) != len(c.want) {
			t.Errorf("markedRanges(%q) = %v, want %v", c.marked, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("markedRanges(%q) = %v, want %v", c.marked, got, c.want)
			}
		}
	}
}

// TestAnswerText checks the quoted answer against the engine's own
// marking, for an ordinary answer and a list.
func TestAnswerText(t *testing.T) {
	t.Parallel()
	ix := testIndex(t)
	for _, q := range []string{"What was stage 1?", "What are the success factors?", "What does the comittee do?"} {
		a, err := ix.Ask(context.Background(), q, index.AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		got := answerText(a)
		want := a.Marked()
		if a.List {
			if !strings.HasPrefix(got, "- ") || strings.Count(got, "\n- ") != strings.Count(a.Text, "\n- ") {
				t.Errorf("%q: list lost its items:\n%s", q, got)
			}
		} else {
			want = "> " + want
		}
		if strings.ReplaceAll(got, `\`, "") != strings.ReplaceAll(want, `\`, "") {
			t.Errorf("%q:\n got %q\nwant %q", q, got, want)
		}
	}
}
