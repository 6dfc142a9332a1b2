package index

import (
	"embed"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
)

// The general English layer of the vocabulary, used with every corpus:
// lexicon/english.vocab holds everyday synonyms and lexicon/irregular.vocab
// irregular word forms (corpus.ParseVocabulary format);
// lexicon/question-words.txt the words people put around a question ("tell
// me", "explain") that say nothing about its topic, and
// lexicon/frame-words.txt words that frame a topic ("the role of");
// lexicon/document-words.txt the words that name a piece of writing as a
// whole ("the article", "this reading"), lexicon/section-words.txt those
// that name a part of one ("section"), and lexicon/about-words.txt those
// that frame a question about one ("summarize", "the main point");
// lexicon/field-words.txt those that ask for its author or date ("who
// wrote", "published"); and
// lexicon/chat-words.txt the words of a chat around a question ("hi",
// "thx", "lol"), left out when the corpus lacks them. Domain
// words belong in a corpus's own *.vocab files, not here.
//
//go:embed lexicon
var lexiconFiles embed.FS

// lexicon is a compiled vocabulary: every phrase, in analyzed form, and the
// phrases a question using it also searches for.
type lexicon struct {
	alts   map[string][]alternative // key: analyzed terms joined by " "
	maxLen int                      // longest key, in terms
	filler map[string]bool          // analyzed question words
	frame  map[string]bool          // analyzed frame words
	// document holds the analyzed words and phrases (terms joined by " ")
	// that name a piece of writing as a whole: "article", "case study";
	// about the words that frame a question about one ("summarize"), and
	// section those that name a part of one ("section", "chapter"), and
	// ending those that ask where one ends ("how does the article end?").
	document, about, section, ending map[string]bool
	chat                             map[string]bool // analyzed chat words, fillers when the corpus lacks them
	// field maps the analyzed words that ask for a front matter field of a
	// piece of writing to the field: "author", "date"; fieldTerms lists
	// each field's words that find the others.
	field      map[string]fieldWord
	fieldTerms map[string][]string
	// solid maps a corpus vocabulary phrase written as one word ("egov" of
	// "e-gov", "bluehouse" of "Blue House") to the phrase's key: people type
	// the phrase solid in a chat.
	solid map[string]string
	// linked holds, while rules are added, the position in alts[key] of
	// each alternative by its terms joined by " ", so that a rule finds its
	// alternatives already there without reading them all: a term that
	// stands in thousands of rules made compiling them quadratic.
	linked map[string]map[string]int
}

// fieldWord is a word that asks for a front matter field ("author"),
// lexicon/field-words.txt. A verb ("wrote", "published") asks for the
// field its question word does, when there is one.
type fieldWord struct {
	field string
	verb  bool
}

// alternative is another way to say a phrase.
type alternative struct {
	terms []string
	// kind is how the alternative relates to the question's words; each kind
	// of match is its own feature of a passage, weighed by the model.
	kind matchKind
	// rule is where the rule was written, for explanations.
	rule string
}

// matchKind is how a passage's words match a question's: the question's own
// words, or another way the vocabulary says them.
type matchKind uint8

const (
	exactMatch    matchKind = iota // the question's own words
	vocabMatch                     // a corpus's vocabulary file, or an acronym its text defines
	formMatch                      // another form of the word: irregular ("won"), derived ("marriage")
	everydayMatch                  // an everyday synonym from lexicon/english.vocab ("establish" for "found")
	synonymMatch                   // a WordNet synonym ("difficult" for "hard")
	typoMatch                      // the corpus word nearest a misspelt one
	antonymMatch                   // the opposite ("easy" for "hard": "is it hard?" of "not an easy task")
	numMatchKinds
)

// strong reports whether a match of this kind says the passage has the
// concept (not only something near it in meaning): it counts for the
// coverage, proximity and sentence features.
func (k matchKind) strong() bool { return k <= typoMatch && k != synonymMatch }

