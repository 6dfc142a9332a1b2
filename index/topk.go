package index

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"iter"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
	lru "github.com/hashicorp/golang-lru/v2"
)

// A question's bleve query is one disjunction of many clauses. bleve
// answers it document at a time: for every passage any clause matches, it
// gathers the clauses at that passage, sums their scores and offers the sum
// to its top-k collector, which costs several times more than reading the
// postings. topK gets the same top k with the same scores term at a time:
// each clause's own bleve searcher, built and normalized as bleve's
// disjunction builds and normalizes it, reads its postings once into a
// score and a count per passage, added in the order bleve adds them; then
// the sums are weighted by the share of clauses matched (bleve's coord) and
// the k best kept, ties by passage id.

// minWarmHits is the fewest hits of a search whose passages are read
// into the cache on two cores before it returns (see state.warm).
const minWarmHits = 8

// topKClauses is the fewest clauses topK searches. A single clause too: bleve
// would search it as fast, but break ties of equal scores by its internal
// order, which differs from one build of the same corpus to the next.
const topKClauses = 1

// searchTopK answers a plain top-k request on a disjunction with topK, and
// reports false for any other request, which bleve then answers.
func (pi passageIndex) searchTopK(ctx context.Context, req *bleve.SearchRequest, stats *search.BM25Stats) (*bleve.SearchResult, bool, error) {
	dq, ok := req.Query.(*query.DisjunctionQuery)
	if !ok || len(dq.Disjuncts) < topKClauses || dq.Min > 1 || stats == nil ||
		req.From != 0 || req.Size <= 0 || req.Highlight != nil || len(req.Fields) > 0 ||
		len(req.Facets) > 0 || req.Explain || req.IncludeLocations || req.Score != "" ||
		req.SearchAfter != nil || req.SearchBefore != nil || !sortsByScore(req.Sort) {
		return nil, false, nil
	}
	if im, ok := pi.Mapping().(*mapping.IndexMappingImpl); !ok || im.ScoringModel != bleveindex.BM25Scoring {
		return nil, false, nil // topK scores as bleve's BM25 does, and only so
	}
	adv, err := pi.Advanced()
	if err != nil {
		return nil, false, nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring }))
	hits, ok, err := topK(ctx, r, pi.Mapping(), dq, req.Size, stats, pi.vectors(stats))
	if err != nil || !ok {
		return nil, ok, err
	}
	if pi.warm != nil && len(hits) >= minWarmHits {
		pi.warm(hits)
	}
	res := &bleve.SearchResult{Request: req, Hits: hits, Total: uint64(len(hits))}
	for _, h := range hits {
		res.MaxScore = math.Max(res.MaxScore, h.Score)
	}
	return res, true, nil
}

func sortsByScore(so search.SortOrder) bool {
	if len(so) != 1 {
		return false
	}
	s, ok := so[0].(*search.SortScore)
	return ok && s.Desc
}

