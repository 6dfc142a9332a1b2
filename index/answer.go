package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
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
	// Columns is, for a table row (Kind "row"), its table's header row, which
	// says what its cells are ("Year | EGDI | EPI" for "2016 | 3rd | 4th").
	// It stands in the same file, above the row, outside the lines cited.
	Columns string `json:"columns,omitempty"`

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
	// Confidence is the model's probability that the first passage answers
	// the question; below the model's threshold the question is not answered.
	Confidence float64 `json:"confidence"`
	// Remark is true for a message that is no question ("thanks, that was
	// helpful", "you're the best"): nothing was searched.
	Remark bool `json:"remark,omitempty"`
	// Note explains an unanswered question, or a question that was cut short.
	Note string `json:"note,omitempty"`
	// Questions answer each question of a message that asks several ("who
	// wrote the article and when was it published?"), each on its own (see
	// SplitQuestions); the answer above is to the message as a whole.
	Questions []Answer `json:"questions,omitempty"`
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

// truncatedNote says a question longer than MaxQuestionRunes was read from
// its start.
var truncatedNote = fmt.Sprintf("Only the first %d characters of the question were read.", MaxQuestionRunes)

// maxSuggestions is how many passages are shown when a question is not
// answered.
const maxSuggestions = 3

// Ask answers a question from the index.
func (ix *Index) Ask(ctx context.Context, question string, opts AskOptions) (ans Answer, err error) {
	// A search that fails once ctx is done (a list's items, a numbered
	// series) is not an error to the answer, which goes without it: the
	// answer of a call whose context ended is not returned, its error is.
	defer func() {
		if cerr := ctx.Err(); err == nil && cerr != nil {
			ans, err = Answer{Question: question}, cerr
		}
	}()
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
	if opts.Plain {
		return st.askPlain(ctx, Answer{Question: question}, opts)
	}
	ans, err = st.ask(ctx, question, ix.scoring(), opts)
	if err != nil || ans.Remark {
		return ans, err
	}
	for _, part := range SplitQuestions(question) {
		pa, err := st.ask(ctx, part, ix.scoring(), opts)
		if err != nil {
			return ans, err
		}
		ans.Questions = append(ans.Questions, pa)
	}
	if n := len(ans.Questions); n > 0 && strings.HasPrefix(ans.Note, truncatedNote) {
		// the message was cut short, and its last question with it
		ans.Questions[n-1].Note = joinNote(truncatedNote, ans.Questions[n-1].Note)
	}
	if len(ans.Questions) == 0 && !ans.Answered {
		// "what is the difference between stage 1 and stage 2?": no
		// passage compares them, so each is answered on its own.
		var sides []Answer
		for _, side := range SplitComparison(question) {
			sa, err := st.ask(ctx, side, ix.scoring(), opts)
			if err != nil {
				return ans, err
			}
			sides = append(sides, sa)
		}
		if slices.ContainsFunc(sides, func(a Answer) bool { return a.Answered }) {
			ans.Questions = sides
		}
	}
	return ans, nil
}

// ask answers a question with scoring model m.
func (st *state) ask(ctx context.Context, question string, m *compiled, opts AskOptions) (Answer, error) {
	ans := Answer{Question: question}
	p := st.plan(question)
	ans.Corrections = p.corrections
	if p.truncated {
		ans.Note = truncatedNote
	}
	if p.remark {
		ans.Remark = true
		ans.Note = joinNote(ans.Note, "This reads as a remark, not a question about the documents.")
		return ans, nil
	}
	if !p.hasContent() {
		ans.Note = joinNote(ans.Note, "The question has no words to search for.")
		return ans, nil
	}
	ranked, err := st.retrieve(ctx, p, m, opts.Timeout)
	if err != nil {
		return ans, err
	}
	defer putCandidates(ranked)
	af := st.answerFeaturesOf(p, ranked)
	conf := m.answer.probability(&af)
	ans.Confidence = round3(conf)
	if opts.Explain {
		ans.Explain = explain(p, ranked, m, &af)
	}
	if len(ranked) == 0 || conf < m.m.Threshold {
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
		best := bestSentences(ans.Citations[0], ranked[0], p)
		if w, ok := st.widen(ans.Citations[0], best); ok {
			// The quote and the highlights are chosen again from the text
			// cited, which the sentences across the cut may answer better.
			c := ranked[0]
			c.text, c.sp = w.Text, &storedPassage{text: w.Text, meta: c.meta}
			w.mark(c.sp.analyzed(), p)
			ans.Citations[0], best = w, bestSentences(w, c, p)
		}
		for _, s := range best {
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
	for _, t := range questionTokens(q, nil) {
		p.concepts = append(p.concepts, concept{weight: 1, known: true, alts: []alternative{{terms: []string{t.term}}}})
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
	// topK answers it (index.go), ties broken by passage id: the same
	// answer from every build of the same corpus.
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(clauses...), opts.K, 0, false)
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

func containsID(cs []Citation, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// explainCandidates is how many candidates --explain describes.
const explainCandidates = 5

// explain describes a plan, the best candidates' features with their
// weights and contributions, and the answer model's.
func explain(p plan, ranked []candidate, m *compiled, af *answerFeatures) []string {
	var out []string
	for _, c := range p.concepts {
		var alts []string
		for _, a := range c.alts {
			alts = append(alts, fmt.Sprintf("%s (%s)", strings.Join(a.terms, "+"), a.kind))
		}
		flag := ""
		switch {
		case c.filler:
			flag = " (question word)"
		case c.frame:
			flag = " (frame word)"
		case !c.known:
			flag = " (not in the corpus)"
		}
		out = append(out, fmt.Sprintf("concept %q weight %.2f%s: %s", c.word, c.weight, flag, strings.Join(alts, " | ")))
	}
	for _, s := range p.spans {
		out = append(out, fmt.Sprintf("years %d-%d", s.From, s.To))
	}
	if p.want != anyAnswer {
		out = append(out, "answer type "+p.want.String())
	}
	if p.list {
		out = append(out, "asks for a list")
	}
	if p.document {
		out = append(out, "asks about a document as a whole")
	}
	if p.field != "" {
		out = append(out, fmt.Sprintf("asks for a document's %s: %s", p.field, strings.Join(p.fieldLines, ", ")))
	}
	for i, c := range ranked {
		if i == explainCandidates {
			break
		}
		out = append(out, fmt.Sprintf("%d. %s score %.3f: %.70q", i+1, c.id, c.score, c.text))
		out = append(out, explainParts(m.rank.parts(c.f[:]))...)
	}
	out = append(out, fmt.Sprintf("answer: probability %.3f, threshold %.3f", m.answer.probability(af), m.m.Threshold))
	out = append(out, explainParts(m.answer.parts(af[:]))...)
	return out
}

// explainParts prints a score's parts, largest contribution first, leaving
// out those that add nothing.
func explainParts(parts []ScorePart) []string {
	slices.SortStableFunc(parts, func(a, b ScorePart) int {
		return cmp.Compare(math.Abs(b.Contribution), math.Abs(a.Contribution))
	})
	var out []string
	for _, pt := range parts {
		if pt.Contribution == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("   %-14s %8.3f × %7.3f → %+.3f", pt.Feature, pt.Value, pt.Weight, pt.Contribution))
	}
	return out
}
