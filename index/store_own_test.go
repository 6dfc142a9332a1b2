package index

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casebot/casebot/corpus"
)

// tree lists every name under dir with its content (or its type), to show
// what a store left as it was.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("%d bytes %x", len(b), sha256.Sum256(b))
		} else {
			out[rel] = d.Type().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func mkfile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStoreRefusesForeignDirectory: a directory that holds other things
// than a casebot index (the probe pointed --index at one with gen-* names)
// is refused, and nothing in it is written or deleted.
func TestStoreRefusesForeignDirectory(t *testing.T) {
	ctx := context.Background()
	c := loadDir(t, genCorpus(t, 3))
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"gen-named files", map[string]string{"gen-notes.md": "my notes", "gen-archive/2023.txt": "archive", "gen-2024-report.txt": "x", "gen-photos/a.jpg": "jpg"}},
		{"a corpus directory", map[string]string{"tea.md": "# Tea\n\nTea was grown.\n", "gen-000001/keep.md": "not a generation"}},
		{"one hidden file", map[string]string{".keep": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, text := range tc.files {
				mkfile(t, filepath.Join(dir, p), text)
			}
			before := tree(t, dir)
			ix, _, err := Create(ctx, dir, c, Options{})
			if err == nil {
				ix.Close()
			}
			if !errors.Is(err, ErrNotIndexDir) || !strings.Contains(err.Error(), dir) {
				t.Errorf("Create: %v, want ErrNotIndexDir naming the directory", err)
			}
			if _, err := Open(ctx, dir); !errors.Is(err, ErrNoIndex) {
				t.Errorf("Open: %v, want ErrNoIndex", err)
			}
			if after := tree(t, dir); fmtMap(after) != fmtMap(before) {
				t.Errorf("the directory changed:\nbefore %s\nafter  %s", fmtMap(before), fmtMap(after))
			}
		})
	}
}

func fmtMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k+"="+m[k])
	}
	sort.Strings(keys)
	return strings.Join(keys, "\n")
}

// TestStoreDeletesOnlyItsOwnNames: opening and rebuilding a store removes
// the debris of every shape it writes (old generations, unfinished builds,
// the temporary files of CURRENT and the marker) and nothing else put in
// its directory.
func TestStoreDeletesOnlyItsOwnNames(t *testing.T) {
	ctx := context.Background()
	src := genCorpus(t, 5)
	dir := filepath.Join(t.TempDir(), "idx")
	ix, _, err := Create(ctx, dir, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	theirs := map[string]string{
		"gen-notes.md":          "my notes",
		"gen-archive/2023.txt":  "archive",
		"gen-000001-backup/x":   "a copy someone made",
		"gen-12.tmp":            "short number",
		"CURRENT.tmp.bak":       "not ours",
		".CURRENT.tmp-12ab":     "not a number",
		"notes.txt":             "notes",
		"gen-000002.tmp.keep/x": "x",
	}
	for p, text := range theirs {
		mkfile(t, filepath.Join(dir, p), text)
	}
	debris := []string{".CURRENT.tmp-4031966233", ".CASEBOT-INDEX.tmp-17", "CURRENT.tmp", "gen-000009.tmp/root.bolt", "gen-000000/root.bolt"}
	for _, p := range debris {
		mkfile(t, filepath.Join(dir, p), "debris of a kill")
	}
	check := func(when string) {
		t.Helper()
		for p, text := range theirs {
			if b, err := os.ReadFile(filepath.Join(dir, p)); err != nil || string(b) != text {
				t.Errorf("%s: %s was changed or deleted (%v)", when, p, err)
			}
		}
		for _, p := range debris {
			if _, err := os.Lstat(filepath.Join(dir, strings.Split(p, "/")[0])); err == nil {
				t.Errorf("%s: debris %s is still there", when, p)
			}
		}
	}
	ix, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	check("after Open")
	mkfile(t, filepath.Join(dir, ".CURRENT.tmp-99"), "debris")
	if _, err := ix.Update(ctx, loadDir(t, src), Options{Full: true}); err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, ix, "alpha3", "alpha3")
	ix.Close()
	ix, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	check("after a rebuild and Open")
	for _, n := range names(dir) {
		if n == "gen-000001" {
			t.Errorf("the old generation is still there: %v", names(dir))
		}
	}
}

