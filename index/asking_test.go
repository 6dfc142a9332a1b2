package index

import (
	"strings"
	"testing"
)

func TestIsRemark(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{"thanks, that was helpful", true},
		{"you're the best", true},
		{"You’re the best!", true},
		{"that makes sense", true},
		{"help", true},
		{"i dont understand", true},
		{"yes", true},
		{"ok cool thx", true},
		// a topic word makes it a question, the remark words in it included
		{"How did e-government help citizens?", false},
		{"was the roadmap a good idea?", false},
		{"what was the best stage", false},
		{"thanks! who runs e-People?", false},
		// nothing but function words: not a remark, nothing to search either
		{"what is it?", false},
		{"", false},
		{"testing 123", false},
	} {
		if got := isRemark(c.msg); got != c.want {
			t.Errorf("isRemark(%q) = %v, want %v", c.msg, got, c.want)
		}
	}
}

func TestAskingSpans(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		q    string
		want []string // the ways of asking found
	}{
		{"hey can you help me understand what happened in stage 3", []string{"can you help me understand"}},
		{"I don’t get what the maturity stage was", []string{"I don’t get"}},
		{"i dont get what the maturity stage was", []string{"i dont get"}},
		{"Help me with KISA please", []string{"Help me with"}},
		{"im confused about stage 4, i forgot what launched", []string{"im confused about", "i forgot"}},
		// overlapping phrases are one span
		{"need this for the exam: when was G4C launched", []string{"need this for the exam"}},
		// how the answer is to be put
		{"explain stage 2 in simple terms", []string{"in simple terms"}},
		{"Can you summarize the key success factors in one sentence each?", []string{"in one sentence"}},
		// whole phrases only
		{"How did e-government help citizens?", nil},
		{"what is in one of the sentences", nil},
		{"what did the helpers do?", nil},
	} {
		var got []string
		for _, s := range askingSpans(c.q) {
			got = append(got, c.q[s[0]:s[1]])
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("askingSpans(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}
