package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

func TestHTML(t *testing.T) {
	tests := []struct {
		name, html string
		want       string // stored text
		title      string
		author     string
		published  string
	}{
		{
			name: "structure.html",
			html: `<!doctype html><html><head><title>The  Page</title>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<h1>Main &amp; Title</h1>
<p>Intro   text
with <b>bold</b> words.<br>Second line.</p>
<noscript>Enable JavaScript</noscript><template><p>template</p></template>
<svg><text>drawing</text></svg>
<ul><li>one</li><li>two <ul><li>two-a</li></ul></li><li><p>three</p><p>more three</p></li></ul>
<h2>Figures</h2>
<table><caption>Ranks</caption><thead><tr><th>Year</th><th>Rank</th></tr></thead>
<tbody><tr><td>2010</td><td>1st</td></tr><tr><td>2012</td><td>1st</td></tr></tbody></table>
<blockquote>A quote.</blockquote>
<pre>code
  indented</pre>
<div>div text<div>inner</div>tail</div>
<p hidden>hidden text</p><div aria-hidden="true">aria hidden</div>
<aside>Related links</aside><footer>Copyright</footer></body></html>`,
			want: `---
title: The Page
---

# Main & Title

Intro text with bold words.
Second line.

- one
- two
  - two-a
- three
  more three

## Figures

Ranks

| Year | Rank |
|---|---|
| 2010 | 1st |
| 2012 | 1st |

A quote.

` + "```" + `
code
  indented
` + "```" + `

div text

inner

tail
`,
			title: "The Page",
		},
		{
			name: "entities.html",
			html: `<p>Fish &amp; chips &lt;b&gt; caf&eacute; &#8212; &#x263A; a&nbsp;b &copy 2020 e&shy;govern&#8203;ment</p>`,
			want: "Fish & chips <b> café — ☺ a b © 2020 egovernment\n",
		},
		{
			name: "meta.html",
			html: `<html><head><title>Report on e-Government</title>
<meta name="author" content="A. Writer"><meta property="article:published_time" content="2021-07-15T10:00:00Z">
</head><body><p>Body.</p></body></html>`,
			want:      "---\ntitle: Report on e-Government\nauthor: A. Writer\npublished: 2021-07-15\n---\n\nBody.\n",
			title:     "Report on e-Government",
			author:    "A. Writer",
			published: "2021-07-15",
		},
		{
			name:      "meta-date.html",
			html:      `<head><meta name="date" content="2019-05"><meta name="AUTHOR" content="Kim: Lee # 2"></head><p>Body.</p>`,
			want:      "---\nauthor: 'Kim: Lee # 2'\npublished: 2019-05\n---\n\nBody.\n",
			title:     "Meta date",
			author:    "Kim: Lee # 2",
			published: "2019-05",
		},
		{
			name:  "title-from-h1.html",
			html:  `<h1>Heading   Title</h1><p>Body.</p>`,
			want:  "# Heading Title\n\nBody.\n",
			title: "Heading Title",
		},
		{
			name: "table-th-first-row.html",
			html: `<table><tr><th>Stage</th><th>Years</th></tr><tr><td>One <table><tr><td>nested</td></tr></table></td><td>1980s<br>to 1995</td></tr><tr><td></td><td></td></tr></table><table><tr><td>second</td><td>table</td></tr></table>`,
			want: "| Stage | Years |\n|---|---|\n| One nested | 1980s to 1995 |\n\n| second | table |\n",
		},
		{
			name: "markup-in-prose.html",
			html: `<p># not a heading</p><p>Line<br>---<br>===</p><p>` + "```" + `not a fence</p><ol><li># item text</li></ol>`,
			want: "\\# not a heading\n\nLine\n\\---\n\\===\n\n\\```not a fence\n\n- # item text\n",
		},
		{
			name: "markup-hidden-in-markdown.html",
			html: `<p>[r]: https://x.example</p><p>&lt;script&gt; shown</p><p>&lt;!-- shown --&gt;</p>`,
			want: "\\[r]: https://x.example\n\n\\<script> shown\n\n\\<!-- shown -->\n",
		},
		{
			name: "pre-with-fence.html",
			html: "<pre>```\ncode\n```</pre>",
			want: "~~~\n```\ncode\n```\n~~~\n",
		},
		{
			name: "invalid-utf8.html",
			html: "<meta charset=\"utf-8\"><p>caf\xc3\xa9 \xff bar</p>",
			want: "café \uFFFD bar\n",
		},
		{
			name: "stray-byte.html",
			html: "<p>caf\xc3\xa9 na\xefve</p>",
			want: "café na\uFFFDve\n",
		},
		{
			name: "latin1-undeclared.html",
			html: "<p>caf\xe9</p>",
			want: "café\n",
		},
		{
			name: "windows-1252.html",
			html: "<meta charset=\"windows-1252\"><p>\x93quoted\x94</p>",
			want: "“quoted”\n",
		},
		{
			name: "utf-16.html",
			html: utf16LE("\ufeff<p>hi ü</p>"),
			want: "hi ü\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.name, []byte(tt.html))
			if err != nil {
				t.Fatal(err)
			}
			if d.Text != tt.want {
				t.Errorf("stored text:\n%s\nwant:\n%s", d.Text, tt.want)
			}
			if tt.title == "" {
				tt.title = titleFromName(tt.name)
			}
			if d.Title != tt.title || d.Author != tt.author || d.Published != tt.published {
				t.Errorf("title, author, published = %q, %q, %q; want %q, %q, %q",
					d.Title, d.Author, d.Published, tt.title, tt.author, tt.published)
			}
			if d.Format != HTML || d.Size != int64(len(tt.html)) {
				t.Errorf("format %q size %d, want html and %d", d.Format, d.Size, len(tt.html))
			}
			checkPassages(t, d)
		})
	}
}

