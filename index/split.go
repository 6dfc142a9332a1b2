package index

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// People ask two things at once ("who wrote the article and when was it
// published?", "What was stage 2? And what came after it?") and follow one
// question with another that says "it" for what the first was about. These
// split a message into its questions and read a follow-up's "it".

// maxQuestionParts is how many questions of one message SplitQuestions
// returns; the rest are left for the message as a whole.
const maxQuestionParts = 3

// opensQuestion reports whether a word (folded: "whats") is a question
// word or an auxiliary verb.
func opensQuestion(fold string) bool {
	return isWhWord(fold) || isAuxiliary(fold)
}

// isWhWord reports whether a word (folded) is a question word, or one with
// "'s" ("what's", "whos").
func isWhWord(fold string) bool {
	return slices.Contains(whWords, fold) || slices.Contains(whWords, strings.TrimSuffix(fold, "s"))
}

// SplitQuestions returns the questions of a message that asks several
// ("What was stage 1? And stage 2?", "who wrote the article and when was
// it published"), each to be answered on its own, at most
// maxQuestionParts; nil for a message that asks one.
//
// A message splits at each sentence that ends with a question mark (the
// last one also without, when it opens as a question does: "... and when
// did it open"), and inside such a sentence where splitClauses cuts it. A
// sentence that asks nothing (no question mark, not last) is read with the
// question after it. In a follow-up, "it" or "they" stands for what the
// question before is about ("who launched it"). A question left with
// nothing to search for is read with the one before it ("what is GPKI?
// what does it stand for"), or left out when it is a remark ("thanks!").
func SplitQuestions(msg string) []string {
	// Most messages ask one thing, told from the text as typed; one with a
	// full-width "？" is told once cleaned, which makes it a question mark.
	if !maySplit(msg) && !strings.Contains(msg, "？") {
		return nil
	}
	q, _ := cleanQuestion(msg)
	if !maySplit(q) {
		return nil
	}
	spans := sentenceSpans(q)
	// persons holds, for each question, the words its "he" or "she" was
	// read as ("who's the author, what's his job, where did he study?")
	var clauses, contexts, persons []string
	context := ""
	for i, s := range spans {
		text := strings.TrimSpace(q[s[0]:s[1]])
		last := i == len(spans)-1
		if !endsWithQuestionMark(text) && !(last && asksOpenly(text)) {
			context += text + " "
			continue
		}
		cs := splitClauses(text)
		for j := range cs {
			person := ""
			if k := len(clauses); k > 0 {
				// the person the question before has "he" stand for, else
				// what it is about, else what its context is
				if r, ok := substitutePronoun(cs[j], persons[k-1], true); ok {
					cs[j], person = r, persons[k-1]
				} else if r, about := resolveReferent(cs[j], clauses[k-1]); r != cs[j] {
					cs[j], person = r, about
				} else {
					cs[j], person = resolveReferent(cs[j], contexts[k-1]+clauses[k-1])
				}
			}
			clauses = append(clauses, cs[j])
			contexts = append(contexts, context)
			persons = append(persons, person)
			context = ""
		}
	}
	for i := range clauses {
		clauses[i] = contexts[i] + clauses[i]
	}
	var parts []string
	pending := ""
	for _, c := range clauses {
		switch {
		case hasTopicWord(c) && slices.ContainsFunc(parts, func(p string) bool { return sameQuestion(p, pending+c) }):
			// the same question twice ("What was stage 1? what was stage
			// 1?") is answered once
			pending = ""
		case hasTopicWord(c):
			parts = append(parts, pending+c)
			pending = ""
		case isRemark(c):
		case len(parts) > 0:
			parts[len(parts)-1] += " " + c
		default:
			pending += c + " "
		}
	}
	if len(parts) < 2 {
		return nil
	}
	return parts[:min(len(parts), maxQuestionParts)]
}

// sameQuestion reports whether two questions are written alike but for
// case, spaces and the marks that end them.
func sameQuestion(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.TrimRight(s, "?!. ")), " ") }
	return strings.EqualFold(norm(a), norm(b))
}

// referring are the pronouns of a follow-up question that stand for what
// the question before it is about: "who launched it". The personal ones
// ("he", "she") stand for a person the question before names ("how old is
// the author? and who does he work for"), but not after "who" and a verb
// other than "be": after "who wrote the article", "he" is the answer.
var (
	referring = map[string]bool{"it": true, "its": true, "they": true, "them": true, "their": true}
	personal  = map[string]bool{"he": true, "she": true, "him": true, "his": true, "her": true}
)

