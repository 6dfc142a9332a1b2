//go:build unix

package bot

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/casebot/casebot/index"
)

// TestReindexerSkipsNamedPipe: a named pipe in the corpus directory is
// skipped with the reason, the rest reindexed, and the Reindexer is free
// for the next run; with its deadline passed, a reindex stops and says so.
func TestReindexerSkipsNamedPipe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tea.md"), []byte("# Tea\n\nThe Tea Board of Ruritania was founded in 1921.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ix := dirIndex(t, dir)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rivers.md"), []byte("# Rivers\n\nThe Vltava flows through Prague.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	x := NewReindexer(ix, dir, nil)
	type result struct {
		sum index.Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := x.Reindex(ctx, "/reindex by alice", index.Options{})
		done <- result{sum, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the reindex hung on a named pipe")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !slices.Contains(r.sum.Added, "rivers.md") || len(r.sum.Skipped) != 1 || r.sum.Skipped[0].Path != "pipe.md" {
		t.Errorf("added %v, skipped %+v; want rivers.md added and pipe.md skipped", r.sum.Added, r.sum.Skipped)
	}

	expired, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	_, err := x.Reindex(expired, "/reindex by bob", index.Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a reindex past its deadline: %v", err)
	}
	b, _ := newTestBot(t, Options{})
	if msg := errorReply(b.reindexError(err)).Content; !strings.Contains(msg, "took longer than") {
		t.Errorf("the admin is told %q", msg)
	}
	if _, err := x.Reindex(ctx, "the corpus watcher", index.Options{}); err != nil {
		t.Errorf("the next reindex: %v", err)
	}
}
