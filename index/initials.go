package index

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
)

// Initialism is a name of several capitalised words that a document writes
// out, with its initials ("New York City", NYC) and how often it stands
// there. A question that writes the initials where the corpus has only the
// name ("How many people live in NYC?") finds the name through them, as it
// finds an acronym the text defines ("Long Form (LF)", acronymRules).
type Initialism struct {
	Short string `json:"short"`
	Long  string `json:"long"`
	N     int    `json:"n"`
}

const (
	// initialsMinRun and initialsMaxRun bound the capitalised words of a
	// name; initialsPerDoc is how many of a document's names are kept (its
	// commonest), initialsMinCount how often a name must stand in the
	// document, and in the corpus, to be kept.
	initialsMinRun   = 2
	initialsMaxRun   = 5
	initialsPerDoc   = 16
	initialsMinCount = 2
)

// nameJoiners may stand inside a name between capitalised words ("Bank of
// America", "Ernst & Young"); the initials are read both with and without
// them (BOA and BA).
var nameJoiners = map[string]bool{"of": true, "and": true, "for": true, "the": true, "de": true, "&": true}

// initialismsOf lists the names of several capitalised words that stand in
// a document's passages at least initialsMinCount times, with their
// initials, its commonest first (at most initialsPerDoc).
func initialismsOf(ps []corpus.Passage) []Initialism {
	counts := map[[2]string]int{}
	for _, p := range ps {
		if !p.Kind.Searchable() && p.Kind != corpus.Heading && p.Kind != corpus.TitleLine {
			continue
		}
		for _, run := range capitalRuns(p.Text) {
			countNames(run, counts)
		}
	}
	var out []Initialism
	for k, n := range counts {
		if n >= initialsMinCount {
			out = append(out, Initialism{Short: k[0], Long: k[1], N: n})
		}
	}
	sortInitialisms(out)
	if len(out) > initialsPerDoc {
		out = out[:initialsPerDoc]
	}
	return out
}

func sortInitialisms(list []Initialism) {
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.N != b.N {
			return a.N > b.N
		}
		if a.Short != b.Short {
			return a.Short < b.Short
		}
		return a.Long < b.Long
	})
}

// capitalRuns splits text into clauses (at punctuation) and returns each
// clause's runs of capitalised words, joiners kept between them.
func capitalRuns(text string) [][]string {
	var runs [][]string
	var run []string
	flush := func() {
		for len(run) > 0 && nameJoiners[strings.ToLower(run[len(run)-1])] {
			run = run[:len(run)-1]
		}
		if len(run) >= initialsMinRun {
			runs = append(runs, run)
		}
		run = nil
	}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) }) {
		word := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&' })
		word = strings.TrimSuffix(strings.TrimSuffix(word, "'s"), "’s")
		first, _ := utf8.DecodeRuneInString(word)
		switch {
		case word == "":
			flush()
		case unicode.IsUpper(first) && isPlainWord(word):
			run = append(run, word)
		case len(run) > 0 && nameJoiners[strings.ToLower(word)]:
			run = append(run, word)
		default:
			flush()
		}
		// A clause ends where the word was followed by punctuation.
		if last, _ := utf8.DecodeLastRuneInString(w); word != "" && !unicode.IsLetter(last) && !unicode.IsDigit(last) {
			flush()
		}
	}
	flush()
	return runs
}

// isPlainWord reports whether a word is letters only, with no capital after
// its first letter: a name's word ("York"), not an acronym ("UN") or a
// camel-cased one ("iPod", "McDonald").
func isPlainWord(w string) bool {
	for i, r := range w {
		if !unicode.IsLetter(r) || i > 0 && unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// countNames counts a run of capitalised words as a name, under the
// initials of its capitalised words and, when it has joiners, under those of
// all its words too. Stop words opening the run ("In New York City") are
// left out; a run of more than initialsMaxRun capitalised words is no name.
func countNames(run []string, counts map[[2]string]int) {
	stop := sharedAnalyzer().stop
	for len(run) > 0 && stop[strings.ToLower(run[0])] {
		run = run[1:]
	}
	caps := 0
	var capsOnly, all strings.Builder
	for _, w := range run {
		r, _ := utf8.DecodeRuneInString(w)
		if !nameJoiners[strings.ToLower(w)] {
			caps++
			capsOnly.WriteRune(unicode.ToUpper(r))
		}
		all.WriteRune(unicode.ToUpper(r))
	}
	if caps < initialsMinRun || caps > initialsMaxRun {
		return
	}
	long := strings.Join(run, " ")
	counts[[2]string{capsOnly.String(), long}]++
	if all.Len() != capsOnly.Len() {
		counts[[2]string{all.String(), long}]++
	}
}

// mergeInitialisms sums the documents' names over the corpus and keeps, for
// each initials, the commonest name, when it stands at least
// initialsMinCount times.
func mergeInitialisms(docs []DocInfo) []Initialism {
	sums := map[[2]string]int{}
	for _, d := range docs {
		for _, in := range d.Initials {
			sums[[2]string{in.Short, in.Long}] += in.N
		}
	}
	var all []Initialism
	for k, n := range sums {
		all = append(all, Initialism{Short: k[0], Long: k[1], N: n})
	}
	sortInitialisms(all)
	seen := map[string]bool{}
	var out []Initialism
	for _, in := range all {
		if in.N < initialsMinCount || seen[in.Short] {
			continue
		}
		seen[in.Short] = true
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Short < out[j].Short })
	return out
}

// initialsByTerm returns the corpus's names by the term of their initials
// ("nyc"), read from the index the first question that may need them.
func (st *state) initialsByTerm() map[string]Initialism {
	st.initialsOnce.Do(func() {
		raw, ok, err := storedField(st.bi, recInitials, fieldBlob)
		if err != nil || !ok {
			return
		}
		var list []Initialism
		if json.Unmarshal(raw, &list) != nil {
			return
		}
		a := sharedAnalyzer()
		st.initials = make(map[string]Initialism, len(list))
		for _, in := range list {
			if ts := analyzeTerms(a, in.Short); len(ts) == 1 {
				st.initials[ts[0]] = in
			}
		}
	})
	return st.initials
}

// addInitials adds to a one-word concept that is the initials of a name the
// corpus writes out ("NYC") the name, as a vocabulary match, when the corpus
// writes the initials in fewer passages than the name stands: where the
// corpus uses them more ("TV" beside a rare "The Village"), they mean what
// the corpus uses them for.
func (st *state) addInitials(c *concept) {
	if len(c.alts) == 0 || len(c.alts[0].terms) != 1 || utf8.RuneCountInString(c.alts[0].terms[0]) > 8 {
		return
	}
	term := c.alts[0].terms[0]
	in, ok := st.initialsByTerm()[term]
	if !ok || st.docFreq(term) >= in.N {
		return
	}
	long := analyzeTerms(sharedAnalyzer(), in.Long)
	if len(long) < 2 || hasAlt(c.alts, long) {
		return
	}
	c.alts = append(c.alts, alternative{terms: long, kind: vocabMatch, rule: "initials of " + in.Long})
}
