package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"

	"github.com/casebot/casebot/corpus"
)

// Summary tells what a build or an update did (or, for a dry run, would do).
type Summary struct {
	Version  int  `json:"version"`  // the index version afterwards
	Previous int  `json:"previous"` // the index version before (0 for a new index)
	Full     bool `json:"full"`     // the whole index was rebuilt
	DryRun   bool `json:"dry_run"`
	// Rebuild says why an existing index was rebuilt in full although no
	// rebuild was asked for (it was written by another engine version; see
	// OpenCorpus), and is empty otherwise.
	Rebuild string `json:"rebuild,omitempty"`
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
// memory). The documents are read, split and mapped on every core and
// written in path order by one writer, in batches of opts.BatchSize
// passages, while the next batch is being made; only a few batches and a few
// documents are in memory at a time, whatever the corpus's size.
func buildNew(ctx context.Context, path string, c *corpus.Corpus, opts Options, version int) (bleve.Index, Summary, error) {
	start := time.Now()
	opts = withDefaults(opts)
	bi, err := create(path)
	if err != nil {
		return nil, Summary{}, err
	}
	w := newWriter(bi, opts)
	w.async(path != "")
	sum := Summary{Version: version, Full: true}
	skipped := append([]corpus.Skip(nil), c.Skipped...)
	paths := c.Paths()
	done := 0
	err = prepareAll(ctx, c, paths, bi.Mapping(), opts.Now, func(p prepared) error {
		done++
		if opts.Progress != nil {
			defer opts.Progress(done, len(paths))
		}
		if p.skip != "" {
			skipped = append(skipped, corpus.Skip{Path: p.path, Reason: p.skip})
			w.skip(p)
			return nil
		}
		if err := w.put(&p, true); err != nil {
			return err
		}
		sum.Added = append(sum.Added, p.path)
		sum.Analyzed++
		sum.Bytes += p.info.Size
		return nil
	})
	var info Info
	if err == nil {
		err = w.drain()
	}
	if err == nil {
		// The text field's distinct terms, now that every passage is in.
		var dict int
		dict, err = dictSize(bi, fieldText)
		info.DictTerms = dict
	}
	if err == nil {
		info.Version = version
		info, err = w.finish(info, nil, c.Rules, nil)
	}
	if err == nil {
		err = w.close()
	} else {
		w.abort()
	}
	if err != nil {
		bi.Close()
		return nil, sum, err
	}
	sum.Skipped = sortSkips(skipped)
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
		opts.BatchSize = defaultBatchSize
	}
	return opts
}

// defaultBatchSize is how many passages a full build writes at a time. Fewer
// make more, smaller segments for scorch to merge; more hold more in memory.
const defaultBatchSize = 1000

// maxBatchPostings bounds a full build's batch by what it indexes, as well
// as by its passages: a batch is written once it holds this many postings
// (postingsOf), if it fills before its passages do. Passages many times
// longer than usual, or naming many years (a passage's years are each
// indexed as a number, of numericTerms terms), would otherwise make a batch
// of any size: a list of years of 1 MB made 171,000 numbers in one batch.
// 1,000 passages of Wikipedia articles hold about 190,000. How the passages
// are cut into batches changes nothing that is scored (bm25Stats).
const maxBatchPostings = 250_000

// maxAheadPostings is how much of a document the worker that prepares it
// maps before it is written (prepared.next): every document of usual size,
// whole.
const maxAheadPostings = maxBatchPostings / 4

// maxUpdatePostings and maxUpdatePassages bound the one batch of an update
// in place, that searches see whole or not at all: an update that would
// hold more is made a rebuild beside the index, written in bounded batches
// and swapped in whole (Update).
const (
	maxUpdatePostings = 2 * maxBatchPostings
	maxUpdatePassages = 5 * defaultBatchSize
)

// errLargeUpdate stops an update in place that would hold more than
// maxUpdatePostings or maxUpdatePassages.
var errLargeUpdate = errors.New("update too large for one batch")

// create makes a new, empty bleve index. On disk (a full build into a
// generation that nothing reads yet) batches are written without waiting
// for each to reach the disk ("unsafe_batch"); the writer waits once, for
// the last (writer.close).
func create(path string) (bleve.Index, error) {
	m := newMapping()
	if path == "" {
		bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("create in-memory index: %w", err)
		}
		return bi, nil
	}
	bi, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, map[string]interface{}{
		"bolt_timeout": "2s",
		"unsafe_batch": true,
	})
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	return bi, nil
}

