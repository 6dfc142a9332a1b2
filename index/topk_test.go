package index

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"github.com/casebot/casebot/corpus"
)

// TestTopKMatchesBleve compares the pruned top-k search (topk.go) with
// bleve's own on the queries of real questions, on the embedded corpus and
// on a generated store of several segments with deleted passages: the same
// passages, in the same order, with the same scores.
func TestTopKMatchesBleve(t *testing.T) {
	questions := append([]string(nil), benchQuestions...)
	files, _ := filepath.Glob("../testdata/*.jsonl")
	for _, f := range files {
		if raw, err := os.ReadFile(f); err == nil {
			for _, l := range strings.Split(string(raw), "\n") {
				if i := strings.Index(l, `"q": "`); i >= 0 {
					questions = append(questions, strings.SplitN(l[i+6:], `"`, 2)[0])
				}
			}
		}
	}
	t.Run("embedded", func(t *testing.T) {
		ix := embedded(t)
		compareTopK(t, ix, questions)
		// A small index keeps every term's vector, the rarest too.
		if n := ix.st.bi.(passageIndex).vecs.lru.Len(); n < 100 {
			t.Errorf("%d posting vectors kept in the embedded corpus's index", n)
		}
	})
	t.Run("embedded, on two cores", func(t *testing.T) {
		defer func(n uint64) { parallelPostings = n }(parallelPostings)
		parallelPostings = 1
		compareTopK(t, embedded(t), questions)
	})
	t.Run("store", func(t *testing.T) {
		// Vectors only of common terms, as in an index of many passages.
		defer func(n float64) { allVectorPassages = n }(allVectorPassages)
		allVectorPassages = 0
		src := genCorpus(t, 400)
		ctx := context.Background()
		ix, _, err := Create(ctx, filepath.Join(t.TempDir(), "idx"), loadDir(t, src), Options{BatchSize: 150})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		// Change some documents, so that segments hold deleted passages.
		for i := 0; i < 400; i += 37 {
			os.WriteFile(filepath.Join(src, fmt.Sprintf("d%05d.md", i)), []byte(genDoc(i+1000, fmt.Sprintf("beta%d", i))), 0o644)
		}
		if sum, err := ix.Update(ctx, loadDir(t, src), Options{}); err != nil || sum.Analyzed == 0 {
			t.Fatalf("update: %+v %v", sum, err)
		}
		// The updated state wraps bleve's index once, with its own vectors;
		// the moment between the batch and the new state uses none.
		pi := ix.st.bi.(passageIndex)
		if _, nested := pi.baseIndex.(passageIndex); nested || pi.vecs == nil {
			t.Errorf("after an update: nested %v, vectors %v", nested, pi.vecs != nil)
		}
		if ix.st.fresh().bi.(passageIndex).vecs != nil {
			t.Error("fresh keeps the old version's posting vectors")
		}
		// Questions of the documents' own words, two to six of them, and a
		// sixth of the others, which find little in generated documents
		// (all of them had made this the package's slowest test under -race).
		r := rand.New(rand.NewSource(1))
		words := genWords()
		var qs []string
		for i := 0; i < len(questions); i += 6 {
			qs = append(qs, questions[i])
		}
		for i := 0; i < 300; i++ {
			var q []string
			for j := 0; j < 2+r.Intn(5); j++ {
				q = append(q, words[r.Intn(len(words))])
			}
			qs = append(qs, strings.Join(q, " "))
		}
		compareTopK(t, ix, qs)
		defer func(n uint64) { parallelPostings = n }(parallelPostings)
		parallelPostings = 1
		compareTopK(t, ix, qs)
		// Every term's postings kept as a vector (read, then reused).
		defer func(n uint64) { minVectorPostings = n }(minVectorPostings)
		minVectorPostings = 1
		compareTopK(t, ix, qs)
		compareTopK(t, ix, qs)
		if ix.st.bi.(passageIndex).vecs.lru.Len() == 0 {
			t.Error("no posting vector kept")
		}
		// As a small index is searched: conjunctions scored from vectors too,
		// in segments with deleted passages.
		allVectorPassages = 5000
		compareTopK(t, ix, qs)
		compareTopK(t, ix, qs)
	})
}

