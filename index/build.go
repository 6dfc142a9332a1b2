package index

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/casebot/casebot/corpus"
)

// Summary tells what a build or an update did (or, for a dry run, would do).
type Summary struct {
	Version  int  `json:"version"`  // the index version afterwards
	Previous int  `json:"previous"` // the index version before (0 for a new index)
	Full     bool `json:"full"`     // the whole index was rebuilt
	DryRun   bool `json:"dry_run"`
	// Added, Changed and Removed list document paths; Unchanged counts the
	// documents left as they were.
	Added     []string      `json:"added,omitempty"`
	Changed   []string      `json:"changed,omitempty"`
	Removed   []string      `json:"removed,omitempty"`
	Unchanged int           `json:"unchanged"`
	Skipped   []corpus.Skip `json:"skipped,omitempty"`
	// Warnings are things indexed but worth a look (two documents with one
	// title).
	Warnings []string `json:"warnings,omitempty"`
	// Analyzed counts the documents split and analysed, and Bytes their size.
	Analyzed int   `json:"analyzed"`
	Bytes    int64 `json:"bytes"`
	// Passages is the number of searchable passages afterwards.
	Passages int           `json:"passages"`
	Took     time.Duration `json:"took"`
}

// Changes reports whether the update changed (or would change) the index.
func (s Summary) Changes() bool {
	return len(s.Added)+len(s.Changed)+len(s.Removed) > 0 || s.Full
}

// Build indexes a corpus: in memory when opts.Dir is "", else in a new store
// in opts.Dir (see Create).
func Build(ctx context.Context, c *corpus.Corpus, opts Options) (*Index, error) {
	if opts.Dir != "" {
		ix, _, err := Create(ctx, opts.Dir, c, opts)
		return ix, err
	}
	bi, _, err := buildNew(ctx, "", c, opts, max(opts.Version, 1))
	if err != nil {
		return nil, err
	}
	st, err := load(bi)
	if err != nil {
		bi.Close()
		return nil, err
	}
	return &Index{st: st}, nil
}

// buildNew writes a whole corpus into a new bleve index at path ("" for
// memory), in batches.
func buildNew(ctx context.Context, path string, c *corpus.Corpus, opts Options, version int) (bleve.Index, Summary, error) {
	start := time.Now()
	opts = withDefaults(opts)
	bi, err := create(path)
	if err != nil {
		return nil, Summary{}, err
	}
	w := newWriter(bi, opts)
	sum := Summary{Version: version, Full: true, Skipped: c.Skipped}
	for i, d := range c.Docs {
		if err := ctx.Err(); err != nil {
			bi.Close()
			return nil, sum, err
		}
		if err := w.add(d); err != nil {
			bi.Close()
			return nil, sum, err
		}
		if err := w.flushIfFull(); err != nil {
			bi.Close()
			return nil, sum, err
		}
		sum.Added = append(sum.Added, d.Path)
		sum.Analyzed++
		sum.Bytes += d.Size
		if opts.Progress != nil {
			opts.Progress(i+1, len(c.Docs))
		}
	}
	info := w.finish(Info{Version: version}, nil, c.Rules)
	if err := w.flush(); err != nil {
		bi.Close()
		return nil, sum, fmt.Errorf("write index: %w", err)
	}
	sum.Passages = info.Passages
	sum.Warnings = duplicateTitles(info.Docs)
	sum.Took = time.Since(start)
	return bi, sum, nil
}

func withDefaults(opts Options) Options {
	if opts.Now == 0 {
		opts.Now = time.Now().Year()
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	return opts
}

func create(path string) (bleve.Index, error) {
	m := newMapping()
	if path == "" {
		bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("create in-memory index: %w", err)
		}
		return bi, nil
	}
	bi, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, map[string]interface{}{"bolt_timeout": "2s"})
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	return bi, nil
}

// writer puts documents into a bleve batch.
type writer struct {
	bi    bleve.Index
	b     *bleve.Batch
	opts  Options
	docs  []DocInfo
	words map[string]bool
}

func newWriter(bi bleve.Index, opts Options) *writer {
	return &writer{bi: bi, b: bi.NewBatch(), opts: opts, words: map[string]bool{}}
}

