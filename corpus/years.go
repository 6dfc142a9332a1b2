package corpus

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Span is a range of years, both ends included. An open span ("2018
// onward", "since 1997") runs to the year now and is vaguer than a closed one.
type Span struct {
	From int  `json:"from"`
	To   int  `json:"to"`
	Open bool `json:"open,omitempty"`
}

// Contains reports whether y falls in the span.
func (s Span) Contains(y int) bool { return s.From <= y && y <= s.To }

// Overlap returns how many years two spans share.
func (s Span) Overlap(o Span) int {
	a, b := max(s.From, o.From), min(s.To, o.To)
	if b < a {
		return 0
	}
	return b - a + 1
}

// Len is the number of years in the span.
func (s Span) Len() int { return s.To - s.From + 1 }

// YearPattern is a regular expression of the years Years reads: four
// digits from 1000 to 2099 (IsYear).
const YearPattern = year

const (
	year   = `(1\d\d\d|20\d\d)`
	decade = `(1\d\d0|20\d0)[’']?s`
	point  = `(?:` + decade + `|` + year + `)`
)

var (
	// "1980s to 1995", "2008-2012", "from 1993 to 2001", "between 2003 and 2007", "2008–12"
	rangeRe = regexp.MustCompile(`(?i)\b` + point + `\s*(?:-|–|—|to|through|until|till|and)\s*(?:` + decade + `|` + year + `|(\d\d))\b`)
	// "2018 onward", "( 2018- onward)", "since 2018", "from 2018 on", "after 2018";
	// "on" only where a clause ends ("from 2018 on, ..."), not before a word
	// ("in 2008 on the EGDI": a preposition)
	openRe  = regexp.MustCompile(`(?i)(?:\b` + year + `\s*[-–—]?\s*(?:onwards?|on(?:\s*$|\s*[^\s\p{L}\p{N}])|and beyond|to date|to the present|present|now)|\b(?:since|after)\s+(?:the\s+)?` + point + `)`)
	pointRe = regexp.MustCompile(`(?i)\b` + point + `\b`)
	// "the 11th century", "the 10th and 11th centuries", "12th-century"
	centuryRe = regexp.MustCompile(`(?i)\b(1\d|2[01]|[1-9])(?:st|nd|rd|th)(?:\s*(?:-|–|—|to|and|or)\s*(1\d|2[01]|[1-9])(?:st|nd|rd|th))?[\s-]+centur(?:y|ies)\b`)
)

// Years finds the years, decades, centuries and spans of years a text names,
// in order of appearance. A decade ("the 1980s") spans its ten years, a
// century ("the 11th century") its hundred (1001 to 1100); an open span
// ("2018 onward", "since 2018") runs to the year now. Numbers outside
// 1000-2099 are not years.
func Years(text string, now int) []Span {
	spans, _ := ReadYears(text, now)
	return spans
}

// ReadYears is Years, and the byte ranges of the two-digit years that end
// spans ("12" of "2008-12", "95" of "1980s to 95"): years, not numbers.
func ReadYears(text string, now int) ([]Span, [][2]int) {
	years, centuries := mayHoldYear(text), mayHoldCentury(text)
	if !years && !centuries {
		return nil, nil
	}
	var ends [][2]int
	type found struct {
		at   int
		span Span
	}
	var spans []found
	taken := make([]bool, len(text))
	mark := func(a, b int) bool {
		for i := a; i < b; i++ {
			if taken[i] {
				return false
			}
		}
		for i := a; i < b; i++ {
			taken[i] = true
		}
		return true
	}
	for _, m := range findAll(years, rangeRe, text) {
		from := pointSpan(text, m[2], m[3], m[4], m[5])
		var to Span
		switch {
		case m[6] >= 0:
			to = decadeSpan(text[m[6]:m[7]])
		case m[8] >= 0:
			to = yearSpan(text[m[8]:m[9]])
		default: // two-digit end: "2008-12"
			yy, _ := strconv.Atoi(text[m[10]:m[11]])
			y := from.From/100*100 + yy
			if y <= from.From {
				continue // "1995-05" is not a span
			}
			to = Span{From: y, To: y}
		}
		if to.To < from.From || to.To-from.From > 200 {
			continue
		}
		if mark(m[0], m[1]) {
			spans = append(spans, found{m[0], Span{From: from.From, To: to.To}})
			if m[10] >= 0 {
				ends = append(ends, [2]int{m[10], m[11]})
			}
		}
	}
	for _, m := range findAll(years, openRe, text) {
		var from Span
		if m[2] >= 0 {
			from = yearSpan(text[m[2]:m[3]])
		} else {
			from = pointSpan(text, m[4], m[5], m[6], m[7])
		}
		if from.From > now {
			continue
		}
		if mark(m[0], m[1]) {
			spans = append(spans, found{m[0], Span{from.From, now, true}})
		}
	}
	for _, m := range findAll(centuries, centuryRe, text) {
		from, _ := strconv.Atoi(text[m[2]:m[3]])
		to := from
		if m[4] >= 0 {
			to, _ = strconv.Atoi(text[m[4]:m[5]])
		}
		if to < from {
			continue
		}
		if mark(m[0], m[1]) {
			spans = append(spans, found{m[0], Span{From: (from-1)*100 + 1, To: to * 100}})
		}
	}
	for _, m := range findAll(years, pointRe, text) {
		if mark(m[0], m[1]) {
			spans = append(spans, found{m[0], pointSpan(text, m[2], m[3], m[4], m[5])})
		}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].at < spans[j].at })
	if len(spans) == 0 {
		return nil, nil
	}
	out := make([]Span, len(spans))
	for i, f := range spans {
		out[i] = f.span
	}
	return out, ends
}

// mayHoldYear is a quick test that a text has four digits standing alone
// that could be a year ("1" and three digits, or "20" and two), before the
// costlier patterns run.
func mayHoldYear(text string) bool {
	for i := 0; i+3 < len(text); i++ {
		if IsYear(text[i:i+4]) && (i == 0 || !isDigit(text[i-1])) && (i+4 == len(text) || !isDigit(text[i+4])) {
			return true
		}
	}
	return false
}

// IsYear reports whether s is a year Years reads: four digits from 1000 to
// 2099.
func IsYear(s string) bool {
	return len(s) == 4 && (s[0] == '1' || s[0] == '2' && s[1] == '0') &&
		isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3])
}

// findAll is re's submatches in text, when the quick test allows them.
func findAll(may bool, re *regexp.Regexp, text string) [][]int {
	if !may {
		return nil
	}
	return re.FindAllStringSubmatchIndex(text, -1)
}

// mayHoldCentury is the same for "century" and "centuries".
func mayHoldCentury(text string) bool {
	return strings.Contains(text, "entur") || strings.Contains(text, "ENTUR")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func pointSpan(text string, da, db, ya, yb int) Span {
	if da >= 0 {
		return decadeSpan(text[da:db])
	}
	return yearSpan(text[ya:yb])
}

func decadeSpan(s string) Span {
	y, _ := strconv.Atoi(s[:4])
	return Span{From: y, To: y + 9}
}

func yearSpan(s string) Span {
	y, _ := strconv.Atoi(s[:4])
	return Span{From: y, To: y}
}