// asksWhoDid reports whether a question asks "who" did something ("who
// wrote the article", "who founded NIA"), whose answer a follow-up's "he"
// stands for; "who is the author" names the person itself.
func asksWhoDid(q string) bool {
	ws := trimFollowOns(scanWords(q))
	if len(ws) < 2 || ws[0].fold != "who" {
		return false // not "who", or "who's the author": "who is"
	}
	switch ws[1].fold {
	case "is", "was", "are", "were", "isnt", "wasnt":
		return false
	}
	return true
}

// resolvePronoun puts the words of the question before in place of a
// follow-up question's first referring pronoun: "whats KONEPS other name"
// and "who launched it" give "who launched KONEPS". The words are the
// ones the question before is about: its words but function words,
// question words, words asking for an author or a date, and verbs or
// adjectives outside a noun phrase; after "of", the words after it ("the
// vision of the 2003 roadmap").
func resolvePronoun(q, before string) string {
	r, _ := resolveReferent(q, before)
	return r
}

// resolveReferent is resolvePronoun, and returns the words put in place of
// a personal pronoun ("he"), or "".
func resolveReferent(q, before string) (string, string) {
	if !wantsReferent(q) {
		return q, ""
	}
	pronoun, _ := firstPronoun(q)
	// "he" stands for a person: "the author" is one, and "the second son
	// of Alfonso III" is the son
	person := personal[pronoun.fold]
	if person && asksWhoDid(before) {
		return q, ""
	}
	var about []string
	prev, kept := "", false // the word before, and whether it is about
	for _, u := range wordUnits(before) {
		w := u[0]
		text := before[w.start:u[len(u)-1].end]
		// a verb or an adjective is kept inside a noun phrase only: "the
		// digital platform", not "who chaired"
		// or after a number that counts ("the 11 projects"; not "first used")
		modifier := determiners[prev] || cardinal(prev) || kept && isPredicate(prev)
		// a word written with a capital is a name ("Mohammad J Sear")
		name := w.start > 0 && unicode.IsUpper([]rune(before[w.start:w.end])[0])
		kept = slices.ContainsFunc(u, topicWord) && !opensQuestion(w.fold) && (person || !asksForAField(w.lower)) && (len(u) > 1 || modifier || name || !isPredicate(w.lower))
		switch {
		case w.fold == "of" && len(about) > 0 && !person:
			// "the vision of the 2003 roadmap": the roadmap
			about = about[:0]
		case kept:
			about = append(about, text)
		}
		prev = u[len(u)-1].lower
	}
	if person {
		about = withoutDocumentWords(about)
	}
	if len(about) == 0 {
		return q, ""
	}
	r, _ := substitutePronoun(q, strings.Join(about, " "), false)
	if !person {
		return r, ""
	}
	return r, strings.Join(about, " ")
}

// withoutDocumentWords leaves out of a person's words those naming a piece
// of writing (lexicon/document-words.txt): "the author of this article" is
// the author.
func withoutDocumentWords(words []string) []string {
	doc, a := baseLexicon().document, sharedAnalyzer()
	isDoc := func(text string) bool { return doc[strings.Join(analyzeTerms(a, text), " ")] }
	var out []string
	for i := 0; i < len(words); i++ {
		switch {
		case i+1 < len(words) && isDoc(words[i]+" "+words[i+1]): // "case study"
			i++
		case !isDoc(words[i]):
			out = append(out, words[i])
		}
	}
	return out
}

// cardinal reports whether a word (lower-cased) is a number that counts:
// "11", "eleven"; not "first" or "11th".
func cardinal(w string) bool {
	if _, err := strconv.Atoi(w); err == nil {
		return true
	}
	_, ok := numberWords[w]
	return ok && !strings.HasSuffix(w, "th") && w != "first" && w != "second" && w != "third"
}

// firstPronoun is a question's first referring or personal pronoun.
func firstPronoun(q string) (word, bool) {
	for _, w := range scanWords(q) {
		if referring[w.fold] || personal[w.fold] {
			return w, true
		}
	}
	return word{}, false
}

// substitutePronoun puts about in place of a question's first pronoun
// (with person, only a personal one that wantsReferent accepts).
func substitutePronoun(q, about string, person bool) (string, bool) {
	w, ok := firstPronoun(q)
	if !ok || about == "" || person && (!personal[w.fold] || !wantsReferent(q)) {
		return q, false
	}
	return q[:w.start] + about + q[w.end:], true
}

