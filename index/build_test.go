package index

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/casebot/casebot/corpus"
)

// spansDoc is a document of n passages that each name a span of 99 years,
// each year indexed as a number of numericTerms terms: about 1,600 postings
// a passage, where a passage of usual prose holds a hundred.
func spansDoc(n int) string {
	var b strings.Builder
	b.WriteString("# Meetings\n\n")
	for i := range n {
		fmt.Fprintf(&b, "Society %d met from 1901 to 1999.\n\n", i)
	}
	return b.String()
}

// TestBatchBounds: a document whose passages name many years is written in
// batches bounded by their postings, not in one batch whatever its length
// (a list of years of 1 MB took a gigabyte), and the worker that prepares
// it maps only its first part ahead of its writing. An update that would
// hold more than one batch should is made a rebuild, which answers alike.
func TestBatchBounds(t *testing.T) {
	const passages = 450 // about 720,000 postings
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "spans.md"), []byte(spansDoc(passages)), 0o644); err != nil {
		t.Fatal(err)
	}
	c := scanDir(t, src)
	m := newMapping()
	var most, total int // postings of a passage, of the document
	p := prepare(c, "spans.md", m, 2026, nil)
	ahead := 0
	for _, md := range p.ahead {
		ahead += md.postings
	}
	for {
		md, ok, err := p.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		most = max(most, md.postings)
		total += md.postings
	}
	if total <= maxUpdatePostings {
		t.Fatalf("the document holds %d postings, too few to test the bounds", total)
	}
	if ahead > maxAheadPostings+most || ahead >= total {
		t.Errorf("%d postings mapped ahead of writing, bound %d", ahead, maxAheadPostings+most)
	}
	if p.info.Terms == 0 || p.info.Passages != passages {
		t.Errorf("manifest entry: %d passages, %d terms", p.info.Passages, p.info.Terms)
	}

	bi, err := create("")
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	w := newWriter(bi, withDefaults(Options{Now: 2026}))
	w.async(false)
	err = prepareAll(context.Background(), c, c.Paths(), m, 2026, func(p prepared) error { return w.put(&p, true) })
	if err != nil {
		w.abort()
		t.Fatal(err)
	}
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	if got := w.fullest.postings; got > maxBatchPostings+most || got < maxBatchPostings || got >= total {
		t.Errorf("the fullest batch held %d postings, want %d to %d", got, maxBatchPostings, maxBatchPostings+most)
	}
	if n, _ := bi.DocCount(); n != passages+1 {
		t.Errorf("%d bleve documents written, want %d passages and the record", n, passages)
	}

	// An update adding the document is a rebuild; one adding a short one
	// is not.
	ctx := context.Background()
	small := t.TempDir()
	for i, what := range []string{"committee", "council", "panel", "jury"} {
		os.WriteFile(filepath.Join(small, fmt.Sprintf("a%d.md", i)), []byte(fmt.Sprintf("# Notes of the %s\n\nThe %s met in %d.\n", what, what, 1950+i)), 0o644)
	}
	ix, err := Build(ctx, loadDir(t, small), Options{Now: 2026})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	os.WriteFile(filepath.Join(small, "b.md"), []byte("# More notes\n\nThe board met in 1960.\n"), 0o644)
	if sum, err := ix.Update(ctx, loadDir(t, small), Options{Now: 2026}); err != nil || sum.Full {
		t.Fatalf("update adding a short document: full %v, %v", sum.Full, err)
	}
	os.WriteFile(filepath.Join(small, "spans.md"), []byte(spansDoc(passages)), 0o644)
	sum, err := ix.Update(ctx, loadDir(t, small), Options{Now: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Full || strings.Join(sum.Added, " ") != "spans.md" || sum.Unchanged != 5 || sum.Passages != passages+5 {
		t.Errorf("update adding the document: %+v", sum)
	}
	mustAnswer(t, ix, "which society met from 1901 to 1999?", "met from 1901 to 1999")
	mustAnswer(t, ix, "when did the board meet?", "1960")
}

// TestAheadBytes: documents are prepared ahead of their writing up to
// aheadBytes of them, beside the one being written and one read by each
// worker, and not as many as their count alone allows (4 a core).
func TestAheadBytes(t *testing.T) {
	defer func(n int64) { aheadBytes = n }(aheadBytes)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const docs, size = 30, 10_000
	aheadBytes = 3 * size / 2 // the document written, and none beside it
	files := fstest.MapFS{}
	for i := range docs {
		files[fmt.Sprintf("d%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("# Document %d\n\n", i) + strings.Repeat("word ", size/5))}
	}
	fsys := &countingFS{FS: files}
	c, err := corpus.Scan(context.Background(), fsys, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fsys.opened.Store(0)
	workers := runtime.GOMAXPROCS(0)
	written := 0
	err = prepareAll(context.Background(), c, c.Paths(), newMapping(), 2026, func(p prepared) error {
		written++
		if written == 1 {
			// Give the workers the time to read ahead as far as they may.
			for fsys.opened.Load() < int64(1+workers) {
				runtime.Gosched()
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n := fsys.opened.Load(); n > int64(written+workers) {
			t.Errorf("%d documents read when the %dth is written, bound %d", n, written, written+workers)
		}
		return nil
	})
	if err != nil || written != docs {
		t.Fatalf("prepareAll: %v after %d documents", err, written)
	}
}

// countingFS counts the files opened.
type countingFS struct {
	fs.FS
	opened atomic.Int64
}

func (c *countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err == nil && strings.HasSuffix(name, ".md") {
		c.opened.Add(1)
	}
	return f, err
}
