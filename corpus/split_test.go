package corpus

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustParse(t testing.TB, name, text string) Document {
	t.Helper()
	d, err := Parse(name, []byte(text))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return d
}

// searchable is the text of the passages that answer questions of a
// document named name.
func searchable(t testing.TB, name, text string) []string {
	t.Helper()
	var out []string
	for _, p := range Split(mustParse(t, name, text)) {
		if p.Kind.Searchable() {
			out = append(out, p.Text)
		}
	}
	return out
}

func TestSplitMarkdown(t *testing.T) {
	doc := mustParse(t, "a.md", `---
title: Test doc
kind: note
---

# Test doc

Intro line one
continues here.

## Part A

- item one
- item two
  continued
- item three

| Year | Rank |
|---|---|
| 2010 | 1st |

> quoted
> text

## Part B
### Sub

`+"```"+`
code line
`+"```"+`
`)
	got := Split(doc)
	want := []struct {
		kind    Kind
		text    string
		section string
		lines   [2]int
		list    int
	}{
		{TitleLine, "title: Test doc", "", [2]int{2, 2}, -1},
		{Heading, "Test doc", "", [2]int{6, 6}, -1},
		{Paragraph, "Intro line one\ncontinues here.", "", [2]int{8, 9}, -1},
		{Heading, "Part A", "", [2]int{11, 11}, -1},
		{Item, "item one", "Part A", [2]int{13, 13}, 4},
		{Item, "item two\ncontinued", "Part A", [2]int{14, 15}, 4},
		{Item, "item three", "Part A", [2]int{16, 16}, 4},
		{TableHeader, "Year | Rank", "Part A", [2]int{18, 18}, -1},
		{Row, "2010 | 1st", "Part A", [2]int{20, 20}, -1},
		{Paragraph, "quoted\ntext", "Part A", [2]int{22, 23}, -1},
		{Heading, "Part B", "", [2]int{25, 25}, -1},
		{Heading, "Sub", "Part B", [2]int{26, 26}, -1},
		{Code, "code line", "Part B > Sub", [2]int{29, 29}, -1},
	}
	if len(got) != len(want) {
		for _, p := range got {
			t.Logf("%s %q %v %d-%d", p.Kind, p.Text, p.Section, p.LineStart, p.LineEnd)
		}
		t.Fatalf("got %d passages, want %d", len(got), len(want))
	}
	for i, w := range want {
		p := got[i]
		if p.Kind != w.kind || p.Text != w.text || p.SectionPath() != w.section ||
			p.LineStart != w.lines[0] || p.LineEnd != w.lines[1] || p.List != w.list {
			t.Errorf("passage %d = %s %q [%s] %d-%d list %d; want %s %q [%s] %d-%d list %d", i,
				p.Kind, p.Text, p.SectionPath(), p.LineStart, p.LineEnd, p.List,
				w.kind, w.text, w.section, w.lines[0], w.lines[1], w.list)
		}
		if p.ID != PassageID("a.md", i) || p.Title != "Test doc" {
			t.Errorf("passage %d: id %q title %q", i, p.ID, p.Title)
		}
	}
	if got[8].Context != "Year | Rank" {
		t.Errorf("row context = %q, want the header row", got[8].Context)
	}
}

// A quote marker alone is a blank line of the quote, as in CommonMark: it
// ends a paragraph, so that no passage's text runs across a line that holds
// none of it (FuzzSplit found "000\n>\n00" cited as one passage of lines 1
// to 3).
func TestSplitQuoteBlankLine(t *testing.T) {
	for _, tc := range []struct {
		text  string
		want  []string
		lines [][2]int
	}{
		{"> first\n>\n> second\n", []string{"first", "second"}, [][2]int{{1, 1}, {3, 3}}},
		{"000\n>\n00\n", []string{"000", "00"}, [][2]int{{1, 1}, {3, 3}}},
		{"> one\n> two\n", []string{"one\ntwo"}, [][2]int{{1, 2}}},
	} {
		got := Split(mustParse(t, "q.md", tc.text))
		if len(got) != len(tc.want) {
			t.Errorf("%q: %d passages, want %d", tc.text, len(got), len(tc.want))
			continue
		}
		for i, p := range got {
			if p.Text != tc.want[i] || p.LineStart != tc.lines[i][0] || p.LineEnd != tc.lines[i][1] {
				t.Errorf("%q: passage %d = %q %d-%d, want %q %d-%d", tc.text, i, p.Text, p.LineStart, p.LineEnd,
					tc.want[i], tc.lines[i][0], tc.lines[i][1])
			}
		}
	}
}

