package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/casebot/casebot/corpus"
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

// candidate is a retrieved passage and how well it fits the question.
type candidate struct {
	id       string
	text     string
	meta     passageMeta
	bm25     float64
	coverage float64 // weighted share of the question the passage covers
	// textCoverage counts matches in the passage text only, not its section.
	textCoverage float64
	proximity    float64
	score        float64
	sp           *storedPassage // the cached passage, for its analyzed text
	// topic is set for the opening passage of a section or document whose
	// heading covers the question: the share of the heading's words the
	// question matches (see promoteLeads).
	topic float64
	locs  search.TermLocationMap // where each term stands in the text
}

// query builds the bleve query of a plan: every alternative of every concept
// in every searched field, and the question's years as numeric ranges. Terms
// are already analyzed, so no user text reaches a query parser.
func (st *state) query(p plan) query.Query {
	var clauses []query.Query
	for _, c := range p.concepts {
		if c.filler {
			continue
		}
		for i, a := range c.alts {
			if coveredBy(a, c.alts[:i]) {
				continue // whatever it finds, an earlier alternative finds too
			}
			for _, f := range searchFields {
				if !f.retrieve || !st.inFieldAll(f.name, a.terms) {
					continue // a clause that cannot match only costs time
				}
				var q query.Query
				boost := f.boost * a.weight
				if len(a.terms) == 1 {
					tq := bleve.NewTermQuery(a.terms[0])
					tq.SetField(f.name)
					tq.SetBoost(boost)
					q = tq
				} else {
					var terms []query.Query
					for _, t := range a.terms {
						tq := bleve.NewTermQuery(t)
						tq.SetField(f.name)
						terms = append(terms, tq)
					}
					cq := bleve.NewConjunctionQuery(terms...)
					cq.SetBoost(boost)
					q = cq
				}
				clauses = append(clauses, q)
			}
		}
	}
	for _, s := range p.spans {
		lo, hi := float64(s.From), float64(s.To)
		incl := true
		nq := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &incl, &incl)
		nq.SetField(fieldYears)
		// Years are scored by how well their spans fit (see fit), not by BM25
		// over the numbers: this clause only finds the passages.
		nq.SetBoost(0.001)
		clauses = append(clauses, nq)
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

func (st *state) retrieve(ctx context.Context, p plan, timeout time.Duration) ([]candidate, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, maxTermSearchers)
	req := bleve.NewSearchRequestOptions(st.query(p), candidates, 0, false)
	res, err := st.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make([]candidate, 0, len(res.Hits))
	maxBM := 0.0
	for _, h := range res.Hits {
		c, ok := st.candidateOf(h)
		if !ok {
			continue
		}
		maxBM = math.Max(maxBM, h.Score)
		c.coverage, c.textCoverage, c.proximity = st.fit(p, c)
		out = append(out, c)
	}
	out = st.promoteLeads(ctx, p, out)
	words := p.hasWords()
	for i := range out {
		c := &out[i]
		bm := 0.0
		if maxBM > 0 && words {
			bm = c.bm25 / maxBM
		}
		boost := c.meta.Boost
		if boost <= 0 {
			boost = 1
		}
		c.score = boost * (wCoverage*c.coverage + wBM25*bm + wProximity*c.proximity)
		c.score += wTopic * c.topic * boost
		if c.meta.Kind == string(corpus.Meta) {
			// A front matter line answers "who wrote it?" when nothing else
			// does, but prose that says as much ranks first.
			c.score *= metaFactor
		}
		if p.want != anyAnswer {
			c.score *= wrongTypeFactor + (1-wrongTypeFactor)*p.typeFit(c.meta, c.locs)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id < out[j].id
	})
	return out, nil
}

