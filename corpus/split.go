package corpus

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxPassageRunes is the longest a passage may be, in characters.
const MaxPassageRunes = 700

// MaxLabelRunes is the longest a document's title and kind, and each
// heading of a passage's section, may be, in characters (as many as
// Discord shows of an embed's title); a table row's header row is cut to
// MaxPassageRunes. Longer ones are cut (see shorten). Every passage of a
// document carries these and the index keeps them with each, so that a
// heading or a header row of megabytes (a long line marked as a heading,
// a table of thousands of columns) was kept again for every passage under
// it, and a document's index grew as the product of the two.
const MaxLabelRunes = 256

// Kind says what kind of block a passage comes from.
type Kind string

const (
	Paragraph   Kind = "paragraph"
	Item        Kind = "item"    // a list item
	Row         Kind = "row"     // a table row
	Code        Kind = "code"    // a fenced code block
	Heading     Kind = "heading" // a section title; not searched on its own
	TableHeader Kind = "header"  // a table's header row; not searched on its own
	Meta        Kind = "meta"    // a front matter line naming the author or the date
	TitleLine   Kind = "title"   // the front matter line naming the title: what a document is about
)

// metaKeys are the front matter fields that become passages, so that "who
// wrote it?", "when was it published?" and "what is the article called?"
// can be answered and cited.
var metaKeys = []string{"title", "author", "authors", "published", "date"}

// Searchable reports whether passages of this kind answer questions. Headings
// and table headers are kept for context but searched only as the section or
// header of the passages under them.
func (k Kind) Searchable() bool { return k != Heading && k != TableHeader }

// Passage is a quotable piece of a document.
type Passage struct {
	// ID is stable for the same document text: the source path and the
	// passage's position in it ("notes/agencies.md#007").
	ID     string
	Source string // document path relative to the corpus root
	Title  string // document title
	// Section is the heading path above the passage, outermost first. A level-1
	// heading equal to the title is left out.
	Section   []string
	LineStart int // 1-based, inclusive
	LineEnd   int
	// Text stands verbatim in lines LineStart..LineEnd of the stored document,
	// with block markup (list markers, quote markers, table pipes at the ends)
	// left out and lines joined with "\n".
	Text string
	Kind Kind
	// Seq is the passage's position in its document, from 0.
	Seq int
	// List is the Seq of the first item of the list this item belongs to, or -1.
	List int
	// Context is text that helps find the passage but is not part of its
	// quote: a table row's header row.
	Context string
}

// SectionPath joins the section headings for display.
func (p Passage) SectionPath() string { return strings.Join(p.Section, " > ") }

// PassageID builds the id of the seq'th passage of a document: its path, "#"
// and seq in three digits at least (fmt's "%s#%03d", written out by hand, as
// ranking asks for ids by the dozen).
func PassageID(source string, seq int) string {
	if seq < 0 {
		return fmt.Sprintf("%s#%03d", source, seq)
	}
	var b strings.Builder
	b.Grow(len(source) + 5)
	b.WriteString(source)
	b.WriteByte('#')
	for w := 100; w > 1 && seq < w; w /= 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.Itoa(seq))
	return b.String()
}

// block is a run of lines that forms one passage before length cutting.
type block struct {
	kind    Kind
	level   int // heading level
	lines   []blockLine
	indent  int // list item marker indent
	list    int // block index of the list's first item, or -1
	context string
}

// blockLine is the part of one source line that belongs to a block.
type blockLine struct {
	n    int    // 1-based line number
	text string // the line with block markup removed
}

var (
	atxRe       = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	itemRe      = regexp.MustCompile(`^([ \t]*)([-*+•‣◦▪–]|\d{1,9}[.)])[ \t]+(\S.*)$`)
	fenceRe     = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	ruleRe      = regexp.MustCompile(`^ {0,3}([-*_])([ \t]*[-*_]){2,}[ \t]*$`)
	setextRe    = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	quoteRe     = regexp.MustCompile(`^ {0,3}>[ \t]?(.*)$`)
	tableSepRe  = regexp.MustCompile(`^[ \t]*\|?[ \t]*:?-{1,}:?[ \t]*(\|[ \t]*:?-{1,}:?[ \t]*)*\|?[ \t]*$`)
	plainItemRe = regexp.MustCompile(`^([ \t]*)([•‣◦▪–*-]|\d{1,3}[.)])[ \t]+(\S.*)$`)
	// linkDefRe matches a link reference definition ("[id]: https://... "Title""),
	// which a page does not show; a footnote ("[^1]: ...") it does.
	linkDefRe = regexp.MustCompile(`^ {0,3}\[[^\]^\s][^\]]*\]:[ \t]*(<[^>\n]*>|\S+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$`)
)

