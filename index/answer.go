package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Citation is a passage quoted in an answer.
type Citation struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Title     string `json:"title"`
	Section   string `json:"section"`
	LineStart int    `json:"line_start"`
	LineEnd   int    `json:"line_end"`
	// Text stands verbatim in lines LineStart..LineEnd of Source.
	Text  string  `json:"text"`
	Score float64 `json:"score"`
	// Highlights are the matched words, as [start, end) offsets into Text
	// counted in characters (Unicode code points).
	Highlights [][2]int `json:"highlights,omitempty"`
	Kind       string   `json:"kind,omitempty"`

	seq, list int
	bytesHL   [][2]int // Highlights in bytes
}

// Answer is what casebot says to a question.
type Answer struct {
	Question string `json:"question"`
	// Answered is false when the documents do not cover the question.
	Answered bool `json:"answered"`
	// Text is the answer: the sentence or sentences of the best passage that
	// carry the match, or for a question asking for a list, the list's items.
	// Empty when not answered.
	Text string `json:"answer"`
	// Citations back the answer, best first (list items in list order).
	Citations []Citation `json:"citations,omitempty"`
	// Suggestions are the closest passages when the question is not answered.
	Suggestions []Citation `json:"suggestions,omitempty"`
	// Corrections are question words that matched nothing and the corpus
	// words searched instead.
	Corrections []Correction `json:"corrections,omitempty"`
	// List is true when the answer is a list of items.
	List bool `json:"list,omitempty"`
	// Note explains an unanswered question, or a question that was cut short.
	Note string `json:"note,omitempty"`
	// Explain is filled when AskOptions.Explain is set.
	Explain []string `json:"explain,omitempty"`

	quote []quotePart
}

// quotePart is a piece of the answer text: a byte range of a citation's text.
type quotePart struct {
	cit        int
	start, end int
}

// ErrEmptyQuestion is returned for a question with nothing in it.
var ErrEmptyQuestion = errors.New("empty question")

// AskOptions tune Ask.
type AskOptions struct {
	// K is the number of citations (default 3). List answers cite every item.
	K int
	// Timeout bounds the search (default 2s).
	Timeout time.Duration
	// Explain fills Answer.Explain with how the question was read and how
	// the best passages scored.
	Explain bool
	// Plain turns off every mechanism above BM25 (vocabulary, years, answer
	// types, typos, headings, lists, abstention): the question's words are
	// searched in the passage text and the best K passages cited. It exists
	// to measure what the mechanisms cost and gain.
	Plain bool
}

// Tuning of retrieval and ranking. These weigh general signals (how much of
// the question a passage covers, how close its words stand, how well its
// years fit); none is keyed to a corpus or a question.
const (
	candidates       = 50 // passages retrieved for re-ranking
	maxTermSearchers = 512

	// A passage's rank: coverage of the question (weighted by idf),
	// BM25 relative to the best candidate, and proximity of the question's
	// adjacent words.
	wCoverage  = 0.6
	wBM25      = 0.15
	wProximity = 0.15

	// answeredCoverage is the share of the question's weight the best passage
	// must cover for the question to count as answered.
	answeredCoverage = 0.55
	// unknownWeight scales the weight of a question word the corpus lacks.
	unknownWeight = 0.85
	// minYearWeight and maxYearWeight bound the weight of a year the
	// question names, which is the idf of that year in the passages.
	minYearWeight = 2.0
	maxYearWeight = 5.0
	// typeWeight is the weight of the kind of answer a question asks for
	// (a time for "when", a number for "how many"), in idf units; a passage
	// without it also has its score scaled by wrongTypeFactor.
	typeWeight      = 2.0
	wrongTypeFactor = 0.8
	// metaFactor scales the score of front matter passages (see retrieve).
	metaFactor = 0.9
	// suggestions shown when a question is not answered.
	maxSuggestions = 3
)