// topK returns the k best passages of a disjunction and their scores, best
// first, ties in index order, as bleve's own search would; false when it
// cannot (bleve then searches).
func topK(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, dq *query.DisjunctionQuery,
	k int, stats *search.BM25Stats, vectors *vectorCache) ([]*search.DocumentMatch, bool, error) {
	ctx = context.WithValue(ctx, search.BM25StatsKey, stats)
	ctx = search.ContextWithTermSearchersCounter(ctx)
	vs := vectors.at(r)
	// The clauses, as DisjunctionQuery.Searcher makes them: a term clause
	// with the count and weight its searcher would have, any other with its
	// bleve searcher.
	var scans []*clauseScan
	defer func() {
		for _, c := range scans {
			c.close()
		}
	}()
	for _, d := range dq.Disjuncts {
		c, err := newClauseScan(ctx, r, m, d, stats, vs)
		if err != nil {
			return nil, false, err
		}
		if c != nil {
			scans = append(scans, c)
		}
	}
	if len(scans) < topKClauses {
		return nil, false, nil
	}
	// As the disjunction searcher does: clauses ordered by their counts
	// (the order their scores are added in; the same sort on the same
	// counts as searcher.OrderedSearcherList), and the query norm of their
	// weights.
	sort.Sort(byCount(scans))
	var sumOfSquaredWeights float64
	for _, c := range scans {
		sumOfSquaredWeights += c.weight
	}
	queryNorm := 1.0 / math.Sqrt(sumOfSquaredWeights)
	postings := uint64(0)
	for _, c := range scans {
		postings += c.count
		if c.conj != nil {
			for _, t := range c.conj {
				t.queryWeight = t.boost * t.idf * queryNorm
			}
			continue
		}
		if c.term == nil {
			c.s.SetQueryNorm(queryNorm)
			continue
		}
		c.term.queryWeight = c.term.boost * c.term.idf * queryNorm
		if c.term.vector == nil && vs.keeps(c.count) {
			v, err := vs.read(ctx, c.term, c.takeReader())
			if err != nil {
				return nil, false, err
			}
			c.term.vector = v
		}
	}

	// Scan the clauses into per-passage sums, on two cores when there is
	// enough to read: the first the passages before mid, the second the rest.
	sub := func(lo, hi uint64, own bool) (*accumulator, error) {
		acc := getAccumulator()
		acc.base = lo
		for _, c := range scans {
			if err := c.scan(ctx, r, m, queryNorm, lo, hi, own, acc); err != nil {
				putAccumulator(acc)
				return nil, err
			}
		}
		return acc, nil
	}
	var accs []*accumulator
	defer func() {
		for _, a := range accs {
			putAccumulator(a)
		}
	}()
	n, _ := r.DocCount()
	if postings >= parallelPostings && runtime.GOMAXPROCS(0) > 1 && n > 1 {
		mid := n / 2
		var second *accumulator
		var secondErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			second, secondErr = sub(mid, math.MaxUint64, false)
		}()
		first, err := sub(0, mid, true)
		<-done
		for _, a := range []*accumulator{first, second} {
			if a != nil {
				accs = append(accs, a)
			}
		}
		if err == nil {
			err = secondErr
		}
		if err != nil {
			return nil, false, err
		}
	} else {
		acc, err := sub(0, math.MaxUint64, true)
		if err != nil {
			return nil, false, err
		}
		accs = append(accs, acc)
	}

	best := make(hitHeap, 0, k+1)
	total, minMatch := float64(len(scans)), int(dq.Min)
	for _, acc := range accs {
		for h := range acc.hits(total, minMatch) {
			switch {
			case len(best) < k:
				best.push(h)
			case h.better(best[0]):
				best[0] = h // the worst kept gives way
				best.down(0)
			}
		}
	}
	// Passages that tie with the last one kept are told apart by their ids,
	// not by the index's internal order (which the order of writes and merges
	// decides): the same corpus gives the same candidates in any build.
	if len(best) == k {
		last := best[0].score
		for _, acc := range accs {
			for h := range acc.hits(total, minMatch) {
				if h.score == last && !inHeap(best, h.doc) {
					best = append(best, h)
				}
			}
		}
	}
	out := make([]*search.DocumentMatch, len(best))
	matches := make([]search.DocumentMatch, len(best)) // one allocation for all
	for i, h := range best {
		id := bleveindex.NewIndexInternalID(nil, h.doc)
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, false, err
		}
		matches[i] = search.DocumentMatch{ID: ext, IndexInternalID: id, Score: h.score}
		out[i] = &matches[i]
	}
	slices.SortFunc(out, func(a, b *search.DocumentMatch) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(out) > k {
		out = out[:k]
	}
	return out, true, nil
}

// settled rounds a score to float32's precision (seven digits): passages
// whose scores differ only in their last bits, by the order a sum was made
// in, tie, and ties are broken by passage id, the same in every build.
func settled(score float64) float64 { return float64(float32(score)) }

func inHeap(h hitHeap, doc uint64) bool {
	for _, x := range h {
		if x.doc == doc {
			return true
		}
	}
	return false
}

// parallelPostings is how many postings a query must read before topK
// splits the reading between two cores.
var parallelPostings uint64 = 50000