// bleveDoc is one bleve document: its id and its fields, as the mapping
// (mapping.go) reads them. Analyzed holds, for some of its text fields, the
// field's value already analysed with the field's analyzer, which the
// index then takes as it is instead of analysing the value again.
type bleveDoc struct {
	ID       string
	Fields   map[string]interface{}
	Analyzed map[string]analysis.TokenStream
}

// docMaker makes the bleve documents of a corpus document, one at a time:
// one for each searchable passage (passageDoc), then the document's record,
// which keeps its stored text (records.go). Everything the index holds of a
// document is made here. Each passage's text is analysed once, for its
// fields and its metadata, and the title, kind, sections and table headers
// once per document.
type docMaker struct {
	d       corpus.Document
	ps      []corpus.Passage
	now     int
	memo    map[string]analysis.TokenStream
	lead    []int
	docLead int
	at      int // the passage made next; len(ps) for the record, len(ps)+1 once done
}

func newDocMaker(d corpus.Document, ps []corpus.Passage, now int) *docMaker {
	lead, docLead := leads(ps)
	return &docMaker{d: d, ps: ps, now: now, memo: map[string]analysis.TokenStream{}, lead: lead, docLead: docLead}
}

// next makes the document's next bleve document; false once there is none.
func (dm *docMaker) next() (bleveDoc, bool) {
	an := sharedAnalyzer()
	analyzed := func(s string) analysis.TokenStream {
		t, ok := dm.memo[s]
		if !ok {
			t = an.Analyze([]byte(s))
			dm.memo[s] = t
		}
		return t
	}
	for dm.at < len(dm.ps) {
		i, p := dm.at, dm.ps[dm.at]
		dm.at++
		if !p.Kind.Searchable() {
			continue
		}
		toks := an.Analyze([]byte(p.Text))
		pre := map[string]analysis.TokenStream{
			fieldText:    toks,
			fieldSection: analyzed(p.SectionPath()),
			fieldTitle:   analyzed(p.Title),
			fieldKind:    analyzed(dm.d.Kind),
		}
		if p.Context != "" {
			pre[fieldContext] = analyzed(p.Context)
		}
		return bleveDoc{p.ID, passageDoc(p, dm.d.Kind, dm.d.Boost, dm.now, dm.lead[i], dm.docLead, toks), pre}, true
	}
	if dm.at > len(dm.ps) {
		return bleveDoc{}, false
	}
	dm.at++
	return bleveDoc{ID: docRecordID(dm.d.Path), Fields: map[string]interface{}{fieldDocText: dm.d.Text}}, true
}

// mapDoc makes a bleve document with the mapping. A field analysed
// beforehand (bleveDoc.Analyzed) gets its term frequencies here, and the
// index does not analyse it again.
func mapDoc(m mapping.IndexMapping, bd bleveDoc) (*document.Document, error) {
	doc := document.NewDocument(bd.ID)
	if err := m.MapDocument(doc, bd.Fields); err != nil {
		return nil, fmt.Errorf("index %s: %w", bd.ID, err)
	}
	if len(bd.Analyzed) == 0 {
		return doc, nil
	}
	for i, f := range doc.Fields {
		tf, ok := f.(*document.TextField)
		if !ok || !tf.Options().IsIndexed() {
			continue
		}
		if toks, ok := bd.Analyzed[tf.Name()]; ok {
			doc.Fields[i] = &analyzedField{TextField: tf, length: len(toks),
				freqs: analysis.TokenFrequency(toks, tf.ArrayPositions(), tf.Options())}
		}
	}
	return doc, nil
}

// textFreqs returns the term frequencies of a passage's text field, made by
// mapDoc; nil for another document.
func textFreqs(doc *document.Document) bleveindex.TokenFrequencies {
	for _, f := range doc.Fields {
		if af, ok := f.(*analyzedField); ok && af.Name() == fieldText {
			return af.freqs
		}
	}
	return nil
}

// dictSize counts the terms of a field's dictionary that a passage holds
// (see eachTerm).
func dictSize(bi bleve.Index, field string) (int, error) {
	n := 0
	err := eachTerm(bi, field, func(string, int) { n++ })
	return n, err
}

// analyzedField is a text field analysed when it was made: the index's
// call to Analyze keeps what it holds.
type analyzedField struct {
	*document.TextField
	length int
	freqs  bleveindex.TokenFrequencies
}

func (f *analyzedField) Analyze() {}

func (f *analyzedField) AnalyzedLength() int { return f.length }

func (f *analyzedField) AnalyzedTokenFrequencies() bleveindex.TokenFrequencies { return f.freqs }