// asksForAField reports whether a word asks for a document's author or
// date (lexicon/field-words.txt): after "when was this published", the "it"
// of "who wrote it" is the document, not "published".
func asksForAField(w string) bool {
	ts := analyzeTerms(sharedAnalyzer(), w)
	if len(ts) != 1 {
		return false
	}
	_, ok := baseLexicon().field[ts[0]]
	return ok
}

// maySplit reports whether a message could ask several questions: it goes
// on after its first question mark, or has a word that joins questions, or
// a question word after a comma.
// Most messages do neither, and are read no further.
func maySplit(msg string) bool {
	if i := strings.IndexByte(msg, '?'); i >= 0 && strings.TrimLeft(msg[i:], "?!. \t\r\n") != "" {
		return true
	}
	comma := false
	for _, f := range strings.Fields(msg) {
		w := strings.ToLower(strings.Trim(f, ",;:.!"))
		if clauseJoiners[w] || comma && isWhWord(noApostrophe.Replace(w)) {
			return true // "... and when", "..., what's"
		}
		comma = strings.HasSuffix(f, ",")
	}
	return false
}

// maxOwnTopicWords is how many topic words a follow-up may have of its own
// and still have its "it" read as what the question before is about.
const maxOwnTopicWords = 2

// wantsReferent reports whether a follow-up question's "it" (or "they")
// stands for something the question before named: it has a referring
// pronoun, no name of its own (a word written with a capital after its
// first) and at most maxOwnTopicWords topic words. "who launched it" and
// "how much did it cost" do; "what is it like to work at NIA" and "is it
// true that kisa was launched in 2009" do not.
func wantsReferent(q string) bool {
	pronoun, own := false, 0
	for i, w := range scanWords(q) {
		switch {
		case referring[w.fold] || personal[w.fold]:
			pronoun = true
		case topicWord(w):
			own++
			if r, _ := utf8.DecodeRuneInString(q[w.start:]); i > 0 && unicode.IsUpper(r) {
				return false
			}
		}
	}
	return pronoun && own <= maxOwnTopicWords
}

// FollowUp reads a question that follows another one, in a conversation,
// as SplitQuestions reads a follow-up in one message: its "it" or "they"
// stands for what the question before is about. It returns the question as
// read, and whether that changed it: "who launched it" after "What is
// KONEPS?" is "who launched KONEPS". Previous may be a message that asks
// several questions; the last one counts.
func FollowUp(question, previous string) (string, bool) {
	if parts := SplitQuestions(previous); len(parts) > 0 {
		previous = parts[len(parts)-1]
	}
	q, _ := cleanQuestion(question)
	p, _ := cleanQuestion(previous)
	if r := resolvePronoun(q, p); r != q {
		return r, true
	}
	return question, false
}

// wordUnits groups a text's words into the units written without a space
// between them: "UNI-PASS", "e-gov", "On-nara".
func wordUnits(text string) [][]word {
	var out [][]word
	for _, w := range scanWords(text) {
		if n := len(out); n > 0 && !strings.ContainsAny(text[out[n-1][len(out[n-1])-1].end:w.start], " \t") {
			out[n-1] = append(out[n-1], w)
			continue
		}
		out = append(out, []word{w})
	}
	return out
}

// asksOpenly reports whether a sentence without a question mark opens as a
// question does ("and when did it open", "which uni tho"), so that it
// counts as one at the end of a message; "thanks in advance" and "i think
// it was 2017" do not.
func asksOpenly(sentence string) bool {
	words := trimFollowOns(scanWords(sentence))
	return len(words) > 0 && opensQuestion(words[0].fold) && !strings.HasSuffix(sentence, ".") && !strings.HasSuffix(sentence, "!")
}

// followOns open a question that follows another: "and when did it open".
var followOns = map[string]bool{"and": true, "n": true, "also": true, "plus": true, "so": true, "but": true, "then": true, "or": true}

// clauseJoiners join two questions in one sentence: "who wrote it and when
// was it published", "when did NIA open n what was it called".
var clauseJoiners = map[string]bool{"and": true, "n": true, "also": true, "plus": true}

// maxLeadWords is how long a lead before a colon or a dash may be ("KISA -
// when did it start ...", "Quick question about the 2002 launch: how
// many ...").
const maxLeadWords = 8

