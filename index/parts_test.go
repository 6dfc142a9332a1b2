package index

import (
	"strings"
	"testing"
)

// TestParts joins each answer's parts as the separators say and gets its
// Text, and puts "**" around their highlights and gets Marked.
func TestParts(t *testing.T) {
	for _, q := range []string{
		"What was stage 1?", "What are the success factors?", "What happened in 2009?",
		"comittee members", "What is 한국정보화진흥원?", "Who wrote the article?",
	} {
		a := ask(t, q)
		if !a.Answered {
			continue
		}
		parts := a.Parts()
		if len(parts) == 0 {
			t.Fatalf("%q: no parts", q)
		}
		var text, marked strings.Builder
		for i, p := range parts {
			switch {
			case a.List:
				if i > 0 {
					text.WriteString("\n")
					marked.WriteString("\n")
				}
				text.WriteString(ListItemPrefix)
				marked.WriteString(ListItemPrefix)
			case i > 0 && parts[i-1].Citation == p.Citation:
				text.WriteString(SameCitationSep)
				marked.WriteString(SameCitationSep)
			case i > 0:
				text.WriteString(OtherCitationSep)
				marked.WriteString(OtherCitationSep)
			}
			if p.Citation < 0 || p.Citation >= len(a.Citations) {
				t.Errorf("%q: part cites %d of %d", q, p.Citation, len(a.Citations))
			}
			text.WriteString(p.Text)
			rs := []rune(p.Text)
			at := 0
			for _, h := range p.Highlights {
				marked.WriteString(string(rs[at:h[0]]) + "**" + string(rs[h[0]:h[1]]) + "**")
				at = h[1]
			}
			marked.WriteString(string(rs[at:]))
		}
		if text.String() != a.Text {
			t.Errorf("%q: parts join to\n%q\nText is\n%q", q, text.String(), a.Text)
		}
		if marked.String() != a.Marked() {
			t.Errorf("%q: parts mark to\n%q\nMarked is\n%q", q, marked.String(), a.Marked())
		}
		if !a.QuotedCitations()[parts[0].Citation] {
			t.Errorf("%q: QuotedCitations lacks %d", q, parts[0].Citation)
		}
	}
	if p := (Answer{Text: "plain"}).Parts(); len(p) != 1 || p[0].Citation != -1 || p[0].Text != "plain" {
		t.Errorf("an answer without quotes: %+v", p)
	}
}