// prepared is what one corpus document becomes before it is written: its
// bleve documents, mapped (next), its manifest entry and its words. The
// worker that prepares a document maps its first bleve documents, up to
// maxAheadPostings; the rest are mapped as they are written, so that a
// long document is never held whole as bleve documents.
type prepared struct {
	path string
	skip string // why the document is left out, or ""
	hash string // with skip, the file's hash, if it could be read
	err  error  // a failure that stops the build
	size int64  // of the document's text
	// info is the document's manifest entry; its Terms counts the terms of
	// the passages mapped so far, and is the document's once next has
	// returned them all.
	info  DocInfo
	words []string // may share the document's memory

	m     mapping.IndexMapping
	maker *docMaker
	ahead []mappedDoc // mapped by the worker, not yet taken by next
}

// mappedDoc is a bleve document ready for a batch, with its postings
// (postingsOf).
type mappedDoc struct {
	doc      *document.Document
	postings int
	passage  bool // not the document's record
}

// prepare reads, splits and maps a document. hold, when set, is called
// with the size of its text once it is read (0 if it could not be), before
// the rest, and may wait (aheadBudget); its error stops the preparation.
func prepare(c *corpus.Corpus, path string, m mapping.IndexMapping, now int, hold func(size int64) error) prepared {
	d, err := c.Document(path)
	size := int64(len(d.Text))
	if hold != nil {
		if err := hold(size); err != nil {
			return prepared{path: path, err: err}
		}
	}
	if err != nil {
		p := prepared{path: path, skip: err.Error()}
		if fp, err := c.FingerprintOf(path); err == nil {
			p.hash = fp.Hash
		}
		return p
	}
	ps := corpus.Split(d)
	p := prepared{path: path, size: size, info: docInfo(d, ps), m: m, maker: newDocMaker(d, ps, now)}
	for n := 0; n < maxAheadPostings; {
		md, ok, err := p.mapNext()
		if err != nil {
			return prepared{path: path, err: err}
		}
		if !ok {
			break
		}
		p.ahead = append(p.ahead, md)
		n += md.postings
	}
	var words docWords
	for _, ps := range ps {
		if ps.Kind.Searchable() {
			words.add(ps.Text)
		}
	}
	p.words = words.list
	return p
}

// next returns the document's next bleve document, mapped; false once
// there is none.
func (p *prepared) next() (mappedDoc, bool, error) {
	if len(p.ahead) > 0 {
		md := p.ahead[0]
		p.ahead[0] = mappedDoc{} // the batch holds it now, not the prepared document
		p.ahead = p.ahead[1:]
		return md, true, nil
	}
	return p.mapNext()
}

// mapNext makes and maps the document's next bleve document.
func (p *prepared) mapNext() (mappedDoc, bool, error) {
	if p.maker == nil {
		return mappedDoc{}, false, nil
	}
	bd, ok := p.maker.next()
	if !ok {
		p.maker = nil
		return mappedDoc{}, false, nil
	}
	doc, err := mapDoc(p.m, bd)
	if err != nil {
		return mappedDoc{}, false, err
	}
	p.info.Terms += len(textFreqs(doc))
	return mappedDoc{doc: doc, postings: postingsOf(doc), passage: bd.Analyzed != nil}, true, nil
}

// numericTerms is how many terms bleve indexes a number as: one for each
// precision it searches ranges at (document.NumericField.Analyze).
const numericTerms = int(64 / document.DefaultPrecisionStep)

// postingsOf counts what a mapped bleve document adds to the index, the
// measure of what a batch holding it costs in memory while it is written:
// a posting for each token of an analysed text field, numericTerms for each
// number (a passage's years), one for a keyword (a passage's source).
// Stored values are not counted: a passage's are short, and a document's
// record is one value.
func postingsOf(doc *document.Document) int {
	n := 0
	for _, f := range doc.Fields {
		switch f := f.(type) {
		case *analyzedField:
			n += f.length
		case *document.NumericField:
			n += numericTerms
		default:
			if f.Options().IsIndexed() {
				n++
			}
		}
	}
	return n
}

// maxDocWords is how many words a prepared document lists before its list
// is made duplicate-free.
const maxDocWords = 8192

// docWords collects a document's words, passage by passage. A long
// document repeats its words, so the list is made duplicate-free when it
// grows past a limit.
type docWords struct {
	list        []string // may share the document's memory
	limit       int      // the list is compacted when it grows past this (at least maxDocWords)
	compactions int      // how many times it was (a test checks the cost)
}

func (dw *docWords) add(text string) {
	dw.list = appendWords(dw.list, text)
	if len(dw.list) > max(dw.limit, maxDocWords) {
		slices.Sort(dw.list)
		dw.list = slices.Compact(dw.list)
		// Next time when it has doubled: a document of words that do not
		// repeat (a base64 data: image) would otherwise sort every word so
		// far after each passage, its build time growing as its square.
		dw.limit = 2 * len(dw.list)
		dw.compactions++
	}
}

