package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// A PDF is stored as Markdown: a front matter block with the title, author and
// creation date from its document information when it has them, then a
// "## Page N" heading for each page that has text, so that a citation says
// where on paper it is, and under it the page's text lines, with a blank line
// where a wider vertical gap (or a change of font size, or a jump back up
// the page) ends a paragraph. Lines keep the order in which the page draws
// them, which for most producers is reading order.

// ErrPDFEncrypted is reported for a PDF that needs a password to be read.
var ErrPDFEncrypted = errors.New("PDF is encrypted with a password")

// Limits on a PDF's page tree, which a damaged or hostile file can make
// deep, wide or cyclic.
const (
	maxPDFPages = 10000
	maxPDFNodes = 4 * maxPDFPages // page tree nodes visited
	maxPDFDepth = 32
)

// pdfText extracts a PDF's stored text.
//
// The PDF library reports many malformed inputs by panicking. A file from a
// corpus directory or a Discord attachment is untrusted input, so this
// function is a trust boundary like a goroutine's top: a panic in the
// library below it becomes an error for this one document, and the rest of
// the corpus loads.
func pdfText(data []byte) (text string, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return "", ErrNoText
	}
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("unreadable PDF: %v", r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return "", ErrPDFEncrypted
		}
		return "", fmt.Errorf("unreadable PDF: %w", err)
	}
	info := r.Trailer().Key("Info")
	title := strings.TrimPrefix(pdfString(info.Key("Title")), "Microsoft Word - ")
	var sb strings.Builder
	sb.WriteString(frontMatterText([][2]string{
		{"title", title},
		{"author", pdfString(info.Key("Author"))},
		{"published", pdfDate(pdfString(info.Key("CreationDate")))},
	}))
	what := "unreadable PDF"
	if r.Trailer().Key("Encrypt").Kind() != pdf.Null {
		what = "unreadable PDF (encrypted)"
	}
	pages := pdfPages(r.Trailer().Key("Root").Key("Pages"))
	words := false
	var pageErr error
	for i, p := range pages {
		lines, err := pageLines(p)
		if err != nil {
			// One bad page (an unknown filter, a broken content stream)
			// should not lose the others.
			if pageErr == nil {
				pageErr = fmt.Errorf("%s: page %d: %w", what, i+1, err)
			}
			continue
		}
		if len(lines) == 0 {
			continue
		}
		words = true
		fmt.Fprintf(&sb, "## Page %d\n\n", i+1)
		for _, l := range lines {
			if l == "" {
				sb.WriteString("\n")
				continue
			}
			sb.WriteString(escapeLine(l) + "\n")
		}
		sb.WriteString("\n")
	}
	if !words {
		if pageErr != nil {
			return "", pageErr
		}
		if len(pages) == 0 {
			return "", errors.New(what + ": no pages")
		}
		return "", fmt.Errorf("%w (no text layer: a scanned PDF needs OCR first)", ErrNoText)
	}
	return strings.TrimRight(sb.String(), "\n") + "\n", nil
}

// pdfPages walks the page tree in order, guarding against cycles and
// absurd sizes, which the library's own Page(n) does not.
func pdfPages(root pdf.Value) []pdf.Page {
	var out []pdf.Page
	nodes := 0
	var visit func(v pdf.Value, depth int)
	visit = func(v pdf.Value, depth int) {
		nodes++
		if depth > maxPDFDepth || nodes > maxPDFNodes || len(out) >= maxPDFPages {
			return
		}
		switch v.Key("Type").Name() {
		case "Page":
			out = append(out, pdf.Page{V: v})
		case "Pages", "":
			kids := v.Key("Kids")
			for i := 0; i < kids.Len() && nodes <= maxPDFNodes && len(out) < maxPDFPages; i++ {
				visit(kids.Index(i), depth+1)
			}
		}
	}
	visit(root, 0)
	return out
}

// pageLines returns a page's text lines in drawing order, with "" between
// paragraphs.
func pageLines(p pdf.Page) (lines []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			lines, err = nil, fmt.Errorf("%v", r)
		}
	}()
	var (
		cur          strings.Builder
		lineY, lineF float64 // baseline and font size of the open line
		lastGap      float64 // gap between the last two lines of the paragraph
		end          float64 // x where the last glyph ended
		open         bool
	)
	closeLine := func() {
		if l := collapse(cur.String()); l != "" {
			lines = append(lines, l)
		}
		cur.Reset()
	}
	for _, t := range p.Content().Text {
		s := pdfGlyph(t.S)
		if s == "" {
			continue
		}
		fs := math.Max(math.Abs(t.FontSize), 1)
		if open {
			dy := lineY - t.Y
			switch {
			case math.Abs(dy) <= 0.5*math.Min(fs, lineF):
				// same line: a gap wider than a fifth of the font size
				// between glyphs is a space the producer did not draw
				if t.X-end > 0.2*fs {
					cur.WriteByte(' ')
				}
				cur.WriteString(s)
				end = t.X + t.W
				continue
			case dy < 0 || math.Abs(fs-lineF) > 1 ||
				(lastGap > 0 && dy > 1.3*lastGap) || (lastGap == 0 && dy > 2*fs):
				closeLine()
				if n := len(lines); n > 0 && lines[n-1] != "" {
					lines = append(lines, "")
				}
				lastGap = 0
			default:
				closeLine()
				lastGap = dy
			}
		}
		open = true
		lineY, lineF = t.Y, fs
		cur.WriteString(s)
		end = t.X + t.W
	}
	closeLine()
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines, nil
}

// ligatures are spelled out so that searches find the words.
var ligatures = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "st", "ﬆ", "st")

// pdfGlyph cleans the text of one drawn glyph: valid UTF-8, control
// characters (and the library's end-of-string marker) as spaces.
func pdfGlyph(s string) string {
	if s == "\n" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	return ligatures.Replace(s)
}

// pdfString reads a text string from the document information dictionary.
func pdfString(v pdf.Value) string {
	if v.Kind() != pdf.String {
		return ""
	}
	return collapse(strings.ToValidUTF8(v.Text(), ""))
}

var pdfDateRe = regexp.MustCompile(`^(?:D:)?(\d{4})(\d{2})?(\d{2})?`)

// pdfDate turns a PDF date ("D:20210715093000+02'00'") into "2021-07-15".
func pdfDate(s string) string {
	m := pdfDateRe.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	out := m[1]
	if m[2] != "" {
		out += "-" + m[2]
		if m[3] != "" {
			out += "-" + m[3]
		}
	}
	return out
}
