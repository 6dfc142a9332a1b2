package index

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/optimize"

	"github.com/casebot/casebot/corpus"
)

// TrainSet is a corpus and questions about it (EvalQuestion: answerable ones
// with the phrases the answering passage holds, and out-of-scope ones).
type TrainSet struct {
	Name      string
	Corpus    *corpus.Corpus
	Questions []EvalQuestion
	// Articles is true when the corpus's documents are independent articles
	// (Wikipedia's, say). Train then asks each article's questions of smaller
	// corpora of a few articles, the way a server's corpus would be, and asks
	// each corpus questions about articles left out of it, which it must
	// decline. Otherwise the corpus is used whole.
	Articles bool
	// Weight scales how much each of the set's questions counts (default 1).
	Weight float64
}

// TrainOptions tune Train.
type TrainOptions struct {
	// Folds is the number of cross-validation folds (default 4). Articles
	// are held out whole: a fold's articles are never trained on while it is
	// measured.
	Folds int
	// Lambdas are the strengths of L2 regularisation to choose from by
	// cross-validation (default 0.0003, 0.001, 0.003).
	Lambdas []float64
	// AnswerLambdas are the answer model's L2 strengths to choose from by
	// cross-validation (default 0.0003, 0.001, 0.003, 0.01).
	AnswerLambdas []float64
	// MinDecline is the share of the out-of-scope questions asked of each
	// corpus that the threshold must decline, in cross-validation (default
	// 0.95); sets sharing a corpus (the same *corpus.Corpus) count as one.
	MinDecline float64
	// Now is the year open spans run to (default: this year).
	Now int
	// Log, when set, is told what Train is doing.
	Log func(string)
	// Dump, when set, receives the training examples as JSON lines (see
	// writeDump), for experiments outside casebot.
	Dump io.Writer
}

// example is one question asked of one corpus, with its candidates'
// features.
type example struct {
	set, fold int
	weight    float64
	scope     scope
	x         []float64 // candidates × numFeatures, in retrieval order
	label     []bool    // the candidate holds an expected phrase
	firstPos  int       // retrieval rank of the first right candidate, or -1
	qf        answerFeatures
	q         string    // the question
	ids       []string  // the candidates' passage ids
	mentions  []float64 // the candidates' nameMentions
	docs      int       // the number of documents in the corpus asked
	episode   string    // the corpus asked, by name
	texts     []string  // the candidates' text, kept only for a dump
}

type scope uint8

const (
	inScope    scope = iota // the corpus answers it
	outOfScope              // about something else (another article, general knowledge)
	nearMiss                // looks answerable from the corpus, but is not (SQuAD 2.0)
)

func (e *example) n() int { return len(e.label) }

func (e *example) row(i int) []float64 { return e.x[i*numFeatures : (i+1)*numFeatures] }

// rankable reports whether the example teaches ranking: a right candidate
// and a wrong one.
func (e *example) rankable() bool {
	pos := 0
	for _, l := range e.label {
		if l {
			pos++
		}
	}
	return e.scope == inScope && pos > 0 && pos < len(e.label)
}

// episode is a corpus (a set's corpus, or some of its articles) and the
// questions asked of it.
type episode struct {
	set, fold int
	name      string
	docs      []corpus.Document
	rules     []corpus.Rule
	questions []asked
}

type asked struct {
	q     EvalQuestion
	alts  [][]string
	scope scope
	fold  int
	// about is the article a question of an article set is about (its
	// set's index and its path), which the background leaves out.
	about articleKey
}

// articleKey names a document of an article set.
type articleKey struct {
	set  int
	path string
}