func TestHTMLPassages(t *testing.T) {
	d := mustParse(t, "p.html", `<title>Doc</title><meta name="author" content="A. Writer">
<h1>Doc</h1><p>Intro.</p><h2>Part</h2><ul><li>one</li><li>two</li></ul>
<table><tr><th>Year</th><th>Rank</th></tr><tr><td>2010</td><td>1st</td></tr></table>`)
	var got []string
	for _, p := range Split(d) {
		got = append(got, fmt.Sprintf("%s %d-%d [%s] %s", p.Kind, p.LineStart, p.LineEnd, p.SectionPath(), p.Text))
	}
	want := []string{
		"title 2-2 [] title: Doc",
		"meta 3-3 [] author: A. Writer",
		"heading 6-6 [] Doc",
		"paragraph 8-8 [] Intro.",
		"heading 10-10 [] Part",
		"item 12-12 [Part] one",
		"item 13-13 [Part] two",
		"header 15-15 [Part] Year | Rank",
		"row 17-17 [Part] 2010 | 1st",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestHTMLRefused(t *testing.T) {
	tests := []struct {
		name string
		data string
		want error
	}{
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<p>x</p>", ErrBinary},
		{"empty", "", ErrNoText},
		{"only-script", "<html><head><title>T</title><script>alert(1)</script></head><body> </body></html>", ErrNoText},
		{"only-nav", "<nav><ul><li>Home</li></ul></nav><footer>(c)</footer>", ErrNoText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.name+".html", []byte(tt.data)); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPDF(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		want      string
		title     string
		author    string
		published string
	}{
		{
			name: "report.pdf",
			data: fpdfDocument(t),
			want: `---
title: A PDF Report
author: P. Author
published: 2020-03-04
---

## Page 1

The first paragraph of the report runs over more
than one line of text on the page, so it wraps.

A second paragraph about a café.

## Page 3

Page three words
`,
			title:     "A PDF Report",
			author:    "P. Author",
			published: "2020-03-04",
		},
		{
			name: "hand-made.pdf",
			data: rawPDF(pageObjects(
				"BT /F1 12 Tf 72 700 Td [(Hand)-333(made)] TJ 0 -14 Td [(Ke)20(rning)] TJ ET",
				"BT /F1 12 Tf 72 600 Td (Next page) Tj ET")...),
			want:  "## Page 1\n\nHand made\nKerning\n\n## Page 2\n\nNext page\n",
			title: "Hand made",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.name, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if d.Text != tt.want {
				t.Errorf("stored text:\n%s\nwant:\n%s", d.Text, tt.want)
			}
			if d.Title != tt.title || d.Author != tt.author || d.Published != tt.published {
				t.Errorf("title, author, published = %q, %q, %q; want %q, %q, %q",
					d.Title, d.Author, d.Published, tt.title, tt.author, tt.published)
			}
			if d.Format != PDF || d.Size != int64(len(tt.data)) {
				t.Errorf("format %q size %d, want pdf and %d", d.Format, d.Size, len(tt.data))
			}
			checkPassages(t, d)
			for _, p := range Split(d) {
				if p.Kind != Meta && p.Kind != TitleLine && p.Kind != Heading && !strings.HasPrefix(p.SectionPath(), "Page ") {
					t.Errorf("passage %q in section %q, want a page", p.Text, p.SectionPath())
				}
			}
		})
	}
}

func TestPDFRefused(t *testing.T) {
	good := rawPDF(pageObjects("BT /F1 12 Tf 72 700 Td (Some text) Tj ET")...)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no text"},
		{"blank-page", rawPDF(pageObjects("")...), "no text"},
		{"image-only", rawPDF(pageObjects("q 100 0 0 100 0 0 cm Q")...), "scanned PDF"},
		{"not-a-pdf", []byte("<html>hello</html>"), "unreadable PDF: not a PDF file"},
		{"truncated", good[:len(good)/2], "unreadable PDF"},
		{"bad-xref", bytes.Replace(good, []byte("xref"), []byte("xxxx"), 1), "unreadable PDF"},
		// The library panics on these; pdfText recovers.
		{"restore-underflow", rawPDF(pageObjects("Q BT /F1 12 Tf 72 700 Td (x) Tj ET")...), "unreadable PDF: page 1"},
		{"bad-operands", rawPDF(pageObjects("BT /F1 12 Tf 72 700 Td Tj ET")...), "unreadable PDF: page 1"},
		{"unknown-filter", rawPDF(catalog, pages("3 0 R"), page("4 0 R"), "<< /Length 2 /Filter /NoSuchDecode >>\nstream\nxx\nendstream", font), "unreadable PDF: page 1"},
		{"no-pages", rawPDF(catalog, "<< /Type /Pages /Kids [] /Count 0 >>"), "no pages"},
		{"cyclic-page-tree", rawPDF(catalog, "<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 2 >>"), "no pages"},
		{"encrypted", fpdfEncrypted(t), ErrPDFEncrypted.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Parse(tt.name+".pdf", tt.data)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v, want one containing %q", err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Parse did not return")
			}
		})
	}
}