// splitClauses cuts a question sentence into the questions it joins:
//   - before "and" followed by a question word ("... and when was it
//     published");
//   - before ", and" followed by an auxiliary verb ("..., and do the notes
//     agree");
//   - in a list of questions that ends in one of those, before a comma
//     followed by a question word, when the question before asks directly
//     ("when was it first used, who used it first, and how many used it";
//     not "When the war ended, what did they do?" nor "What are three
//     games, in addition to Brick, which have been included?").
//
// The sentence must open with a question word or an auxiliary verb, after
// a lead ending in a colon or a dash, and each question must have three
// words or more.
func splitClauses(sentence string) []string {
	if cs, listEnd := cutClauses(sentence, true); listEnd || len(cs) >= 3 && asksDirectly(trimFollowOns(scanWords(cs[len(cs)-1]))) {
		// "a, b and c", or "a, b, c" when c asks as directly as a and b
		// ("who's the author, what's his job, where did he study?"); not
		// "what did the army do, when the war ended?", nor two questions
		// that ask one thing twice ("why is it called sinmungo, whats the
		// history behind the name")
		return cs
	}
	cs, _ := cutClauses(sentence, false)
	return cs
}

// cutClauses cuts a sentence as splitClauses says, at commas too when
// commas is set, and reports whether the last cut was not at a comma.
func cutClauses(sentence string, commas bool) (clauses []string, listEnd bool) {
	words := scanWords(sentence)
	open := 0 // the first word of the first question, after any lead
	if len(words) > 0 && !opensQuestion(words[0].fold) {
		open = -1
		for i := 1; i < len(words) && i <= maxLeadWords; i++ {
			gap := sentence[words[i-1].end:words[i].start]
			// "KISA - when ...", "On-nara: when ...", "and the committee,
			// when ..."
			if strings.Contains(gap, ":") || strings.Contains(gap, " - ") || strings.Contains(gap, " \u2013 ") ||
				strings.Contains(gap, ",") && opensQuestion(words[i].fold) {
				open = i
				break
			}
		}
		if open < 0 || !opensQuestion(words[open].fold) {
			return []string{sentence}, true
		}
	}
	var out []string
	from, opener := 0, open // the first word of the clause being read, and of its question
	cut := func(end, next int, atComma bool) {
		out = append(out, strings.TrimRight(strings.TrimSpace(sentence[words[from].start:words[end].start]), ",;"))
		from, opener = next, next
		listEnd = !atComma
	}
	for i := open + 1; i+3 < len(words); i++ {
		if i-opener < 3 {
			continue
		}
		comma := strings.Contains(sentence[words[i-1].end:words[i].start], ",")
		switch {
		case clauseJoiners[words[i].fold] && isWhWord(words[i+1].fold),
			clauseJoiners[words[i].fold] && comma && isAuxiliary(words[i+1].fold):
			cut(i, i+1, false)
		case commas && comma && isWhWord(words[i].fold) && asksDirectly(words[opener:i]) && !relative(words[i:]):
			cut(i, i, true)
		}
	}
	if len(out) == 0 {
		return []string{sentence}, true
	}
	return append(out, strings.TrimSpace(sentence[words[from].start:])), listEnd
}

// trimFollowOns leaves out the words that open a question following
// another ("and", "so", "then").
func trimFollowOns(ws []word) []word {
	for len(ws) > 0 && followOns[ws[0].fold] {
		ws = ws[1:]
	}
	return ws
}

// relative reports whether words after a comma open a relative clause
// rather than a question: "which" and then a verb ("who operates e-People,
// which began in 2005, and ..."; but "..., which body was founded ...").
func relative(ws []word) bool {
	return len(ws) > 1 && ws[0].fold == "which" && (isAuxiliary(ws[1].fold) || isPredicate(ws[1].fold))
}

// asksDirectly reports whether a clause is a direct question: it opens
// with an auxiliary verb ("did it ..."), with a question word and then one
// ("when was ...", "how many ...", "what's ..."), or with "who" ("who
// wrote ...").
func asksDirectly(ws []word) bool {
	switch {
	case len(ws) < 2:
		return false
	case isAuxiliary(ws[0].fold):
		return true
	case slices.Contains(whWords, ws[0].fold):
		// "who" asks for the subject, so its verb follows it: "who wrote it"
		return isAuxiliary(ws[1].fold) || ws[0].fold == "how" && (ws[1].fold == "many" || ws[1].fold == "much") ||
			ws[0].fold == "who"
	}
	return isWhWord(ws[0].fold) // "whats", "whos"
}

