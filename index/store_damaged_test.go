package index

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/casebot/casebot/corpus"
)

// TestOpenDamagedIndex: an index whose files were damaged on disk (the
// tester flipped bytes in a segment, cut one short, deleted one, emptied
// root.bolt) is refused with ErrDamaged, saying how to rebuild it, by Open
// and OpenReadOnly alike; nothing panics, and no damaged segment is read by
// a question.
func TestOpenDamagedIndex(t *testing.T) {
	ctx := context.Background()
	c, err := corpus.Load(ctx, corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	built := filepath.Join(t.TempDir(), "idx")
	ix, _, err := Create(ctx, built, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()

	// flip xors n bytes of a file, at places a seed picks.
	flip := func(seed int64, n int) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewSource(seed))
			for range n {
				b[r.Intn(len(b))] ^= byte(1 + r.Intn(255))
			}
			writeFile(t, path, string(b))
		}
	}
	truncate := func(size int64) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			if err := os.Truncate(path, size); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(t *testing.T, path string) {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
	const largest, smallest = "largest.zap", "smallest.zap"
	for _, tc := range []struct {
		name, file string // file: a segment, or a path in the generation
		damage     func(t *testing.T, path string)
	}{
		{"50 bytes flipped, seed 1", largest, flip(1, 50)},
		{"50 bytes flipped, seed 2", largest, flip(2, 50)},
		{"50 bytes flipped, seed 3", largest, flip(3, 50)},
		{"50 bytes flipped, seed 4", largest, flip(4, 50)},
		{"one byte flipped", largest, flip(5, 1)},
		{"small segment flipped", smallest, flip(6, 5)},
		{"segment cut short", largest, truncate(100000)},
		{"segment cut to two bytes", smallest, truncate(2)},
		{"segment deleted", smallest, remove},
		{"root.bolt emptied", "store/root.bolt", truncate(0)},
		{"index_meta.json emptied", "index_meta.json", truncate(0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "idx")
			copyTree(t, built, dir)
			gens, _ := filepath.Glob(filepath.Join(dir, "gen-*"))
			if len(gens) != 1 {
				t.Fatalf("generations %v, want one", gens)
			}
			path := filepath.Join(gens[0], tc.file)
			if tc.file == largest || tc.file == smallest {
				segs := segmentsBySize(t, gens[0])
				path = segs[len(segs)-1]
				if tc.file == smallest {
					path = segs[0]
				}
			}
			tc.damage(t, path)
			for _, open := range []struct {
				name string
				f    func(context.Context, string) (*Index, error)
			}{{"Open", Open}, {"OpenReadOnly", OpenReadOnly}} {
				ix, err := open.f(ctx, dir)
				if err == nil {
					// Without the check the question reads the damage (and
					// may panic, failing the test as well).
					_, askErr := ix.Ask(ctx, "what was stage 2?", AskOptions{})
					ix.Close()
					t.Fatalf("%s of a damaged index: no error (Ask: %v), want ErrDamaged", open.name, askErr)
				}
				if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "casebot index --full") || !strings.Contains(err.Error(), dir) {
					t.Errorf("%s: %v, want ErrDamaged naming the directory and how to rebuild", open.name, err)
				}
			}
			// An update refuses it; a full rebuild, as the message advises,
			// rebuilds it from the corpus.
			if _, _, err := OpenCorpus(ctx, dir, c, Options{}); !errors.Is(err, ErrDamaged) {
				t.Errorf("OpenCorpus: %v, want ErrDamaged", err)
			}
			ix, sum, err := OpenCorpus(ctx, dir, c, Options{Full: true})
			if err != nil {
				t.Fatalf("OpenCorpus with Full: %v", err)
			}
			defer ix.Close()
			if sum.Rebuild == "" {
				t.Errorf("summary %+v: want it to say why it was rebuilt", sum)
			}
			mustAnswer(t, ix, "what was stage 2?", "1996")
		})
	}

	// The undamaged index opens, twice (the check leaves no lock behind).
	for range 2 {
		ix, err := Open(ctx, built)
		if err != nil {
			t.Fatalf("Open of the undamaged index: %v", err)
		}
		mustAnswer(t, ix, "what was stage 2?", "Stage 2")
		ix.Close()
	}
}

// segmentsBySize lists the segment files a generation's snapshot holds,
// smallest first. The store directory may hold others: a merge that
// finished writing its segment after the index was closed, which scorch
// removes at the next open for writing.
func segmentsBySize(t *testing.T, gen string) []string {
	t.Helper()
	bi, err := openBleve(gen, true)
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var segs []string
	sizes := map[string]int64{}
	for _, ss := range r.(*scorch.IndexSnapshot).Segments() {
		p := ss.Segment().(interface{ Path() string }).Path()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, p)
		sizes[p] = fi.Size()
	}
	if len(segs) == 0 {
		t.Fatalf("no segments in %s", gen)
	}
	slices.SortFunc(segs, func(a, b string) int { return cmp.Compare(sizes[a], sizes[b]) })
	return segs
}

// copyTree copies the regular files and directories under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDamagedCurrent: an index whose CURRENT is empty (a crash), or names a
// generation that is not there, is damaged: Open says so and how to rebuild
// it, and OpenCorpus with Full ("casebot index --full") rebuilds it, where
// both had failed with no way out but deleting the directory by hand. A
// directory that is not an index but has a CURRENT of its own (LevelDB's)
// is neither rebuilt nor touched.
func TestDamagedCurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := corpus.Load(ctx, corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, damage := range []struct {
		name string
		do   func(dir string) error
	}{
		{"empty CURRENT", func(dir string) error { return os.WriteFile(filepath.Join(dir, "CURRENT"), nil, 0o644) }},
		{"generation gone", func(dir string) error { return os.RemoveAll(filepath.Join(dir, "gen-000001")) }},
		{"CURRENT names another", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("gen-000009\n"), 0o644)
		}},
	} {
		t.Run(damage.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "idx")
			ix, _, err := Create(ctx, dir, c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ix.Close()
			if err := damage.do(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(ctx, dir); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "--full") {
				t.Errorf("Open: %v, want ErrDamaged and how to rebuild", err)
			}
			ix, sum, err := OpenCorpus(ctx, dir, c, Options{Full: true})
			if err != nil {
				t.Fatalf("OpenCorpus with Full: %v", err)
			}
			defer ix.Close()
			if sum.Rebuild != "damaged" || len(sum.Added) != len(c.Paths()) {
				t.Errorf("rebuild %q, %d documents added; want damaged, %d", sum.Rebuild, len(sum.Added), len(c.Paths()))
			}
			if a, err := ix.Ask(ctx, "What was stage 1?", AskOptions{}); err != nil || !a.Answered {
				t.Errorf("the rebuilt index does not answer: %v %+v", err, a)
			}
		})
	}
	t.Run("a directory of another program's", func(t *testing.T) {
		dir := t.TempDir()
		for name, text := range map[string]string{"CURRENT": "MANIFEST-000001\n", "000001.log": "x"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := OpenCorpus(ctx, dir, c, Options{Full: true}); err == nil || errors.Is(err, ErrDamaged) {
			t.Errorf("OpenCorpus: %v, want a refusal that is not damage", err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 2 {
			t.Errorf("the directory was changed: %v", ents)
		}
	})
}