func TestLoadFormats(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"page.html":      []byte("<title>A page</title><p>Readable text.</p>"),
		"stray.htm":      []byte("<p>caf\xc3\xa9 na\xefve</p>"),
		"report.pdf":     fpdfDocument(t),
		"binary.html":    []byte("GIF89a\x00\x00\x01\x00"),
		"corrupt.pdf":    []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog\n"),
		"empty.pdf":      nil,
		"encrypted.pdf":  fpdfEncrypted(t),
		"scanned.pdf":    rawPDF(pageObjects("")...),
		"notes/good.md":  []byte("# Good\n\nFine text.\n"),
		"notes/page.xml": []byte("<x/>"),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(context.Background(), os.DirFS(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, d := range c.Docs {
		docs = append(docs, d.Path)
		checkPassages(t, d)
	}
	if want := []string{"notes/good.md", "page.html", "report.pdf", "stray.htm"}; !reflect.DeepEqual(docs, want) {
		t.Errorf("docs = %v, want %v", docs, want)
	}
	skipped := map[string]string{}
	for _, s := range c.Skipped {
		skipped[s.Path] = s.Reason
	}
	want := map[string]string{
		"binary.html":   "not a text file",
		"corrupt.pdf":   "unreadable PDF",
		"empty.pdf":     "no text",
		"encrypted.pdf": "encrypted",
		"scanned.pdf":   "no text",
	}
	for name, reason := range want {
		if !strings.Contains(skipped[name], reason) {
			t.Errorf("%s: skipped with %q, want a reason containing %q", name, skipped[name], reason)
		}
	}
	if len(skipped) != len(want) {
		t.Errorf("skipped %v, want only %v", skipped, want)
	}
	// Hash and Size describe the file, not the stored text.
	d, _ := c.Doc("report.pdf")
	if d.Size != int64(len(files["report.pdf"])) || d.Hash == "" {
		t.Errorf("report.pdf: size %d hash %q", d.Size, d.Hash)
	}
}

// FuzzHTML states that Parse never panics on an HTML page and that the
// passages of what it stores stand in the stored text.
func FuzzHTML(f *testing.F) {
	for _, s := range []string{
		"<h1>T</h1><p>para</p><ul><li>a<li>b</ul>",
		"<table><tr><th>a<th>b<tr><td>1<td>2</table>",
		"<title>x</title><meta name=author content='y'><p>z",
		"<p># x<br>---<br>```</p><pre>```\n~~~</pre>",
		"<ol><li><p>one</p><p>two</p><ul><li># three</ul></ol>",
		"<p>caf\xe9 \xff</p>",
		"\xff\xfe<\x00p\x00>\x00h\x00i\x00",
		"<div>a<table><tr><td>b<table><tr><td>c</table></table>d</div>",
		"<p>" + strings.Repeat("Word. ", 300) + "</p>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f.html", data)
		if err != nil {
			return
		}
		if !utf8.ValidString(d.Text) {
			t.Fatalf("stored text is not UTF-8: %q", d.Text)
		}
		checkPassages(t, d)
	})
}

