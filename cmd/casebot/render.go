package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/rivo/uniseg"
	"golang.org/x/term"

	"github.com/casebot/casebot/index"
)

// Terminal output. On a terminal, the question's words are bold (ANSI),
// citations are dimmed, and text is wrapped to the terminal's width. Piped
// or with NO_COLOR set, the text is plain: no escape codes and no Markdown
// markers, and lines are not wrapped. --json prints the answer as it is.
// The bold ranges come from the answer's parts and the citations'
// highlights, never from Markdown markers.

// style says how text is shown.
type style struct {
	color bool // ANSI bold and dim
	width int  // wrap lines at this many columns; 0 does not wrap
}

// minWrapWidth is the narrowest terminal text is wrapped for.
const minWrapWidth = 30

// styleFor looks at where output goes: a terminal gets color (unless
// NO_COLOR is set or TERM is dumb) and wrapping to its width.
func styleFor(w io.Writer, getenv env) style {
	if o, ok := w.(*outWriter); ok {
		w = o.Writer
	}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return style{}
	}
	s := style{color: getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"}
	if width, _, err := term.GetSize(int(f.Fd())); err == nil && width >= minWrapWidth {
		s.width = width - 1
	}
	return s
}

// ANSI select graphic rendition codes.
const (
	sgrReset = "\x1b[0m"
	sgrBold  = "\x1b[1m"
	sgrDim   = "\x1b[2m"
)

// cell is one character and whether it is bold.
type cell struct {
	r    rune
	bold bool
}

// cells turns text and highlight ranges (rune offsets) into cells. The
// documents' own bold markers ("**PPS**") are dropped, as the bot drops
// them: the highlights are what is bold here.
func cells(text string, hl [][2]int) []cell {
	rs := []rune(text)
	drop := map[int]bool{}
	var stars []int
	for i := 0; i+1 < len(rs); i++ {
		if rs[i] == '*' && rs[i+1] == '*' {
			stars = append(stars, i)
			i++
		}
	}
	for _, i := range stars[:len(stars)/2*2] {
		drop[i], drop[i+1] = true, true
	}
	out := make([]cell, 0, len(rs))
	h := 0
	for i, r := range rs {
		for h < len(hl) && hl[h][1] <= i {
			h++
		}
		if drop[i] {
			continue
		}
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			// A document's text may hold an escape sequence: a terminal
			// would act on it (recolour, retitle) instead of showing it.
			r = '\uFFFD'
		}
		out = append(out, cell{r: r, bold: h < len(hl) && i >= hl[h][0]})
	}
	return out
}

// printer writes styled paragraphs.
type printer struct {
	w io.Writer
	s style
}

// para writes cells as one paragraph: the first line after lead, the
// others after indent (both plain or dim as the paragraph), wrapped at the
// style's width. Without a width the text is written as it is.
func (p printer) para(cs []cell, lead, indent string, dim bool) {
	var sb strings.Builder
	base := ""
	if dim && p.s.color {
		base = sgrDim
	}
	cur := ""
	set := func(bold bool) {
		if !p.s.color {
			return
		}
		want := base
		if bold {
			want = sgrBold
		}
		if want != cur {
			sb.WriteString(sgrReset + want)
			cur = want
		}
	}
	endLine := func() {
		if p.s.color && cur != "" {
			sb.WriteString(sgrReset)
		}
		cur = ""
		sb.WriteString("\n")
	}
	startLine := func(prefix string) {
		set(false)
		sb.WriteString(prefix)
	}
	startLine(lead)
	if p.s.width <= 0 {
		for _, c := range cs {
			set(c.bold)
			sb.WriteRune(c.r)
		}
		endLine()
		io.WriteString(p.w, sb.String())
		return
	}
	col := uniseg.StringWidth(lead)
	start := col
	for _, word := range words(cs) {
		ww := 0
		for _, c := range word {
			ww += uniseg.StringWidth(string(c.r))
		}
		if col > start && col+1+ww > p.s.width {
			endLine()
			startLine(indent)
			col = uniseg.StringWidth(indent)
			start = col
		} else if col > start {
			// The space takes the style of the words around it when both
			// are bold, so "e-government committee" stays one bold run.
			set(word[0].bold && cur == sgrBold)
			sb.WriteByte(' ')
			col++
		}
		for _, c := range word {
			set(c.bold)
			sb.WriteRune(c.r)
		}
		col += ww
	}
	endLine()
	io.WriteString(p.w, sb.String())
}

