package index

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestWordNetRelated(t *testing.T) {
	tests := []struct {
		word      string
		kind      string // "derived", "synonym" or "antonym"
		want      string
		wantNotIn string
	}{
		{word: "marry", kind: "derived", want: "marriage"},
		{word: "married", kind: "derived", want: "marriage"}, // an exception list form
		{word: "originate", kind: "derived", want: "origin"},
		{word: "originated", kind: "derived", want: "origin"}, // a regular ending undone
		{word: "relies", kind: "derived", want: "reliance"},
		{word: "depend", kind: "synonym", want: "rely"},
		{word: "hard", kind: "synonym", want: "difficult"},
		{word: "hard", kind: "antonym", want: "easy"},
		{word: "rewrite", kind: "derived", want: "rewritten"}, // an exception list form, the other way
		{word: "meet", kind: "derived", want: "met"},
		{word: "news", kind: "derived", wantNotIn: "new"}, // a listed word is not undone
		{word: "qwertyuiop", kind: "synonym"},
	}
	for _, tt := range tests {
		r := wordNetRelated(tt.word)
		got := map[string][]string{"derived": r.derived, "synonym": r.synonyms, "antonym": r.antonyms}[tt.kind]
		if tt.want != "" && !slices.Contains(got, tt.want) {
			t.Errorf("%s: %s %v, want %q among them", tt.word, tt.kind, got, tt.want)
		}
		if tt.wantNotIn != "" && slices.Contains(got, tt.wantNotIn) {
			t.Errorf("%s: %s %v holds %q", tt.word, tt.kind, got, tt.wantNotIn)
		}
		if tt.want == "" && tt.wantNotIn == "" && len(got) > 0 {
			t.Errorf("%s: %s %v, want none", tt.word, tt.kind, got)
		}
	}
}

func TestSmallestWindow(t *testing.T) {
	tests := []struct {
		seq  [][]int
		want float64
	}{
		{[][]int{{3}, {4}}, 2.0 / 2},
		{[][]int{{1, 10}, {12}, {11}}, 3.0 / 3},
		{[][]int{{1}, {9}}, 2.0 / 9},
		{[][]int{{1}, nil, {3}}, 2.0 / 3},
		{[][]int{{1}, nil}, 0}, // one concept: no window
		{nil, 0},
	}
	for _, tt := range tests {
		if got := smallestWindow(tt.seq); got != tt.want {
			t.Errorf("smallestWindow(%v) = %v, want %v", tt.seq, got, tt.want)
		}
	}
}

// Each feature is measured on the real embedded corpus: a passage that holds
// the question's words scores them, one that holds other forms or synonyms
// scores those instead.
func TestFeatures(t *testing.T) {
	ix := embedded(t)
	st := ix.st
	tests := []struct {
		q, passage string
		feature    int
		want       func(float64) bool
		what       string
	}{
		{"When was the case study published?", "published on july 15", fTypeTime, func(v float64) bool { return v == 1 }, "a time"},
		{"Is e-governance hard?", "not an easy task", fCovAntonym, func(v float64) bool { return v > 0 }, "an antonym"},
		{"What does success depend on?", "success relies on", fCovSynonym, func(v float64) bool { return v > 0 }, "a synonym"},
		{"What did stage four launch?", "launch of an integrated", fCovExact, func(v float64) bool { return v > 0.5 }, "the own words"},
		{"What did stage four launch?", "launch of an integrated", fSentence, func(v float64) bool { return v > 0.5 }, "a sentence"},
		// An ordinal ranks: "Stage 5" and "5th" are the fifth, "five stages" counts them.
		{"the fifth phase", "stage 5 2013 to 2017 is the maturity stage", fOrdinal, func(v float64) bool { return v == 1 }, "an ordinal, as a label"},
		{"the fifth phase", "there are five essential stages", fCountOnly, func(v float64) bool { return v == 1 }, "a count only"},
		{"the fifth phase", "there are five essential stages", fOrdinal, func(v float64) bool { return v == 0 }, "no ordinal"},
		// A name of several words counts each word's idf in the most a passage could score.
		{"When did the National Information Society Agency open?", "opened on 30 january 1987", fBM25Share, func(v float64) bool { return v > 0 && v <= 1 }, "a share, at most 1"},
	}
	for _, tt := range tests {
		c := candidateHolding(t, st, tt.q, tt.passage)
		if c == nil {
			t.Errorf("%q: no candidate holds %q", tt.q, tt.passage)
			continue
		}
		if v := c.f[tt.feature]; !tt.want(v) {
			t.Errorf("%q on %s: %s = %v, want %s", tt.q, c.id, featureNames[tt.feature], v, tt.what)
		}
	}
}

