package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/gofrs/flock"

	"github.com/casebot/casebot/corpus"
)

// An index on disk is a store: a directory holding generations of the bleve
// index and a pointer to the current one.
//
//	DIR/LOCK           held (flock) by the one process that has the store open
//	DIR/CURRENT        the name of the current generation, e.g. "gen-000003"
//	DIR/gen-000003/    a scorch index; its manifest lives in its internal store
//	DIR/gen-000004.tmp a full rebuild in progress
//
// An update of a few documents is one batch in the current generation. A full
// rebuild writes the next generation beside it, then renames it into place,
// points CURRENT at it (write and rename, so the pointer is never half
// written), and removes the old one. A crash at any point leaves CURRENT on a
// complete generation; Open removes whatever else it finds.
type store struct {
	dir  string
	gen  int
	lock *flock.Flock
}

// ErrLocked is returned when another process has the store open.
var ErrLocked = errors.New("the index is in use by another casebot process (a running casebot serve or casebot index); stop it, or reindex from Discord with /reindex")

// ErrNoIndex is returned by Open for a directory that holds no index.
var ErrNoIndex = errors.New("no index here")

// lockTimeout is how long Open and Create wait for another process to let go.
const lockTimeout = 2 * time.Second

func genName(gen int) string { return fmt.Sprintf("gen-%06d", gen) }

func (s *store) path(gen int) string { return filepath.Join(s.dir, genName(gen)) }

// Create builds a new store in dir (created if missing; it must not hold an
// index already) from a corpus.
func Create(ctx context.Context, dir string, c *corpus.Corpus, opts Options) (*Index, Summary, error) {
	registerAnalysis()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, Summary{}, fmt.Errorf("create index %s: %w", dir, err)
	}
	s := &store{dir: dir}
	if err := s.acquire(); err != nil {
		return nil, Summary{}, err
	}
	if _, err := os.Stat(filepath.Join(dir, "CURRENT")); err == nil {
		s.release()
		return nil, Summary{}, fmt.Errorf("create index %s: an index is already there", dir)
	}
	s.cleanup()
	ix := &Index{store: s}
	sum, err := ix.buildGeneration(ctx, c, opts, 1, max(opts.Version, 1), time.Now())
	if err != nil {
		s.release()
		return nil, sum, err
	}
	return ix, sum, nil
}

// Open opens the store in dir.
func Open(ctx context.Context, dir string) (*Index, error) {
	registerAnalysis()
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("open index %s: %w", dir, ErrNoIndex)
	}
	s := &store{dir: dir}
	if err := s.acquire(); err != nil {
		return nil, err
	}
	gen, err := s.current()
	if err != nil {
		s.release()
		return nil, err
	}
	s.gen = gen
	s.cleanup()
	bi, err := openBleve(s.path(gen))
	if err != nil {
		s.release()
		return nil, err
	}
	st, err := load(bi)
	if err != nil {
		bi.Close()
		s.release()
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return &Index{st: st, store: s}, nil
}

// Exists reports whether dir holds a store.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "CURRENT"))
	return err == nil
}

func openBleve(path string) (bleve.Index, error) {
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"bolt_timeout": lockTimeout.String()})
	if err != nil {
		if err.Error() == "timeout" {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return bi, nil
}

// acquire takes the store's lock, waiting up to lockTimeout. The lock is
// flock(2) on Unix and LockFileEx on Windows (gofrs/flock), held per open
// file, so a second Open in the same process is refused as well.
func (s *store) acquire() error {
	l := flock.New(filepath.Join(s.dir, "LOCK"), flock.SetPermissions(0o644))
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := l.TryLockContext(ctx, 50*time.Millisecond)
	if ok {
		s.lock = l
		return nil
	}
	l.Close()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("lock index %s: %w", s.dir, err)
	}
	return ErrLocked
}

func (s *store) release() {
	if s.lock != nil {
		s.lock.Unlock()
		s.lock = nil
	}
}

