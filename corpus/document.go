package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"gopkg.in/yaml.v3"
)

// Format is how a document's text is read.
type Format string

const (
	Markdown  Format = "markdown"
	PlainText Format = "text"
	// HTML pages and PDF files are stored as the Markdown converted from
	// them (see htmlText and pdfText), and split as Markdown.
	HTML Format = "html"
	PDF  Format = "pdf"
)

// Document is one file of a corpus, as stored.
type Document struct {
	// Path is slash-separated and relative to the corpus root; citations name it.
	Path   string
	Format Format
	// Text is the document's stored text; passage line numbers refer to it.
	// For Markdown and plain text it is the file's text, front matter included
	// (decoded when it is not UTF-8, see plainText), with every line break
	// other than "\n" and "\r\n" written as "\n" (see lineBreaks); for HTML
	// and PDF it is Markdown made from the file's text.
	Text string
	// Hash is the hex SHA-256 of the file's bytes (not of Text).
	Hash string
	// Size is the file's size in bytes.
	Size int64

	// From the front matter, or derived when it is absent. Title and Kind
	// are cut to MaxLabelRunes.
	Title     string
	Author    string
	Published string // as written, usually YYYY-MM-DD
	Kind      string // "article", "note", ... ; "document" when unset
	Sources   []string
	Related   []string
	// Boost weighs this document's passages against others' when scores are
	// close (front matter "boost"; 1 when unset). A corpus marks its primary
	// reading this way so that supporting notes do not crowd it out.
	Boost float64

	// bodyLine is the 1-based line where the body starts (after front matter).
	bodyLine int
}

// ErrNoText is reported for documents that hold no words at all.
var ErrNoText = errors.New("no text")

// ErrBinary is reported for files that are not text.
var ErrBinary = errors.New("not a text file")

// FormatOf tells the format of a file by its name, and false when casebot
// does not read that kind of file.
func FormatOf(name string) (Format, bool) {
	f, ok := extensions[strings.ToLower(path.Ext(name))]
	return f, ok
}

var extensions = map[string]Format{
	".md": Markdown, ".markdown": Markdown,
	".txt": PlainText, ".text": PlainText,
	".html": HTML, ".htm": HTML,
	".pdf": PDF,
}

// Extensions lists the file extensions casebot reads, sorted.
func Extensions() []string {
	out := make([]string, 0, len(extensions))
	for e := range extensions {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// Parse reads one document from its bytes. name is its slash-separated path
// relative to the corpus root. Markdown and text not in UTF-8 are decoded (see
// plainText); binary content, an invalid front matter block, a PDF that
// cannot be read and a document with no text are errors.
func Parse(name string, data []byte) (Document, error) {
	format, ok := FormatOf(name)
	if !ok {
		return Document{}, fmt.Errorf("%s: unsupported file type %q", name, path.Ext(name))
	}
	text, err := storedText(format, data)
	if err != nil {
		return Document{}, err
	}
	d := Document{
		Path:     name,
		Format:   format,
		Text:     text,
		Hash:     hashBytes(data),
		Size:     int64(len(data)),
		Kind:     "document",
		Boost:    1,
		bodyLine: 1,
	}
	if err := d.readFrontMatter(); err != nil {
		return Document{}, err
	}
	if strings.TrimSpace(d.body()) == "" {
		return Document{}, ErrNoText
	}
	if d.Title == "" {
		d.Title = d.firstHeading()
	}
	if d.Title == "" {
		d.Title = titleFromName(name)
	}
	d.Title, d.Kind = shorten(d.Title, MaxLabelRunes), shorten(d.Kind, MaxLabelRunes)
	return d, nil
}

// storedText returns the text a document of the format is stored as.
func storedText(format Format, data []byte) (string, error) {
	var text string
	var err error
	switch format {
	case HTML:
		text, err = htmlText(data)
	case PDF:
		text, err = pdfText(data)
	default:
		text, err = plainText(data)
	}
	if strings.ContainsAny(text, "\r\v\f\x1c\x1d\x1e\u0085\u2028\u2029") {
		text = lineBreaks.Replace(text)
	}
	return text, err
}

// plainText returns a Markdown or text file's text as UTF-8. A file with a
// UTF-16 byte order mark (as Windows Notepad saves "Unicode") is decoded
// from UTF-16. One that is not valid UTF-8 is read as Windows-1252, the
// commonest older encoding of such files (Latin-1 and its Windows superset),
// unless it is mostly well-formed UTF-8, when its stray bytes become U+FFFD,
// as decodeHTML reads a page. Either way a citation quotes the characters
// the file holds. A NUL byte (outside UTF-16) means a binary file.
func plainText(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		out, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("UTF-16: %w", err)
		}
		data = out
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", ErrBinary
	}
	if !utf8.Valid(data) {
		if mostlyUTF8(data) {
			return strings.ToValidUTF8(strings.TrimPrefix(string(data), "\ufeff"), "\uFFFD"), nil
		}
		out, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("neither UTF-8 nor Windows-1252: %w", err)
		}
		data = out
	}
	return strings.TrimPrefix(string(data), "\ufeff"), nil
}