// isAuxiliary reports whether a word (folded) is an auxiliary verb, or one
// with "n't" ("wasnt", "dont", "cant").
func isAuxiliary(fold string) bool {
	return auxiliaries[fold] || auxiliaries[strings.TrimSuffix(fold, "nt")] || fold == "cant" || fold == "wont"
}

// hasTopicWord reports whether a question has a word to search for.
func hasTopicWord(q string) bool { return slices.ContainsFunc(scanWords(q), topicWord) }

// comparisons read a question that compares things: "what is the
// difference between stage 1 and stage 2?", "how is NIA different from
// KISA?", "compare stage 3 with stage 4", "stage 1 vs stage 2". The
// documents seldom compare them in one passage; each side has its own.
var comparisons = []*regexp.Regexp{
	regexp.MustCompile(`(?i)^(?:what(?:'s|’s|s)?\s+(?:is\s+|are\s+|was\s+|were\s+)?)?(?:the\s+)?(?:main\s+|key\s+|biggest\s+|major\s+)?differences?\s+(?:is\s+there\s+)?(?:between|btwn)\s+(.+?)\s+and\s+(.+)$`),
	regexp.MustCompile(`(?i)^how\s+(?:is|are|was|were|does|do|did)\s+(.+?)\s+(?:different|differ)\s+(?:from|to|than)\s+(.+)$`),
	regexp.MustCompile(`(?i)^how\s+(?:does|do|did)\s+(.+?)\s+compare\s+(?:to|with)\s+(.+)$`),
	regexp.MustCompile(`(?i)^compare\s+(.+?)\s+(?:and|with|to|vs\.?|versus)\s+(.+)$`),
	regexp.MustCompile(`(?i)^(.+?)\s+(?:vs\.?|versus)\s+(.+)$`),
}

// trailingComparison is a word after a comparison's last side that is no
// part of it ("stage 1 vs stage 2 difference"), and sideEnd what ends the
// side ("stage 2 versus stage 5 — which was longer?").
var (
	trailingComparison = regexp.MustCompile(`(?i)\s+(?:differences?|differ|comparison|compared)$`)
	sideEnd            = regexp.MustCompile(`\s[—–-]\s|;|,\s*(?:and\s+)?(?:which|what|who|when|where|why|how)\b`)
	versus             = regexp.MustCompile(`(?i)\s+(?:vs\.?|versus)\s+`)
	listAnd            = regexp.MustCompile(`(?i)\s*,\s*(?:and\s+|or\s+)?`)
)

// SplitComparison returns the things a question compares, each to be
// asked on its own ("stage 1", "stage 2"), at most maxQuestionParts, or
// nil. A head the first side has and another lacks is the other's too:
// "the goals of stage 1 and stage 2" compares "the goals of stage 1" and
// "the goals of stage 2".
func SplitComparison(question string) []string {
	q, _ := cleanQuestion(question)
	q = strings.TrimRight(strings.TrimSpace(q), "?!. ")
	for _, re := range comparisons {
		m := re.FindStringSubmatch(q)
		if m == nil {
			continue
		}
		last := m[2]
		if loc := sideEnd.FindStringIndex(last); loc != nil {
			last = last[:loc[0]]
		}
		last = trailingComparison.ReplaceAllString(strings.TrimSpace(last), "")
		// "stage 1, stage 2 and stage 3", "X vs Y vs Z"
		sides := append(listAnd.Split(m[1], -1), versus.Split(last, -1)...)
		if len(sides) > maxQuestionParts {
			return nil
		}
		head := ""
		if i := strings.LastIndex(strings.ToLower(sides[0]), " of "); i > 0 {
			head = sides[0][:i+len(" of ")]
		}
		for i, side := range sides {
			side = strings.Trim(side, " !?.,;:")
			if i > 0 && head != "" && !strings.Contains(strings.ToLower(side), " of ") {
				side = head + side
			}
			if i > 0 && cardinal(strings.ToLower(side)) {
				// "stage 3 and 4": the number is another stage
				if f := strings.Fields(sides[0]); len(f) > 1 && cardinal(strings.ToLower(f[len(f)-1])) {
					side = strings.Join(f[:len(f)-1], " ") + " " + side
				}
			}
			if !hasTopicWord(side) {
				return nil
			}
			sides[i] = side
		}
		return sides
	}
	return nil
}