// prepareAll prepares the documents at paths on every core and hands them to
// put one at a time, in the order of paths. A few documents are prepared
// ahead, no more than 4 per core, and, beside the one being written, no
// more than aheadBytes of them (aheadBudget); put's error or ctx's stops
// it.
func prepareAll(ctx context.Context, c *corpus.Corpus, paths []string, m mapping.IndexMapping, now int, put func(prepared) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	type job struct {
		i    int // the place of path in paths
		path string
		out  chan prepared
	}
	jobs := make(chan job)
	order := make(chan chan prepared, 4*workers)
	budget := newAheadBudget(ctx, aheadBytes)
	for range workers {
		go func() {
			for j := range jobs {
				j.out <- prepare(c, j.path, m, now, func(size int64) error { return budget.take(ctx, j.i, size) })
			}
		}()
	}
	go func() {
		defer close(jobs)
		defer close(order)
		for i, p := range paths {
			out := make(chan prepared, 1)
			select {
			case order <- out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{i, p, out}:
			case <-ctx.Done():
				return
			}
		}
	}()
	// The workers are not waited for: after an error or the end of ctx they
	// finish the document in hand (a read of a hung file system may take
	// long) and stop, touching nothing of the caller's.
	i := 0
	for out := range order {
		var p prepared
		select {
		case p = <-out:
		case <-ctx.Done():
			return ctx.Err()
		}
		if p.err != nil {
			return p.err
		}
		if err := put(p); err != nil {
			return err
		}
		budget.release(i, p.size)
		i++
	}
	return ctx.Err()
}

// aheadBytes bounds the documents prepared ahead of the one being written
// by their size, as well as by their count (prepareAll): each is held whole
// until it is written (its text, its passages and what is mapped ahead,
// several times its size), and a corpus of long documents would otherwise
// hold up to 4 a core of them. Documents of usual size are held by their
// count alone.
var aheadBytes int64 = 8 << 20

// aheadBudget holds a worker back, once it has read a document, while the
// documents prepared ahead would hold more than their bound. Documents are
// counted in in the order of paths, so that one further on cannot take the
// room the next one is owed; the document written next is never held back,
// and goes alone if it is larger.
type aheadBudget struct {
	mu    sync.Mutex
	moved sync.Cond // a document was counted in or out, or ctx ended
	max   int64
	held  int64 // the size of the documents counted in and not yet written
	turn  int   // the place in paths of the document counted in next
	next  int   // the place in paths of the document written next
}

func newAheadBudget(ctx context.Context, max int64) *aheadBudget {
	b := &aheadBudget{max: max}
	b.moved.L = &b.mu
	context.AfterFunc(ctx, func() {
		b.mu.Lock() // a worker between its check of ctx and its Wait is woken
		b.moved.Broadcast()
		b.mu.Unlock()
	})
	return b
}

// take waits until it is document i's turn and its size fits, or it is the
// document written next, and counts it in; it returns ctx's error if ctx
// ends first.
func (b *aheadBudget) take(ctx context.Context, i int, size int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i != b.turn || b.held+size > b.max && i != b.next {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.moved.Wait()
	}
	b.held += size
	b.turn++
	b.moved.Broadcast()
	return nil
}

// release counts document i, of size bytes, out once it is written.
func (b *aheadBudget) release(i int, size int64) {
	b.mu.Lock()
	b.held -= size
	b.next = i + 1
	b.moved.Broadcast()
	b.mu.Unlock()
}

// writer puts documents into bleve batches. A full build writes them as
// they fill (flushIfFull), by one goroutine, while the next is filled
// (async); an update applies its one batch itself.
type writer struct {
	bi       bleve.Index
	b        *bleve.Batch
	opts     Options
	passages int // in b
	postings int // in b (postingsOf)
	// fullest is the most passages and the most postings of a batch
	// handed to the writing goroutine so far (a test checks the bounds).
	fullest struct{ passages, postings int }
	docs    []DocInfo
	words   map[string]struct{}
	skips   []skipRecord // the files left out, written with the manifest

	queue  chan queued // full batches for the writing goroutine
	done   chan error  // its result, when the queue is closed
	mu     sync.Mutex
	err    error // the first write that failed
	unsafe bool  // the index does not wait for batches to reach the disk
}

func newWriter(bi bleve.Index, opts Options) *writer {
	return &writer{bi: bi, b: bi.NewBatch(), opts: opts, words: map[string]struct{}{}}
}

