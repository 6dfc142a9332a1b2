package index

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/casebot/casebot/corpus"
)

// The embedded corpus, indexed once and shared by the tests that only read.
var (
	sharedOnce sync.Once
	sharedIx   *Index
	sharedErr  error
)

func embedded(t testing.TB) *Index {
	t.Helper()
	sharedOnce.Do(func() {
		c, err := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
		if err != nil {
			sharedErr = err
			return
		}
		sharedIx, sharedErr = Build(context.Background(), c, Options{Version: 1, Now: 2026})
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedIx
}

// buildFS indexes the documents of fsys in memory; the index is closed when
// the test ends.
func buildFS(t testing.TB, fsys fs.FS) *Index {
	t.Helper()
	c, err := corpus.Load(context.Background(), fsys, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(context.Background(), c, Options{Now: 2026})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func ask(t testing.TB, q string) Answer {
	t.Helper()
	a, err := embedded(t).Ask(context.Background(), q, AskOptions{K: 3})
	if err != nil {
		t.Fatalf("Ask(%q): %v", q, err)
	}
	return a
}

// corpusPassage builds passages for tests from their text.
type corpusPassage struct{ Text string }

type corpusPassages []corpusPassage

func (cs corpusPassages) passages() []corpus.Passage {
	out := make([]corpus.Passage, len(cs))
	for i, c := range cs {
		out[i] = corpus.Passage{ID: corpus.PassageID("test.md", i), Text: c.Text, Kind: corpus.Paragraph}
	}
	return out
}

// An index built of a corpus made in code, its documents in no order, holds
// every one of them: each document's own word finds it.
func TestBuildUnsortedDocs(t *testing.T) {
	names := []string{"walrus", "albatross", "narwhal", "badger", "zebu", "heron"}
	var docs []corpus.Document
	for _, n := range names {
		d, err := corpus.Parse(n+".md", []byte("# "+n+"\n\nThe "+n+" lives here.\n"))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	ix, err := Build(context.Background(), &corpus.Corpus{Docs: docs}, Options{Now: 2026})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, n := range names {
		a, err := ix.Ask(context.Background(), "where does the "+n+" live?", AskOptions{K: 1, Plain: true})
		if err != nil || len(a.Citations) == 0 || a.Citations[0].Source != n+".md" {
			t.Errorf("%s: %+v, %v", n, a.Citations, err)
		}
	}
}