func TestSplitPlainText(t *testing.T) {
	doc := mustParse(t, "b.txt", "A Title Line\n\nFirst paragraph.\nStill first.\n\nKey points\n\n  • one point\n  • two point\n")
	got := Split(doc)
	var kinds []string
	for _, p := range got {
		kinds = append(kinds, string(p.Kind)+":"+p.Text)
	}
	want := []string{"heading:A Title Line", "paragraph:First paragraph.\nStill first.", "heading:Key points", "item:one point", "item:two point"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("got %q\nwant %q", kinds, want)
	}
	if doc.Title != "B" {
		t.Errorf("title = %q", doc.Title)
	}
}

// TestSplitPlainTextLateHeadings: in a text file the first heading is of
// level 1 and those after it of level 2, however many paragraphs come
// before it. Each heading looked for one among every block before it, so
// that a 5 MB file of 150,000 paragraphs and then 150,000 headings took
// 21.6 s to split; 1.2 s now, the same passages.
func TestSplitPlainTextLateHeadings(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "A paragraph number %d.\n\n", i)
	}
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "Heading %d\n\nText under heading %d.\n\n", i, i)
	}
	got := Split(mustParse(t, "late.txt", b.String()))
	under := 0
	for _, p := range got {
		var n int
		if _, err := fmt.Sscanf(p.Text, "Text under heading %d.", &n); err != nil {
			continue
		}
		under++
		want := []string{"Heading 0"}
		if n > 0 {
			want = append(want, fmt.Sprintf("Heading %d", n))
		}
		if !reflect.DeepEqual(p.Section, want) {
			t.Fatalf("%q is in section %q, want %q", p.Text, p.Section, want)
		}
	}
	if under != 3000 {
		t.Errorf("%d passages under a heading, want 3000", under)
	}
}

// TestSplitLongLabels: a document's title and kind, the headings of a
// passage's section and a table row's header row are what every passage
// under them carries, and are cut to MaxLabelRunes (the header row to
// MaxPassageRunes) at a space. A heading of 500 KB was carried by each of
// the 4,800 passages of a 1 MB file, whose index took over 23 GB of memory
// before it was stopped (1 s and 144 MB now); headings, titles and header
// rows of the length documents have are kept whole.
func TestSplitLongLabels(t *testing.T) {
	long := strings.Repeat("word ", 20000)
	var header strings.Builder
	header.WriteString("|")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&header, " column %d |", i)
	}
	var b strings.Builder
	b.WriteString("---\nkind: " + long + "\n---\n\n# " + long + "\n\n## Short heading\n\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "Paragraph %d.\n\n", i)
	}
	b.WriteString(header.String() + "\n|" + strings.Repeat("---|", 2000) + "\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "| row %d |\n", i)
	}
	d := mustParse(t, "long.md", b.String())
	within := func(what, s, of string, n int) {
		t.Helper()
		if s == "" || utf8.RuneCountInString(s) > n || !strings.HasPrefix(of, s) || strings.HasSuffix(s, " ") {
			t.Fatalf("%s of %d runes, want a prefix of at most %d ending on a word", what, utf8.RuneCountInString(s), n)
		}
	}
	within("title", d.Title, strings.TrimSpace(long), MaxLabelRunes)
	within("kind", d.Kind, strings.TrimSpace(long), MaxLabelRunes)
	rows := 0
	for _, p := range Split(d) {
		if p.Kind == Paragraph {
			if len(p.Section) != 1 || p.Section[0] != "Short heading" {
				t.Fatalf("%q is in section %q, want the short heading alone (the long one is the title)", p.Text, p.Section)
			}
		}
		if p.Kind == Row {
			rows++
			within("header row", p.Context, strings.Trim(header.String(), "| "), MaxPassageRunes)
		}
	}
	if rows != 100 {
		t.Errorf("%d rows, want 100", rows)
	}

	// A long heading under the title is cut in the section of the passages
	// under it; the heading itself is quoted whole, in passages of its own.
	d = mustParse(t, "long.md", "# Title\n\n## "+long+"\n\nText under it.\n")
	var heading strings.Builder
	for _, p := range Split(d) {
		switch p.Kind {
		case Heading:
			if p.Text != "Title" {
				heading.WriteString(p.Text + " ")
			}
		case Paragraph:
			if len(p.Section) != 1 {
				t.Fatalf("section %q, want the long heading", p.Section)
			}
			within("heading", p.Section[0], long, MaxLabelRunes)
		}
	}
	if got := strings.Join(strings.Fields(heading.String()), " "); got != strings.TrimSpace(long) {
		t.Errorf("the heading's passages hold %d bytes, want its %d", len(got), len(strings.TrimSpace(long)))
	}
}