// Train fits a Model to question sets: the ranking weights by listwise
// logistic regression (the softmax of the candidates' scores, the right
// ones' share maximised), the answer model by logistic regression on the
// ranking's held-out results, and the threshold so that each set's
// out-of-scope questions are declined at least opts.MinDecline of the time
// in cross-validation. It is deterministic: the same sets give the same
// model.
func Train(ctx context.Context, sets []TrainSet, opts TrainOptions) (*Model, error) {
	start := time.Now()
	if opts.Folds < 2 {
		opts.Folds = 4
	}
	if len(opts.Lambdas) == 0 {
		opts.Lambdas = []float64{0.0003, 0.001, 0.003}
	}
	if len(opts.AnswerLambdas) == 0 {
		opts.AnswerLambdas = []float64{0.0003, 0.001, 0.003, 0.01}
	}
	if opts.MinDecline <= 0 {
		opts.MinDecline = 0.95
	}
	if opts.Now == 0 {
		opts.Now = time.Now().Year()
	}
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			opts.Log(fmt.Sprintf(format, args...))
		}
	}
	eps, err := episodes(ctx, sets, opts)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(eps, func(ep episode) bool {
		return slices.ContainsFunc(ep.questions, func(a asked) bool { return a.scope == outOfScope })
	}) {
		// The threshold is set by the out-of-scope questions: without any,
		// it would be 0, and every question answered.
		return nil, errors.New("no out-of-scope questions to set the threshold with: add some (\"abstain\": true) or a set of articles")
	}
	logf("%d corpora, %d questions asked", len(eps), countAsked(eps))
	bg := trainBackgrounds(sets)
	exs, err := collect(ctx, sets, eps, opts, bg)
	if err != nil {
		return nil, err
	}
	logf("features of %d questions in %v", len(exs), time.Since(start).Round(time.Second))
	if opts.Dump != nil {
		if err := writeDump(opts.Dump, sets, opts.Folds, exs); err != nil {
			return nil, fmt.Errorf("dump: %w", err)
		}
		for _, e := range exs {
			e.texts = nil
		}
	}

	var report []string
	report = append(report, recallLines(sets, exs)...)

	// Choose lambda by the held-out log-loss of the ranking (the loss it is
	// fitted with, on the folds it did not see), each set counting equally;
	// then fit on everything. The log-loss weighs every question by how sure
	// the ranking is, where top-1 counts only the questions whose first
	// candidate changes: strengths a thousandth of top-1 apart swapped
	// places from one change to the next, and with them a few hundredths of
	// the case-study questions not trained on.
	bestLambda, bestLoss := 0.0, math.Inf(1)
	var bestOOF [][]float64
	for _, lambda := range opts.Lambdas {
		oof, err := crossScores(ctx, exs, opts.Folds, lambda)
		if err != nil {
			return nil, err
		}
		tops, losses := heldOutTop1(sets, exs, oof), heldOutLogLoss(sets, exs, oof)
		logf("lambda %g: held-out top-1 %s; log-loss %s", lambda, formatShares(sets, tops), formatShares(sets, losses))
		if loss := meanOf(losses); loss < bestLoss {
			bestLambda, bestLoss, bestOOF = lambda, loss, oof
		}
	}
	bm := make([][]float64, len(exs))
	for i, e := range exs {
		bm[i] = make([]float64, e.n())
		for j := range bm[i] {
			bm[i][j] = e.row(j)[fBM25]
		}
	}
	report = append(report, fmt.Sprintf("ranking, held out (%d folds, articles left out whole): top-1 of the right passage among the candidates", opts.Folds))
	report = append(report, fmt.Sprintf("  BM25 alone:  %s", formatShares(sets, heldOutTop1(sets, exs, bm))))
	report = append(report, fmt.Sprintf("  model:       %s (L2 lambda %g)", formatShares(sets, heldOutTop1(sets, exs, bestOOF)), bestLambda))

	rank, err := fitRank(ctx, exs, nil, bestLambda)
	if err != nil {
		return nil, err
	}
	logf("ranking fitted (lambda %g) in %v", bestLambda, time.Since(start).Round(time.Second))

	// The answer model learns from the ranking's held-out results, the way
	// it will meet questions: whether the best candidate is right.
	// Its lambda is chosen like the ranking's, by what answering gives held
	// out: the answerable questions answered right at the threshold that
	// lambda's model needs, each set counting equally.
	rows, labels, weights := answerRows(exs, bestOOF)
	var oofProb []float64
	threshold, answerLambda, bestScore := 0.0, 0.0, -1.0
	for _, lambda := range opts.AnswerLambdas {
		prob, err := crossAnswer(exs, rows, labels, weights, opts.Folds, lambda)
		if err != nil {
			return nil, err
		}
		t := chooseThreshold(sets, exs, prob, opts.MinDecline)
		rights := answeredRight(sets, exs, bestOOF, prob, t)
		mean := meanOf(rights)
		logf("answer lambda %g: threshold %.3f, held-out answered top-1 %s", lambda, t, formatShares(sets, rights))
		if mean > bestScore {
			oofProb, threshold, answerLambda, bestScore = prob, t, lambda, mean
		}
	}
	report = append(report, answerLines(sets, exs, bestOOF, oofProb, threshold, opts.MinDecline, answerLambda)...)
	answer, err := fitLogistic(rows, labels, weights, nil, answerLambda)
	if err != nil {
		return nil, err
	}
	m := &Model{
		About: "casebot's scoring model: a linear ranking of candidate passages over their features " +
			"(index/features.go) and a logistic model of the probability that the best one answers " +
			"the question. Written by casebot train; do not edit by hand.",
		Rank:      linearModel(rank, featureNames[:]),
		Answer:    linearModel(answer, answerFeatureNames[:]),
		Threshold: round6(threshold),
		Report:    report,
	}
	if bg.all != nil {
		m.bg, m.Background = bg.all, bg.all.sum()
	}
	logf("done in %v", time.Since(start).Round(time.Second))
	return m, nil
}

