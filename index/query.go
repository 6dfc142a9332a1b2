package index

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
)

// Limits on what a question may cost.
const (
	// MaxQuestionRunes is the longest question read; the rest is ignored.
	MaxQuestionRunes = 500
	// MaxConcepts caps the distinct words and phrases a question is matched by.
	MaxConcepts = 32
)

// plan is a question turned into what to look for.
type plan struct {
	concepts []concept
	// spans are the years, decades and spans of years the question names,
	// and spanWeights how much each says (the idf of its first year).
	spans       []corpus.Span
	spanWeights []float64
	corrections []Correction
	// list is true when the question asks for several things ("what are the
	// factors", "list the agencies").
	list bool
	// want is the kind of answer the question's form asks for.
	want answerType
	// counted is the term a "how many" question counts ("stage" in "how
	// many stages"), or "".
	counted string
	// truncated is true when the question was cut to MaxQuestionRunes.
	truncated bool
}

// concept is one thing a question asks about: a word or a phrase, and the
// other ways the vocabulary says it.
type concept struct {
	word string        // as the question wrote it
	alts []alternative // alts[0] is the question's own terms
	// weight is how much the concept says about the topic (its idf).
	weight float64
	known  bool // some alternative occurs in the corpus
	filler bool // a question word ("tell", "explain") that says nothing
	// frame is a word that frames the question ("the role of") rather than
	// naming its topic: matched for ranking, not counted in coverage.
	frame bool
}

// Correction is a question word that matched nothing, and the corpus word
// used in its place.
type Correction struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// qtoken is one analyzed question word.
type qtoken struct {
	term   string
	word   string // the original text
	joined string // for a hyphenated word's first part: the joined term
}

// cleanQuestion makes a question safe to analyze: valid UTF-8, no control
// characters, at most MaxQuestionRunes, and not all in capitals.
func cleanQuestion(q string) (string, bool) {
	q = strings.ToValidUTF8(q, " ")
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, q)
	q = strings.Join(strings.Fields(q), " ")
	truncated := false
	if utf8.RuneCountInString(q) > MaxQuestionRunes {
		q = string([]rune(q)[:MaxQuestionRunes])
		truncated = true
	}
	if q == strings.ToUpper(q) {
		q = strings.ToLower(q) // shouting: no word in it is an acronym
	}
	return q, truncated
}

func (st *state) plan(question string) plan {
	q, truncated := cleanQuestion(question)
	p := plan{truncated: truncated, spans: corpus.Years(q, st.info.Now), list: asksForList(q)}
	var counted string
	p.want, counted = answerTypeOf(questionWords(q))
	for _, s := range p.spans {
		w := st.idf(st.df[strconv.Itoa(s.From)])
		p.spanWeights = append(p.spanWeights, math.Min(maxYearWeight, math.Max(minYearWeight, w)))
	}
	toks := questionTokens(q)
	if ts := analyzeTerms(sharedAnalyzer(), counted); len(ts) > 0 {
		p.counted = ts[0]
	}
	for i := 0; i < len(toks) && len(p.concepts) < MaxConcepts; {
		if isYearToken(toks[i].word) && len(p.spans) > 0 {
			i++ // years are matched as spans, not as words
			continue
		}
		c, n := st.lex.match(toks[i:])
		i += n
		if c == nil {
			continue
		}
		if dupConcept(p.concepts, c) {
			continue
		}
		p.concepts = append(p.concepts, *c)
	}
	topics := 0
	for i := range p.concepts {
		c := &p.concepts[i]
		single := len(c.alts[0].terms) == 1
		c.filler = single && st.lex.filler[c.alts[0].terms[0]]
		c.frame = single && st.lex.frame[c.alts[0].terms[0]]
		if !c.filler && !c.frame {
			topics++
		}
	}
	if topics == 0 {
		// "What is the background?": the frame word is all the topic there is.
		for i := range p.concepts {
			p.concepts[i].frame = false
		}
	}
	for i := range p.concepts {
		c := &p.concepts[i]
		st.weigh(c)
		if !c.known && !c.filler && !c.frame {
			if fixed, term, ok := st.correct(c.word, c.alts[0].terms); ok {
				c.alts = append(c.alts, alternative{terms: []string{term}, weight: typoWeight, rule: "spelling"})
				c.known = true
				c.weight = st.idf(st.df[term])
				p.corrections = append(p.corrections, Correction{From: c.word, To: fixed})
			}
		}
	}
	return p
}

// coverageWeight is what a concept counts for in a passage's coverage: its
// weight, scaled down when the corpus lacks it.
func (c concept) coverageWeight() float64 {
	if !c.known {
		return c.weight * unknownWeight
	}
	return c.weight
}

// typoWeight scales a match of a spelling correction.
const typoWeight = 0.8

func dupConcept(cs []concept, c *concept) bool {
	key := strings.Join(c.alts[0].terms, " ")
	for _, have := range cs {
		if strings.Join(have.alts[0].terms, " ") == key {
			return true
		}
	}
	return false
}