// add splits a document and adds its passages and stored text to the batch.
func (w *writer) add(d corpus.Document) error {
	ps := corpus.Split(d)
	di := docInfo(d, ps)
	lead, docLead := leads(ps)
	var ids []string
	for i, p := range ps {
		if !p.Kind.Searchable() {
			continue
		}
		addWords(w.words, p.Text)
		if err := w.b.Index(p.ID, passageDoc(p, d.Kind, d.Boost, w.opts.Now, lead[i], docLead)); err != nil {
			return fmt.Errorf("index %s: %w", p.ID, err)
		}
		ids = append(ids, p.ID)
	}
	v, err := json.Marshal(storedDoc{DocInfo: di, Text: d.Text, IDs: ids})
	if err != nil {
		return fmt.Errorf("store %s: %w", d.Path, err)
	}
	w.b.SetInternal([]byte(keyDoc+d.Path), v)
	w.docs = append(w.docs, di)
	return nil
}

// remove deletes a document's passages and stored text.
func (w *writer) remove(st *state, path string) {
	if sd, ok := st.storedDoc(path); ok {
		for _, id := range sd.IDs {
			w.b.Delete(id)
		}
	}
	w.b.DeleteInternal([]byte(keyDoc + path))
}

func (w *writer) flushIfFull() error {
	if w.b.Size() < w.opts.BatchSize {
		return nil
	}
	return w.flush()
}

func (w *writer) flush() error {
	if w.b.Size() == 0 {
		return nil
	}
	if err := w.bi.Batch(w.b); err != nil {
		return fmt.Errorf("write batch: %w", err)
	}
	w.b.Reset()
	return nil
}

// finish adds the index's description to the batch: the documents (kept
// plus written), the vocabulary files' rules and the corpus's words.
func (w *writer) finish(info Info, kept []DocInfo, rules []corpus.Rule) Info {
	info.Built = time.Now().UTC().Truncate(time.Second)
	info.Now = w.opts.Now
	info.Docs = append(append([]DocInfo(nil), kept...), w.docs...)
	sort.Slice(info.Docs, func(i, j int) bool { return info.Docs[i].Path < info.Docs[j].Path })
	info.Passages = 0
	for _, d := range info.Docs {
		info.Passages += d.Passages
	}
	rv, _ := json.Marshal(rules)
	w.b.SetInternal([]byte(keyRules), rv)
	w.b.SetInternal([]byte(keyWords), []byte(strings.Join(sortedSet(w.words), "\n")))
	iv, _ := json.Marshal(info)
	w.b.SetInternal([]byte(keyInfo), iv)
	return info
}

// duplicateTitles warns of documents that share a title, which makes
// citations ambiguous.
func duplicateTitles(docs []DocInfo) []string {
	by := map[string][]string{}
	for _, d := range docs {
		k := strings.ToLower(strings.TrimSpace(d.Title))
		by[k] = append(by[k], d.Path)
	}
	var out []string
	for _, d := range docs {
		k := strings.ToLower(strings.TrimSpace(d.Title))
		if ps := by[k]; len(ps) > 1 && ps[0] == d.Path {
			out = append(out, fmt.Sprintf("%d documents share the title %q: %s", len(ps), d.Title, strings.Join(ps, ", ")))
		}
	}
	return out
}

// storedDoc reads what the index keeps of a document.
func (st *state) storedDoc(path string) (storedDoc, bool) {
	raw, err := st.bi.GetInternal([]byte(keyDoc + path))
	if err != nil || raw == nil {
		return storedDoc{}, false
	}
	var sd storedDoc
	if json.Unmarshal(raw, &sd) != nil {
		return storedDoc{}, false
	}
	return sd, true
}

// fullRebuildShare is the share of an index's documents that an update may
// touch before the update becomes a full rebuild beside the current index
// (one batch holding most of the corpus would cost more than a new build).
const fullRebuildShare = 0.5