// clauseScan reads one clause's postings into an accumulator.
type clauseScan struct {
	q      query.Query
	count  uint64  // the passages it matches, as its searcher counts them
	weight float64 // its searcher's weight, before the query norm
	// A term clause is scored by term, reading the postings directly
	// (from tfr, the reader its count was read from, for its first scan);
	// any other clause by s, bleve's searcher of it.
	term *termScorer
	tfr  bleveindex.TermFieldReader
	s    search.Searcher
	// A conjunction of terms whose vectors are all kept is scored from
	// them: the passages holding every term, each scored by the sum of its
	// terms' scores, in the order of their counts, as bleve's
	// ConjunctionSearcher adds them.
	conj []*termScorer
}

// newClauseScan makes one clause's scan, or nil for a clause that has no
// searcher. A term clause counts as one term searcher against the search's
// limit, as bleve's would.
func newClauseScan(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, q query.Query,
	stats *search.BM25Stats, vectors *snapshotVectors) (*clauseScan, error) {
	if terms := conjunctionScoring(q, stats, vectors); terms != nil {
		c, err := newConjunctionScan(ctx, r, q, terms, vectors)
		if c != nil || err != nil {
			return c, err
		}
	}
	t := termScoring(q, stats)
	if t == nil {
		s, err := q.Searcher(ctx, r, m, search.SearcherOptions{})
		if err != nil || s == nil {
			return nil, err
		}
		return &clauseScan{q: q, count: s.Count(), weight: s.Weight(), s: s}, nil
	}
	if err := search.RecordTermSearcher(ctx); err != nil {
		return nil, err
	}
	c := &clauseScan{q: q, term: t}
	if v := vectors.cached(t); v != nil {
		c.count, t.vector = v.count, v
	} else {
		tfr, err := r.TermFieldReader(ctx, t.term, t.field, true, true, false)
		if err != nil {
			return nil, err
		}
		c.tfr, c.count = tfr, tfr.Count()
	}
	w := t.setIDF(c.count)
	c.weight = w * w
	return c, nil
}

// conjunctionScoring returns the scoring of each term of a conjunction of
// terms, when every term's vector is kept; nil for any other clause.
func conjunctionScoring(q query.Query, stats *search.BM25Stats, vectors *snapshotVectors) []*termScorer {
	cq, ok := q.(*query.ConjunctionQuery)
	if !ok || len(cq.Conjuncts) == 0 || !vectors.keepsAll() {
		return nil
	}
	terms := make([]*termScorer, len(cq.Conjuncts))
	for i, c := range cq.Conjuncts {
		if terms[i] = termScoring(c, stats); terms[i] == nil {
			return nil
		}
	}
	return terms
}

// newConjunctionScan reads the vectors of a conjunction's terms (each a
// term searcher against the search's limit) and makes its scan; nil when
// a vector cannot be kept (bleve's searcher then scores the clause).
func newConjunctionScan(ctx context.Context, r bleveindex.IndexReader, q query.Query, terms []*termScorer,
	vectors *snapshotVectors) (*clauseScan, error) {
	c := &clauseScan{q: q, conj: terms}
	for _, t := range terms {
		if err := search.RecordTermSearcher(ctx); err != nil {
			return nil, err
		}
		v := vectors.cached(t)
		if v == nil {
			tfr, err := r.TermFieldReader(ctx, t.term, t.field, true, true, false)
			if err != nil {
				return nil, err
			}
			t.setIDF(tfr.Count())
			if v, err = vectors.read(ctx, t, tfr); err != nil || v == nil {
				return nil, err
			}
		}
		t.vector = v
		w := t.setIDF(v.count)
		c.count += v.count
		c.weight += w * w
	}
	sort.Sort(termsByCount(terms))
	return c, nil
}

// setIDF sets the term's idf from its count and returns its weight before
// the query norm (its boost times its idf).
func (t *termScorer) setIDF(count uint64) float64 {
	t.idf = math.Log(1 + (float64(t.docTotal)-float64(count)+0.5)/(float64(count)+0.5))
	return t.boost * t.idf
}

