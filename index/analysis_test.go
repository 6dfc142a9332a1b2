package index

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/casebot/casebot/corpus"
)

func terms(s string) []string { return analyzeTerms(sharedAnalyzer(), s) }

func TestAnalyzerFoldsSpellingAndForms(t *testing.T) {
	same := [][]string{
		{"digitalisation", "digitalization", "digitalised", "digitalize"},
		{"digitise", "digitize", "digitization"},
		{"organisation", "organization", "organisations"},
		{"informatisation", "informatization"},
		{"recognised", "recognized", "recognizes"},
		{"colour", "color"},
		{"centre", "center", "centres"},
		{"programme", "program"},
		{"analyse", "analyze"},
		{"modelling", "modeling"},
		{"defence", "defense"},
		{"catalogue", "catalog"},
		{"café", "cafe", "cafe\u0301"}, // the last with the accent as a mark after the "e"
		{"Korea's", "Korea’s", "KOREA’S", "korea"},
		{"fourth", "4th", "4", "four"},
		{"stage two", "stage 2", "second stage"},
		{"leadership", "leaders", "leader"},
		{"e-government", "e government"},
	}
	for _, group := range same {
		want := strings.Join(sortedCopy(terms(group[0])), " ")
		for _, w := range group[1:] {
			if got := strings.Join(sortedCopy(terms(w)), " "); got != want {
				t.Errorf("%q -> %q, but %q -> %q", group[0], want, w, got)
			}
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestAnalyzerKeepsOffsets(t *testing.T) {
	text := "Café digitalisation of Korea’s IT — the 4th stage, e-Government."
	for _, tok := range sharedAnalyzer().Analyze([]byte(text)) {
		word := text[tok.Start:tok.End]
		if strings.ContainsAny(word, " —,.") {
			t.Errorf("token %q spans %q", tok.Term, word)
		}
		var got []string
		for _, t := range sharedAnalyzer().Analyze([]byte(word)) {
			got = append(got, string(t.Term))
		}
		if !contains(got, string(tok.Term)) {
			t.Errorf("offsets of %q point at %q, which analyzes to %v", tok.Term, word, got)
		}
	}
}

func contains(s []string, w string) bool {
	for _, x := range s {
		if x == w {
			return true
		}
	}
	return false
}

func TestAnalyzerAcronymsAndStopWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"11 high-priority IT projects", []string{"11", "high", "prioriti", "it", "project"}},
		{"what is it", nil},
		{"ABOUT THE AUTHOR", []string{"author"}},
		{"the US act", []string{"us", "act"}},
		{"G4C and KONEPS", []string{"g4c", "konep"}},
	}
	for _, tt := range tests {
		if got := terms(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("terms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAnalyzerJoinsHyphenatedWords(t *testing.T) {
	var got []string
	for _, tok := range sharedAnalyzer().Analyze([]byte("e-government")) {
		got = append(got, string(tok.Term))
	}
	if want := []string{"e", "egovern", "govern"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLexiconFilesLoad(t *testing.T) {
	for _, name := range []string{"english.vocab", "irregular.vocab"} {
		if rules := builtinRules(name); len(rules) < 10 {
			t.Errorf("%s: %d rules", name, len(rules))
		}
	}
	for _, name := range []string{"question-words.txt", "frame-words.txt", "chat-words.txt", "function-words.txt"} {
		if words := builtinWords(name); len(words) < 10 {
			t.Errorf("%s: %d words", name, len(words))
		}
	}
	if n := len(englishWords()); n < 50000 || !isEnglishWord("matter") || isEnglishWord("infrastucture") {
		t.Errorf("English word list: %d words", n)
	}
	if !isPredicate("achieve") || !isPredicate("taught") || isPredicate("capital") {
		t.Error("predicate word list: wrong entries")
	}
	// Each gzipped file is one gzip member whose trailer gives the size of
	// its text, which gzipText reads it into.
	names, _ := fs.Glob(lexiconFiles, "lexicon/*.gz")
	if len(names) < 5 {
		t.Errorf("lexicon/*.gz: %v", names)
	}
	for _, name := range names {
		f, err := lexiconFiles.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		size := gzipSize(f)
		f.Close()
		if text := gzipText(name); len(text) < 1000 || size != len(text) {
			t.Errorf("%s: %d bytes of text, the trailer says %d", name, len(text), size)
		}
	}
}

func TestAcronymRules(t *testing.T) {
	text := "the Internet of Things (IoT), Ernst & Young (EY) and information and communication technology (ICT); but not (SEE) or (x)."
	rules := acronymRules("a.md", corpusPassages{{Text: text}}.passages())
	got := map[string]string{}
	for _, r := range rules {
		got[r.From[0]] = r.To[0]
	}
	want := map[string]string{"IoT": "Internet of Things", "EY": "Ernst & Young", "ICT": "information and communication technology"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestIsOrdinal(t *testing.T) {
	for w, want := range map[string]bool{
		"fifth": true, "5th": true, "first": true, "1st": true, "22nd": true, "twentieth": true,
		"five": false, "5": false, "one": false, "th": false, "north": false, "stage": false,
	} {
		if got := isOrdinal(w); got != want {
			t.Errorf("isOrdinal(%q) = %v, want %v", w, got, want)
		}
	}
}

// A Roman numeral in capitals is a number, on both sides: "Stage II" finds
// "Stage 2". One letter, lower case and malformed numerals stay words.
func TestRomanNumerals(t *testing.T) {
	for s, want := range map[string]int{"II": 2, "IV": 4, "VIII": 8, "XIV": 14, "XXXIX": 39,
		"I": 0, "V": 0, "X": 0, "L": 0, "IIII": 0, "VX": 0, "IIV": 0, "ii": 0, "MIX": 0, "XL": 0} {
		n, ok := romanNumeral(s)
		if ok != (want > 0) || n != want {
			t.Errorf("romanNumeral(%q) = %d, %v; want %d", s, n, ok, want)
		}
	}
	if got := analyzeTerms(sharedAnalyzer(), "World War II"); strings.Join(got, " ") != "world war 2" {
		t.Errorf("World War II analyzed as %q", got)
	}
	wantAnsweredAs(t, "When did Stage II end?", "When did Stage 2 end?")
}

// TestAnalyzerPieces: a word joined with underscores is searched by its
// parts and a ligature as its letters; every piece's offsets point at its
// own text, and the pieces' positions follow one another (a stop word left
// out leaves its place).
func TestAnalyzerPieces(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"erosion_rate rose", []string{"eros", "rate", "rose"}},
		{"__init__ snake_case_vole", []string{"init", "snake", "case", "vole"}},
		{"the ﬁnancial oﬃce", []string{"financi", "offic"}},
	} {
		toks := sharedAnalyzer().Analyze([]byte(tt.in))
		var got []string
		for i, tok := range toks {
			got = append(got, string(tok.Term))
			if i > 0 && tok.Position != toks[i-1].Position+1 {
				t.Errorf("%q: %q at position %d after %d", tt.in, tok.Term, tok.Position, toks[i-1].Position)
			}
			if w := tt.in[tok.Start:tok.End]; !strings.Contains(w, string(tok.Term)) && terms(w)[0] != string(tok.Term) {
				t.Errorf("%q: the offsets of %q point at %q", tt.in, tok.Term, w)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: terms %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCompileLexiconSharedTerm: a term that stands in thousands of rules of
// a corpus's vocabulary finds each of the others once, in the order of the
// rules, with the strongest kind a rule gives it, and a form of a word
// still chains with the word's rules both ways. Each rule read every
// alternative the term had, and closing the lexicon read them all again
// for each of the others: 50,000 rules "common = wordN" took 12 s to
// index and 14 s to ask, 2.0 s and 4.2 s now; the lexicon is the same.
func TestCompileLexiconSharedTerm(t *testing.T) {
	const n = 3000
	var rules []corpus.Rule
	for i := 0; i < n; i++ {
		rules = append(rules, corpus.Rule{From: []string{"common"}, To: []string{fmt.Sprintf("word%d", i)}, Where: fmt.Sprintf("v.vocab:%d", i+1)})
	}
	rules = append(rules,
		corpus.Rule{From: []string{"common"}, To: []string{"word7"}, Where: "again"},
		corpus.Rule{From: []string{"write"}, To: []string{"scribble"}, Where: "forms"})
	lx := compileLexicon(rules)
	alts := lx.alts["common"]
	if len(alts) != n {
		t.Fatalf("common has %d alternatives, want %d", len(alts), n)
	}
	for i, a := range alts {
		if want := fmt.Sprintf("word%d", i); strings.Join(a.terms, " ") != want || a.kind != vocabMatch || a.rule != fmt.Sprintf("v.vocab:%d", i+1) {
			t.Fatalf("alternative %d of common: %q %v %s, want %q of the rule on line %d", i, a.terms, a.kind, a.rule, want, i+1)
		}
	}
	if got := lx.alts["word7"]; len(got) != 1 || got[0].terms[0] != "common" {
		t.Errorf("word7's alternatives: %v, want common once", got)
	}
	// "wrote" is a form of "write" (lexicon/irregular.vocab): it finds what
	// "write" finds, and "scribble" finds the forms of "write"
	has := func(key, alt string) bool {
		for _, a := range lx.alts[strings.Join(analyzeTerms(sharedAnalyzer(), key), " ")] {
			if strings.Join(a.terms, " ") == strings.Join(analyzeTerms(sharedAnalyzer(), alt), " ") {
				return a.kind == vocabMatch
			}
		}
		return false
	}
	if !has("wrote", "scribble") || !has("scribble", "wrote") || !has("scribble", "write") {
		t.Errorf("wrote and scribble do not find each other through write as a vocabulary match")
	}
}