// withYearsAndType turns a coverage of the plan's words into a coverage of
// the whole plan, adding how well a passage fits its years and answer type.
func (p plan) withYearsAndType(words float64, m passageMeta, text search.TermLocationMap) float64 {
	total, got := 0.0, 0.0
	for _, c := range p.concepts {
		if !c.filler && !c.frame {
			w := c.weight
			if !c.known {
				w *= unknownWeight
			}
			total += w
		}
	}
	got = words * total
	for i, s := range p.spans {
		total += p.spanWeights[i]
		got += p.spanWeights[i] * spanFit(s, m.Spans)
	}
	if p.want != anyAnswer {
		total += typeWeight
		got += typeWeight * p.typeFit(m, text)
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// typeFit says how well a passage holds the kind of answer the question asks
// for: 1 for a time when asked "when", or for a number counting what a "how
// many" question counts ("five essential stages"); 0.5 for a number that
// counts something else; 0 for none.
func (p plan) typeFit(m passageMeta, text search.TermLocationMap) float64 {
	switch p.want {
	case timeAnswer:
		if len(m.Spans) > 0 {
			return 1
		}
		return 0
	case durationAnswer:
		if m.Duration {
			return 1
		}
		return 0
	case numberAnswer:
		if !m.Number {
			return 0
		}
		for _, l := range text[p.counted] {
			for _, n := range m.NumPos {
				if d := int(l.Pos) - n; d > 0 && d <= 3 {
					return 1
				}
			}
		}
		return 0.5
	}
	return 1
}

// wTopic is the bonus of a section's or document's opening passage whose
// heading covers the question: the question is about the section's topic, and
// the opening passage introduces it. It is scaled by how much of the heading
// the question accounts for ("About the Author" is all about "the author";
// "G4C to Minwon 24 to Government24" is only partly about "Minwon 24").
const wTopic = 0.15

// specificity is the share of a heading's distinct terms that the plan
// matches.
func (p plan) specificity(heading map[string]bool) float64 {
	want := p.termWeights()
	hit := 0
	for t := range heading {
		if _, ok := want[t]; ok {
			hit++
		}
	}
	if len(heading) == 0 {
		return 0
	}
	return float64(hit) / float64(len(heading))
}

// hasWords reports whether the plan has words to match, not only years.
func (p plan) hasWords() bool {
	for _, c := range p.concepts {
		if !c.filler {
			return true
		}
	}
	return false
}

// promoteLeads handles questions about a section's or document's topic: when
// a heading or title of a good candidate covers the question at least as well
// as the best passage does, the passage that opens that section or document
// answers it (an overview, a definition, the introduction of a list): it is
// ranked as covering what its heading covers, with the topic bonus.
func (st *state) promoteLeads(ctx context.Context, p plan, cands []candidate) []candidate {
	best := 0.0
	for _, c := range cands {
		best = math.Max(best, c.coverage)
	}
	bar := math.Max(answeredCoverage, best)
	byID := map[string]int{}
	for i, c := range cands {
		byID[c.id] = i
	}
	// Look at the headings of the candidates that cover the most.
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cands[order[a]].coverage > cands[order[b]].coverage })
	checked := map[string]bool{}
	for k := 0; k < len(order) && k < leadCandidates; k++ {
		m := cands[order[k]].meta
		// A section's heading is read in its document's context: "Contact
		// tracing" in "Korea's digital response to COVID-19" is about
		// contact tracing in Korea during COVID-19. The topic bonus goes by
		// the heading alone.
		type head struct {
			heading, context string
			lead             int
		}
		heads := []head{{m.Title, "", m.DocLead}}
		if len(m.Section) > 0 {
			heads = append(heads, head{m.Section[len(m.Section)-1], m.Title, m.Lead})
		}
		for _, h := range heads {
			if h.lead < 0 || checked[m.Source+"\x00"+h.heading] {
				continue
			}
			checked[m.Source+"\x00"+h.heading] = true
			cov := p.coverageOfTerms(st.headingTerms(strings.TrimSpace(h.context + "\n" + h.heading)))
			if cov < bar {
				continue
			}
			id := corpus.PassageID(m.Source, h.lead)
			j, ok := byID[id]
			if !ok {
				c, found := st.passage(ctx, id)
				if !found {
					continue
				}
				cands = append(cands, c)
				j = len(cands) - 1
				byID[id] = j
			}
			// The heading names the topic; the opening passage must still hold
			// the question's years and kind of answer.
			if v := p.withYearsAndType(cov, cands[j].meta, cands[j].locs); v >= cands[j].coverage {
				cands[j].coverage = v
				cands[j].topic = math.Max(cands[j].topic, p.specificity(st.headingTerms(h.heading)))
			}
		}
	}
	return cands
}