// candidateHolding is the first candidate for question q, measured, whose
// text holds passage (or whose source is passage); nil when there is none.
func candidateHolding(t *testing.T, st *state, q, passage string) *candidate {
	t.Helper()
	p := st.plan(q)
	cands, err := st.candidates(t.Context(), p, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	st.measure(p, cands)
	for i, c := range cands {
		if strings.Contains(Fold(c.text), Fold(passage)) || c.meta.Source == passage {
			return &cands[i]
		}
	}
	return nil
}

// mustCandidate is candidateHolding, the test stopped when no candidate
// holds the passage.
func mustCandidate(t *testing.T, st *state, q, passage string) *candidate {
	t.Helper()
	c := candidateHolding(t, st, q, passage)
	if c == nil {
		t.Fatalf("%q: no candidate holds %q", q, passage)
	}
	return c
}

// Years before 1800 and centuries are years too: "in 1169" fits the passage
// naming 1169, not the one naming 1185, and a century states a time.
func TestHistoricYears(t *testing.T) {
	doc := "# Normans\n\n" +
		"A large Norman army invaded Dyrrachium in 1185, owing to the betrayal of high Byzantine officials.\n\n" +
		"The Normans had a profound effect on Irish culture after their invasion at Bannow Bay in 1169.\n\n" +
		"The Normans settled in Normandy in the 10th and 11th centuries, and took their name from it.\n"
	ix := buildFS(t, fstest.MapFS{"normans.md": {Data: []byte(doc)}})
	st := ix.st
	value := func(q, passage string, feature int) float64 {
		t.Helper()
		return mustCandidate(t, st, q, passage).f[feature]
	}
	q := "What country did the Normans invade in 1169?"
	if v := value(q, "Bannow Bay in 1169", fYears); v != 1 {
		t.Errorf("years of the passage naming 1169 = %v, want 1", v)
	}
	if v := value(q, "Dyrrachium in 1185", fYears); v != 0 {
		t.Errorf("years of the passage naming 1185 = %v, want 0", v)
	}
	if v := value("When did the Normans settle in Normandy?", "11th centuries", fTypeTime); v != 1 {
		t.Errorf("type_time of a passage naming centuries = %v, want 1", v)
	}
	a, err := ix.Ask(t.Context(), q, AskOptions{K: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Answered or not (a three-passage corpus is little to go on), the best
	// passage is the one naming 1169.
	best := append(a.Citations, a.Suggestions...)
	if len(best) == 0 || !strings.Contains(best[0].Text, "1169") {
		t.Errorf("best passage %+v, want the one naming 1169", best)
	}
}

// A question about a document's subject names what the document keeps
// mentioning; one about a name it mentions once gets a lower name_mentions,
// and a question without names gets neither named nor name_mentions.
func TestNameMentions(t *testing.T) {
	ix := buildFS(t, fstest.MapFS{
		"zorblat.md": {Data: []byte("# Zorblat\n\n" +
			"Zorblat is a river town founded in 1820 on the Quell.\n\n" +
			"Zorblat grew as a port for timber and grain.\n\n" +
			"The Zorblat bridge opened in 1901, linking both banks.\n\n" +
			"Zorblat has a museum of river trade.\n")},
		"harbours.md": {Data: []byte("# Harbours\n\n" +
			"Many harbours traded timber. One trader, Quixa, sailed to the river towns in 1850.\n\n" +
			"Harbours need dredging every year.\n")},
	})
	st := ix.st
	mentions := func(q, passage string) float64 {
		t.Helper()
		return mustCandidate(t, st, q, passage).nameMentions
	}
	subject := mentions("When did the Zorblat bridge open?", "bridge opened in 1901")
	passing := mentions("Where did Quixa sail?", "Quixa, sailed")
	if subject != math.Log1p(4) || passing != math.Log1p(1) {
		t.Errorf("name_mentions %v for the document's subject, %v for a name mentioned once; want log(1+4) and log(1+1)", subject, passing)
	}
	if v := mentions("What needs dredging?", "need dredging"); v != 0 {
		t.Errorf("name_mentions %v for a question without names, want 0", v)
	}
	for q, want := range map[string]float64{"Where did Quixa sail?": 1, "What needs dredging?": 0} {
		p := st.plan(q)
		ranked, err := st.retrieve(t.Context(), p, ix.scoring(), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		a := st.answerFeaturesOf(p, ranked)
		if a[aNamed] != want || a[aNameMentions] != ranked[0].nameMentions {
			t.Errorf("%q: named %v, name_mentions %v; want named %v and the best candidate's %v", q, a[aNamed], a[aNameMentions], want, ranked[0].nameMentions)
		}
	}
}

// TestIrregularFormsBothWays: a question's base form finds the irregular
// form the corpus writes ("rewrite": "the Act was wholly rewritten"), as the
// irregular form finds the base form.
func TestIrregularFormsBothWays(t *testing.T) {
	ix := embedded(t)
	a, err := ix.Ask(t.Context(), "electronic government act 2010 rewrite", AskOptions{K: 3, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	reading := ""
	for _, l := range a.Explain {
		if strings.HasPrefix(l, `concept "rewrite"`) {
			reading = l
		}
	}
	if !strings.Contains(reading, "rewritten (form)") {
		t.Errorf("reading %q, want rewrite matching rewritten as a form", reading)
	}
	if !a.Answered || len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Text, "rewritten") {
		t.Errorf("answered %v (%.2f), cited %v, want the passage on the rewritten act", a.Answered, a.Confidence, sources(a))
	}
}

// A word after a determiner or a number in digits is a noun: its synonyms are those of
// its noun senses ("the stages" are phases, not what "stage a coup"
// initiates), and "what are the stages?" is answered with the stages.
func TestWordNetNounSenses(t *testing.T) {
	terms := func(alts []alternative) []string {
		var out []string
		for _, a := range alts {
			if a.kind == synonymMatch {
				out = append(out, a.terms...)
			}
		}
		return out
	}
	asNoun, any := terms(wordNetAlternatives("stages", true)), terms(wordNetAlternatives("stages", false))
	if slices.Contains(asNoun, "initi") || !slices.Contains(asNoun, "phase") || !slices.Contains(any, "initi") {
		t.Errorf("synonyms of stages as a noun %v, as any word %v; want phase and not initiate as a noun, initiate otherwise", asNoun, any)
	}
	st := embedded(t).st
	for q, want := range map[string]bool{"what are the stages?": true, "how many stages are there": true, "when did korea stage its plan": false} {
		for _, c := range st.plan(q).concepts {
			if strings.HasPrefix(strings.ToLower(c.word), "stage") && c.noun != want {
				t.Errorf("%q: %q read as a noun %v, want %v", q, c.word, c.noun, want)
			}
		}
	}
	a := ask(t, "what are the stages?")
	if !a.Answered || !a.List || len(a.Citations) < 6 || !strings.HasPrefix(a.Citations[0].Text, "Stage 1") {
		t.Errorf("what are the stages?: answered %v, list %v, %d citations; want the six stages, Stage 1 first", a.Answered, a.List, len(a.Citations))
	}
}

// A number before a plural noun counts it ("the six stages"): the question
// asks for that many, it does not name Stage 6. The count frames the
// question, and the noun after a number word is read as a noun.
func TestCountsFrame(t *testing.T) {
	st := embedded(t).st
	for q, want := range map[string]string{
		"what are the six stages?":          "six",
		"what are the 6 stages?":            "6",
		"what was stage 6?":                 "",
		"what happened in the sixth stage?": "",
		"which 2 agencies merged in 2009?":  "2",
		"what is 5 plus 6":                  "",
		"stage 1 years":                     "", // one counts no plural
		"stage one years":                   "",
	} {
		got := ""
		for _, c := range st.plan(q).concepts {
			if c.count {
				if !c.frame || c.topic() {
					t.Errorf("%q: the count %q is a topic", q, c.word)
				}
				got = c.word
			}
			if c.word == "stages" && !c.noun {
				t.Errorf("%q: stages is not read as a noun", q)
			}
		}
		if got != want {
			t.Errorf("%q: count %q, want %q", q, got, want)
		}
	}
	for _, q := range []string{"what are the six stages?", "what are the 6 stages?"} {
		a := ask(t, q)
		if !a.Answered || !a.List || len(a.Citations) < 6 || !strings.HasPrefix(a.Citations[0].Text, "Stage 1") {
			t.Errorf("%s: answered %v, list %v, %d citations; want the six stages, Stage 1 first", q, a.Answered, a.List, len(a.Citations))
		}
	}
}

// A question word found only inside hyphenated words whose other part is
// a word ("capital" of "human-capital") is another form of it, not the word
// itself; "government" of "e-government", "covid" of "COVID-19" and a word
// that also stands alone stay exact.
func TestInCompoundsOnly(t *testing.T) {
	for _, c := range []struct {
		text, term string
		want       bool
	}{
		{"Korea's human-capital scores rose.", "capit", true},
		{"A capital-intensive plan, and the capital city.", "capit", false},
		{"Korea's e-government is praised.", "govern", false},
		{"During COVID-19 the apps helped.", "covid", false},
		{"The long-term plan.", "term", true},
		{"The plan had no term.", "term", false},
		{"Nothing here.", "capit", false},
	} {
		if got := inCompoundsOnly(analyzeText(c.text), c.text, c.term); got != c.want {
			t.Errorf("inCompoundsOnly(%q, %q) = %v, want %v", c.text, c.term, got, c.want)
		}
	}
	// In ranking: the passage on human-capital covers "capital" as a form.
	st := embedded(t).st
	p := st.plan("what is the capital of south korea?")
	cands, err := st.candidates(context.Background(), p, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	st.measure(p, cands)
	found := false
	for _, c := range cands {
		if strings.Contains(c.text, "human-capital") && !strings.Contains(strings.ReplaceAll(c.text, "human-capital", ""), "capital") {
			found = true
			if c.f[fCovForm] == 0 {
				t.Errorf("%s: capital of human-capital is not a form (cov_form 0, cov_exact %.2f)", c.id, c.f[fCovExact])
			}
		}
	}
	if !found {
		t.Error("no candidate on human-capital")
	}
}

// TestQueryLikelihood: the question's likelihood (qlm) is highest, 0, for
// the candidate that holds all its words; a passage lacking two of them
// scores below one as long lacking one; and of two passages holding the same
// question words, the longer scores lower.
func TestQueryLikelihood(t *testing.T) {
	filler := "The harbour had boats, and the boats had crews, and the crews had a harbour master. "
	ix := buildFS(t, fstest.MapFS{
		"river.md": {Data: []byte("# River\n\n" +
			"The Quell ferry carried timber across the river.\n\n" +
			"The ferry carried grain across the river.\n\n" +
			"The ferry carried grain along the water.\n\n" +
			"The river flooded the town in spring.\n\n" +
			"In summer the river flooded the fields. " + strings.Repeat(filler, 4) + "\n")},
		"town.md": {Data: []byte("# Town\n\n" +
			"The town traded grain and timber along the river.\n\n" +
			"The river town held a market for grain, and the river brought boats.\n")},
	})
	st := ix.st
	q := "What did the Quell ferry carry across the river?"
	qlm := func(passage string) float64 {
		t.Helper()
		return mustCandidate(t, st, q, passage).f[fQLM]
	}
	all, lacksOne, lacksThree := qlm("quell ferry carried timber"), qlm("ferry carried grain across the river"), qlm("grain along the water")
	if all != 0 {
		t.Errorf("qlm %v for the passage holding every question word, want 0 (the best candidate's)", all)
	}
	if !(lacksThree < lacksOne && lacksOne < all) {
		t.Errorf("qlm %v lacking quell, across and river, %v lacking quell, %v lacking none: want them in rising order", lacksThree, lacksOne, all)
	}
	short, long := qlm("the river flooded the town"), qlm("in summer the river flooded the fields")
	if !(long < short) {
		t.Errorf("qlm %v for a long passage holding only river, %v for a short one: want the long one lower", long, short)
	}
}

// TestPlainWords: the query likelihood's reading of words.
func TestPlainWords(t *testing.T) {
	got := strings.Join(plainWords("How many ferries were there? The Quell ferry's crossings, in 1987-88 (Beyoncé)."), " ")
	// As measured: a possessive leaves its "s", a letter with a diacritic ends a word.
	if want := "many ferri there quell ferry s crossing 1987 88 beyonc"; got != want {
		t.Errorf("plainWords = %q, want %q", got, want)
	}
	// A question without ASCII letters or digits has none: every candidate scores the same.
	m := questionModel{words: plainWords("전자정부는 무엇인가?"), mu: 50, pc: 1e-4}
	if got := m.likelihood(countPlainWords("The ferry carried grain.")); len(m.words) != 0 || got != 0 {
		t.Errorf("a question in Hangul: %d plain words, likelihood %v; want none and 0", len(m.words), got)
	}
}

// TestSoftMatch: a question word no candidate holds is matched by its
// neighbours (soft.go): "marry" by the "husband" of one passage, at their
// cosine over the question's two plain words; a word some candidate holds
// ("wife") is not, though another passage holds a neighbour of it.
func TestSoftMatch(t *testing.T) {
	ix := buildFS(t, fstest.MapFS{
		"castle.md": {Data: []byte("# Castle\n\n" +
			"The duke and his wife ruled the castle.\n\n" +
			"The duke ruled the castle for many years.\n\n" +
			"The duke's husband guarded the castle gate.\n")},
	})
	st := ix.st
	soft := func(q, passage string) float64 {
		t.Helper()
		return mustCandidate(t, st, q, passage).f[fSoft]
	}
	cos := 0.0
	for _, n := range neighboursOf("marry") {
		if n.word == "husband" {
			cos = n.cos
		}
	}
	if cos == 0 {
		t.Fatal(`the lexicon has no "husband" among the neighbours of "marry"`)
	}
	q := "Whom did the duke marry?" // plain words: duke, marry
	if got := soft(q, "husband guarded"); got != cos/2 {
		t.Errorf("%q: soft %v for the passage with husband, want %v", q, got, cos/2)
	}
	for _, p := range []string{"his wife ruled", "for many years"} {
		if got := soft(q, p); got != 0 {
			t.Errorf("%q: soft %v for %q, which holds no neighbour of marry, want 0", q, got, p)
		}
	}
	if got := soft("Who was the duke's wife?", "husband guarded"); got != 0 {
		t.Errorf("soft %v for husband when a candidate holds wife, want 0", got)
	}
}