// FuzzPDF states that Parse never panics on a PDF (the library's panics are
// recovered) and that the passages of what it stores stand in the stored text.
func FuzzPDF(f *testing.F) {
	f.Add(fpdfDocument(f))
	f.Add(fpdfEncrypted(f))
	f.Add(rawPDF(pageObjects("BT /F1 12 Tf 72 700 Td [(Hand)-333(made)] TJ 0 -14 Td (x) ' ET", "Q")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f.pdf", data)
		if err != nil {
			return
		}
		checkPassages(t, d)
	})
}

// checkPassages checks that every passage of d is non-empty, valid UTF-8, at
// most MaxPassageRunes long, and that each of its lines stands in the stored
// line it claims.
func checkPassages(t testing.TB, d Document) {
	t.Helper()
	lines := d.Lines()
	for _, p := range Split(d) {
		if strings.TrimSpace(p.Text) == "" || !utf8.ValidString(p.Text) || utf8.RuneCountInString(p.Text) > MaxPassageRunes {
			t.Fatalf("bad passage text %q", p.Text)
		}
		if p.LineStart < 1 || p.LineEnd < p.LineStart || p.LineEnd > len(lines) {
			t.Fatalf("passage %q: lines %d-%d outside 1-%d", p.Text, p.LineStart, p.LineEnd, len(lines))
		}
		ln := p.LineStart
		for _, piece := range strings.Split(p.Text, "\n") {
			for ln <= p.LineEnd && strings.TrimSpace(lines[ln-1]) == "" {
				ln++
			}
			if ln > p.LineEnd || !strings.Contains(lines[ln-1], piece) {
				t.Fatalf("passage %q: %q not in line %d of %d-%d\n%s", p.Text, piece, ln, p.LineStart, p.LineEnd, d.Text)
			}
			ln++
		}
	}
}