// async starts the goroutine that writes full batches; unsafe says that the
// index was created with unsafe_batch. Then a batch is written without
// waiting for the disk, but no more than maxUnpersisted batches are in
// memory unwritten to disk: the writer waits for the oldest first.
func (w *writer) async(unsafe bool) {
	w.unsafe = unsafe
	w.queue = make(chan queued, 1)
	w.done = make(chan error, 1)
	go func() {
		var pending []chan error // persisted callbacks of unsafe batches, oldest first
		wait := func(ch chan error) {
			if err := <-ch; err != nil {
				w.fail(fmt.Errorf("write index: %w", err))
			}
		}
		for q := range w.queue {
			b := q.b
			if b == nil || w.failed() != nil {
				if q.applied != nil {
					close(q.applied)
				}
				continue
			}
			var persisted chan error
			if w.unsafe {
				persisted = make(chan error, 1)
				b.SetPersistedCallback(func(err error) { persisted <- err })
			}
			if err := w.bi.Batch(b); err != nil {
				w.fail(fmt.Errorf("write batch: %w", err))
				continue
			}
			if persisted != nil {
				pending = append(pending, persisted)
				for len(pending) > maxUnpersisted {
					wait(pending[0])
					pending = pending[1:]
				}
			}
		}
		for _, ch := range pending {
			if w.failed() == nil {
				wait(ch)
			}
		}
		w.done <- w.failed()
	}()
}

// queued is a batch for the writing goroutine, or with no batch a barrier:
// applied is closed once every batch queued before it is in the index.
type queued struct {
	b       *bleve.Batch
	applied chan struct{}
}

// drain writes the batch being filled and waits until every batch is in
// the index (searchable, not necessarily on disk).
func (w *writer) drain() error {
	if w.b.Size() > 0 {
		w.send()
	}
	applied := make(chan struct{})
	w.queue <- queued{applied: applied}
	<-applied
	return w.failed()
}

// maxUnpersisted is how many batches of a full build may be in memory,
// written to the index but not yet to disk.
const maxUnpersisted = 2

func (w *writer) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// put adds a prepared document to the batch. A full build (flush) hands
// each batch to the writing goroutine as soon as it is full, within a
// document as between documents; an update's one batch takes no more than
// maxUpdatePostings and maxUpdatePassages (errLargeUpdate).
func (w *writer) put(p *prepared, flush bool) error {
	for {
		md, ok, err := p.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		// IndexAdvanced fails only on an empty id, which docMaker never makes.
		_ = w.b.IndexAdvanced(md.doc)
		w.postings += md.postings
		if md.passage {
			w.passages++
		}
		if flush {
			if err := w.flushIfFull(); err != nil {
				return err
			}
		} else if w.postings > maxUpdatePostings || w.passages > maxUpdatePassages {
			return errLargeUpdate
		}
	}
	w.docs = append(w.docs, p.info)
	for _, wd := range p.words {
		if _, ok := w.words[wd]; !ok {
			w.words[strings.Clone(wd)] = struct{}{} // not the document's memory
		}
	}
	return nil
}

// flushIfFull sends the batch once it holds opts.BatchSize passages or
// maxBatchPostings postings.
func (w *writer) flushIfFull() error {
	if w.passages >= w.opts.BatchSize || w.postings >= maxBatchPostings {
		w.send()
	}
	return w.failed()
}

// send hands the batch being filled to the writing goroutine (waiting
// while it still writes the one before) and starts the next.
func (w *writer) send() {
	w.fullest.passages = max(w.fullest.passages, w.passages)
	w.fullest.postings = max(w.fullest.postings, w.postings)
	w.queue <- queued{b: w.b}
	w.b = w.bi.NewBatch()
	w.passages, w.postings = 0, 0
}

// close writes the last batch and waits until every batch is written (and,
// for an unsafe index, on disk).
func (w *writer) close() error {
	if w.b.Size() > 0 {
		w.send()
	}
	close(w.queue)
	return <-w.done
}

// abort stops the writing goroutine after the batches it has, and drops
// the one being filled.
func (w *writer) abort() {
	close(w.queue)
	<-w.done
}

// skip records a file left out, when its hash is known: an update does not
// read it again until it changes.
func (w *writer) skip(p prepared) {
	if p.hash != "" {
		w.skips = append(w.skips, skipRecord{Path: p.path, Hash: p.hash, Reason: p.skip})
	}
}

