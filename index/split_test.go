package index

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitQuestions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		msg  string
		want []string // nil: one question
	}{
		{"What was stage 1? And stage 2?", []string{"What was stage 1?", "And stage 2?"}},
		{"who wrote the article and when was it published", []string{"who wrote the article", "when was article published"}},
		{"whats KONEPS other name and who launched it", []string{"whats KONEPS other name", "who launched KONEPS"}},
		{"when did UNI-PASS get its name and what certification did it get", []string{"when did UNI-PASS get its name", "what certification did UNI-PASS get"}},
		// adjectives of a noun phrase stand for it; a verb does not
		{"when was the digital platform committee founded and who sits on it", []string{"when was the digital platform committee founded", "who sits on digital platform committee"}},
		// a noun after a number, which could be read as a verb, is kept
		{"what were the 11 projects and what did they cost", []string{"what were the 11 projects", "what did 11 projects cost"}},
		// a word asking for a date is not what "it" stands for: the document is
		{"when was this published and who wrote it?", []string{"when was this published", "who wrote it?"}},
		// "he" after "who" is the answer, not the subject: left alone
		{"who wrote the report and where does he work now", []string{"who wrote the report", "where does he work now"}},
		// a sentence that asks nothing goes with the question after it
		{"We're studying this. What was stage 1? What came after stage 1?", []string{"We're studying this. What was stage 1?", "What came after stage 1?"}},
		// the last sentence counts without a question mark when it opens as one
		{"what was NIA first called?? and when did it open", []string{"what was NIA first called??", "and when did NIA open"}},
		// a lead before a colon or a dash, a list of questions, "n" for "and"
		{"KISA - when did it start and which bodies merged into it?", []string{"KISA - when did it start", "which bodies merged into KISA start?"}},
		{"and the Digital Platform Government Committee, when did it start and who is on it?", []string{"and the Digital Platform Government Committee, when did it start", "who is on Digital Platform Government Committee start?"}},
		{"On-nara: when was it first used, who used it first, and how many users did it have?", []string{"On-nara: when was it first used", "who used On-nara first", "how many users did On-nara have?"}},
		{"who wrote the case study, when was it published, and what are the key success factors?", []string{"who wrote the case study", "when was case study published", "what are the key success factors?"}},
		// a relative clause inside a list is no question of its own
		{"who operates e-People, which began in 2005, and which body was founded in 2008?", []string{"who operates e-People, which began in 2005", "which body was founded in 2008?"}},
		{"when did NIA open n what was it first called?", []string{"when did NIA open", "what was NIA first called?"}},
		{"what did NIA merge with in 2009? wasnt it renamed after that", []string{"what did NIA merge with in 2009?", "wasnt NIA 2009 renamed after that"}},
		// a follow-up with nothing to search for is read with the one before
		{"what is GPKI? and what about that?", nil},
		{"what is GPKI? what does it stand for?", []string{"what is GPKI?", "what does GPKI stand for?"}},
		// commas that join no list of questions
		{"Had Milosevic not died, what charges might he have been convicted of?", nil},
		{"What are three games, in addition to Brick, which have been included with the iPod?", nil},
		{"When the war ended, what did the army do and who paid for it?", []string{"When the war ended, what did the army do", "who paid for war army?"}},
		// three questions at most
		{"What is KISA? What is NIA? What is MOIS? What is KONEPS?", []string{"What is KISA?", "What is NIA?", "What is MOIS?"}},
		// "he" stands for the person the question before names, "of" and all
		{"Who was the second son of Alfonso III and what did he become king of?", []string{"Who was the second son of Alfonso III", "what did second son Alfonso III become king of?"}},
		{"how old is the author? and who does he work for now", []string{"how old is the author?", "and who does author work for now"}},
		{"When was Chopin born and where did he die?", []string{"When was Chopin born", "where did Chopin die?"}},
		{"who's the author and what is her job?", []string{"who's the author", "what is author job?"}},
		{"Who is the author of this case study and where is he working now?", []string{"Who is the author of this case study", "where is author working now?"}},
		{"who's Mohammad J Sear and what's his background?", []string{"who's Mohammad J Sear", "what's Mohammad J Sear background?"}},
		// a list of questions without "and", each asking directly
		{"who's the author, what's his job, where did he study?", []string{"who's the author", "what's author job", "where did author study?"}},
		// one question
		{"what is GPKI, when was it launched?", nil},
		{"why is e-people called sinmungo, whats the history behind the name", nil},
		{"what did the army do, when the war ended?", nil},
		{"what happened and when", nil},
		{"Describe stage 1 and what it achieved", nil},
		{"what does KISA do? thanks in advance", nil},
		{"when did government24 open? i keep getting the date wrong", nil},
		{"How did the war start, and why?", nil},
		{"thanks! what was stage 1?", nil},
		{"", nil},
	} {
		got := SplitQuestions(c.msg)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SplitQuestions(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}

func TestFollowUp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		q, previous, want string
	}{
		{"who launched it?", "What is KONEPS?", "who launched KONEPS?"},
		{"and how much did it cost", "how long was the national high speed network", "and how much did national high speed network cost"},
		// the last question of a message that asks several
		{"when did it open?", "What is KISA? What is NIA?", "when did NIA open?"},
		// an "it" that stands for nothing before, or a question with names
		// or topics of its own, is left as it is
		{"what is it like to work at NIA?", "What is KONEPS?", "what is it like to work at NIA?"},
		{"is it true that kisa was launched in 2009", "What is KONEPS?", "is it true that kisa was launched in 2009"},
		{"where does he work now?", "who wrote the article?", "where does he work now?"},
		{"where does he work now?", "who is the author?", "where does author work now?"},
		{"what did she study?", "Who was the first head of KISA?", "what did first head KISA study?"},
		{"what was stage 2?", "What is KONEPS?", "what was stage 2?"},
		{"who launched it?", "thanks!", "who launched it?"},
		{"who launched it?", "", "who launched it?"},
	} {
		got, changed := FollowUp(c.q, c.previous)
		if got != c.want || changed != (c.want != c.q) {
			t.Errorf("FollowUp(%q, %q) = %q, %v; want %q", c.q, c.previous, got, changed, c.want)
		}
	}
}

