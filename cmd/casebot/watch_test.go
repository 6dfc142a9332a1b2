package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebot/casebot/bot"
	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
	"github.com/fsnotify/fsnotify"
)

// TestServeWatch: with --watch, a file written into the corpus directory,
// or into a directory made after the start, is soon answered from; hidden
// and backup files are not indexed.
func TestServeWatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	s := startGateway(t, map[string]string{"CASEBOT_CORPUS": dir, "CASEBOT_INDEX": filepath.Join(t.TempDir(), "index")},
		"--watch", "--watch-delay", "100ms")
	if _, ok := waitLog(s.out, "watching the corpus directory", 5*time.Second); !ok {
		t.Fatalf("not watching:\n%s", s.out)
	}
	sourcesHave := s.sourcesHave

	// A named pipe made while watching: the reindex it starts must skip it,
	// not wait on it (and shutdown must not wait either).
	pipe := mkfifo(t, filepath.Join(dir, "pipe.md"))
	writeFile(t, filepath.Join(dir, ".draft.md"), "# Draft\n\nThe lighthouse keeper's draft.\n")
	writeFile(t, filepath.Join(dir, "lighthouse.md~"), "# Backup\n\nThe lighthouse backup.\n")
	writeFile(t, filepath.Join(dir, "lighthouse.md"), "# Lighthouse\n\nThe lighthouse at Cape Verlaine was lit in 1894.\n")
	sourcesHave(t, "lighthouse.md")
	rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": "When was the lighthouse at Cape Verlaine lit?"}, user("62")))
	if !citesSource(rep, "lighthouse.md") || !strings.Contains(embedText(rep), "1894") {
		t.Errorf("the new file is not answered from: %s", embedText(rep))
	}

	writeFile(t, filepath.Join(dir, "canals", "amsterdam.md"), "# Canals\n\nThe Herengracht canal was dug in 1612.\n")
	sourcesHave(t, "canals/amsterdam.md")
	writeFile(t, filepath.Join(dir, "canals", "utrecht.md"), "# Utrecht\n\nThe Oudegracht canal has wharf cellars.\n")
	sourcesHave(t, "canals/utrecht.md") // the new directory is watched too

	rep = s.answer(t, s.slash(t, "sources", nil, user("61")))
	if txt := fmt.Sprint(rep.Embeds); strings.Contains(txt, "draft") || strings.Contains(txt, "md~") {
		t.Errorf("a hidden or backup file was indexed: %s", txt)
	}
	if _, ok := waitLog(s.out, "reindexed", time.Second); !ok {
		t.Errorf("no reindex logged:\n%s", s.out)
	}
	if _, ok := waitLog(s.out, "path=pipe.md reason=\"a named pipe", time.Second); pipe && !ok {
		t.Errorf("the named pipe is not logged as skipped:\n%s", s.out)
	}
}

// sourcesHave polls /sources (not rate-limited) until it lists path.
func (s *served) sourcesHave(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		rep := s.answer(t, s.slash(t, "sources", nil, user("61")))
		if strings.Contains(fmt.Sprint(rep.Embeds), "`"+path+"`") {
			return
		}
	}
	t.Fatalf("%s was not indexed within 20 s; log:\n%s", path, s.out)
}

// TestServeWatchReplacedDirectory: a corpus directory moved away and
// replaced by a new one of its name, or removed and made again later, is
// watched again, and the new one indexed.
func TestServeWatchReplacedDirectory(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "wc")
	writeFile(t, filepath.Join(dir, "tea.md"), "# Tea\n\nThe Tea Board of Ruritania was founded in 1921 to regulate tea exports.\n")
	s := startGateway(t, map[string]string{"CASEBOT_CORPUS": dir, "CASEBOT_INDEX": filepath.Join(t.TempDir(), "index")},
		"--watch", "--watch-delay", "100ms")
	if _, ok := waitLog(s.out, "watching the corpus directory", 5*time.Second); !ok {
		t.Fatalf("not watching:\n%s", s.out)
	}

	// mv wc wc_old; mkdir wc; echo ... > wc/r.md
	if err := os.Rename(dir, filepath.Join(parent, "wc_old")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "r.md"), "# Rivers\n\nThe river Vltava flows through Prague.\n")
	s.sourcesHave(t, "r.md")

	// rm -r wc; later, mkdir wc again
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); strings.Count(s.out.String(), "was moved or removed") < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the removal was not noticed:\n%s", s.out)
		}
	}
	time.Sleep(2 * rewatchInterval) // looked for at least once in vain
	writeFile(t, filepath.Join(dir, "canals", "amsterdam.md"), "# Canals\n\nThe Herengracht canal was dug in 1612.\n")
	s.sourcesHave(t, "canals/amsterdam.md")
	writeFile(t, filepath.Join(dir, "canals", "utrecht.md"), "# Utrecht\n\nThe Oudegracht canal has wharf cellars.\n")
	s.sourcesHave(t, "canals/utrecht.md") // the new tree is watched

	if n := strings.Count(s.out.String(), "watching the corpus directory again"); n != 2 {
		t.Errorf("watched again %d times, want 2:\n%s", n, s.out)
	}
	if strings.Contains(s.out.String(), "level=ERROR") {
		t.Errorf("an error was logged:\n%s", s.out)
	}
}

