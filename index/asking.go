package index

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// People in a chat wrap a question in the ways they ask ("can you help me
// understand what happened in stage 3", "i'm confused about the roadmap"),
// and say things that are no question at all ("thanks, that was helpful",
// "you're the best", "that makes sense"). The first are read without their
// ways of asking; the second are remarks, answered by no passage.

// requestFrames are the phrases of lexicon/request-frames.txt, longest first.
var requestFrames = sync.OnceValue(func() []string {
	var out []string
	for _, l := range builtinLines("request-frames.txt") {
		out = append(out, strings.ToLower(strings.Join(strings.Fields(l), " ")))
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
})

// requestFrameRe matches a way of asking as a whole phrase, in any case, an
// apostrophe curly, straight or left out.
var requestFrameRe = sync.OnceValue(func() *regexp.Regexp {
	alts := make([]string, 0, len(requestFrames()))
	for _, f := range requestFrames() {
		var sb strings.Builder
		for i, w := range strings.Split(f, " ") {
			if i > 0 {
				sb.WriteString(`\s+`)
			}
			for j, part := range strings.Split(w, "'") {
				if j > 0 {
					sb.WriteString(`['\x{2019}]?`)
				}
				sb.WriteString(regexp.QuoteMeta(part))
			}
		}
		alts = append(alts, sb.String())
	}
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(alts, "|") + `)\b`)
})

// askingSpans are the byte spans of a question's ways of asking.
func askingSpans(q string) [][2]int {
	var out [][2]int
	for _, m := range requestFrameRe().FindAllStringIndex(q, -1) {
		out = append(out, [2]int{m[0], m[1]})
	}
	return out
}

// remarkWords are the words a remark may be made of (lexicon/remark-words.txt:
// the ones that make it a remark) and the words that say nothing by
// themselves (function words, question words, chat words).
var remarkWords = sync.OnceValue(func() (vocab struct{ remark, neutral map[string]bool }) {
	vocab.remark, vocab.neutral = map[string]bool{}, map[string]bool{}
	for _, w := range builtinWords("remark-words.txt") {
		vocab.remark[w] = true
	}
	for w := range chatWords() {
		vocab.remark[w] = true
	}
	for _, name := range []string{"function-words.txt", "question-words.txt"} {
		for _, w := range builtinWords(name) {
			vocab.neutral[w] = true
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
	for _, w := range wordRe.FindAllString(strings.ToLower(q), -1) {
		w = strings.Trim(strings.ReplaceAll(w, "\u2019", "'"), "'")
		switch {
		case w == "":
		case vocab.remark[w]:
			remark = true
		case !vocab.neutral[w]:
			return false
		}
	}
	return remark
}
