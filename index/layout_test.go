package index

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/casebot/casebot/corpus"
)

func scanDir(t testing.TB, dir string) *corpus.Corpus {
	t.Helper()
	c, err := corpus.Scan(context.Background(), os.DirFS(dir), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestScannedCorpus builds and updates a store from a scanned corpus (its
// documents read as the build needs them): the same documents, skips and
// answers as from a loaded one.
func TestScannedCorpus(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) { writeFile(t, filepath.Join(dir, name), data) }
	write("good.md", "# Good\n\nThe quokka lives here.\n")
	write("other.md", "# Other\n\nThe numbat lives there.\n")
	write("binary.md", "\x00\x01\x02binary")
	write("nul.txt", "caf\x00\n")
	write("locked.md", "# Locked\n\nUnreadable.\n")
	for i := 0; i < 6; i++ {
		write(fmt.Sprintf("more%d.md", i), fmt.Sprintf("# More %d\n\nThe wombat number %d.\n", i, i))
	}
	fsys := errFS{os.DirFS(dir), map[string]error{"locked.md": fs.ErrPermission}}
	c, err := corpus.Scan(context.Background(), fsys, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := filepath.Join(t.TempDir(), "idx")
	ix, sum, err := Create(ctx, store, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	reasons := map[string]string{}
	for _, s := range sum.Skipped {
		reasons[s.Path] = s.Reason
	}
	for name, want := range map[string]string{"binary.md": "not a text file", "nul.txt": "not a text file", "locked.md": "permission denied"} {
		if !strings.Contains(reasons[name], want) {
			t.Errorf("%s: skipped with %q, want %q", name, reasons[name], want)
		}
	}
	if len(sum.Added) != 8 || sum.Added[0] != "good.md" || sum.Passages != 8 {
		t.Errorf("added %v, %d passages", sum.Added, sum.Passages)
	}
	mustAnswer(t, ix, "quokka", "quokka")

	// A changed document that no longer reads is removed; a new bad one is
	// only skipped; a dry run says so before.
	write("other.md", "caf\x00\n")
	write("new.md", "\x00")
	rescan := func() *corpus.Corpus {
		c, err := corpus.Scan(context.Background(), fsys, corpus.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	dry, err := ix.Update(ctx, rescan(), Options{DryRun: true})
	if err != nil || len(dry.Added) != 0 || len(dry.Changed) != 0 || strings.Join(dry.Removed, ",") != "other.md" {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	sum, err = ix.Update(ctx, rescan(), Options{})
	if err != nil || len(sum.Added) != 0 || len(sum.Changed) != 0 || strings.Join(sum.Removed, ",") != "other.md" || sum.Version != 2 {
		t.Fatalf("update: %+v %v", sum, err)
	}
	if a, _ := ix.Ask(ctx, "numbat", AskOptions{}); a.Answered {
		t.Errorf("the unreadable document is still answered from: %q", topText(a))
	}
	if docs := ix.Info().Docs; len(docs) != 7 || docs[0].Path != "good.md" {
		t.Errorf("manifest %+v", docs)
	}
}

// TestEngineVersionRebuild writes an index, then makes it look written by
// another engine version, and by the first layout: Open refuses it,
// OpenCorpus rebuilds it once (saying so) and serves the new one, and an
// interrupted rebuild leaves the old generation in place.
func TestEngineVersionRebuild(t *testing.T) {
	src := genCorpus(t, 40)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		age  func(bi bleve.Index)
		want string
	}{
		{"another engine", func(bi bleve.Index) {
			bi.SetInternal([]byte(keyEngine), []byte("L2.A0.0123456789ab"))
		}, "engine L2.A0.0123456789ab"},
		{"the first layout", func(bi bleve.Index) {
			bi.DeleteInternal([]byte(keyEngine))
			bi.SetInternal([]byte(keyDocPrefix+"d00001.md"), []byte(`{"text":"old"}`))
		}, "older layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := filepath.Join(t.TempDir(), "idx")
			ix, _, err := Create(ctx, store, loadDir(t, src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			ix.Close()
			agedGen := ageStore(t, store, tc.age)

			_, err = Open(ctx, store)
			if !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open of an aged index: %v, want ErrStale naming %q", err, tc.want)
			}
			// A dry run changes nothing.
			_, dry, err := OpenCorpus(ctx, store, scanDir(t, src), Options{DryRun: true})
			if err != nil || !dry.Full || dry.Rebuild == "" || len(dry.Added) != 40 {
				t.Fatalf("dry run: %+v %v", dry, err)
			}
			// An interrupted rebuild keeps the old generation, still refused.
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, _, err := OpenCorpus(cctx, store, scanDir(t, src), Options{}); err == nil {
				t.Fatal("OpenCorpus with a cancelled context: no error")
			}
			if cur := currentGen(t, store); cur != agedGen {
				t.Fatalf("after an interrupted rebuild CURRENT is %s, want %s", cur, agedGen)
			}
			if _, err := Open(ctx, store); !errors.Is(err, ErrStale) {
				t.Fatalf("after an interrupted rebuild Open: %v", err)
			}

			var logged []string
			ix, sum, err := OpenCorpus(ctx, store, scanDir(t, src), Options{Log: func(m string) { logged = append(logged, m) }})
			if err != nil {
				t.Fatal(err)
			}
			if !sum.Full || !strings.Contains(sum.Rebuild, tc.want) || sum.Version != 2 || sum.Previous != 1 || sum.Passages == 0 {
				t.Errorf("rebuild summary %+v", sum)
			}
			if len(logged) != 1 || !strings.Contains(logged[0], "rebuilding the index") {
				t.Errorf("log %q", logged)
			}
			mustAnswer(t, ix, "alpha3", "alpha3")
			ix.Close()
			if cur := currentGen(t, store); cur == agedGen {
				t.Errorf("CURRENT still names the aged generation %s", cur)
			}
			if _, err := os.Stat(filepath.Join(store, agedGen)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the aged generation is still there: %v", err)
			}
			// Rebuilt once: now it opens, and an update does nothing.
			ix, err = Open(ctx, store)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if ix.Info().Engine != engineVersion() {
				t.Errorf("engine %q, want %q", ix.Info().Engine, engineVersion())
			}
			if s, err := ix.Update(ctx, scanDir(t, src), Options{}); err != nil || s.Changes() {
				t.Errorf("update after the rebuild: %+v %v", s, err)
			}
		})
	}
}

// ageStore applies age to the current generation's bleve index and returns
// the generation's name.
func ageStore(t *testing.T, store string, age func(bleve.Index)) string {
	t.Helper()
	gen := currentGen(t, store)
	bi, err := openBleve(filepath.Join(store, gen), false)
	if err != nil {
		t.Fatal(err)
	}
	age(bi)
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	return gen
}

func currentGen(t *testing.T, store string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(store, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(raw))
}

// TestUpdateDurable kills a process right after its update returned: the
// update is on disk. (A generation is built with unsafe batches; the store
// must write its updates safely.)
func TestUpdateDurable(t *testing.T) {
	if os.Getenv("CASEBOT_DURABLE_CHILD") != "" {
		durableChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	src := genCorpus(t, 50)
	store := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	ix, _, err := Create(ctx, store, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	for round := 0; round < 3; round++ {
		marker := fmt.Sprintf("durable%d", round)
		os.WriteFile(filepath.Join(src, "d00010.md"), []byte(genDoc(10, marker)), 0o644)
		cmd := exec.Command(os.Args[0], "-test.run=^TestUpdateDurable$")
		cmd.Env = append(os.Environ(), "CASEBOT_DURABLE_CHILD=1", "CASEBOT_CRASH_STORE="+store, "CASEBOT_CRASH_SRC="+src)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if !strings.HasPrefix(line, "updated") {
			t.Fatalf("child said %q", line)
		}
		ix, err := Open(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		mustAnswer(t, ix, marker, marker)
		ix.Close()
	}
}

// durableChild updates the store, says so, and waits to be killed.
func durableChild() {
	ctx := context.Background()
	ix, err := Open(ctx, os.Getenv("CASEBOT_CRASH_STORE"))
	if err != nil {
		os.Exit(3)
	}
	c, err := corpus.Scan(ctx, os.DirFS(os.Getenv("CASEBOT_CRASH_SRC")), corpus.Options{})
	if err != nil {
		os.Exit(4)
	}
	if sum, err := ix.Update(ctx, c, Options{}); err != nil || sum.Analyzed != 1 {
		os.Exit(5)
	}
	fmt.Println("updated")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// TestOpenIsLazy checks that opening reads neither the manifest nor the
// word list: they are read the first time they are needed.
func TestOpenIsLazy(t *testing.T) {
	src := genCorpus(t, 30)
	store := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	ix, _, err := Create(ctx, store, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	st := ix.st
	if st.docList != nil || st.wordFST != nil || st.cache.lru != nil {
		t.Fatal("Open read the manifest, the word list or passages")
	}
	mustAnswer(t, ix, "alpha12", "alpha12")
	if st.docList != nil || st.wordFST != nil {
		t.Error("an answer without a correction read the manifest or the word list")
	}
	// A misspelt word that the corpus has ("generatd" for "generated").
	a, err := ix.Ask(ctx, "which document is generatd?", AskOptions{})
	if err != nil || len(a.Corrections) != 1 || a.Corrections[0].To != "generated" {
		t.Errorf("correction: %+v %v", a.Corrections, err)
	}
	if st.wordFST == nil {
		t.Error("a correction did not read the word list")
	}
	if docs := ix.Info().Docs; len(docs) != 30 || st.docList == nil {
		t.Errorf("Info: %d documents", len(docs))
	}
}

// TestCachesBounded answers questions that read more passages than the
// passage cache holds: it keeps the most recent ones only, and answers stay
// the same.
func TestCachesBounded(t *testing.T) {
	defer func(n int) { maxCachedPassages = n }(maxCachedPassages)
	maxCachedPassages = 20
	src := genCorpus(t, 60)
	ix, err := Build(context.Background(), loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for round := 0; round < 2; round++ {
		for i := 0; i < 60; i += 3 {
			mustAnswer(t, ix, fmt.Sprintf("which document is alpha%d?", i), fmt.Sprintf("alpha%d ", i))
		}
	}
	if n := ix.st.cache.cache().Len(); n > 20 {
		t.Errorf("passage cache holds %d passages, bound 20", n)
	}
}

// TestPreAnalysedFields checks that the documents of a build, whose text
// fields are analysed beforehand (docMaker), index exactly as the mapping
// alone would make them.
func TestPreAnalysedFields(t *testing.T) {
	c, err := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := newMapping()
	n := 0
	for _, d := range c.Docs {
		dm := newDocMaker(d, corpus.Split(d), 2026)
		for bd, ok := dm.next(); ok; bd, ok = dm.next() {
			pre, err := mapDoc(m, bd)
			if err != nil {
				t.Fatal(err)
			}
			plain := document.NewDocument(bd.ID)
			if err := m.MapDocument(plain, bd.Fields); err != nil {
				t.Fatal(err)
			}
			if len(pre.Fields) != len(plain.Fields) || len(pre.CompositeFields) != len(plain.CompositeFields) {
				t.Fatalf("%s: %d fields, plain %d", bd.ID, len(pre.Fields), len(plain.Fields))
			}
			// The mapping walks a map: match the fields by name, in order.
			byName := map[string][]document.Field{}
			for _, p := range pre.Fields {
				byName[p.Name()] = append(byName[p.Name()], p)
			}
			for _, f := range plain.Fields {
				p := byName[f.Name()][0]
				byName[f.Name()] = byName[f.Name()][1:]
				if p.Options().IsIndexed() {
					f.Analyze()
					p.Analyze()
				}
				if f.Options() != p.Options() || string(f.Value()) != string(p.Value()) ||
					f.AnalyzedLength() != p.AnalyzedLength() || !sameFreqs(f.AnalyzedTokenFrequencies(), p.AnalyzedTokenFrequencies()) {
					t.Errorf("%s field %s differs", bd.ID, f.Name())
				}
				n++
			}
		}
	}
	if n < 1000 {
		t.Errorf("compared %d fields only", n)
	}
}

func sameFreqs(a, b bleveindex.TokenFrequencies) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || string(x.Term) != string(y.Term) || x.Frequency() != y.Frequency() || !reflect.DeepEqual(x.Locations, y.Locations) {
			return false
		}
	}
	return true
}

// TestAnalyzeTokenTable checks the remembered analysis of tokens against
// the steps themselves, for every word of the embedded corpus and the
// English word list, twice over (the second time from the table).
func TestAnalyzeTokenTable(t *testing.T) {
	c, _ := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
	var words []string
	for _, d := range c.Docs {
		words = append(words, strings.Fields(d.Text)...)
	}
	words = append(words, englishWords()...)
	for round := 0; round < 2; round++ {
		for _, w := range words {
			norm, stemmed := analyzeToken([]byte(w))
			wantNorm := normalizeTerm([]byte(w))
			wantStem := ""
			if wantNorm != "" {
				wantStem = stem(wantNorm)
			}
			if norm != wantNorm || stemmed != wantStem {
				t.Fatalf("analyzeToken(%q) = %q, %q; want %q, %q", w, norm, stemmed, wantNorm, wantStem)
			}
			if got, want := britishToAmerican(strings.ToLower(w)), britishToAmericanAllRules(strings.ToLower(w)); got != want {
				t.Fatalf("britishToAmerican(%q) = %q, want %q", w, got, want)
			}
		}
	}
}

// britishToAmericanAllRules is britishToAmerican trying every rule.
func britishToAmericanAllRules(s string) string {
	best := -1
	for i, r := range spellingRules {
		if strings.HasSuffix(s, r.suffix) && len(s)-len(r.suffix) >= r.minStem {
			if best < 0 || len(r.suffix) > len(spellingRules[best].suffix) {
				best = i
			}
		}
	}
	if best < 0 {
		return s
	}
	r := spellingRules[best]
	return s[:len(s)-len(r.suffix)] + r.repl
}

// TestBuildStopsOnError: a failure while documents are prepared ahead
// stops the build at once, with the error, and leaves nothing running that
// holds it.
func TestBuildStopsOnError(t *testing.T) {
	src := genCorpus(t, 200)
	c := scanDir(t, src)
	m := newMapping()
	boom := errors.New("boom")
	n := 0
	done := make(chan error, 1)
	go func() {
		done <- prepareAll(context.Background(), c, c.Paths(), m, 2026, func(p prepared) error {
			n++
			if n == 3 {
				return boom
			}
			return nil
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, boom) || n != 3 {
			t.Errorf("prepareAll: %v after %d documents, want boom after 3", err, n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("prepareAll did not return after put failed")
	}
	// A cancelled build returns its context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Create(ctx, filepath.Join(t.TempDir(), "idx"), c, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Create with a cancelled context: %v", err)
	}
}

func TestHasWords(t *testing.T) {
	for _, s := range []string{"", "one", "one two three four five six seven", "one two three four five six seven eight",
		"  spaced\tout\nwords  here and there and more ", "a b c d e f g h i", "\u00a0non\u00a0breaking\u00a0spaces a b c d e f"} {
		for n := 0; n < 12; n++ {
			if got, want := hasWords(s, n), len(strings.Fields(s)) >= n; got != want {
				t.Errorf("hasWords(%q, %d) = %v, want %v", s, n, got, want)
			}
		}
	}
}

// TestPassageLengthStats checks the length statistics ranking compares a
// passage with (counted at build time into Info) against the dictionary
// itself: the postings and the distinct terms of the text field.
func TestPassageLengthStats(t *testing.T) {
	ix := embedded(t)
	st := ix.st
	d, err := st.bi.FieldDict(fieldText)
	if err != nil {
		t.Fatal(err)
	}
	terms, postings := 0, 0
	for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
		terms++
		postings += int(e.Count)
	}
	d.Close()
	if st.info.Terms != postings || st.info.DictTerms != terms {
		t.Errorf("Info: %d postings, %d terms; the dictionary has %d, %d", st.info.Terms, st.info.DictTerms, postings, terms)
	}
	n := float64(st.n)
	if st.avgLen != float64(postings)/n || st.avgShort != float64(terms)/n {
		t.Errorf("avgLen %v avgShort %v, want %v %v", st.avgLen, st.avgShort, float64(postings)/n, float64(terms)/n)
	}
	// An update keeps the postings exact, and the terms counted as the
	// dictionary keeps them (a removed document's until a merge).
	src := genCorpus(t, 30)
	ctx := context.Background()
	ix2, err := Build(ctx, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	os.WriteFile(filepath.Join(src, "d00003.md"), []byte(genDoc(3, "zanzibar")), 0o644)
	if _, err := ix2.Update(ctx, loadDir(t, src), Options{}); err != nil {
		t.Fatal(err)
	}
	fresh, err := Build(ctx, loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if a, b := ix2.Info(), fresh.Info(); a.Terms != b.Terms || a.DictTerms < b.DictTerms {
		t.Errorf("after an update: %d postings, %d terms; a fresh build %d, %d", a.Terms, a.DictTerms, b.Terms, b.DictTerms)
	}
}

// TestEachNear checks the automaton walk of the word list against trying
// every word of the same first byte: the same words within the edit limit,
// in the same order, for misspellings of the corpus's own words.
func TestEachNear(t *testing.T) {
	defer func(n int) { minAutomatonWords = n }(minAutomatonWords)
	minAutomatonWords = 0
	fst := embedded(t).st.wordList()
	if fst == nil {
		t.Fatal("no word list")
	}
	var words []string
	eachWord(fst, nil, func(w string) bool { words = append(words, w); return true })
	r := rand.New(rand.NewSource(3))
	letters := []rune("abcdefghijklmnopqrstuvwxyzé")
	tried := 0
	for i := 0; i < 3000; i++ {
		w := []rune(words[r.Intn(len(words))])
		switch r.Intn(4) { // one or two random edits
		case 0:
			w[r.Intn(len(w))] = letters[r.Intn(len(letters))]
		case 1:
			j := r.Intn(len(w) - 1)
			w[j], w[j+1] = w[j+1], w[j]
		case 2:
			j := r.Intn(len(w))
			w = append(w[:j], w[j+1:]...)
		case 3:
			j := r.Intn(len(w) + 1)
			w = append(w[:j], append([]rune{letters[r.Intn(len(letters))]}, w[j:]...)...)
		}
		q := string(w)
		limit := maxEdits(utf8.RuneCountInString(q))
		if limit == 0 {
			continue
		}
		tried++
		var want, got []string
		eachWord(fst, []byte(q[:1]), func(c string) bool {
			if c[0] != q[0] {
				return false
			}
			if editDistance(q, c, limit) <= limit {
				want = append(want, c)
			}
			return true
		})
		eachNear(fst, q, limit, func(c string) bool {
			if editDistance(q, c, limit) <= limit {
				got = append(got, c)
			}
			return true
		})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q (limit %d): automaton %v, every word %v", q, limit, got, want)
		}
	}
	if tried < 1000 {
		t.Errorf("only %d misspellings tried", tried)
	}
}

// TestDocWordsCompactsRarely: a document of many distinct words (a
// Markdown file with a base64 data: image, a 5 MB blob) sorts its word list
// a number of times that grows with the logarithm of its words, not once a
// passage: sorting a list of every word so far after each passage took
// "casebot index" 8 minutes for such a file of 5 MB. The list still holds
// each word of the document, and no other.
func TestDocWordsCompactsRarely(t *testing.T) {
	word := func(n int) string { // "wxxx...": letters only, four or more
		b := []byte("w")
		for ; n > 0 || len(b) < 4; n /= 26 {
			b = append(b, byte('a'+n%26))
		}
		return string(b)
	}
	var dw docWords
	want := map[string]bool{}
	const passages, perPassage = 2000, 50
	for p := range passages {
		var text []string
		for i := range perPassage {
			w := word(p*perPassage + i)
			if i%10 == 0 {
				w = word(i) // a few words every passage repeats
			}
			want[w] = true
			text = append(text, w)
		}
		dw.add(strings.Join(text, " "))
	}
	if dw.compactions > 20 {
		t.Errorf("the word list was compacted %d times for %d passages", dw.compactions, passages)
	}
	got := map[string]bool{}
	for _, w := range dw.list {
		got[w] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("the list holds %d distinct words, want %d", len(got), len(want))
	}
}