// meanOf is the mean of the sets' figures, each set counting equally.
func meanOf(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func countAsked(eps []episode) int {
	n := 0
	for _, e := range eps {
		n += len(e.questions)
	}
	return n
}

// episodes lays out the corpora questions are asked of.
func episodes(ctx context.Context, sets []TrainSet, opts TrainOptions) ([]episode, error) {
	var out []episode
	articlesOf := map[int][]string{} // per article set: the article of each question
	for si, s := range sets {
		if s.Articles {
			a, err := articleOf(ctx, s, opts)
			if err != nil {
				return nil, err
			}
			articlesOf[si] = a
		}
	}
	for si, s := range sets {
		if len(s.Corpus.Docs) == 0 {
			return nil, fmt.Errorf("set %s: no documents", s.Name)
		}
		if !s.Articles {
			ep := episode{set: si, fold: -1, name: s.Name, docs: s.Corpus.Docs, rules: s.Corpus.Rules}
			for i, q := range s.Questions {
				alts, _ := q.alternatives()
				sc := inScope
				if q.Abstain {
					sc = outOfScope
				}
				ep.questions = append(ep.questions, asked{q: q, alts: alts, scope: sc, fold: i % opts.Folds})
			}
			// Questions about the article sets are out of scope here too.
			var other []asked
			for sj, o := range sets {
				if sj == si || !o.Articles {
					continue
				}
				for i, q := range o.Questions {
					if !q.Abstain {
						other = append(other, asked{q: q, scope: outOfScope, about: articleKey{sj, articlesOf[sj][i]}})
					}
				}
			}
			for i, a := range sample(other, max(20, len(ep.questions)/5), s.Name) {
				a.fold = i % opts.Folds
				ep.questions = append(ep.questions, a)
			}
			out = append(out, ep)
			continue
		}
		articles := articlesOf[si]
		var paths []string
		for _, d := range s.Corpus.Docs {
			paths = append(paths, d.Path)
		}
		sort.Strings(paths)
		foldOf := map[string]int{}
		byFold := make([][]string, opts.Folds)
		for i, p := range paths {
			foldOf[p] = i % opts.Folds
			byFold[i%opts.Folds] = append(byFold[i%opts.Folds], p)
		}
		byPath := map[string]corpus.Document{}
		for _, d := range s.Corpus.Docs {
			byPath[d.Path] = d
		}
		for f, group := range byFold {
			for _, chunk := range chunks(group) {
				in := map[string]bool{}
				ep := episode{set: si, fold: f, name: fmt.Sprintf("%s[%s]", s.Name, strings.Join(chunk, ","))}
				for _, p := range chunk {
					in[p] = true
					ep.docs = append(ep.docs, byPath[p])
				}
				ep.rules = s.Corpus.Rules
				var other []asked
				for i, q := range s.Questions {
					a := articles[i]
					alts, _ := q.alternatives()
					switch {
					case a == "":
					case in[a] && q.Abstain:
						ep.questions = append(ep.questions, asked{q: q, scope: nearMiss, fold: f, about: articleKey{si, a}})
					case in[a]:
						ep.questions = append(ep.questions, asked{q: q, alts: alts, scope: inScope, fold: f, about: articleKey{si, a}})
					case !q.Abstain && foldOf[a] == (f+1)%opts.Folds:
						other = append(other, asked{q: q, scope: outOfScope, fold: f, about: articleKey{si, a}})
					}
				}
				n := 0
				for _, a := range ep.questions {
					if a.scope == inScope {
						n++
					}
				}
				ep.questions = append(ep.questions, sample(other, max(20, n/5), ep.name)...)
				out = append(out, ep)
			}
		}
	}
	return out, nil
}

// chunkSizes are the sizes of the corpora an article set is cut into: a
// server's corpus is a few documents to a dozen. A fold's articles also make
// one corpus together.
var chunkSizes = [...]int{2, 3, 6}

func chunks(paths []string) [][]string {
	var out [][]string
	for i, k := 0, 0; i < len(paths); k++ {
		n := min(chunkSizes[k%len(chunkSizes)], len(paths)-i)
		if n == 1 && len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], paths[i])
			break
		}
		out = append(out, paths[i:i+n])
		i += n
	}
	if len(out) > 1 {
		out = append(out, paths)
	}
	return out
}

// sample picks n of qs, the same ones every time for the same key.
func sample(qs []asked, n int, key string) []asked {
	type keyed struct {
		h uint64
		a asked
	}
	ks := make([]keyed, len(qs))
	for i, a := range qs {
		h := fnv.New64a()
		h.Write([]byte(key + "\x00" + a.q.ID + "\x00" + a.q.Q))
		ks[i] = keyed{h.Sum64(), a}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].h < ks[j].h })
	out := make([]asked, 0, min(n, len(ks)))
	for i := 0; i < n && i < len(ks); i++ {
		out = append(out, ks[i].a)
	}
	return out
}

