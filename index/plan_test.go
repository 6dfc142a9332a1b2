package index

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// A capital letter names something ("the class P"), so it is a concept and
// finds its passage; a small one ("e" of "e-mail") is not.
func TestCapitalLetterIsAConcept(t *testing.T) {
	ctx := t.Context()
	fsys := fstest.MapFS{"complexity.md": {Data: []byte("# Complexity classes\n\n" +
		"A decision problem can be solved by many algorithms, and the class of problems solved in polynomial time is large.\n\n" +
		"Several complexity classes lie between L and P, such as NL and NC.\n\n" +
		"Electronic mail, or e-mail, carries messages between complexity theorists.\n")}}
	ix := buildFS(t, fsys)
	st := ix.st
	words := func(q string) []string {
		var out []string
		for _, c := range st.plan(q).concepts {
			out = append(out, c.word)
		}
		return out
	}
	if got := words("Which complexity classes lie between L and P?"); !contains(got, "L") || !contains(got, "P") {
		t.Errorf("concepts %q: want L and P among them", got)
	}
	if got := words("What is an e-mail?"); contains(got, "e") {
		t.Errorf("concepts %q: a small letter is not a concept", got)
	}
	p := st.plan("What is between L and P?")
	ranked, err := st.retrieve(ctx, p, ix.scoring(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer putCandidates(ranked)
	if len(ranked) == 0 || !strings.Contains(ranked[0].text, "between L and P") {
		t.Errorf("the passage naming L and P is not first: %+v", ranked)
	}
}
