package corpus

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
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
