package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Topics are the lookups that casebot offers beside free questions: a
// numbered stage, an agency by name or acronym, the success factors. Each
// is a question put to Ask in the case study's own words, with what the
// index knows (the series the documents number, the acronyms they define)
// to pick the question and label the answer. The bot's /stage, /agency and
// /factors and the CLI's "casebot stage", "casebot agency" and "casebot
// factors" both call these, so they give the same answers.

// The case study's words for its topics. They are questions, not answers:
// what comes back is what the documents say.
const (
	// StageWord is the word the documents number their stages with.
	StageWord = "stage"
	// FactorsQuestion asks for the success factors.
	FactorsQuestion = "What are the success factors?"
)

// Topic is the answer to a lookup.
type Topic struct {
	// Title names what was looked up: the stage's first sentence, the
	// agency's full name and acronym, "Success factors".
	Title string `json:"title"`
	// Question is the question put to Ask.
	Question string `json:"question"`
	Answer   Answer `json:"answer"`
	// Lead is a passage to cite before the answer's own citations (the
	// stage's opening passage), or nil.
	Lead *Citation `json:"lead,omitempty"`
}

// Passages lists the ids of the passages a topic shows: the lead, then
// the answer's citations (or suggestions, when it is not answered).
func (t Topic) Passages() []string {
	var ids []string
	if t.Lead != nil {
		ids = append(ids, t.Lead.ID)
	}
	cs := t.Answer.Citations
	if !t.Answer.Answered {
		cs = t.Answer.Suggestions
	}
	for _, c := range cs {
		if t.Lead == nil || c.ID != t.Lead.ID {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// ErrNoStages is returned by Stage when the documents number no stages.
var ErrNoStages = errors.New("the documents do not number any stages")

// StageRangeError is returned by Stage for a number the documents do not
// have.
type StageRangeError struct {
	N, First, Last int
}

func (e StageRangeError) Error() string {
	return fmt.Sprintf("the documents describe stages %d to %d; there is no stage %d", e.First, e.Last, e.N)
}

// Stages lists the stages the documents number, in order.
func (ix *Index) Stages(ctx context.Context) ([]Numbered, error) {
	s, err := ix.Numbered(ctx, StageWord)
	if err != nil {
		return nil, err
	}
	sort.Slice(s, func(i, j int) bool { return s[i].N < s[j].N })
	return s, nil
}

// Stage answers "what happened in stage n?", leading with the stage's own
// passage. When the question finds no answer, the stage's first sentence
// is the answer.
func (ix *Index) Stage(ctx context.Context, n int, opts AskOptions) (Topic, error) {
	stages, err := ix.Stages(ctx)
	if err != nil {
		return Topic{}, err
	}
	var st *Numbered
	for i := range stages {
		if stages[i].N == n {
			st = &stages[i]
		}
	}
	if st == nil {
		if len(stages) == 0 {
			return Topic{}, ErrNoStages
		}
		return Topic{}, StageRangeError{N: n, First: stages[0].N, Last: stages[len(stages)-1].N}
	}
	q := fmt.Sprintf("What happened in %s %d?", StageWord, n)
	a, err := ix.Ask(ctx, q, opts)
	if err != nil {
		return Topic{}, err
	}
	if !a.Answered {
		a = Answer{Question: q, Answered: true, Text: st.Label}
	}
	lead := st.Cite
	return Topic{Title: strings.Join(strings.Fields(st.Label), " "), Question: q, Answer: a, Lead: &lead}, nil
}

// Agencies lists the acronyms whose long form names an organisation
// (see isOrganisation), sorted by acronym.
func (ix *Index) Agencies() []Acronym {
	out := []Acronym{}
	for _, a := range ix.Acronyms() {
		if isOrganisation(a.Long) {
			out = append(out, a)
		}
	}
	return out
}

// FindAgency finds an agency by acronym or full name, ignoring case.
func (ix *Index) FindAgency(name string) (Acronym, bool) {
	name = strings.TrimSpace(name)
	for _, a := range ix.Agencies() {
		if strings.EqualFold(a.Short, name) || strings.EqualFold(a.Long, name) {
			return a, true
		}
	}
	return Acronym{}, false
}

// Agency answers "what is NAME?". A name the documents define as an
// organisation's acronym (or its full name) is asked about with both.
func (ix *Index) Agency(ctx context.Context, name string, opts AskOptions) (Topic, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Topic{}, ErrEmptyQuestion
	}
	q, title := "What is "+name+"?", name
	if a, ok := ix.FindAgency(name); ok {
		q = fmt.Sprintf("What is %s (%s)?", a.Long, a.Short)
		title = fmt.Sprintf("%s (%s)", a.Long, a.Short)
	}
	a, err := ix.Ask(ctx, q, opts)
	if err != nil {
		return Topic{}, err
	}
	return Topic{Title: title, Question: q, Answer: a}, nil
}

// Factors answers "what are the success factors?".
func (ix *Index) Factors(ctx context.Context, opts AskOptions) (Topic, error) {
	a, err := ix.Ask(ctx, FactorsQuestion, opts)
	if err != nil {
		return Topic{}, err
	}
	return Topic{Title: "Success factors", Question: FactorsQuestion, Answer: a}, nil
}

// orgWords are nouns that name a kind of body, in English generally:
// not a list of this corpus's organisations.
var orgWords = map[string]bool{
	"agency": true, "agencies": true, "institute": true, "ministry": true, "committee": true,
	"commission": true, "service": true, "center": true, "centre": true, "centers": true,
	"centres": true, "council": true, "office": true, "administration": true, "bureau": true,
	"authority": true, "department": true, "board": true, "organisation": true,
	"organization": true, "foundation": true, "association": true, "alliance": true,
	"corporation": true, "federation": true, "society": true, "nations": true, "union": true,
}

// isOrganisation reads a long form as an organisation's name when it is
// written as a name (a capital first) and its head noun, the last word
// before "of", "for", "on"... ("Ministry of the Interior", "Korea
// Centers for Disease Control", "National Tax Service"), names a kind of
// body. "Master of Business Administration" and "United Nations Public
// Service Awards" are not.
func isOrganisation(long string) bool {
	words := strings.Fields(long)
	if len(words) < 2 {
		return false
	}
	if r := []rune(words[0]); r[0] < 'A' || r[0] > 'Z' {
		return false
	}
	head := words
	for i, w := range words {
		if w == "of" || w == "for" || w == "on" || w == "in" || w == "to" || w == "at" {
			head = words[:i]
			break
		}
	}
	if len(head) == 0 {
		return false
	}
	return orgWords[strings.ToLower(strings.Trim(head[len(head)-1], ",.()"))]
}