// termsByCount orders a conjunction's terms by their counts, as
// NewConjunctionSearcher orders its searchers.
type termsByCount []*termScorer

func (b termsByCount) Len() int           { return len(b) }
func (b termsByCount) Less(i, j int) bool { return b[i].vector.count < b[j].vector.count }
func (b termsByCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

// scanConjunction adds the scores of the passages numbered lo to hi-1 that
// hold every term of the clause.
func (c *clauseScan) scanConjunction(ctx context.Context, lo, hi uint64, acc *accumulator) error {
	first := c.conj[0].vector
	at := make([]int, len(c.conj))
	for k, t := range c.conj {
		docs := t.vector.docs
		at[k] = sort.Search(len(docs), func(i int) bool { return uint64(docs[i]) >= lo })
	}
	for i := at[0]; i < len(first.docs) && uint64(first.docs[i]) < hi; i++ {
		if i&4095 == 4095 && ctx.Err() != nil {
			return ctx.Err()
		}
		doc := first.docs[i]
		score := c.conj[0].weigh(first.scores[i])
		all := true
		for k := 1; k < len(c.conj) && all; k++ {
			v := c.conj[k].vector
			j := at[k]
			for j < len(v.docs) && v.docs[j] < doc {
				j++
			}
			at[k] = j
			if all = j < len(v.docs) && v.docs[j] == doc; all {
				score += c.conj[k].weigh(v.scores[j])
			}
		}
		if all {
			acc.add(uint64(doc), score)
		}
	}
	return nil
}

// takeReader returns the clause's term reader, if it still has it, for
// the caller to close.
func (c *clauseScan) takeReader() bleveindex.TermFieldReader {
	tfr := c.tfr
	c.tfr = nil
	return tfr
}

func (c *clauseScan) close() {
	if c.tfr != nil {
		c.tfr.Close()
	}
	if c.s != nil {
		c.s.Close()
	}
}

// byCount orders clauses by their counts, as searcher.OrderedSearcherList.
type byCount []*clauseScan

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].count < b[j].count }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

// scan adds the clause's scores of the passages numbered lo to hi-1. own
// says the clause's searcher or reader may be used (one caller at a time);
// another caller makes its own.
func (c *clauseScan) scan(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, queryNorm float64,
	lo, hi uint64, own bool, acc *accumulator) error {
	if c.conj != nil {
		return c.scanConjunction(ctx, lo, hi, acc)
	}
	if c.term != nil {
		var tfr bleveindex.TermFieldReader
		if own {
			tfr = c.takeReader()
		}
		return c.term.scan(ctx, r, tfr, lo, hi, acc)
	}
	s := c.s
	if !own {
		var err error
		s, err = c.q.Searcher(search.ContextWithTermSearchersCounter(ctx), r, m, search.SearcherOptions{})
		if err != nil {
			return err
		}
		defer s.Close()
		s.SetQueryNorm(queryNorm)
	}
	// Each match is put back before the next is read: a small pool will do
	// (it grows if a searcher holds more).
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(clausePool, 0), IndexReader: r}
	var dm *search.DocumentMatch
	var err error
	if lo > 0 {
		dm, err = s.Advance(sctx, bleveindex.NewIndexInternalID(nil, lo))
	} else {
		dm, err = s.Next(sctx)
	}
	for n := 0; err == nil && dm != nil; n++ {
		if n&4095 == 4095 && ctx.Err() != nil {
			return ctx.Err()
		}
		if len(dm.IndexInternalID) != 8 {
			return errBadID
		}
		doc := binary.BigEndian.Uint64(dm.IndexInternalID)
		if doc >= hi {
			break
		}
		acc.add(doc, dm.Score)
		sctx.DocumentMatchPool.Put(dm)
		dm, err = s.Next(sctx)
	}
	return err
}

// clausePool is how many matches a clause's scan starts its pool with.
const clausePool = 2

var errBadID = errors.New("search: an index document number is not 8 bytes")