func TestSplitLongParagraph(t *testing.T) {
	sentence := "This sentence is about e-government in Korea and it has some length to it. "
	long := strings.Repeat(sentence, 30) // ~2,250 characters
	doc := mustParse(t, "c.md", long+"\n")
	got := Split(doc)
	if len(got) < 4 {
		t.Fatalf("got %d passages, want the paragraph cut in at least 4", len(got))
	}
	for _, p := range got {
		if n := utf8.RuneCountInString(p.Text); n > MaxPassageRunes {
			t.Errorf("passage of %d runes", n)
		}
		if !strings.HasSuffix(p.Text, ".") {
			t.Errorf("passage not cut at a sentence end: %q", p.Text[len(p.Text)-20:])
		}
	}
}

func TestSplitUnbrokenText(t *testing.T) {
	doc := mustParse(t, "d.md", strings.Repeat("é", 2000)+"\n")
	got := Split(doc)
	total := 0
	for _, p := range got {
		n := utf8.RuneCountInString(p.Text)
		if n > MaxPassageRunes || !utf8.ValidString(p.Text) {
			t.Errorf("bad passage: %d runes, valid %v", n, utf8.ValidString(p.Text))
		}
		total += n
	}
	if total != 2000 {
		t.Errorf("passages hold %d runes, want 2000", total)
	}
}

// TestSplitOneLongSentence: a paragraph of megabytes with no sentence end
// (a base64 data: image in Markdown, a file of one line) is cut into
// passages that cover it, each within the limit. Its cutting counted the
// rest of the sentence at each cut, so that a 5 MB blob took 11.7 s to
// split, 34 ms now (same passages); longerThan counts no further than it
// must.
func TestSplitOneLongSentence(t *testing.T) {
	for _, tt := range []struct {
		s    string
		n    int
		want bool
	}{
		{"", 0, false}, {"a", 0, true}, {"abc", 3, false}, {"abcd", 3, true},
		{"ééé", 3, false}, {"éééé", 3, true}, {"éé", 3, false},
	} {
		if got := longerThan(tt.s, tt.n); got != tt.want {
			t.Errorf("longerThan(%q, %d) = %v", tt.s, tt.n, got)
		}
	}
	var b strings.Builder
	for i := 0; b.Len() < 2<<20; i++ {
		fmt.Fprintf(&b, "QUJD%d+/ZGVm", i) // letters, digits, '+' and '/': no space, no sentence end
	}
	blob := b.String()
	got := Split(mustParse(t, "blob.md", blob+"\n"))
	var joined strings.Builder
	for _, p := range got {
		if n := utf8.RuneCountInString(p.Text); n > MaxPassageRunes || n == 0 {
			t.Fatalf("passage of %d runes", n)
		}
		joined.WriteString(p.Text)
	}
	if joined.String() != blob {
		t.Errorf("the passages hold %d bytes of the %d of the paragraph, or not in order", joined.Len(), len(blob))
	}
}

// TestSplitManyShortLines: a paragraph of many short lines (a text file
// wrapped at every sentence, a <br> after each line of a page) is cut into
// passages whose line ranges hold their text. Each passage's lines were
// found by a scan from the paragraph's last line, so that splitting a
// 5 MB paragraph of 8-byte lines took 2.2 s; 0.26 s now, the same passages.
func TestSplitManyShortLines(t *testing.T) {
	words := []string{"Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"}
	var b strings.Builder
	for i := 0; i < 30000; i++ {
		fmt.Fprintf(&b, "%s %d.\n", words[i%len(words)], i)
	}
	for _, name := range []string{"lines.md", "lines.txt"} {
		d := mustParse(t, name, b.String())
		lines := d.Lines()
		got := Split(d)
		if len(got) < 100 {
			t.Fatalf("%s: %d passages, want the paragraph cut in many", name, len(got))
		}
		for _, p := range got {
			ls := strings.Split(p.Text, "\n")
			if len(ls) != p.LineEnd-p.LineStart+1 || !strings.HasSuffix(lines[p.LineStart-1], ls[0]) ||
				!strings.HasPrefix(lines[p.LineEnd-1], ls[len(ls)-1]) {
				t.Fatalf("%s: passage %d says lines %d-%d, which do not hold %q...%q",
					name, p.Seq, p.LineStart, p.LineEnd, ls[0], ls[len(ls)-1])
			}
		}
	}
}

