package corpus

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// TestParseBoost: a boost that is not a positive finite number leaves the
// document at boost 1.
func TestParseBoost(t *testing.T) {
	for _, tt := range []struct {
		name, boost string
		want        float64
	}{
		{"unset", "", 1},
		{"set", "boost: 2.5", 2.5},
		{"large", "boost: 1e308", 1e308},
		{"zero", "boost: 0", 1},
		{"negative", "boost: -3", 1},
		{"nan", "boost: .nan", 1},
		{"infinite", "boost: .inf", 1},
		{"negative infinite", "boost: -.inf", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("doc.md", []byte("---\ntitle: Doc\n"+tt.boost+"\n---\n# Doc\n\nSome text.\n"))
			if err != nil {
				t.Fatal(err)
			}
			if d.Boost != tt.want {
				t.Errorf("Boost = %v, want %v", d.Boost, tt.want)
			}
		})
	}
}

// splitLines splits s where Python's str.splitlines does (the scorer of the
// JSON contract counts lines so), written out here so that the test does not
// share the code it checks.
func splitLines(s string) []string {
	var lines []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\r', '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, string(rs[start:i]))
			if rs[i] == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(rs) {
		lines = append(lines, string(rs[start:]))
	}
	return lines
}

// TestParseLineBreaks: a document's lines are counted at every line break,
// not only at "\n": a file with "\r" line endings is read as its lines, not as
// one heading, and a form feed or a Unicode line separator starts a line, so
// that every passage's text stands in the lines it names.
func TestParseLineBreaks(t *testing.T) {
	paras := []string{
		"The Normans gave their name to Normandy, a region in France.",
		"They descended from Norse raiders from Denmark, Iceland and Norway.",
		"Rollo was their first leader and swore fealty to King Charles III.",
	}
	for _, br := range []string{"\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\u0085", "\u2028", "\u2029"} {
		for _, name := range []string{"doc.md", "doc.txt"} {
			text := "# Normans" + br + br + strings.Join(paras, br+br) + br + br +
				"A last line" + br + "wrapped in two." + br
			d, err := Parse(name, []byte(text))
			if err != nil {
				t.Fatalf("%q %s: %v", br, name, err)
			}
			want := splitLines(text)
			got := d.Lines()
			if len(got) < len(want) || len(got) > len(want)+1 || (len(got) > len(want) && got[len(want)] != "") {
				t.Fatalf("%q %s: %d lines %q, want %q", br, name, len(got), got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%q %s: line %d is %q, want %q", br, name, i+1, got[i], want[i])
				}
			}
			found := 0
			for _, p := range Split(d) {
				span := strings.Join(want[p.LineStart-1:p.LineEnd], " ")
				for _, w := range strings.Fields(p.Text) {
					if !strings.Contains(span, w) {
						t.Fatalf("%q %s: passage %q: %q not in its lines %d-%d", br, name, p.Text, w, p.LineStart, p.LineEnd)
					}
				}
				for _, para := range paras {
					if p.Text == para {
						found++
					}
				}
			}
			if found != len(paras) {
				t.Errorf("%q %s: %d of the %d paragraphs are passages of their own", br, name, found, len(paras))
			}
		}
	}
}

// TestParseEncodings: a text or Markdown file saved in another encoding than
// UTF-8 is read as the characters it holds, not skipped: Windows-1252 (and
// so Latin-1), UTF-16 with a byte order mark either way round, and UTF-8
// with a stray byte. A NUL byte outside UTF-16 still means a binary file.
func TestParseEncodings(t *testing.T) {
	const text = "The café in Zürich serves “Müsli” to the manager.\n\nIt opens at nine.\n"
	encode := func(order binary.AppendByteOrder) []byte {
		b := order.AppendUint16(nil, 0xfeff)
		for _, u := range utf16.Encode([]rune(text)) {
			b = order.AppendUint16(b, u)
		}
		return b
	}
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"utf-8", []byte(text), text},
		{"windows-1252", cp1252, text},
		{"utf-16le", encode(binary.LittleEndian), text},
		{"utf-16be", encode(binary.BigEndian), text},
		{"stray byte", []byte(strings.Replace(text, "nine", "nine \xff", 1)), strings.Replace(text, "nine", "nine \uFFFD", 1)},
	} {
		for _, name := range []string{"doc.txt", "doc.md"} {
			d, err := Parse(name, tt.data)
			if err != nil {
				t.Errorf("%s %s: %v", tt.name, name, err)
				continue
			}
			if d.Text != tt.want {
				t.Errorf("%s %s: text %q, want %q", tt.name, name, d.Text, tt.want)
			}
			if ps := Split(d); len(ps) != 2 || !strings.Contains(ps[0].Text, "Zürich serves “Müsli”") {
				t.Errorf("%s %s: passages %+v", tt.name, name, ps)
			}
		}
	}
	if _, err := Parse("doc.txt", []byte("text\x00with a NUL\xff")); !errors.Is(err, ErrBinary) {
		t.Errorf("a NUL byte: %v, want ErrBinary", err)
	}
}

// TestParseFrontMatterEdges: only a block that opens with a "key:" line is
// front matter; a document that opens with a thematic break is read whole
// (it had been refused as bad front matter), an author may be a list, and
// a block that is front matter but not valid YAML is still refused.
func TestParseFrontMatterEdges(t *testing.T) {
	d, err := Parse("rule.md", []byte("---\n\nThis document starts with a rule about the humpback whale.\n\n---\n\nMore text.\n"))
	if err != nil {
		t.Fatalf("a document opening with a thematic break: %v", err)
	}
	if ps := Split(d); len(ps) != 2 || ps[0].Text != "This document starts with a rule about the humpback whale." || ps[0].LineStart != 3 {
		t.Errorf("passages %+v", ps)
	}
	d, err = Parse("list.md", []byte("---\n- a list\n- not front matter\n---\nBody text.\n"))
	if err != nil || len(Split(d)) != 3 {
		t.Errorf("a YAML list between rules: %v, passages %+v", err, Split(d))
	}
	d, err = Parse("authors.md", []byte("---\n# written together\ntitle: Joint\nauthor: [Alice Ng, Bob Roy]\n---\nBody text.\n"))
	if err != nil || d.Author != "Alice Ng, Bob Roy" || d.Title != "Joint" {
		t.Errorf("authors: %q %q %v", d.Author, d.Title, err)
	}
	d, err = Parse("setext.md", []byte("Setext Title\n============\n\nBody text.\n\nA paragraph\n===========\n"))
	if err != nil || d.Title != "Setext Title" {
		t.Errorf("a setext heading as the title: %q %v", d.Title, err)
	}
	// the reason names the file's line, on one line, without Go's types
	for _, tt := range []struct{ text, want string }{
		{"---\ntitle: [unclosed\n---\nBody text.\n", "front matter: line 2: did not find expected ',' or ']'"},
		{"---\ntitle: T\nauthor:\n  name: A\n---\nBody text.\n", "front matter: line 4: want a value or a list"},
		{"---\ntitle: [a, b]\n---\nBody text.\n", "front matter: line 2: cannot unmarshal !!seq into string"},
	} {
		if _, err := Parse("bad.md", []byte(tt.text)); err == nil || err.Error() != tt.want {
			t.Errorf("%q: %v, want %q", tt.text, err, tt.want)
		}
	}
}
