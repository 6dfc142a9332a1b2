package corpus

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"gopkg.in/yaml.v3"
)

// An HTML page is stored as the Markdown a reader would have written for it:
// a front matter block with the page's title, author and date when it names
// them, "#" headings, paragraphs separated by blank lines, "- " list items and
// "| a | b |" table rows. Split reads that text as Markdown, so passages quote
// the stored text and their line ranges refer to it, as for any other format.

// htmlText converts an HTML page to its stored text.
func htmlText(data []byte) (string, error) {
	src, err := decodeHTML(data)
	if err != nil {
		return "", err
	}
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return "", err
	}
	w := &htmlWriter{}
	w.walk(root)
	w.flush()
	var sb strings.Builder
	sb.WriteString(frontMatterText([][2]string{{"title", w.title}, {"author", w.author}, {"published", w.published}}))
	for i, b := range w.blocks {
		if i > 0 && (b.group == 0 || b.group != w.blocks[i-1].group) {
			sb.WriteByte('\n')
		}
		sb.WriteString(b.text)
		sb.WriteByte('\n')
	}
	return sb.String(), nil
}

// decodeHTML returns the page as UTF-8. The encoding is the one a browser
// would pick (byte order mark, then <meta charset>), except that a page that
// is mostly UTF-8 is read as UTF-8 even when a stray byte makes it invalid,
// with U+FFFD for the bad bytes: such a page should still be readable.
func decodeHTML(data []byte) (string, error) {
	enc, name, _ := charset.DetermineEncoding(data, "text/html")
	if name != "utf-16le" && name != "utf-16be" && bytes.IndexByte(data, 0) >= 0 {
		return "", ErrBinary
	}
	if name == "utf-8" || (name == "windows-1252" && mostlyUTF8(data)) {
		return strings.ToValidUTF8(strings.TrimPrefix(string(data), "\ufeff"), "\uFFFD"), nil
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD"), nil
	}
	return strings.ToValidUTF8(strings.TrimPrefix(string(out), "\ufeff"), "\uFFFD"), nil
}

// mostlyUTF8 reports whether data holds well-formed multi-byte UTF-8
// sequences, at least as many as invalid bytes.
func mostlyUTF8(data []byte) bool {
	valid, invalid := 0, 0
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
		case size > 1:
			valid++
		}
		data = data[size:]
	}
	return valid > 0 && valid >= invalid
}

// frontMatterText writes the non-empty fields as a YAML front matter block,
// one "key: value" line each, or "" when all are empty. A value is written
// plainly when YAML reads it back unchanged, else quoted.
func frontMatterText(fields [][2]string) string {
	var sb strings.Builder
	for _, f := range fields {
		v := strings.Join(strings.Fields(f[1]), " ")
		if v == "" {
			continue
		}
		var back struct {
			V yamlText `yaml:"v"`
		}
		if err := yaml.Unmarshal([]byte("v: "+v), &back); err != nil || string(back.V) != v {
			q, err := yaml.Marshal(v)
			if err != nil {
				continue
			}
			v = strings.TrimSpace(string(q))
		}
		sb.WriteString(f[0] + ": " + v + "\n")
	}
	if sb.Len() == 0 {
		return ""
	}
	return "---\n" + sb.String() + "---\n\n"
}

// htmlBlock is one block of stored text, possibly several lines.
type htmlBlock struct {
	text string
	// group is the list or table the block belongs to, or 0. Blocks of one
	// group are written without blank lines between them; others are
	// separated by one.
	group int
}

type htmlWriter struct {
	blocks []htmlBlock
	// inline collects the text of the open block: runs of white space
	// collapse to one space, and '\n' marks a <br>.
	inline strings.Builder
	// prefix starts the open block's first line ("- " in a list item), and
	// indent starts its other lines.
	prefix, indent string
	depth          int // list nesting
	list           int // group of the open outermost list
	groups         int // groups handed out
	// term is the group of the open definition list's last term and its
	// definitions, written as one paragraph, or 0.
	term int

	title, author, published string
}

// skipped elements hold no reading text (or only navigation around it).
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Svg: true, atom.Math: true, atom.Nav: true,
	atom.Footer: true, atom.Aside: true, atom.Iframe: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Select: true, atom.Button: true,
	atom.Textarea: true, atom.Input: true, atom.Audio: true, atom.Video: true,
	atom.Picture: true, atom.Map: true, atom.Dialog: true,
}