// finish adds the index's own records to the batch (records.go): the
// manifest (the documents kept plus those written), their acronyms, the
// corpus's words (old's and those of the documents written), the files left
// out, and in the internal store the build info, the vocabulary files' rules
// and the engine version. It returns the build info with its documents.
func (w *writer) finish(info Info, kept []DocInfo, rules []corpus.Rule, old *vellum.FST) (Info, error) {
	info.Built = time.Now().UTC().Truncate(time.Second)
	info.Now = w.opts.Now
	info.Engine = engineVersion()
	info.Docs = append(append([]DocInfo(nil), kept...), w.docs...)
	sort.Slice(info.Docs, func(i, j int) bool { return info.Docs[i].Path < info.Docs[j].Path })
	info.Passages = 0
	var acronyms []corpus.Rule
	info.Terms = 0
	for _, d := range info.Docs {
		info.Passages += d.Passages
		info.Terms += d.Terms
		acronyms = append(acronyms, d.Acronyms...)
	}
	info.Documents = len(info.Docs)

	manifest, err := json.Marshal(info.Docs)
	if err != nil {
		return info, fmt.Errorf("write the manifest: %w", err)
	}
	av, err := json.Marshal(acronyms)
	if err != nil {
		return info, fmt.Errorf("write acronyms: %w", err)
	}
	inv, err := json.Marshal(mergeInitialisms(info.Docs))
	if err != nil {
		return info, fmt.Errorf("write initials: %w", err)
	}
	words, err := encodeWords(mergeWords(old, w.words))
	if err != nil {
		return info, err
	}
	m := w.bi.Mapping()
	sort.Slice(w.skips, func(i, j int) bool { return w.skips[i].Path < w.skips[j].Path })
	sv, err := json.Marshal(w.skips)
	if err != nil {
		return info, fmt.Errorf("write the skipped files: %w", err)
	}
	for _, rec := range []bleveDoc{blobDoc(recManifest, manifest), blobDoc(recAcronyms, av), blobDoc(recInitials, inv), blobDoc(recWords, words), blobDoc(recSkipped, sv)} {
		doc, err := mapDoc(m, rec)
		if err != nil {
			return info, err
		}
		_ = w.b.IndexAdvanced(doc)
	}

	rv, _ := json.Marshal(rules)
	w.b.SetInternal([]byte(keyRules), rv)
	w.b.SetInternal([]byte(keyInfo), infoValue(info))
	w.b.SetInternal([]byte(keyEngine), []byte(info.Engine))
	return info, nil
}

// infoValue is the build info as the index keeps it, without its Docs.
func infoValue(info Info) []byte {
	info.Docs = nil
	v, _ := json.Marshal(info)
	return v
}

// countTerms counts the text field's distinct terms afresh, in an index
// just updated in place, and records them in its build info if the count
// changed: the terms the added passages bring, less those only the deleted
// ones held. An index whose dictionary was small enough to keep whole
// (eagerDictTerms) is counted by reading its document frequencies, which
// are returned for the new state (loadCounted), so that they are read once.
func countTerms(bi bleve.Index, info *Info) (map[string]int, error) {
	var (
		df  map[string]int
		n   int
		err error
	)
	if info.DictTerms <= eagerDictTerms {
		df, err = readDocFreqs(bi)
		n = len(df)
	} else {
		n, err = dictSize(bi, fieldText)
	}
	if err != nil || n == info.DictTerms {
		return df, err
	}
	info.DictTerms = n
	return df, bi.SetInternal([]byte(keyInfo), infoValue(*info))
}

