package corpus

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSplit states the splitting properties for any document: passages are
// non-empty, valid UTF-8, at most MaxPassageRunes, each line of a passage
// stands in the source line it claims, and together the passages cover every
// letter and digit of the body that is not block markup.
func FuzzSplit(f *testing.F) {
	seeds := []string{
		"# T\n\npara\n\n- a\n- b\n",
		"---\ntitle: x\n---\ntext\n",
		"---\nauthor: A. Writer\npublished: 2021-07-15\n---\nbody\n",
		"| a | b |\n|---|---|\n| 1 | 2 |\n",
		"```\ncode\n```\n",
		"> q\n> r\n\n1. one\n2) two\n",
		strings.Repeat("Word. ", 300),
		"Setext\n======\n\nbody\n",
		"• bullet\n  more\n\n* star\n",
		"\ufeffBOM\r\nCRLF line\r\n",
		"# Old Mac\r\rline one\rline two\r\rform\ffeed\u2028separated\u0085lines\r",
		"text\n<!-- hidden\n\nstill -->shown\n```\n<!-- code\n```\n<!-- one --> two\n",
		"<script>\nx\n</SCRIPT> after\n<style a=b>\ny</style>\n[r]: https://r.example \"R\"\npara\n[s]: /s\n",
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, plain bool) {
		name := "f.md"
		if plain {
			name = "f.txt"
		}
		d, err := Parse(name, []byte(text))
		if err != nil {
			return // invalid UTF-8, binary, bad front matter or no text: reported, not split
		}
		lines := d.Lines()
		covered := make(map[int]string)
		for _, p := range Split(d) {
			if strings.TrimSpace(p.Text) == "" {
				t.Fatalf("empty passage %+v", p)
			}
			if !utf8.ValidString(p.Text) {
				t.Fatalf("invalid UTF-8 in %q", p.Text)
			}
			if n := utf8.RuneCountInString(p.Text); n > MaxPassageRunes {
				t.Fatalf("passage of %d runes", n)
			}
			if p.Kind == Meta || p.Kind == TitleLine {
				if p.LineStart != p.LineEnd || p.LineStart >= d.bodyLine || !strings.Contains(lines[p.LineStart-1], p.Text) {
					t.Fatalf("meta passage %+v outside the front matter (body from line %d)", p, d.bodyLine)
				}
				continue
			}
			if p.LineStart < d.bodyLine || p.LineEnd < p.LineStart || p.LineEnd > len(lines) {
				t.Fatalf("line range %d-%d outside body %d-%d", p.LineStart, p.LineEnd, d.bodyLine, len(lines))
			}
			pieces := strings.Split(p.Text, "\n")
			if len(pieces) > p.LineEnd-p.LineStart+1 {
				t.Fatalf("%d text lines in line range %d-%d", len(pieces), p.LineStart, p.LineEnd)
			}
			// Blank lines inside a list item are not part of its text, so
			// match pieces to lines in order, skipping blank lines.
			ln := p.LineStart
			for _, piece := range pieces {
				for ln <= p.LineEnd && strings.TrimSpace(lines[ln-1]) == "" {
					ln++
				}
				if ln > p.LineEnd || !strings.Contains(lines[ln-1], piece) {
					t.Fatalf("piece %q not in line %d of %d-%d: %q", piece, ln, p.LineStart, p.LineEnd, lines[min(ln, len(lines))-1])
				}
				covered[ln] += piece
				ln++
			}
		}
		// Raw HTML a Markdown page does not show (a comment, a script or
		// style element) is neither searched nor quoted: its lines are
		// followed here as a reader would (outside code fences, from "<!--"
		// to "-->", "<script" to "</script>"), and only the text after its
		// end counts. A line that reads as a link reference definition may
		// be left out too (it is, unless it continues a paragraph).
		fence, closer := "", ""
		for n := d.bodyLine; n <= len(lines); n++ {
			want := alnum(stripMarkup(lines[n-1]))
			if l, t := lines[n-1], strings.TrimSpace(lines[n-1]); !plain {
				lower := strings.ToLower(t)
				switch {
				case fence != "":
					if strings.HasPrefix(strings.TrimLeft(l, " "), fence) {
						fence = ""
					}
				case closer == "" && linkDefRe.MatchString(l):
					want = ""
				case closer != "" || strings.HasPrefix(lower, "<!--") || hiddenTag(lower, "<script") || hiddenTag(lower, "<style"):
					if closer == "" {
						opening := "<!--"
						for _, o := range []string{"<script", "<style"} {
							if strings.HasPrefix(lower, o) {
								opening = o
							}
						}
						closer = map[string]string{"<!--": "-->", "<script": "</script>", "<style": "</style>"}[opening]
						t, lower = t[len(opening):], lower[len(opening):]
					}
					want = ""
					if end := strings.Index(lower, closer); end >= 0 && len(lower) == len(t) {
						want = alnum(t[end+len(closer):])
						closer = ""
					} else if end >= 0 {
						closer = "" // a letter whose lower case is longer: what follows is not checked
					}
				default:
					if m := fenceRe.FindStringSubmatch(l); m != nil {
						fence = m[1][:3]
					}
				}
			}
			if got := alnum(covered[n]); !strings.Contains(got, want) {
				t.Fatalf("line %d %q: passages hold %q", n, lines[n-1], covered[n])
			}
		}
	})
}

// stripMarkup removes block markup from a line the way a reader would.
func stripMarkup(l string) string {
	t := strings.TrimSpace(l)
	if fenceRe.MatchString(l) || ruleRe.MatchString(l) || tableSepRe.MatchString(l) || setextRe.MatchString(l) {
		return ""
	}
	if m := itemRe.FindStringSubmatch(l); m != nil {
		return m[3]
	}
	if m := plainItemRe.FindStringSubmatch(l); m != nil {
		return m[3]
	}
	t = strings.TrimLeft(t, "#> ")
	return t
}

func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// FuzzParsePDF states that any bytes named .pdf (and .html) are read or
// refused with an error: no panic escapes, and a document read splits
// into valid passages.
func FuzzParsePDF(f *testing.F) {
	f.Add(rawPDF(pageObjects("BT /F1 12 Tf 72 700 Td (Some text) Tj ET")...), false)
	f.Add(rawPDF(pageObjects("BT /F1 12 Tf 72 700 Td (One) Tj 0 -14 Td (Two) Tj ET")...), false)
	f.Add(fpdfDocument(f), false)
	f.Add([]byte("<html><head><title>T</title></head><body><h1>H</h1><p>para</p></body></html>"), true)
	f.Fuzz(func(t *testing.T, data []byte, html bool) {
		name := "f.pdf"
		if html {
			name = "f.html"
		}
		d, err := Parse(name, data)
		if err != nil {
			return
		}
		for _, p := range Split(d) {
			if strings.TrimSpace(p.Text) == "" || !utf8.ValidString(p.Text) || utf8.RuneCountInString(p.Text) > MaxPassageRunes {
				t.Fatalf("bad passage %+v", p)
			}
		}
	})
}

// hiddenTag reports whether a lower-case line opens an element of the tag
// ("<script"): the tag's name ends there.
func hiddenTag(lower, tag string) bool {
	rest, ok := strings.CutPrefix(lower, tag)
	return ok && (rest == "" || strings.ContainsAny(rest[:1], " \t\n\v\f\r>"))
}
