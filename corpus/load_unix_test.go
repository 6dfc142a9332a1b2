//go:build unix

package corpus

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

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
