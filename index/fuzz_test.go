package index

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAsk: any question, any bytes. Ask does not panic; it answers, with
// citations that stand in their source lines, or declines, with a note and
// no citations; and it says the same thing twice. The seeds run in every
// "go test"; "go test ./index -fuzz FuzzAsk" looks for more.
func FuzzAsk(f *testing.F) {
	for _, q := range []string{
		"What was stage 1?", "what are the success factors?", "comittee members", "What happened in 2009?",
		"Who wrote the article?", "When was KISA founded?", "how many stages are there?", "the 1990s",
		"Where can I get the best Korean barbecue?", "", " ", "\t\n", "?", "stage", "1", "2009 2010 2011",
		"/.*/", "*", "title:x", "a^9", `"unclosed`, "+-", "/.*/ /.*/ /.*/ stage~2", "((((stage))))",
		"text:stage +section:author -title:x", "\xff\xfe invalid \xc3\x28 utf8 stage 2", "stage\x00one",
		"😀🎉🚀", "@everyone what was stage 1?", "<script>alert(1)</script>", "../../etc/passwd",
		"e-government e-Government E-GOVERNMENT", "전자정부", "MOIS = Ministry", "stage \u202E1", "zero\u200Bwidth",
		strings.Repeat("stage ", 200), strings.Repeat("x", 600), strings.Repeat("What was the foundation stage? ", 40),
		"who wrote it and when was it published?", "KISA - when did it start, who ran it, and what did it merge?",
		"it? it? and it", "and and and what and who and", strings.Repeat("What is NIA? ", 30), "On-: when, who, and how?",
		"who's the author, what's his job, where did he study?", "he? she, his, her and him", "according to the, in the per the",
		"what does the essay say about stage 3?", "Was Korea first in the EPI in 2016?", "whats the difference btwn 3 and 4",
	} {
		f.Add(q)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, q string) {
		ix := embedded(t)
		a, err := ix.Ask(ctx, q, AskOptions{K: 3})
		if errors.Is(err, ErrEmptyQuestion) {
			if strings.TrimSpace(strings.ToValidUTF8(q, "")) != "" {
				t.Fatalf("Ask(%q): ErrEmptyQuestion for a question with something in it", q)
			}
			return
		}
		if err != nil {
			t.Fatalf("Ask(%q): %v", q, err)
		}
		if n := len(a.Questions); n == 1 || n > maxQuestionParts {
			t.Fatalf("Ask(%q): %d questions", q, n)
		}
		for _, part := range append([]Answer{a}, a.Questions...) {
			checkFuzzedAnswer(t, ix, q, part)
		}
		again, err := ix.Ask(ctx, q, AskOptions{K: 3})
		if err != nil || again.Answered != a.Answered || again.Text != a.Text || len(again.Citations) != len(a.Citations) || len(again.Questions) != len(a.Questions) {
			t.Fatalf("Ask(%q) twice: %v/%q then %v/%q (%v)", q, a.Answered, a.Text, again.Answered, again.Text, err)
		}
	})
}

// checkFuzzedAnswer checks an answer to question q (or to one of the
// questions it asks): answered with citations and text, or declined with a
// note; every citation in its source, valid UTF-8, highlights inside it.
func checkFuzzedAnswer(t *testing.T, ix *Index, q string, a Answer) {
	t.Helper()
	if a.Answered {
		if len(a.Citations) == 0 || strings.TrimSpace(a.Text) == "" || len(a.Suggestions) != 0 {
			t.Fatalf("Ask(%q): answered with %d citations, %d suggestions, text %q", q, len(a.Citations), len(a.Suggestions), a.Text)
		}
		a.Marked()
	} else if len(a.Citations) != 0 || a.Text != "" || a.Note == "" {
		t.Fatalf("Ask(%q): declined with %d citations, text %q, note %q", q, len(a.Citations), a.Text, a.Note)
	}
	for _, c := range append(append([]Citation(nil), a.Citations...), a.Suggestions...) {
		if why := ix.checkCitation(c); why != "" {
			t.Fatalf("Ask(%q): citation %s: %s", q, c.ID, why)
		}
		if !utf8.ValidString(c.Text) {
			t.Fatalf("Ask(%q): citation %s is not valid UTF-8", q, c.ID)
		}
		n := utf8.RuneCountInString(c.Text)
		for _, h := range c.Highlights {
			if h[0] < 0 || h[0] >= h[1] || h[1] > n {
				t.Fatalf("Ask(%q): citation %s: highlight %v outside its %d characters", q, c.ID, h, n)
			}
		}
	}
}
