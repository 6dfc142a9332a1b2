package corpus

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func TestSafeName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want string // want "" means refused
	}{
		{"notes.md", "notes.md"},
		{"my  notes\t2024.md", "my_notes_2024.md"},
		{"  padded.md  ", "padded.md"},
		{"Zürich — Bericht.pdf", "Zürich_—_Bericht.pdf"},
		{"../x.md", ""},
		{"a/b.md", ""},
		{`a\b.md`, ""},
		{"/etc/passwd", ""},
		{"..", ""},
		{".", ""},
		{"x..md", ""},
		{".hidden.md", ""},
		{"bell\a.md", ""},
		{"line\nbreak.md", "line_break.md"},
		{"nul\x00.md", ""},
		{"bad\xff.md", ""},
		{"", ""},
		{"   ", ""},
		{"what?.md", ""},
		{"c:notes.md", ""},
		{strings.Repeat("a", 253) + ".md", ""},
		// one spelling per name: "é" as "e" and a combining accent, as
		// macOS names files, is the precomposed "é", so it is taken by a
		// document of that name rather than stored beside it
		{"cafe\u0301.md", "caf\u00e9.md"},
		{"caf\u00e9.md", "caf\u00e9.md"},
	} {
		got, err := SafeName(c.in)
		if c.want == "" && err == nil {
			t.Errorf("SafeName(%q) = %q, want a refusal", c.in, got)
		}
		if c.want != "" && (err != nil || got != c.want) {
			t.Errorf("SafeName(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestReplaceAndUndo replaces a document, undoes it, then adds one and
// undoes that: the directory ends as it began, with no temporary files.
func TestReplaceAndUndo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "notes.md")
	if err := os.WriteFile(p, []byte("old text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old, existed, err := Previous(p)
	if err != nil || !existed || string(old) != "old text\n" {
		t.Fatalf("Previous = %q, %v, %v", old, existed, err)
	}
	if err := WriteFileAtomic(p, strings.NewReader("new text\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new text\n" {
		t.Fatalf("after write: %q", b)
	}
	if err := Undo(p, old, existed); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old text\n" {
		t.Fatalf("after undo: %q", b)
	}

	added := filepath.Join(dir, "added.md")
	old, existed, err = Previous(added)
	if err != nil || existed || old != nil {
		t.Fatalf("Previous of a new name = %q, %v, %v", old, existed, err)
	}
	if err := WriteFileAtomic(added, bytes.NewReader([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	if err := Undo(added, old, existed); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "notes.md" {
		t.Errorf("directory after undo: %v", entries)
	}

	if err := os.Mkdir(filepath.Join(dir, "folder.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Previous(filepath.Join(dir, "folder.md")); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Previous of a folder: %v, want ErrNotRegular", err)
	}
}

// TestWriteFileAtomicFails leaves the old content and no debris when the
// write cannot finish (the directory is gone).
func TestWriteFileAtomicFails(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "missing", "x.md")
	if err := WriteFileAtomic(p, strings.NewReader("x")); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

// failingReader fails after some bytes, like a disk that fills up.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, syscall.ENOSPC
	}
	n := min(len(p), f.n)
	for i := range p[:n] {
		p[i] = 'x'
	}
	f.n -= n
	return n, nil
}

func TestWriteFileAtomicKeepsOldOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "doc.md")
	os.WriteFile(path, []byte("old"), 0o644)
	err := WriteFileAtomic(path, &failingReader{n: 10000})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err %v, want ENOSPC", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file now %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("debris left: %d entries", len(entries))
	}
	if err := WriteFileAtomic(path, strings.NewReader("new")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("file now %q", got)
	}
}

// TestWriteDocumentMode: a new document is made as os.WriteFile makes a
// file of mode 0644 (less the umask), a replaced one keeps its mode, and
// so does one put back by Undo.
func TestWriteDocumentMode(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes on Windows")
	}
	dir := t.TempDir()
	probe := filepath.Join(dir, "probe")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mode := func(p string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	want := mode(probe)

	added := filepath.Join(dir, "added.md")
	if err := WriteDocument(added, strings.NewReader("# Added\n")); err != nil {
		t.Fatal(err)
	}
	if got := mode(added); got != want {
		t.Errorf("new document: mode %v, want %v", got, want)
	}

	kept := filepath.Join(dir, "kept.md")
	if err := os.WriteFile(kept, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(kept, 0o664); err != nil { // beyond what the umask lets a new file have
		t.Fatal(err)
	}
	old, existed, err := Previous(kept)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteDocument(kept, strings.NewReader("new\n")); err != nil {
		t.Fatal(err)
	}
	if got := mode(kept); got != 0o664 {
		t.Errorf("replaced document: mode %v, want -rw-rw-r--", got)
	}
	if err := Undo(kept, old, existed); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(kept); string(b) != "old\n" || mode(kept) != 0o664 {
		t.Errorf("after undo: %q, mode %v", b, mode(kept))
	}
}
