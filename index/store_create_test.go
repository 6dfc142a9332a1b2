package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/casebot/casebot/corpus"
)

// TestCreateConcurrently: processes started together to create one new
// store (casebot index, and ask on a first run) all succeed: the one
// that takes the lock first builds the index, and the others wait for it,
// then open what it built and bring it up to date (the tester saw all but
// one exit with "an index is already there", or "not a casebot index" when
// one looked while another wrote its marker).
func TestCreateConcurrently(t *testing.T) {
	if os.Getenv("CASEBOT_CREATE_CHILD") != "" {
		createChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	src := genCorpus(t, 50)
	for round := range 3 {
		store := filepath.Join(t.TempDir(), "idx")
		var wg sync.WaitGroup
		outs := make([]bytes.Buffer, 4)
		errs := make([]error, len(outs))
		for i := range outs {
			wg.Go(func() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestCreateConcurrently$")
				cmd.Env = append(os.Environ(), "CASEBOT_CREATE_CHILD=1", "CASEBOT_CREATE_STORE="+store, "CASEBOT_CREATE_SRC="+src)
				cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
				errs[i] = cmd.Run()
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, process %d: %v\n%s", round, i, err, outs[i].String())
			}
		}
		ix, err := Open(context.Background(), store)
		if err != nil {
			t.Fatalf("round %d: Open after the creators: %v", round, err)
		}
		if v := ix.Info().Version; v != 1 {
			t.Errorf("round %d: version %d, want 1: built once, then found up to date", round, v)
		}
		mustAnswer(t, ix, "alpha7", "alpha7")
		ix.Close()
	}
}

// createChild is a process of TestCreateConcurrently: it creates the store
// from the corpus and closes it. (The test asks its question afterwards:
// a process that holds the store past lockTimeout, as a slow question
// under the race detector does, is one the others rightly give up on.)
func createChild() {
	c, err := corpus.Load(context.Background(), os.DirFS(os.Getenv("CASEBOT_CREATE_SRC")), corpus.Options{})
	if err == nil {
		var ix *Index
		ix, _, err = Create(context.Background(), os.Getenv("CASEBOT_CREATE_STORE"), c, Options{})
		if err == nil {
			err = ix.Close()
		}
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestCreateBesideMarkerBeingWritten: a directory that holds only the
// temporary file of another Create's marker write is an empty one to
// Create, not a foreign directory.
func TestCreateBesideMarkerBeingWritten(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	mkfile(t, filepath.Join(dir, "."+markerName+".tmp-2718281828"), "")
	ix, _, err := Create(context.Background(), dir, loadDir(t, genCorpus(t, 3)), Options{})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	defer ix.Close()
	mustAnswer(t, ix, "alpha2", "alpha2")
}

// TestLockedSaysWho: a store that cannot be opened because another
// process has it says which kind of process: one that opened it for
// writing (the tester's second casebot ask was told "a running casebot
// serve or casebot index" while the first ask held it), or readers.
func TestLockedSaysWho(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	ix, _, err := Create(ctx, dir, loadDir(t, genCorpus(t, 3)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	for _, tc := range []struct {
		name      string
		holder    func(context.Context, string) (*Index, error)
		open      func(context.Context, string) (*Index, error)
		want, not string
	}{
		{"writer holds, writer asks", Open, Open, "opened it for writing (casebot serve or index, or casebot ask or search without --read-only)", "which opened it read-only"},
		{"writer holds, reader asks", Open, OpenReadOnly, "opened it for writing", "which opened it read-only"},
		{"reader holds, writer asks", OpenReadOnly, Open, "which opened it read-only (casebot ask, search or serve with --read-only)", "which opened it for writing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			held, err := tc.holder(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer held.Close()
			ix, err := tc.open(ctx, dir)
			if err == nil {
				ix.Close()
				t.Fatal("opened while held")
			}
			if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), tc.not) {
				t.Errorf("%v\nwant ErrLocked saying %q", err, tc.want)
			}
		})
	}
}
