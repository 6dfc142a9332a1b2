package index

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	unitok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"golang.org/x/text/unicode/norm"
)

// analyzerName is the analyzer of every text field. It is registered with
// bleve's (process-wide) registry on first use.
const analyzerName = "casebot_en"

var registerOnce sync.Once

func registerAnalysis() {
	registerOnce.Do(func() {
		// The error is "already registered", which the Once rules out.
		_ = registry.RegisterAnalyzer(analyzerName, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return newAnalyzer(), nil
		})
	})
}

// analyzer is casebot's English analysis chain. Per token: keep all-capital
// acronyms ("IT", "US", and "U.S." written with stops, which become "US")
// out of the stop list; strip possessives
// (straight or curly apostrophe); lower-case; fold accents (per token, so match
// offsets stay on the original text); turn number words and ordinals into
// digits ("fourth", "4th" -> "4"); drop stop words; fold British spellings into
// American ones ("digitalisation" -> "digitalization"); stem (Snowball
// English). A hyphenated word also yields its parts joined ("e-government"
// gives "e", "government" and "egovernment"), so "eGovernment" matches it.
type analyzer struct {
	tokenizer analysis.Tokenizer
	stop      map[string]bool
}

func newAnalyzer() *analyzer {
	stop := map[string]bool{}
	tm := analysis.NewTokenMap()
	// The list is bleve's built-in Snowball list; loading it cannot fail.
	_ = tm.LoadBytes(en.EnglishStopWords)
	for w := range tm {
		stop[w] = true
	}
	return &analyzer{
		tokenizer: unitok.NewUnicodeTokenizer(),
		stop:      stop,
	}
}

func (a *analyzer) Analyze(input []byte) analysis.TokenStream {
	toks := pieces(a.tokenizer.Tokenize(input))
	shouting := shoutingRuns(toks)
	out := make(analysis.TokenStream, 0, len(toks)+len(toks)/8)
	for i, t := range toks {
		acronym := !shouting[i] && (isAcronym(t.Term) || isInitialism(t.Term) && bytes.ContainsFunc(t.Term, unicode.IsUpper))
		norm, term := analyzeToken(t.Term)
		if norm == "" {
			continue
		}
		if !acronym && a.stop[norm] {
			continue
		}
		t.Term = []byte(term)
		out = append(out, t)
		// "e-government": also emit "egovernment" at the first part's position.
		if i+1 < len(toks) && t.End < len(input) && input[t.End] == '-' && toks[i+1].Start == t.End+1 {
			next := toks[i+1]
			joined := normalizeTerm(append(append([]byte{}, input[t.Start:t.End]...), next.Term...))
			if joined != "" {
				out = append(out, &analysis.Token{
					Term: []byte(stem(joined)), Start: t.Start, End: next.End,
					Position: t.Position, Type: t.Type,
				})
			}
		}
	}
	return out
}

// pieces splits a word joined with underscores ("erosion_rate": an
// identifier, a path in a URL) into its parts, so that "rate" finds it;
// positions are numbered again in order, each part a word.
func pieces(toks analysis.TokenStream) analysis.TokenStream {
	joined := func(t *analysis.Token) bool { return bytes.IndexByte(t.Term, '_') >= 0 }
	if !slices.ContainsFunc(toks, joined) {
		return toks
	}
	out := make(analysis.TokenStream, 0, len(toks)+8)
	for _, t := range toks {
		if !joined(t) {
			t.Position = len(out) + 1
			out = append(out, t)
			continue
		}
		for a := 0; a < len(t.Term); {
			z := bytes.IndexByte(t.Term[a:], '_')
			if z < 0 {
				z = len(t.Term)
			} else {
				z += a
			}
			if z > a {
				out = append(out, &analysis.Token{Term: t.Term[a:z], Start: t.Start + a, End: t.Start + z, Position: len(out) + 1, Type: t.Type})
			}
			a = z + 1
		}
	}
	return out
}

// analyzeToken returns a token's normalized form (normalizeTerm), which
// the stop list is checked against, and its stem. Both depend on the
// token's bytes alone, so the last results are remembered in a table of
// termSlots entries indexed by a hash of the bytes (a newer token in a slot
// replaces an older one), read and written without locks.
func analyzeToken(raw []byte) (norm, stemmed string) {
	slot := &termTable[maphash.Bytes(termSeed, raw)&(termSlots-1)]
	if e := slot.Load(); e != nil && e.raw == string(raw) {
		return e.norm, e.stemmed
	}
	norm = normalizeTerm(raw)
	if norm != "" {
		stemmed = stem(norm)
	}
	slot.Store(&termEntry{raw: string(raw), norm: norm, stemmed: stemmed})
	return norm, stemmed
}

const termSlots = 1 << 16

