package index

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

// Each mechanism of Ask, with its own table. Questions are worded for these
// tests; none is taken from an evaluation set. The tables test what ranks
// first: the answer, or the first suggestion when the answer model is not
// confident enough to answer (which the question sets measure, see
// quality_test.go).

func topText(a Answer) string {
	if len(a.Citations) == 0 {
		return ""
	}
	return a.Citations[0].Text
}

// bestText is the text of the passage that ranks first: the answer's, or
// the first suggestion's.
func bestText(a Answer) string {
	if a.Answered {
		return topText(a)
	}
	if len(a.Suggestions) > 0 {
		return a.Suggestions[0].Text
	}
	return ""
}

func wantTop(t *testing.T, q, phrase string) Answer {
	t.Helper()
	a := ask(t, q)
	if !strings.Contains(Fold(bestText(a)), Fold(phrase)) {
		t.Errorf("%q: best passage %.100q (answered %v), want one containing %q", q, bestText(a), a.Answered, phrase)
	}
	return a
}

func TestYearsAndSpans(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		{"what went on in 1991", "Stage 1 (1980s to 1995)"},
		{"events of 2011", "2008 to 2012"},
		{"what was going on in the mid 2010s, say 2014", "2013 to 2017"},
		{"which stage covers 2005?", "Stage 3 (2003 to 2007)"},
		{"anything since 2019?", "2018"},
		// decades written with two digits
		{"what happened in the 80's", "1980s"},
		{"korean e-gov in the '80s", "1980s"},
	} {
		t.Run(tt.q, func(t *testing.T) {
			if a := wantTop(t, tt.q, tt.want); !a.Answered {
				t.Errorf("declined at %.3f", a.Confidence)
			}
		})
	}
}

// A decade written with two digits is the latest such decade that has
// begun; a longer number is left as it is.
func TestFullDecades(t *testing.T) {
	for q, want := range map[string]string{
		"the '90s":             "the 1990s",
		"in the 80's and 00s":  "in the 1980s and 2000s",
		"the 20s":              "the 2020s",
		"the 30s":              "the 1930s",
		"mid-60s":              "mid-1960s",
		"the 1990s":            "the 1990s",
		"aged 90 in 1995":      "aged 90 in 1995",
		"the 95s and the 105s": "the 95s and the 105s",
		"in the eighties":      "in the 1980s",
		"The late Nineties":    "The late 1990s",
		"the mid-seventies":    "the mid-1970s",
		"the twenties":         "the 2020s",
		"in her twenties":      "in her twenties",
		"the nineties-era law": "the 1990s-era law",
	} {
		if got := fullDecades(q, 2026); got != want {
			t.Errorf("fullDecades(%q) = %q, want %q", q, got, want)
		}
	}
	for _, q := range []string{"what did korea do in the '90s?", "what did korea do in the nineties?"} {
		short, long := ask(t, q), ask(t, "what did korea do in the 1990s?")
		if !short.Answered || bestText(short) != bestText(long) {
			t.Errorf("%q: %.80q (answered %v), want the answer to 1990s, %.80q", q, bestText(short), short.Answered, bestText(long))
		}
	}
}

func TestNumbersAndOrdinals(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		{"stage three", "Stage 3 (2003 to 2007)"},
		{"the third stage", "Stage 3 (2003 to 2007)"},
		{"phase 3", "Stage 3 (2003 to 2007)"},
		{"3rd phase", "Stage 3 (2003 to 2007)"},
		{"the sixth stage", "Stage 6"},
	} {
		t.Run(tt.q, func(t *testing.T) { wantTop(t, tt.q, tt.want) })
	}
}

func TestSpellingAndWordForms(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		{"digitization of critical databases", "digitalised national critical databases"},
		{"national informatization fund", "fund"},
		{"Korea’s e-participation levels", "e-participation"},
		{"organizations contributing technical expertise", "Technical support"},
	} {
		t.Run(tt.q, func(t *testing.T) { wantTop(t, tt.q, tt.want) })
	}
}

