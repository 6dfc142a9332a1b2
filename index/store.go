package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/gofrs/flock"

	"github.com/casebot/casebot/corpus"
)

// An index on disk is a store: a directory holding generations of the bleve
// index and a pointer to the current one.
//
//	DIR/CASEBOT-INDEX  the marker: this directory is a casebot index
//	DIR/LOCK           held (flock) by the one process that has the store open
//	DIR/CURRENT        the name of the current generation, e.g. "gen-000003"
//	DIR/gen-000003/    a scorch index, with its manifest and documents (records.go)
//	DIR/gen-000004.tmp a full rebuild in progress
//
// An update of a few documents is one batch in the current generation. A full
// rebuild writes the next generation beside it, then renames it into place,
// points CURRENT at it (write and rename, so the pointer is never half
// written), and removes the old one. A crash at any point leaves CURRENT on a
// complete generation; Open removes the debris: old generations, unfinished
// builds and temporary files, matched by their exact names (ownedName), so
// nothing else in the directory is ever touched. The store writes only into
// an empty directory or one with its marker, and refuses any other. Open
// checks the current generation's segments against their checksums before
// anything reads them, and refuses a damaged one (ErrDamaged).
//
// A store opened read-only (OpenReadOnly, or Open on a directory it cannot
// write) writes nothing at all: no LOCK, no cleanup. It shares the lock with
// other readers when a LOCK file is there, and cannot be updated.
type store struct {
	dir      string
	gen      int
	lock     *flock.Flock
	readOnly bool
}

// ErrLocked is returned when another process has the store open; the error
// wrapping it says whether a writer or readers have it (acquire).
var ErrLocked = errors.New("the index is in use by another casebot process")

// ErrNoIndex is returned by Open for a directory that holds no index.
var ErrNoIndex = errors.New("no index here")

// ErrNotIndexDir is returned by Create for a directory that holds other
// things than a casebot index: the store would delete what it takes for its
// own debris, so it writes nothing there.
var ErrNotIndexDir = errors.New("the directory is not empty and is not a casebot index (it has no " + markerName +
	" file), so casebot writes and deletes nothing in it; give the index a new or empty directory")

// ErrReadOnly is returned by Update on an index opened read-only.
var ErrReadOnly = errors.New("the index is open read-only (its directory is not writable, or it was opened read-only); it cannot be updated")

// markerName is the file that makes a directory a store.
const markerName = "CASEBOT-INDEX"

const markerText = "This directory is a casebot index. casebot removes its own old generations (gen-NNNNNN)\n" +
	"and temporary files here, and nothing else; keep other files elsewhere.\n"

// ownedRe matches every name the store writes besides the marker, LOCK and
// CURRENT: generations, unfinished builds, the temporary files of an atomic
// write (writeFileAtomic's ".NAME.tmp-N") and CURRENT.tmp of older versions.
var ownedRe = regexp.MustCompile(`^(gen-[0-9]{6,}(\.tmp)?|CURRENT\.tmp|\.(CURRENT|` + regexp.QuoteMeta(markerName) + `)\.tmp-[0-9]+)$`)

// lockTimeout is how long Open and Create wait for another process to let go.
const lockTimeout = 2 * time.Second

func genName(gen int) string { return fmt.Sprintf("gen-%06d", gen) }

func (s *store) path(gen int) string { return filepath.Join(s.dir, genName(gen)) }