// termScorer scores a term clause's postings as bleve's TermQueryScorer
// does (BM25 with the index's statistics, the clause's boost and the
// query norm), reading the postings itself.
type termScorer struct {
	term        []byte
	field       string
	boost       float64
	docTotal    uint64
	idf         float64 // from the clause's count
	avgDocLen   float64
	queryWeight float64        // boost times idf times the query norm
	vector      *postingVector // the postings and their scores, when read before
}

// termScoring returns the scoring of a term clause, its idf and query
// weight yet to be set, or nil for any other clause, or when the
// statistics lack its field (then bleve's searcher scores it).
func termScoring(q query.Query, stats *search.BM25Stats) *termScorer {
	tq, ok := q.(*query.TermQuery)
	if !ok || tq.FieldVal == "" {
		return nil
	}
	card, ok := stats.FieldCardinality[tq.FieldVal]
	docTotal := uint64(stats.DocCount)
	if !ok || docTotal == 0 || card == 0 {
		return nil
	}
	return &termScorer{term: []byte(tq.Term), field: tq.FieldVal, boost: tq.BoostVal.Value(), docTotal: docTotal,
		avgDocLen: math.Ceil(float64(card) / float64(docTotal))}
}

// score is TermQueryScorer's score of one posting.
func (t *termScorer) score(freq uint64, norm float64) float64 {
	return t.weigh(t.docScore(freq, norm))
}

// weigh applies the query's weight to a posting's BM25 score, as
// TermQueryScorer does.
func (t *termScorer) weigh(score float64) float64 {
	if t.queryWeight != 1.0 {
		score = score * t.queryWeight
	}
	return score
}

// docScore is TermQueryScorer's BM25 score of one posting before the
// query's weight: it depends on the index alone.
func (t *termScorer) docScore(freq uint64, norm float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	fieldLength := 1 / (norm * norm)
	return t.idf * (tf * search.BM25_k1) /
		(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/t.avgDocLen)))
}

// scan adds the term's scores of the passages numbered lo to hi-1, read
// from its vector, or from tfr (which it closes), or from a reader of its
// own when tfr is nil.
func (t *termScorer) scan(ctx context.Context, r bleveindex.IndexReader, tfr bleveindex.TermFieldReader,
	lo, hi uint64, acc *accumulator) error {
	if tfr != nil {
		defer tfr.Close()
	}
	if v := t.vector; v != nil {
		i := sort.Search(len(v.docs), func(i int) bool { return uint64(v.docs[i]) >= lo })
		for ; i < len(v.docs) && uint64(v.docs[i]) < hi; i++ {
			acc.add(uint64(v.docs[i]), t.weigh(v.scores[i]))
		}
		return nil
	}
	if tfr == nil {
		var err error
		if tfr, err = r.TermFieldReader(ctx, t.term, t.field, true, true, false); err != nil {
			return err
		}
		defer tfr.Close()
	}
	var err error
	var tfd bleveindex.TermFieldDoc
	var d *bleveindex.TermFieldDoc
	if lo > 0 {
		d, err = tfr.Advance(bleveindex.NewIndexInternalID(nil, lo), &tfd)
	} else {
		d, err = tfr.Next(&tfd)
	}
	for n := 0; err == nil && d != nil; n++ {
		if n&4095 == 4095 && ctx.Err() != nil {
			return ctx.Err()
		}
		if len(d.ID) != 8 {
			return errBadID
		}
		doc := binary.BigEndian.Uint64(d.ID)
		if doc >= hi {
			break
		}
		acc.add(doc, t.score(d.Freq, d.Norm))
		d, err = tfr.Next(&tfd)
	}
	return err
}

// accumulator holds a query's partial scores and clause counts by the
// index's document number (less base), and which numbers it touched.
type accumulator struct {
	base    uint64
	sum     []float64
	count   []uint16
	touched []uint64
}

// hits are the passages that matched at least minMatch of total clauses,
// each with its sum weighted by the share of clauses matched (bleve's
// coord), settled.
func (a *accumulator) hits(total float64, minMatch int) iter.Seq[hit] {
	return func(yield func(hit) bool) {
		for _, i := range a.touched {
			c := int(a.count[i])
			if c < minMatch {
				continue
			}
			coord := float64(c) / total
			if !yield(hit{doc: a.base + i, score: settled(a.sum[i] * coord)}) {
				return
			}
		}
	}
}

