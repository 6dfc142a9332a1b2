package corpus

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestYears(t *testing.T) {
	const now = 2026
	tests := []struct {
		text string
		want []Span
	}{
		{"Stage 1 (1980s to 1995)- the foundation.", []Span{{From: 1980, To: 1995}}},
		{"Stage 4 (2008 to 2012) – the integration.", []Span{{From: 2008, To: 2012}}},
		{"Stage 6 ( 2018- onward)- the intelligent", []Span{{From: 2018, To: now, Open: true}}},
		{"from 1993 to 2001 it put 7.37 trillion won", []Span{{From: 1993, To: 2001}}},
		{"between 2003 and 2007", []Span{{From: 2003, To: 2007}}},
		{"the 2008–12 plan", []Span{{From: 2008, To: 2012}}},
		{"since 2018", []Span{{From: 2018, To: now, Open: true}}},
		{"from 2018 on, it grew", []Span{{From: 2018, To: now, Open: true}}},
		{"it grew from 2018 on", []Span{{From: 2018, To: now, Open: true}}},
		{"where did korea place in 2008 on the egdi", []Span{{From: 2008, To: 2008}}},
		{"aired in 2012 on Fox8", []Span{{From: 2012, To: 2012}}},
		{"In 2001, South Korea adopted", []Span{{From: 2001, To: 2001}}},
		{"as early as the 1980s", []Span{{From: 1980, To: 1989}}},
		{"in 2010 and again in 2012", []Span{{From: 2010, To: 2010}, {From: 2012, To: 2012}}},
		{"Act No. 9705 of 22 May 2009", []Span{{From: 2009, To: 2009}}},
		{"about 20,000 km and 1,100 types", nil},
		{"1995-05 is not a span", []Span{{From: 1995, To: 1995}}},
		{"during 1996-2002?", []Span{{From: 1996, To: 2002}}},
		{"2050 onward", []Span{{From: 2050, To: 2050}}},
		{"their invasion at Bannow Bay in 1169.", []Span{{From: 1169, To: 1169}}},
		{"ruled from 1568 until 1648", []Span{{From: 1568, To: 1648}}},
		{"in the 10th and 11th centuries", []Span{{From: 901, To: 1100}}},
		{"a 12th-century church, rebuilt in the 1480s", []Span{{From: 1101, To: 1200}, {From: 1480, To: 1489}}},
		{"the 21st century", []Span{{From: 2001, To: 2100}}},
		{"in 5th place, a century later", nil},
		{"500 to 999 soldiers", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := Years(tt.text, now); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Years(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestReadYearsShortEnds(t *testing.T) {
	for _, tt := range []struct {
		text string
		want [][2]int
	}{
		{"the 1980s to 95", [][2]int{{13, 15}}},
		{"the 2008-12 plan", [][2]int{{9, 11}}},
		{"1995-05 is not a span", nil},
		{"from 1993 to 2001", nil},
	} {
		if _, got := ReadYears(tt.text, 2026); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ReadYears(%q) ends %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"One. Two! Three?", []string{"One. ", "Two! ", "Three?"}},
		{"Stage 1 (1980s to 1995)- the foundation.\u00a0During this time, it grew.", []string{"Stage 1 (1980s to 1995)- the foundation.\u00a0", "During this time, it grew."}},
		{"Many organisations such as NIA etc., have helped. Next.", []string{"Many organisations such as NIA etc., have helped. ", "Next."}},
		{"See e.g. Korea. And Mohammad J. Sear wrote it.", []string{"See e.g. Korea. ", "And Mohammad J. Sear wrote it."}},
		{"It said “Put Experience First.” Then more.", []string{"It said “Put Experience First.” ", "Then more."}},
		{"version 2.6.3 is out", []string{"version 2.6.3 is out"}},
		{"the intelligent digital government.\u00a0e-Governance has played a role.", []string{"the intelligent digital government.\u00a0", "e-Governance has played a role."}},
		{"it rose 3 p.c. and e-mail grew.", []string{"it rose 3 p.c. and e-mail grew."}},
		// a work's number and a title are no sentence end
		{"Prelude Op. 28 No. 7 is followed by the Étude Op. 10 No. 5. Then Rev. Smith spoke.", []string{"Prelude Op. 28 No. 7 is followed by the Étude Op. 10 No. 5. ", "Then Rev. Smith spoke."}},
		// a title before a name is no sentence end
		{"The Basilica stands on the spot of Fr. Sorin's church. Gov. Brown and Sen. Smith met Mme. Curie there.", []string{"The Basilica stands on the spot of Fr. Sorin's church. ", "Gov. Brown and Sen. Smith met Mme. Curie there."}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range Sentences(tt.text) {
			got = append(got, tt.text[s[0]:s[1]])
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Sentences(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseVocabulary(t *testing.T) {
	in := "# comment\n\nMOIS = Ministry of the Interior and Safety\ncoronavirus = COVID-19 = pandemic\ngov24, gov 24 => Government24\n"
	rules, err := ParseVocabulary("v.vocab", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{From: []string{"MOIS"}, To: []string{"Ministry of the Interior and Safety"}, Where: "v.vocab:3"},
		{From: []string{"coronavirus"}, To: []string{"COVID-19", "pandemic"}, Where: "v.vocab:4"},
		{From: []string{"gov24", "gov 24"}, To: []string{"Government24"}, OneWay: true, Where: "v.vocab:5"},
	}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("got %+v\nwant %+v", rules, want)
	}
	for _, bad := range []string{"lonely", "a =>", "= b", " => "} {
		if _, err := ParseVocabulary("v.vocab", strings.NewReader(bad)); err == nil {
			t.Errorf("ParseVocabulary(%q): no error", bad)
		}
	}
}

// TestParseVocabularyByteOrderMark: a vocabulary file saved with a UTF-8
// byte order mark and CRLF line ends (Windows Notepad) reads as without
// them; its first line, a comment, made the whole file a skip.
func TestParseVocabularyByteOrderMark(t *testing.T) {
	want := []Rule{{From: []string{"eggplant"}, To: []string{"aubergine"}, Where: "v.vocab:2"}}
	for _, in := range []string{
		"\ufeff# vocabulary\r\neggplant = aubergine\r\n",
		"\ufeff\r\neggplant = aubergine\r\n",
	} {
		rules, err := ParseVocabulary("v.vocab", strings.NewReader(in))
		if err != nil || !reflect.DeepEqual(rules, want) {
			t.Errorf("ParseVocabulary(%q) = %+v, %v; want %+v", in, rules, err, want)
		}
	}
	rules, err := ParseVocabulary("v.vocab", strings.NewReader("\ufeffeggplant = aubergine\n"))
	if err != nil || len(rules) != 1 || rules[0].From[0] != "eggplant" {
		t.Errorf("a rule after the mark: %+v, %v", rules, err)
	}
}

func TestLoadSkipsBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.md", []byte("# Good\n\nFine text.\n"))
	write("sub/also.txt", []byte("More fine text.\n"))
	write("latin1.md", []byte("caf\xe9 au lait\n"))
	write("empty.md", nil)
	write("blank.txt", []byte("  \n\n\t\n"))
	write("binary.txt", []byte("PK\x03\x04\x00\x00binary"))
	write("bad-front.md", []byte("---\ntitle: [unclosed\n---\ntext\n"))
	write("big.md", []byte(strings.Repeat("x", 200)))
	write("image.png", []byte("\x89PNG"))
	write(".hidden.md", []byte("hidden\n"))
	write("words.vocab", []byte("phase = stage\n"))
	write("broken.vocab", []byte("no rule here\n"))
	write("caf\xe9.md", []byte("# Latin-1 name\n\nThe gecko walks on glass.\n"))
	write("d\xe9j\xe0/inside.md", []byte("# Inside\n\nThe gecko climbs.\n"))
	write("caf\xe9.png", []byte("\x89PNG"))
	if err := os.Symlink("good.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	c, err := Load(context.Background(), os.DirFS(dir), Options{MaxBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, d := range c.Docs {
		docs = append(docs, d.Path)
	}
	if want := []string{"good.md", "latin1.md", "sub/also.txt"}; !reflect.DeepEqual(docs, want) {
		t.Errorf("docs = %v, want %v", docs, want)
	}
	skipped := map[string]string{}
	for _, s := range c.Skipped {
		skipped[s.Path] = s.Reason
	}
	for name, reason := range map[string]string{
		"empty.md": "no text", "blank.txt": "no text",
		"binary.txt": "not a text file", "bad-front.md": "front matter", "big.md": "larger than 100 bytes",
		"link.md": "symbolic link", "broken.vocab": "want",
		"caf\uFFFD.md": "not valid UTF-8", "d\uFFFDj\uFFFD": "not valid UTF-8",
	} {
		if !strings.Contains(skipped[name], reason) {
			t.Errorf("%s: skipped with %q, want a reason containing %q", name, skipped[name], reason)
		}
	}
	if r, ok := skipped["caf\uFFFD.png"]; ok {
		t.Errorf("a file of another kind listed as skipped: %q", r)
	}
	if len(c.Rules) != 1 || c.Rules[0].From[0] != "phase" {
		t.Errorf("rules = %+v", c.Rules)
	}
	if _, err := Load(context.Background(), os.DirFS(filepath.Join(dir, "missing")), Options{}); err == nil {
		t.Error("Load of a missing directory: no error")
	}
}
