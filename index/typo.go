package index

import (
	"compress/gzip"
	"encoding/binary"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxEdits is how far a question word may be from the corpus word used in its
// place: one edit for words of four to seven letters, two from eight.
func maxEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// englishWords is a list of English words (lexicon/words.txt.gz, from SCOWL;
// see lexicon/words.COPYRIGHT), sorted. A question word in it is not a typo,
// only a word the corpus lacks ("matter" must not become "master").
// The list is part of the binary; a test checks that it reads.
var englishWords = sync.OnceValue(func() []string { return gzipWords("lexicon/words.txt.gz") })

// predicateWords lists English words used mostly as verbs, adjectives or
// adverbs rather than nouns ("achieve", "teach", "important"), with their
// inflected forms (lexicon/predicates.txt.gz, made from WordNet by
// lexicon/make-predicates.py), sorted.
var predicateWords = sync.OnceValue(func() []string { return gzipWords("lexicon/predicates.txt.gz") })

// isPredicate reports whether a lower-case word is a predicate word.
func isPredicate(w string) bool {
	_, found := slices.BinarySearch(predicateWords(), w)
	return found
}

// gzipWords reads a sorted, gzipped word list of the lexicon directory.
func gzipWords(name string) []string { return strings.Fields(gzipText(name)) }

// gzipLines reads the lines of a gzipped file of the lexicon directory.
func gzipLines(name string) []string {
	return strings.Split(strings.TrimSuffix(gzipText(name), "\n"), "\n")
}

// gzipText reads a gzipped file of the lexicon directory. The files are part
// of the binary, and tests check that each one reads. The text is read into
// a buffer of its size, which gzip's trailer gives, rather than one grown as
// it comes (which had cleared and copied the larger files several times over
// on the first question).
func gzipText(name string) string {
	f, err := lexiconFiles.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	var sb strings.Builder
	sb.Grow(gzipSize(f))
	zr, err := gzip.NewReader(f)
	if err != nil {
		return ""
	}
	if _, err := io.Copy(&sb, zr); err != nil {
		return ""
	}
	return sb.String()
}

// gzipSize is the length of a one-member gzip file's text, from its
// trailer (ISIZE, the length modulo 2^32), or 0 when it cannot be read; it
// is at most 256 MB, as a hint for a buffer.
func gzipSize(f fs.File) int {
	fi, err := f.Stat()
	ra, ok := f.(io.ReaderAt)
	if err != nil || !ok || fi.Size() < 18 {
		return 0
	}
	var tail [4]byte
	if _, err := ra.ReadAt(tail[:], fi.Size()-4); err != nil {
		return 0
	}
	return int(min(binary.LittleEndian.Uint32(tail[:]), 256<<20))
}

// isEnglishWord reports whether a lower-case word is spelled right.
func isEnglishWord(w string) bool {
	words := englishWords()
	_, found := slices.BinarySearch(words, w)
	return found
}

// correct finds the corpus word nearest to a question word that matched
// nothing: within maxEdits (Damerau-Levenshtein, on the words as written),
// starting with the same letter (few typos hit the first letter), the one
// whose term is commonest among the nearest. It returns the word as the
// corpus writes it and its term. Phrases, numbers and real English words
// ("matter" is not a typo of "master") are not corrected. A word glued to
// a number ("goverment24") is corrected by its letters, when the corpus has
// the corrected word with the number ("government24").
func (st *state) correct(word string, terms []string) (fixed, term string, ok bool) {
	w := strings.ToLower(word)
	if len(terms) != 1 || isEnglishWord(w) || w == "" || w[0] >= '0' && w[0] <= '9' {
		return "", "", false
	}
	if m := gluedRe.FindStringSubmatch(w); m != nil {
		letters, _, ok := st.correct(m[1], analyzeTerms(sharedAnalyzer(), m[1]))
		if !ok {
			return "", "", false
		}
		ts := analyzeTerms(sharedAnalyzer(), letters+m[2])
		if len(ts) != 1 || !st.known(ts[0]) {
			return "", "", false
		}
		return letters + m[2], ts[0], true
	}
	limit := maxEdits(utf8.RuneCountInString(w))
	if limit == 0 {
		return "", "", false
	}
	bestD, bestDF := limit+1, 0
	// The corpus's words that start with w's first byte and lie within
	// limit edits, in order.
	eachNear(st.wordList(), w, limit, func(c string) bool {
		if c[0] != w[0] {
			return false
		}
		if d := len(c) - len(w); d > limit || -d > limit {
			return true
		}
		d := editDistance(w, c, limit)
		if d > limit {
			return true
		}
		ts := analyzeTerms(sharedAnalyzer(), c)
		if len(ts) != 1 || !st.known(ts[0]) {
			return true
		}
		df := st.docFreq(ts[0])
		if d < bestD || d == bestD && df > bestDF {
			fixed, term, bestD, bestDF = c, ts[0], d, df
		}
		return true
	})
	return fixed, term, fixed != ""
}

// editDistance is the optimal-string-alignment distance between a and b, or
// limit+1 when it exceeds limit.
func editDistance(a, b string, limit int) int {
	// A question's words are short: their runes and the three rows fit
	// buffers on the stack, and a word is compared with many.
	var bufA, bufB [shortWord]rune
	var rows [3 * (shortWord + 1)]int
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	n := len(rb) + 1
	var prev2, prev, cur []int
	if n <= shortWord+1 {
		prev2, prev, cur = rows[:n], rows[n:2*n], rows[2*n:3*n]
	} else {
		prev2, prev, cur = make([]int, n), make([]int, n), make([]int, n)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// shortWord is the most runes editDistance compares without allocating.
const shortWord = 32

// appendRunes appends the runes of s to buf.
func appendRunes(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// functionWords are the analyzer's stop words ("the", "what", "was"),
// commonest first in the training questions (lexicon/function-words.txt,
// ordered by lexicon/make-function-words.py).
var functionWords = sync.OnceValue(func() []string { return builtinWords("function-words.txt") })

// functionWordSet holds the function words, for looking one up.
var functionWordSet = sync.OnceValue(func() map[string]bool { return builtinWordSet("function-words.txt") })

// readingWords are the words, as written, that steer how a question is
// read: those asking for a document's author or date (field-words.txt),
// naming a piece of writing or a part of one (document-words.txt,
// section-words.txt), asking about writing (about-words.txt) and saying
// nothing about the question's topic (question-words.txt: "happened",
// "explain"). Misspelt ("who wrot the case study?", "when was the artcle
// writen?", "what happend in 2017"), such a word is read as the word it
// stands for, as a function word is: left as written it is a topic the
// corpus lacks, and the question is read as asking about something else.
var readingWords = sync.OnceValue(func() []string {
	var words []string
	for _, l := range fieldWordLines() {
		words = append(words, l.words...)
	}
	for _, name := range []string{"document-words.txt", "section-words.txt", "about-words.txt", "ending-words.txt", "question-words.txt"} {
		words = append(words, builtinWords(name)...) // "case study" gives "case" and "study"
	}
	var out []string
	for _, w := range words {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
})

// chatWords are the words of lexicon/chat-words.txt as written (the
// lexicon holds their terms).
var chatWords = sync.OnceValue(func() map[string]bool { return builtinWordSet("chat-words.txt") })

// fixFunctionWords reads a misspelt function word of a question as the word
// it stands for: "teh" as "the", "wat" as "what", "whos" as "who's". Left as
// written, such a word is one the corpus lacks, which says the question is
// about something else, and a misspelt question word hides the kind of
// answer asked for. A word is read so when the corpus does not have it
// (known reports whether the corpus has a word), it is not a name (no
// capital letter but the question's first), a function word of two letters
// or more with the same first letter lies one edit from it (of several, the
// one of the likeliest slip, typoKind, then the commonest in questions),
// and it is no English word or nothing else fits (functionWordFor). A word
// of four letters or more that is no English word and lies one edit from a
// word that steers the reading (readingWords: "wrot", "artcle") is read as
// that word. The question comes back with the words replaced, and the
// corrections made.
func fixFunctionWords(q string, known func(word string) bool) (string, []Correction) {
	var sb strings.Builder
	var fixes []Correction
	last := 0
	words := scanWords(q)
	for i, w := range words {
		word := strings.Trim(q[w.start:w.end], "'\u2019")
		start := w.start + strings.Index(q[w.start:w.end], word)
		opens := start == 0 && i+1 < len(words) && auxiliaries[words[i+1].lower]
		fixed, ok := functionWordFor(word, start == 0, opens, known)
		if !ok {
			continue
		}
		sb.WriteString(q[last:start])
		sb.WriteString(fixed)
		last = start + len(word)
		fixes = append(fixes, Correction{From: word, To: fixed})
	}
	if fixes == nil {
		return q, nil
	}
	sb.WriteString(q[last:])
	return sb.String(), fixes
}

// splitGlued reads a word glued to a small number ("stage2", "phase3")
// that the corpus lacks and its vocabulary does not list as the word and
// the number ("stage 2"), when the corpus has the word or it is English: typed fast, "when did stage2 start" asks about
// Stage 2. The reading is reported as a correction.
func splitGlued(q string, known func(word string) bool) (string, []Correction) {
	if !strings.ContainsAny(q, "0123456789") {
		return q, nil
	}
	return rewriteWords(q, func(word string) (string, bool) {
		if c := word[len(word)-1]; c < '0' || c > '9' {
			return "", false
		}
		m := gluedRe.FindStringSubmatch(word)
		if m == nil || known(word) || !known(m[1]) && !isEnglishWord(strings.ToLower(m[1])) {
			return "", false
		}
		return m[1] + " " + m[2], true
	})
}

// rewriteWords reads each word of a question as read returns it, when it
// does, and reports each reading as a correction.
func rewriteWords(q string, read func(word string) (string, bool)) (string, []Correction) {
	var sb strings.Builder
	var fixes []Correction
	last := 0
	for _, w := range scanWords(q) {
		word := q[w.start:w.end]
		fixed, ok := read(word)
		if !ok {
			continue
		}
		sb.WriteString(q[last:w.start])
		sb.WriteString(fixed)
		last = w.end
		fixes = append(fixes, Correction{From: word, To: fixed})
	}
	if fixes == nil {
		return q, nil
	}
	sb.WriteString(q[last:])
	return sb.String(), fixes
}

// splitCompound reads a word the corpus lacks, and its vocabulary does not
// list, as two words the corpus writes side by side: "superbowl" as "super
// bowl", "hiphop" as "hip hop", "highschools" as "high schools" (together
// reports whether some passage has the two words in a row). Only letters,
// six or more, each part three or more and a word of content; of several
// splits the one with the shortest first part. The reading is reported as
// a correction. A word longer than maxCompoundRunes is no two words (it is
// a run of letters pasted into a message): trying its splits, each two
// strings of its length, took time growing as the square of it.
func splitCompound(q string, known func(word string) bool, together func(a, b string) bool) (string, []Correction) {
	return rewriteWords(q, func(word string) (string, bool) {
		n := utf8.RuneCountInString(word)
		if n < 6 || n > maxCompoundRunes || !isLetters(word) || known(word) {
			return "", false
		}
		runes := []rune(word)
		for i := 3; i <= n-3; i++ {
			if a, b := string(runes[:i]), string(runes[i:]); together(a, b) {
				return a + " " + b, true
			}
		}
		return "", false
	})
}

// maxCompoundRunes is the longest word splitCompound reads as two: longer
// than any two English words written together ("counterrevolutionaries"
// has 22 letters).
const maxCompoundRunes = 48

func isLetters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// gluedRe is a word of three letters or more glued to a number of one or
// two digits.
var gluedRe = regexp.MustCompile(`^(\pL{3,})(\d{1,2})$`)

// functionWordFor returns the function word a question word stands for,
// written with the word's capital, if fixFunctionWords should read it so;
// first is true for the question's first word, opens when a verb like
// "did" or "is" follows it. A word that is English is read as a function
// word only where no other reading fits: as the question word that opens a
// question ("wen did", "hoe does"), or as a contraction written without its
// apostrophe ("whats", "hows"; opening a question, also one of a misspelt
// question word: "wats").
func functionWordFor(word string, first, opens bool, known func(string) bool) (string, bool) {
	if utf8.RuneCountInString(word) < 2 {
		return "", false
	}
	for i, r := range word {
		if unicode.IsUpper(r) && (i > 0 || !first) || unicode.IsDigit(r) {
			return "", false // a name, an acronym, a number
		}
	}
	w := strings.ReplaceAll(strings.ToLower(word), "\u2019", "'")
	fws := functionWords()
	if functionWordSet()[w] || chatWords()[w] {
		return "", false // "thx" and "hmm" are chat, not "the" and "him"
	}
	// The word list's words of two letters are mostly abbreviations ("th",
	// "dd", "wa"); such a word is read as a function word only when it is
	// one with a letter left out.
	short := len(w) == 2
	best := nearestWord(w, fws, short)
	if best != "" && !short && isEnglishWord(w) {
		best = unapostrophed[w]
		if opens {
			best = nearestWord(w, whWords, false)
		}
		if best == "" && first && len(w) >= 4 && strings.HasSuffix(w, "s") {
			// "wats stage 2": a misspelt question word's contraction
			// written without its apostrophe ("wat" + "s")
			if wh := nearestWord(w[:len(w)-1], whWords, false); wh != "" {
				best = wh + "'s"
			}
		}
	}
	if best == "" && len(w) >= 4 && !isEnglishWord(w) && !strings.Contains(w, "'") {
		// "wrot", "writen", "artcle"; not a possessive ("reading's")
		best = nearestWord(w, readingWords(), false)
	}
	if best == "" || known(w) {
		return "", false
	}
	if word[0] != w[0] {
		best = strings.ToUpper(best[:1]) + best[1:]
	}
	return best, true
}

// nearestWord is the word of words (in order of preference) one edit from
// w, with its first letter, that the likeliest slip gives (typoKind); with
// short, only a word w is with a letter left out.
func nearestWord(w string, words []string, short bool) string {
	best, bestKind := "", 3
	for _, f := range words {
		if len(f) < 2 || f[0] != w[0] || len(f)-len(w) > 1 || len(w)-len(f) > 1 || short && len(f) != 3 ||
			editDistance(w, f, 1) != 1 {
			continue
		}
		if k := typoKind(w, f); k < bestKind {
			best, bestKind = f, k
		}
	}
	return best
}

// whWords open questions; auxiliaries follow them ("when did").
var (
	whWords     = []string{"what", "who", "how", "which", "when", "where", "why", "whom", "whose"}
	auxiliaries = map[string]bool{"is": true, "are": true, "was": true, "were": true, "am": true,
		"do": true, "does": true, "did": true, "can": true, "could": true, "will": true, "would": true,
		"shall": true, "should": true, "may": true, "might": true, "must": true, "has": true,
		"have": true, "had": true}
)

// unapostrophed are contractions written without their apostrophe whose
// spelling is also a word ("whats", "hows", "lets"), read as the
// contraction; "well", "ill" and "shed" are left as the words they are.
var unapostrophed = map[string]string{
	"whats": "what's", "whens": "when's", "wheres": "where's", "whys": "why's", "hows": "how's",
	"cant": "can't", "wont": "won't", "lets": "let's", "hes": "he's", "shes": "she's",
}

// typoKind ranks how a typo w, one edit from a word f, came about: a letter
// left out ("whn") or two swapped ("teh"), the commonest slips, 0; a letter
// added, 1; a letter replaced, 2.
func typoKind(w, f string) int {
	switch {
	case len(w) < len(f):
		return 0
	case len(w) > len(f):
		return 1
	}
	a, b := []byte(w), []byte(f)
	slices.Sort(a)
	slices.Sort(b)
	if string(a) == string(b) {
		return 0
	}
	return 2
}