func TestVocabularyExpansion(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		// acronym to its long form, defined in the corpus's vocabulary file
		{"What does the MOIS handle?", "Ministry of the Interior and Safety"},
		// long form to acronym, learned from the text ("... (ICT)")
		{"information and communication technology in stage five", "ICT"},
		// a one-way rule
		{"gov24 launch", "Government24"},
		// everyday synonyms: "legislation" for "act"
		{"2001 legislation for digitalisation of administrative work", "Act"},
	} {
		t.Run(tt.q, func(t *testing.T) { wantTop(t, tt.q, tt.want) })
	}
}

func TestTypoCorrection(t *testing.T) {
	for _, tt := range []struct{ q, from, to, want string }{
		{"implementaton framework", "implementaton", "implementation", "implementation framework"},
		{"comittee members", "comittee", "committee", "committee"},
		// the word after a letter and a hyphen ("e-" of "e-government")
		{"when was e-goverment launched in korea", "goverment", "government", "e-government"},
		// a word glued to a number, corrected by its letters
		{"when did goverment24 open", "goverment24", "government24", "Government24"},
	} {
		t.Run(tt.q, func(t *testing.T) {
			a := wantTop(t, tt.q, tt.want)
			if len(a.Corrections) != 1 || a.Corrections[0].From != tt.from || a.Corrections[0].To != tt.to {
				t.Errorf("corrections %+v, want %s -> %s", a.Corrections, tt.from, tt.to)
			}
		})
	}
	// A real English word the corpus lacks is not "corrected" into another.
	if a := ask(t, "does it matter"); len(a.Corrections) != 0 {
		t.Errorf("corrected a real word: %+v", a.Corrections)
	}
	// nor a glued word whose corrected letters the corpus has with no such number
	if a := ask(t, "what is goverment99"); len(a.Corrections) != 0 {
		t.Errorf("corrected to a word the corpus lacks: %+v", a.Corrections)
	}
}

// A misspelt function word is read as the word meant, and the question is
// answered as if spelt right: left as written, "teh" would be a word the
// corpus lacks, and "wat" would hide what kind of answer is asked for.
func TestMisspeltFunctionWords(t *testing.T) {
	for _, tt := range []struct{ typo, clean string }{
		{"wat was stage 1?", "what was stage 1?"},
		{"Whn did stage 2 end?", "When did stage 2 end?"},
		{"whos the author of teh article", "who's the author of the article"},
		{"hw many initiatives did the 2001 act cover?", "how many initiatives did the 2001 act cover?"},
	} {
		t.Run(tt.typo, func(t *testing.T) {
			if got := wantAnsweredAs(t, tt.typo, tt.clean); len(got.Corrections) == 0 {
				t.Errorf("no correction reported")
			}
		})
	}
}

// The words of a chat around a question ("hi bot", "thx", "lol") are left
// out when the corpus lacks them: the question is answered as if asked
// plainly, and chat alone is still declined.
func TestChatAroundAQuestion(t *testing.T) {
	for _, tt := range []struct{ chat, plain string }{
		{"hi bot what was stage 1 thx", "what was stage 1"},
		{"ok so who manages the e-government committee lol", "who manages the e-government committee"},
		{"hey, um, when did stage 2 end? pls", "when did stage 2 end?"},
		{"does anyone know when G4C was launched", "when was G4C launched"},
		{"sorry, can someone tell me who the author is", "who is the author"},
		// a handle the message is addressed to
		{"@casebot who actually wrote the article?", "who wrote the article?"},
		{"wait what's INVIL", "what's INVIL"},
		// discourse markers the corpus lacks
		{"who wrote this article anyway", "who wrote this article"},
		{"oh and when was KISA founded", "when was KISA founded"},
	} {
		t.Run(tt.chat, func(t *testing.T) { wantAnsweredAs(t, tt.chat, tt.plain) })
	}
	// clipped words ("govt", "orgs") find the words they stand for
	if a := wantTop(t, "what's the digital platform govt committee trying to achieve", "Digital Platform Government Committee"); !a.Answered {
		t.Errorf("govt: declined at %.3f", a.Confidence)
	}
	for _, q := range []string{"hi bot", "ok cool thanks bot", "lol", "hey guys"} {
		if a := ask(t, q); a.Answered {
			t.Errorf("%q answered: %+v", q, first(a))
		}
	}
}