// leadCandidates is how many of the best candidates have their headings
// checked by promoteLeads.
const leadCandidates = 10

// fit measures how much of the plan a passage covers (0..1), in all fields
// and in its text alone, and how close its matches of adjacent question
// concepts stand (0..1).
func (st *state) fit(p plan, c candidate) (coverage, textCoverage, proximity float64) {
	meta := c.meta
	total, got, gotText := 0.0, 0.0, 0.0
	var positions [][]int // per concept: text positions of its best match
	// The parts of the passage, looked up once: where each term stands in
	// the text, section and context, and the terms of its title and kind.
	parts := [len(searchFieldNames)]search.TermLocationMap{
		c.locs, st.headingLocs(strings.Join(meta.Section, " > ")), st.headingLocs(meta.Context),
	}
	titleTerms, kindTerms := st.headingTerms(meta.Title), st.headingTerms(meta.DocKind)
	for _, c := range p.concepts {
		if c.filler {
			continue
		}
		w := c.weight
		if !c.known {
			w *= unknownWeight
		}
		if !c.frame {
			total += w
		}
		best, bestText := 0.0, 0.0
		var pos []int
		for _, a := range c.alts {
			for fi, f := range searchFields {
				if a.weight*f.boost <= best && fi != 0 {
					continue // cannot beat what this concept already has
				}
				var m float64
				var ps []int
				switch f.name {
				case fieldTitle:
					m = allIn(titleTerms, a.terms)
				case fieldKind:
					m = allIn(kindTerms, a.terms)
				default:
					m, ps = matchIn(parts[fi], a.terms)
				}
				if m == 0 {
					continue
				}
				v := a.weight * f.boost * m
				best = math.Max(best, v)
				if fi == 0 {
					bestText = math.Max(bestText, v)
					pos = append(pos, ps...)
				}
			}
		}
		if c.frame {
			// A frame word ("start" in "when did X start?") is not part of
			// the topic: missing it costs nothing, matching it helps a little.
			got += w * math.Min(best, frameShare)
			gotText += w * math.Min(bestText, frameShare)
			continue
		}
		got += w * best
		gotText += w * bestText
		positions = append(positions, pos)
	}
	if total == 0 && len(p.spans) == 0 {
		return 0, 0, 0
	}
	for i, s := range p.spans {
		total += p.spanWeights[i]
		y := p.spanWeights[i] * spanFit(s, meta.Spans)
		got += y
		gotText += y
	}
	if p.want != anyAnswer {
		total += typeWeight
		f := typeWeight * p.typeFit(meta, parts[0])
		got += f
		gotText += f
	}
	pairs, close := 0, 0
	for i := 1; i < len(positions); i++ {
		if positions[i-1] == nil && positions[i] == nil {
			continue
		}
		pairs++
		if near(positions[i-1], positions[i], nearWords) {
			close++
		}
	}
	if pairs > 0 {
		proximity = float64(close) / float64(pairs)
	}
	return math.Min(1, got/total), math.Min(1, gotText/total), proximity
}

// frameShare caps what a matched frame word adds to a passage's coverage, as
// a share of its weight.
const frameShare = 0.5

// nearWords is how many positions apart two question concepts may stand in
// a passage to count as near each other.
const nearWords = 2

// coveredBy reports whether one of the alternatives has all its terms in a,
// so that a passage matching a also matches it ("south korea" and "korea").
func coveredBy(a alternative, others []alternative) bool {
	for _, o := range others {
		if len(o.terms) >= len(a.terms) {
			continue
		}
		all := true
		for _, t := range o.terms {
			all = all && slices.Contains(a.terms, t)
		}
		if all {
			return true
		}
	}
	return false
}

// allIn is 1 when a set of terms holds all of terms, else 0.
func allIn(set map[string]bool, terms []string) float64 {
	for _, t := range terms {
		if !set[t] {
			return 0
		}
	}
	return 1
}