func (a *accumulator) add(doc uint64, score float64) {
	n := doc - a.base
	if n >= uint64(len(a.sum)) {
		size := max(2*len(a.sum), int(n)+1, 1024)
		a.sum = append(a.sum, make([]float64, size-len(a.sum))...)
		a.count = append(a.count, make([]uint16, size-len(a.count))...)
	}
	if a.count[n] == 0 {
		a.touched = append(a.touched, n)
	}
	a.sum[n] += score
	if a.count[n] < math.MaxUint16 {
		a.count[n]++
	}
}

// Accumulators are reused: one is a few bytes per passage of the index.
var accumulators sync.Pool

func getAccumulator() *accumulator {
	if a, ok := accumulators.Get().(*accumulator); ok {
		return a
	}
	return &accumulator{}
}

func putAccumulator(a *accumulator) {
	for _, n := range a.touched {
		a.sum[n], a.count[n] = 0, 0
	}
	a.touched = a.touched[:0]
	accumulators.Put(a)
}

// hit is a scored passage; hitHeap keeps the k best with the worst on top.
type hit struct {
	doc   uint64
	score float64
}

// better reports whether h ranks before o: a higher score, or an equal
// score earlier in index order (bleve's order of equal scores; topK breaks
// the ties it keeps by passage id afterwards).
func (h hit) better(o hit) bool {
	if h.score != o.score {
		return h.score > o.score
	}
	return h.doc < o.doc
}

// hitHeap is a binary heap of hits, the worst at its root, as
// container/heap keeps one but without boxing each hit in an interface (an
// allocation per hit pushed).
type hitHeap []hit

func (h *hitHeap) push(x hit) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !s[parent].better(s[i]) {
			break
		}
		s[parent], s[i] = s[i], s[parent]
		i = parent
	}
}

