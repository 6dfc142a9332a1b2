package index

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/casebot/casebot/corpus"
)

// Limits of retrieval: how many passages are ranked for a question, and what
// the bleve search may cost. Candidates is measured, not tuned: the right
// passage is among the first Candidates that bleve returns for nearly every
// training question (see TrainReport.Recall).
const (
	Candidates = 50
	// otherCandidates are the passages retrieved by the question's other
	// words (vocabulary, forms, synonyms, corrections), added to the
	// Candidates its own words retrieve.
	otherCandidates  = 20
	maxTermSearchers = 512
	// leadCandidates is how many of the first candidates bring in the passages
	// that open their section and their document.
	leadCandidates = 10
)

// candidate is a retrieved passage and how well it fits the question.
type candidate struct {
	id   string
	text string
	meta passageMeta
	sp   *storedPassage // the cached passage, for its analyzed text
	// retrieval is bleve's score of the passage for the question's own
	// words, and retrievalOther for its other words (0 for a passage the
	// query did not return).
	retrieval, retrievalOther float64
	f                         features
	score                     float64
	// nameMentions is, for the question's least mentioned name, how many
	// candidates of this passage's document hold it (an answer feature,
	// not a ranking one: see aNameMentions).
	nameMentions float64
}

// query builds the bleve queries of a plan: one for the question's own
// words and years, one for the other ways the vocabulary says them, each
// matching any of its terms in the text, section and table-header fields.
// Terms are already analyzed, so no user text reaches a query parser. The
// queries only find candidates: how they rank is the model's. other is nil
// when the plan has no other words.
func (st *state) query(p plan) (own, other query.Query) {
	var owns, others []query.Query
	for _, c := range p.concepts {
		if c.filler {
			continue
		}
		for i, a := range c.alts {
			if coveredBy(a, c.alts[:i]) {
				continue // whatever it finds, an earlier alternative finds too
			}
			for _, f := range retrieveFields {
				if f != fieldText && (a.kind == synonymMatch || a.kind == antonymMatch) {
					continue // WordNet's looser relations are looked for in the text alone
				}
				if !st.inFieldAll(f, a.terms) {
					continue // a clause that cannot match only costs time
				}
				if a.kind == exactMatch {
					owns = append(owns, termsQuery(f, a.terms))
				} else {
					others = append(others, termsQuery(f, a.terms))
				}
			}
		}
	}
	for _, s := range p.spans {
		lo, hi := float64(s.From), float64(s.To)
		incl := true
		nq := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &incl, &incl)
		nq.SetField(fieldYears)
		owns = append(owns, nq)
	}
	own = bleve.NewDisjunctionQuery(owns...)
	if len(others) > 0 {
		other = bleve.NewDisjunctionQuery(others...)
	}
	return own, other
}

// retrieveFields are the fields a question is searched in. Titles and kinds
// hold the same words for every passage of a document, so they are matched
// on the candidates instead.
var retrieveFields = [...]string{fieldText, fieldSection, fieldContext}

// scoredFields are the fields whose BM25 a retrieval score reads: the
// question's words', and its years' (searched as numbers).
var scoredFields = [...]string{fieldText, fieldSection, fieldContext, fieldYears}

// termsQuery matches all of terms in a field.
func termsQuery(field string, terms []string) query.Query {
	if len(terms) == 1 {
		tq := bleve.NewTermQuery(terms[0])
		tq.SetField(field)
		return tq
	}
	var qs []query.Query
	for _, t := range terms {
		tq := bleve.NewTermQuery(t)
		tq.SetField(field)
		qs = append(qs, tq)
	}
	return bleve.NewConjunctionQuery(qs...)
}

// retrieve finds a plan's candidates and ranks them with the model, best
// first; ties break by passage id.
func (st *state) retrieve(ctx context.Context, p plan, m *compiled, timeout time.Duration) ([]candidate, error) {
	cands, err := st.candidates(ctx, p, timeout)
	if err != nil {
		return nil, err
	}
	st.measure(p, cands)
	for i := range cands {
		cands[i].score = m.rank.score(&cands[i].f)
	}
	sortCandidates(cands)
	return cands, nil
}

// textCoverage is the coverage of the question by the passage text, any kind.
func (c candidate) textCoverage() float64 {
	return c.f[fCovExact] + c.f[fCovVocab] + c.f[fCovForm] + c.f[fCovEveryday] + c.f[fCovSynonym] + c.f[fCovSpelling]
}

// sortCandidates sorts candidates best first, ties by passage id. A
// candidate is large (its features), so an order of indexes is sorted and
// the candidates moved into it in place.
func sortCandidates(cands []candidate) {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch x, y := cands[a].score, cands[b].score; {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return strings.Compare(cands[a].id, cands[b].id)
	})
	// Position i takes the candidate at order[i]: follow each cycle of the
	// permutation, holding one candidate aside.
	for i := range order {
		if order[i] < 0 {
			continue
		}
		held := cands[i]
		j := i
		for order[j] != i {
			next := order[j]
			cands[j] = cands[next]
			order[j] = -1
			j = next
		}
		cands[j] = held
		order[j] = -1
	}
}