func utf16LE(s string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

// fpdfDocument makes a three-page PDF with document information, two
// paragraphs on page 1, nothing on page 2 and a line on page 3.
func fpdfDocument(t testing.TB) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetTitle("A PDF Report", true)
	f.SetAuthor("P. Author", true)
	f.SetCreationDate(time.Date(2020, 3, 4, 5, 6, 7, 0, time.UTC))
	f.SetModificationDate(time.Date(2020, 3, 4, 5, 6, 7, 0, time.UTC))
	tr := f.UnicodeTranslatorFromDescriptor("")
	f.AddPage()
	f.SetFont("Helvetica", "", 12)
	f.MultiCell(100, 6, "The first paragraph of the report runs over more than one line of text on the page, so it wraps.", "", "L", false)
	f.Ln(6)
	f.MultiCell(100, 6, tr("A second paragraph about a café."), "", "L", false)
	f.AddPage()
	f.AddPage()
	f.SetFont("Times", "B", 16)
	f.Cell(40, 10, "Page three words")
	return fpdfOutput(t, f)
}

// fpdfEncrypted makes a PDF that opens only with a password.
func fpdfEncrypted(t testing.TB) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetProtection(fpdf.CnProtectPrint, "user-password", "owner-password")
	f.AddPage()
	f.SetFont("Helvetica", "", 12)
	f.Cell(40, 10, "Secret words")
	return fpdfOutput(t, f)
}

func fpdfOutput(t testing.TB, f *fpdf.Fpdf) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Objects of a hand-made PDF: 1 is the catalog, 2 the page tree, then pages,
// their content streams and a font.
const (
	catalog = "<< /Type /Catalog /Pages 2 0 R >>"
	font    = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
)

func pages(kids string) string {
	return fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, len(strings.Fields(kids))/3)
}

// page is a page object whose font F1 is the last object of pageObjects.
func page(contents string) string {
	return "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /MediaBox [0 0 612 792] /Contents " + contents + " >>"
}

func stream(s string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(s), s)
}

// pageObjects lays out a PDF with one page per content stream.
func pageObjects(contents ...string) []string {
	n := len(contents)
	fontID := 3 + 2*n
	var kids []string
	objs := []string{catalog, ""}
	for i, c := range contents {
		pageID, contentID := 3+2*i, 4+2*i
		kids = append(kids, fmt.Sprintf("%d 0 R", pageID))
		p := strings.Replace(page(fmt.Sprintf("%d 0 R", contentID)), "/F1 5 0 R", fmt.Sprintf("/F1 %d 0 R", fontID), 1)
		objs = append(objs, p, stream(c))
	}
	objs[1] = pages(strings.Join(kids, " "))
	return append(objs, font)
}

// rawPDF assembles a PDF whose object i+1 is objs[i], with a correct
// cross-reference table.
func rawPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// TestHTMLDefinitionList: an HTML definition list keeps each term with its
// definitions, in one paragraph: apart, "what is a bollard?" was answered
// "Bollard".
func TestHTMLDefinitionList(t *testing.T) {
	got := searchable(t, "g.html", `<h1>Terms</h1><dl><dt>Bollard</dt><dd>A short post for mooring ropes.</dd><dt>Cleat</dt><dt>Bitt</dt><dd>A fitting to secure a rope.</dd></dl><p>After.</p>`)
	want := []string{"Bollard\nA short post for mooring ropes.", "Cleat\nBitt\nA fitting to secure a rope.", "After."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passages %q, want %q", got, want)
	}
}