func atxHeading(line string) (int, string) {
	m := atxRe.FindStringSubmatch(line)
	if m == nil {
		return 0, ""
	}
	return len(m[1]), strings.TrimSpace(m[2])
}

// Split cuts a document into passages in reading order.
func Split(d Document) []Passage {
	var blocks []block
	if d.Format == PlainText {
		blocks = plainBlocks(d)
	} else {
		blocks = markdownBlocks(d)
	}
	headingsOnly(blocks)
	var out []Passage
	lines := d.Lines()
	for n := 2; n < d.bodyLine-1; n++ {
		key, value, ok := strings.Cut(lines[n-1], ":")
		if !ok || strings.TrimSpace(value) == "" || !slices.Contains(metaKeys, strings.TrimSpace(strings.ToLower(key))) {
			continue
		}
		text := strings.TrimSpace(lines[n-1])
		if utf8.RuneCountInString(text) > MaxPassageRunes {
			continue
		}
		kind := Meta
		if strings.EqualFold(strings.TrimSpace(key), "title") {
			kind = TitleLine
		}
		out = append(out, Passage{
			ID: PassageID(d.Path, len(out)), Source: d.Path, Title: d.Title, LineStart: n, LineEnd: n,
			Text: text, Kind: kind, Seq: len(out), List: -1,
		})
	}
	var headings []string // headings[i] is the current level-(i+1) heading
	listSeq := map[int]int{}
	for _, b := range blocks {
		if b.kind == Heading {
			text := shorten(b.lines[0].text, MaxLabelRunes)
			for len(headings) < b.level {
				headings = append(headings, "")
			}
			headings = append(headings[:b.level-1], text)
		}
		section := sectionPath(headings, d.Title, b.kind == Heading)
		for _, chunk := range cutBlock(b) {
			p := Passage{
				Source:    d.Path,
				Title:     d.Title,
				Section:   section,
				LineStart: chunk.start,
				LineEnd:   chunk.end,
				Text:      chunk.text,
				Kind:      b.kind,
				Seq:       len(out),
				List:      -1,
				Context:   b.context,
			}
			p.ID = PassageID(d.Path, p.Seq)
			if b.list >= 0 {
				if _, ok := listSeq[b.list]; !ok {
					listSeq[b.list] = p.Seq
				}
				p.List = listSeq[b.list]
			}
			out = append(out, p)
		}
	}
	return out
}

func sectionPath(headings []string, title string, isHeading bool) []string {
	var s []string
	end := len(headings)
	if isHeading {
		end-- // a heading's section is the path above it
	}
	for i := 0; i < end; i++ {
		h := headings[i]
		if h == "" || (i == 0 && strings.EqualFold(h, title)) {
			continue
		}
		s = append(s, h)
	}
	return s
}