// matchIn says how well a field's locations match a run of terms: 1 when all
// are there and (for a phrase) stand within a few words of each other, 0.7
// when all are there but apart, 0 otherwise. It returns the positions of the
// first term.
func matchIn(tl search.TermLocationMap, terms []string) (float64, []int) {
	if tl == nil {
		return 0, nil
	}
	for _, t := range terms {
		if len(tl[t]) == 0 {
			return 0, nil
		}
	}
	pos := positionsOf(tl[terms[0]])
	if len(terms) == 1 {
		return 1, pos
	}
	window := len(terms) + 3
	for _, start := range pos {
		ok := true
		for _, t := range terms[1:] {
			if !nearAny(start, positionsOf(tl[t]), window) {
				ok = false
				break
			}
		}
		if ok {
			return 1, pos
		}
	}
	return 0.7, pos
}

func positionsOf(ls search.Locations) []int {
	out := make([]int, len(ls))
	for i, l := range ls {
		out[i] = int(l.Pos)
	}
	return out
}

func nearAny(p int, qs []int, d int) bool {
	for _, q := range qs {
		if q-p <= d && p-q <= d {
			return true
		}
	}
	return false
}

func near(a, b []int, d int) bool {
	for _, p := range a {
		if nearAny(p, b, d) {
			return true
		}
	}
	return false
}

// spanFit is how well a passage's years fit one span of the question: the
// largest share of it that one passage span covers, less for an open span
// ("since 1997" covers 2014, but says little about it).
func spanFit(q corpus.Span, ps []corpus.Span) float64 {
	best := 0.0
	for _, p := range ps {
		f := float64(q.Overlap(p)) / float64(q.Len())
		if p.Open {
			f *= openSpanFit
		}
		best = math.Max(best, f)
	}
	return best
}

// openSpanFit scales the fit of an open passage span.
const openSpanFit = 0.8

// cite turns a candidate into a citation with the question's words marked.
func (st *state) cite(c candidate, p plan) Citation {
	cit := st.citeMeta(c, p)
	cit.Score = round3(c.score)
	return cit
}

func (st *state) citeMeta(c candidate, p plan) Citation {
	cit := Citation{
		ID: c.id, Source: c.meta.Source, Title: c.meta.Title,
		Section: strings.Join(c.meta.Section, " > "), LineStart: c.meta.LineStart,
		LineEnd: c.meta.LineEnd, Text: c.text, Kind: c.meta.Kind,
		seq: c.meta.Seq, list: c.meta.List,
	}
	var toks []token
	if c.sp != nil {
		toks = c.sp.analyzed()
	}
	cit.bytesHL = highlights(c.text, toks, p)
	cit.Highlights = runeOffsets(c.text, cit.bytesHL)
	return cit
}

