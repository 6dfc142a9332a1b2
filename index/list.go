package index

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/casebot/casebot/corpus"
)

// listCoverage is the share of the question that a list's heading and
// introduction must cover for the whole list to answer it.
const listCoverage = 0.5

// listFor decides whether the best passage stands for a whole list and
// returns the list's items in order, or nil. That is so when the passage
// introduces a list (a paragraph ending in ":" or "?" right before one), or
// when it is an item and the question is about the list rather than the item:
// the list's heading and introduction cover the question, and the question
// asks for several things or the item's own text covers less of it (and its
// span of years does not hold the question's).
func (st *state) listFor(ctx context.Context, top candidate, p plan) []candidate {
	switch {
	case top.meta.Kind == string(corpus.Paragraph) && endsAsIntro(top.text) && (p.list || announcesMatch(top, p)):
		next, ok := st.passage(ctx, corpus.PassageID(top.meta.Source, top.meta.Seq+1))
		if !ok || next.meta.Kind != string(corpus.Item) || next.meta.List != top.meta.Seq+1 {
			return nil
		}
		return st.listItems(ctx, top.meta.Source, next.meta.List)
	case top.meta.Kind == string(corpus.Item) && top.meta.List >= 0:
		if !p.list && top.f[fYears] > 0 {
			// the item's own span holds the question's years: "what was
			// Korea doing in 1997?" asks for Stage 2 (1996 to 2002), not
			// for the six stages
			return nil
		}
		head := strings.Join(top.meta.Section, " ")
		if intro, ok := st.passage(ctx, corpus.PassageID(top.meta.Source, top.meta.List-1)); ok && endsAsIntro(intro.text) {
			head += " " + intro.text
		}
		hc := p.coverageOf(head)
		if hc < listCoverage || !(p.list || top.textCoverage() < hc) {
			return nil
		}
		return st.listItems(ctx, top.meta.Source, top.meta.List)
	}
	return nil
}

// announcesMatch reports whether the question matched the last sentence of an
// introduction (the one that announces the list), not only what comes before.
func announcesMatch(c candidate, p plan) bool {
	sents := corpus.Sentences(c.text)
	best := bestSentences(Citation{Text: c.text}, c, p)
	last := trimSpan(c.text, sents[len(sents)-1][0], sents[len(sents)-1][1])
	return len(best) > 0 && best[len(best)-1] == last
}

// listAnswer finds the list that answers a question, if one does: from the
// best passage, or for a question that asks for several things, from one of
// the first listCandidates: such a question wants the list itself, even where
// a passage that names its items in a sentence ranks first.
func (st *state) listAnswer(ctx context.Context, ranked []candidate, p plan) []candidate {
	for i, c := range ranked {
		if i > 0 && (!p.list || i >= listCandidates) {
			break
		}
		if items := st.listFor(ctx, c, p); len(items) > 1 {
			return items
		}
	}
	return nil
}

// listCandidates is how many of the best candidates may stand for the list
// that answers a question asking for several things.
const listCandidates = 3

func endsAsIntro(text string) bool {
	t := strings.TrimSpace(text)
	return strings.HasSuffix(t, ":") || strings.HasSuffix(t, "?")
}

// coverageOf is the weighted share of the plan's topic concepts that occur
// in text, in any of their forms.
func (p plan) coverageOf(text string) float64 {
	have := map[string]bool{}
	for _, t := range sharedAnalyzer().Analyze([]byte(text)) {
		have[string(t.Term)] = true
	}
	return p.coverageOfTerms(have)
}

