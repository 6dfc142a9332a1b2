package index

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
)

// Where the kind of answer asked for stands among the question's words. A
// question restates the words around its answer, so a passage whose year
// (for "when") or number ("how many") stands among most of the question's
// words answers it more likely than one that holds the year and the words
// apart.
//
// These features read a passage's surface words (runs of letters and
// digits, endings cut crudely, every word counted in distances), not its
// analysis: on the training data held out, this reading gained and one
// built from the analysed terms and the question's concepts did not. Names
// for "who", "where" and "what" were measured too and left out: they gained
// less held out and lost on the sets not trained on (docs/quality-log.md, stop 36).

// surfaceWord is a word of a passage as the nearness features read it.
type surfaceWord struct {
	stem string // lower-case, crudely stemmed (crudeStem)
	kind uint8  // surfaceYear, surfaceNumber
}

const (
	surfaceYear   uint8 = 1 << iota // a year from 1000 to 2099, a decade ("1980s"), a century ("10th century") or a month's name
	surfaceNumber                   // holds a digit, or is a number word
)

// nearWindow is how many words either side of an answer word count as
// around it, and nearClose how near counts as beside it.
const (
	nearWindow = 8
	nearClose  = 3
)

var (
	surfaceStop = setOf("a an the of in on at to for from by with and or is are was were be been do does did " +
		"what which who whom whose when where why how many much that this these those it its as into than then " +
		"there their his her he she they them has have had not no yes can could would should will shall may might " +
		"about after before over under between during")
	monthNames         = setOf("january february march april may june july august september october november december")
	surfaceNumberWords = setOf("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty " +
		"hundred thousand million billion")
	crudeEndings = []string{"ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly"}
)

func setOf(words string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(words) {
		out[w] = true
	}
	return out
}

// surfaceRune reports whether r belongs to a surface word: an ASCII letter
// or digit, or a Latin letter with a diacritic.
func surfaceRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r >= 0xC0 && r <= 0x24F
}

// surfaceSplit splits a text into its surface words, as written.
func surfaceSplit(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !surfaceRune(r) })
}

// surfaceWords reads a passage's surface words.
func surfaceWords(text string) []surfaceWord {
	written := surfaceSplit(text)
	out := make([]surfaceWord, 0, len(written))
	lowers := make([]string, len(written))
	for i, w := range written {
		lower := strings.ToLower(w)
		lowers[i] = lower
		sw := surfaceWord{stem: crudeStem(lower)}
		if corpus.IsYear(w) || monthNames[lower] || isDecadeWord(lower) {
			sw.kind |= surfaceYear
		}
		if strings.ContainsAny(w, "0123456789") || surfaceNumberWords[lower] {
			sw.kind |= surfaceNumber
		}
		out = append(out, sw)
	}
	for i, lower := range lowers {
		if isOrdinal(lower) {
			for _, next := range lowers[i+1 : min(i+4, len(lowers))] {
				if next == "century" || next == "centuries" {
					out[i].kind |= surfaceYear // "the 10th and 11th centuries"
				}
			}
		}
	}
	return out
}

// isDecadeWord reports whether a word is a decade or century in digits:
// "1980s", "1800s".
func isDecadeWord(w string) bool {
	d := strings.TrimSuffix(w, "s")
	return d != w && (len(d) == 3 || len(d) == 4) && allDigits(d) && strings.HasSuffix(d, "0")
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// crudeStem cuts the first of a few common endings that leaves more than
// three letters.
func crudeStem(w string) string {
	n := utf8.RuneCountInString(w)
	for _, e := range crudeEndings {
		if n > len(e)+3 && strings.HasSuffix(w, e) {
			return w[:len(w)-len(e)]
		}
	}
	return w
}

// nearQuestion is what the nearness features need of a question: the kind
// of word its answer is and the stems of its words of content.
type nearQuestion struct {
	kind  uint8 // 0 when the question asks for no such kind
	stems map[string]bool
}

func newNearQuestion(text string, want answerType) nearQuestion {
	var kind uint8
	switch want {
	case timeAnswer:
		kind = surfaceYear
	case numberAnswer, durationAnswer:
		kind = surfaceNumber
	}
	q := nearQuestion{kind: kind, stems: map[string]bool{}}
	for _, w := range surfaceSplit(text) {
		if lower := strings.ToLower(w); !surfaceStop[lower] {
			q.stems[crudeStem(lower)] = true
		}
	}
	return q
}

// measure returns, for a passage's words, the features fTypeNear (one over
// one plus the distance from a word of the kind asked for to the nearest
// question word), fTypeDense (the most of the question's stems standing
// within nearWindow words of one such word, over their number) and
// fTypeClose (one stands within nearClose words).
func (q nearQuestion) measure(words []surfaceWord, buf []int) (near, dense, close float64, _ []int) {
	if q.kind == 0 || len(q.stems) == 0 {
		return 0, 0, 0, buf
	}
	matched := buf[:0]
	for i, w := range words {
		if q.stems[w.stem] {
			matched = append(matched, i)
		}
	}
	if len(matched) == 0 {
		return 0, 0, 0, matched
	}
	best, most := -1, 0
	var seen []string // the stems around one word of the kind asked for
	for i, w := range words {
		if w.kind&q.kind == 0 {
			continue
		}
		seen = seen[:0]
		for _, j := range matched {
			d := max(i-j, j-i)
			if best < 0 || d < best {
				best = d
			}
			if d <= nearWindow && !slices.Contains(seen, words[j].stem) {
				seen = append(seen, words[j].stem)
			}
		}
		most = max(most, len(seen))
	}
	if best < 0 {
		return 0, 0, 0, matched
	}
	return 1 / (1 + float64(best)), float64(most) / float64(len(q.stems)), b2f(best <= nearClose), matched
}