// TestWatchRelevant: which changes make the watcher reindex.
func TestWatchRelevant(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "v1.2"), 0o755); err != nil {
		t.Fatal(err)
	}
	cw := &corpusWatcher{dir: dir}
	for _, c := range []struct {
		name string
		op   fsnotify.Op
		want bool
	}{
		{"notes.md", fsnotify.Write, true},
		{"notes.md", fsnotify.Create, true},
		{"sub/report.PDF", fsnotify.Create, true},
		{"terms.vocab", fsnotify.Write, true},
		{"v1.2", fsnotify.Create, true}, // a directory, though it has an extension
		{"gone", fsnotify.Remove, true}, // maybe a directory
		{"old.jpg", fsnotify.Rename, true},
		{"notes.md", fsnotify.Chmod, false},
		{"photo.jpg", fsnotify.Create, false},
		{".notes.md.tmp-123", fsnotify.Create, false}, // corpus.WriteFileAtomic's
		{".notes.md.removing", fsnotify.Rename, false},
		{".git/index", fsnotify.Write, false},
		{"sub/.hidden/notes.md", fsnotify.Write, false},
		{"notes.md~", fsnotify.Create, false},
		{"#notes.md#", fsnotify.Write, false},
		{"4913", fsnotify.Create, false},
		{".notes.md.swp", fsnotify.Write, false},
		{"report.pdf.part", fsnotify.Write, false},
	} {
		ev := fsnotify.Event{Name: filepath.Join(dir, filepath.FromSlash(c.name)), Op: c.op}
		if got := cw.relevant(ev); got != c.want {
			t.Errorf("%s %s: relevant %v, want %v", c.op, c.name, got, c.want)
		}
	}
}

// recordingIndexer counts the reindexes a watcher starts.
type recordingIndexer struct {
	mu    sync.Mutex
	calls int
}

func (u *recordingIndexer) Update(ctx context.Context, c *corpus.Corpus, opts index.Options) (index.Summary, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls++
	return index.Summary{}, nil
}

func (u *recordingIndexer) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls
}

// after waits until more than n reindexes have run, for up to 10 s.
func (u *recordingIndexer) after(n int) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if u.count() > n {
			return true
		}
	}
	return false
}

// startWatcher watches dir until the test ends, reindexing into a recorder.
func startWatcher(t *testing.T, dir string) (*recordingIndexer, *syncBuffer) {
	t.Helper()
	u := &recordingIndexer{}
	out := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w, err := newCorpusWatcher(dir, 50*time.Millisecond, bot.NewReindexer(u, dir, log), log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return u, out
}

// TestWatchLinkedCorpus: a corpus directory named through a symbolic link
// (a "current" link to a release), which the corpus reads through, is
// watched too; it had been walked as a file, so nothing was watched.
func TestWatchLinkedCorpus(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	release := filepath.Join(base, "docs-v1")
	writeFile(t, filepath.Join(release, "a.md"), "# A\n\nAlpha text here.\n")
	link := filepath.Join(base, "docs")
	if err := os.Symlink(release, link); err != nil {
		t.Fatal(err)
	}
	u, out := startWatcher(t, link)
	writeFile(t, filepath.Join(release, "b.md"), "# B\n\nBeta text here.\n")
	if !u.after(0) {
		t.Errorf("a file written into the linked corpus directory started no reindex; log:\n%s", out)
	}
}

// TestWatchRenamedDirectory: a directory renamed inside the corpus stays
// watched under its new name (inotify kept its watch, which fsnotify then
// dropped as the old name's).
func TestWatchRenamedDirectory(t *testing.T) {
	t.Parallel()
	for try := range 3 {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "sub", "a.md"), "# A\n\nAlpha text here.\n")
		u, out := startWatcher(t, dir)
		if err := os.Rename(filepath.Join(dir, "sub"), filepath.Join(dir, "sub2")); err != nil {
			t.Fatal(err)
		}
		if !u.after(0) {
			t.Fatalf("try %d: the rename started no reindex; log:\n%s", try, out)
		}
		time.Sleep(200 * time.Millisecond) // past the rename's events
		n := u.count()
		writeFile(t, filepath.Join(dir, "sub2", "b.md"), "# B\n\nBeta text here.\n")
		if !u.after(n) {
			t.Fatalf("try %d: a file written into the renamed directory started no reindex; log:\n%s", try, out)
		}
	}
}