// The ways of asking around a question are not the question ("can you
// help me understand ..."), and a message that is only a remark ("great
// answer, thank you") is not searched at all.
func TestWaysOfAskingAndRemarks(t *testing.T) {
	for _, tt := range []struct{ asked, plain string }{
		{"can you help me understand what NIA does", "what NIA does"},
		{"i'm confused about who manages the e-government committee", "who manages the e-government committee"},
		{"i forgot when G4C was launched", "when was G4C launched"},
		{"help me with what KONEPS does", "what does KONEPS do"},
		{"need this for the exam: when was G4C launched", "when was G4C launched"},
		{"my teacher asked about KISA, what is it?", "what is KISA?"},
	} {
		t.Run(tt.asked, func(t *testing.T) { wantAnsweredAs(t, tt.asked, tt.plain) })
	}
	for _, q := range []string{"great answer, thank you", "thanks", "Thanks!", "that's right", "nope", "you're awesome", "help me"} {
		a := ask(t, q)
		if a.Answered || !a.Remark || len(a.Suggestions) != 0 || a.Note == "" {
			t.Errorf("%q: want a remark, unanswered, with a note and no suggestions: %+v", q, a)
		}
	}
	if a := ask(t, "thanks! and what was stage 1?"); a.Remark || !a.Answered {
		t.Errorf("a question after thanks: remark %v, answered %v", a.Remark, a.Answered)
	}
}

// A message that asks several questions gets each answered on its own, as
// if asked alone; the answer to the message as a whole stays as it was.
func TestSeveralQuestions(t *testing.T) {
	a := ask(t, "who wrote the article and when was it published?")
	if len(a.Questions) != 2 {
		t.Fatalf("want 2 questions, got %d: %+v", len(a.Questions), a.Questions)
	}
	for i, want := range []string{"Mohammad J Sear", "July 15, 2021"} {
		q := a.Questions[i]
		if !q.Answered || !strings.Contains(topText(q), want) {
			t.Errorf("question %d %q: answered %v, %.80q; want %q", i+1, q.Question, q.Answered, topText(q), want)
		}
		if alone := ask(t, q.Question); topText(alone) != topText(q) || alone.Confidence != q.Confidence {
			t.Errorf("question %d %q differs from the same question asked alone", i+1, q.Question)
		}
	}
	// a part the documents do not cover is declined, the others answered
	a = ask(t, "What was stage 1? And what is the tallest mountain in the world?")
	if len(a.Questions) != 2 || !a.Questions[0].Answered || a.Questions[1].Answered {
		t.Errorf("want stage 1 answered and the mountain declined: %+v", a.Questions)
	}
	for _, q := range []string{"What was stage 1?", "thanks, that was helpful", "what does KISA do? thanks in advance"} {
		if a := ask(t, q); len(a.Questions) != 0 {
			t.Errorf("%q: one question read as %d", q, len(a.Questions))
		}
	}
}

// A sentence of a message that is not a question is context, not the
// question: "I read the case study. When did stage 2 end?" asks when stage
// 2 ended. A full stop after an abbreviation ends no sentence.
func TestAsideSentences(t *testing.T) {
	asides := func(q string) []string {
		var out []string
		for _, tk := range questionTokens(q, nil) {
			if tk.aside {
				out = append(out, tk.word)
			}
		}
		return out
	}
	for q, want := range map[string]string{
		"I read the case study. When did stage 2 end?":            "read case study",
		"My group has a quiz tomorrow! What was stage 1?":         "group quiz tomorrow",
		"When did the U.S. enter the war?":                        "",
		"Who was St. Louis named after?":                          "",
		"The skit on Jimmy Kimmel Live! was a depiction of what?": "",
		"I read the case study.":                                  "", // no question: all of it is the question
	} {
		if got := strings.Join(asides(q), " "); got != want {
			t.Errorf("%q: aside %q, want %q", q, got, want)
		}
	}
	wantAnsweredAs(t, "We're studying this for class. When did stage 2 end?", "When did stage 2 end?")
	if a := ask(t, "I read the case study. Hello there?"); a.Answered {
		t.Errorf("a greeting after context answered: %+v", first(a))
	}
}