// removeDoc deletes a document's passages and record from the batch. Its
// passages are found by their source, so that none is left behind.
func (w *writer) removeDoc(st *state, d DocInfo) error {
	q := bleve.NewTermQuery(d.Path)
	q.SetField(fieldSource)
	req := bleve.NewSearchRequestOptions(q, d.Passages+100, 0, false)
	res, err := st.bi.Search(req)
	if err != nil {
		return fmt.Errorf("find the passages of %s: %w", d.Path, err)
	}
	for _, h := range res.Hits {
		w.b.Delete(h.ID)
	}
	w.b.Delete(docRecordID(d.Path))
	return nil
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

// docText reads a document's stored text.
func (st *state) docText(path string) (string, bool) {
	raw, ok, err := storedField(st.bi, docRecordID(path), fieldDocText)
	if err != nil || !ok {
		return "", false
	}
	return string(raw), true
}

// fullRebuildShare is the share of an index's documents that an update may
// touch before the update becomes a full rebuild beside the current index
// (one batch holding most of the corpus would cost more than a new build).
const fullRebuildShare = 0.5

// Update brings the index up to date with a corpus. Every document is read
// and hashed; only added and changed documents are split and analysed,
// removed ones are deleted, all in one batch that searches see whole or not
// at all. With opts.Full, when most of the corpus changed, or when the
// batch would hold more than maxUpdatePostings or maxUpdatePassages, the
// index is rebuilt beside the current one and swapped in. Questions asked
// meanwhile are answered from the old index or the new one. With
// opts.DryRun nothing changes (added and changed documents are read, to
// tell those that would be skipped; whether the batch would be too large
// is not told).
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
	docs, err := st.docs()
	if err != nil {
		return Summary{}, err
	}
	fps, unread, err := c.Fingerprints(ctx)
	if err != nil {
		return Summary{}, err
	}
	if len(fps) == 0 && len(docs) > 0 {
		return Summary{Skipped: sortSkips(append(append([]corpus.Skip(nil), c.Skipped...), unread...))},
			fmt.Errorf("the corpus has no readable documents (%d files skipped); the index is kept as it was", len(c.Skipped)+len(unread))
	}
	// A file left out before, unchanged, is left out again unread.
	before, err := st.skippedFiles()
	if err != nil {
		return Summary{}, err
	}
	var still []skipRecord
	hashOf := make(map[string]string, len(fps))
	changed := fps[:0:0]
	for _, fp := range fps {
		hashOf[fp.Path] = fp.Hash
		if r, ok := before[fp.Path]; ok && r.Hash == fp.Hash {
			still = append(still, r)
			unread = append(unread, corpus.Skip{Path: r.Path, Reason: r.Reason})
			continue
		}
		changed = append(changed, fp)
	}
	fps = changed
	sum := diffCorpus(fps, docs)
	sum.DryRun = opts.DryRun
	sum.Version = st.info.Version
	sum.Previous = st.info.Version
	skipped := append(append([]corpus.Skip(nil), c.Skipped...), unread...)
	touched := len(sum.Added) + len(sum.Changed) + len(sum.Removed)
	full := opts.Full || (len(docs) > 0 && float64(touched) > fullRebuildShare*float64(len(docs)))
	if opts.DryRun && opts.Full {
		// A full build reads every document afresh, even one skipped before,
		// and lists each as added: so does its dry run.
		plan := PlanBuild(c)
		plan.Version, plan.Previous = sum.Version, sum.Previous
		plan.Took = time.Since(start)
		return plan, nil
	}
	if opts.DryRun {
		sum.Full = full
		for _, s := range unparsed(c, append(append([]string(nil), sum.Added...), sum.Changed...)) {
			sum.dropSkipped(s.Path)
			skipped = append(skipped, s)
		}
		sum.Skipped = sortSkips(skipped)
		sum.Took = time.Since(start)
		return sum, nil
	}
	if ix.ReadOnly() {
		return sum, ErrReadOnly
	}
	rebuild := func() (Summary, error) {
		s, err := ix.rebuild(ctx, c, opts, st.info.Version+1, start)
		s.Previous = st.info.Version
		if err == nil && !opts.Full {
			// So much changed that the index was rebuilt, which lists every
			// document as added: say instead what changed, as the dry run
			// does.
			s.Added, s.Changed, s.Removed, s.Unchanged = sum.Added, sum.Changed, sum.Removed, sum.Unchanged
			for _, sk := range s.Skipped {
				s.dropSkipped(sk.Path)
			}
		}
		return s, err
	}
	if full {
		return rebuild()
	}
	if touched == 0 && rulesEqual(c.Rules, st.vocabRules) {
		sum.Skipped = sortSkips(skipped)
		sum.Passages = st.info.Passages
		sum.Took = time.Since(start)
		return sum, nil
	}

	w := newWriter(st.bi, opts)
	w.skips = still
	byPath := make(map[string]DocInfo, len(docs))
	for _, d := range docs {
		byPath[d.Path] = d
	}
	gone := map[string]bool{}
	for _, p := range append(append([]string(nil), sum.Changed...), sum.Removed...) {
		gone[p] = true
		if err := w.removeDoc(st, byPath[p]); err != nil {
			return sum, err
		}
	}
	todo := append(append([]string(nil), sum.Added...), sum.Changed...)
	sort.Strings(todo)
	done := 0
	err = prepareAll(ctx, c, todo, st.bi.Mapping(), opts.Now, func(p prepared) error {
		done++
		if opts.Progress != nil {
			defer opts.Progress(done, len(todo))
		}
		if p.skip != "" {
			sum.dropSkipped(p.path)
			skipped = append(skipped, corpus.Skip{Path: p.path, Reason: p.skip})
			if p.hash == "" {
				p.hash = hashOf[p.path]
			}
			w.skip(p)
			return nil
		}
		if err := w.put(&p, false); err != nil {
			return err
		}
		sum.Analyzed++
		sum.Bytes += p.info.Size
		return nil
	})
	if errors.Is(err, errLargeUpdate) {
		// More than one batch should hold (a long document, or one naming
		// many years): the batch made so far is dropped.
		return rebuild()
	}
	if err != nil {
		return sum, err
	}
	var kept []DocInfo
	for _, d := range docs {
		if !gone[d.Path] {
			kept = append(kept, d)
		}
	}
	// The text field's terms are counted once the batch is in (below); till
	// then, the count of the index as it was.
	info, err := w.finish(Info{Version: st.info.Version + 1, DictTerms: st.info.DictTerms}, kept, c.Rules, st.wordList())
	if err != nil {
		return sum, err
	}

	// Apply the batch and start a new state (with empty caches: a changed
	// document keeps its passage ids) while no search runs, then derive the
	// rest of the new state and swap it in.
	ix.mu.Lock()
	err = st.bi.Batch(w.b)
	if err == nil {
		ix.st = st.fresh()
	}
	ix.mu.Unlock()
	var df map[string]int
	if err == nil {
		df, err = countTerms(st.bi, &info)
	}
	if err != nil {
		return sum, fmt.Errorf("write index: %w", err)
	}
	next, err := loadCounted(st.bi, df)
	if err != nil {
		return sum, err
	}
	next.docsOnce.Do(func() { next.docList = info.Docs })
	ix.mu.Lock()
	ix.st = next
	ix.mu.Unlock()

	sum.Skipped = sortSkips(skipped)
	sum.Version = info.Version
	sum.Passages = info.Passages
	sum.Warnings = duplicateTitles(info.Docs)
	sum.Took = time.Since(start)
	return sum, nil
}