// words splits cells at white space.
func words(cs []cell) [][]cell {
	var out [][]cell
	var cur []cell
	for _, c := range cs {
		if c.r == ' ' || c.r == '\t' || c.r == '\n' || c.r == '\r' {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, c)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// line writes a one-line text, plain or dim.
func (p printer) line(text string, dim bool) {
	p.para(cells(text, nil), "", "", dim)
}

// answer prints an answer: how it was read (--explain), corrections, the
// quoted sentences with the question's words bold, and the citations.
func (p printer) answer(a index.Answer) {
	if len(a.Questions) > 0 {
		// a message that asks several questions: each answered on its own
		for i, q := range a.Questions {
			if i > 0 {
				fmt.Fprintln(p.w)
			}
			p.line(fmt.Sprintf("Q%d. %s", i+1, q.Question), false)
			p.answer(q)
		}
		return
	}
	for _, l := range a.Explain {
		p.line("# "+l, true)
	}
	if !a.Answered {
		note := a.Note
		if note == "" {
			note = "The documents do not cover this question."
		}
		p.line(note, false)
		if len(a.Suggestions) > 0 {
			fmt.Fprintln(p.w)
			p.line("Closest passages (low matches):", false)
			p.citations(a.Suggestions)
		}
		return
	}
	for _, c := range a.Corrections {
		p.line(fmt.Sprintf("(showing results for %q instead of %q)", c.To, c.From), false)
	}
	if a.Note != "" {
		p.line(a.Note, false)
	}
	p.answerText(a)
	fmt.Fprintln(p.w)
	p.citations(a.Citations)
}

// answerText prints the answer's parts: list items one a line, other
// answers as one paragraph.
func (p printer) answerText(a index.Answer) {
	if cols := a.Columns(); cols != "" {
		p.line(columnsLine(cols), false)
	}
	parts := a.Parts()
	if a.List {
		for _, pt := range parts {
			p.para(cells(pt.Text, pt.Highlights), index.ListItemPrefix, strings.Repeat(" ", len(index.ListItemPrefix)), false)
		}
		return
	}
	var cs []cell
	for i, pt := range parts {
		sep := ""
		switch {
		case i == 0:
		case parts[i-1].Citation == pt.Citation:
			sep = index.SameCitationSep
		default:
			sep = index.OtherCitationSep
		}
		cs = append(cs, cells(sep, nil)...)
		cs = append(cs, cells(pt.Text, pt.Highlights)...)
	}
	p.para(cs, "", "", false)
}

// citations prints numbered citations: where the passage stands, then the
// passage, line by line as in its file.
func (p printer) citations(cs []index.Citation) { p.citationsFrom(1, cs) }

// citationsFrom prints citations numbered from n.
func (p printer) citationsFrom(n int, cs []index.Citation) {
	for i, c := range cs {
		p.line(fmt.Sprintf("[%d] %s (%s)", n+i, where(c), lines(c)), true)
		if c.Columns != "" {
			p.line("    "+columnsLine(c.Columns), true)
		}
		off := 0
		for _, l := range strings.Split(c.Text, "\n") {
			n := len([]rune(l))
			p.para(cells(l, shiftRanges(c.Highlights, off, n)), "    > ", "      ", true)
			off += n + 1
		}
	}
}

// columnsLine shows a table row's header row: what its cells are.
func columnsLine(cols string) string { return "(columns: " + shown(cols) + ")" }

// where is "Title › Section".
func where(c index.Citation) string {
	w := shown(c.Title)
	if c.Section != "" {
		w += " › " + shown(c.Section)
	}
	return w
}

// lines is "source:12" or "source:12-14".
func lines(c index.Citation) string {
	if c.LineEnd != c.LineStart {
		return fmt.Sprintf("%s:%d-%d", shown(c.Source), c.LineStart, c.LineEnd)
	}
	return fmt.Sprintf("%s:%d", shown(c.Source), c.LineStart)
}

// shown escapes the control characters of a name (a path, or a title made
// from one) as Go writes them in strings, "\x1b" or "\n": a file may be
// called "esc\x1b[31mRED.md", and a terminal would act on the escape
// sequence or the line break instead of showing it. JSON is escaped by
// encoding/json.
func shown(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			sb.WriteString(q[1 : len(q)-1])
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// shiftRanges returns the ranges within [off, off+n) moved to start at 0.
func shiftRanges(hl [][2]int, off, n int) [][2]int {
	var out [][2]int
	for _, r := range hl {
		a, z := max(r[0]-off, 0), min(r[1]-off, n)
		if a < z {
			out = append(out, [2]int{a, z})
		}
	}
	return out
}
