package index

import (
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/casebot/casebot/corpus"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/text/width"
)

// plan is a question weighed against the corpus: its concepts, each with the
// other ways the vocabulary says it and how much it says (its idf).
type plan struct {
	reading
	concepts    []concept
	corrections []Correction
	// document is true when the question names a piece of writing as a
	// whole ("what is the article about?", "summarize the reading"), and
	// section when it names a section by its heading ("what does the policy
	// continuity section say?").
	document, section bool
	// ending is true when the question asks where a piece of writing ends
	// ("how does the article end?", "the last paragraph of the report",
	// "what does the essay conclude?"); endings then holds the passages
	// that end the documents it names, and the openings of their last
	// sections, by ID.
	ending  bool
	endings map[string]bool
	// field is the front matter field a question asks for, "author" or
	// "date" ("who wrote the case study?"), of the documents it names, or
	// of any when it names none ("who wrote it?"); fieldLines are those
	// documents' front matter lines of the field, and fieldValues the field's
	// value in each, in the forms a text writes it (lower-cased: "mohammad j
	// sear"; "july 15, 2021", "2021-07-15"), by document path.
	field       string
	fieldLines  []string
	fieldValues map[string][]string
	// bg is the background the question's words are compared with
	// (background.go): the built-in one, or in training one that leaves out
	// the corpus asked and the article asked about.
	bg backgroundView
}

// concept is one thing a question asks about: a word or a phrase, and the
// other ways the vocabulary says it.
type concept struct {
	word string        // as the question wrote it
	alts []alternative // alts[0] is the question's own terms
	// weight is how much the concept says about the topic (its idf).
	weight float64
	known  bool // some alternative occurs in the corpus
	// own is true when the corpus has the concept as the question says it:
	// its own words, a vocabulary equivalent or another form of them, not
	// only a synonym or a spelling correction.
	own    bool
	filler bool // a question word ("tell", "explain") that says nothing
	aside  bool // from a sentence of the message that is not a question, or a way of asking
	// frame is a word that frames the question ("the role of") rather than
	// naming its topic: matched for ranking, not counted in coverage.
	frame bool
	// name is true for a word written with a capital inside the question.
	name bool
	// predicate is true for a verb or adjective ("achieve", "important"),
	// which says how a question asks more than what it asks about.
	predicate bool
	// noun is true when the word follows a determiner or a number ("the
	// stages", "six stages", "6 stages"): the question uses it as a noun.
	noun bool
	// count is true for a number that counts the plural noun after it ("the
	// six stages"); a count frames the question.
	count bool
	// doc is true for a word that names a piece of writing as a whole
	// ("article", "case study", lexicon/document-words.txt). In a question
	// about a document as a whole, one the corpus lacks names the corpus,
	// and is filler.
	doc bool
	// titled is true for a doc word that some document's title or kind
	// has ("article" of a corpus with "kind: article"): it says which.
	titled bool
	// part is true for a word that names a part of a piece of writing
	// ("section", lexicon/section-words.txt).
	part bool
	// whose is true for a word after "whose" (or "who's", its common slip):
	// "whose article is this?" asks for the article's author.
	whose bool
	// source is true for a word cited as where the answer is to come from
	// ("according to the essay", "what does the text say about ...").
	source bool
}

// topic reports whether a concept is part of the question's topic.
func (c concept) topic() bool { return !c.filler && !c.frame }

// Correction is a question word that matched nothing, and the corpus word
// used in its place.
type Correction struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// maxWordNetAlts caps the WordNet alternatives of one concept (only those the
// corpus has are kept).
const maxWordNetAlts = 24