// Update brings the index up to date with a corpus. Only added and changed
// documents are split and analysed, removed ones are deleted, all in one
// batch that searches see whole or not at all. With opts.Full, or when most
// of the corpus changed, the index is rebuilt beside the current one and
// swapped in. Questions asked meanwhile are answered from the old index or
// the new one. With opts.DryRun nothing changes.
func (ix *Index) Update(ctx context.Context, c *corpus.Corpus, opts Options) (Summary, error) {
	start := time.Now()
	opts = withDefaults(opts)
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()

	ix.mu.RLock()
	st := ix.st
	ix.mu.RUnlock()
	if st == nil {
		return Summary{}, errClosed
	}
	sum := diffCorpus(c, st.info)
	sum.DryRun = opts.DryRun
	sum.Version = st.info.Version
	sum.Previous = st.info.Version
	touched := len(sum.Added) + len(sum.Changed) + len(sum.Removed)
	full := opts.Full || (len(st.info.Docs) > 0 && float64(touched) > fullRebuildShare*float64(len(st.info.Docs)))
	if opts.DryRun {
		sum.Full = full
		sum.Took = time.Since(start)
		return sum, nil
	}
	if ix.ReadOnly() {
		return sum, ErrReadOnly
	}
	if full {
		s, err := ix.rebuild(ctx, c, opts, st.info.Version+1, start)
		s.Previous = st.info.Version
		return s, err
	}
	if touched == 0 && rulesEqual(c.Rules, st.vocabRules) {
		sum.Passages = st.info.Passages
		sum.Took = time.Since(start)
		return sum, nil
	}

	w := newWriter(st.bi, opts)
	for _, p := range append(append([]string(nil), sum.Changed...), sum.Removed...) {
		w.remove(st, p)
	}
	todo := append(append([]string(nil), sum.Added...), sum.Changed...)
	for i, p := range todo {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		d, _ := c.Doc(p)
		if err := w.add(d); err != nil {
			return sum, err
		}
		sum.Analyzed++
		sum.Bytes += d.Size
		if opts.Progress != nil {
			opts.Progress(i+1, len(todo))
		}
	}
	for _, wd := range st.words {
		w.words[wd] = true
	}
	var kept []DocInfo
	gone := map[string]bool{}
	for _, p := range append(append([]string(nil), sum.Changed...), sum.Removed...) {
		gone[p] = true
	}
	for _, d := range st.info.Docs {
		if !gone[d.Path] {
			kept = append(kept, d)
		}
	}
	info := w.finish(Info{Version: st.info.Version + 1}, kept, c.Rules)

	// Apply the batch and start a new state (with empty caches: a changed
	// document keeps its passage ids) while no search runs, then derive the
	// rest of the new state and swap it in.
	ix.mu.Lock()
	err := st.bi.Batch(w.b)
	if err == nil {
		ix.st = st.fresh()
	}
	ix.mu.Unlock()
	if err != nil {
		return sum, fmt.Errorf("write index: %w", err)
	}
	next, err := load(st.bi)
	if err != nil {
		return sum, err
	}
	ix.mu.Lock()
	ix.st = next
	ix.mu.Unlock()

	sum.Version = info.Version
	sum.Passages = info.Passages
	sum.Warnings = duplicateTitles(info.Docs)
	sum.Took = time.Since(start)
	return sum, nil
}

// diffCorpus compares a corpus with an index's documents by path and hash.
func diffCorpus(c *corpus.Corpus, info Info) Summary {
	have := map[string]string{}
	for _, d := range info.Docs {
		have[d.Path] = d.Hash
	}
	sum := Summary{Skipped: c.Skipped}
	seen := map[string]bool{}
	for _, d := range c.Docs {
		seen[d.Path] = true
		switch h, ok := have[d.Path]; {
		case !ok:
			sum.Added = append(sum.Added, d.Path)
		case h != d.Hash:
			sum.Changed = append(sum.Changed, d.Path)
		default:
			sum.Unchanged++
		}
	}
	for _, d := range info.Docs {
		if !seen[d.Path] {
			sum.Removed = append(sum.Removed, d.Path)
		}
	}
	return sum
}

func rulesEqual(a, b []corpus.Rule) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// fresh is a copy of a state with empty caches, for the moment between an
// update of its bleve index and the derivation of the new state.
func (st *state) fresh() *state {
	return &state{
		bi: st.bi, info: st.info, lex: st.lex, rules: st.rules, vocabRules: st.vocabRules,
		df: st.df, inField: st.inField, n: st.n, avgLen: st.avgLen, avgShort: st.avgShort, words: st.words,
	}
}