func (k matchKind) String() string {
	return [...]string{"exact", "vocabulary", "form", "everyday", "synonym", "spelling", "antonym"}[k]
}

func compileLexicon(corpusRules []corpus.Rule) *lexicon {
	base := baseLexicon()
	lx := &lexicon{alts: make(map[string][]alternative, len(base.alts)), maxLen: base.maxLen,
		filler: base.filler, frame: base.frame, chat: base.chat, document: base.document, about: base.about, section: base.section,
		ending: base.ending, field: base.field, fieldTerms: base.fieldTerms}
	for k, v := range base.alts {
		lx.alts[k] = append([]alternative(nil), v...)
	}
	lx.add(sharedAnalyzer(), corpusRules, vocabMatch)
	lx.linked = nil
	lx.close()
	lx.solid = solidForms(sharedAnalyzer(), corpusRules)
	return lx
}

// solidForms maps the analyzed one-word form of each phrase of several
// words in rules ("egov" of "e-gov") to the phrase's key ("e gov").
func solidForms(a *analyzer, rules []corpus.Rule) map[string]string {
	out := map[string]string{}
	for _, r := range rules {
		for _, p := range append(append([]string(nil), r.From...), r.To...) {
			terms := analyzeTerms(a, p)
			if len(terms) < 2 {
				continue
			}
			word := strings.Map(func(c rune) rune {
				if unicode.IsLetter(c) || unicode.IsDigit(c) {
					return c
				}
				return -1
			}, p)
			if ts := analyzeTerms(a, word); len(ts) == 1 {
				out[ts[0]] = strings.Join(terms, " ")
			}
		}
	}
	return out
}

// baseLexicon is the general English layer, the same for every corpus,
// compiled once.
var baseLexicon = sync.OnceValue(func() *lexicon {
	a := sharedAnalyzer()
	// terms analyzes words into a set of terms.
	terms := func(words []string) map[string]bool {
		set := map[string]bool{}
		for _, w := range words {
			for _, t := range analyzeTerms(a, w) {
				set[t] = true
			}
		}
		return set
	}
	lx := &lexicon{alts: map[string][]alternative{}, document: map[string]bool{},
		filler: terms(builtinWords("question-words.txt")), frame: terms(builtinWords("frame-words.txt")),
		about: terms(builtinWords("about-words.txt")), section: terms(builtinWords("section-words.txt")),
		ending: terms(builtinWords("ending-words.txt")),
		chat:   terms(builtinWords("chat-words.txt")), field: map[string]fieldWord{},
		fieldTerms: map[string][]string{}}
	for _, l := range fieldWordLines() {
		for i, w := range l.words {
			for _, t := range analyzeTerms(a, w) {
				if _, ok := lx.field[t]; ok { // "authored" stems as "author" does
					continue
				}
				lx.field[t] = fieldWord{field: l.field, verb: l.verb}
				if !l.alone[i] {
					lx.fieldTerms[l.field] = append(lx.fieldTerms[l.field], t)
				}
			}
		}
	}
	lx.add(a, builtinRules("english.vocab"), everydayMatch)
	lx.add(a, builtinRules("irregular.vocab"), formMatch)
	for _, l := range builtinLines("document-words.txt") {
		ts := analyzeTerms(a, l)
		if len(ts) == 0 {
			continue
		}
		key := strings.Join(ts, " ")
		lx.document[key] = true
		if _, ok := lx.alts[key]; !ok && len(ts) > 1 {
			lx.alts[key] = nil // a phrase ("case study") is one concept
			lx.maxLen = max(lx.maxLen, len(ts))
		}
	}
	lx.linked = nil
	return lx
})