// candidatePool recycles the slices candidates are gathered in: a question
// ranks some seventy, each with its features.
var candidatePool = sync.Pool{New: func() any {
	s := make([]candidate, 0, Candidates+otherCandidates+2*leadCandidates)
	return &s
}}

func getCandidates() []candidate { return (*candidatePool.Get().(*[]candidate))[:0] }

// putCandidates returns a slice from candidates when nothing refers to its
// candidates any more.
func putCandidates(c []candidate) {
	clear(c)
	c = c[:0]
	candidatePool.Put(&c)
}

// candidates retrieves the first Candidates passages for the question's own
// words, the first otherCandidates for its other words, and the passages that
// open the sections and documents of the first leadCandidates.
func (st *state) candidates(ctx context.Context, p plan, timeout time.Duration) ([]candidate, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, maxTermSearchers)
	own, other := st.query(p)
	res, err := st.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(own, Candidates, 0, false))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := getCandidates()
	at := make(map[string]int, len(res.Hits)+otherCandidates)
	for _, h := range res.Hits {
		if c, ok := st.candidateOf(h); ok && p.finds(c) {
			at[c.id] = len(out)
			out = append(out, c)
		}
	}
	if other != nil {
		res, err := st.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(other, otherCandidates, 0, false))
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		for _, h := range res.Hits {
			if i, ok := at[h.ID]; ok {
				out[i].retrievalOther = h.Score
				continue
			}
			if c, ok := st.candidateOf(h); ok && p.finds(c) {
				c.retrieval, c.retrievalOther = 0, h.Score
				at[c.id] = len(out)
				out = append(out, c)
			}
		}
	}
	ranked := len(out)
	for k := 0; k < ranked && k < leadCandidates; k++ {
		m := out[k].meta
		for _, lead := range [...]int{m.Lead, m.DocLead} {
			id := corpus.PassageID(m.Source, lead)
			if _, ok := at[id]; lead < 0 || ok {
				continue
			}
			if c, ok := st.passage(ctx, id); ok {
				at[id] = len(out)
				out = append(out, c)
			}
		}
	}
	if p.document {
		out = st.documentOpenings(p, out, at)
	}
	for _, id := range slices.Sorted(maps.Keys(p.endings)) { // "how does the article end?"
		out = st.addStored(out, at, id)
	}
	for _, id := range p.fieldLines { // "who wrote it?": the author lines
		out = st.addStored(out, at, id)
	}
	return out, nil
}

// addStored adds the stored passage id to the candidates, unless it is
// one already.
func (st *state) addStored(out []candidate, at map[string]int, id string) []candidate {
	if _, ok := at[id]; ok {
		return out
	}
	if sp, ok := st.stored(id); ok {
		at[id] = len(out)
		out = append(out, candidate{id: id, text: sp.text, meta: sp.meta, sp: sp})
	}
	return out
}

// finds reports whether a passage its words retrieve is a candidate for
// the question: a title line is one only for a question about a piece of
// writing ("what is the article about?"). Its words are the title's, which
// every passage of the document has for its own.
func (p plan) finds(c candidate) bool {
	return p.document || c.meta.Kind != string(corpus.TitleLine)
}

// documentCandidates is how many documents a question about a piece of
// writing brings the title line and opening of.
const documentCandidates = 5

// documentOpenings adds the title lines and openings of the documents a
// question about a piece of writing names ("what is the Normans article
// about?": the documents whose title and kind hold its words): the words
// that name a document seldom find its opening.
func (st *state) documentOpenings(p plan, out []candidate, at map[string]int) []candidate {
	for _, d := range st.namedDocs(p) {
		first, ok := st.stored(corpus.PassageID(d.Path, 0))
		if !ok {
			continue
		}
		if lead := first.meta.DocLead; lead >= 0 {
			out = st.addStored(out, at, corpus.PassageID(d.Path, lead))
		}
		for _, id := range st.frontLines(d, []string{"title"}) {
			out = st.addStored(out, at, id)
		}
	}
	return out
}

// namedDocs are the documents a question about a piece of writing names
// (their titles and kinds hold its words; see names), those with the
// highest boost first, at most documentCandidates.
func (st *state) namedDocs(p plan) []DocInfo {
	docs, err := st.docsByBoost()
	if err != nil {
		return nil
	}
	var out []DocInfo
	for _, d := range docs {
		if len(out) == documentCandidates {
			break
		}
		if p.names(st.titleTerms(d)) {
			out = append(out, d)
		}
	}
	return out
}

// docsByBoost are the corpus's documents, those with the highest boost
// first (in the manifest's order among equals).
func (st *state) docsByBoost() ([]DocInfo, error) {
	docs, err := st.docs()
	if err != nil {
		return nil, err
	}
	docs = slices.Clone(docs)
	slices.SortStableFunc(docs, func(a, b DocInfo) int { return cmp.Compare(b.Boost, a.Boost) })
	return docs, nil
}

// names reports whether a title (its terms) holds every word of a
// question that says which document it asks about: its topic words and
// the words naming a kind of document some title or kind has.
func (p plan) names(title map[string]bool) bool {
	for _, c := range p.concepts {
		if !c.known || !(c.doc && c.titled || c.topic() && !c.doc) {
			continue
		}
		if !c.in(title) {
			return false
		}
	}
	return true
}

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
