package index

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
)

// widen cites an answer with the sentences around its quote when the quote
// stands at a cut of a paragraph: corpus.Split cuts a paragraph longer than
// corpus.MaxPassageRunes at sentence ends, and the sentence across the cut
// from the one that matches is often the one that answers ("... the marriage
// of Emma" | "Because of this, Ethelred fled to Normandy in 1013"). The window
// holds the quote and the paragraph's sentences either side of it, one from
// each side in turn (the next first), while they fit in MaxPassageRunes. It
// returns the citation with the window as its text and lines (its highlights
// left to the caller), or ok false when the quote is not at a cut.
func (st *state) widen(c Citation, quote [][2]int) (_ Citation, ok bool) {
	if c.Kind != string(corpus.Paragraph) || len(quote) == 0 {
		return c, false
	}
	sents := corpus.Sentences(c.Text)
	if len(sents) == 0 {
		return c, false
	}
	chain := []Citation{c}
	at := 0 // c's place in chain
	if quote[0][0] < sents[0][1] {
		if prev, ok := st.sameParagraph(c, -1); ok {
			chain = []Citation{prev, c}
			at = 1
		}
	}
	if quote[len(quote)-1][1] > sents[len(sents)-1][0] {
		if next, ok := st.sameParagraph(c, +1); ok {
			chain = append(chain, next)
		}
	}
	if len(chain) == 1 {
		return c, false
	}
	region, first, offs, ok := st.joinChain(chain)
	if !ok {
		return c, false
	}
	base := offs[at] // c.Text's offset in region
	rs := corpus.Sentences(region)
	in := func(off int) int {
		i, _ := slices.BinarySearchFunc(rs, off, func(s [2]int, off int) int {
			switch {
			case s[1] <= off:
				return -1
			case s[0] > off:
				return 1
			}
			return 0
		})
		return min(i, len(rs)-1)
	}
	lo, hi := in(base+quote[0][0]), in(base+quote[len(quote)-1][1]-1)
	fits := func(lo, hi int) bool {
		w := trimSpan(region, rs[lo][0], rs[hi][1])
		return utf8.RuneCountInString(region[w[0]:w[1]]) <= corpus.MaxPassageRunes
	}
	if !fits(lo, hi) {
		return c, false
	}
	for grew := true; grew; {
		grew = false
		if hi+1 < len(rs) && fits(lo, hi+1) {
			hi, grew = hi+1, true
		}
		if lo > 0 && fits(lo-1, hi) {
			lo, grew = lo-1, true
		}
	}
	w := trimSpan(region, rs[lo][0], rs[hi][1])
	out := c
	out.Text = region[w[0]:w[1]]
	out.LineStart = first + strings.Count(region[:w[0]], "\n")
	out.LineEnd = first + strings.Count(region[:w[1]-1], "\n")
	out.bytesHL, out.Highlights = nil, nil
	return out, true
}

// sameParagraph returns the passage before (dir -1) or after (dir +1) c when
// it is another part of c's paragraph: a paragraph of the same document and
// section on the same or the adjacent line.
func (st *state) sameParagraph(c Citation, dir int) (Citation, bool) {
	if c.seq+dir < 0 {
		return Citation{}, false
	}
	sp, ok := st.stored(corpus.PassageID(c.Source, c.seq+dir))
	if !ok {
		return Citation{}, false
	}
	m := sp.meta
	if m.Source != c.Source || m.Kind != string(corpus.Paragraph) || strings.Join(m.Section, " > ") != c.Section {
		return Citation{}, false
	}
	if dir < 0 && m.LineEnd+1 < c.LineStart || dir > 0 && c.LineEnd+1 < m.LineStart {
		return Citation{}, false
	}
	return Citation{Source: m.Source, LineStart: m.LineStart, LineEnd: m.LineEnd, Text: sp.text, Kind: m.Kind, seq: m.Seq}, true
}

// joinChain finds consecutive parts of one paragraph in their document: the
// text of their lines (without their line endings, joined with "\n"), its
// first line's number and each part's byte offset in it. ok is false unless
// each part follows the one before with nothing but spaces between them, and
// no blank line.
func (st *state) joinChain(chain []Citation) (region string, first int, offs []int, ok bool) {
	doc, ok := st.docText(chain[0].Source)
	if !ok {
		return "", 0, nil, false
	}
	first, last := chain[0].LineStart, chain[len(chain)-1].LineEnd
	if first < 1 || last < first {
		return "", 0, nil, false
	}
	// lines first..last only: a document may be long
	lines := make([]string, 0, min(last-first+1, 64))
	for n := 1; n <= last; n++ {
		line, rest, found := strings.Cut(doc, "\n")
		if n >= first {
			lines = append(lines, strings.TrimSuffix(line, "\r")) // as corpus.Document.Lines reads them
		}
		if !found && n < last {
			return "", 0, nil, false
		}
		doc = rest
	}
	region = strings.Join(lines, "\n")
	from := 0
	for i, p := range chain {
		j := strings.Index(region[from:], p.Text)
		if gap := region[from : from+max(j, 0)]; j < 0 || i > 0 && (strings.TrimSpace(gap) != "" || strings.Count(gap, "\n") > 1) {
			return "", 0, nil, false // not the next part of the paragraph: text or a blank line between
		}
		offs = append(offs, from+j)
		from += j + len(p.Text)
	}
	return region, first, offs, true
}
