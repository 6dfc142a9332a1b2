package index

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
	"golang.org/x/text/width"
)

// Limits on what a question may cost.
const (
	// MaxQuestionRunes is the longest question read; the rest is ignored.
	MaxQuestionRunes = 500
	// MaxConcepts caps the distinct words and phrases a question is matched by.
	MaxConcepts = 32
)

// reading is what a question says before any corpus is consulted: its words,
// the years it names, the kind of answer its form asks for and whether it
// asks for several things. Reading a question needs no index.
type reading struct {
	// text is the question as read (cleaned, decades written out).
	text   string
	tokens []qtoken
	// spans are the years, decades and spans of years the question names.
	spans []corpus.Span
	// want is the kind of answer the question's form asks for.
	want answerType
	// counted is the analyzed term a "how many" question counts ("stage" in
	// "how many stages"), or "".
	counted string
	// list is true when the question asks for several things ("what are the
	// factors", "list the agencies").
	list bool
	// remark is true for a message that is no question, only a remark
	// ("thanks, that was helpful"; isRemark).
	remark bool
	// truncated is true when the question was cut to MaxQuestionRunes.
	truncated bool
}

// qtoken is one analyzed question word.
type qtoken struct {
	term   string
	word   string // the original text
	joined string // for a hyphenated word's first part: the joined term
	// name is true for a word written with a capital letter that does not
	// start the question ("Emma" in "Who did Emma marry?"): most often a name.
	name bool
	pos  int // word position in the question (stop words count)
	// before is the word just before it in the question, stop words
	// included, lower-cased ("the" of "the stages"), or "" for the first.
	before string
	// aside is true for a word of a sentence that is not a question, in a
	// message that has one ("I read the case study. When did stage 2
	// end?"): context, not the question.
	aside bool
	// asking is true for a word of a way of asking ("can you help me
	// understand", lexicon/request-frames.txt): not the question either.
	asking bool
	// cited is true for a word the words before it cite as where the answer
	// is to come from ("according to the essay", "in the reading"), and
	// cites for one a word after it says is saying it ("what does the essay
	// say about ...", "does the text mention ..."; lexicon/source-words.txt).
	cited, cites bool
	// year is true for two digits that end a span of years ("95" of "the
	// 80s to 95"): a year, matched as the span is.
	year bool
}

func readQuestion(question string, now int) reading {
	q, truncated := cleanQuestion(question)
	q = fullDecades(q, now)
	spans, shortYears := corpus.ReadYears(q, now)
	r := reading{text: q, truncated: truncated, spans: spans, list: asksForList(q), tokens: questionTokens(q, shortYears), remark: isRemark(q)}
	var counted string
	r.want, counted = answerTypeOf(questionWords(q))
	if ts := analyzeTerms(sharedAnalyzer(), counted); len(ts) > 0 {
		r.counted = ts[0]
	}
	return r
}

// handleRe finds a handle a message is addressed to ("@casebot", "@everyone"),
// at the start of a word ("a@b.org" is an address, not a handle).
var handleRe = regexp.MustCompile(`(?:^|\s)@[\p{L}\p{N}_.\-]+`)

// urlRe finds a web address with its scheme ("https://example.com/a"): a
// link pasted with a question is no part of it, and its words are no
// words the documents use.
var urlRe = regexp.MustCompile(`(?i)\b(?:https?|ftp)://\S+`)

// tldrRe finds "tl;dr" ("too long; didn't read", a request for a summary)
// however it is typed.
var tldrRe = regexp.MustCompile(`(?i)\btl\s*[;:,.]?\s*dr\b`)

// hasTL says whether s holds "tl" in any case, as tldrRe needs.
func hasTL(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i]|0x20 == 't' && s[i+1]|0x20 == 'l' {
			return true
		}
	}
	return false
}

