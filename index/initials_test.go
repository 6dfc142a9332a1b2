package index

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestInitialismsOf(t *testing.T) {
	text := []string{
		"New York City is large. In New York City, the Bank of America stands.",
		"The Bank of America opened in New York City's harbour; Saint Pierre and Miquelon Islands Overseas Territory Board met once.",
		"Quebec City once, and the Bank of America again.",
	}
	var cs corpusPassages
	for _, s := range text {
		cs = append(cs, corpusPassage{Text: s})
	}
	got := map[string]Initialism{}
	for _, in := range initialismsOf(cs.passages()) {
		got[in.Short] = in
	}
	want := map[string]Initialism{
		"NYC": {Short: "NYC", Long: "New York City", N: 3},
		"BA":  {Short: "BA", Long: "Bank of America", N: 3},
		"BOA": {Short: "BOA", Long: "Bank of America", N: 3},
	}
	// "Quebec City" stands once; the run of six capitalised words is no name.
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// wikiArticles reads training articles into a file system for Build.
func wikiArticles(t *testing.T, names ...string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "wiki-train", "corpus", n))
		if err != nil {
			t.Fatal(err)
		}
		fsys[n] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// A question that writes a name's initials finds the name: the New York City
// article never writes "NYC", and the one other passage that does ("Roseland
// NYC Live", of the Kanye West article) does not answer.
func TestInitialsFindTheName(t *testing.T) {
	ix := buildFS(t, wikiArticles(t, "new-york-city.md", "kanye-west.md"))
	for _, q := range []string{"How many people live in NYC?", "what is the population of nyc"} {
		a, err := ix.Ask(context.Background(), q, AskOptions{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Citations) == 0 || a.Citations[0].Source != "new-york-city.md" {
			t.Errorf("%q: cited %v, want new-york-city.md first", q, sources(a))
		}
	}
	if !askOf(ix, "How many people live in NYC?").Answered {
		t.Error("the question about NYC was declined")
	}
}

func sources(a Answer) []string {
	var out []string
	for _, c := range a.Citations {
		out = append(out, c.Source)
	}
	return out
}

func askOf(ix *Index, q string) Answer {
	ans, _ := ix.Ask(context.Background(), q, AskOptions{K: 3})
	return ans
}

// Initials the corpus writes more often than the name mean what the corpus
// uses them for: no rule joins them to the name.
func TestInitialsTheCorpusUses(t *testing.T) {
	ix := buildFS(t, fstest.MapFS{
		"ferry.md": {Data: []byte("# Ferries\n\nThe NYC Ferry runs boats.\n\nNYC Ferry tickets cost little.\n\nThe NYC Ferry has six routes.\n")},
		"city.md":  {Data: []byte("# Cities\n\nNew York City is large.\n\nNew York City has five boroughs.\n")},
	})
	for _, c := range ix.st.plan("when does the NYC Ferry run?").concepts {
		if c.alts[0].terms[0] == "nyc" && len(c.alts) > 1 {
			t.Errorf("nyc has alternatives %v; the corpus writes NYC in three passages, the name in two", c.alts)
		}
	}
	// Written in two passages more, the name is what the initials stand for.
	ix = buildFS(t, fstest.MapFS{
		"ferry.md": {Data: []byte("# Ferries\n\nThe NYC Ferry runs boats.\n")},
		"city.md":  {Data: []byte("# Cities\n\nNew York City is large.\n\nNew York City has five boroughs.\n\nNew York City is old.\n")},
	})
	found := false
	for _, c := range ix.st.plan("when does the NYC Ferry run?").concepts {
		for _, a := range c.alts {
			found = found || strings.Join(a.terms, " ") == "new york citi"
		}
	}
	if !found {
		t.Error("NYC does not find New York City, which the corpus writes in three passages against one")
	}
}

// An update that adds a document adds its names: the record of initials is
// written again from every document kept.
func TestInitialsAfterUpdate(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	arts := wikiArticles(t, "new-york-city.md", "kanye-west.md")
	write := func(name string) {
		if err := os.WriteFile(filepath.Join(src, name), arts[name].Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("kanye-west.md")
	ix, _, err := Create(ctx, filepath.Join(t.TempDir(), "idx"), loadDir(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	write("new-york-city.md")
	if _, err := ix.Update(ctx, loadDir(t, src), Options{}); err != nil {
		t.Fatal(err)
	}
	got := askOf(ix, "How many people live in NYC?")
	if len(got.Citations) == 0 || got.Citations[0].Source != "new-york-city.md" {
		t.Errorf("after the update, cited %v, want new-york-city.md first", sources(got))
	}
}