func TestFixFunctionWords(t *testing.T) {
	corpus := map[string]bool{"teh": true, "auther": true} // a corpus that has the words "teh" and "auther"
	known := func(w string) bool { return corpus[w] }
	for _, tt := range []struct{ q, want string }{
		{"wat is teh role of KISA", "what is teh role of KISA"}, // the corpus's own word stays
		{"Wat stage was 2015 in", "What stage was 2015 in"},
		{"whn did it end", "when did it end"}, // a letter left out beats one replaced ("who")
		{"whos in charge", "who's in charge"},
		{"wen dd th act pass", "wen did the act pass"}, // "wen" is English; "dd" and "th" are abbreviations too
		{"wen did it end", "when did it end"},          // ... but opens a question here
		{"Hoe does it work", "How does it work"},
		{"the hoe is a tool", "the hoe is a tool"},
		{"whats the role of KISA", "what's the role of KISA"}, // a contraction without its apostrophe
		{"wats stage 2", "what's stage 2"},                    // ... of a misspelt question word, opening the question
		{"Hows stage 2 different", "How's stage 2 different"},
		{"the wats of Bangkok", "the wats of Bangkok"}, // temples, not a question word
		{"well, we shed it", "well, we shed it"},       // words, not "we'll" and "she'd"
		{"go to us", "go to us"},
		{"hmm what was it thx", "hmm what was it thx"},                   // chat, not "him" and "the"
		{"what was the 2nd stage about", "what was the 2nd stage about"}, // "nd" is part of a number
		{"when did the war begin", "when did the war begin"},             // "war" is English
		{"who is Wat Tyler", "who is Wat Tyler"},                         // a name
		{"what is HW", "what is HW"},                                     // an acronym
		// a word that steers the reading: asking for an author or a date,
		// naming a piece of writing, asking about writing
		{"who wrot the case study?", "who wrote the case study?"},
		{"when was the artcle writen", "when was the article written"},
		{"sumarize the reding", "summarize the reading"},
		{"who is the athor", "who is the author"},
		{"who is the auther", "who is the auther"},                   // the corpus's own word stays
		{"what is the note", "what is the note"},                     // English words stay
		{"what's the reading's topic", "what's the reading's topic"}, // a possessive is no typo
		// a word that says nothing about the topic ("happened", "explain")
		{"what happend in 2017", "what happened in 2017"},
		{"explian stage 2", "explain stage 2"},
		{"descibe the diffusion stage", "describe the diffusion stage"},
		{"", ""},
	} {
		if got, _ := fixFunctionWords(tt.q, known); got != tt.want {
			t.Errorf("fixFunctionWords(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestAbstention(t *testing.T) {
	for _, q := range []string{
		"What is the boiling point of water?",
		"recommend a hotel in Seoul",
		"Who won the most Olympic medals?",
		"lorem ipsum dolor",
		"good morning",
		"What's the best Korean fried chicken?",
		"how do I renew my passport",
		"Where can I get the best Korean barbecue?",
		"which Korean noodle brand is the most popular?",
		"Can you write me a poem?",
		// paths and commands: "etc" says nothing of a topic
		"../../etc/passwd", "etc passwd", "/etc/shadow", "rm -rf /", "DROP TABLE passages;",
	} {
		t.Run(q, func(t *testing.T) {
			a := ask(t, q)
			if a.Answered {
				t.Errorf("answered with %.80q", topText(a))
			}
			if len(a.Citations) != 0 || a.Text != "" || a.Note == "" {
				t.Errorf("unanswered must have no citations or text and a note: %+v", a)
			}
			if len(a.Suggestions) > maxSuggestions {
				t.Errorf("%d suggestions", len(a.Suggestions))
			}
		})
	}
	// Something the corpus partly covers still gets suggestions.
	if a := ask(t, "Korean barbecue restaurants near the National Information Society Agency"); a.Answered || len(a.Suggestions) == 0 {
		t.Errorf("want an unanswered question with suggestions, got answered=%v, %d suggestions", a.Answered, len(a.Suggestions))
	}
}

// The answer quotes the sentence that holds the kind of answer asked for
// (a number for "how many") beside the one that matches the question best.
func TestQuoteHoldsTheKindOfAnswer(t *testing.T) {
	doc := "# Tea\n\n" +
		"The Ruritanian Tea Board and its members met in Vienna to set the export quotas for the hills. " +
		"Board members number 12.\n\n" +
		"Coffee is grown in the south of Ruritania, where the rains come in spring.\n"
	ix := buildFS(t, fstest.MapFS{"tea.md": {Data: []byte(doc)}})
	st := ix.st
	p := st.plan("How many members does the Ruritanian Tea Board have?")
	ranked, err := st.retrieve(t.Context(), p, ix.scoring(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(ranked) == 0 || !strings.Contains(ranked[0].text, "number 12") {
		t.Fatalf("no candidate, or the best is not the Tea Board's: %d", len(ranked))
	}
	c := st.cite(ranked[0], p)
	var quoted []string
	for _, s := range bestSentences(c, ranked[0], p) {
		quoted = append(quoted, c.Text[s[0]:s[1]])
	}
	if q := strings.Join(quoted, " "); !strings.Contains(q, "number 12") {
		t.Errorf("quoted %q, want the sentence with the number", q)
	}
}

func TestQuoteAndHighlights(t *testing.T) {
	a := wantTop(t, "when did the intelligent digital government stage start", "Stage 6")
	c := a.Citations[0]
	if a.Text == "" || !strings.Contains(c.Text, a.Text[:min(20, len(a.Text))]) {
		t.Errorf("answer %q is not a sentence of the top passage %q", a.Text, c.Text)
	}
	if len(c.Highlights) == 0 {
		t.Fatal("no highlights")
	}
	runes := []rune(c.Text)
	for _, h := range c.Highlights {
		if h[0] < 0 || h[1] > len(runes) || h[0] >= h[1] {
			t.Fatalf("bad highlight %v in %d runes", h, len(runes))
		}
		word := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(string(runes[h[0]:h[1]])), "'s"), "’s")
		// A question word, or another form of one ("governance" of
		// "government", "intelligence" of "intelligent").
		form := false
		for _, w := range strings.Fields("stage intelligent digital e-government e government 2018") {
			n := 0
			for n < min(len(w), len(word)) && w[n] == word[n] {
				n++
			}
			form = form || strings.Contains(w, word) || n >= 6
		}
		if !form {
			t.Errorf("highlight %q is neither a question word nor a form of one", word)
		}
	}
	if !strings.Contains(a.Marked(), "**") || !strings.Contains(c.Marked(), "**") {
		t.Errorf("marked texts lack bold: %q / %q", a.Marked(), c.Marked())
	}
}

func TestListAnswers(t *testing.T) {
	a := ask(t, "list the key success factors")
	if !a.Answered || !a.List || len(a.Citations) < 4 {
		t.Fatalf("want a list of at least 4 items, got list=%v %d citations", a.List, len(a.Citations))
	}
	for i, want := range []string{"The proper infrastructure", "Constant investment", "Well-established implementation framework", "Technical support"} {
		if !strings.HasPrefix(a.Citations[i].Text, want) {
			t.Errorf("item %d = %.40q, want %q", i, a.Citations[i].Text, want)
		}
	}
	if strings.Count(a.Text, "\n- ")+1 < 4 || !strings.HasPrefix(a.Text, "- ") {
		t.Errorf("list answer text %q", a.Text)
	}
	// "what are the phases?" is answered by the numbered series.
	s := ask(t, "what were the phases?")
	if !s.List || len(s.Citations) < 6 || !strings.HasPrefix(s.Citations[0].Text, "Stage 1") || !strings.HasPrefix(s.Citations[5].Text, "Stage 6") {
		t.Errorf("series answer: list=%v, %d citations, first %.30q", s.List, len(s.Citations), topText(s))
	}
	// An item whose span holds the question's year answers it, not its list.
	y := ask(t, "What was Korea doing in 1997?")
	if !y.Answered || y.List || !strings.HasPrefix(topText(y), "Stage 2 (1996 to 2002)") {
		t.Errorf("a year inside Stage 2: answered %v, list %v, first %.40q", y.Answered, y.List, topText(y))
	}
}

func TestDeterminism(t *testing.T) {
	qs := []string{"what happened in 2010", "stage", "Korea", "success", "e-government committee members"}
	for _, q := range qs {
		first := ask(t, q)
		for i := 0; i < 5; i++ {
			again := ask(t, q)
			if len(again.Citations) != len(first.Citations) || again.Text != first.Text {
				t.Fatalf("%q: answers differ between runs", q)
			}
			for j := range again.Citations {
				if again.Citations[j].ID != first.Citations[j].ID {
					t.Fatalf("%q: citation %d differs: %s vs %s", q, j, again.Citations[j].ID, first.Citations[j].ID)
				}
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	ix := embedded(t)
	ctx := context.Background()
	for _, q := range []string{"", "   ", "\t\n"} {
		if _, err := ix.Ask(ctx, q, AskOptions{}); !errors.Is(err, ErrEmptyQuestion) {
			t.Errorf("Ask(%q): err %v, want ErrEmptyQuestion", q, err)
		}
	}
	long := strings.Repeat("What was the foundation stage of e-government in Korea? ", 180) // ~10,000 chars
	hostile := []string{
		long, "/.*/", "*", "title:x", "a^9", `"unclosed`, "+-", "/.*/ /.*/ /.*/ stage~2",
		"\xff\xfe invalid \xc3\x28 utf8 stage 2", "😀🎉🚀", "@everyone what was stage 1?",
		"../../etc/passwd", "<script>alert(1)</script>", strings.Repeat("x", 10000),
		"text:stage +section:author -title:x", "stage\x00one", "((((stage))))",
	}
	for _, q := range hostile {
		a, err := ix.Ask(ctx, q, AskOptions{})
		if err != nil {
			t.Errorf("Ask(%.30q): %v", q, err)
			continue
		}
		if a.Answered && len(a.Citations) == 0 {
			t.Errorf("Ask(%.30q): answered without citations", q)
		}
		for _, c := range a.Citations {
			if !utf8.ValidString(c.Text) || c.Text == "" {
				t.Errorf("Ask(%.30q): bad citation text", q)
			}
		}
	}
	if a, _ := ix.Ask(ctx, long, AskOptions{}); !strings.Contains(a.Note, "first 500 characters") || !a.Answered {
		t.Errorf("long question: answered=%v note %q", a.Answered, a.Note)
	}
	if a, _ := ix.Ask(ctx, "😀🎉🚀", AskOptions{}); a.Answered || a.Note == "" {
		t.Errorf("emoji question: answered=%v note %q", a.Answered, a.Note)
	}
	if a, _ := ix.Ask(ctx, "/.*/", AskOptions{}); a.Answered {
		t.Errorf("regexp syntax answered: %q", topText(a))
	}
}

// first is an answer's first citation, or none.
func first(a Answer) Citation {
	if len(a.Citations) == 0 {
		return Citation{}
	}
	return a.Citations[0]
}

// wantAnsweredAs asks q and plain, and fails unless q is answered first from
// the passage plain is.
func wantAnsweredAs(t *testing.T, q, plain string) Answer {
	t.Helper()
	got, want := ask(t, q), ask(t, plain)
	if !got.Answered || first(got).ID != first(want).ID {
		t.Errorf("%q: answered %v %+v, want as %q: %+v", q, got.Answered, first(got), plain, first(want))
	}
	return got
}

// A table row is cited with its table's header row, which says what its
// cells are: "2016 | 3rd | 4th" reads as Survey, EGDI rank, EPI rank.
func TestTableRowColumns(t *testing.T) {
	a := ask(t, "Was Korea first in the EPI in 2016?")
	if c := first(a); c.Kind != "row" || c.Text != "2016 | 3rd | 4th" || c.Columns != "Survey | EGDI rank | EPI rank" || a.Columns() != c.Columns {
		t.Fatalf("first citation %q (%s), columns %q, answer columns %q; want the 2016 row with its header", c.Text, c.Kind, c.Columns, a.Columns())
	}
	for _, c := range a.Citations {
		if c.Kind != "row" && c.Columns != "" {
			t.Errorf("%s (%s) has columns %q", c.ID, c.Kind, c.Columns)
		}
	}
	if a := ask(t, "What was stage 1?"); a.Columns() != "" {
		t.Errorf("What was stage 1?: columns %q, want none", a.Columns())
	}
}