func (lx *lexicon) add(a *analyzer, rules []corpus.Rule, kind matchKind) {
	for _, r := range rules {
		from := analyzePhrases(a, r.From)
		to := analyzePhrases(a, r.To)
		if r.OneWay {
			for _, f := range from {
				lx.link(f, to, kind, r.Where)
			}
			continue
		}
		all := append(from, to...)
		for _, f := range all {
			lx.link(f, all, kind, r.Where)
		}
	}
}

func (lx *lexicon) link(from []string, to [][]string, kind matchKind, where string) {
	key := strings.Join(from, " ")
	pos := lx.linked[key]
	if pos == nil {
		pos = make(map[string]int, len(lx.alts[key]))
		for i, have := range lx.alts[key] {
			pos[strings.Join(have.terms, " ")] = i
		}
		if lx.linked == nil {
			lx.linked = map[string]map[string]int{}
		}
		lx.linked[key] = pos
	}
	for _, t := range to {
		tk := strings.Join(t, " ")
		if tk == key {
			continue
		}
		if i, ok := pos[tk]; ok {
			if kind < lx.alts[key][i].kind {
				lx.alts[key][i].kind = kind
			}
			continue
		}
		pos[tk] = len(lx.alts[key])
		lx.alts[key] = append(lx.alts[key], alternative{terms: t, kind: kind, rule: where})
	}
	if len(from) > lx.maxLen {
		lx.maxLen = len(from)
	}
}

// close adds the alternatives of each alternative one step further when one
// of the two steps joins forms of one word ("wrote" is a form of "write",
// which is a synonym of "author"); the result is of the other step's kind.
// Two other steps are not chained: "adopt" is "use", and "use" is "employ",
// but "adopt" is not "employer".
func (lx *lexicon) close() {
	// forms are each key's alternatives that are forms of it, in order: a
	// step that is no form chains only with these, and reading every
	// alternative of a term that stands in thousands of rules, for each of
	// them, was quadratic
	forms := map[string][]alternative{}
	for key, alts := range lx.alts {
		for _, a := range alts {
			if a.kind == formMatch {
				forms[key] = append(forms[key], a)
			}
		}
	}
	next := map[string][]alternative{}
	for key, alts := range lx.alts {
		out := append([]alternative(nil), alts...)
		have := map[string]int{key: -1}
		for i, a := range out {
			have[strings.Join(a.terms, " ")] = i
		}
		for _, a := range alts {
			bs := forms[strings.Join(a.terms, " ")]
			if a.kind == formMatch {
				bs = lx.alts[strings.Join(a.terms, " ")]
			}
			for _, b := range bs {
				if a.kind != formMatch && b.kind != formMatch {
					continue
				}
				kind := a.kind
				if kind == formMatch {
					kind = b.kind
				}
				bk := strings.Join(b.terms, " ")
				if i, ok := have[bk]; ok {
					if i >= 0 && kind < out[i].kind {
						out[i].kind = kind
					}
					continue
				}
				have[bk] = len(out)
				out = append(out, alternative{terms: b.terms, kind: kind, rule: b.rule})
			}
		}
		next[key] = out
	}
	lx.alts = next
}

