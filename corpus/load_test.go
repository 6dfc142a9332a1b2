package corpus

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
