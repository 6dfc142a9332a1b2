package index

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// A question can ask about a piece of writing as a whole ("what is the
// article about?"): a word for it that the corpus never uses names the
// corpus, the words that ask about writing ("summarize", "the main point")
// frame the question, and the documents it names bring in their title
// lines and openings.

// conceptsOf lists a plan's concepts with their roles, as "word" (topic),
// "word/frame" or "word/filler".
func conceptsOf(p plan) []string {
	var out []string
	for _, c := range p.concepts {
		role := ""
		switch {
		case c.filler:
			role = "/filler"
		case c.frame:
			role = "/frame"
		}
		out = append(out, strings.ToLower(c.word)+role)
	}
	return out
}

func TestQuestionsAboutADocument(t *testing.T) {
	st := embedded(t).st
	for _, tt := range []struct {
		q        string
		document bool
		want     []string
	}{
		// a question about the article's stage 3 is about stage 3
		{"According to the article, when did stage 3 start?", false, []string{"according/filler", "article", "stage", "3", "start/frame"}},
		{"summarize the case study on stage 3", false, []string{"summarize", "case study", "stage", "3"}},
		// one about the covid note is about the note: "main point" frames it
		{"what is the main point of the notes on covid?", true, []string{"main/frame", "point/frame", "notes", "covid"}},
		{"what was the main service of stage 3?", false, []string{"main", "service", "stage", "3"}},
		// the article is all the topic there is
		{"What is the article about?", true, []string{"article"}},
		{"what's the title of the case study", true, []string{"title/frame", "case study"}},
		// "essay" is no word of the corpus: it names the corpus
		{"what is the essay about?", true, []string{"essay/filler"}},
		// a question with a name no title has is about that name
		{"summarize the Estonia case study", false, []string{"summarize", "estonia", "case study"}},
		// a section named by its heading: "section" frames the question, and
		// "reading", no word of the corpus, names it
		{"what is the policy continuity section of the reading about?", false, []string{"policy", "continuity", "section/frame", "reading/filler"}},
		{"for the covid section, how often did the self-quarantine app ask for symptoms?", false, []string{"covid", "section", "often", "self", "quarantine", "app", "ask", "symptoms"}},
		// a document word cited as where the answer is to come from names
		// the corpus when the corpus never uses it
		{"what does the essay say about stage 3?", false, []string{"essay/filler", "say/filler", "stage", "3"}},
		{"according to the text, what was stage 3?", false, []string{"according/filler", "text/filler", "stage", "3"}},
		{"in this essay, who funded the roadmap?", false, []string{"essay/filler", "funded", "roadmap"}},
		// "per", as "according to", relates the question's words and names none
		{"per the reading, when did the interior ministry get the name MOIS?", false, []string{"per/filler", "reading/filler", "interior ministry", "get/filler", "name/filler", "mois"}},
		// so do "despite", "throughout", "within", "among" ...; "else" asks
		// for more of what is asked
		{"why did korea trail denmark in 2020 despite a perfect OSI", false, []string{"korea", "trail", "denmark", "despite/filler", "perfect", "osi"}},
		{"what else did the author write?", false, []string{"else/filler", "author", "write"}},
		// elsewhere it is a word the corpus lacks
		{"write a short essay on stage 3", false, []string{"write", "short/filler", "essay", "stage", "3"}},
		{"what was held in post-production?", false, []string{"held", "post", "production"}},
	} {
		p := st.plan(tt.q)
		if got := conceptsOf(p); p.document != tt.document || strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%q: document %v, concepts %q; want %v, %q", tt.q, p.document, got, tt.document, tt.want)
		}
	}
}

func TestQuestionsAboutASection(t *testing.T) {
	st := embedded(t).st
	for q, want := range map[string]bool{
		"what is the policy continuity section of the reading about?":                    true,
		"summarize the key success factors section":                                      true,
		"for the covid section, how often did the self-quarantine app ask for symptoms?": false,
		"what's the last section of the article":                                         false, // no heading named
		"which section of the UN survey ranks Korea first?":                              false,
	} {
		if got := st.plan(q).section; got != want {
			t.Errorf("%q: section %v, want %v", q, got, want)
		}
	}
}