// articleOf finds the article each question of an article set is about: the
// one whose text holds its expected phrase (when several do, the article of
// the question before, as question files list them by article); for an
// out-of-scope question, the article it is closest to (the best passage of
// the whole set).
func articleOf(ctx context.Context, s TrainSet, opts TrainOptions) ([]string, error) {
	folded := make([]string, len(s.Corpus.Docs))
	for i, d := range s.Corpus.Docs {
		folded[i] = Fold(d.Text)
	}
	out := make([]string, len(s.Questions))
	var ix *Index
	prev := ""
	for i, q := range s.Questions {
		if q.Abstain {
			if ix == nil {
				var err error
				if ix, err = Build(ctx, s.Corpus, Options{Now: opts.Now}); err != nil {
					return nil, err
				}
				defer ix.Close()
			}
			p := ix.st.plan(q.Q)
			cands, err := ix.st.candidates(ctx, p, time.Minute)
			if err != nil {
				return nil, err
			}
			if len(cands) > 0 {
				out[i] = cands[0].meta.Source
			}
			continue
		}
		alts, _ := q.alternatives()
		var hits []string
		for j, d := range s.Corpus.Docs {
			if foldedMatch(folded[j], alts) {
				hits = append(hits, d.Path)
			}
		}
		switch {
		case len(hits) == 1 || len(hits) > 1 && !slices.Contains(hits, prev):
			prev = hits[0]
		case len(hits) == 0 && prev == "":
			continue // an expected phrase no article holds, before any other
		}
		out[i] = prev
	}
	return out, nil
}

// foldedMatch is expectMatch on a text already folded.
func foldedMatch(folded string, alts [][]string) bool {
	for _, alt := range alts {
		all := true
		for _, p := range alt {
			all = all && strings.Contains(folded, Fold(p))
		}
		if all {
			return true
		}
	}
	return false
}

// collect asks every episode's questions and keeps their candidates'
// features, collectWorkers episodes at a time.
func collect(ctx context.Context, sets []TrainSet, eps []episode, opts TrainOptions, bg *trainBackground) ([]*example, error) {
	results := make([][]*example, len(eps))
	errs := make([]error, len(eps))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < collectWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = collectEpisode(ctx, sets[eps[i].set], eps[i], opts, bg)
			}
		}()
	}
	for i := range eps {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []*example
	for i := range eps {
		if errs[i] != nil {
			return nil, fmt.Errorf("%s: %w", eps[i].name, errs[i])
		}
		out = append(out, results[i]...)
	}
	return out, nil
}

// trainBackground is the background of a training run: the documents of
// its article sets, all of them (what the trained model is used with) and
// one by one (what is left out of it for a question). A document is known
// by its hash, so one that two sets share (two sets of questions about one
// corpus) counts once, and is left out whichever set's question it answers.
type trainBackground struct {
	all  *background
	doc  map[string]*background // by the document's hash
	hash map[articleKey]string
}

func trainBackgrounds(sets []TrainSet) *trainBackground {
	tb := &trainBackground{doc: map[string]*background{}, hash: map[articleKey]string{}}
	for si, s := range sets {
		if !s.Articles {
			continue
		}
		for _, d := range s.Corpus.Docs {
			tb.hash[articleKey{si, d.Path}] = d.Hash
			if tb.doc[d.Hash] != nil {
				continue
			}
			b := backgroundOf([]corpus.Document{d})
			tb.doc[d.Hash] = b
			if tb.all == nil {
				tb.all = &background{df: map[string]int{}}
			}
			tb.all.add(b) // the documents' counts add up: each is analysed once
		}
	}
	return tb
}

// without is the background a question asked of an episode's corpus is
// compared with: the documents of neither the corpus nor the article the
// question is about, as the built-in background holds neither a server's
// corpus nor what its members ask about.
func (tb *trainBackground) without(ep episode, a asked) backgroundView {
	v := backgroundView{all: tb.all}
	left := map[string]bool{}
	leave := func(k articleKey) {
		h, ok := tb.hash[k]
		if b := tb.doc[h]; ok && b != nil && !left[h] {
			left[h] = true
			v.less = append(v.less, b)
		}
	}
	for _, d := range ep.docs {
		leave(articleKey{ep.set, d.Path})
	}
	leave(a.about)
	return v
}

// collectWorkers is how many episodes collect works on at once.
var collectWorkers = 2