func TestSplitComparison(t *testing.T) {
	for q, want := range map[string][]string{
		"what is the difference between stage 1 and stage 2?":             {"stage 1", "stage 2"},
		"What's the main difference between NIA and KISA":                 {"NIA", "KISA"},
		"how is NIA different from KISA?":                                 {"NIA", "KISA"},
		"compare stage 3 with stage 4":                                    {"stage 3", "stage 4"},
		"stage 1 vs. stage 2 difference":                                  {"stage 1", "stage 2"},
		"How does Korea compare to Denmark?":                              {"Korea", "Denmark"},
		"what's the difference between the goals of stage 1 and stage 2?": {"the goals of stage 1", "the goals of stage 2"},
		"compare stage 1, stage 2 and stage 3":                            {"stage 1", "stage 2", "stage 3"},
		"whats the difference btwn stage 3 and 4":                         {"stage 3", "stage 4"},
		"compare phase two with three":                                    {"phase two", "phase three"},
		"Hometax vs e-People vs On-nara":                                  {"Hometax", "e-People", "On-nara"},
		"stage 2 versus stage 5 — which was longer?":                      {"stage 2", "stage 5"},
		// nothing compared, or a side with nothing to search for, or too many
		"what was stage 1?":                        nil,
		"what is the difference between them":      nil,
		"this vs that":                             nil,
		"stage 1 vs stage 2 vs stage 3 vs stage 4": nil,
	} {
		if got := SplitComparison(q); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitComparison(%q) = %q, want %q", q, got, want)
		}
	}
}

// A comparison no passage makes is answered side by side; one a passage
// makes is answered by it, whole.
func TestComparisonAnsweredSideBySide(t *testing.T) {
	a := ask(t, "what is the difference between stage 1 and stage 2?")
	if len(a.Questions) != 2 || !strings.Contains(topText(a.Questions[0]), "Stage 1 (1980s to 1995)") || !strings.Contains(topText(a.Questions[1]), "Stage 2 (1996 to 2002)") {
		t.Errorf("answered %v, sides %+v: want Stage 1's passage and Stage 2's", a.Answered, a.Questions)
	}
	a = ask(t, "korea dgi score 2023 vs oecd average")
	if !a.Answered || len(a.Questions) != 0 || !strings.Contains(topText(a), "OECD average") {
		t.Errorf("answered %v from %.80q with %d sides: want the passage that compares", a.Answered, topText(a), len(a.Questions))
	}
}

// A question mark followed by "!" ("?!") still ends a question: neither
// question may be lost, nor read as an aside of the other.
func TestSplitQuestionsInterrobang(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want []string
	}{
		{"What is KONEPS?! Who founded NIA?", []string{"What is KONEPS?!", "Who founded NIA?"}},
		{"What was stage 1?? When did stage 2 end?!", []string{"What was stage 1??", "When did stage 2 end?!"}},
	} {
		if got := SplitQuestions(c.msg); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SplitQuestions(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
	if s := asideSpans("What is KONEPS?! Who founded NIA?"); len(s) != 0 {
		t.Errorf("asideSpans: %v, want none (both sentences are questions)", s)
	}
}

// The whole message's answer must not drop a question that ends with "?!".
func TestAskInterrobangKeepsBothQuestions(t *testing.T) {
	a := ask(t, "What is KONEPS?! Who founded NIA?")
	if len(a.Questions) != 2 || !strings.Contains(topText(a.Questions[0]), "KONEPS") || !strings.Contains(topText(a.Questions[1]), "NIA") {
		t.Errorf("answered %v from %.80q with %d questions: want KONEPS and NIA answered each", a.Answered, topText(a), len(a.Questions))
	}
}

// A full-width question mark, as a CJK keyboard types it (with a space
// after it or, as is usual in CJK text, without), ends a question too.
func TestSplitQuestionsFullWidthQuestionMark(t *testing.T) {
	want := []string{"What is KONEPS?", "Who founded NIA?"}
	for _, msg := range []string{"What is KONEPS？ Who founded NIA？", "What is KONEPS？Who founded NIA？"} {
		if got := SplitQuestions(msg); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("SplitQuestions(%q) = %q, want %q", msg, got, want)
		}
	}
}

// The same question asked twice is answered once.
func TestSplitQuestionsDuplicate(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want []string
	}{
		{"What was stage 1? what was STAGE 1?", nil},
		{"What was stage 1? What was stage 1? What was stage 2?", []string{"What was stage 1?", "What was stage 2?"}},
	} {
		if got := SplitQuestions(c.msg); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SplitQuestions(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}
