package corpus

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestScanReadsAsLoad checks that a scanned corpus gives the documents,
// reasons, rules and fingerprints a loaded one does, reading each document
// only when asked.
func TestScanReadsAsLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b.md", "---\ntitle: Bee\n---\n\nThe bee text.\n")
	write("a/c.txt", "\ufeffPlain text with a byte order mark.\n")
	write("bad.md", "caf\x00\n")
	write("empty.md", "")
	write("words.vocab", "phase = stage\n")
	write(".hidden.md", "hidden\n")
	os.Symlink("b.md", filepath.Join(dir, "link.md"))

	loaded, err := Load(context.Background(), os.DirFS(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	scanned, err := Scan(context.Background(), os.DirFS(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(scanned.Docs) != 0 {
		t.Errorf("Scan read %d documents", len(scanned.Docs))
	}
	if got, want := scanned.Paths(), []string{"a/c.txt", "b.md", "bad.md", "empty.md"}; !reflect.DeepEqual(got, want) {
		t.Errorf("scanned paths %v, want %v", got, want)
	}
	if got, want := loaded.Paths(), []string{"a/c.txt", "b.md"}; !reflect.DeepEqual(got, want) {
		t.Errorf("loaded paths %v, want %v", got, want)
	}
	if !reflect.DeepEqual(scanned.Rules, loaded.Rules) {
		t.Errorf("rules %+v, want %+v", scanned.Rules, loaded.Rules)
	}
	for _, d := range loaded.Docs {
		got, err := scanned.Document(d.Path)
		if err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("Document(%s) = %+v, %v; want %+v", d.Path, got, err, d)
		}
	}
	reasons := map[string]string{}
	for _, s := range loaded.Skipped {
		reasons[s.Path] = s.Reason
	}
	for _, p := range []string{"bad.md", "empty.md"} {
		_, err := scanned.Document(p)
		if err == nil || err.Error() != reasons[p] {
			t.Errorf("Document(%s): %v, want %q", p, err, reasons[p])
		}
	}
	if _, err := scanned.Document("missing.md"); err == nil {
		t.Error("Document of a path not in the corpus: no error")
	}

	// Fingerprints: as the parsed documents' hashes and sizes, for every
	// file that reads, whether or not it parses.
	fps, unread, err := scanned.Fingerprints(context.Background())
	if err != nil || len(unread) != 0 {
		t.Fatalf("Fingerprints: %v, unread %v", err, unread)
	}
	lfps, _, _ := loaded.Fingerprints(context.Background())
	byPath := map[string]Fingerprint{}
	for _, fp := range fps {
		byPath[fp.Path] = fp
	}
	for _, fp := range lfps {
		if byPath[fp.Path] != fp {
			t.Errorf("fingerprint of %s: %+v, loaded %+v", fp.Path, byPath[fp.Path], fp)
		}
	}
	if len(fps) != 4 {
		t.Errorf("%d fingerprints, want 4", len(fps))
	}

	if ok, _ := scanned.Readable(); !ok {
		t.Error("Readable: false")
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "x.md"), []byte("\x00\x01"), 0o644)
	c, _ := Scan(context.Background(), os.DirFS(bad), Options{})
	if ok, skipped := c.Readable(); ok || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "not a text file") {
		t.Errorf("Readable of a corpus of one binary file: %v %+v", ok, skipped)
	}
}