// coverageOfTerms is coverageOf for an analyzed text.
func (p plan) coverageOfTerms(have map[string]bool) float64 {
	total, got := 0.0, 0.0
	for _, c := range p.concepts {
		if !c.topic() || !c.known {
			continue
		}
		total += c.weight
		for _, a := range c.alts {
			if allIn(have, a.terms) {
				got += c.weight
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// maxListItems caps the items of one list answer.
const maxListItems = 25

func (st *state) listItems(ctx context.Context, source string, list int) []candidate {
	q := bleve.NewTermQuery(corpus.PassageID(source, list))
	q.SetField(fieldList)
	items := st.fetch(ctx, q, maxListItems)
	sort.Slice(items, func(i, j int) bool { return items[i].meta.Seq < items[j].meta.Seq })
	return items
}

func (st *state) passage(_ context.Context, id string) (candidate, bool) {
	sp, ok := st.stored(id)
	if !ok {
		return candidate{}, false
	}
	return candidate{id: id, text: sp.text, meta: sp.meta, sp: sp}, true
}

func (st *state) fetch(ctx context.Context, q query.Query, size int) []candidate {
	out, _ := st.tryFetch(ctx, q, size)
	return out
}

// tryFetch is fetch that says when the search failed (a deadline passed),
// so that a failure is not cached as "nothing found".
func (st *state) tryFetch(ctx context.Context, q query.Query, size int) ([]candidate, error) {
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	res, err := st.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]candidate, 0, len(res.Hits))
	for _, h := range res.Hits {
		if c, ok := st.candidateOf(h); ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// candidateOf completes a hit with its stored text and metadata.
func (st *state) candidateOf(h *search.DocumentMatch) (candidate, bool) {
	sp, ok := st.stored(h.ID)
	if !ok {
		return candidate{}, false
	}
	return candidate{id: h.ID, retrieval: h.Score, text: sp.text, meta: sp.meta, sp: sp}, true
}

// minSeries is the fewest numbered passages that make a series.
const minSeries = 3

// seriesFor answers a question that asks for several of a numbered thing
// ("what are the stages?") with the series the corpus numbers by that word
// ("Stage 1 ...", "Stage 2 ..."): one passage per number, from the document
// with the highest boost, in number order. It returns nil when the question
// does not ask for a list of one thing or the corpus numbers no such series.
func (st *state) seriesFor(ctx context.Context, p plan) []candidate {
	if !p.list {
		return nil
	}
	var topics []concept
	for _, c := range p.concepts {
		if !c.filler && !c.frame {
			topics = append(topics, c)
		}
	}
	// One of the question's concepts names the series; the others must be
	// what the series' document or section is about ("the stages of Korean
	// e-government"), not a narrower question ("the stages of G4C").
	for i, topic := range topics {
		for _, a := range topic.alts {
			if len(a.terms) != 1 {
				continue
			}
			s := st.numbered(ctx, a.terms[0])
			if len(s) < minSeries {
				continue
			}
			rest := plan{concepts: append(append([]concept(nil), topics[:i]...), topics[i+1:]...)}
			m := s[0].meta
			if len(rest.concepts) > 0 && rest.coverageOf(m.Title+" "+strings.Join(m.Section, " ")) < listCoverage {
				continue
			}
			return s
		}
	}
	return nil
}

var numberedRe = regexp.MustCompile(`^\W*([\p{L}-]+)\s+(\d{1,3})\b`)

// numbered finds the passages that open with a word analyzed to term and a
// number, one per number (highest boost, then first in id order), sorted by
// number.
func (st *state) numbered(ctx context.Context, term string) []candidate {
	if v, ok := st.series.Load(term); ok {
		return v.([]candidate)
	}
	out, err := st.findNumbered(ctx, term)
	if err == nil {
		st.series.Store(term, out)
	}
	return out
}

// findNumbered is numbered without the cache.
func (st *state) findNumbered(ctx context.Context, term string) ([]candidate, error) {
	q := bleve.NewTermQuery(term)
	q.SetField(fieldText)
	best := map[int]candidate{}
	found, err := st.tryFetch(ctx, q, 1000)
	if err != nil {
		return nil, err
	}
	for _, c := range found {
		m := numberedRe.FindStringSubmatch(c.text)
		if m == nil {
			continue
		}
		if ts := analyzeTerms(sharedAnalyzer(), m[1]); len(ts) != 1 || ts[0] != term {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if have, ok := best[n]; ok && (have.meta.Boost > c.meta.Boost ||
			have.meta.Boost == c.meta.Boost && have.id < c.id) {
			continue
		}
		best[n] = c
	}
	out := make([]candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		ni, _ := strconv.Atoi(numberedRe.FindStringSubmatch(out[i].text)[2])
		nj, _ := strconv.Atoi(numberedRe.FindStringSubmatch(out[j].text)[2])
		return ni < nj
	})
	return out, nil
}
