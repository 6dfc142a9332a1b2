package index

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
)

// EvalQuestion is one line of a question file:
//
//	{"id": "d01", "q": "question text", "expect": [ALT, ...]}   answerable
//	{"id": "d31", "q": "question text", "abstain": true}          out of scope
//
// ALT is a phrase, or a list of phrases that must all appear. A question is
// answered right when the first citation's text contains one ALT, compared
// lower-cased with every run of other characters than letters and digits
// folded to one space.
type EvalQuestion struct {
	ID      string            `json:"id"`
	Q       string            `json:"q"`
	Expect  []json.RawMessage `json:"expect,omitempty"`
	Abstain bool              `json:"abstain,omitempty"`
}

// alternatives decodes Expect: each entry is a string or a list of strings.
func (q EvalQuestion) alternatives() ([][]string, error) {
	var out [][]string
	for _, raw := range q.Expect {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			out = append(out, []string{one})
			continue
		}
		var all []string
		if err := json.Unmarshal(raw, &all); err != nil {
			return nil, fmt.Errorf("question %s: expect entries are strings or lists of strings", q.ID)
		}
		out = append(out, all)
	}
	// A phrase the comparison folds to nothing ("", "--", one in another
	// script than Latin) is in every text, as an empty list is all there.
	for _, alt := range out {
		if len(alt) == 0 {
			return nil, fmt.Errorf("question %s: an empty list of expected phrases matches any answer", q.ID)
		}
		for _, p := range alt {
			if Fold(p) == "" {
				return nil, fmt.Errorf("question %s: expected phrase %q has no ASCII letters or digits to compare, and would match any answer", q.ID, p)
			}
		}
	}
	return out, nil
}

// ReadQuestions reads a question file.
func ReadQuestions(r io.Reader) ([]EvalQuestion, error) {
	var qs []EvalQuestion
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			// A byte order mark (a file saved by Windows Notepad) is no
			// part of the first line's JSON.
			line = strings.TrimPrefix(line, "\ufeff")
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var q EvalQuestion
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if strings.TrimSpace(q.Q) == "" || (!q.Abstain && len(q.Expect) == 0) {
			return nil, fmt.Errorf("line %d: want \"q\" and either \"expect\" or \"abstain\": true", n)
		}
		if _, err := q.alternatives(); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	if len(qs) == 0 {
		return nil, errors.New("no questions")
	}
	return qs, nil
}

// EvalReport is how an index did on a question set.
type EvalReport struct {
	Answerable, Top1, Top3 int
	OutOfScope, Abstained  int
	Citations, ValidCites  int
	Failures               []string
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Top1Rate and the others are the report's shares.
func (r EvalReport) Top1Rate() float64    { return ratio(r.Top1, r.Answerable) }
func (r EvalReport) Top3Rate() float64    { return ratio(r.Top3, r.Answerable) }
func (r EvalReport) AbstainRate() float64 { return ratio(r.Abstained, r.OutOfScope) }
func (r EvalReport) ValidRate() float64   { return ratio(r.ValidCites, r.Citations) }

func (r EvalReport) String() string {
	return fmt.Sprintf("top1 %.3f (%d/%d) top3 %.3f abstain %.3f (%d/%d) valid-citations %.3f (%d/%d)",
		r.Top1Rate(), r.Top1, r.Answerable, r.Top3Rate(), r.AbstainRate(), r.Abstained, r.OutOfScope,
		r.ValidRate(), r.ValidCites, r.Citations)
}

// Evaluate asks every question and scores the answers the way
// ../shared/eval/score does, checking each citation against the stored text
// of its document.
func (ix *Index) Evaluate(ctx context.Context, qs []EvalQuestion, opts AskOptions) (EvalReport, error) {
	var r EvalReport
	for _, q := range qs {
		ans, err := ix.Ask(ctx, q.Q, opts)
		if err != nil && err != ErrEmptyQuestion {
			return r, fmt.Errorf("question %s: %w", q.ID, err)
		}
		for _, c := range ans.Citations {
			r.Citations++
			if why := ix.checkCitation(c); why != "" {
				r.Failures = append(r.Failures, fmt.Sprintf("%s invalid citation %s: %s", q.ID, c.ID, why))
			} else {
				r.ValidCites++
			}
		}
		if q.Abstain {
			r.OutOfScope++
			if !ans.Answered {
				r.Abstained++
			} else {
				r.Failures = append(r.Failures, fmt.Sprintf("%s answered an out-of-scope question: %s", q.ID, q.Q))
			}
			continue
		}
		r.Answerable++
		if !ans.Answered || len(ans.Citations) == 0 {
			r.Failures = append(r.Failures, fmt.Sprintf("%s abstained on: %s", q.ID, q.Q))
			continue
		}
		alts, _ := q.alternatives()
		switch {
		case expectMatch(ans.Citations[0].Text, alts):
			r.Top1++
			r.Top3++
		case len(ans.Citations) > 1 && expectMatchAny(ans.Citations[1:min(3, len(ans.Citations))], alts):
			r.Top3++
			r.Failures = append(r.Failures, fmt.Sprintf("%s right passage not first: %s -> %.90q", q.ID, q.Q, ans.Citations[0].Text))
		default:
			r.Failures = append(r.Failures, fmt.Sprintf("%s wrong passage: %s -> %.90q", q.ID, q.Q, ans.Citations[0].Text))
		}
	}
	return r, nil
}

var foldRe = regexp.MustCompile(`[^0-9a-z]+`)

// Fold lower-cases s and turns every run of characters other than ASCII
// letters and digits into one space, as the scorer compares texts.
func Fold(s string) string {
	return strings.TrimSpace(foldRe.ReplaceAllString(strings.ToLower(s), " "))
}

func expectMatch(text string, alts [][]string) bool {
	t := Fold(text)
	for _, alt := range alts {
		all := true
		for _, p := range alt {
			all = all && strings.Contains(t, Fold(p))
		}
		if all {
			return true
		}
	}
	return false
}

func expectMatchAny(cs []Citation, alts [][]string) bool {
	for _, c := range cs {
		if expectMatch(c.Text, alts) {
			return true
		}
	}
	return false
}

// checkCitation says why a citation is not valid, or "" when it is: its text
// must stand (folded) in its line range of the stored document and be at
// most corpus.MaxPassageRunes long.
func (ix *Index) checkCitation(c Citation) string {
	if strings.TrimSpace(c.Text) == "" || utf8.RuneCountInString(c.Text) > corpus.MaxPassageRunes {
		return "empty or too long"
	}
	text, ok := ix.DocText(c.Source)
	if !ok {
		return "source not in the index: " + c.Source
	}
	lines := strings.Split(text, "\n")
	if c.LineStart < 1 || c.LineEnd < c.LineStart || c.LineEnd > len(lines) {
		return fmt.Sprintf("bad line range %d-%d", c.LineStart, c.LineEnd)
	}
	if !strings.Contains(Fold(strings.Join(lines[c.LineStart-1:c.LineEnd], " ")), Fold(c.Text)) {
		return fmt.Sprintf("text not in %s:%d-%d", c.Source, c.LineStart, c.LineEnd)
	}
	return ""
}

// DocText returns the stored text of an indexed document.
func (ix *Index) DocText(path string) (string, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return "", false
	}
	return ix.st.docText(path)
}
