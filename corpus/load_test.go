package corpus

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// hangGuard fails the test if f does not return within a minute: the bug
// these tests catch is a hang, and a hang should fail, not stall the run.
func hangGuard[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("%s hung", what)
	}
	var zero T
	return zero
}

// hangFS is a directory whose file "slow.md" never finishes opening, like
// a network file system that stopped answering.
type hangFS struct {
	fs.FS
	release chan struct{}
	entered chan struct{}
	once    *sync.Once
}

func (h hangFS) Open(name string) (fs.File, error) {
	if name == "slow.md" {
		h.once.Do(func() { close(h.entered) })
		<-h.release
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("released")}
	}
	return h.FS.Open(name)
}

// TestLoadHonoursContext: a read that hangs holds Load only until its
// context ends.
func TestLoadHonoursContext(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.md", "slow.md", "z.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("# Doc\n\nSome text.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := hangFS{FS: os.DirFS(dir), release: make(chan struct{}), entered: make(chan struct{}), once: &sync.Once{}}
	defer close(h.release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-h.entered
		cancel()
	}()
	err := hangGuard(t, "Load with a hung read after its context ended", func() error {
		_, err := Load(ctx, h, Options{})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load: %v, want context.Canceled", err)
	}

	// A context that has ended stops Load before it reads anything.
	_, err = Load(ctx, os.DirFS(dir), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load with an ended context: %v", err)
	}
}

// A corpus made in code may list its documents in any order: each is found
// by its path, and the paths and fingerprints come sorted, as a loaded
// corpus's do. (A binary search over unsorted documents had found "b.md"
// "not in the corpus", and an index built of them left it out.)
func TestUnsortedDocs(t *testing.T) {
	c := &Corpus{Docs: []Document{{Path: "c.md", Text: "c"}, {Path: "a.md", Text: "a"}, {Path: "d.md", Text: "d"}, {Path: "b.md", Text: "b"}}}
	for _, d := range c.Docs {
		if got, err := c.Document(d.Path); err != nil || got.Text != d.Text {
			t.Errorf("Document(%q) = %q, %v", d.Path, got.Text, err)
		}
	}
	if _, err := c.Document("e.md"); err == nil {
		t.Error("Document(e.md): found a document the corpus lacks")
	}
	want := []string{"a.md", "b.md", "c.md", "d.md"}
	if got := c.Paths(); !slices.Equal(got, want) {
		t.Errorf("Paths() = %v, want %v", got, want)
	}
	fps, _, err := c.Fingerprints(context.Background())
	if err != nil || len(fps) != len(want) {
		t.Fatalf("Fingerprints: %d, %v", len(fps), err)
	}
	for i, fp := range fps {
		if fp.Path != want[i] {
			t.Errorf("Fingerprints()[%d] is %s, want %s", i, fp.Path, want[i])
		}
	}
}