func markdownBlocks(d Document) []block {
	lines := d.Lines()
	var blocks []block
	cur := -1 // index of the open paragraph, item or quote block, or -1
	blankBefore := true
	fence := ""
	listStart := -1 // block index of the current list's first item
	var table *block
	closeBlock := func() { cur = -1 }
	hidden := "" // what closes the HTML comment, script or style open (which the page does not show), or ""
	for i := d.bodyLine - 1; i < len(lines); i++ {
		n, line := i+1, lines[i]
		if fence != "" {
			if strings.HasPrefix(strings.TrimLeft(line, " "), fence) {
				fence = ""
				closeBlock()
				continue
			}
			if strings.TrimSpace(line) != "" {
				blocks[cur].lines = append(blocks[cur].lines, blockLine{n, strings.TrimRight(line, " \t")})
			}
			continue
		}
		if rest, open, ok := hiddenLine(line, hidden); ok {
			hidden = open
			closeBlock()
			listStart = -1
			if rest != "" {
				// text after "-->" on the comment's last line shows
				blocks = append(blocks, block{kind: Paragraph, lines: []blockLine{{n, rest}}, list: -1})
				cur = len(blocks) - 1
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			if cur >= 0 && blocks[cur].kind != Item {
				closeBlock()
			}
			table = nil
			blankBefore = true
			continue
		}
		if m := fenceRe.FindStringSubmatch(line); m != nil {
			fence = m[1][:3]
			if !(cur >= 0 && blocks[cur].kind == Item && (line[0] == ' ' || line[0] == '\t')) {
				// a fence indented under a list item is part of the item:
				// the list goes on after it
				listStart = -1
			}
			blocks = append(blocks, block{kind: Code, list: -1})
			cur = len(blocks) - 1
			blankBefore = false
			continue
		}
		if lvl, text := atxHeading(line); lvl > 0 {
			if text != "" {
				blocks = append(blocks, block{kind: Heading, level: lvl, lines: []blockLine{{n, text}}, list: -1})
			}
			closeBlock()
			listStart = -1
			blankBefore = false
			continue
		}
		if cur >= 0 && blocks[cur].kind == Paragraph && len(blocks[cur].lines) == 1 && setextRe.MatchString(line) {
			b := &blocks[cur]
			b.kind, b.level = Heading, 1
			if strings.Contains(line, "-") {
				b.level = 2
			}
			b.lines[0].text = strings.TrimSpace(b.lines[0].text)
			closeBlock()
			listStart = -1
			continue
		}
		if ruleRe.MatchString(line) {
			closeBlock()
			listStart = -1
			blankBefore = true
			continue
		}
		if linkDefRe.MatchString(line) && (cur < 0 || blankBefore || (blocks[cur].kind != Paragraph && blocks[cur].kind != Item)) {
			// A link reference definition, which the page does not show,
			// unless it continues a paragraph, which it cannot interrupt.
			closeBlock()
			listStart = -1
			continue
		}
		if table == nil && cur >= 0 && blocks[cur].kind == Paragraph && len(blocks[cur].lines) == 1 && !blankBefore &&
			strings.Contains(trimmed, "|") && tableSeparator(line) && strings.Contains(blocks[cur].lines[0].text, "|") {
			// a table without outer pipes ("a | b" over "--- | ---"): the
			// paragraph line was its header row
			b := &blocks[cur]
			b.kind, b.lines[0].text = TableHeader, rowText(b.lines[0].text)
			table = b
			closeBlock()
			listStart = -1
			continue
		}
		if strings.HasPrefix(trimmed, "|") || (table != nil && strings.Contains(trimmed, "|")) {
			closeBlock()
			listStart = -1
			if tableSeparator(line) {
				if table != nil && table.kind == Row {
					table.kind = TableHeader
				}
				blankBefore = false
				continue
			}
			text := rowText(trimmed)
			if text == "" {
				continue
			}
			ctx := ""
			if table != nil {
				ctx = table.context
				if table.kind == TableHeader {
					ctx = shorten(table.lines[0].text, MaxPassageRunes)
				}
			}
			blocks = append(blocks, block{kind: Row, lines: []blockLine{{n, text}}, list: -1, context: ctx})
			table = &blocks[len(blocks)-1]
			blankBefore = false
			continue
		}
		table = nil
		if m := itemRe.FindStringSubmatch(line); m != nil && !continuesParagraph(blocks, cur, blankBefore, m[2]) {
			indent := len(strings.ReplaceAll(m[1], "\t", "    "))
			if listStart < 0 {
				listStart = len(blocks)
			}
			blocks = append(blocks, block{kind: Item, indent: indent, lines: []blockLine{{n, strings.TrimRight(m[3], " \t")}}, list: listStart})
			cur = len(blocks) - 1
			blankBefore = false
			continue
		}
		if m := quoteRe.FindStringSubmatch(line); m != nil {
			text := strings.TrimSpace(m[1])
			if text == "" {
				// A quote marker alone is a blank line of the quote: it ends
				// a paragraph ("> a\n>\n> b" is two), and the paragraph
				// after it starts anew ("a\n>\nb" is two as well).
				closeBlock()
				listStart = -1
				blankBefore = true
				continue
			}
			if cur < 0 || blocks[cur].kind != Paragraph || blankBefore {
				blocks = append(blocks, block{kind: Paragraph, list: -1})
				cur = len(blocks) - 1
			}
			blocks[cur].lines = append(blocks[cur].lines, blockLine{n, text})
			listStart = -1
			blankBefore = false
			continue
		}
		indented := len(line)-len(strings.TrimLeft(line, " \t")) >= 2
		switch {
		case cur >= 0 && blocks[cur].kind == Item && (!blankBefore || indented):
			// lazy or indented continuation of a list item
			blocks[cur].lines = append(blocks[cur].lines, blockLine{n, trimmed})
		case cur >= 0 && blocks[cur].kind == Paragraph && !blankBefore:
			blocks[cur].lines = append(blocks[cur].lines, blockLine{n, trimmed})
		default:
			blocks = append(blocks, block{kind: Paragraph, lines: []blockLine{{n, trimmed}}, list: -1})
			cur = len(blocks) - 1
			listStart = -1
		}
		blankBefore = false
	}
	return dropEmpty(blocks)
}

// tableSeparator reports whether a line is a table's header separator
// ("|---|:--:|", "--- | ---").
func tableSeparator(line string) bool {
	return tableSepRe.MatchString(line) && strings.Contains(line, "-")
}

// rowText is a table row's text without its outer pipes.
func rowText(line string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "|"))
}

