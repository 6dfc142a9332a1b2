package corpus

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// VocabExt is the file extension of vocabulary files in a corpus.
const VocabExt = ".vocab"

// Rule says that words or phrases mean the same. In a two-way rule every
// term stands for every other; in a one-way rule a question that uses one of
// From also searches for To.
type Rule struct {
	From   []string
	To     []string
	OneWay bool
	// Where is "file:line", for messages.
	Where string
}

// Terms returns every term of the rule.
func (r Rule) Terms() []string { return append(append([]string(nil), r.From...), r.To...) }

// ParseVocabulary reads a vocabulary file: one rule a line,
//
//	# a comment
//	MOIS = Ministry of the Interior and Safety     (two-way: any term finds the others)
//	coronavirus = COVID-19 = pandemic
//	gov24 => Government24                          (one-way: left finds right)
//	IT, info tech => information technology        (commas list several terms on a side)
//
// Terms are matched after the same analysis as the documents (case, spelling,
// word forms), so a rule needs no plural or British variants.
func ParseVocabulary(name string, r io.Reader) ([]Rule, error) {
	var rules []Rule
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			// A byte order mark (Windows Notepad) is no part of the first
			// line: "\ufeff# comment" is a comment, not a malformed rule.
			line = strings.TrimPrefix(line, "\ufeff")
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", name, n)
		rule := Rule{Where: where}
		if from, to, ok := strings.Cut(line, "=>"); ok {
			rule.OneWay = true
			rule.From, rule.To = vocabTerms(from), vocabTerms(to)
		} else {
			parts := vocabTerms(strings.ReplaceAll(line, "=", ","))
			if len(parts) > 0 {
				rule.From, rule.To = parts[:1], parts[1:]
			}
		}
		if len(rule.From) == 0 || len(rule.To) == 0 {
			return nil, fmt.Errorf("%s: want \"a = b\" or \"a => b\", got %q", where, line)
		}
		rules = append(rules, rule)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return rules, nil
}

func vocabTerms(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
