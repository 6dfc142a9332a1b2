package index

import (
	"slices"
	"sort"
	"strings"
	"sync"
)

// wordNet is lexicon/wordnet.txt.gz (made by lexicon/make-wordnet.py from
// WordNet 3.0; see lexicon/wordnet.COPYRIGHT): for each English word, its
// derived forms ("marry": "marriage"), synonyms ("hard": "difficult") and
// antonyms ("hard": "easy"),
// and WordNet's irregular inflections ("married" -> "marry"). The lines are
// sorted by word and read on first use; a lookup is a binary search.
var wordNet = sync.OnceValue(func() []string {
	lines := gzipLines("lexicon/wordnet.txt.gz")
	sort.SliceStable(lines, func(i, j int) bool { return wordNetKey(lines[i]) < wordNetKey(lines[j]) })
	return lines
})

func wordNetKey(line string) string {
	if i := strings.IndexByte(line, '\t'); i >= 0 {
		return line[:i]
	}
	return line
}

// wordNetLines returns the lines of a word.
func wordNetLines(w string) []string {
	lines := wordNet()
	i := sort.Search(len(lines), func(i int) bool { return wordNetKey(lines[i]) >= w })
	j := i
	for j < len(lines) && wordNetKey(lines[j]) == w {
		j++
	}
	return lines[i:j]
}

// related are the words WordNet relates to a question word.
type related struct {
	derived, synonyms, antonyms []string
	// nouns and verbs are, of a word with synonyms both as a noun and as a
	// verb, the synonyms of its noun senses and of its verb senses.
	nouns, verbs []string
}

// asNoun drops the synonyms that only the word's verb senses have: "the
// stages" are phases, not what "stage a coup" initiates.
func (r related) asNoun() []string {
	if len(r.verbs) == 0 {
		return r.synonyms
	}
	var out []string
	for _, w := range r.synonyms {
		if slices.Contains(r.nouns, w) || !slices.Contains(r.verbs, w) {
			out = append(out, w)
		}
	}
	return out
}

// morphyRules undo regular English endings, the way WordNet's morphy does:
// a question word "originated" is looked up as "originate".
var morphyRules = [...][2]string{
	{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"},
	{"men", "man"}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""},
	{"ing", "e"}, {"ing", ""}, {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"},
}

// irregularForms inverts WordNet's exception lists: per base form, its
// irregular inflections ("rewrite": "rewritten", "rewrote").
var irregularForms = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, l := range wordNet() {
		if form, rest, ok := strings.Cut(l, "\t="); ok {
			for _, lemma := range strings.Split(rest, ",") {
				out[lemma] = append(out[lemma], form)
			}
		}
	}
	return out
})

// wordNetRelated looks up a lower-case word: the word itself, its base forms
// by WordNet's exception lists ("went" -> "go") and by regular endings, and
// the irregular forms of each ("rewrite" -> "rewritten"), all as derived
// forms.
func wordNetRelated(w string) related {
	var out related
	seen := map[string]bool{w: true}
	add := func(list *[]string, words string) {
		for _, x := range strings.Split(words, ",") {
			if x != "" && !seen[x] {
				seen[x] = true
				*list = append(*list, x)
			}
		}
	}
	lemmas := []string{w}
	listed := false // WordNet lists w itself, so its endings are not undone ("news" is not "new")
	for _, l := range wordNetLines(w) {
		if _, rest, ok := strings.Cut(l, "\t="); ok {
			lemmas = append(lemmas, strings.Split(rest, ",")...)
		} else {
			listed = true
		}
	}
	if !listed && len(lemmas) == 1 {
		for _, r := range morphyRules {
			if strings.HasSuffix(w, r[0]) && len(w)-len(r[0]) >= 2 {
				lemmas = append(lemmas, w[:len(w)-len(r[0])]+r[1])
			}
		}
	}
	for _, lemma := range lemmas {
		lines := wordNetLines(lemma)
		for _, l := range lines {
			for _, part := range strings.Split(l, "\t")[1:] {
				switch {
				case strings.HasPrefix(part, "d:"):
					add(&out.derived, part[2:])
				case strings.HasPrefix(part, "s:"):
					add(&out.synonyms, part[2:])
				case strings.HasPrefix(part, "a:"):
					add(&out.antonyms, part[2:])
				case strings.HasPrefix(part, "n:"):
					out.nouns = append(out.nouns, strings.Split(part[2:], ",")...)
				case strings.HasPrefix(part, "v:"):
					out.verbs = append(out.verbs, strings.Split(part[2:], ",")...)
				}
			}
		}
		for _, f := range irregularForms()[lemma] {
			add(&out.derived, f) // "rewritten" for "rewrite": the corpus may write the form the question does not
		}
		if len(lines) > 0 && !seen[lemma] {
			// The base form itself ("marry" for "married") is a form of the word.
			seen[lemma] = true
			out.derived = append(out.derived, lemma)
		}
	}
	return out
}

// Preload reads the larger lexicons a first question looks words up in
// (WordNet, the word neighbours of soft.go, the English word lists of
// typo.go) on goroutines of their own and returns at once, so that a process
// about to answer reads them on both cores while it opens its index, rather
// than one after the other on its first question. Each is still read once a
// process, by whichever use comes first.
func Preload() {
	go func() { irregularForms() }() // reads wordNet
	go func() {
		neighbourLines()
		englishWords()
		predicateWords()
	}()
}
