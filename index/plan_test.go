package index

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// A capital letter names something ("the class P"), so it is a concept and
// finds its passage; a small one ("e" of "e-mail") is not.
func TestCapitalLetterIsAConcept(t *testing.T) {
	ctx := t.Context()
	fsys := fstest.MapFS{"complexity.md": {Data: []byte("# Complexity classes\n\n" +
		"A decision problem can be solved by many algorithms, and the class of problems solved in polynomial time is large.\n\n" +
		"Several complexity classes lie between L and P, such as NL and NC.\n\n" +
		"Electronic mail, or e-mail, carries messages between complexity theorists.\n")}}
	ix := buildFS(t, fsys)
	st := ix.st
	words := func(q string) []string {
		var out []string
		for _, c := range st.plan(q).concepts {
			out = append(out, c.word)
		}
		return out
	}
	if got := words("Which complexity classes lie between L and P?"); !contains(got, "L") || !contains(got, "P") {
		t.Errorf("concepts %q: want L and P among them", got)
	}
	if got := words("What is an e-mail?"); contains(got, "e") {
		t.Errorf("concepts %q: a small letter is not a concept", got)
	}
	// a Chinese character is a word, not a letter ("lighthouse")
	if got := words("灯台"); !contains(got, "灯") || !contains(got, "台") {
		t.Errorf("concepts %q: want each character", got)
	}
	p := st.plan("What is between L and P?")
	ranked, err := st.retrieve(ctx, p, ix.scoring(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer putCandidates(ranked)
	if len(ranked) == 0 || !strings.Contains(ranked[0].text, "between L and P") {
		t.Errorf("the passage naming L and P is not first: %+v", ranked)
	}
}

// A vocabulary phrase typed as one word ("egov" of "e-gov") is read as the
// phrase, with the phrase's alternatives; a solid word the vocabulary does
// not write as a phrase is left as it is.
func TestSolidFormOfAVocabularyPhrase(t *testing.T) {
	fsys := fstest.MapFS{
		"services.md": {Data: []byte("# Digital services\n\n" +
			"The e-government portal opened in 2002, and citizens file their taxes through it.\n\n" +
			"The national parks service keeps the hiking trails of the mountains open all year.\n")},
		"terms.vocab": {Data: []byte("e-gov = e-government\n")},
	}
	ix := buildFS(t, fsys)
	alts := func(q, word string) []string {
		for _, c := range ix.st.plan(q).concepts {
			if c.word == word {
				var out []string
				for _, a := range c.alts {
					out = append(out, strings.Join(a.terms, " "))
				}
				return out
			}
		}
		t.Fatalf("%q: no concept %q", q, word)
		return nil
	}
	if got := alts("when did the egov portal open?", "egov"); !contains(got, "e gov") || !contains(got, "e govern") {
		t.Errorf("egov: alternatives %q, want e-gov and e-government among them", got)
	}
	if got := alts("when did the xgov portal open?", "xgov"); len(got) != 1 {
		t.Errorf("xgov: alternatives %q, want only the word", got)
	}
	a, err := ix.Ask(t.Context(), "when did the egov portal open?", AskOptions{K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Text, "e-government portal") {
		t.Errorf("egov portal: answered %v, citations %+v", a.Answered, a.Citations)
	}
}

// A clipped word or everyday abbreviation ("govt", "orgs", "intro") also
// searches for the word it stands for (lexicon/english.vocab), and the
// long word does not search for the short one.
func TestClippedWords(t *testing.T) {
	st := embedded(t).st
	alts := func(q string) map[string][]string {
		out := map[string][]string{}
		for _, c := range st.plan(q).concepts {
			for _, a := range c.alts {
				out[c.word] = append(out[c.word], strings.Join(a.terms, " "))
			}
		}
		return out
	}
	got := alts("which orgs in the govt wrote the intro on tv")
	for word, want := range map[string]string{"orgs": "organ", "govt": "govern", "intro": "introduct", "tv": "televis"} {
		if !contains(got[word], want) {
			t.Errorf("%s: alternatives %q, want %q among them", word, got[word], want)
		}
	}
	if got := alts("which government wrote it")["government"]; contains(got, "govt") {
		t.Errorf("government: alternatives %q, want no clipped form", got)
	}
}

// A word glued to a small number ("stage2") that the corpus lacks is read as
// the word and the number, reported as a correction; one the corpus has
// ("G4C") is left as it is.
func TestWordGluedToANumber(t *testing.T) {
	for _, tt := range []struct{ q, from, to, want string }{
		{"when did stage2 start", "stage2", "stage 2", "Stage 2 (1996 to 2002)"},
		{"what happened in phase3", "phase3", "phase 3", "Stage 3 (2003 to 2007)"},
	} {
		t.Run(tt.q, func(t *testing.T) {
			a := wantTop(t, tt.q, tt.want)
			if !a.Answered {
				t.Errorf("declined at %.3f", a.Confidence)
			}
			if len(a.Corrections) != 1 || a.Corrections[0].From != tt.from || a.Corrections[0].To != tt.to {
				t.Errorf("corrections %+v, want %s -> %s", a.Corrections, tt.from, tt.to)
			}
		})
	}
	if a := wantTop(t, "what is g4c", "Government for Citizens (G4C)"); len(a.Corrections) != 0 {
		t.Errorf("g4c: corrections %+v, want none (the corpus has the word)", a.Corrections)
	}
}

// Letters and digits typed full width, as a CJK keyboard types them, are
// read as ASCII, in questions and in documents alike.
func TestFullWidthLetters(t *testing.T) {
	if a := wantTop(t, "ＷＨＡＴ ＩＳ ＧＰＫＩ？", "GPKI"); !a.Answered {
		t.Errorf("full-width question declined at %.3f", a.Confidence)
	}
	ix := buildFS(t, fstest.MapFS{
		"notes.md": {Data: []byte("# Notes\n\nThe ＫＯＮＥＰＳ procurement system opened in ２００２ for public buyers.\n\n" +
			"The national parks service keeps the hiking trails of the mountains open all year.\n")},
	})
	a, err := ix.Ask(t.Context(), "what is KONEPS?", AskOptions{K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Text, "ＫＯＮＥＰＳ") {
		t.Fatalf("citations %+v, want the passage that names ＫＯＮＥＰＳ", a.Citations)
	}
	c := a.Citations[0]
	if len(c.Highlights) == 0 || string([]rune(c.Text)[c.Highlights[0][0]:c.Highlights[0][1]]) != "ＫＯＮＥＰＳ" {
		t.Errorf("highlights %v of %q, want the full-width word itself", c.Highlights, c.Text)
	}
}

// A link pasted with a question is no part of it, and an initialism written
// with full stops is the word ("G.P.K.I." is "GPKI", "U.S." is "US"), in
// questions and documents alike.
func TestLinksAndInitialisms(t *testing.T) {
	for _, q := range []string{"https://example.com/notes?id=3 what is gpki", "what is G.P.K.I.?"} {
		if a := wantTop(t, q, "GPKI"); !a.Answered {
			t.Errorf("%q declined at %.3f", q, a.Confidence)
		}
	}
	ix := buildFS(t, fstest.MapFS{
		"history.md": {Data: []byte("# History\n\nThe U.S. government opened its first web portal in 2000.\n\n" +
			"The national parks service keeps the hiking trails of the mountains open all year.\n")},
	})
	for _, q := range []string{"when did the US government open its portal?", "when did the U.S. government open its portal?"} {
		a, err := ix.Ask(t.Context(), q, AskOptions{K: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Text, "U.S. government") {
			t.Errorf("%q: citations %+v, want the U.S. passage", q, a.Citations)
			continue
		}
		if hl := a.Citations[0].Highlights; len(hl) == 0 || string([]rune(a.Citations[0].Text)[hl[0][0]:hl[0][1]]) != "U.S" {
			t.Errorf("%q: highlights %v, want U.S first", q, hl)
		}
	}
}

// The opposite of "last" is "first", a rank: "the last stage" does not
// find Stage 1.
func TestLastIsNoRank(t *testing.T) {
	if a := ask(t, "what was the last stage"); strings.Contains(bestText(a), "Stage 1") {
		t.Errorf("the last stage answered with %.80q", bestText(a))
	}
}

// Two digits that end a span of years ("the 80s to 95", "2008-12") are the
// span's last year, matched with it, not a number the documents lack.
func TestShortYearEndIsAYear(t *testing.T) {
	ix := embedded(t)
	for _, q := range []string{"what happened in stage 1, the 80s to 95", "what happened in 2008-12"} {
		p := ix.st.plan(q)
		for _, c := range p.concepts {
			for _, a := range c.alts {
				if slices.Contains(a.terms, "95") || slices.Contains(a.terms, "12") {
					t.Errorf("%q: concept %q, want the year read as part of its span", q, c.word)
				}
			}
		}
		if len(p.spans) != 1 {
			t.Errorf("%q: spans %v, want one", q, p.spans)
		}
	}
	a := wantTop(t, "quick q what happened in stage 1 of korean e-gov, like the 80s to 95 ty", "Stage 1 (1980s to 1995)")
	if !a.Answered {
		t.Errorf("declined at %.3f", a.Confidence)
	}
}

// A word the corpus lacks is read as two words the corpus writes side by
// side: "superbowl" as "super bowl" (the New York City article writes "Super
// Bowl"). Parts that do not stand together, words the corpus has and short
// words are left as they are.
func TestCompoundWord(t *testing.T) {
	known := map[string]bool{"hiphop": true}
	pairs := map[[2]string]bool{{"super", "bowl"}: true, {"high", "schools"}: true}
	together := func(a, b string) bool { return pairs[[2]string{strings.ToLower(a), strings.ToLower(b)}] }
	for q, want := range map[string]string{
		"who played at Superbowl 50?":         "who played at Super bowl 50?",
		"how many highschools are there":      "how many high schools are there",
		"which hiphop artist":                 "which hiphop artist",
		"what covers the carpets":             "what covers the carpets",
		"superb views":                        "superb views",
		"superbowl and highschools, in a row": "super bowl and high schools, in a row",
	} {
		got, _ := splitCompound(q, func(w string) bool { return known[strings.ToLower(w)] }, together)
		if got != want {
			t.Errorf("splitCompound(%q) = %q, want %q", q, got, want)
		}
	}
	// A run of letters longer than two words is not read as two: its
	// splits are not tried (each was two strings of its length, so that a
	// message of one 8,000-letter word took 3.7 s to read).
	calls := 0
	long := strings.Repeat("a", maxCompoundRunes+1)
	counting := func(a, b string) bool { calls++; return false }
	if got, _ := splitCompound("what is "+long+"?", func(string) bool { return false }, counting); calls != 0 || got != "what is "+long+"?" {
		t.Errorf("a word of %d letters: %d splits tried", len(long), calls)
	}
	if splitCompound("what is "+long[1:]+"?", func(string) bool { return false }, counting); calls != maxCompoundRunes-5 {
		t.Errorf("a word of %d letters: %d splits tried, want %d", maxCompoundRunes, calls, maxCompoundRunes-5)
	}
	ix := buildFS(t, wikiArticles(t, "new-york-city.md", "kanye-west.md"))
	a, err := ix.Ask(t.Context(), "When was the most recent superbowl held in NYC for football?", AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Corrections) == 0 || a.Corrections[0].From != "superbowl" || a.Corrections[0].To != "super bowl" {
		t.Errorf("corrections %+v, want superbowl -> super bowl", a.Corrections)
	}
	if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Text, "Super Bowl") {
		t.Errorf("cited %v, want the passage on the Super Bowl first", sources(a))
	}
}