// continuesParagraph reports whether a line opening with an ordered list
// marker continues the open paragraph instead: in CommonMark an ordered
// list interrupts a paragraph only when it starts at 1, so a hard-wrapped
// line starting "1998. It moved" is text, not an item that would drop the
// number.
func continuesParagraph(blocks []block, cur int, blankBefore bool, marker string) bool {
	if cur < 0 || blocks[cur].kind != Paragraph || blankBefore {
		return false
	}
	n, err := strconv.Atoi(strings.TrimRight(marker, ".)"))
	return err == nil && n != 1
}

// plainBlocks reads plain text: paragraphs separated by blank lines, bulleted
// or numbered lines as list items, and short unpunctuated lines standing alone
// as headings.
func plainBlocks(d Document) []block {
	lines := d.Lines()
	var blocks []block
	cur := -1
	listStart := -1
	headed := false // a heading was read: the first is level 1, the rest level 2
	for i := d.bodyLine - 1; i < len(lines); i++ {
		n, trimmed := i+1, strings.TrimSpace(lines[i])
		if trimmed == "" {
			cur = -1
			continue
		}
		if m := plainItemRe.FindStringSubmatch(lines[i]); m != nil && !continuesParagraph(blocks, cur, false, m[2]) {
			if listStart < 0 {
				listStart = len(blocks)
			}
			blocks = append(blocks, block{kind: Item, lines: []blockLine{{n, strings.TrimSpace(m[3])}}, list: listStart})
			cur = len(blocks) - 1
			continue
		}
		if cur >= 0 {
			blocks[cur].lines = append(blocks[cur].lines, blockLine{n, trimmed})
			continue
		}
		blankAfter := i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) == ""
		if blankAfter && looksLikeHeading(trimmed) {
			level := 2
			if !headed {
				level, headed = 1, true
			}
			blocks = append(blocks, block{kind: Heading, level: level, lines: []blockLine{{n, trimmed}}, list: -1})
			listStart = -1
			continue
		}
		blocks = append(blocks, block{kind: Paragraph, lines: []blockLine{{n, trimmed}}, list: -1})
		cur = len(blocks) - 1
		listStart = -1
	}
	return dropEmpty(blocks)
}

// hiddenOpenRe matches the start of raw HTML that a Markdown page does not
// show: a comment, or a script or style element (CommonMark's HTML blocks of
// kinds 2 and 1), at the start of a line.
var hiddenOpenRe = regexp.MustCompile(`(?i)^(<!--|<script(?:[\s>]|$)|<style(?:[\s>]|$))`)

// hiddenClose is what ends each kind of hidden HTML, by its opening.
var hiddenClose = map[string]string{"<!--": "-->", "<script": "</script>", "<style": "</style>"}

// hiddenLine reads a line for raw HTML that a Markdown page does not show (a
// comment, "<!-- ... -->", or a script or style element), so that its text is
// neither searched nor quoted. closer is what ends the hidden HTML an earlier
// line opened ("-->", "</script>"), or "" when none is open. ok reports that
// the line is hidden HTML's: it opens some, or some is open. open is the
// closer still awaited after the line, "" when it ends on it, and rest is
// the text after its end, which the page shows.
func hiddenLine(line, closer string) (rest, open string, ok bool) {
	t := strings.TrimSpace(line)
	if closer == "" {
		m := hiddenOpenRe.FindString(t)
		if m == "" {
			return "", "", false
		}
		opening := strings.ToLower(strings.TrimRight(m, " \t\v\f\r>"))
		closer = hiddenClose[opening]
		t = t[len(opening):]
	}
	end := indexFold(t, closer)
	if end < 0 {
		return "", closer, true
	}
	return strings.TrimSpace(t[end+len(closer):]), "", true
}