// A posting vector holds the document numbers of one layout of segments:
// once scorch has written or merged segments, the vectors read before are
// not used, and a search of the old layout keeps none.
func TestVectorsFollowSegments(t *testing.T) {
	ctx := context.Background()
	c, err := corpus.Load(ctx, corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, _, err := Create(ctx, filepath.Join(t.TempDir(), "idx"), c, Options{BatchSize: 7, Now: 2026})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	pi := ix.st.bi.(passageIndex)
	adv, err := pi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	tq := bleve.NewTermQuery("korea")
	tq.SetField(fieldText)
	read := func(r bleveindex.IndexReader, vs *snapshotVectors) (*termScorer, *postingVector) {
		ts := termScoring(tq, pi.stats)
		tfr, err := r.TermFieldReader(ctx, ts.term, ts.field, true, true, false)
		if err != nil {
			t.Fatal(err)
		}
		ts.setIDF(tfr.Count())
		v, err := vs.read(ctx, ts, tfr)
		if err != nil || v == nil || len(v.docs) == 0 {
			t.Fatalf("vector %v, %v", v, err)
		}
		return ts, v
	}
	old, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	before := pi.vecs.at(old)
	ts, v := read(old, before)
	if before.cached(ts) != v {
		t.Fatal("a vector just read is not kept")
	}
	// A passage written apart makes a segment of its own.
	if err := pi.baseIndex.Index("zz-extra", map[string]any{fieldText: "korea korea"}); err != nil {
		t.Fatal(err)
	}
	cur, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	after := pi.vecs.at(cur)
	if after.gen == before.gen || after.cached(ts) != nil || before.cached(ts) != nil {
		t.Fatalf("generations %d and %d; the old vector still served", before.gen, after.gen)
	}
	read(old, before)
	if n := pi.vecs.lru.Len(); n != 0 {
		t.Errorf("%d vectors of the old layout kept", n)
	}
	ts, v = read(cur, after)
	if after.cached(ts) != v || uint64(len(v.docs)) != v.count {
		t.Error("the new layout's vector is not kept")
	}
}

func compareTopK(t *testing.T, ix *Index, questions []string) {
	t.Helper()
	st := ix.st
	pi := st.bi.(passageIndex)
	pruned := 0
	for _, q := range questions {
		p := st.plan(q)
		if !p.hasContent() {
			continue
		}
		own, other := st.query(p)
		for _, c := range []struct {
			q query.Query
			k int
		}{{own, 3}, {own, Candidates}, {other, otherCandidates}} {
			if c.q == nil {
				continue
			}
			k := c.k
			ctx := context.WithValue(context.Background(), search.MaxTermSearchersKey, maxTermSearchers)
			ctx = context.WithValue(ctx, search.BM25StatsKey, pi.stats)
			req := bleve.NewSearchRequestOptions(c.q, k, 0, false)
			want, err := pi.baseIndex.SearchInContext(ctx, req)
			if err != nil {
				t.Fatalf("%q: bleve: %v", q, err)
			}
			got, ok, err := pi.searchTopK(ctx, req, pi.stats)
			if err != nil {
				t.Fatalf("%q: topK: %v", q, err)
			}
			if !ok {
				continue
			}
			pruned++
			if len(got.Hits) != len(want.Hits) {
				t.Errorf("%q k=%d: %d hits, bleve %d", q, k, len(got.Hits), len(want.Hits))
				continue
			}
			sameHits(t, fmt.Sprintf("%q k=%d", q, k), got.Hits, want.Hits)
		}
	}
	t.Logf("%d searches of %d questions went through topK", pruned, len(questions))
	if pruned < len(questions)/2 {
		t.Errorf("only %d of %d searches went through topK", pruned, 2*len(questions))
	}
}

// sameHits checks two result lists for the same passages in the same order
// with the same scores, up to rounding: topK settles scores to float32's
// precision (so that near ties break by passage id, the same in every
// build), and passages whose scores differ by no more than that may trade
// places.
func sameHits(t *testing.T, what string, got, want search.DocumentMatchCollection) {
	t.Helper()
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(a), math.Abs(b)) }
	for i := range want {
		if !near(got[i].Score, want[i].Score) {
			t.Errorf("%s: hit %d scores %v, bleve's %v", what, i, got[i].Score, want[i].Score)
			return
		}
		if got[i].ID != want[i].ID {
			// Only a near tie may trade places.
			j := i
			for j < len(want) && near(want[j].Score, want[i].Score) && want[j].ID != got[i].ID {
				j++
			}
			k := i
			for k >= 0 && near(want[k].Score, want[i].Score) && want[k].ID != got[i].ID {
				k--
			}
			inTie := j < len(want) && want[j].ID == got[i].ID || k >= 0 && want[k].ID == got[i].ID
			atEdge := j == len(want) && near(want[len(want)-1].Score, got[i].Score)
			if !inTie && !atEdge {
				t.Errorf("%s: hit %d is %s %v, bleve's %s %v", what, i, got[i].ID, got[i].Score, want[i].ID, want[i].Score)
				return
			}
		}
	}
}