// lineBreaks writes as "\n" every line break that is not "\n" or "\r\n": a
// lone "\r" (old Mac files), vertical tab, form feed, the information
// separators 0x1C-0x1E, NEL, and Unicode's line and paragraph separators.
// These are the breaks Python's str.splitlines counts (Unicode's mandatory
// breaks and those separators), so a citation's line numbers are the lines
// an editor or a checker that counts them so shows; without this a file
// with "\r" line endings was one line, read as one heading.
var lineBreaks = strings.NewReplacer(
	"\r\n", "\r\n", "\r", "\n", "\v", "\n", "\f", "\n",
	"\x1c", "\n", "\x1d", "\n", "\x1e", "\n",
	"\u0085", "\n", "\u2028", "\n", "\u2029", "\n",
)

// frontMatter is the YAML block at the top of a document, between "---" lines.
type frontMatter struct {
	Title     string    `yaml:"title"`
	Author    yamlTexts `yaml:"author"` // one name, or a list of them
	Published yamlText  `yaml:"published"`
	Date      yamlText  `yaml:"date"`
	Kind      string    `yaml:"kind"`
	Sources   yamlTexts `yaml:"sources"`
	Related   yamlTexts `yaml:"related"`
	Boost     float64   `yaml:"boost"`
}

// yamlText accepts a scalar of any type (a date, a number) as text.
type yamlText string

func (t *yamlText) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a single value", n.Line)
	}
	*t = yamlText(n.Value)
	return nil
}

// yamlTexts accepts a list of scalars or a single scalar.
type yamlTexts []string

func (t *yamlTexts) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*t = []string{n.Value}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: want a list of values", c.Line)
			}
			*t = append(*t, c.Value)
		}
	default:
		return fmt.Errorf("line %d: want a value or a list", n.Line)
	}
	return nil
}

func (d *Document) readFrontMatter() error {
	lines := strings.SplitAfter(d.Text, "\n")
	if len(lines) == 0 || strings.TrimRight(lines[0], "\r\n") != "---" {
		return nil
	}
	for i := 1; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t\r\n")
		if l != "---" && l != "..." {
			continue
		}
		var fm frontMatter
		block := strings.Join(lines[1:i], "")
		if !opensMapping(lines[1:i]) {
			// "---", prose, "---": two thematic breaks, not front matter.
			return nil
		}
		if err := yaml.Unmarshal([]byte(block), &fm); err != nil {
			return frontMatterError(err)
		}
		d.Title = strings.TrimSpace(fm.Title)
		d.Author = strings.TrimSpace(strings.Join(fm.Author, ", "))
		d.Published = strings.TrimSpace(string(fm.Published))
		if d.Published == "" {
			d.Published = strings.TrimSpace(string(fm.Date))
		}
		if k := strings.TrimSpace(fm.Kind); k != "" {
			d.Kind = k
		}
		d.Sources = fm.Sources
		d.Related = fm.Related
		// NaN, zero, negative and infinite boosts keep the default: none
		// weighs a document, and an infinite one cannot be written to the
		// index's JSON manifest.
		if fm.Boost > 0 && !math.IsInf(fm.Boost, 1) {
			d.Boost = fm.Boost
		}
		d.bodyLine = i + 2
		return nil
	}
	// An opening "---" with no closing line is a thematic break, not front matter.
	return nil
}

// frontMatterError says what is wrong with a front matter block in one
// line, with the file's line numbers: the YAML parser counts from the
// block's first line (the file's second), and a type error lists its
// problems on lines of their own, naming Go types.
func frontMatterError(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	msg = yamlLineRe.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(strings.TrimPrefix(m, "line "))
		return "line " + strconv.Itoa(n+1)
	})
	msg = strings.TrimPrefix(strings.ReplaceAll(msg, "into corpus.frontMatter", "into the front matter's fields"), "yaml: ")
	return fmt.Errorf("front matter: %s", msg)
}

var yamlLineRe = regexp.MustCompile(`line \d+`)

// yamlKeyRe matches a line that opens a YAML mapping entry: "title: x",
// "author:".
var yamlKeyRe = regexp.MustCompile(`^[^\s#:-][^:]*:(\s|$)`)

// opensMapping reports whether the first line of a block between "---"
// lines that is neither blank nor a YAML comment is a "key:" line, as front
// matter's first line is. A document may also open with a thematic break,
// and the prose after it is no front matter to refuse the document over.
func opensMapping(lines []string) bool {
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r\n")
		if l == "" || strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		return yamlKeyRe.MatchString(l)
	}
	return true // an empty block is empty front matter
}

// body is the text after the front matter.
func (d Document) body() string {
	return strings.Join(d.Lines()[d.bodyLine-1:], "\n")
}

// Lines returns the stored text split into lines (without line endings);
// Lines()[n-1] is line n.
func (d Document) Lines() []string {
	lines := strings.Split(d.Text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func (d Document) firstHeading() string {
	if d.Format == PlainText {
		return ""
	}
	// the first level-1 heading as Split reads it: "# Title", or "Title"
	// over a line of "=" (not a "#" line in a code block or a comment)
	for _, b := range markdownBlocks(d) {
		if b.kind == Heading && b.level == 1 {
			return b.lines[0].text
		}
	}
	return ""
}

func titleFromName(name string) string {
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	base = strings.NewReplacer("-", " ", "_", " ").Replace(base)
	if base == "" {
		return name
	}
	r, size := utf8.DecodeRuneInString(base)
	return strings.ToUpper(string(r)) + base[size:]
}

// Year returns the publication year, or 0 when the document has no date.
func (d Document) Year() int {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006", time.RFC3339, "January 2, 2006", "2 January 2006"} {
		if t, err := time.Parse(layout, d.Published); err == nil {
			return t.Year()
		}
	}
	return 0
}