// cleanQuestion makes a question safe to analyze: valid UTF-8, no control
// characters, no handles (handleRe) or links (urlRe), at most
// MaxQuestionRunes, and not all in capitals.
func cleanQuestion(q string) (string, bool) {
	q = strings.ToValidUTF8(q, " ")
	// "ＷＨＡＴ ＩＳ ＧＰＫＩ？", typed with a CJK keyboard, is "WHAT IS GPKI?".
	if !isASCII(q) {
		// A full-width question mark ends a sentence with no space after
		// it ("KONEPS是什么？NIA呢？"): the space is put in.
		q = width.Fold.String(strings.ReplaceAll(q, "？", "？ "))
	}
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, q)
	// "@casebot who wrote it?": a name the message is addressed to is no
	// part of the question.
	// (Each expression is tried only where the text it needs is there.)
	if strings.Contains(q, "://") {
		q = urlRe.ReplaceAllString(q, " ")
	}
	if strings.Contains(q, "@") {
		q = handleRe.ReplaceAllString(q, " ")
	}
	q = strings.Join(strings.Fields(q), " ")
	if hasTL(q) {
		q = tldrRe.ReplaceAllString(q, "tldr") // "tl;dr": one word, not "tl" and "dr"
	}
	truncated := false
	if r := []rune(q); len(r) > MaxQuestionRunes {
		// Cut at the last space: a word cut in two ("Kor" of "Korea") is not
		// the question's.
		cut := MaxQuestionRunes
		if !unicode.IsSpace(r[cut]) {
			for i := cut - 1; i > 0; i-- {
				if unicode.IsSpace(r[i]) {
					cut = i
					break
				}
			}
		}
		q = strings.TrimSpace(string(r[:cut]))
		truncated = true
	}
	if q == strings.ToUpper(q) {
		q = strings.ToLower(q) // shouting: no word in it is an acronym
	}
	return q, truncated
}

// shortDecadeRe finds a decade written with two digits ("the '90s", "80's",
// "mid-60s"), not inside a longer number ("1990s").
var shortDecadeRe = regexp.MustCompile(`(^|[^\p{L}\p{N}'’])['’]?(\d)0['’]?s\b`)

// decadeWordRe finds a decade written as a word after "the" ("the
// eighties", "the late nineties"); "in her twenties" is an age.
var decadeWordRe = regexp.MustCompile(`(?i)\bthe\s+((?:early|mid|late)(?:\s+|-))?(twen|thir|for|fif|six|seven|eigh|nine)ties\b`)

var decadeTens = map[string]string{"twen": "2", "thir": "3", "for": "4", "fif": "5", "six": "6", "seven": "7", "eigh": "8", "nine": "9"}

// fullDecades writes a question's two-digit decades with four digits, so
// that they are read as spans of years: "the '90s" and "the nineties" are
// the 1990s, "the 20s" the 2020s when now is 2026 (the latest such decade
// that has begun).
func fullDecades(q string, now int) string {
	if strings.Contains(q, "ties") || strings.Contains(q, "TIES") {
		q = decadeWordRe.ReplaceAllStringFunc(q, func(m string) string {
			sub := decadeWordRe.FindStringSubmatch(m)
			return m[:len(m)-len(sub[2])-len("ties")] + decadeTens[strings.ToLower(sub[2])] + "0s"
		})
	}
	if !strings.Contains(q, "0s") && !strings.Contains(q, "0's") && !strings.Contains(q, "0’s") {
		return q
	}
	return shortDecadeRe.ReplaceAllStringFunc(q, func(m string) string {
		sub := shortDecadeRe.FindStringSubmatch(m)
		d := int(sub[2][0]-'0') * 10
		century := now / 100 * 100
		if century+d > now {
			century -= 100
		}
		return sub[1] + strconv.Itoa(century+d) + "s"
	})
}

// isYearToken reports whether a word is a year or a decade ("1169",
// "1980s", "1980's").
func isYearToken(w string) bool {
	return corpus.IsYear(strings.TrimSuffix(strings.TrimSuffix(w, "s"), "'"))
}

