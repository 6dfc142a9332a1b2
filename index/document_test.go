package index

import (
	"strings"
	"testing"
	"testing/fstest"
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
	} {
		a, err := ix.Ask(t.Context(), tt.q, AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(bestText(a), tt.want) {
			t.Errorf("%q: best passage %.80q, want the one opening %q", tt.q, bestText(a), tt.want)
		}
	}
}