func TestQuestionsAboutTheDocuments(t *testing.T) {
	// the embedded case study: its title line answers what it is about
	for _, q := range []string{"What is the article about?", "whats this case study about", "tl;dr of the case study pls", "what's the title of the article"} {
		a := ask(t, q)
		if !a.Answered || !strings.Contains(topText(a), "The leading e-government country in Asia") {
			t.Errorf("%q: answered %v from %.80q, want the article's title line", q, a.Answered, topText(a))
		}
	}
	// a section named by its heading answers with its opening
	for _, q := range []string{"what is the policy continuity section of the reading about?", "summarize the policy continuity section"} {
		if a := ask(t, q); !a.Answered || !strings.Contains(topText(a), "Although the leadership and personnel have changed") {
			t.Errorf("%q: answered %v from %.80q, want the policy continuity section's opening", q, a.Answered, topText(a))
		}
	}
	// a question citing the corpus by a word it never uses is about its topic
	for _, q := range []string{"what does the essay say about stage 3?", "according to the text, what was stage 3?", "per the reading, what was stage 3?"} {
		if a := ask(t, q); !a.Answered || !strings.Contains(topText(a), "Stage 3 (2003 to 2007)") {
			t.Errorf("%q: answered %v from %.80q, want a passage on stage 3", q, a.Answered, topText(a))
		}
	}
	a := ask(t, "what does the covid note cover?")
	if !a.Answered || !strings.HasPrefix(first(a).Source, "notes/covid-19.md") {
		t.Errorf("what does the covid note cover?: answered %v from %s %.80q, want the COVID-19 note", a.Answered, first(a).Source, topText(a))
	}

	// Two articles without front matter: the one named answers with its
	// opening, which the words of the question do not find by themselves.
	fsys := fstest.MapFS{
		"lighthouses.md": {Data: []byte("# Lighthouses\n\n" +
			"A lighthouse is a tower built to send out light from a system of lamps and lenses, to guide ships at sea.\n\n" +
			"The oldest known lighthouse stood at Alexandria, and its fire could be seen from far out at sea.\n\n" +
			"Keepers trimmed the wicks and wound the clockwork every few hours through the night.\n")},
		"harbours.md": {Data: []byte("# Harbours\n\n" +
			"A harbour is a sheltered body of water where ships and boats can be moored, protected from storms.\n\n" +
			"Breakwaters of stone shelter many harbours from the waves of the open sea.\n\n" +
			"Cranes on the quays load and unload the cargo of the ships that call there.\n")},
	}
	ix := buildFS(t, fsys)
	for _, tt := range []struct{ q, want string }{
		{"What is the lighthouses article about?", "A lighthouse is a tower"},
		{"summarize the harbours article", "A harbour is a sheltered body"},
		{"What is the lighthouses Wikipedia article about?", "A lighthouse is a tower"}, // a wiki's page names a piece of writing
		{"summary of the wiki page on harbours?", "A harbour is a sheltered body"},
	} {
		a, err := ix.Ask(t.Context(), tt.q, AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(bestText(a), tt.want) || !a.Answered {
			t.Errorf("%q: answered %v, best passage %.80q, want the one opening %q", tt.q, a.Answered, bestText(a), tt.want)
		}
	}
}

// A question for a document's author or date names the document, or none,
// and asks only for the field: the field's front matter lines are its
// candidates, and the passages holding the field's value are told apart.
func TestQuestionsForAField(t *testing.T) {
	st := embedded(t).st
	for _, tt := range []struct{ q, field string }{
		{"who wrote it?", "author"},
		{"Who wrote this case study?", "author"},
		{"whos the author of the korea reading", "author"},
		{"when is the reading from?", "date"},
		{"when was the case study published?", "date"},
		{"What year is this reading from?", "date"},
		// a date of no document is another date
		{"what is today's date?", ""},
		{"what year is it?", ""},
		{"when was it published?", "date"},
		// "who" of a document names its subject, not its author
		{"who is the article about?", ""},
		{"who is in the case study?", ""},
		{"what is the publication date of the article?", "date"},
		// "whose" of a document asks for its author; of anything else, not
		{"whose article is this?", "author"},
		{"who's article is this?", "author"}, // the common slip for "whose"
		{"whose idea was the roadmap?", ""},
		// a misspelt word asking for the field
		{"who wrot the case study?", "author"},
		{"when was the case study writen?", "date"},
		// the author is a topic among others, or what is asked is something else
		{"where does the author of the case study work", ""},
		{"what articles has the author written", ""},
		{"When did Korea's e-government effort start?", ""},
		// a title no document has
		{"who wrote the Estonia case study?", ""},
	} {
		if got := st.plan(tt.q).field; got != tt.field {
			t.Errorf("%q: field %q, want %q", tt.q, got, tt.field)
		}
	}
	p := st.plan("who wrote the case study?")
	if len(p.fieldLines) != 1 || p.fieldLines[0] != "south-korea-e-government.md#001" {
		t.Errorf("field lines %q, want the article's author line", p.fieldLines)
	}
	for text, want := range map[string]bool{"author: Mohammad J Sear": true, "Mohammad J Sear is focused on bringing purpose": true, "He is currently working for Ernst & Young": false} {
		if got := p.holdsField("south-korea-e-government.md", text); got != want {
			t.Errorf("holds the author: %q %v, want %v", text, got, want)
		}
	}
	if p.holdsField("notes/stages.md", "written by Mohammad J Sear") {
		t.Error("another document's passage holds the author")
	}
	p = st.plan("when was the article published?")
	for text, want := range map[string]bool{"Published on July 15, 2021": true, "published: 2021-07-15": true, "In 2021 the survey ranked Korea": false} {
		if got := p.holdsField("south-korea-e-government.md", text); got != want {
			t.Errorf("holds the date: %q %v, want %v", text, got, want)
		}
	}

	// each word of the field finds the others, but for those that stem as
	// common words do ("publication" as "public")
	p = st.plan("what year is the reading from?")
	if p.field != "date" || !slices.ContainsFunc(p.concepts, func(c concept) bool {
		return c.word == "year" && slices.ContainsFunc(c.alts, func(a alternative) bool { return a.terms[0] == "publish" })
	}) || slices.ContainsFunc(p.concepts, func(c concept) bool {
		return slices.ContainsFunc(c.alts, func(a alternative) bool { return a.terms[0] == "public" })
	}) {
		t.Errorf("field %q, concepts %q: want the date, found by \"publish\", not by \"public\"", p.field, conceptsOf(p))
	}

	// With the built-in model, the field is the answer.
	for q, want := range map[string]string{
		"who wrote it?":                   "Mohammad J Sear",
		"Who wrote this case study?":      "Mohammad J Sear",
		"What year is this reading from?": "July 15, 2021",
		// a word asking for the field that the corpus's text lacks
		"who is the writer of the article?": "Mohammad J Sear",
	} {
		if a := ask(t, q); !a.Answered || !strings.Contains(topText(a), want) {
			t.Errorf("%q: answered %v from %.80q, want %q", q, a.Answered, topText(a), want)
		}
	}

	// a name is a whole word: "Lee" is not in "fleet"
	ix := buildFS(t, fstest.MapFS{"ships.md": {Data: []byte("---\ntitle: Ships\nauthor: Kim, Lee\n---\n\n# Ships\n\nThe fleet sailed at dawn.\n\nLee drew the maps of the harbour.\n")}})
	p = ix.st.plan("who wrote the ships article?")
	if p.field != "author" || p.holdsField("ships.md", "The fleet sailed at dawn.") || !p.holdsField("ships.md", "Lee drew the maps of the harbour.") {
		t.Errorf("field %q: want the author, held by \"Lee drew\" and not by \"fleet\"", p.field)
	}

	// Documents without front matter have no field to ask for.
	ix = buildFS(t, fstest.MapFS{"lighthouses.md": {Data: []byte("# Lighthouses\n\nA lighthouse is a tower built to guide ships.\n")}})
	if p := ix.st.plan("who wrote the lighthouses article?"); p.field != "" {
		t.Errorf("field %q of a corpus without front matter", p.field)
	}
}

// A question can ask where a piece of writing ends ("how does the article
// end?"): the passages that end the documents it names become candidates,
// marked for the doc_end feature; "when did stage 2 end?" names none.
func TestQuestionsForAnEnding(t *testing.T) {
	st := embedded(t).st
	endingText := func(p plan) []string {
		var out []string
		for _, id := range slices.Sorted(maps.Keys(p.endings)) {
			sp, ok := st.stored(id)
			if !ok {
				t.Fatalf("ending %s is no stored passage", id)
			}
			out = append(out, sp.text)
		}
		return out
	}
	for _, tt := range []struct {
		q      string
		ending bool
		want   []string // openings of the passages that end the documents named
	}{
		// its last passage; and, for a question naming a part, its last section's opening
		{"How does the article end?", true, []string{"As a thought-leader some of the articles"}},
		{"what's the last section of the case study", true, []string{"As a thought-leader some of the articles", "Mohammad J Sear is focused"}},
		{"how does the covid note conclude", true, nil},
		{"when did stage 2 end?", false, nil},
		{"what was the last stage?", false, nil},
		{"how did the article's stage 5 end?", false, nil},
	} {
		p := st.plan(tt.q)
		got := endingText(p)
		if p.ending != tt.ending || tt.ending && len(got) == 0 {
			t.Errorf("%q: ending %v with %d passages, want %v", tt.q, p.ending, len(got), tt.ending)
			continue
		}
		for _, w := range tt.want {
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, w) }) {
				t.Errorf("%q: endings %.60q, want one opening %q", tt.q, got, w)
			}
		}
	}
	// without a part named, a section's opening is no ending
	if got := endingText(st.plan("How does the article end?")); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "Mohammad J Sear is focused") }) {
		t.Errorf("How does the article end?: endings %.60q hold the last section's opening", got)
	}
	// each named document's ending is a candidate, marked doc_end
	p := st.plan("how does the covid note end?")
	cands, err := st.candidates(t.Context(), p, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	st.measure(p, cands)
	marked := 0
	for _, c := range cands {
		if c.f[fDocEnd] == 1 {
			marked++
			if !strings.HasPrefix(c.id, "notes/covid-19.md#") {
				t.Errorf("doc_end on %s, want only the covid note's ending", c.id)
			}
		}
	}
	if marked == 0 {
		t.Errorf("no candidate marked doc_end among %d", len(cands))
	}

	// A document without headings has no last section: only its last
	// passage ends it, not its opening.
	ix := buildFS(t, fstest.MapFS{"lighthouses.md": {Data: []byte("# Lighthouses\n\n" +
		"A lighthouse is a tower built to send out light from a system of lamps and lenses, to guide ships at sea.\n\n" +
		"The oldest known lighthouse stood at Alexandria, and its fire could be seen from far out at sea.\n\n" +
		"Keepers trimmed the wicks and wound the clockwork every few hours through the night.\n")}})
	p = ix.st.plan("how does the lighthouses article end?")
	if got := slices.Sorted(maps.Keys(p.endings)); !p.ending || len(got) != 1 {
		t.Fatalf("lighthouses: ending %v, endings %v; want the last passage alone", p.ending, got)
	}
	a, err := ix.Ask(t.Context(), "how does the lighthouses article end?", AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(topText(a), "Keepers trimmed the wicks") {
		t.Errorf("how does the lighthouses article end?: answered %v from %.60q, want its last passage", a.Answered, topText(a))
	}
}