// questionTokens analyzes a question into its words in order; shortYears
// are the byte ranges of two-digit years ending spans (corpus.ReadYears).
func questionTokens(q string, shortYears [][2]int) []qtoken {
	a := sharedAnalyzer()
	asides, asking := asideSpans(q), askingSpans(q)
	var out []qtoken
	last := -1
	for _, t := range a.Analyze([]byte(q)) {
		if t.Position == last && len(out) > 0 {
			out[len(out)-1].joined = string(t.Term)
			continue
		}
		last = t.Position
		word := q[t.Start:t.End]
		first, _ := utf8.DecodeRuneInString(word)
		out = append(out, qtoken{term: string(t.Term), word: word, name: t.Start > 0 && unicode.IsUpper(first), pos: t.Position, before: wordBefore(q[:t.Start]),
			aside: inAside(asides, t.Start), asking: inAside(asking, t.Start),
			cited: citedBefore(q[:t.Start]) && !strings.HasPrefix(q[t.End:], "-"), cites: sourceWords()[wordAfter(q[t.End:])],
			year: slices.Contains(shortYears, [2]int{t.Start, t.End})})
	}
	return out
}

// citedBefore reports whether the words before a word cite it as where an
// answer is to come from: "according to the essay", "in the reading", "from
// this text", "per the article".
func citedBefore(text string) bool {
	w, rest := lastWord(text)
	if determiners[w] {
		w, rest = lastWord(rest)
	}
	switch w {
	case "in", "from", "per":
		return true
	case "to":
		w, _ = lastWord(rest)
		return w == "according"
	}
	return false
}

// lastWord is the last word of text, lower-cased, and the text before it;
// "" when text ends with punctuation other than a space or has no word.
func lastWord(text string) (string, string) {
	text = strings.TrimRight(text, " \t")
	i := strings.LastIndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	if i >= 0 {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size - 1
	}
	if i+1 == len(text) {
		return "", ""
	}
	return strings.ToLower(text[i+1:]), text[:i+1]
}

// wordAfter is the first word of text, lower-cased, or "" when text opens
// with punctuation other than a space (a new clause) or has no word.
func wordAfter(text string) string {
	text = strings.TrimLeft(text, " \t")
	end := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	if end < 0 {
		end = len(text)
	}
	return strings.ToLower(text[:end])
}

// sourceWords are the words that, after a word naming a piece of writing,
// say what it says (lexicon/source-words.txt): "what does the essay say".
var sourceWords = sync.OnceValue(func() map[string]bool { return builtinWordSet("source-words.txt") })

// sentenceEndRe ends a sentence: a full stop, question or exclamation mark
// (or several) before a space.
var sentenceEndRe = regexp.MustCompile(`[.!?]+\s+`)

// asideSpans are the byte spans of a message's sentences that are not
// questions, when at least one of its sentences ends with a question mark
// and one does not; else none.
func asideSpans(q string) [][2]int {
	var spans [][2]int
	questions := 0
	for _, s := range sentenceSpans(q) {
		if endsWithQuestionMark(strings.TrimSpace(q[s[0]:s[1]])) {
			questions++
		} else {
			spans = append(spans, s)
		}
	}
	if questions == 0 {
		return nil
	}
	return spans
}

// endsWithQuestionMark reports whether a sentence ends with a question
// mark, alone or among other marks ("?", "??", "?!", "!?").
func endsWithQuestionMark(sentence string) bool {
	return strings.Contains(sentence[len(strings.TrimRight(sentence, "?!.")):], "?")
}

// sentenceSpans are the byte spans of a message's sentences, each with the
// spaces after it; blank ones are left out. A question mark always ends a
// sentence; a full stop or an exclamation mark only after a word of three
// letters or more in small letters: "U.S.", "St." and "Jimmy Kimmel
// Live!" end none.
func sentenceSpans(q string) [][2]int {
	var spans [][2]int
	start := 0
	ends := sentenceEndRe.FindAllStringIndex(q, -1)
	ends = append(ends, []int{len(q), len(q)})
	for _, e := range ends {
		if e[0] < len(q) && q[e[0]] != '?' && !endsSentence(q[start:e[0]]) {
			continue
		}
		if strings.TrimSpace(q[start:e[1]]) != "" {
			spans = append(spans, [2]int{start, e[1]})
		}
		start = e[1]
	}
	return spans
}

// endsSentence reports whether text ends with a word of three letters or
// more that starts with a small letter.
func endsSentence(text string) bool {
	i := strings.LastIndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	last := text[i+1:]
	first, _ := utf8.DecodeRuneInString(last)
	return utf8.RuneCountInString(last) >= 3 && unicode.IsLower(first)
}