// current reads the CURRENT pointer.
func (s *store) current() (int, error) {
	raw, err := os.ReadFile(filepath.Join(s.dir, "CURRENT"))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("open index %s: %w", s.dir, ErrNoIndex)
	}
	if err != nil {
		return 0, fmt.Errorf("open index %s: %w", s.dir, err)
	}
	name := strings.TrimSpace(string(raw))
	gen, err := strconv.Atoi(strings.TrimPrefix(name, "gen-"))
	if err != nil || !strings.HasPrefix(name, "gen-") {
		return 0, fmt.Errorf("open index %s: CURRENT names %q, not a generation", s.dir, name)
	}
	if _, err := os.Stat(s.path(gen)); err != nil {
		return 0, fmt.Errorf("open index %s: current generation: %w", s.dir, err)
	}
	return gen, nil
}

// cleanup removes unfinished builds and old generations: everything named
// like a generation but the current one.
func (s *store) cleanup() {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, "gen-") || n == genName(s.gen) {
			continue
		}
		os.RemoveAll(filepath.Join(s.dir, n))
	}
	os.Remove(filepath.Join(s.dir, "CURRENT.tmp"))
}

// setCurrent points CURRENT at a generation, atomically.
func (s *store) setCurrent(gen int) error {
	return writeFileAtomic(filepath.Join(s.dir, "CURRENT"), strings.NewReader(genName(gen)+"\n"))
}

// writeFileAtomic writes a file through a temporary file beside it, synced
// and renamed into place, so that readers see the old content or the new,
// and a failed write (a full disk) leaves the old content and no debris.
func writeFileAtomic(path string, r io.Reader) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteFileAtomic is writeFileAtomic for the layers above: storing a
// document that an admin adds.
func WriteFileAtomic(path string, r io.Reader) error { return writeFileAtomic(path, r) }

// rebuild builds the whole corpus beside the current index and swaps it in.
func (ix *Index) rebuild(ctx context.Context, c *corpus.Corpus, opts Options, version int, start time.Time) (Summary, error) {
	if ix.store == nil {
		bi, sum, err := buildNew(ctx, "", c, opts, version)
		if err != nil {
			return sum, err
		}
		return ix.swapIn(bi, sum, start)
	}
	return ix.buildGeneration(ctx, c, opts, ix.store.gen+1, version, start)
}

// buildGeneration writes generation gen of the store, numbered version,
// points CURRENT at it and swaps it in.
func (ix *Index) buildGeneration(ctx context.Context, c *corpus.Corpus, opts Options, gen, version int, start time.Time) (Summary, error) {
	s := ix.store
	tmp := s.path(gen) + ".tmp"
	os.RemoveAll(tmp)
	bi, sum, err := buildNew(ctx, tmp, c, opts, version)
	if err != nil {
		os.RemoveAll(tmp)
		return sum, err
	}
	// Scorch keeps its path, so close before the rename and open after.
	if err := bi.Close(); err != nil {
		os.RemoveAll(tmp)
		return sum, fmt.Errorf("write index: %w", err)
	}
	if err := os.Rename(tmp, s.path(gen)); err != nil {
		os.RemoveAll(tmp)
		return sum, fmt.Errorf("write index: %w", err)
	}
	if bi, err = openBleve(s.path(gen)); err != nil {
		os.RemoveAll(s.path(gen))
		return sum, err
	}
	if err := s.setCurrent(gen); err != nil {
		bi.Close()
		os.RemoveAll(s.path(gen))
		return sum, fmt.Errorf("write index: %w", err)
	}
	old := s.gen
	s.gen = gen
	sum, err = ix.swapIn(bi, sum, start)
	if err == nil && old != 0 && old != gen {
		os.RemoveAll(s.path(old))
	}
	return sum, err
}

// swapIn makes a freshly built bleve index the current one and closes the
// one it replaces; searches in flight finish on the old one first.
func (ix *Index) swapIn(bi bleve.Index, sum Summary, start time.Time) (Summary, error) {
	st, err := load(bi)
	if err != nil {
		bi.Close()
		return sum, err
	}
	ix.mu.Lock()
	old := ix.st
	ix.st = st
	ix.mu.Unlock()
	if old != nil {
		old.bi.Close()
	}
	sum.Version = st.info.Version
	sum.Passages = st.info.Passages
	sum.Took = time.Since(start)
	return sum, nil
}