type termEntry struct{ raw, norm, stemmed string }

var (
	termTable [termSlots]atomic.Pointer[termEntry]
	termSeed  = maphash.MakeSeed()
)

// normalizeTerm applies the per-token steps before stop words and stemming.
func normalizeTerm(raw []byte) string {
	term := stripPossessive(raw)
	if n, ok := romanNumeral(string(term)); ok {
		return strconv.Itoa(n) // "Stage II" is "Stage 2", "World War II" the second
	}
	s := string(term)
	if isInitialism(term) {
		s = strings.ReplaceAll(s, ".", "") // "U.S." is "US", "G.P.K.I." "GPKI"
	}
	if !isASCII(s) {
		// compatibility forms: full-width "ＧＰＫＩ" is "GPKI", the ligature
		// in "ﬁnancial" (text pasted from a PDF) is "fi"
		s = norm.NFKC.String(s)
	}
	s = strings.ToLower(s)
	s = foldAccents(s)
	if d, ok := numberWord(s); ok {
		return d
	}
	return britishToAmerican(s)
}

func stem(term string) string {
	if len(term) < 3 || term[0] >= '0' && term[0] <= '9' {
		return term
	}
	if s, ok := stemCache.Load(term); ok {
		return s.(string)
	}
	env := snowballstem.NewEnv(term)
	english.Stem(env)
	s := env.Current()
	if stemCacheSize.Add(1) <= maxStemCache {
		stemCache.Store(term, s)
	}
	return s
}

// Stemming is the costliest step of analysis, and a corpus and its questions
// use a bounded vocabulary, so stems are remembered, up to maxStemCache words
// (beyond that, new words are stemmed each time).
var (
	stemCache     sync.Map
	stemCacheSize atomic.Int64
)

const maxStemCache = 200000

func stripPossessive(t []byte) []byte {
	for _, suffix := range [][]byte{[]byte("'s"), []byte("’s"), []byte("'S"), []byte("’S"), []byte("s'"), []byte("s’")} {
		if bytes.HasSuffix(t, suffix) && len(t) > len(suffix) {
			if suffix[0] == 's' { // "countries'" -> "countries"
				return t[:len(t)-len(suffix)+1]
			}
			return t[:len(t)-len(suffix)]
		}
	}
	return t
}

// isAcronym reports whether a token is written in capitals ("IT", "G4C",
// "MOIS"): two to eight letters or digits with at least two capital letters
// and no lower-case letter.
func isAcronym(t []byte) bool {
	upper, n := 0, 0
	for _, r := range string(t) {
		n++
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsDigit(r):
		default:
			return false
		}
	}
	return upper >= 2 && n <= 8
}

// isInitialism reports whether a token is single letters joined by full
// stops ("U.S", "G.P.K.I"; the tokenizer leaves the last stop out).
func isInitialism(t []byte) bool {
	parts := 0
	for len(t) > 0 {
		r, size := utf8.DecodeRune(t)
		if !unicode.IsLetter(r) {
			return false
		}
		t = t[size:]
		parts++
		if len(t) == 0 {
			break
		}
		if t[0] != '.' || len(t) == 1 {
			return false
		}
		t = t[1:]
	}
	return parts >= 2
}

// shoutingRuns marks tokens that sit in a run of three or more all-capital
// words ("ABOUT THE AUTHOR"): those are not acronyms.
func shoutingRuns(toks analysis.TokenStream) []bool {
	marks := make([]bool, len(toks))
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && isAcronym(toks[j].Term) {
			j++
		}
		if j-i >= 3 {
			for k := i; k < j; k++ {
				marks[k] = true
			}
		}
		if j == i {
			j++
		}
		i = j
	}
	return marks
}

var accentFold = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "æ", "ae",
	"ç", "c", "è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i",
	"î", "i", "ï", "i", "ñ", "n", "ò", "o", "ó", "o", "ô", "o", "õ", "o",
	"ö", "o", "ø", "o", "œ", "oe", "ù", "u", "ú", "u", "û", "u", "ü", "u",
	"ý", "y", "ÿ", "y", "ß", "ss",
)

func foldAccents(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// "cafe" and an accent mark after it, as macOS and some PDFs
			// store "café", are composed into one letter first.
			return accentFold.Replace(norm.NFC.String(s))
		}
	}
	return s
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20,
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
	"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
	"twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
	"sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
	"twentieth": 20,
}

// isOrdinal reports whether a lower-case word is an ordinal: "fifth", "5th"
// (the number words that rank all end as the written-out ordinals do).
func isOrdinal(s string) bool {
	if len(s) < 3 {
		return false
	}
	switch s[len(s)-2:] {
	case "st", "nd", "rd", "th":
	default:
		return false
	}
	_, word := numberWords[s]
	_, err := strconv.Atoi(s[:len(s)-2])
	return word || err == nil
}