// PlanBuild reports what building an index of c from nothing would do, and
// writes nothing: every document added, except the files that do not read,
// skipped with the reason, as a build skips them (a dry run where there is
// no index yet, or where one is rebuilt).
func PlanBuild(c *corpus.Corpus) Summary {
	sum := Summary{DryRun: true, Full: true, Added: c.Paths()}
	skipped := append([]corpus.Skip(nil), c.Skipped...)
	for _, sk := range unparsed(c, sum.Added) {
		sum.dropSkipped(sk.Path)
		skipped = append(skipped, sk)
	}
	sum.Skipped = sortSkips(skipped)
	return sum
}

// unparsed reads the documents at paths and returns those that would be
// skipped, with the reason.
func unparsed(c *corpus.Corpus, paths []string) []corpus.Skip {
	var out []corpus.Skip
	for _, p := range paths {
		if _, err := c.Document(p); err != nil {
			out = append(out, corpus.Skip{Path: p, Reason: err.Error()})
		}
	}
	return out
}

// dropSkipped takes a document that turned out unreadable out of Added, or
// moves it from Changed to Removed (its old passages are deleted).
func (s *Summary) dropSkipped(path string) {
	if i := indexOf(s.Added, path); i >= 0 {
		s.Added = append(s.Added[:i], s.Added[i+1:]...)
		return
	}
	if i := indexOf(s.Changed, path); i >= 0 {
		s.Changed = append(s.Changed[:i], s.Changed[i+1:]...)
		s.Removed = append(s.Removed, path)
		sort.Strings(s.Removed)
	}
}

func indexOf(list []string, s string) int {
	i := sort.SearchStrings(list, s)
	if i < len(list) && list[i] == s {
		return i
	}
	return -1
}

func sortSkips(s []corpus.Skip) []corpus.Skip {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Path < s[j].Path })
	return s
}

// diffCorpus compares a corpus's documents with an index's by path and hash.
func diffCorpus(fps []corpus.Fingerprint, docs []DocInfo) Summary {
	have := make(map[string]string, len(docs))
	for _, d := range docs {
		have[d.Path] = d.Hash
	}
	var sum Summary
	seen := make(map[string]bool, len(fps))
	for _, fp := range fps {
		seen[fp.Path] = true
		switch h, ok := have[fp.Path]; {
		case !ok:
			sum.Added = append(sum.Added, fp.Path)
		case h != fp.Hash:
			sum.Changed = append(sum.Changed, fp.Path)
		default:
			sum.Unchanged++
		}
	}
	for _, d := range docs {
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
	bi := st.bi
	if pi, ok := bi.(passageIndex); ok {
		pi.vecs = nil // the old version's scored postings would be wrong now
		pi.warm = nil // and its passages belong to the old state's cache
		bi = pi
	}
	return &state{
		bi: bi, adv: st.adv, info: st.info, lex: st.lex, rules: st.rules, vocabRules: st.vocabRules,
		n: st.n, avgLen: st.avgLen, avgShort: st.avgShort,
	}
}