func TestEmbeddedArticle(t *testing.T) {
	c, err := Load(context.Background(), Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := c.Doc("south-korea-e-government.md")
	if !ok {
		t.Fatal("article missing from the embedded corpus")
	}
	if d.Kind != "article" || d.Author != "Mohammad J Sear" || d.Published != "2021-07-15" || d.Year() != 2021 {
		t.Errorf("front matter: %+v", d)
	}
	var stages, factors int
	for _, p := range Split(d) {
		if p.Kind == Item && strings.HasPrefix(p.Text, "Stage ") {
			stages++
		}
		if p.Kind == Item && p.SectionPath() == "The key success factors" {
			factors++
		}
	}
	if ps := Split(d); ps[0].Kind != TitleLine || ps[1].Kind != Meta || ps[0].Text != `title: "South Korea: The leading e-government country in Asia"` || ps[0].LineStart != 2 ||
		ps[1].Text != "author: Mohammad J Sear" || ps[1].LineStart != 3 ||
		ps[2].Text != "published: 2021-07-15" || ps[2].LineStart != 4 {
		t.Errorf("front matter passages: %+v %+v %+v", ps[0], ps[1], ps[2])
	}
	if stages != 6 || factors != 4 {
		t.Errorf("got %d stage items and %d success factors, want 6 and 4", stages, factors)
	}
}

func TestPassageID(t *testing.T) {
	for _, seq := range []int{0, 7, 10, 99, 100, 999, 1000, 12345, -1, -42} {
		if got, want := PassageID("notes/a b.md", seq), fmt.Sprintf("%s#%03d", "notes/a b.md", seq); got != want {
			t.Errorf("PassageID(%d) = %q, want %q", seq, got, want)
		}
	}
}

// TestSplitHeadingsOnly: a document with nothing but headings (an outline in
// Markdown, a text file of short lines, which read as headings) has its
// headings as passages, where they stand, instead of no passage at all; a
// document with a paragraph keeps its headings as headings.
func TestSplitHeadingsOnly(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		want       []string
		lines      []int
	}{
		{"outline.md", "# Only heading about the mongoose\n", []string{"Only heading about the mongoose"}, []int{1}},
		{"outline.md", "## Meerkats\n### Civets ###\n\n#### Genets\n", []string{"Meerkats", "Civets", "Genets"}, []int{1, 2, 4}},
		{"list.txt", "Shopping list for Monday\n", []string{"Shopping list for Monday"}, []int{1}},
		{"notes.txt", "Meeting Notes\n\nBudget Review\n", []string{"Meeting Notes", "Budget Review"}, []int{1, 3}},
		{"doc.md", "# Title\n\nA paragraph.\n", []string{"A paragraph."}, []int{3}},
	} {
		var got []string
		var lines []int
		for _, p := range Split(mustParse(t, tt.name, tt.text)) {
			if p.Kind.Searchable() {
				got = append(got, p.Text)
				lines = append(lines, p.LineStart)
			}
		}
		if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(lines, tt.lines) {
			t.Errorf("%s %q: passages %q at lines %v, want %q at %v", tt.name, tt.text, got, lines, tt.want, tt.lines)
		}
	}
}