// numberWord turns "four", "fourth" and "4th" into "4".
func numberWord(s string) (string, bool) {
	if n, ok := numberWords[s]; ok {
		return strconv.Itoa(n), true
	}
	if len(s) > 2 {
		digits, suffix := s[:len(s)-2], s[len(s)-2:]
		if suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th" {
			if n, err := strconv.Atoi(digits); err == nil && n >= 0 {
				return strconv.Itoa(n), true
			}
		}
	}
	return "", false
}

// romanNumeral reads a Roman numeral of two letters or more written in
// capitals with I, V and X only ("II", "IV", "XIV": up to 39), the way
// labels and ordinals are numbered ("Stage II", "Henry VIII"). One letter
// ("I", "V", "X") is a pronoun or a name as often, and L, C, D and M are
// names ("the class L") more often than numbers.
func romanNumeral(s string) (int, bool) {
	if len(s) < 2 || len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		v := romanValue(s[i])
		if v == 0 {
			return 0, false
		}
		if i+1 < len(s) && romanValue(s[i+1]) > v {
			n -= v
		} else {
			n += v
		}
	}
	// Only the canonical spelling counts: "IIII" or "VX" is no numeral.
	if n <= 0 || n > 39 || toRoman(n) != s {
		return 0, false
	}
	return n, true
}

// romanValue is the value of the Roman digits I, V and X, else 0.
func romanValue(b byte) int {
	switch b {
	case 'I':
		return 1
	case 'V':
		return 5
	case 'X':
		return 10
	}
	return 0
}

// toRoman writes 1 to 39 as a Roman numeral.
func toRoman(n int) string {
	var sb strings.Builder
	for _, p := range [...]struct {
		v int
		s string
	}{{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			sb.WriteString(p.s)
			n -= p.v
		}
	}
	return sb.String()
}

// spellingRules fold British endings into American ones (and "-ship" nouns
// into the noun they are made from). They run on both
// documents and questions, so a rule that also changes a word that was never
// British (a "rise" would become "rize") is harmless: both sides change alike.
var spellingRules = []struct {
	suffix, repl string
	minStem      int // letters that must precede the suffix
}{
	{"isations", "izations", 2}, {"isation", "ization", 2},
	{"ising", "izing", 3}, {"ised", "ized", 3}, {"ises", "izes", 3}, {"isers", "izers", 3},
	{"iser", "izer", 3}, {"ise", "ize", 3},
	{"ysing", "yzing", 2}, {"ysed", "yzed", 2}, {"yses", "yzes", 3}, {"yse", "yze", 2},
	{"ours", "ors", 3}, {"our", "or", 3}, {"oured", "ored", 3}, {"ouring", "oring", 3},
	{"ourite", "orite", 3}, {"ourites", "orites", 3}, {"ourable", "orable", 3},
	{"tres", "ters", 2}, {"tre", "ter", 2}, {"bres", "bers", 2}, {"bre", "ber", 2},
	{"ogues", "ogs", 3}, {"ogue", "og", 3},
	{"ammes", "ams", 3}, {"amme", "am", 3},
	{"elled", "eled", 2}, {"elling", "eling", 2}, {"eller", "eler", 2}, {"ellers", "elers", 2},
	{"fence", "fense", 2}, {"fences", "fenses", 2},
	// not a spelling rule, a word-formation one: "leadership" is about leaders
	{"ship", "", 4}, {"ships", "", 4},
}

// rulesByLastByte lists, for each byte, the indexes of the spelling rules
// whose suffix ends with it, in rule order.
var rulesByLastByte = func() (by [256][]int) {
	for i, r := range spellingRules {
		last := r.suffix[len(r.suffix)-1]
		by[last] = append(by[last], i)
	}
	return by
}()

// britishToAmerican folds one lower-case word.
func britishToAmerican(s string) string {
	if s == "" {
		return s
	}
	best := -1
	for _, i := range rulesByLastByte[s[len(s)-1]] {
		r := spellingRules[i]
		if strings.HasSuffix(s, r.suffix) && len(s)-len(r.suffix) >= r.minStem {
			if best < 0 || len(r.suffix) > len(spellingRules[best].suffix) {
				best = i
			}
		}
	}
	if best < 0 {
		return s
	}
	r := spellingRules[best]
	return s[:len(s)-len(r.suffix)] + r.repl
}

// sharedAnalyzer is the analyzer used outside bleve (questions, vocabulary,
// highlights). It holds no per-call state, so one value serves every caller.
var sharedAnalyzer = sync.OnceValue(newAnalyzer)

// isASCII reports whether s is all ASCII (most text is, and needs no
// width folding).
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