// indexFold is strings.Index ignoring the case of ASCII letters (sub is
// ASCII), so that the byte offset it returns is one of s.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// headingsOnly makes the headings of a document that has nothing else
// paragraphs: an outline of "#" lines, or a text file of a few short lines
// (which plainBlocks reads as headings), would otherwise have no passage
// to search or quote, and be lost unsaid.
func headingsOnly(blocks []block) {
	for _, b := range blocks {
		if b.kind.Searchable() {
			return
		}
	}
	for i := range blocks {
		if blocks[i].kind == Heading {
			blocks[i].kind, blocks[i].level = Paragraph, 0
		}
	}
}

func looksLikeHeading(s string) bool {
	if utf8.RuneCountInString(s) > 80 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(".!?,;:", last) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(first) || unicode.IsDigit(first)
}

func dropEmpty(blocks []block) []block {
	out := blocks[:0]
	for _, b := range blocks {
		if len(b.lines) > 0 {
			out = append(out, b)
		}
	}
	return out
}

// chunk is a piece of a block, at most MaxPassageRunes long.
type chunk struct {
	start, end int
	text       string
}

// cutBlock joins a block's lines and cuts the result at sentence boundaries
// (or, for a sentence that is itself too long, at spaces) into chunks.
func cutBlock(b block) []chunk {
	var sb strings.Builder
	offsets := make([]int, len(b.lines)) // byte offset of each line in the joined text
	for i, l := range b.lines {
		if i > 0 {
			sb.WriteByte('\n')
		}
		offsets[i] = sb.Len()
		sb.WriteString(l.text)
	}
	text := sb.String()
	lineAt := func(off int) int { // line number holding byte off
		// the last line starting at or before off; found by halving, as a
		// paragraph of many short lines has a chunk every few hundred lines,
		// and a scan from its end for each was quadratic in its lines
		i, _ := slices.BinarySearch(offsets, off+1)
		return b.lines[max(i-1, 0)].n
	}
	var out []chunk
	for _, span := range cutSpans(text, MaxPassageRunes) {
		a, z := span[0], span[1]
		// trim spaces so that the chunk starts and ends on text
		for a < z {
			r, size := utf8.DecodeRuneInString(text[a:z])
			if !unicode.IsSpace(r) {
				break
			}
			a += size
		}
		for z > a {
			r, size := utf8.DecodeLastRuneInString(text[a:z])
			if !unicode.IsSpace(r) {
				break
			}
			z -= size
		}
		if a == z {
			continue
		}
		out = append(out, chunk{start: lineAt(a), end: lineAt(z - 1), text: text[a:z]})
	}
	return out
}

// cutSpans returns byte spans covering text, each at most max runes, cut at
// sentence ends where possible, then at spaces, then anywhere between runes.
func cutSpans(text string, max int) [][2]int {
	if !longerThan(text, max) {
		return [][2]int{{0, len(text)}}
	}
	var out [][2]int
	start := 0
	for _, s := range Sentences(text) {
		// s[1] is where this sentence ends; extend the current chunk over it
		// when it fits, else close the chunk at the previous sentence end.
		if !longerThan(text[start:s[1]], max) {
			continue
		}
		if s[0] > start {
			out = append(out, [2]int{start, s[0]})
			start = s[0]
		}
		for longerThan(text[start:s[1]], max) {
			cut := cutAtSpace(text[start:s[1]], max)
			out = append(out, [2]int{start, start + cut})
			start += cut
		}
	}
	if start < len(text) {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}

// longerThan reports whether s holds more than n runes. It reads at most
// n+1 of them: counting the rest of a sentence of megabytes (a base64 blob,
// a file of one line) at each cut made splitting it take time growing as
// the square of its length.
func longerThan(s string, n int) bool {
	if len(s) <= n {
		return false
	}
	for range s {
		if n == 0 {
			return true
		}
		n--
	}
	return false
}

// shorten returns s when it has at most n runes, else s cut as cutAtSpace
// cuts it, its spaces trimmed.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(s[:cutAtSpace(s, n)])
}

// cutAtSpace returns a byte length of s, at most max runes, ending after a
// space when there is one in the second half, else at a rune boundary.
func cutAtSpace(s string, max int) int {
	end, runes := 0, 0
	for end < len(s) && runes < max {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
		runes++
	}
	if i := strings.LastIndexAny(s[:end], " \n\t"); i > end/2 {
		return i + 1
	}
	return end
}