// BM25 alone (--plain) gives the same answers from every build of a corpus:
// equal scores are ordered by passage id, not by bleve's internal order,
// which depends on how the passages were written into segments.
func TestPlainSameFromEveryBuild(t *testing.T) {
	ctx := context.Background()
	a, b := embedded(t), embeddedInBatches(t)
	questions := append([]string(nil), benchQuestions...)
	raw, err := os.ReadFile("../testdata/questions-notes.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if i := strings.Index(l, `"q": "`); i >= 0 {
			questions = append(questions, strings.SplitN(l[i+6:], `"`, 2)[0])
		}
	}
	for _, q := range questions {
		x, errA := a.Ask(ctx, q, AskOptions{Plain: true, K: 5})
		y, errB := b.Ask(ctx, q, AskOptions{Plain: true, K: 5})
		if errA != nil || errB != nil {
			t.Fatalf("%q: %v, %v", q, errA, errB)
		}
		var ids [2][]string
		for i, ans := range []Answer{x, y} {
			for _, c := range ans.Citations {
				ids[i] = append(ids[i], c.ID)
			}
		}
		if strings.Join(ids[0], " ") != strings.Join(ids[1], " ") {
			t.Errorf("%q: %v from one build, %v from another", q, ids[0], ids[1])
		}
	}
}

// topK counts its term clauses against the search's limit of term
// searchers, as bleve counts its searchers: over the limit both fail, under
// it both answer.
func TestTopKTermSearcherLimit(t *testing.T) {
	pi := embedded(t).st.bi.(passageIndex)
	disjunction := func(n int) *query.DisjunctionQuery {
		var qs []query.Query
		for i := range n {
			tq := bleve.NewTermQuery(fmt.Sprintf("korea%d", i))
			if i%2 == 0 {
				tq = bleve.NewTermQuery("korea")
			}
			tq.SetField(fieldText)
			qs = append(qs, tq)
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	ctx := context.WithValue(context.Background(), search.MaxTermSearchersKey, 8)
	ctx = context.WithValue(ctx, search.BM25StatsKey, pi.stats)
	for _, n := range []int{8, 9} {
		req := bleve.NewSearchRequestOptions(disjunction(n), 3, 0, false)
		_, bleveErr := pi.baseIndex.SearchInContext(ctx, req)
		_, ok, err := pi.searchTopK(ctx, req, pi.stats)
		if (err != nil) != (bleveErr != nil) || err == nil && !ok {
			t.Errorf("%d clauses, a limit of 8: topK %v (ok %v), bleve %v", n, err, ok, bleveErr)
		}
		if n == 9 && err == nil {
			t.Errorf("9 clauses, a limit of 8: topK answered")
		}
	}
}