// weigh sets how much a concept says (the idf of its rarest own term, or of
// a term the corpus lacks) and whether the corpus has it at all.
//
// A concept is as informative as the commonest way the corpus says it: its
// own words, or an equivalent from the vocabulary ("Korean" and "Korea"), or,
// when the corpus lacks its own words, any other way ("e-gov" for
// "e-government").
func (st *state) weigh(c *concept) {
	rarest := func(terms []string) int {
		m := -1
		for _, t := range terms {
			if df := st.df[t]; m < 0 || df < m {
				m = df
			}
		}
		return max(m, 0)
	}
	df := rarest(c.alts[0].terms)
	own := st.anyDF(c.alts[0].terms)
	for _, a := range c.alts {
		all := true
		for _, t := range a.terms {
			all = all && st.known(t)
		}
		if !all {
			continue
		}
		c.known = true
		// An equivalent the corpus treats as the same word ("Korean" for
		// "Korea") makes the concept as common as that form.
		if !own || a.weight >= corpusRuleWeight {
			df = max(df, rarest(a.terms))
		}
	}
	c.weight = st.idf(df)
	if !c.known && isPredicate(strings.ToLower(c.word)) {
		c.weight *= predicateWeight
	}
}

// predicateWeight scales the weight of a question word the corpus lacks when
// it is a verb or adjective rather than a noun ("what did the promotion stage
// achieve?"): such words say how the question asks, while a missing noun
// ("the capital of France") says the topic is not in the documents.
const predicateWeight = 0.5

// anyDF reports whether all terms occur in passage text.
func (st *state) anyDF(terms []string) bool {
	for _, t := range terms {
		if st.df[t] == 0 {
			return false
		}
	}
	return true
}

func isYearToken(w string) bool {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "s"), "'")
	if len(w) != 4 {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w >= "1800" && w <= "2099"
}

// questionTokens analyzes a question into its words in order.
func questionTokens(q string) []qtoken {
	a := sharedAnalyzer()
	var out []qtoken
	last := -1
	for _, t := range a.Analyze([]byte(q)) {
		if t.Position == last && len(out) > 0 {
			out[len(out)-1].joined = string(t.Term)
			continue
		}
		last = t.Position
		out = append(out, qtoken{term: string(t.Term), word: q[t.Start:t.End]})
	}
	return out
}

// match takes the longest vocabulary phrase at the start of toks, or else
// the first word, and returns it as a concept with the number of words used.
// A lone letter is not a concept ("e" of "e-mail").
func (lx *lexicon) match(toks []qtoken) (*concept, int) {
	for n := min(lx.maxLen, len(toks)); n >= 1; n-- {
		terms := make([]string, n)
		words := make([]string, n)
		for i := 0; i < n; i++ {
			terms[i], words[i] = toks[i].term, toks[i].word
		}
		alts, ok := lx.alts[strings.Join(terms, " ")]
		if !ok {
			continue
		}
		c := &concept{word: strings.Join(words, " "), alts: []alternative{{terms: terms, weight: 1}}}
		c.alts = append(c.alts, alts...)
		return c, n
	}
	t := toks[0]
	if utf8.RuneCountInString(t.term) == 1 && !unicode.IsDigit(rune(t.term[0])) {
		if t.joined == "" || len(toks) < 2 {
			return nil, 1
		}
		// "e-government": the concept is "government", or "egovernment".
		next := toks[1]
		c := &concept{word: t.word + "-" + next.word, alts: []alternative{{terms: []string{next.term}, weight: 1}, {terms: []string{t.joined}, weight: 1}}}
		if alts, ok := lx.alts[next.term]; ok {
			c.alts = append(c.alts, alts...)
		}
		return c, 2
	}
	c := &concept{word: t.word, alts: []alternative{{terms: []string{t.term}, weight: 1}}}
	if t.joined != "" {
		c.alts = append(c.alts, alternative{terms: []string{t.joined}, weight: 1})
	}
	return c, 1
}

// answerType is what kind of answer a question's form asks for.
type answerType int

const (
	anyAnswer      answerType = iota
	timeAnswer                // "when", "what year", "since when"
	numberAnswer              // "how many", "how much"
	durationAnswer            // "how long", "for how many years"
)

// questionWords splits a question into lower-case words without the
// punctuation around them, for reading its form.
func questionWords(q string) []string {
	fs := strings.Fields(strings.ToLower(q))
	out := fs[:0]
	for _, f := range fs {
		if f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); f != "" {
			out = append(out, f)
		}
	}
	return out
}

var (
	timeUnits = map[string]bool{"years": true, "months": true, "weeks": true, "days": true, "hours": true, "minutes": true}
	timeNouns = map[string]bool{"year": true, "years": true, "date": true, "month": true, "decade": true, "time": true}
	amounts   = map[string]bool{"number": true, "percentage": true, "share": true, "amount": true}
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
			(w == "what" || w == "which") && timeNouns[next]:
			want = timeAnswer
		case want == anyAnswer && w == "how" && (next == "many" || next == "much"):
			want, counted = numberAnswer, at(i+2)
		case want == anyAnswer && (w == "what" || w == "which") && amounts[next]:
			want = numberAnswer
		case w == "number" && next == "of" && counted == "":
			counted = at(i + 2)
		}
	}
	return want, counted
}

// listWords start questions that ask for several things.
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

// termWeights lists every term of a plan, for highlighting, with the best
// weight it is matched with.
func (p plan) termWeights() map[string]float64 {
	out := map[string]float64{}
	for _, c := range p.concepts {
		if c.filler {
			continue
		}
		for _, a := range c.alts {
			for _, t := range a.terms {
				if a.weight > out[t] {
					out[t] = a.weight
				}
			}
		}
	}
	return out
}
