package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period without ending a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "vs": true, "cf": true, "al": true,
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"no": true, "nos": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"fig": true, "approx": true, "jan": true, "feb": true, "mar": true, "apr": true,
	"jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "jr": true, "sr": true, "art": true, "sec": true,
	// works, pages and titles: "Op. 28 No. 7", "Vol. 2", "pp. 12", "Rev. J. Smith"
	"op": true, "opp": true, "vol": true, "vols": true, "pp": true, "ch": true,
	"rev": true, "gen": true, "col": true, "lt": true, "capt": true, "sgt": true,
	"mt": true, "viz": true, "ca": true,
	// titles before a name: "Fr. Sorin", "Gov. Brown", "Sen. Smith", "Mme. Curie"
	"fr": true, "gov": true, "sen": true, "rep": true, "hon": true, "pres": true,
	"adm": true, "maj": true, "brig": true, "cmdr": true, "supt": true, "msgr": true,
	"messrs": true, "mme": true, "mlle": true, "rt": true,
}

// Sentences returns byte spans [start, end) that cover text from its first to
// its last byte, one per sentence; a sentence's span includes the spaces that
// follow it. A sentence ends at ".", "!" or "?" (after any closing quotes or
// brackets) followed by a space and a capital, digit, quote or bracket, unless
// the word before the period is an abbreviation or an initial.
func Sentences(text string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		end := i
		for end < len(text) {
			c, sz := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune(`)]"'”’»`, c) {
				break
			}
			end += sz
		}
		next := end
		for next < len(text) {
			c, sz := utf8.DecodeRuneInString(text[next:])
			if !unicode.IsSpace(c) {
				break
			}
			next += sz
		}
		if next == end || next >= len(text) {
			continue // no space after it, or end of text
		}
		c, _ := utf8.DecodeRuneInString(text[next:])
		if !(unicode.IsUpper(c) || unicode.IsDigit(c) || strings.ContainsRune(`"'“‘([•-–`, c) || capitalInside(text[next:])) {
			continue
		}
		if r == '.' && isAbbreviation(text[start:i-1]) {
			continue
		}
		out = append(out, [2]int{start, next})
		start = next
		i = next
	}
	if start < len(text) {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}

// capitalInside reports whether the word at the start of s has a capital
// after a hyphen ("e-Governance", which starts a sentence in lower case).
func capitalInside(s string) bool {
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		end = len(s)
	}
	i := strings.IndexByte(s[:end], '-')
	if i < 0 || i+1 >= end {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i+1 : end])
	return unicode.IsUpper(r)
}

// isAbbreviation reports whether the word that ends s is an abbreviation or a
// single-letter initial.
func isAbbreviation(s string) bool {
	i := strings.LastIndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '(' })
	word := strings.ToLower(s[i+1:])
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsLetter(r)
	}
	return abbreviations[word] || strings.Contains(word, ".")
}
