package index

import (
	"strings"
	"unicode/utf8"
)

// Part is a stretch of an answer's text: a piece of one citation's text,
// with the question's words it holds. Renderers (the terminal, Discord)
// build the answer from its parts and their highlight ranges rather than
// from Marked's markers.
type Part struct {
	// Citation is the index in Answer.Citations of the passage the part
	// quotes, or -1 for text that quotes none.
	Citation int `json:"citation"`
	// Text is the stretch, its line breaks made spaces.
	Text string `json:"text"`
	// Highlights are the matched words, as [start, end) offsets into Text
	// in characters (Unicode code points).
	Highlights [][2]int `json:"highlights,omitempty"`
}

// Part separators: Answer.Text is its parts joined with these.
const (
	// ListItemPrefix starts each part of a list answer, one a line.
	ListItemPrefix = "- "
	// SameCitationSep joins two parts from one citation.
	SameCitationSep = " "
	// OtherCitationSep joins parts from different citations.
	OtherCitationSep = " … "
)

// Parts returns the answer's text as the stretches of citation text it
// quotes, in order. Joined as Answer.Text is (see ListItemPrefix,
// SameCitationSep, OtherCitationSep), they give Text. An answer not built
// by Ask (no quoted parts) is one part with no citation.
func (a Answer) Parts() []Part {
	if len(a.quote) == 0 {
		if a.Text == "" {
			return nil
		}
		return []Part{{Citation: -1, Text: a.Text}}
	}
	out := make([]Part, 0, len(a.quote))
	for _, q := range a.quote {
		c := a.Citations[q.cit]
		text := strings.ReplaceAll(c.Text[q.start:q.end], "\n", " ")
		var hl [][2]int
		for _, h := range c.bytesHL {
			s, e := max(h[0], q.start), min(h[1], q.end)
			if s >= e {
				continue
			}
			hl = append(hl, [2]int{
				utf8.RuneCountInString(c.Text[q.start:s]),
				utf8.RuneCountInString(c.Text[q.start:e]),
			})
		}
		out = append(out, Part{Citation: q.cit, Text: text, Highlights: hl})
	}
	return out
}

// QuotedCitations reports which citations the answer's text quotes, by
// index into Citations.
func (a Answer) QuotedCitations() map[int]bool {
	out := map[int]bool{}
	for _, q := range a.quote {
		out[q.cit] = true
	}
	return out
}

// Columns is the header row of the table whose row the answer quotes first
// ("Survey | EGDI rank | EPI rank" above "2016 | 3rd | 4th"), shown with the
// answer so that its cells can be read; "" when it quotes no table row first.
func (a Answer) Columns() string {
	if len(a.quote) == 0 {
		return ""
	}
	return a.Citations[a.quote[0].cit].Columns
}