// Ask answers a question from the index.
func (ix *Index) Ask(ctx context.Context, question string, opts AskOptions) (Answer, error) {
	if opts.K <= 0 {
		opts.K = 3
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	if strings.TrimSpace(strings.ToValidUTF8(question, "")) == "" {
		return Answer{Question: question}, ErrEmptyQuestion
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	if st == nil {
		return Answer{}, errors.New("index is closed")
	}
	ans := Answer{Question: question}
	if opts.Plain {
		return st.askPlain(ctx, ans, opts)
	}
	p := st.plan(question)
	ans.Corrections = p.corrections
	if p.truncated {
		ans.Note = fmt.Sprintf("Only the first %d characters of the question were read.", MaxQuestionRunes)
	}
	if !p.hasContent() {
		ans.Note = joinNote(ans.Note, "The question has no words to search for.")
		return ans, nil
	}
	ranked, err := st.retrieve(ctx, p, opts.Timeout)
	if err != nil {
		return ans, err
	}
	if opts.Explain {
		ans.Explain = explain(p, ranked)
	}
	if len(ranked) == 0 || ranked[0].coverage < answeredCoverage {
		ans.Note = joinNote(ans.Note, "The documents do not cover this question.")
		for i := 0; i < len(ranked) && i < maxSuggestions; i++ {
			ans.Suggestions = append(ans.Suggestions, st.cite(ranked[i], p))
		}
		return ans, nil
	}
	ans.Answered = true
	items := st.seriesFor(ctx, p)
	if items == nil {
		items = st.listAnswer(ctx, ranked, p)
	}
	if len(items) > 1 {
		ans.List = true
		for _, it := range items {
			c := st.citeMeta(it, p)
			ans.Citations = append(ans.Citations, c)
			a, z := firstSentence(c.Text)
			ans.quote = append(ans.quote, quotePart{len(ans.Citations) - 1, a, z})
		}
		for _, r := range ranked[1:] {
			if len(ans.Citations) >= len(items)+opts.K-1 {
				break
			}
			if !containsID(ans.Citations, r.id) {
				ans.Citations = append(ans.Citations, st.cite(r, p))
			}
		}
	} else {
		for i := 0; i < len(ranked) && i < opts.K; i++ {
			ans.Citations = append(ans.Citations, st.cite(ranked[i], p))
		}
		for _, s := range bestSentences(ans.Citations[0], ranked[0], p) {
			ans.quote = append(ans.quote, quotePart{0, s[0], s[1]})
		}
	}
	ans.Text = ans.plainQuote()
	return ans, nil
}

// askPlain answers with BM25 alone (see AskOptions.Plain).
func (st *state) askPlain(ctx context.Context, ans Answer, opts AskOptions) (Answer, error) {
	q, _ := cleanQuestion(ans.Question)
	var p plan
	var clauses []query.Query
	for _, t := range questionTokens(q) {
		p.concepts = append(p.concepts, concept{weight: 1, alts: []alternative{{terms: []string{t.term}, weight: 1}}})
		tq := bleve.NewTermQuery(t.term)
		tq.SetField(fieldText)
		clauses = append(clauses, tq)
	}
	if len(clauses) == 0 {
		return ans, nil
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, maxTermSearchers)
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(clauses...), opts.K, 0, false)
	req.IncludeLocations = true
	res, err := st.bi.SearchInContext(ctx, req)
	if err != nil {
		return ans, fmt.Errorf("search: %w", err)
	}
	for _, h := range res.Hits {
		if c, ok := st.candidateOf(h); ok {
			ans.Citations = append(ans.Citations, st.cite(c, p))
		}
	}
	if len(ans.Citations) == 0 {
		return ans, nil
	}
	ans.Answered = true
	top, _ := st.candidateOf(res.Hits[0])
	for _, s := range bestSentences(ans.Citations[0], top, p) {
		ans.quote = append(ans.quote, quotePart{0, s[0], s[1]})
	}
	ans.Text = ans.plainQuote()
	return ans, nil
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// hasContent reports whether a plan has something to look for: years, or a
// word that is not a question word or a bare number ("what is 2 + 2?").
func (p plan) hasContent() bool {
	if len(p.spans) > 0 {
		return true
	}
	for _, c := range p.concepts {
		if !c.filler && strings.Trim(strings.Join(c.alts[0].terms, ""), "0123456789") != "" {
			return true
		}
	}
	return false
}

func containsID(cs []Citation, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// explain describes a plan and the best candidates, for --explain.
func explain(p plan, ranked []candidate) []string {
	var out []string
	for _, c := range p.concepts {
		var alts []string
		for _, a := range c.alts {
			alts = append(alts, fmt.Sprintf("%s×%.2g", strings.Join(a.terms, "+"), a.weight))
		}
		flag := ""
		switch {
		case c.filler:
			flag = " (question word)"
		case !c.known:
			flag = " (not in the corpus)"
		}
		out = append(out, fmt.Sprintf("concept %q weight %.2f%s: %s", c.word, c.weight, flag, strings.Join(alts, " | ")))
	}
	for _, s := range p.spans {
		out = append(out, fmt.Sprintf("years %d-%d", s.From, s.To))
	}
	if p.want != anyAnswer {
		out = append(out, fmt.Sprintf("answer type %d", p.want))
	}
	if p.list {
		out = append(out, "asks for a list")
	}
	for i, c := range ranked {
		if i == 8 {
			break
		}
		out = append(out, fmt.Sprintf("%d. %s score %.3f coverage %.2f text %.2f proximity %.2f bm25 %.2f boost %.2g: %.60q",
			i+1, c.id, c.score, c.coverage, c.textCoverage, c.proximity, c.bm25, c.meta.Boost, c.text))
	}
	return out
}