// TestStoreAdoptsUnmarkedIndex: a store written before the marker existed
// opens, and gets the marker.
func TestStoreAdoptsUnmarkedIndex(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	ix, _, err := Create(ctx, dir, loadDir(t, genCorpus(t, 3)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if err := os.Remove(filepath.Join(dir, markerName)); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, dir)
	if err != nil {
		t.Fatalf("Open of an index without the marker: %v", err)
	}
	ix.Close()
	if _, err := os.Stat(filepath.Join(dir, markerName)); err != nil {
		t.Errorf("the marker was not written: %v", err)
	}
}

// TestOpenReadOnly: a store whose directory cannot be written is opened
// read-only: it answers, writes nothing (no LOCK), and refuses updates.
// Root writes through permissions, so there the test asks for read-only
// explicitly after checking that chmod did not stop it.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	src := genCorpus(t, 4)
	dir := filepath.Join(t.TempDir(), "idx")
	ix, _, err := Create(ctx, dir, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// A baked index: no writer has run here, so no LOCK.
	if err := os.Remove(filepath.Join(dir, "LOCK")); err != nil {
		t.Fatal(err)
	}
	mkfile(t, filepath.Join(dir, ".CURRENT.tmp-5"), "debris the read-only store must leave")
	setMode(t, dir, 0o555, 0o444)
	t.Cleanup(func() { setMode(t, dir, 0o755, 0o644) })
	before := tree(t, dir)

	open := Open
	if probe, err := os.Create(filepath.Join(dir, "probe")); err == nil {
		probe.Close()
		os.Remove(probe.Name())
		t.Log("chmod does not stop this process writing (root): opening read-only explicitly")
		open = OpenReadOnly
	}
	ix, err = open(ctx, dir)
	if err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	if !ix.ReadOnly() {
		t.Error("ReadOnly() is false")
	}
	// Replicas share the index: a second reader opens too.
	ix2, err := open(ctx, dir)
	if err != nil {
		t.Fatalf("second read-only open: %v", err)
	}
	mustAnswer(t, ix, "alpha2", "alpha2")
	mustAnswer(t, ix2, "alpha3", "alpha3")
	if _, err := ix.Update(ctx, loadDir(t, src), Options{Full: true}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Update of a read-only index: %v, want ErrReadOnly", err)
	}
	if sum, err := ix.Update(ctx, loadDir(t, src), Options{DryRun: true}); err != nil || sum.Changes() {
		t.Errorf("dry run of a read-only index: %+v %v", sum, err)
	}
	if err := ix.Close(); err != nil {
		t.Error(err)
	}
	ix2.Close()
	if after := tree(t, dir); fmtMap(after) != fmtMap(before) {
		t.Errorf("a read-only store changed its directory:\nbefore %s\nafter  %s", fmtMap(before), fmtMap(after))
	}
}

// TestOpenReadOnlyWaitsForWriter: a reader is refused while a writer has
// the store open, as a second writer is.
func TestOpenReadOnlyWaitsForWriter(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	ix, _, err := Create(ctx, dir, loadDir(t, genCorpus(t, 3)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(ctx, dir); !errors.Is(err, ErrLocked) {
		t.Errorf("OpenReadOnly while a writer has it: %v, want ErrLocked", err)
	}
	ix.Close()
	ro, err := OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dir); !errors.Is(err, ErrLocked) {
		t.Errorf("Open while a reader has it: %v, want ErrLocked", err)
	}
	ro.Close()
}

// setMode chmods a tree: directories to dirMode, files to fileMode.
func setMode(t *testing.T, dir string, dirMode, fileMode os.FileMode) {
	t.Helper()
	var paths []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	// Deepest first, so a directory made unreadable is not needed after.
	for i := len(paths) - 1; i >= 0; i-- {
		fi, err := os.Lstat(paths[i])
		if err != nil {
			continue
		}
		m := fileMode
		if fi.IsDir() {
			m = dirMode
		}
		os.Chmod(paths[i], m)
	}
}

// TestClosedIndex: every method of a closed index returns (an error, or
// nothing), and none panics.
func TestClosedIndex(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, loadDir(t, genCorpus(t, 2)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if info := ix.Info(); info.Version != 0 || len(info.Docs) != 0 {
		t.Errorf("Info after Close: %+v", info)
	}
	if _, err := ix.Ask(ctx, "alpha1", AskOptions{}); err == nil {
		t.Error("Ask after Close: no error")
	}
	if _, err := ix.Search(ctx, "alpha1", SearchOptions{K: 3}); err == nil {
		t.Error("Search after Close: no error")
	}
	if _, err := ix.Numbered(ctx, "stage"); err == nil {
		t.Error("Numbered after Close: no error")
	}
	if _, err := ix.Update(ctx, loadDir(t, genCorpus(t, 2)), Options{}); err == nil {
		t.Error("Update after Close: no error")
	}
	if _, err := ix.Context(ctx, "d00000.md#001", 2); err == nil {
		t.Error("Context after Close: no error")
	}
	if _, err := ix.Evaluate(ctx, []EvalQuestion{{ID: "1", Q: "alpha1"}}, AskOptions{}); err == nil {
		t.Error("Evaluate after Close: no error")
	}
	ix.Acronyms()
	ix.Passage(ctx, "d00000.md#001")
	ix.DocText("d00000.md")
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestNumberedNotCachedAfterTimeout: a series search that fails (its
// deadline passed) finds nothing this time, and is not remembered as "no
// such series" for the rest of the index's life.
func TestNumberedNotCachedAfterTimeout(t *testing.T) {
	ctx := context.Background()
	ix := buildFS(t, corpus.Default())
	expired, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	if got, _ := ix.Numbered(expired, "stage"); len(got) != 0 {
		t.Fatalf("a search past its deadline found %d stages; the test needs it to fail", len(got))
	}
	got, err := ix.Numbered(ctx, "stage")
	if err != nil || len(got) < minSeries {
		t.Errorf("after a timed-out search: %d stages (%v), want the series", len(got), err)
	}
}

// TestCancelledAskAndLookups: with its context ended, Ask, Stages, Stage
// and Context return the context's error. They had returned a lesser
// result with no error: an answer without the list it should be (a list's
// items are fetched by searches that fail on the ended context), no
// stages (which the bot tells a member as "the documents do not number
// any stages"), no context. Nothing is kept of it for the next call.
func TestCancelledAskAndLookups(t *testing.T) {
	ix := buildFS(t, corpus.Default()) // fresh: nothing cached
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if a, err := ix.Ask(ctx, "What are the success factors?", AskOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Ask cancelled: err %v, answered %v, list %v, %d citations", err, a.Answered, a.List, len(a.Citations))
	}
	if s, err := ix.Stages(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Stages cancelled: %d stages, err %v", len(s), err)
	}
	if _, err := ix.Stage(ctx, 3, AskOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Stage(3) cancelled: %v", err)
	}
	id := corpus.PassageID("south-korea-e-government.md", 10)
	if cs, err := ix.Context(ctx, id, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("Context cancelled: %d passages, err %v", len(cs), err)
	}
	bg := context.Background()
	if a, err := ix.Ask(bg, "What are the success factors?", AskOptions{}); err != nil || !a.List {
		t.Errorf("Ask after: list %v, err %v", a.List, err)
	}
	if s, err := ix.Stages(bg); err != nil || len(s) < minSeries {
		t.Errorf("Stages after: %d, %v", len(s), err)
	}
	if cs, err := ix.Context(bg, id, 2); err != nil || len(cs) < 2 {
		t.Errorf("Context after: %d, %v", len(cs), err)
	}
}
