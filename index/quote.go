package index

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
)

// cite turns a candidate into a citation with the question's words marked.
func (st *state) cite(c candidate, p plan) Citation {
	cit := st.citeMeta(c, p)
	cit.Score = round3(c.score)
	return cit
}

func (st *state) citeMeta(c candidate, p plan) Citation {
	cit := Citation{
		ID: c.id, Source: c.meta.Source, Title: c.meta.Title,
		Section: strings.Join(c.meta.Section, " > "), LineStart: c.meta.LineStart,
		LineEnd: c.meta.LineEnd, Text: c.text, Kind: c.meta.Kind,
		seq: c.meta.Seq, list: c.meta.List,
	}
	if c.meta.Kind == string(corpus.Row) {
		cit.Columns = c.meta.Context
	}
	var toks []token
	if c.sp != nil {
		toks = c.sp.analyzed()
	}
	cit.mark(toks, p)
	return cit
}

// mark sets the citation's highlights: the question's words in its text,
// which toks are the tokens of.
func (c *Citation) mark(toks []token, p plan) {
	c.bytesHL = highlights(c.Text, toks, p)
	c.Highlights = runeOffsets(c.Text, c.bytesHL)
}

// Marked is the citation's text with the question's words in **bold**.
func (c Citation) Marked() string { return markRanges(c.Text, 0, len(c.Text), c.bytesHL) }

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// highlights finds the question's terms in a text (given analyzed, or
// analyzed here when toks is nil), as byte ranges.
func highlights(text string, toks []token, p plan) [][2]int {
	if toks == nil {
		for _, t := range sharedAnalyzer().Analyze([]byte(text)) {
			toks = append(toks, token{term: string(t.Term), start: t.Start, end: t.End})
		}
	}
	want := p.termKinds()
	var out [][2]int
	for _, t := range toks {
		if _, ok := want[t.term]; !ok {
			continue
		}
		if n := len(out); n > 0 && out[n-1][1] >= t.start {
			out[n-1][1] = max(out[n-1][1], t.end) // a joined hyphenated word
			continue
		}
		out = append(out, [2]int{t.start, t.end})
	}
	for _, s := range p.spans {
		out = append(out, yearMentions(text, s)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return mergeRanges(out)
}

var yearRe = regexp.MustCompile(`\b` + corpus.YearPattern + `s?\b`)

// yearMentions finds where a text names a year inside span s.
func yearMentions(text string, s corpus.Span) [][2]int {
	var out [][2]int
	for _, m := range yearRe.FindAllStringIndex(text, -1) {
		y := 0
		fmt.Sscanf(text[m[0]:m[0]+4], "%d", &y)
		if s.Contains(y) || (strings.HasSuffix(text[m[0]:m[1]], "s") && s.Overlap(corpus.Span{From: y, To: y + 9}) > 0) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

func mergeRanges(rs [][2]int) [][2]int {
	var out [][2]int
	for _, r := range rs {
		if n := len(out); n > 0 && r[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

func runeOffsets(text string, rs [][2]int) [][2]int {
	if len(rs) == 0 {
		return nil
	}
	out := make([][2]int, len(rs))
	for i, r := range rs {
		out[i] = [2]int{utf8.RuneCountInString(text[:r[0]]), utf8.RuneCountInString(text[:r[1]])}
	}
	return out
}

// bestSentences picks the sentences of the top passage that carry the match:
// the one with the most question weight, any other nearly as good, and the
// sentence after a short leading one ("Stage 4 (2008 to 2012) – the
// integration."), which is a label rather than a statement.
func bestSentences(c Citation, cand candidate, p plan) [][2]int {
	sents := corpus.Sentences(c.Text)
	if len(sents) <= 1 || cand.sp == nil {
		return [][2]int{trimSpan(c.Text, 0, len(c.Text))}
	}
	an := cand.sp.analysis()
	// A sentence earns each concept's weight once, when it holds all the
	// terms of one of the concept's alternatives; a frame word half of it,
	// a year of the question the weight of an average concept.
	scores := make([]float64, len(sents))
	inSentence := func(term string, i int) bool {
		for _, j := range an.at[term] {
			if st := an.tokens[j].start; st >= sents[i][0] && st < sents[i][1] {
				return true
			}
		}
		return false
	}
	avg, n := 0.0, 0
	for _, cpt := range p.concepts {
		if cpt.filler {
			continue
		}
		w := cpt.weight
		if cpt.frame {
			w *= sentenceFrameShare
		}
		avg += cpt.weight
		n++
		for i := range sents {
			for _, a := range cpt.alts {
				all := true
				for _, t := range a.terms {
					all = all && inSentence(t, i)
				}
				if all {
					scores[i] += w
					break
				}
			}
		}
	}
	if n > 0 {
		avg /= float64(n)
	} else {
		avg = 1
	}
	for _, s := range p.spans {
		for _, y := range yearMentions(c.Text, s) {
			for i, sn := range sents {
				if y[0] >= sn[0] && y[0] < sn[1] {
					scores[i] += avg
				}
			}
		}
	}
	if p.want != anyAnswer && c.Text == cand.sp.text && len(an.sents) == len(sents) {
		// the sentence that holds the kind of answer asked for (a number
		// for "how many", a year for "when", a name for "who") counts it as
		// an average concept, as a year of the question does
		terms := map[string]bool{}
		for _, cpt := range p.concepts {
			for _, t := range cpt.alts[0].terms {
				terms[t] = true
			}
		}
		for i := range sents {
			if scores[i] > 0 && sentenceHolds(an, i, p.want, terms) {
				scores[i] += avg
			}
		}
	}
	best := 0
	for i := range scores {
		if scores[i] > scores[best] {
			best = i
		}
	}
	var out [][2]int
	for i, s := range sents {
		keep := i == best || (scores[best] > 0 && scores[i] >= nearlyBest*scores[best])
		if !keep && i == best+1 && utf8.RuneCountInString(c.Text[sents[best][0]:sents[best][1]]) < labelRunes {
			keep = true
		}
		if keep {
			out = append(out, trimSpan(c.Text, s[0], s[1]))
		}
	}
	return out
}

// How the answer's sentences are chosen from the best passage (what is quoted,
// not which passage answers): a frame word counts sentenceFrameShare of its
// weight, a sentence nearly as good as the best (nearlyBest of its score) is
// quoted too, and so is the sentence after a label shorter than labelRunes.
const (
	sentenceFrameShare = 0.5
	nearlyBest         = 0.6
	labelRunes         = 60
)

func trimSpan(text string, a, z int) [2]int {
	for a < z && (text[a] == ' ' || text[a] == '\n' || text[a] == '\t') {
		a++
	}
	s := strings.TrimRightFunc(text[a:z], func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\u00a0' })
	return [2]int{a, a + len(s)}
}

func firstSentence(text string) (int, int) {
	s := corpus.Sentences(text)
	if len(s) == 0 {
		return 0, len(text)
	}
	sp := trimSpan(text, s[0][0], s[0][1])
	return sp[0], sp[1]
}

// plainQuote joins the answer's parts.
func (a Answer) plainQuote() string {
	return a.render(false)
}

// Marked is the answer text with the question's words in **bold**.
func (a Answer) Marked() string { return a.render(true) }

func (a Answer) render(mark bool) string {
	var sb strings.Builder
	prev := -1
	for _, q := range a.quote {
		c := a.Citations[q.cit]
		switch {
		case a.List:
			if sb.Len() > 0 {
				sb.WriteString("\n")
			}
			sb.WriteString("- ")
		case prev == q.cit && sb.Len() > 0:
			sb.WriteString(" ")
		case sb.Len() > 0:
			sb.WriteString(" … ")
		}
		prev = q.cit
		text := c.Text[q.start:q.end]
		if mark {
			text = markRanges(c.Text, q.start, q.end, c.bytesHL)
		}
		sb.WriteString(strings.ReplaceAll(text, "\n", " "))
	}
	return sb.String()
}

// markRanges returns text[a:z] with the highlight ranges inside it in **bold**.
func markRanges(text string, a, z int, hl [][2]int) string {
	var sb strings.Builder
	at := a
	for _, h := range hl {
		s, e := max(h[0], a), min(h[1], z)
		if s >= e {
			continue
		}
		sb.WriteString(text[at:s])
		sb.WriteString("**")
		sb.WriteString(text[s:e])
		sb.WriteString("**")
		at = e
	}
	sb.WriteString(text[at:z])
	return sb.String()
}