// Create builds a new store in dir from a corpus. dir is created if missing;
// it must be empty, or a store that holds no index yet (ErrNotIndexDir).
// Processes started together may all create one store: while another
// builds its first generation, Create waits (as long as ctx lets it), then
// opens the index built and brings it up to date with c, as OpenCorpus does.
func Create(ctx context.Context, dir string, c *corpus.Corpus, opts Options) (*Index, Summary, error) {
	registerAnalysis()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, Summary{}, fmt.Errorf("create index %s: %w", dir, err)
	}
	s := &store{dir: dir}
	if err := s.claim(); err != nil {
		return nil, Summary{}, err
	}
	// While there is no CURRENT, the lock's holder is building the first
	// generation: wait for it, and once it is there, for the holder to let
	// go (a serve keeps it: ErrLocked then).
	building := !Exists(dir)
	err := s.acquire()
	for errors.Is(err, ErrLocked) && building && ctx.Err() == nil {
		building = !Exists(dir)
		err = s.acquire()
	}
	if err != nil {
		return nil, Summary{}, err
	}
	if Exists(dir) {
		s.release()
		return OpenCorpus(ctx, dir, c, opts)
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

// Open opens the store in dir. When dir cannot be written (a read-only
// mount, a baked image), the store is opened read-only (see OpenReadOnly).
func Open(ctx context.Context, dir string) (*Index, error) {
	if _, err := (&store{dir: dir}).current(); err == nil && !writable(dir) {
		return OpenReadOnly(ctx, dir)
	}
	return open(dir, false)
}

// OpenReadOnly opens the store in dir for answering only, writing nothing
// to it: replicas can share one baked, read-only index. Update fails with
// ErrReadOnly.
func OpenReadOnly(ctx context.Context, dir string) (*Index, error) {
	return open(dir, true)
}

func open(dir string, readOnly bool) (*Index, error) {
	registerAnalysis()
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("open index %s: %w", dir, ErrNoIndex)
	}
	s := &store{dir: dir, readOnly: readOnly}
	// Nothing is written (no LOCK, no marker) until dir is known to hold a
	// store.
	if _, err := s.current(); err != nil {
		return nil, err
	}
	if !readOnly {
		// An index written before the marker existed is adopted.
		if err := s.mark(); err != nil {
			return nil, err
		}
	}
	if err := s.acquire(); err != nil {
		return nil, err
	}
	// Another process may have rebuilt the store before the lock was ours.
	gen, err := s.current()
	if err != nil {
		s.release()
		return nil, err
	}
	s.gen = gen
	if !readOnly {
		s.cleanup()
	}
	bi, err := openGeneration(s.path(gen), readOnly)
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

// ReadOnly reports whether the index was opened read-only.
func (ix *Index) ReadOnly() bool { return ix.store != nil && ix.store.readOnly }

// writable reports whether this process may create files in dir (for
// root, only a read-only mount says no): it makes one, of a name the store
// owns, and removes it.
func writable(dir string) bool {
	f, err := os.CreateTemp(dir, "."+markerName+".tmp-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// openGeneration opens the current generation of a store after checking
// it (checkSegments). The check runs on the generation opened read-only:
// opened for writing, scorch starts merging segments at once, and a
// damaged segment read by a merge panics where nothing can recover it.
func openGeneration(path string, readOnly bool) (bleve.Index, error) {
	bi, err := openBleve(path, true)
	if err != nil {
		return nil, err
	}
	if err := checkSegments(bi); err != nil {
		bi.Close()
		return nil, damaged(path, err)
	}
	if readOnly {
		return bi, nil
	}
	if err := bi.Close(); err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return openBleve(path, false)
}

// openBleve opens a generation's bleve index. Every batch written to it
// waits until it is on disk (a generation is built with unsafe batches,
// which its index_meta.json records and this overrides). An index bleve
// cannot open, or panics on while opening it (zap trusts the offsets its
// files hold), is damaged.
func openBleve(path string, readOnly bool) (bi bleve.Index, err error) {
	cfg := map[string]interface{}{"bolt_timeout": lockTimeout.String(), "unsafe_batch": false}
	if readOnly {
		cfg["read_only"] = true
	}
	defer func() {
		if r := recover(); r != nil {
			bi, err = nil, damaged(path, fmt.Errorf("unreadable: %v", r))
		}
	}()
	bi, err = bleve.OpenUsing(path, cfg)
	switch {
	case err == nil:
		return bi, nil
	case err.Error() == "timeout":
		return nil, fmt.Errorf("open index %s: %w", path, ErrLocked)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return nil, damaged(path, err)
}

// ErrDamaged is returned by Open for an index whose files are damaged: a
// segment that fails its checksum, a file cut short or missing.
var ErrDamaged = errors.New("the index is damaged")

// damaged is ErrDamaged for the generation at path, with what is wrong and
// what to do.
func damaged(path string, why error) error {
	dir := filepath.Dir(path)
	return fmt.Errorf("open index %s: %w (%s: %v): rebuild it with casebot index --full --corpus DIR --index %s",
		dir, ErrDamaged, filepath.Base(path), why, dir)
}

// checkSegments checks the segment files of an index's latest snapshot
// against the CRC-32 zap writes at their end, over all that comes before
// it: zap reads its files trusting the offsets in them, so that a flipped
// byte would otherwise panic in a search, or return wrong text. Scorch
// opens the latest snapshot it can load, falling back on an older one
// with a line in the log when a segment is missing or cut short; the
// latest is loaded here to catch that too.
func checkSegments(bi bleve.Index) error {
	adv, err := bi.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	epochs, err := sc.RootBoltSnapshotEpochs()
	if err != nil || len(epochs) == 0 {
		return err
	}
	snap, err := sc.LoadSnapshot(epochs[0])
	if err != nil {
		return fmt.Errorf("its latest snapshot: %w", err)
	}
	defer snap.Close()
	for _, ss := range snap.Segments() {
		if seg, ok := ss.Segment().(interface{ Path() string }); ok {
			if err := checkSegment(seg.Path()); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSegment checks one zap file's CRC-32.
func checkSegment(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < 4 {
		return fmt.Errorf("segment %s is cut short", filepath.Base(path))
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.LimitReader(f, fi.Size()-4)); err != nil {
		return err
	}
	var want [4]byte
	if _, err := io.ReadFull(f, want[:]); err != nil {
		return err
	}
	if h.Sum32() != binary.BigEndian.Uint32(want[:]) {
		return fmt.Errorf("segment %s fails its checksum", filepath.Base(path))
	}
	return nil
}

// claim makes dir a store for Create: a store already (its marker, or an
// index of an older casebot without one) or an empty directory gets the
// marker; anything else is refused before anything is written.
func (s *store) claim() error {
	marked := func() bool {
		_, err := os.Stat(filepath.Join(s.dir, markerName))
		return err == nil
	}
	if marked() {
		return nil
	}
	if _, err := s.current(); err == nil {
		return s.mark()
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("create index %s: %w", s.dir, err)
	}
	for _, e := range entries {
		// Another Create writing the marker is not a foreign file, and one
		// that has written it since the check above wrote it first.
		if !markerTmpRe.MatchString(e.Name()) && !marked() {
			return fmt.Errorf("index directory %s: %w", s.dir, ErrNotIndexDir)
		}
	}
	return s.mark()
}

// CheckDir reports, writing nothing, whether Create would build in dir:
// nil for a directory that is missing, empty or a store, ErrNotIndexDir
// for one that holds other things (what a dry run says Create would do).
func CheckDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("index directory %s: %w", dir, err)
	}
	foreign := false
	for _, e := range entries {
		if n := e.Name(); n == markerName || n == "CURRENT" {
			return nil
		} else if !markerTmpRe.MatchString(n) {
			foreign = true
		}
	}
	if foreign {
		return fmt.Errorf("index directory %s: %w", dir, ErrNotIndexDir)
	}
	return nil
}

// markerTmpRe matches the temporary file of the marker's atomic write.
var markerTmpRe = regexp.MustCompile(`^\.` + regexp.QuoteMeta(markerName) + `\.tmp-[0-9]+$`)

// mark writes the marker, unless it is there.
func (s *store) mark() error {
	p := filepath.Join(s.dir, markerName)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := writeFileAtomic(p, strings.NewReader(markerText)); err != nil {
		// Another process wrote it too, and removed this one's temporary
		// file as its debris (cleanup) before it was renamed.
		if _, serr := os.Stat(p); serr == nil {
			return nil
		}
		return fmt.Errorf("index directory %s: %w", s.dir, err)
	}
	return nil
}

// acquire takes the store's lock, waiting up to lockTimeout. The lock is
// flock(2) on Unix and LockFileEx on Windows (gofrs/flock), held per open
// file, so a second Open in the same process is refused as well. A
// read-only store takes it shared, on a LOCK it opens for reading and never
// creates: without one, no writer has ever opened the store. When the lock
// stays taken, the error says by whom: a writer, or readers.
func (s *store) acquire() error {
	opts := []flock.Option{flock.SetPermissions(0o644)}
	if s.readOnly {
		if _, err := os.Stat(filepath.Join(s.dir, "LOCK")); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		opts = append(opts, flock.SetFlag(os.O_RDONLY))
	}
	l := flock.New(filepath.Join(s.dir, "LOCK"), opts...)
	try := l.TryLockContext
	if s.readOnly {
		try = l.TryRLockContext
	}
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := try(ctx, 50*time.Millisecond)
	if ok {
		s.lock = l
		return nil
	}
	l.Close()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("lock index %s: %w", s.dir, err)
	}
	if s.readOnly || !s.sharedNow() {
		return fmt.Errorf("%w, which opened it for writing (casebot serve or index, or casebot ask or search without --read-only): "+
			"wait for it to finish or stop it (a running casebot serve reindexes its corpus on /reindex)", ErrLocked)
	}
	// No writer has it: readers do, or its holder has just let go.
	l = flock.New(filepath.Join(s.dir, "LOCK"), opts...)
	if ok, _ := l.TryLock(); ok {
		s.lock = l
		return nil
	}
	return fmt.Errorf("%w, which opened it read-only (casebot ask, search or serve with --read-only): "+
		"it cannot be opened for writing until every such process has finished", ErrLocked)
}

// sharedNow reports whether the lock can be shared at this moment: a
// writer holds it alone, readers share it.
func (s *store) sharedNow() bool {
	l := flock.New(filepath.Join(s.dir, "LOCK"), flock.SetFlag(os.O_RDONLY))
	defer l.Close()
	ok, _ := l.TryRLock()
	return ok
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
		return 0, s.badCurrent(fmt.Errorf("CURRENT names %q, not a generation", name))
	}
	if _, err := os.Stat(s.path(gen)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, s.badCurrent(fmt.Errorf("CURRENT names %s, which is missing", genName(gen)))
		}
		return 0, fmt.Errorf("open index %s: current generation: %w", s.dir, err)
	}
	return gen, nil
}

// badCurrent is a CURRENT that names no generation there. In a directory
// the store marked it is damage (ErrDamaged), which "casebot index --full"
// rebuilds; in any other, nothing of it is the store's to rebuild.
func (s *store) badCurrent(why error) error {
	if _, err := os.Stat(filepath.Join(s.dir, markerName)); err == nil {
		return fmt.Errorf("open index %s: %w (%v): rebuild it with casebot index --full --corpus DIR --index %s", s.dir, ErrDamaged, why, s.dir)
	}
	return fmt.Errorf("open index %s: %v", s.dir, why)
}

// cleanup removes what a crash left: unfinished builds, old generations
// and temporary files, every name the store writes (ownedRe) but the
// current generation. Other names are not the store's, and stay.
func (s *store) cleanup() {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		n := e.Name()
		if !ownedRe.MatchString(n) || n == genName(s.gen) {
			continue
		}
		os.RemoveAll(filepath.Join(s.dir, n))
	}
}

// setCurrent points CURRENT at a generation, atomically.
func (s *store) setCurrent(gen int) error {
	return writeFileAtomic(filepath.Join(s.dir, "CURRENT"), strings.NewReader(genName(gen)+"\n"))
}

// writeFileAtomic writes a file so that readers see the old content or the
// new, never a part (corpus.WriteFileAtomic).
func writeFileAtomic(path string, r io.Reader) error { return corpus.WriteFileAtomic(path, r) }

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
	if bi, err = openBleve(s.path(gen), false); err != nil {
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
