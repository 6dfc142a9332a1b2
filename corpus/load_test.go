package corpus

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
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

// TestLoadSkipsIrregularFiles: a named pipe, a socket or a device in the
// corpus is listed as skipped with the reason, and never opened (opening a
// named pipe waits for a writer forever).
func TestLoadSkipsIrregularFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "good.md"), []byte("# Good\n\nFine text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, name := range []string{"pipe.md", "terms.vocab"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
		want[name] = "named pipe"
	}
	if ln, err := net.Listen("unix", filepath.Join(dir, "s.md")); err == nil {
		defer ln.Close()
		want["s.md"] = "socket"
	} else {
		t.Logf("no socket (the path may be too long): %v", err)
	}
	if err := syscall.Mknod(filepath.Join(dir, "null.md"), syscall.S_IFCHR|0o644, 1<<8|3); err == nil {
		want["null.md"] = "device"
	} else {
		t.Logf("no device node (needs root): %v", err)
	}
	fsys := os.DirFS(dir)
	type result struct {
		c   *Corpus
		err error
	}
	r := hangGuard(t, "Load of a corpus with a named pipe", func() result {
		c, err := Load(context.Background(), fsys, Options{})
		return result{c, err}
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.c.Docs) != 1 || r.c.Docs[0].Path != "good.md" {
		t.Errorf("docs %+v, want good.md", r.c.Docs)
	}
	got := map[string]string{}
	for _, s := range r.c.Skipped {
		got[s.Path] = s.Reason
	}
	for name, reason := range want {
		if !strings.Contains(got[name], reason) {
			t.Errorf("%s: skipped with %q, want a reason saying %q", name, got[name], reason)
		}
	}
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