func collectEpisode(ctx context.Context, s TrainSet, ep episode, opts TrainOptions, bg *trainBackground) ([]*example, error) {
	ix, err := Build(ctx, &corpus.Corpus{Docs: ep.docs, Rules: ep.rules}, Options{Now: opts.Now})
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	st := ix.st
	weight := s.Weight
	if weight <= 0 {
		weight = 1
	}
	out := make([]*example, 0, len(ep.questions))
	for _, a := range ep.questions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e := &example{set: ep.set, fold: a.fold, weight: weight, scope: a.scope, firstPos: -1, q: a.q.Q, docs: len(ep.docs), episode: ep.name}
		if ep.fold >= 0 {
			e.fold = ep.fold
		}
		p := st.plan(a.q.Q)
		p.bg = bg.without(ep, a)
		e.qf = st.questionFeatures(p)
		if p.hasContent() {
			cands, err := st.candidates(ctx, p, time.Minute)
			if err != nil {
				return nil, err
			}
			st.measure(p, cands)
			e.x = make([]float64, 0, len(cands)*numFeatures)
			for i, c := range cands {
				e.x = append(e.x, c.f[:]...)
				right := a.scope == inScope && expectMatch(c.text, a.alts)
				e.label = append(e.label, right)
				e.ids = append(e.ids, c.id)
				e.mentions = append(e.mentions, c.nameMentions)
				if opts.Dump != nil {
					e.texts = append(e.texts, c.text)
				}
				if right && e.firstPos < 0 {
					e.firstPos = i
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// standardiser holds each feature's mean, scale and range over training
// rows.
type standardiser struct{ mean, scale, min, max []float64 }

func standardise(rows func(yield func([]float64)), d int) standardiser {
	s := standardiser{mean: make([]float64, d), scale: make([]float64, d), min: make([]float64, d), max: make([]float64, d)}
	for j := range s.min {
		s.min[j], s.max[j] = math.Inf(1), math.Inf(-1)
	}
	n := 0.0
	rows(func(x []float64) {
		n++
		for j, v := range x {
			s.mean[j] += v
			s.min[j] = math.Min(s.min[j], v)
			s.max[j] = math.Max(s.max[j], v)
		}
	})
	for j := range s.mean {
		s.mean[j] /= math.Max(n, 1)
	}
	rows(func(x []float64) {
		for j, v := range x {
			s.scale[j] += (v - s.mean[j]) * (v - s.mean[j])
		}
	})
	for j := range s.scale {
		s.scale[j] = math.Sqrt(s.scale[j] / math.Max(n, 1))
		if s.min[j] == s.max[j] {
			// Constant: its spread is the mean's rounding error (8.9e-16
			// for a corpus size every training corpus shares), which would
			// be written as a scale that turns any other value, or the
			// mean rounded to six digits, into billions of spreads.
			s.scale[j] = 0
		}
	}
	return s
}

// minScale is the least spread a ranking feature is divided by.
const minScale = 0.1

// fitted is a fitted linear model over standardised features.
type fitted struct {
	standardiser
	w    []float64
	bias float64
}

// value is the model's value for x, as model.go computes it (values clamped
// to the training range).
func (f *fitted) value(x []float64) float64 {
	s := f.bias
	for j, v := range x {
		if f.scale[j] > 0 {
			s += f.w[j] * (min(max(v, f.min[j]), f.max[j]) - f.mean[j]) / f.scale[j]
		}
	}
	return s
}

// fitRank fits the ranking weights on the examples in train (nil: all
// rankable ones) by listwise logistic regression with L2 strength lambda.
func fitRank(ctx context.Context, exs []*example, train []int, lambda float64) (*fitted, error) {
	if train == nil {
		for i, e := range exs {
			if e.rankable() {
				train = append(train, i)
			}
		}
	}
	if len(train) == 0 {
		return nil, errors.New("no question has a right and a wrong candidate to learn from")
	}
	// Ranking features are divided by their spread in training, but by at
	// least minScale: most are shares (0 to 1), and a feature that rarely
	// varies in training (a document's boost, a list's introduction) would
	// otherwise be scaled up by its small spread, its weight escaping L2.
	std := standardise(func(yield func([]float64)) {
		for _, i := range train {
			for r := 0; r < exs[i].n(); r++ {
				yield(exs[i].row(r))
			}
		}
	}, numFeatures)
	for j := range std.scale {
		std.mean[j] = 0 // ranking compares candidates: a shift changes nothing
		std.scale[j] = math.Max(std.scale[j], minScale)
	}
	// The standardised rows, so that each evaluation is a dot product.
	z := make([][]float64, len(train))
	total := 0.0
	for k, i := range train {
		e := exs[i]
		z[k] = make([]float64, len(e.x))
		for r := 0; r < e.n(); r++ {
			for j, v := range e.row(r) {
				if std.scale[j] > 0 {
					z[k][r*numFeatures+j] = (v - std.mean[j]) / std.scale[j]
				}
			}
		}
		total += e.weight
	}
	eval := func(w, grad []float64) float64 {
		const parts = 2
		type part struct {
			f float64
			g []float64
		}
		res := make([]part, parts)
		var wg sync.WaitGroup
		for pi := 0; pi < parts; pi++ {
			wg.Add(1)
			go func(pi int) {
				defer wg.Done()
				g := make([]float64, numFeatures)
				f := 0.0
				s := make([]float64, 0, Candidates+8)
				for k := pi; k < len(train); k += parts {
					e := exs[train[k]]
					zk := z[k]
					s = s[:0]
					top := math.Inf(-1)
					for r := 0; r < e.n(); r++ {
						v := dot(w, zk[r*numFeatures:(r+1)*numFeatures])
						s = append(s, v)
						top = math.Max(top, v)
					}
					all, pos := 0.0, 0.0
					for r, v := range s {
						x := exp(v - top)
						all += x
						if e.label[r] {
							pos += x
						}
					}
					f += e.weight * (math.Log(all) - math.Log(pos))
					for r, v := range s {
						x := exp(v - top)
						c := x / all
						if e.label[r] {
							c -= x / pos
						}
						c *= e.weight
						if c == 0 {
							continue
						}
						row := zk[r*numFeatures : (r+1)*numFeatures]
						for j := range g {
							g[j] += c * row[j]
						}
					}
				}
				res[pi] = part{f, g}
			}(pi)
		}
		wg.Wait()
		f := 0.0
		for j := range grad {
			grad[j] = 0
		}
		for _, r := range res {
			f += r.f
			for j := range grad {
				grad[j] += r.g[j]
			}
		}
		f /= total
		for j := range grad {
			grad[j] = grad[j]/total + lambda*w[j]
			f += lambda * w[j] * w[j] / 2
		}
		return f
	}
	w, err := minimise(ctx, eval, numFeatures)
	if err != nil {
		return nil, err
	}
	return &fitted{standardiser: std, w: w}, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// minimise runs L-BFGS (gonum/optimize) on a function that also returns its
// gradient, from zero.
func minimise(ctx context.Context, eval func(w, grad []float64) float64, d int) ([]float64, error) {
	var lastX, lastG []float64
	lastF := 0.0
	cached := func(x []float64) {
		if lastX != nil && slices.Equal(lastX, x) {
			return
		}
		lastX = append(lastX[:0], x...)
		if lastG == nil {
			lastG = make([]float64, d)
		}
		lastF = eval(x, lastG)
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 { cached(x); return lastF },
		Grad: func(g, x []float64) { cached(x); copy(g, lastG) },
	}
	res, err := optimize.Minimize(p, make([]float64, d), &optimize.Settings{
		GradientThreshold: 1e-7,
		MajorIterations:   1000,
	}, &optimize.LBFGS{})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err != nil && res == nil {
		return nil, fmt.Errorf("minimise: %w", err)
	}
	return res.X, nil
}

// crossScores fits the ranking on all folds but one, in turn, and scores the
// held-out fold's candidates: every example's scores come from a model that
// did not see its fold.
func crossScores(ctx context.Context, exs []*example, folds int, lambda float64) ([][]float64, error) {
	out := make([][]float64, len(exs))
	for f := 0; f < folds; f++ {
		var train []int
		for i, e := range exs {
			if e.fold != f && e.rankable() {
				train = append(train, i)
			}
		}
		m, err := fitRank(ctx, exs, train, lambda)
		if err != nil {
			return nil, err
		}
		for i, e := range exs {
			if e.fold != f {
				continue
			}
			out[i] = make([]float64, e.n())
			for r := range out[i] {
				out[i][r] = m.value(e.row(r))
			}
		}
	}
	return out, nil
}

// best is the index of the highest score (the first on ties, which is the
// retrieval order), or -1.
func best(scores []float64) int {
	b := -1
	for i, s := range scores {
		if b < 0 || s > scores[b] {
			b = i
		}
	}
	return b
}

// heldOutTop1 is, per set, the share of answerable questions whose best
// scored candidate is right.
func heldOutTop1(sets []TrainSet, exs []*example, scores [][]float64) []float64 {
	right := make([]float64, len(sets))
	all := make([]float64, len(sets))
	for i, e := range exs {
		if e.scope != inScope {
			continue
		}
		all[e.set]++
		if b := best(scores[i]); b >= 0 && e.label[b] {
			right[e.set]++
		}
	}
	for i := range right {
		right[i] = ratio0(right[i], all[i])
	}
	return right
}

// heldOutLogLoss is, per set, the mean over the questions that teach
// ranking (rankable) of minus the log of the right candidates' share of a
// softmax over the candidates' held-out scores.
func heldOutLogLoss(sets []TrainSet, exs []*example, scores [][]float64) []float64 {
	loss := make([]float64, len(sets))
	n := make([]float64, len(sets))
	for i, e := range exs {
		if !e.rankable() {
			continue
		}
		hi := math.Inf(-1)
		for _, s := range scores[i] {
			hi = math.Max(hi, s)
		}
		var all, right float64
		for j, s := range scores[i] {
			p := exp(s - hi)
			all += p
			if e.label[j] {
				right += p
			}
		}
		loss[e.set] -= math.Log(right / all)
		n[e.set]++
	}
	for i := range loss {
		loss[i] = ratio0(loss[i], n[i])
	}
	return loss
}

func formatShares(sets []TrainSet, v []float64) string {
	var parts []string
	for i, s := range sets {
		parts = append(parts, fmt.Sprintf("%s %.3f", s.Name, v[i]))
	}
	return strings.Join(parts, ", ")
}

// recallLines report how often the right passage is among the candidates.
func recallLines(sets []TrainSet, exs []*example) []string {
	ks := []int{1, 5, 10, 30, Candidates}
	var out []string
	out = append(out, fmt.Sprintf("recall of retrieval (the right passage among bleve's first k, answerable questions asked of their corpora; k=%d ranked, plus section and document openings):", Candidates))
	for si, s := range sets {
		hit := make([]int, len(ks)+1)
		n := 0
		for _, e := range exs {
			if e.set != si || e.scope != inScope {
				continue
			}
			n++
			for ki, k := range ks {
				if e.firstPos >= 0 && e.firstPos < k {
					hit[ki]++
				}
			}
			if slices.Contains(e.label, true) {
				hit[len(ks)]++
			}
		}
		var parts []string
		for ki, k := range ks {
			parts = append(parts, fmt.Sprintf("@%d %.3f", k, ratio0(float64(hit[ki]), float64(n))))
		}
		parts = append(parts, fmt.Sprintf("with openings %.3f", ratio0(float64(hit[len(ks)]), float64(n))))
		out = append(out, fmt.Sprintf("  %s (%d): %s", s.Name, n, strings.Join(parts, ", ")))
	}
	return out
}

// answerRows are the answer features of every example, its label (the best
// candidate under scores is right) and its weight. The answer model learns
// to tell right answers from questions out of scope: an answerable question
// whose best candidate is wrong costs as much answered as declined, so it
// weighs nothing.
func answerRows(exs []*example, scores [][]float64) ([][]float64, []bool, []float64) {
	rows := make([][]float64, len(exs))
	labels := make([]bool, len(exs))
	weights := make([]float64, len(exs))
	for i, e := range exs {
		a := answerFeaturesOfScores(e, scores[i])
		rows[i] = a[:]
		if b := best(scores[i]); b >= 0 {
			labels[i] = e.label[b]
		}
		if labels[i] || e.scope != inScope {
			weights[i] = e.weight
		}
	}
	return rows, labels, weights
}

// answerFeaturesOfScores is answerFeaturesOf for a training example.
func answerFeaturesOfScores(e *example, scores []float64) answerFeatures {
	a := e.qf
	b := best(scores)
	if b < 0 {
		return a
	}
	var top features
	copy(top[:], e.row(b))
	a.setBest(scores, e.ids, b, &top, e.mentions[b])
	return a
}

// fitLogistic fits a logistic regression with L2 strength lambda (the bias
// not penalised) on the rows in train (nil: all).
func fitLogistic(rows [][]float64, labels []bool, weights []float64, train []int, lambda float64) (*fitted, error) {
	if train == nil {
		for i := range rows {
			train = append(train, i)
		}
	}
	train = slices.DeleteFunc(slices.Clone(train), func(i int) bool { return weights[i] == 0 })
	d := numAnswerFeatures
	std := standardise(func(yield func([]float64)) {
		for _, i := range train {
			yield(rows[i])
		}
	}, d)
	z := make([][]float64, len(train))
	total := 0.0
	for k, i := range train {
		z[k] = make([]float64, d)
		for j, v := range rows[i] {
			if std.scale[j] > 0 {
				z[k][j] = (v - std.mean[j]) / std.scale[j]
			}
		}
		total += weights[i]
	}
	eval := func(w, grad []float64) float64 {
		for j := range grad {
			grad[j] = 0
		}
		f := 0.0
		for k, i := range train {
			v := w[d] + dot(w[:d], z[k])
			pr := 1 / (1 + exp(-v))
			y := 0.0
			if labels[i] {
				y = 1
			}
			// log(1+e^v) - y v, computed stably
			f += weights[i] * (math.Max(v, 0) + math.Log1p(exp(-math.Abs(v))) - y*v)
			c := weights[i] * (pr - y)
			for j := 0; j < d; j++ {
				grad[j] += c * z[k][j]
			}
			grad[d] += c
		}
		f /= total
		for j := 0; j <= d; j++ {
			grad[j] /= total
		}
		for j := 0; j < d; j++ {
			grad[j] += lambda * w[j]
			f += lambda * w[j] * w[j] / 2
		}
		return f
	}
	w, err := minimise(context.Background(), eval, d+1)
	if err != nil {
		return nil, err
	}
	return &fitted{standardiser: std, w: w[:d], bias: w[d]}, nil
}

// crossAnswer gives every example the answer probability of a model fitted
// on the other folds.
func crossAnswer(exs []*example, rows [][]float64, labels []bool, weights []float64, folds int, lambda float64) ([]float64, error) {
	out := make([]float64, len(exs))
	for f := 0; f < folds; f++ {
		var train []int
		for i, e := range exs {
			if e.fold != f {
				train = append(train, i)
			}
		}
		m, err := fitLogistic(rows, labels, weights, train, lambda)
		if err != nil {
			return nil, err
		}
		for i, e := range exs {
			if e.fold == f {
				out[i] = 1 / (1 + exp(-m.value(rows[i])))
			}
		}
	}
	return out, nil
}

// chooseThreshold is the lowest probability threshold at which the sets of
// every corpus decline at least minDecline of their out-of-scope questions
// (near-misses aside: they are reported, not chased). Sets that share a
// corpus are pooled: a small set of its own (the case study's 20 questions
// about its documents as a whole) would otherwise let one question set the
// threshold for all.
func chooseThreshold(sets []TrainSet, exs []*example, prob []float64, minDecline float64) float64 {
	t := 0.0
	for si := range sets {
		first := slices.IndexFunc(sets, func(s TrainSet) bool { return s.Corpus == sets[si].Corpus })
		if first != si {
			continue // pooled with the first set of its corpus
		}
		var ps []float64
		for i, e := range exs {
			if sets[e.set].Corpus == sets[si].Corpus && e.scope == outOfScope {
				ps = append(ps, prob[i])
			}
		}
		if len(ps) == 0 {
			continue
		}
		sort.Float64s(ps)
		k := int(math.Ceil(minDecline * float64(len(ps))))
		if k >= len(ps) {
			t = math.Max(t, math.Nextafter(ps[len(ps)-1], 1))
		} else {
			// declining below ps[k] declines ps[0..k-1]: k of them
			t = math.Max(t, (ps[k-1]+ps[k])/2)
		}
	}
	return t
}

// answerLines report, per set, what answering at the threshold gives in
// cross-validation: answerable questions answered right (a decline counts
// as wrong, as the scorer counts it), out-of-scope questions and near-misses
// declined.
func answerLines(sets []TrainSet, exs []*example, scores [][]float64, prob []float64, t, minDecline, lambda float64) []string {
	out := []string{fmt.Sprintf("answering, held out, at threshold %.3f (chosen to decline at least %.2f of the out-of-scope questions asked of each corpus; answer model L2 lambda %g):", t, minDecline, lambda)}
	for si, s := range sets {
		var all answerTally
		bySize := map[int]*answerTally{} // for an article set: by the number of articles asked
		for i, e := range exs {
			if e.set != si {
				continue
			}
			all.add(e, scores[i], prob[i], t)
			if s.Articles {
				if bySize[e.docs] == nil {
					bySize[e.docs] = &answerTally{}
				}
				bySize[e.docs].add(e, scores[i], prob[i], t)
			}
		}
		line := fmt.Sprintf("  %s: %s", s.Name, all.summary())
		if all.nm > 0 {
			line += fmt.Sprintf(", %.3f of %d near-misses", ratio0(float64(all.nmDeclined), float64(all.nm)), all.nm)
		}
		out = append(out, line)
		// A larger corpus offers an out-of-scope question more passages
		// that look like answers.
		for _, k := range slices.Sorted(maps.Keys(bySize)) {
			out = append(out, fmt.Sprintf("    %d articles: %s", k, bySize[k].summary()))
		}
	}
	return out
}

// answeredRight is, per set, the share of its answerable questions answered
// right at threshold t.
func answeredRight(sets []TrainSet, exs []*example, scores [][]float64, prob []float64, t float64) []float64 {
	tally := make([]answerTally, len(sets))
	for i, e := range exs {
		tally[e.set].add(e, scores[i], prob[i], t)
	}
	out := make([]float64, len(sets))
	for si, c := range tally {
		out[si] = ratio0(float64(c.right), float64(c.n))
	}
	return out
}

// answerTally counts what answering at a threshold gives.
type answerTally struct{ n, right, oos, declined, nm, nmDeclined int }

func (c *answerTally) add(e *example, scores []float64, prob, t float64) {
	answered := prob >= t && e.n() > 0
	switch e.scope {
	case inScope:
		c.n++
		if b := best(scores); answered && b >= 0 && e.label[b] {
			c.right++
		}
	case outOfScope:
		c.oos++
		if !answered {
			c.declined++
		}
	case nearMiss:
		c.nm++
		if !answered {
			c.nmDeclined++
		}
	}
}

func (c *answerTally) summary() string {
	return fmt.Sprintf("top-1 %.3f (%d/%d), declined %.3f of %d out of scope",
		ratio0(float64(c.right), float64(c.n)), c.right, c.n, ratio0(float64(c.declined), float64(c.oos)), c.oos)
}

// linearModel writes a fitted model with its feature names, numbers rounded
// to six significant digits.
func linearModel(f *fitted, names []string) Linear {
	l := Linear{Bias: round6(f.bias)}
	for j, n := range names {
		if f.scale[j] == 0 {
			continue // constant in training: it cannot weigh anything
		}
		l.Features = append(l.Features, Weight{Name: n, Mean: round6(f.mean[j]), Scale: round6(f.scale[j]), Weight: round6(f.w[j]),
			Min: roundDown6(f.min[j]), Max: roundUp6(f.max[j])})
	}
	return l
}

// roundDown6 and roundUp6 round to six significant digits outward, so that
// a range written rounded still holds every training value.
func roundDown6(v float64) float64 { return roundOut(v, math.Floor) }
func roundUp6(v float64) float64   { return roundOut(v, math.Ceil) }

func roundOut(v float64, f func(float64) float64) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	e := math.Floor(math.Log10(math.Abs(v)))
	p := math.Pow(10, 5-e)
	return f(v*p) / p
}

func round6(v float64) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	e := math.Floor(math.Log10(math.Abs(v)))
	p := math.Pow(10, 5-e)
	return math.Round(v*p) / p
}

// SetName names a question set by its file: "questions" for
// "wiki-train/questions.jsonl".
func SetName(file string) string {
	return strings.TrimSuffix(path.Base(file), path.Ext(file))
}
