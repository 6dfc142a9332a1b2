package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/casebot/casebot/corpus"
)

// genWords is the vocabulary generated documents are written in: the
// embedded corpus's words, so that they analyse like real text.
var genWords = sync.OnceValue(func() []string {
	c, _ := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
	seen := map[string]bool{}
	var out []string
	for _, d := range c.Docs {
		for _, w := range strings.Fields(d.Text) {
			w = strings.Trim(w, ".,:;()\"'“”’-#*|")
			if len(w) > 2 && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
})

// genDoc writes document i of a generated corpus: a title, two sections and
// a few paragraphs, with "marker" naming the document so a test can find it.
func genDoc(i int, marker string) string {
	r := rand.New(rand.NewSource(int64(i)))
	words := genWords()
	para := func(n int) string {
		ws := make([]string, n)
		for j := range ws {
			ws[j] = words[r.Intn(len(words))]
		}
		return strings.Join(ws, " ") + "."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Generated document %d\nkind: note\n---\n\n# Generated document %d\n\n", i, i)
	fmt.Fprintf(&b, "This document %s is number %d of the generated corpus.\n\n", marker, i)
	fmt.Fprintf(&b, "## Section 1\n\n%s\n\n- %s\n- %s\n", para(40), para(10), para(10))
	return b.String()
}

// genCorpus writes n generated documents into a new directory.
func genCorpus(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		name := filepath.Join(dir, fmt.Sprintf("d%05d.md", i))
		if err := os.WriteFile(name, []byte(genDoc(i, fmt.Sprintf("alpha%d", i))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadDir(t testing.TB, dir string) *corpus.Corpus {
	t.Helper()
	c, err := corpus.Load(context.Background(), os.DirFS(dir), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustAnswer(t testing.TB, ix *Index, q, want string) {
	t.Helper()
	a, err := ix.Ask(context.Background(), q, AskOptions{})
	if err != nil {
		t.Fatalf("Ask(%q): %v", q, err)
	}
	if !a.Answered || !strings.Contains(a.Citations[0].Text, want) {
		t.Fatalf("Ask(%q): answered=%v, top %q; want %q", q, a.Answered, topText(a), want)
	}
}

func TestUpdateIncremental(t *testing.T) {
	src := genCorpus(t, 1000)
	store := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	ix, sum, err := Create(ctx, store, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if sum.Analyzed != 1000 || len(sum.Added) != 1000 || sum.Version != 1 {
		t.Fatalf("first build: %+v", sum)
	}

	// Change one document, add one, remove one.
	os.WriteFile(filepath.Join(src, "d00500.md"), []byte(genDoc(500, "zeppelin")), 0o644)
	os.WriteFile(filepath.Join(src, "new.md"), []byte("# New\n\nThe walrus document is new.\n"), 0o644)
	os.Remove(filepath.Join(src, "d00007.md"))

	dry, err := ix.Update(ctx, loadDir(t, src), Options{DryRun: true})
	if err != nil || !dry.DryRun || dry.Analyzed != 0 || len(dry.Changed) != 1 || ix.Info().Version != 1 {
		t.Fatalf("dry run: %+v %v (version %d)", dry, err, ix.Info().Version)
	}
	sum, err = ix.Update(ctx, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Analyzed != 2 || sum.Full || sum.Unchanged != 998 ||
		strings.Join(sum.Changed, ",") != "d00500.md" || strings.Join(sum.Added, ",") != "new.md" ||
		strings.Join(sum.Removed, ",") != "d00007.md" || sum.Version != 2 {
		t.Fatalf("update: %+v", sum)
	}
	mustAnswer(t, ix, "zeppelin", "zeppelin")
	mustAnswer(t, ix, "walrus document", "walrus")
	if a, _ := ix.Ask(ctx, "alpha500", AskOptions{}); a.Answered {
		t.Errorf("the changed document's old text is still found: %q", topText(a))
	}
	if a, _ := ix.Ask(ctx, "alpha7", AskOptions{}); a.Answered {
		t.Errorf("the removed document is still found: %q", topText(a))
	}
	// Nothing changed: nothing analysed, the version stays.
	if sum, _ := ix.Update(ctx, loadDir(t, src), Options{}); sum.Analyzed != 0 || sum.Version != 2 {
		t.Errorf("no-op update: %+v", sum)
	}
	// The store reopens with the update.
	ix.Close()
	ix, err = Open(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, ix, "zeppelin", "zeppelin")
	if ix.Info().Version != 2 || len(ix.Info().Docs) != 1000 {
		t.Errorf("reopened: version %d, %d docs", ix.Info().Version, len(ix.Info().Docs))
	}
}

func TestFullRebuildSwapsGenerations(t *testing.T) {
	src := genCorpus(t, 20)
	store := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	ix, _, err := Create(ctx, store, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sum, err := ix.Update(ctx, loadDir(t, src), Options{Full: true})
	if err != nil || !sum.Full || sum.Analyzed != 20 || sum.Version != 2 {
		t.Fatalf("full rebuild: %+v %v", sum, err)
	}
	entries, _ := os.ReadDir(store)
	var gens []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "gen-") {
			gens = append(gens, e.Name())
		}
	}
	cur, _ := os.ReadFile(filepath.Join(store, "CURRENT"))
	if len(gens) != 1 || strings.TrimSpace(string(cur)) != gens[0] {
		t.Errorf("generations %v, CURRENT %q", gens, cur)
	}
	mustAnswer(t, ix, "alpha3", "alpha3")
}

func TestStoreLock(t *testing.T) {
	store := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	ix, _, err := Create(ctx, store, loadDir(t, genCorpus(t, 3)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, store)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	ix.Close()
	ix2, err := Open(ctx, store)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	ix2.Close()
	if _, err := Open(ctx, t.TempDir()); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Open of an empty dir: %v", err)
	}
}

// TestAskDuringSwaps runs askers while the index is updated and rebuilt
// 24 times; every question must get an answer that quotes its document.
func TestAskDuringSwaps(t *testing.T) {
	src := genCorpus(t, 30)
	store := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	ix, _, err := Create(ctx, store, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var stop atomic.Bool
	var asked, failed atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				a, err := ix.Ask(ctx, fmt.Sprintf("which document is alpha%d?", 24+(g*7+i)%6), AskOptions{})
				asked.Add(1)
				if err != nil || !a.Answered || ix.checkCitation(a.Citations[0]) != "" {
					failed.Add(1)
					t.Errorf("ask during swap: err %v answered %v", err, a.Answered)
					return
				}
			}
		}(g)
	}
	swaps := 0
	for i := 0; i < 24; i++ {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("d%05d.md", i)), []byte(genDoc(i, fmt.Sprintf("round%d", i))), 0o644)
		sum, err := ix.Update(ctx, loadDir(t, src), Options{Full: i%4 == 3})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Changes() {
			swaps++
		}
	}
	stop.Store(true)
	wg.Wait()
	if swaps < 20 || failed.Load() > 0 || asked.Load() < 20 {
		t.Errorf("%d swaps, %d questions, %d failed", swaps, asked.Load(), failed.Load())
	}
	mustAnswer(t, ix, "round23", "round23")
}

// TestCrashDuringReindex kills a child process in the middle of rebuilding
// and of updating the store, then opens it: the last good index answers and
// the debris is gone.
func TestCrashDuringReindex(t *testing.T) {
	if os.Getenv("CASEBOT_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	src := genCorpus(t, 600)
	store := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	ix, _, err := Create(ctx, store, loadDir(t, genCorpus(t, 5)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	for i, delay := range []time.Duration{30 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		mode := []string{"full", "update"}[i%2]
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringReindex$")
		cmd.Env = append(os.Environ(), "CASEBOT_CRASH_CHILD="+mode, "CASEBOT_CRASH_STORE="+store, "CASEBOT_CRASH_SRC="+src)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		ix, err := Open(ctx, store)
		if err != nil {
			t.Fatalf("after a kill at %v (%s): %v", delay, mode, err)
		}
		a, err := ix.Ask(ctx, "which document is alpha3?", AskOptions{})
		if err != nil || !a.Answered {
			t.Fatalf("after a kill at %v (%s): answered %v, %v", delay, mode, a.Answered, err)
		}
		if why := ix.checkCitation(a.Citations[0]); why != "" {
			t.Fatalf("after a kill: %s", why)
		}
		ix.Close()
		entries, _ := os.ReadDir(store)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				// Open cleans up; a kill after Open's cleanup may leave a new one
				// only until the next Open.
				t.Logf("debris %s (removed at the next Open)", e.Name())
			}
		}
	}
}

// crashChild is the process TestCrashDuringReindex kills: it opens the store
// and rebuilds or updates it from a large corpus until killed.
func crashChild() {
	ctx := context.Background()
	ix, err := Open(ctx, os.Getenv("CASEBOT_CRASH_STORE"))
	if err != nil {
		os.Exit(3)
	}
	c, err := corpus.Load(context.Background(), os.DirFS(os.Getenv("CASEBOT_CRASH_SRC")), corpus.Options{})
	if err != nil {
		os.Exit(4)
	}
	_, err = ix.Update(ctx, c, Options{Full: os.Getenv("CASEBOT_CRASH_CHILD") == "full"})
	if err != nil {
		os.Exit(5)
	}
	ix.Close()
	os.Exit(0)
}

// errFS fails on chosen files: it lists them but cannot read them, like a
// file deleted or made unreadable while the corpus is being indexed.
type errFS struct {
	fs.FS
	fail map[string]error
}

func (e errFS) Open(name string) (fs.File, error) {
	if err, ok := e.fail[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return e.FS.Open(name)
}

func TestUpdateBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) { writeFile(t, filepath.Join(dir, name), string(data)) }
	write("good.md", []byte("# Good\n\nThe quokka lives here.\n"))
	write("same-title.md", []byte("# Good\n\nThe numbat lives here.\n"))
	write("binary.md", []byte("\x00\x01\x02binary"))
	write("latin1.txt", []byte("The caf\xe9 sells cr\xe8me br\xfbl\xe9e.\n"))
	write("empty.md", nil)
	write("big.md", []byte(strings.Repeat("big ", 100)))
	write("bad-yaml.md", []byte("---\ntitle: [oops\n---\ntext\n"))
	write("gone.md", []byte("# Gone\n\nDeleted while indexing.\n"))
	write("locked.md", []byte("# Locked\n\nUnreadable.\n"))
	os.Symlink("loop-b.md", filepath.Join(dir, "loop-a.md"))
	os.Symlink("loop-a.md", filepath.Join(dir, "loop-b.md"))
	os.Symlink("/etc/passwd", filepath.Join(dir, "outside.md"))
	fsys := errFS{os.DirFS(dir), map[string]error{"gone.md": fs.ErrNotExist, "locked.md": fs.ErrPermission}}
	c, err := corpus.Load(context.Background(), fsys, corpus.Options{MaxBytes: 200})
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(t.TempDir(), "idx")
	ix, sum, err := Create(context.Background(), store, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	reasons := map[string]string{}
	for _, s := range sum.Skipped {
		reasons[s.Path] = s.Reason
	}
	for name, want := range map[string]string{
		"binary.md": "not a text file", "empty.md": "no text",
		"big.md": "larger than", "bad-yaml.md": "front matter", "gone.md": "not exist",
		"locked.md": "permission denied", "loop-a.md": "symbolic link", "outside.md": "symbolic link",
	} {
		if !strings.Contains(reasons[name], want) {
			t.Errorf("%s: skipped with %q, want %q", name, reasons[name], want)
		}
	}
	if len(sum.Added) != 3 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], `share the title "Good"`) {
		t.Errorf("added %v, warnings %v", sum.Added, sum.Warnings)
	}
	mustAnswer(t, ix, "quokka", "quokka")
	mustAnswer(t, ix, "What does the café sell?", "crème brûlée") // Latin-1, read as such
	mustAnswer(t, ix, "numbat", "numbat")
}

// A file of a scanned corpus (as casebot serves one) that will not parse
// is left out once: the next update neither
// reads it again nor counts it as added (a corpus with one broken file was
// rebuilt in full at every start), and it is indexed when it is fixed.
func TestUpdateRemembersSkippedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) { writeFile(t, filepath.Join(dir, name), text) }
	write("good.md", "# Good\n\nThe quokka lives here.\n")
	write("bad-yaml.md", "---\ntitle: [oops\n---\nThe wombat digs burrows.\n")
	write("binary.md", "\x00\x01\x02binary")
	ix, load := indexOfDir(t, dir)
	update := func() Summary {
		t.Helper()
		sum, err := ix.Update(context.Background(), load(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	sum := update()
	if sum.Changes() || sum.Full || sum.Version != 1 || len(sum.Skipped) != 2 || sum.Unchanged != 1 {
		t.Errorf("update of an unchanged corpus: %+v, want no changes, version 1, two files skipped", sum)
	}
	write("bad-yaml.md", "---\ntitle: Wombats\n---\nThe wombat digs burrows.\n")
	sum = update()
	if !slices.Contains(sum.Added, "bad-yaml.md") || len(sum.Skipped) != 1 {
		t.Errorf("after the fix: added %v, skipped %v", sum.Added, sum.Skipped)
	}
	mustAnswer(t, ix, "wombat", "wombat")
	write("good.md", "\x00broken")
	sum = update()
	if !slices.Equal(sum.Removed, []string{"good.md"}) || len(sum.Skipped) != 2 {
		t.Errorf("a document broken: removed %v, skipped %v", sum.Removed, sum.Skipped)
	}
	if sum = update(); sum.Changes() || len(sum.Skipped) != 2 {
		t.Errorf("then unchanged: %+v", sum)
	}
}

// An update that changes so much of the corpus that the index is rebuilt in
// full says what changed, as its dry run does, not that every document was
// added.
func TestUpdateRebuiltSaysWhatChanged(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) { writeFile(t, filepath.Join(dir, name), text) }
	write("a.md", "# A\n\nThe quokka lives on an island.\n")
	write("b.md", "# B\n\nThe wombat digs burrows.\n")
	write("c.md", "# C\n\nThe platypus lays eggs.\n")
	ix, load := indexOfDir(t, dir)
	for _, name := range []string{"b.md", "c.md"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("a.md", "# A\n\nThe quokka smiles.\n")
	write("d.md", "# D\n\nThe echidna has spines.\n")
	dry, err := ix.Update(context.Background(), load(), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ix.Update(context.Background(), load(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Full || !dry.Full {
		t.Fatalf("full rebuild: dry run %v, update %v; want both", dry.Full, sum.Full)
	}
	for _, s := range []Summary{dry, sum} {
		if !slices.Equal(s.Added, []string{"d.md"}) || !slices.Equal(s.Changed, []string{"a.md"}) || !slices.Equal(s.Removed, []string{"b.md", "c.md"}) {
			t.Errorf("dry run %v: added %v, changed %v, removed %v; want d.md, a.md, b.md and c.md", s.DryRun, s.Added, s.Changed, s.Removed)
		}
	}
	mustAnswer(t, ix, "echidna", "echidna")
}

// indexOfDir indexes a corpus directory as casebot serves one (scanned),
// in a temporary store closed when the test ends, and returns the index
// with a function that scans the directory again.
func indexOfDir(t *testing.T, dir string) (*Index, func() *corpus.Corpus) {
	t.Helper()
	load := func() *corpus.Corpus {
		c, err := corpus.Scan(context.Background(), os.DirFS(dir), corpus.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ix, _, err := Create(context.Background(), filepath.Join(t.TempDir(), "idx"), load(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, load
}

// writeFile writes a test's file, failing the test if it cannot.
func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// embeddedInBatches is the embedded corpus written to a store in batches of
// seven passages: in several segments, as a store is just after a build
// (embedded builds it at once).
func embeddedInBatches(t *testing.T) *Index {
	t.Helper()
	ctx := context.Background()
	c, err := corpus.Load(ctx, corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, _, err := Create(ctx, filepath.Join(t.TempDir(), "idx"), c, Options{Version: 1, Now: 2026, BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestScoresNotBySegments checks that an index written in many batches, in
// several segments as a store is just after a build, scores as the same
// corpus built at once: bleve counts a field's terms segment by segment, and
// a question's years are searched in a field of their own, so a question
// naming a year was answered otherwise right after a build than once the
// index was reopened (and its segments merged).
func TestScoresNotBySegments(t *testing.T) {
	whole, parts := embedded(t), embeddedInBatches(t)
	years, err := dictSize(parts.st.bi, fieldYears)
	if err != nil {
		t.Fatal(err)
	}
	if got := parts.st.bi.(passageIndex).stats.FieldCardinality[fieldYears]; got != years {
		t.Errorf("years field counted as %d terms, its dictionary holds %d", got, years)
	}
	sameAnswers(t, whole, parts, "built at once", "in segments", "What happened in 2010?", "what was korea's rank in the 2004 un survey?",
		"Which stage covers 1998?", "what did the government do between 2008 and 2012", "When was KONEPS launched?")
}

// sameAnswers checks that two indexes (told apart in messages by how each
// was made) answer each question with the same confidence and the same
// citations at the same scores.
func sameAnswers(t *testing.T, a, b *Index, howA, howB string, questions ...string) {
	t.Helper()
	ctx := context.Background()
	for _, q := range questions {
		ra, err := a.Ask(ctx, q, AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.Ask(ctx, q, AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ra.Confidence != rb.Confidence || len(ra.Citations) != len(rb.Citations) {
			t.Errorf("%q: confidence %v with %d citations %s, %v with %d %s",
				q, ra.Confidence, len(ra.Citations), howA, rb.Confidence, len(rb.Citations), howB)
			continue
		}
		for i, ca := range ra.Citations {
			if cb := rb.Citations[i]; ca.ID != cb.ID || ca.Score != cb.Score {
				t.Errorf("%q: citation %d is %s at %v %s, %s at %v %s", q, i, ca.ID, ca.Score, howA, cb.ID, cb.Score, howB)
			}
		}
	}
}

// TestUpdateScoresAsBuild checks that an index updated in place (a document
// changed, another removed) scores as the same corpus built afresh: bleve
// keeps a changed document's old passages in its segments, marked deleted,
// until they are merged away, and its dictionaries count them meanwhile.
func TestUpdateScoresAsBuild(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	if err := os.CopyFS(src, corpus.Default()); err != nil {
		t.Fatal(err)
	}
	ix, _, err := Create(ctx, filepath.Join(t.TempDir(), "idx"), loadDir(t, src), Options{Version: 1, Now: 2026, BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	stages := filepath.Join(src, "notes", "stages.md")
	raw, err := os.ReadFile(stages)
	if err != nil {
		t.Fatal(err)
	}
	more := "\n\nA seventh stage, after the pandemic, is what the government calls its quantum plan.\n"
	if err := os.WriteFile(stages, append(raw, more...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(src, "notes", "glossary.md")); err != nil {
		t.Fatal(err)
	}
	if sum, err := ix.Update(ctx, loadDir(t, src), Options{Now: 2026}); err != nil || len(sum.Changed) != 1 || len(sum.Removed) != 1 || sum.Full {
		t.Fatalf("update: %+v %v", sum, err)
	}
	fresh, err := Build(ctx, loadDir(t, src), Options{Version: 1, Now: 2026})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()

	got, want := ix.st, fresh.st
	if got.info.DictTerms != want.info.DictTerms || got.n != want.n || got.avgLen != want.avgLen {
		t.Errorf("updated: %d terms, %d passages, %v long; built: %d, %d, %v",
			got.info.DictTerms, got.n, got.avgLen, want.info.DictTerms, want.n, want.avgLen)
	}
	for term, n := range want.dfAll {
		if got.dfAll[term] != n {
			t.Errorf("document frequency of %q: %d updated, %d built", term, got.dfAll[term], n)
		}
	}
	if len(got.dfAll) != len(want.dfAll) {
		t.Errorf("%d terms updated, %d built", len(got.dfAll), len(want.dfAll))
	}
	gs, ws := got.bi.(passageIndex).stats, want.bi.(passageIndex).stats
	for _, f := range scoredFields {
		if gs.FieldCardinality[f] != ws.FieldCardinality[f] {
			t.Errorf("field %s: %d terms updated, %d built", f, gs.FieldCardinality[f], ws.FieldCardinality[f])
		}
	}
	sameAnswers(t, fresh, ix, "built", "updated", "What was stage 1?", "what does the government budget system do",
		"Which stage covers 1998?", "what is a digital budget and accounting system", "Who led e-government?")
}
