package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/casebot/casebot/corpus"
)

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
			total += c.coverageWeight()
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
		w := c.coverageWeight()
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