// blockElems start and end a paragraph.
var blockElems = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Blockquote: true, atom.Section: true,
	atom.Article: true, atom.Main: true, atom.Header: true, atom.Address: true,
	atom.Figure: true, atom.Figcaption: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Hr: true, atom.Details: true, atom.Summary: true,
	atom.Fieldset: true, atom.Legend: true, atom.Form: true, atom.Center: true,
	atom.Caption: true, atom.Body: true, atom.Html: true, atom.Hgroup: true,
	atom.Search: true,
}

var headingLevel = map[atom.Atom]int{
	atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6,
}

func (w *htmlWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		w.children(n)
		return
	default:
		return // comments, doctype
	}
	if n.DataAtom == atom.Head {
		w.readHead(n)
		return
	}
	if skipped[n.DataAtom] || hasAttr(n, "hidden") || attr(n, "aria-hidden") == "true" {
		return
	}
	switch {
	case n.DataAtom == atom.Br:
		w.inline.WriteByte('\n')
	case n.DataAtom == atom.Title:
		// A <title> in the body: the parser puts it there when <head> is
		// missing.
		if w.title == "" {
			w.title = collapse(textOf(n, " "))
		}
	case headingLevel[n.DataAtom] > 0:
		w.flush()
		text := collapse(textOf(n, " "))
		if text != "" {
			w.blocks = append(w.blocks, htmlBlock{text: strings.Repeat("#", headingLevel[n.DataAtom]) + " " + text})
		}
	case n.DataAtom == atom.Ul || n.DataAtom == atom.Ol || n.DataAtom == atom.Menu:
		w.flush()
		if w.depth == 0 {
			w.groups++
			w.list = w.groups
		}
		w.depth++
		w.children(n)
		w.flush()
		w.depth--
	case n.DataAtom == atom.Li:
		w.flush()
		prefix, indent := w.prefix, w.indent
		ind := strings.Repeat("  ", max(w.depth-1, 0))
		w.prefix, w.indent = ind+"- ", ind+"  "
		w.children(n)
		w.flush()
		w.prefix, w.indent = prefix, indent
	case n.DataAtom == atom.Dl:
		w.flush()
		term := w.term
		w.term = 0
		w.children(n)
		w.flush()
		w.term = term
	case n.DataAtom == atom.Dt || n.DataAtom == atom.Dd:
		// a term and its definitions make one paragraph ("Bollard" / "A
		// short post for mooring ropes."): apart, a question for the term
		// finds the term alone
		w.flush()
		if n.DataAtom == atom.Dt && !prevIs(n, atom.Dt) {
			w.groups++
			w.term = w.groups
		}
		w.children(n)
		w.flush()
	case n.DataAtom == atom.Table:
		w.flush()
		w.table(n)
	case n.DataAtom == atom.Pre:
		w.flush()
		w.pre(n)
	case blockElems[n.DataAtom]:
		w.flush()
		w.children(n)
		w.flush()
	default:
		w.children(n)
	}
}

func (w *htmlWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// text adds character data to the open block, white space collapsed and
// invisible characters that would split words for search (soft hyphens,
// zero-width spaces) left out.
func (w *htmlWriter) text(s string) {
	space := false
	for _, r := range s {
		switch r {
		case '\u00ad', '\u200b', '\u2060', '\ufeff':
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space {
			w.inline.WriteByte(' ')
			space = false
		}
		w.inline.WriteRune(r)
	}
	if space {
		w.inline.WriteByte(' ')
	}
}

// flush closes the open block: its lines (one per <br>) are trimmed, empty
// ones dropped, and any that Markdown would read as markup escaped.
func (w *htmlWriter) flush() {
	raw := w.inline.String()
	w.inline.Reset()
	var lines []string
	for _, l := range strings.Split(raw, "\n") {
		if l = collapse(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return
	}
	for i, l := range lines {
		lead := w.indent
		if i == 0 {
			lead = w.prefix
			w.prefix = w.indent // a later paragraph of the same item continues it
		}
		if !strings.HasSuffix(lead, "- ") {
			l = escapeLine(l)
		}
		lines[i] = lead + l
	}
	b := htmlBlock{text: strings.Join(lines, "\n")}
	if w.indent != "" {
		b.group = w.list
	} else {
		b.group = w.term
	}
	w.blocks = append(w.blocks, b)
}

// table writes one "| a | b |" line per row. A first row of header cells is
// followed by a "|---|" line so that Split gives its text to the rows below.
func (w *htmlWriter) table(t *html.Node) {
	if c := findChild(t, atom.Caption); c != nil {
		w.text(textOf(c, " "))
		w.flush()
	}
	w.groups++
	group := w.groups
	first := true
	for _, tr := range rows(t) {
		var cells []string
		header := true
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
				continue
			}
			if c.DataAtom == atom.Td {
				header = false
			}
			cells = append(cells, collapse(textOf(c, " ")))
		}
		if strings.TrimSpace(strings.Join(cells, "")) == "" {
			continue
		}
		line := "| " + strings.Join(cells, " | ") + " |"
		if first && header {
			line += "\n|" + strings.Repeat("---|", len(cells))
		}
		first = false
		w.blocks = append(w.blocks, htmlBlock{text: line, group: group})
	}
}

// rows returns the <tr> elements of a table in order, not those of tables
// nested in its cells.
func rows(t *html.Node) []*html.Node {
	var out []*html.Node
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				out = append(out, c)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				visit(c)
			}
		}
	}
	visit(t)
	return out
}

