package index

import (
	"slices"
	"strings"
	"sync"
	"unicode"
)

// People in a chat wrap a question in the ways they ask ("can you help me
// understand what happened in stage 3", "i'm confused about the roadmap"),
// and say things that are no question at all ("thanks, that was helpful",
// "you're the best", "that makes sense"). The first are read without their
// ways of asking; the second are remarks, answered by no passage.

// requestFrames are the phrases of lexicon/request-frames.txt as words
// (lower case, apostrophes left out: "dont" and "don't" are one word), by
// their first word, longest first.
var requestFrames = sync.OnceValue(func() map[string][][]string {
	out := map[string][][]string{}
	for _, l := range builtinLines("request-frames.txt") {
		var f []string
		for _, w := range scanWords(l) {
			f = append(f, w.fold)
		}
		if len(f) > 0 {
			out[f[0]] = append(out[f[0]], f)
		}
	}
	for _, fs := range out {
		slices.SortStableFunc(fs, func(a, b []string) int { return len(b) - len(a) })
	}
	return out
})

// word is a word of a message: its byte span, and its text in lower case
// with a straight apostrophe for a curly one ("don't"), and without
// apostrophes ("dont").
type word struct {
	start, end  int
	lower, fold string
}

var (
	straightApostrophe = strings.NewReplacer("\u2019", "'")
	noApostrophe       = strings.NewReplacer("'", "", "\u2019", "")
)

// scanWords splits a message into its words: runs of letters, digits and
// apostrophes (straight or curly).
func scanWords(q string) []word {
	var out []word
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(q[start:end])
		if !strings.ContainsAny(w, "'\u2019") {
			out = append(out, word{start, end, w, w}) // what the replacers would give, without their copies
		} else if f := noApostrophe.Replace(w); f != "" {
			out = append(out, word{start, end, straightApostrophe.Replace(w), f})
		}
		start = -1
	}
	for i, r := range q {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '\u2019' {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(q))
	return out
}

// askingSpans are the byte spans of a question's ways of asking, each a
// whole phrase of lexicon/request-frames.txt, or overlapping ones as one
// span ("need this for" and "for the exam").
func askingSpans(q string) [][2]int {
	frames := requestFrames()
	words := scanWords(q)
	var out [][2]int
	for i := range words {
		for _, f := range frames[words[i].fold] {
			if i+len(f) <= len(words) && slices.EqualFunc(words[i:i+len(f)], f, func(w word, s string) bool { return w.fold == s }) {
				span := [2]int{words[i].start, words[i+len(f)-1].end}
				if n := len(out); n > 0 && span[0] < out[n-1][1] {
					out[n-1][1] = max(out[n-1][1], span[1]) // one span for overlapping phrases
				} else {
					out = append(out, span)
				}
				break
			}
		}
	}
	return out
}

// remarkWords are the words a remark may be made of (lexicon/remark-words.txt:
// the ones that make it a remark) and the words that say nothing by
// themselves (function words, question words, chat words), in lower case.
// A contraction counts as written: "don't" is a function word, "dont" is
// one only as remark-words.txt lists it ("shed" is no "she'd").
var remarkWords = sync.OnceValue(func() (vocab struct{ remark, neutral map[string]bool }) {
	vocab.remark, vocab.neutral = map[string]bool{}, map[string]bool{}
	for _, w := range builtinWords("remark-words.txt") {
		vocab.remark[strings.ToLower(w)] = true
	}
	for w := range chatWords() {
		vocab.remark[strings.ToLower(w)] = true
	}
	for _, name := range []string{"function-words.txt", "question-words.txt"} {
		for _, w := range builtinWords(name) {
			vocab.neutral[strings.ToLower(w)] = true
		}
	}
	return vocab
})

// isRemark reports whether a message is a remark rather than a question:
// every word of it is a remark word or says nothing by itself, and one is
// a remark word ("thanks, that was helpful", "help", "you're the best"). A
// message of function words alone ("what is it?") is no remark: it has
// nothing to search for.
func isRemark(q string) bool {
	vocab := remarkWords()
	remark := false
	for _, w := range scanWords(q) {
		if topicWord(w) {
			return false
		}
		remark = remark || vocab.remark[strings.Trim(w.lower, "'")]
	}
	return remark
}

// topicWord reports whether a word is one to search for: neither a function
// word, a question word nor a remark word.
func topicWord(w word) bool {
	vocab := remarkWords()
	lw := strings.Trim(w.lower, "'")
	return lw != "" && !vocab.remark[lw] && !vocab.neutral[lw]
}