func analyzePhrases(a *analyzer, phrases []string) [][]string {
	var out [][]string
	for _, p := range phrases {
		if t := analyzeTerms(a, p); len(t) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// analyzeTerms returns the terms of a phrase in order, without the joined
// forms of hyphenated words.
func analyzeTerms(a *analyzer, s string) []string {
	var out []string
	last := -1
	for _, t := range a.Analyze([]byte(s)) {
		if t.Position == last {
			continue // the joined form of a hyphenated word
		}
		last = t.Position
		out = append(out, string(t.Term))
	}
	return out
}

// builtinRules reads a vocabulary file of the lexicon directory. They are
// part of the binary, and a test checks that each one reads.
func builtinRules(name string) []corpus.Rule {
	f, err := lexiconFiles.Open("lexicon/" + name)
	if err != nil {
		return nil
	}
	defer f.Close()
	rules, _ := corpus.ParseVocabulary(name, f)
	return rules
}

// builtinLines reads the lines of a list of the lexicon directory, less
// comments and blank lines.
func builtinLines(name string) []string {
	data, _ := lexiconFiles.ReadFile("lexicon/" + name)
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// fieldWordLine is a line of lexicon/field-words.txt: a field, whether its
// words are verbs (asking for the field their question word does), and the
// words as written; alone marks those that find no others ("-").
type fieldWordLine struct {
	field string
	verb  bool
	words []string
	alone []bool
}

// fieldWordLines reads lexicon/field-words.txt.
func fieldWordLines() []fieldWordLine {
	var out []fieldWordLine
	for _, l := range builtinLines("field-words.txt") {
		field, words, _ := strings.Cut(l, ":")
		fl := fieldWordLine{}
		fl.field, fl.verb = strings.CutSuffix(strings.TrimSpace(field), "?")
		for _, w := range strings.Fields(words) {
			w, alone := strings.CutPrefix(w, "-")
			fl.words = append(fl.words, w)
			fl.alone = append(fl.alone, alone)
		}
		out = append(out, fl)
	}
	return out
}

// builtinWords reads a word list of the lexicon directory.
func builtinWords(name string) []string {
	var out []string
	for _, l := range builtinLines(name) {
		out = append(out, strings.Fields(l)...)
	}
	return out
}

// builtinWordSet is the set of a lexicon file's words, lower-cased.
func builtinWordSet(name string) map[string]bool {
	set := map[string]bool{}
	for _, w := range builtinWords(name) {
		set[strings.ToLower(w)] = true
	}
	return set
}

// acronymDefRe finds an acronym in brackets, which the words before it may
// define: "Internet of Things (IoT)", "Ernst & Young (EY)".
var acronymDefRe = regexp.MustCompile(`\(([\p{L}\p{N}&-]{2,10})\)`)

// acronymRules finds acronyms that a corpus defines in its own text, written
// as "Long Form (LF)", with the Schwartz-Hearst algorithm: the long form is
// the shortest run of words before the bracket whose letters spell the
// acronym in order, the first letter starting a word.
func acronymRules(where string, ps []corpus.Passage) []corpus.Rule {
	var out []corpus.Rule
	seen := map[string]bool{}
	for _, p := range ps {
		if !strings.Contains(p.Text, "(") {
			continue
		}
		for _, m := range acronymDefRe.FindAllStringSubmatchIndex(p.Text, -1) {
			short := p.Text[m[2]:m[3]]
			if !looksLikeAcronym(short) {
				continue
			}
			// Look back over at most min(len+5, 2*len) words before the bracket.
			words := strings.Fields(p.Text[max(0, m[0]-300):m[0]])
			limit := min(len(short)+5, 2*len(short))
			if len(words) > limit {
				words = words[len(words)-limit:]
			}
			long := schwartzHearst(short, strings.Join(words, " "))
			if long == "" || strings.EqualFold(long, short) {
				continue
			}
			key := short + "=" + strings.ToLower(long)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, corpus.Rule{From: []string{short}, To: []string{long}, Where: p.ID})
		}
	}
	return out
}

func looksLikeAcronym(s string) bool {
	upper := 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	return upper >= 2 && unicode.IsLetter(first)
}

func schwartzHearst(short, long string) string {
	s, l := []rune(strings.ToLower(short)), []rune(strings.ToLower(long))
	si, li := len(s)-1, len(l)-1
	for si >= 0 {
		c := s[si]
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			si--
			continue
		}
		for li >= 0 && (l[li] != c || (si == 0 && li > 0 && (unicode.IsLetter(l[li-1]) || unicode.IsDigit(l[li-1])))) {
			li--
		}
		if li < 0 {
			return ""
		}
		li--
		si--
	}
	start := li + 1
	for start > 0 && l[start-1] != ' ' {
		start--
	}
	return strings.TrimSpace(string([]rune(long)[start:]))
}