// pre writes preformatted text as a fenced code block, its lines as they are.
func (w *htmlWriter) pre(n *html.Node) {
	text := strings.ReplaceAll(textOf(n, ""), "\r", "")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\t' {
				return ' '
			}
			return r
		}, l)
		lines = append(lines, strings.TrimRight(l, " \t"))
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return
	}
	fence := ""
	for _, f := range []string{"```", "~~~"} {
		clash := false
		for _, l := range lines {
			if strings.HasPrefix(strings.TrimLeft(l, " "), f) {
				clash = true
			}
		}
		if !clash {
			fence = f
			break
		}
	}
	if fence == "" {
		// Both fences occur in the text: store it as a paragraph instead.
		w.text(text)
		w.flush()
		return
	}
	w.blocks = append(w.blocks, htmlBlock{text: fence + "\n" + strings.Join(lines, "\n") + "\n" + fence})
}

// readHead takes the title, author and date from <head>.
func (w *htmlWriter) readHead(head *html.Node) {
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Title:
				if w.title == "" {
					w.title = collapse(textOf(c, " "))
				}
			case atom.Meta:
				key := strings.ToLower(attr(c, "name"))
				if key == "" {
					key = strings.ToLower(attr(c, "property"))
				}
				value := collapse(attr(c, "content"))
				switch key {
				case "author", "dc.creator", "dcterms.creator", "citation_author", "article:author":
					if w.author == "" && !strings.Contains(value, "://") {
						w.author = value
					}
				case "date", "dc.date", "dcterms.date", "dcterms.created", "article:published_time",
					"citation_publication_date", "citation_date":
					if w.published == "" {
						w.published = isoDate(value)
					}
				}
			default:
				visit(c)
			}
		}
	}
	visit(head)
}

var isoDateTimeRe = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[T ]`)

// isoDate shortens an ISO 8601 date-time to its date.
func isoDate(s string) string {
	if m := isoDateTimeRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return s
}

// textOf returns the text below n, leaving out skipped elements, with sep
// between blocks and for <br>.
func textOf(n *html.Node, sep string) string {
	var sb strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				sb.WriteString(c.Data)
			case html.ElementNode:
				if skipped[c.DataAtom] || hasAttr(c, "hidden") {
					continue
				}
				block := blockElems[c.DataAtom] || c.DataAtom == atom.Br || c.DataAtom == atom.Li ||
					c.DataAtom == atom.Td || c.DataAtom == atom.Th || c.DataAtom == atom.Tr || headingLevel[c.DataAtom] > 0
				if block {
					sb.WriteString(sep)
				}
				visit(c)
				if block {
					sb.WriteString(sep)
				}
			}
		}
	}
	visit(n)
	return sb.String()
}

// prevIs reports whether the element before n among its siblings is an a.
func prevIs(n *html.Node, a atom.Atom) bool {
	for c := n.PrevSibling; c != nil; c = c.PrevSibling {
		if c.Type == html.ElementNode {
			return c.DataAtom == a
		}
	}
	return false
}

func findChild(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

// collapse turns every run of white space and control characters into one
// space and trims the ends.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// escapeLine puts a backslash before a line of prose that Markdown would read
// as a heading, a code fence, a rule, a setext underline, front matter, a
// link reference definition or hidden HTML, so that Split keeps it as text
// (and Discord shows it without the backslash).
func escapeLine(l string) string {
	if atxRe.MatchString(l) || fenceRe.MatchString(l) || ruleRe.MatchString(l) || setextRe.MatchString(l) ||
		linkDefRe.MatchString(l) || hiddenOpenRe.MatchString(strings.TrimSpace(l)) {
		return `\` + l
	}
	return l
}