func (st *state) plan(question string) plan {
	if !isASCII(question) {
		question = width.Fold.String(question)
	}
	question, fixes := fixFunctionWords(question, st.knownWord)
	question, glued := splitGlued(question, st.knownOrListed)
	fixes = append(fixes, glued...)
	question, split := splitCompound(question, st.knownOrListed, st.together)
	fixes = append(fixes, split...)
	p := plan{reading: readQuestion(question, st.info.Now), bg: backgroundView{all: builtinBackground()}, corrections: fixes}
	toks := p.tokens
	for i := 0; i < len(toks) && len(p.concepts) < MaxConcepts; {
		if len(p.spans) > 0 && (isYearToken(toks[i].word) || toks[i].year ||
			i+1 < len(toks) && isYearToken(toks[i+1].word) && st.lex.filler[toks[i].term]) {
			i++ // years are matched as spans, not as words, and so is "since" of "since 2018"
			continue
		}
		c, n := st.lex.match(toks[i:])
		if c != nil {
			c.aside = toks[i].aside || toks[i].asking
			before := toks[i].before
			_, number := numberWord(before)
			c.noun = determiners[before] || number || before != "" && isNumberTerm(before)
			c.count = n == 1 && countsNext(toks, i)
			// "who's article is this?": before a noun, "who's" is "whose"
			c.whose = before == "whose" || before == "who's" || before == "whos"
			c.source = toks[i].cited || toks[i+n-1].cites
		}
		i += n
		if c == nil || dupConcept(p.concepts, c) {
			continue
		}
		p.concepts = append(p.concepts, *c)
	}
	for i := range p.concepts {
		c := &p.concepts[i]
		c.doc = st.lex.document[strings.Join(c.alts[0].terms, " ")]
		c.part = len(c.alts[0].terms) == 1 && st.lex.section[c.alts[0].terms[0]]
	}
	st.asksForField(&p)
	// "how does the article end?" asks where it ends, not what it is about
	p.ending = p.field == "" && st.asksForEnding(p)
	p.document = p.field == "" && !p.ending && st.asksAboutDocument(p)
	p.section = !p.document && !p.ending && st.asksAboutSection(p)
	aboutWriting := p.document || p.section || p.ending
	topics := 0
	for i := range p.concepts {
		c := &p.concepts[i]
		single := len(c.alts[0].terms) == 1
		// In a question for a field, the words naming the document say
		// whose, which the field lines already are.
		c.filler = single && st.lex.filler[c.alts[0].terms[0]] || p.field != "" && c.doc
		c.frame = single && (st.lex.frame[c.alts[0].terms[0]] || aboutWriting && st.lex.about[c.alts[0].terms[0]]) ||
			c.count || p.section && c.part || p.ending && (c.part || single && st.lex.ending[c.alts[0].terms[0]])
		if c.topic() {
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
		// A word of the question's context, of a way of asking or of chat
		// ("sorry, can someone tell me ...") gets no WordNet synonyms: they
		// would match passages ("someone": "person") for a word that is not
		// the question's.
		chat := len(c.alts[0].terms) == 1 && st.lex.chat[c.alts[0].terms[0]]
		if !c.filler && !c.aside && !chat && !c.doc {
			st.addInitials(c)
			st.addWordNet(c)
		}
		asksField := p.field != "" && st.addFieldWords(c, p.field)
		st.weigh(c)
		if asksField {
			// "who is the writer of the article?": the corpus has the field
			// the word asks for, in its front matter, whatever its own words
			c.own, c.known = true, true
		}
		if c.doc && !c.known && (aboutWriting || c.source) {
			// "what is the paper about?", "what does the essay say about
			// stage 3?" of a corpus that never says "paper" or "essay": the
			// word names the corpus, not a topic it lacks.
			c.filler = true
		}
		c.titled = c.doc && st.inTitles(c.alts)
		if c.aside || !c.own && chat {
			// "I read it for class. When ...?": context, not the question;
			// "can you help me understand ...": a way of asking;
			// "hi bot", "thx": chat the corpus has no word for.
			c.filler = true
		}
		if !c.own && c.topic() {
			word := c.word
			if head, tail, ok := strings.Cut(word, "-"); ok && utf8.RuneCountInString(head) == 1 {
				word = tail // "e-goverment": the word is the part after the letter
			}
			if fixed, term, ok := st.correct(word, c.alts[0].terms); ok {
				c.alts = append(c.alts, alternative{terms: []string{term}, kind: typoMatch, rule: "spelling"})
				c.known = true
				c.weight = st.idf(st.docFreq(term))
				p.corrections = append(p.corrections, Correction{From: word, To: fixed})
			}
		}
		c.predicate = !c.own && isPredicate(strings.ToLower(c.word))
	}
	if p.ending {
		p.endings = st.endingsOf(p)
	}
	return p
}

// asksForEnding reports whether a question asks where a piece of writing
// ends: it names one ("the article") or a part of one ("the last
// paragraph"), it has a word that asks for an end (lexicon/ending-words.txt:
// "end", "last", "conclude"), and each of its other words is a question
// word, a frame, a word that asks about writing or a word of one
// document's title and kind. "When did stage 2 end?" names no writing;
// "how did the war in the article end?" asks about the war.
func (st *state) asksForEnding(p plan) bool {
	if len(p.spans) > 0 {
		return false
	}
	ending := func(c concept) bool { t := c.alts[0].terms; return len(t) == 1 && st.lex.ending[t[0]] }
	named, rest := st.writingWords(p, func(c concept) bool { return c.part || ending(c) || st.asks(c) })
	part, ends := false, false
	for _, c := range p.concepts {
		if !c.aside && !c.doc {
			part = part || c.part
			ends = ends || !c.part && ending(c)
		}
	}
	return (named || part) && ends && st.someTitleHolds(rest)
}

// endingsOf are the passages that end the documents a question asking
// where one ends names (as documentOpenings finds them): each one's last
// passage (DocInfo.End), and, for a question that names a part of one ("the
// last section"), the opening of the section it ends when that is not the
// document's opening.
func (st *state) endingsOf(p plan) map[string]bool {
	out := map[string]bool{}
	part := slices.ContainsFunc(p.concepts, func(c concept) bool { return c.part })
	for _, d := range st.namedDocs(p) {
		if d.End < 0 {
			continue
		}
		out[corpus.PassageID(d.Path, d.End)] = true
		// the last section's opening, when the question names a part of the
		// document ("the last section") and the passage is under a heading:
		// a document without sections has no last section, only an opening
		if !part {
			continue
		}
		if sp, ok := st.stored(corpus.PassageID(d.Path, d.End)); ok && len(sp.meta.Section) > 0 && sp.meta.Lead >= 0 && sp.meta.Lead != sp.meta.DocLead {
			out[corpus.PassageID(d.Path, sp.meta.Lead)] = true
		}
	}
	return out
}

// asksAboutDocument reports whether a question asks about a piece of
// writing as a whole: it names one ("the article", "the Normans article",
// "the covid note"), and each of its other words is a question word, a
// frame, a word that asks about writing ("summarize", "the main point",
// lexicon/about-words.txt) or a word of one document's title and kind
// ("Normans"; "article" of "kind: article"). "What did the report say
// about the Rhine?" asks about the Rhine.
func (st *state) asksAboutDocument(p plan) bool {
	if len(p.spans) > 0 {
		return false
	}
	named, rest := st.writingWords(p, st.asks)
	return named && st.someTitleHolds(rest)
}

// writingWords reads a question that may name a piece of writing: whether
// a word names one, and the words a title must hold (the naming words some
// title has, and every word that neither names writing nor asks, by asks).
func (st *state) writingWords(p plan, asks func(concept) bool) (named bool, rest []concept) {
	for _, c := range p.concepts {
		switch {
		case c.aside:
		case c.doc:
			named = true
			if st.inTitles(c.alts) {
				rest = append(rest, c)
			}
		case asks(c):
		default:
			rest = append(rest, c)
		}
	}
	return named, rest
}

// someTitleHolds reports whether one document's title and kind hold all
// the concepts (none: any does).
func (st *state) someTitleHolds(concepts []concept) bool {
	if len(concepts) == 0 {
		return true
	}
	docs, err := st.docs()
	if err != nil {
		return false
	}
	return slices.ContainsFunc(docs, func(d DocInfo) bool {
		title := st.titleTerms(d)
		return !slices.ContainsFunc(concepts, func(c concept) bool { return !c.in(title) })
	})
}

// fieldKeys are the front matter keys of the fields a question can ask
// for, as the corpus makes passages of them.
var fieldKeys = map[string][]string{"author": {"author", "authors"}, "date": {"published", "date"}}

// asksForField reports which front matter field of a document a question
// asks for, "author" or "date", and the passages that give it, or "": its
// words ask for the field (lexicon/field-words.txt: "who wrote", "when was
// it published", "the publication date"), and each other word is a question
// word, chat, a word that names a document or a word of one's title and
// kind ("who wrote the Korea case study?"; "what does the author conclude?"
// asks for more). A question that only names a document and asks "when"
// asks for its date ("when is the reading from?"); one that asks "who"
// asks for its subject ("who is the article about?"). A question naming
// no document asks it of any; one whose documents have no line of that
// field asks nothing of the kind.
func (st *state) asksForField(p *plan) {
	if len(p.spans) > 0 {
		return
	}
	named, verb := false, false
	asked := map[string]bool{}
	var rest []concept // the words a title must hold
	for _, c := range p.concepts {
		t := c.alts[0].terms
		fw, isField := fieldWord{}, len(t) == 1
		if isField {
			fw, isField = st.lex.field[t[0]]
		}
		switch {
		case c.aside:
		case isField:
			asked[fw.field] = true
			verb = verb || fw.verb
		case c.doc:
			named = true
			if c.whose {
				asked["author"] = true // "whose article is this?"
			}
			if st.inTitles(c.alts) {
				rest = append(rest, c)
			}
		case c.count || len(t) == 1 && (st.lex.filler[t[0]] || st.lex.chat[t[0]]):
			// question words and chat ask nothing of their own; a frame or
			// a word asking about writing asks for more than the field
			// ("what does the author conclude?"), as any other word does
		default:
			rest = append(rest, c)
		}
	}
	field := ""
	switch {
	case len(asked) == 0 && (!named || p.want != timeAnswer):
		// "who is the article about?" asks for its subject
	case p.want == timeAnswer:
		field = "date"
	case p.want == personAnswer:
		field = "author"
	case len(asked) == 1 && !(verb && p.want == thingAnswer):
		for f := range asked {
			field = f
		}
	}
	if field == "" || field == "date" && !named && !verb {
		return // "what's the date today?", "what year is it?"
	}
	docs, err := st.docsByBoost()
	if err != nil {
		return
	}
	for _, d := range docs {
		title := st.titleTerms(d)
		if slices.ContainsFunc(rest, func(c concept) bool { return !c.in(title) }) {
			continue
		}
		ids := st.frontLines(d, fieldKeys[field])
		if len(ids) == 0 {
			continue
		}
		if p.fieldValues == nil {
			p.fieldValues = map[string][]string{}
		}
		p.field = field
		p.fieldLines = append(p.fieldLines, ids...)
		p.fieldValues[d.Path] = fieldValues(d, field)
		if len(p.fieldValues) == documentCandidates {
			break
		}
	}
}

// addFieldWords gives a word that asks for the field a question asks for
// the field's other words, as everyday synonyms: "what year is the reading
// from?" finds "Published on July 15, 2021". It reports whether the word
// asks for the field.
func (st *state) addFieldWords(c *concept, field string) bool {
	t := c.alts[0].terms
	if len(t) != 1 || st.lex.field[t[0]].field != field {
		return false
	}
	for _, term := range st.lex.fieldTerms[field] {
		if !slices.ContainsFunc(c.alts, func(a alternative) bool { return len(a.terms) == 1 && a.terms[0] == term }) {
			c.alts = append(c.alts, alternative{terms: []string{term}, kind: everydayMatch, rule: "field-words"})
		}
	}
	return true
}

// fieldValues are a document's author, or its date, in the forms a text
// writes them, lower-cased: "mohammad j sear"; "2021-07-15", "july 15,
// 2021", "15 july 2021". A date of a year alone has no other form, as a
// year says too little by itself.
func fieldValues(d DocInfo, field string) []string {
	if field == "author" {
		var out []string
		for _, name := range strings.FieldsFunc(d.Author, func(r rune) bool { return r == ',' || r == ';' }) {
			if name = strings.TrimSpace(strings.ToLower(name)); name != "" {
				out = append(out, name)
			}
		}
		return out
	}
	value := strings.ToLower(strings.TrimSpace(d.Published))
	if value == "" {
		return nil
	}
	out := []string{value}
	if t, err := time.Parse("2006-01-02", d.Published); err == nil {
		for _, layout := range []string{"January 2, 2006", "January 2 2006", "2 January 2006", "Jan 2, 2006", "2 Jan 2006"} {
			out = append(out, strings.ToLower(t.Format(layout)))
		}
	} else if t, err := time.Parse("2006-01", d.Published); err == nil {
		out = append(out, strings.ToLower(t.Format("January 2006")))
	}
	return out
}

// holdsField reports whether a passage holds the value of the field the
// question asks for, of its own document.
func (p plan) holdsField(source, text string) bool {
	values := p.fieldValues[source]
	if len(values) == 0 {
		return false
	}
	text = strings.ToLower(text)
	return slices.ContainsFunc(values, func(v string) bool { return containsWords(text, v) })
}

// containsWords reports whether text holds s as whole words: "lee" is in
// "Kim and Lee wrote", not in "the fleet".
func containsWords(text, s string) bool {
	if s == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(text[i:], s)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(s)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = start + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// frontLines are the ids of a document's front matter lines with one of
// the keys ("author: Mohammad J Sear").
func (st *state) frontLines(d DocInfo, keys []string) []string {
	var ids []string
	for seq := 0; seq < d.Passages; seq++ { // the front matter lines come first
		id := corpus.PassageID(d.Path, seq)
		sp, ok := st.stored(id)
		if !ok || sp.meta.Kind != string(corpus.Meta) && sp.meta.Kind != string(corpus.TitleLine) {
			break
		}
		key, _, _ := strings.Cut(sp.text, ":")
		if slices.Contains(keys, strings.ToLower(strings.TrimSpace(key))) {
			ids = append(ids, id)
		}
	}
	return ids
}

// asksAboutSection reports whether a question asks about a section of a
// document by its heading: it names a part of a piece of writing
// ("section"), and each of its other words is a question word, a frame, a
// word that asks about writing, a word naming a document, or a word of the
// corpus's section headings ("what does the policy continuity section
// say?", "summarize the key success factors section").
func (st *state) asksAboutSection(p plan) bool {
	if len(p.spans) > 0 {
		return false
	}
	named := false
	var rest []concept // the words a heading must hold
	for _, c := range p.concepts {
		switch {
		case c.aside || c.doc:
		case c.part:
			named = true
		case st.asks(c):
		default:
			rest = append(rest, c)
		}
	}
	return named && len(rest) > 0 && !slices.ContainsFunc(rest, func(c concept) bool {
		return !slices.ContainsFunc(c.alts, func(a alternative) bool { return st.inFieldAll(fieldSection, a.terms) })
	})
}

// asks reports whether a concept asks rather than names what is asked
// about: a question word, a frame, a word that asks about writing
// ("summarize"), chat, or a count.
func (st *state) asks(c concept) bool {
	t := c.alts[0].terms
	return c.count || len(t) == 1 && (st.lex.filler[t[0]] || st.lex.frame[t[0]] || st.lex.about[t[0]] || st.lex.chat[t[0]])
}

// in reports whether one of a concept's alternatives has all its terms in a
// set of terms (a title's).
func (c concept) in(set map[string]bool) bool {
	return slices.ContainsFunc(c.alts, func(a alternative) bool { return allIn(set, a.terms) })
}

// titleTerms are the terms of a document's title and kind, as
// candidates' headings (storedPassage.headings) hold them.
func (st *state) titleTerms(d DocInfo) map[string]bool {
	return st.heading(d.Title + "\n" + d.Kind).terms
}

// inTitles reports whether some document's title or kind holds one of
// the alternatives.
func (st *state) inTitles(alts []alternative) bool {
	for _, a := range alts {
		if st.inFieldAll(fieldTitle, a.terms) || st.inFieldAll(fieldKind, a.terms) {
			return true
		}
	}
	return false
}

// knownWord reports whether the corpus has a word (analyzed as one term),
// or whether it is no word to look up (a stop word).
func (st *state) knownWord(w string) bool {
	ts := analyzeTerms(sharedAnalyzer(), w)
	return len(ts) != 1 || st.known(ts[0])
}

// together reports whether some passage has two words of content in a row
// ("super bowl").
func (st *state) together(a, b string) bool {
	an := sharedAnalyzer()
	ta, tb := analyzeTerms(an, a), analyzeTerms(an, b)
	if len(ta) != 1 || len(tb) != 1 || !st.known(ta[0]) || !st.known(tb[0]) {
		return false
	}
	req := bleve.NewSearchRequestOptions(bleve.NewPhraseQuery([]string{ta[0], tb[0]}, fieldText), 1, 0, false)
	res, err := st.bi.Search(req)
	return err == nil && res.Total > 0
}

// knownOrListed reports whether the corpus has a word or its vocabulary
// lists it ("gov24 => Government24").
func (st *state) knownOrListed(w string) bool {
	if st.knownWord(w) {
		return true
	}
	ts := analyzeTerms(sharedAnalyzer(), w)
	return len(st.lex.alts[strings.Join(ts, " ")]) > 0
}

// addWordNet adds a one-word concept's derived forms and synonyms from
// WordNet, those the corpus has.
func (st *state) addWordNet(c *concept) {
	if len(c.alts[0].terms) != 1 || strings.ContainsAny(c.word, " -") {
		return
	}
	added := 0
	for _, a := range wordNetAlternatives(strings.ToLower(c.word), c.noun) {
		if added == maxWordNetAlts {
			return
		}
		if !st.known(a.terms[0]) || hasAlt(c.alts, a.terms) {
			continue
		}
		c.alts = append(c.alts, a)
		added++
	}
}

// countsNext reports whether toks[i] is a number that counts the plural
// noun after it ("the six stages", "two responses"): the size of what is
// asked for, which frames the question, not a label of its topic ("Stage
// 6"). An ordinal ("the sixth stage") ranks, and does not count; nor does
// one, which counts no plural ("stage 1 years" asks for the years of Stage 1).
func countsNext(toks []qtoken, i int) bool {
	t := toks[i]
	if !isNumberTerm(t.term) || t.term == "1" || isOrdinal(strings.ToLower(t.word)) || i+1 == len(toks) {
		return false
	}
	next := toks[i+1]
	w := strings.ToLower(next.word)
	return next.before == strings.ToLower(t.word) && len(w) > 3 && strings.HasSuffix(w, "s") &&
		!strings.HasSuffix(w, "ss") && next.term != w && !isNumberTerm(next.term)
}

// determiners are the words before a word that make it a noun ("the
// stages"); "what" and "that" are left out, as verbs follow them too ("what
// happened").
var determiners = map[string]bool{
	"the": true, "a": true, "an": true, "this": true, "these": true, "those": true,
	"its": true, "their": true, "his": true, "her": true, "our": true, "my": true, "your": true,
	"each": true, "every": true, "which": true, "whose": true, "many": true, "several": true,
	"some": true, "any": true, "both": true, "all": true,
}

// wordNetAlternatives are a word's WordNet relations as alternatives of one
// analysed term each, derived forms first, remembered for the most recent
// words asked about; for a word used as a noun, the synonyms of its noun
// senses.
func wordNetAlternatives(w string, noun bool) []alternative {
	key := w
	if noun {
		key += "\x00n"
	}
	if v, ok := wordNetCache().Get(key); ok {
		return v
	}
	rel := wordNetRelated(w)
	synonyms := rel.synonyms
	if noun {
		synonyms = rel.asNoun()
	}
	var out []alternative
	for _, list := range []struct {
		words []string
		kind  matchKind
	}{{rel.derived, formMatch}, {synonyms, synonymMatch}, {rel.antonyms, antonymMatch}} {
		for _, x := range list.words {
			ts := analyzeTerms(sharedAnalyzer(), x)
			if list.kind == antonymMatch && len(ts) == 1 && isNumberTerm(ts[0]) {
				continue // "first", the opposite of "last", is the rank 1: no match of "the last stage"
			}
			if len(ts) == 1 && !hasAlt(out, ts) {
				out = append(out, alternative{terms: ts, kind: list.kind, rule: "WordNet"})
			}
		}
	}
	wordNetCache().Add(key, out)
	return out
}

// wordNetCache holds wordNetAlternatives' results: they depend on the word
// alone, so one cache serves every index.
var wordNetCache = sync.OnceValue(func() *lru.Cache[string, []alternative] {
	c, _ := lru.New[string, []alternative](maxWordNetCache)
	return c
})

// maxWordNetCache bounds wordNetCache, in words.
const maxWordNetCache = 20000

func hasAlt(alts []alternative, terms []string) bool {
	key := strings.Join(terms, " ")
	for _, a := range alts {
		if strings.Join(a.terms, " ") == key {
			return true
		}
	}
	return false
}

func dupConcept(cs []concept, c *concept) bool {
	for _, have := range cs {
		if hasAlt(have.alts[:1], c.alts[0].terms) {
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
			if df := st.docFreq(t); m < 0 || df < m {
				m = df
			}
		}
		return max(m, 0)
	}
	df := rarest(c.alts[0].terms)
	own := st.inFieldAll(fieldText, c.alts[0].terms)
	for _, a := range c.alts {
		all := true
		for _, t := range a.terms {
			all = all && st.known(t)
		}
		if !all {
			continue
		}
		c.known = true
		if a.kind <= formMatch {
			c.own = true
		}
		// An equivalent the corpus treats as the same word ("Korean" for
		// "Korea") makes the concept as common as that form.
		if !own && a.kind <= synonymMatch || a.rule != "WordNet" && (a.kind == vocabMatch || a.kind == formMatch) {
			df = max(df, rarest(a.terms))
		}
	}
	c.weight = st.idf(df)
}

// match takes the longest vocabulary phrase at the start of toks, or else
// the first word, and returns it as a concept with the number of words used.
// A lone small letter is not a concept ("e" of "e-mail"); a capital one is a
// name ("P" and "NP", "the class L").
func (lx *lexicon) match(toks []qtoken) (*concept, int) {
	for n := min(lx.maxLen, len(toks)); n >= 1; n-- {
		terms := make([]string, n)
		words := make([]string, n)
		name := false
		for i := 0; i < n; i++ {
			terms[i], words[i] = toks[i].term, toks[i].word
			name = name || toks[i].name
		}
		alts, ok := lx.alts[strings.Join(terms, " ")]
		if !ok {
			continue
		}
		c := &concept{word: strings.Join(words, " "), name: name, alts: []alternative{{terms: terms}}}
		c.alts = append(c.alts, alts...)
		return c, n
	}
	t := toks[0]
	if r, n := utf8.DecodeRuneInString(t.term); n == len(t.term) && unicode.IsLower(r) && !capitalLetter(t) {
		if t.joined == "" || len(toks) < 2 {
			return nil, 1
		}
		// "e-government": the concept is "government", or "egovernment".
		next := toks[1]
		c := &concept{word: t.word + "-" + next.word, alts: []alternative{{terms: []string{next.term}}, {terms: []string{t.joined}}}}
		if alts, ok := lx.alts[next.term]; ok {
			c.alts = append(c.alts, alts...)
		}
		return c, 2
	}
	c := &concept{word: t.word, name: t.name, alts: []alternative{{terms: []string{t.term}}}}
	if t.joined != "" {
		c.alts = append(c.alts, alternative{terms: []string{t.joined}})
	}
	if key, ok := lx.solid[t.term]; ok {
		// "egov": the vocabulary's "e-gov" written as one word.
		c.alts = append(c.alts, alternative{terms: strings.Fields(key)})
		for _, a := range lx.alts[key] {
			if !hasAlt(c.alts, a.terms) {
				c.alts = append(c.alts, a)
			}
		}
	}
	return c, 1
}

// hasContent reports whether a plan has something to look for: years, a
// document's author or date, a document as a whole, or a word that is not a
// question word or a bare number ("what is 2 + 2?").
func (p plan) hasContent() bool {
	// "who is the article by?"; "what is the reading about?" of a corpus
	// that never says "reading"
	if len(p.spans) > 0 || p.field != "" || p.document {
		return true
	}
	for _, c := range p.concepts {
		if !c.filler && strings.Trim(strings.Join(c.alts[0].terms, ""), "0123456789") != "" {
			return true
		}
	}
	return false
}

// termKinds lists every term of a plan, for highlighting, with the best kind
// of match it is.
func (p plan) termKinds() map[string]matchKind {
	out := map[string]matchKind{}
	for _, c := range p.concepts {
		if c.filler {
			continue
		}
		for _, a := range c.alts {
			for _, t := range a.terms {
				if k, ok := out[t]; !ok || a.kind < k {
					out[t] = a.kind
				}
			}
		}
	}
	return out
}

// capitalLetter reports whether a question word is one capital letter that
// names something ("is P equal to NP?"): not the first word, and not joined
// to the next by a hyphen ("X-ray" is read as one word).
func capitalLetter(t qtoken) bool {
	r, _ := utf8.DecodeRuneInString(t.word)
	return t.name && t.joined == "" && utf8.RuneCountInString(t.word) == 1 && unicode.IsUpper(r)
}