// Marked is the citation's text with the question's words in **bold**.
func (c Citation) Marked() string { return markRanges(c.Text, 0, len(c.Text), c.bytesHL) }

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// highlights finds the question's terms in a text (given analyzed, or
// analyzed here when toks is nil), as byte ranges.
func highlights(text string, toks []token, p plan) [][2]int {
	if toks == nil {
		for _, t := range sharedAnalyzer().Analyze([]byte(text)) {
			toks = append(toks, token{string(t.Term), t.Start, t.End})
		}
	}
	want := p.termWeights()
	var out [][2]int
	for _, t := range toks {
		if _, ok := want[t.term]; !ok {
			continue
		}
		if n := len(out); n > 0 && out[n-1][1] >= t.start {
			out[n-1][1] = max(out[n-1][1], t.end) // a joined hyphenated word
			continue
		}
		out = append(out, [2]int{t.start, t.end})
	}
	for _, s := range p.spans {
		out = append(out, yearMentions(text, s)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return mergeRanges(out)
}

var yearRe = regexp.MustCompile(`\b(1[89]\d\d|20\d\d)s?\b`)

// yearMentions finds where a text names a year inside span s.
func yearMentions(text string, s corpus.Span) [][2]int {
	var out [][2]int
	for _, m := range yearRe.FindAllStringIndex(text, -1) {
		y := 0
		fmt.Sscanf(text[m[0]:m[0]+4], "%d", &y)
		if s.Contains(y) || (strings.HasSuffix(text[m[0]:m[1]], "s") && s.Overlap(corpus.Span{From: y, To: y + 9}) > 0) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

func mergeRanges(rs [][2]int) [][2]int {
	var out [][2]int
	for _, r := range rs {
		if n := len(out); n > 0 && r[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

func runeOffsets(text string, rs [][2]int) [][2]int {
	if len(rs) == 0 {
		return nil
	}
	out := make([][2]int, len(rs))
	for i, r := range rs {
		out[i] = [2]int{utf8.RuneCountInString(text[:r[0]]), utf8.RuneCountInString(text[:r[1]])}
	}
	return out
}

// bestSentences picks the sentences of the top passage that carry the match:
// the one with the most question weight, any other nearly as good, and the
// sentence after a short leading one ("Stage 4 (2008 to 2012) – the
// integration."), which is a label rather than a statement.
func bestSentences(c Citation, cand candidate, p plan) [][2]int {
	sents := corpus.Sentences(c.Text)
	if len(sents) <= 1 {
		return [][2]int{trimSpan(c.Text, 0, len(c.Text))}
	}
	// A sentence earns each concept's weight once, when it holds all the
	// terms of one of the concept's alternatives.
	scores := make([]float64, len(sents))
	inSentence := func(term string, i int) bool {
		for _, l := range cand.locs[term] {
			if int(l.Start) >= sents[i][0] && int(l.Start) < sents[i][1] {
				return true
			}
		}
		return false
	}
	for _, cpt := range p.concepts {
		if cpt.filler {
			continue
		}
		w := cpt.weight
		if cpt.frame {
			w *= frameShare
		}
		for i := range sents {
			best := 0.0
			for _, a := range cpt.alts {
				all := true
				for _, t := range a.terms {
					all = all && inSentence(t, i)
				}
				if all {
					best = math.Max(best, a.weight)
				}
			}
			scores[i] += w * best
		}
	}
	for _, s := range p.spans {
		for _, y := range yearMentions(c.Text, s) {
			for i, sn := range sents {
				if y[0] >= sn[0] && y[0] < sn[1] {
					scores[i] += minYearWeight
				}
			}
		}
	}
	best := 0
	for i := range scores {
		if scores[i] > scores[best] {
			best = i
		}
	}
	var out [][2]int
	for i, s := range sents {
		keep := i == best || (scores[best] > 0 && scores[i] >= 0.6*scores[best])
		if !keep && i == best+1 && utf8.RuneCountInString(c.Text[sents[best][0]:sents[best][1]]) < 60 {
			keep = true
		}
		if keep {
			out = append(out, trimSpan(c.Text, s[0], s[1]))
		}
	}
	return out
}

func trimSpan(text string, a, z int) [2]int {
	for a < z && (text[a] == ' ' || text[a] == '\n' || text[a] == '\t') {
		a++
	}
	s := strings.TrimRightFunc(text[a:z], func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\u00a0' })
	return [2]int{a, a + len(s)}
}

func firstSentence(text string) (int, int) {
	s := corpus.Sentences(text)
	if len(s) == 0 {
		return 0, len(text)
	}
	sp := trimSpan(text, s[0][0], s[0][1])
	return sp[0], sp[1]
}

// plainQuote joins the answer's parts.
func (a Answer) plainQuote() string {
	return a.render(false)
}

// Marked is the answer text with the question's words in **bold**.
func (a Answer) Marked() string { return a.render(true) }

func (a Answer) render(mark bool) string {
	var sb strings.Builder
	prev := -1
	for _, q := range a.quote {
		c := a.Citations[q.cit]
		switch {
		case a.List:
			if sb.Len() > 0 {
				sb.WriteString("\n")
			}
			sb.WriteString("- ")
		case prev == q.cit && sb.Len() > 0:
			sb.WriteString(" ")
		case sb.Len() > 0:
			sb.WriteString(" … ")
		}
		prev = q.cit
		text := c.Text[q.start:q.end]
		if mark {
			text = markRanges(c.Text, q.start, q.end, c.bytesHL)
		}
		sb.WriteString(strings.ReplaceAll(text, "\n", " "))
	}
	return sb.String()
}

// markRanges returns text[a:z] with the highlight ranges inside it in **bold**.
func markRanges(text string, a, z int, hl [][2]int) string {
	var sb strings.Builder
	at := a
	for _, h := range hl {
		s, e := max(h[0], a), min(h[1], z)
		if s >= e {
			continue
		}
		sb.WriteString(text[at:s])
		sb.WriteString("**")
		sb.WriteString(text[s:e])
		sb.WriteString("**")
		at = e
	}
	sb.WriteString(text[at:z])
	return sb.String()
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