func inAside(spans [][2]int, at int) bool {
	for _, s := range spans {
		if at >= s[0] && at < s[1] {
			return true
		}
	}
	return false
}

// wordBefore is the last word of text, lower-cased, or "" when text ends
// with punctuation other than a space (a new clause) or has no word.
func wordBefore(text string) string {
	w, _ := lastWord(text)
	return w
}

// answerType is what kind of answer a question's form asks for.
type answerType int

const (
	anyAnswer      answerType = iota
	timeAnswer                // "when", "what year", "since when"
	numberAnswer              // "how many", "how much", "how old"
	durationAnswer            // "how long", "for how many years"
	personAnswer              // "who", "whom", "whose"
	placeAnswer               // "where"
	thingAnswer               // "what", "which" (often a name: "which company")
)

func (t answerType) String() string {
	return [...]string{"any", "time", "number", "duration", "person", "place", "thing"}[t]
}

// questionWords splits a question into lower-case words without the
// punctuation around them, for reading its form.
func questionWords(q string) []string {
	fs := strings.Fields(strings.ToLower(q))
	out := fs[:0]
	for _, f := range fs {
		if f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); f != "" {
			out = append(out, uncontracted(f))
		}
	}
	return out
}

// uncontracted is a question word without the "'s" of "is" or "has" it was
// written with ("what's", "when's", "whats"); any other word as it is.
func uncontracted(w string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "\u2019s"), "s")
	if base != w && slices.Contains(whWords, base) {
		return base
	}
	return w
}

var (
	timeUnits = map[string]bool{"years": true, "months": true, "weeks": true, "days": true, "hours": true, "minutes": true}
	timeNouns = map[string]bool{"year": true, "years": true, "date": true, "month": true, "decade": true, "time": true, "century": true}
	amounts   = map[string]bool{"number": true, "percentage": true, "share": true, "amount": true}
	// measures after "how" ask for a quantity: "how old", "how far", "how large"
	measures = map[string]bool{"old": true, "far": true, "large": true, "big": true, "high": true, "tall": true,
		"deep": true, "wide": true, "heavy": true, "fast": true}
)

// answerTypeOf reads the kind of answer a question's form asks for, and for
// "how many X" the X counted.
func answerTypeOf(words []string) (answerType, string) {
	at := func(i int) string {
		if i >= 0 && i < len(words) {
			return words[i]
		}
		return ""
	}
	first := 0
	for first < len(words) && (words[first] == "and" || words[first] == "so" || words[first] == "but") {
		first++
	}
	want, counted := anyAnswer, ""
	for i, w := range words {
		next := at(i + 1)
		switch {
		case w == "how" && next == "long" && at(i+2) == "ago":
			return timeAnswer, ""
		case w == "how" && next == "long", w == "how" && next == "many" && timeUnits[at(i+2)]:
			return durationAnswer, ""
		case (w == "when" && (i == first || at(i-1) == "since" && i-1 == first || at(i-1) == "until" && i-1 == first)) ||
			(w == "what" || w == "which") && timeNouns[next] || w == "in" && next == "what" && timeNouns[at(i+2)]:
			want = timeAnswer
		case want == anyAnswer && w == "how" && (next == "many" || next == "much"):
			want, counted = numberAnswer, at(i+2)
		case want == anyAnswer && w == "how" && measures[next]:
			want = numberAnswer
		case want == anyAnswer && (w == "what" || w == "which") && amounts[next]:
			want = numberAnswer
		case want == anyAnswer && (w == "who" || w == "whom" || w == "whose"):
			want = personAnswer
		case want == anyAnswer && w == "where":
			want = placeAnswer
		case want == anyAnswer && (w == "what" || w == "which") && i == first:
			want = thingAnswer
		case w == "number" && next == "of" && counted == "":
			counted = at(i + 2)
		}
	}
	return want, counted
}

// listStarts start questions that ask for several things.
var listStarts = []string{
	"what are", "what were", "which are", "which were", "who are", "who were",
	"list", "name the", "name all", "enumerate", "give me the", "give the",
	"what kinds of", "what types of", "what sorts of",
}

func asksForList(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	for _, s := range listStarts {
		if strings.HasPrefix(q, s+" ") {
			return true
		}
	}
	return false
}