// down restores the heap below i after its hit changed for a better one.
func (h hitHeap) down(i int) {
	for {
		worst, l := i, 2*i+1
		if l < len(h) && h[worst].better(h[l]) {
			worst = l
		}
		if r := l + 1; r < len(h) && h[worst].better(h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// postingVector is a term's postings, by document number, with their BM25
// scores before the query's weight. A question's common words are the
// costliest to read, and the same few come back question after question:
// their postings are read once per index version and kept.
type postingVector struct {
	count  uint64 // the term reader's count
	docs   []uint32
	scores []float64
}

func (v *postingVector) bytes() int { return 12*len(v.docs) + 64 }

// minVectorPostings is the fewest postings a term has for its vector to be
// kept (a variable for tests), in an index of more than allVectorPassages
// passages; in a smaller one every term's vector is kept, since all of them
// fit in the cache (a few hundred postings a passage, 12 bytes each) and
// reading a vector back costs less than opening a term reader, however
// rare the term. maxVectorBytes bounds the vectors kept, least recently
// used first out.
var (
	minVectorPostings uint64  = 4096
	allVectorPassages float64 = 5000
)

const maxVectorBytes = 64 << 20

// vectorCache keeps the posting vectors of one index version, computed
// with one set of BM25 statistics. A vector holds the index's internal
// document numbers, which are those of one snapshot's segments: scorch
// merging segments in the background renumbers the documents, so the
// cache keeps the vectors of one layout of segments at a time (gen counts
// the layouts seen), and a search reads only vectors of its own.
type vectorCache struct {
	stats  *search.BM25Stats
	mu     sync.Mutex
	lru    *lru.Cache[string, *postingVector]
	bytes  int
	gen    uint64
	layout []segmentPart
}

// segmentPart is one segment of a snapshot: its id and how many of its
// documents are live.
type segmentPart struct{ id, live uint64 }

// snapshotVectors are a cache's vectors as one search's snapshot sees them.
type snapshotVectors struct {
	vc  *vectorCache
	gen uint64
}

// at returns the cache as the snapshot r sees it: nil on a nil cache, or
// when r's segments cannot be told (then no vectors are used). A snapshot
// whose segments differ from the cache's layout empties it.
func (vc *vectorCache) at(r bleveindex.IndexReader) *snapshotVectors {
	snap, ok := r.(*scorch.IndexSnapshot)
	if vc == nil || !ok {
		return nil
	}
	segs := snap.Segments()
	vc.mu.Lock()
	defer vc.mu.Unlock()
	same := len(segs) == len(vc.layout)
	for i := 0; same && i < len(segs); i++ {
		same = vc.layout[i] == segmentPart{segs[i].Id(), segs[i].Count()}
	}
	if !same {
		vc.layout = vc.layout[:0]
		for _, s := range segs {
			vc.layout = append(vc.layout, segmentPart{s.Id(), s.Count()})
		}
		vc.gen++
		vc.lru.Purge()
	}
	return &snapshotVectors{vc: vc, gen: vc.gen}
}

func newVectorCache(stats *search.BM25Stats) *vectorCache {
	vc := &vectorCache{stats: stats}
	vc.lru, _ = lru.NewWithEvict[string, *postingVector](1<<16, func(_ string, v *postingVector) {
		vc.bytes -= v.bytes()
	})
	return vc
}

// vectors returns the index's posting vectors for searches with the given
// statistics: none for statistics other than the index's own.
func (pi passageIndex) vectors(stats *search.BM25Stats) *vectorCache {
	if pi.vecs == nil || pi.vecs.stats != stats {
		return nil
	}
	return pi.vecs
}

// cached returns a term's vector if it has been read from the search's
// layout of segments, else nil; nil on a nil cache too.
func (vs *snapshotVectors) cached(t *termScorer) *postingVector {
	if vs == nil {
		return nil
	}
	vs.vc.mu.Lock()
	defer vs.vc.mu.Unlock()
	if vs.gen != vs.vc.gen {
		return nil
	}
	v, _ := vs.vc.lru.Get(vectorKey(t))
	return v
}

// keepsAll says whether every term's vector is kept.
func (vs *snapshotVectors) keepsAll() bool {
	return vs != nil && vs.vc.stats.DocCount <= allVectorPassages
}

// keeps says whether a term with count postings has its vector kept; false
// on a nil cache.
func (vs *snapshotVectors) keeps(count uint64) bool {
	return vs != nil && (count >= minVectorPostings || vs.keepsAll())
}

func vectorKey(t *termScorer) string { return t.field + "\x00" + string(t.term) }

// read reads a term's vector from its reader tfr, which it closes, and
// keeps it; nil (and the postings read as they are) when there is no
// reader or the index's numbers do not fit.
func (vs *snapshotVectors) read(ctx context.Context, t *termScorer, tfr bleveindex.TermFieldReader) (*postingVector, error) {
	if tfr == nil {
		return nil, nil
	}
	defer tfr.Close()
	n := tfr.Count()
	v := &postingVector{count: n, docs: make([]uint32, 0, n), scores: make([]float64, 0, n)}
	var tfd bleveindex.TermFieldDoc
	d, err := tfr.Next(&tfd)
	for i := 0; err == nil && d != nil; i++ {
		if i&4095 == 4095 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if len(d.ID) != 8 {
			return nil, errBadID
		}
		doc := binary.BigEndian.Uint64(d.ID)
		if doc > math.MaxUint32 {
			return nil, nil // beyond what a vector holds: read the postings
		}
		v.docs = append(v.docs, uint32(doc))
		v.scores = append(v.scores, t.docScore(d.Freq, d.Norm))
		d, err = tfr.Next(&tfd)
	}
	if err != nil {
		return nil, err
	}
	key := vectorKey(t)
	vc := vs.vc
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vs.gen != vc.gen {
		return v, nil // the cache has moved on to another layout
	}
	if _, ok := vc.lru.Get(key); !ok {
		vc.lru.Add(key, v)
		vc.bytes += v.bytes()
		for vc.bytes > maxVectorBytes && vc.lru.Len() > 1 {
			vc.lru.RemoveOldest()
		}
	}
	return v, nil
}
