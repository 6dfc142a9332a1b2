package corpus

import (
	"strings"
	"testing"
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