// TestSplitHTMLComments: an HTML comment in Markdown, or a script or style
// element, which the rendered page does not show, is neither a passage nor
// part of one; text after its end on the same line is, and so is a comment
// inside a code block.
func TestSplitHTMLComments(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"# T\n\n<!-- platypus lasagna -->\n\nVisible text.\n", []string{"Visible text."}},
		{"Para one.\n<!--\nhidden platypus\n\nstill hidden\n-->\nPara two.\n", []string{"Para one.", "Para two."}},
		{"<!-- note --> Shown text.\nAnd more.\n", []string{"Shown text.", "And more."}},
		{"Text.\n\n<!-- never closed\nmore\n", []string{"Text."}},
		{"```\n<!-- code -->\n```\n", []string{"<!-- code -->"}},
		// script and style elements, which the page does not show either
		{"Intro.\n\n<script>\nvar platypus = 1;\n</script>\n\nOutro.\n", []string{"Intro.", "Outro."}},
		{"<STYLE type=\"text/css\">\n.lasagna { color: red }\n</Style> After.\n", []string{"After."}},
		{"<script src=\"x.js\"></script>\nText.\n", []string{"Text."}},
		{"<scripted> is a word here.\n", []string{"<scripted> is a word here."}},
	} {
		if got := searchable(t, "doc.md", tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: passages %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestSplitLinkDefinitions: a Markdown link reference definition ("[1]:
// https://..."), which the rendered page does not show, is neither a passage
// nor part of one; a footnote is, and so is a line of that form that
// continues a paragraph (a definition cannot interrupt one) or that is not
// a definition ("[1]: Smith, J. (2020)", whose destination has a space).
func TestSplitLinkDefinitions(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"See [the report][r].\n\n[r]: https://example.org/report \"The report\"\n", []string{"See [the report][r]."}},
		{"Text.\n\n[a]: <https://a.example>\n  [b]: /b 'B'\n[c]: /c (C)\nAfter.\n", []string{"Text.", "After."}},
		{"- item\n\n[x]: https://x.example\n", []string{"item"}},
		{"Footnoted.[^1]\n\n[^1]: The platypus source.\n", []string{"Footnoted.[^1]", "[^1]: The platypus source."}},
		{"A paragraph\n[r]: https://example.org\n", []string{"A paragraph\n[r]: https://example.org"}},
		{"[1]: Smith, J. (2020). Lasagna.\n", []string{"[1]: Smith, J. (2020). Lasagna."}},
		{"```\n[r]: https://example.org\n```\n", []string{"[r]: https://example.org"}},
	} {
		if got := searchable(t, "doc.md", tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: passages %q, want %q", tt.text, got, tt.want)
		}
	}
	// The same lines in plain text are text.
	if got, want := searchable(t, "doc.txt", "[r]: https://example.org\n"), []string{"[r]: https://example.org"}; !reflect.DeepEqual(got, want) {
		t.Errorf("plain text: passages %q, want %q", got, want)
	}
}

// passageLines describes each passage of a document: kind, lines, list
// and text.
func passageLines(t *testing.T, name, text string) []string {
	t.Helper()
	var got []string
	for _, p := range Split(mustParse(t, name, text)) {
		got = append(got, fmt.Sprintf("%s %d-%d list=%d %q", p.Kind, p.LineStart, p.LineEnd, p.List, p.Text))
	}
	return got
}

// A hard-wrapped line that starts with a number and a full stop ("1998. It
// moved") continues its paragraph: in CommonMark an ordered list interrupts
// a paragraph only when it starts at 1. Read as a list item, the number was
// dropped from every passage (not searched, not quoted), and "When was the
// company founded?" was answered "... in Palo Alto in".
func TestSplitWrappedNumberContinuesParagraph(t *testing.T) {
	got := passageLines(t, "w.md", "The company was founded in a garage in\n1998. It moved to Mountain View later.\n\nSteps:\n1. one\n2. two\n")
	want := []string{
		`paragraph 1-2 list=-1 "The company was founded in a garage in\n1998. It moved to Mountain View later."`,
		`paragraph 4-4 list=-1 "Steps:"`,
		`item 5-5 list=2 "one"`,
		`item 6-6 list=2 "two"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The same in a text file: "12. The results" goes on the line before.
	got = passageLines(t, "w.txt", "The figures are on page\n12. The results follow.\n\nSteps:\n1) one\n2) two\n")
	want = []string{
		`paragraph 1-2 list=-1 "The figures are on page\n12. The results follow."`,
		`paragraph 4-4 list=-1 "Steps:"`,
		`item 5-5 list=2 "one"`,
		`item 6-6 list=2 "two"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("text file passages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A fenced code block inside a list item (indented under it) is part of
// the item, and the list goes on after it: "what are the install steps?"
// had listed steps 2 and 3 only.
func TestSplitCodeInListItem(t *testing.T) {
	got := passageLines(t, "c.md", "1. Download the installer:\n   ```\n   curl -O https://example.com/i.sh\n   ```\n2. Run the installer.\n3. Reboot.\n")
	var lists []string
	for _, g := range got {
		if strings.HasPrefix(g, "item") {
			lists = append(lists, strings.Fields(g)[2])
		}
	}
	if want := []string{"list=0", "list=0", "list=0"}; !reflect.DeepEqual(lists, want) {
		t.Errorf("items of lists %v, want one list %v; passages:\n%s", lists, want, strings.Join(got, "\n"))
	}
}

// A GFM table without outer pipes ("a | b" over "--- | ---") is a table:
// its rows are passages with the header as their columns, not one
// paragraph quoting the "--- | ---" line.
func TestSplitTableWithoutOuterPipes(t *testing.T) {
	got := passageLines(t, "t.md", "Name | Role\n--- | ---\nAlice | Founder\nBob | Engineer\n")
	want := []string{
		`header 1-1 list=-1 "Name | Role"`,
		`row 3-3 list=-1 "Alice | Founder"`,
		`row 4-4 list=-1 "Bob | Engineer"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
