package bot

import (
	"fmt"
	"strings"
	"testing"
)

func TestRef(t *testing.T) {
	t.Parallel()
	short := "What was stage 1?"
	long := strings.Repeat("very long question ", 10)
	for _, c := range []struct {
		prefix, text, key, want string
	}{
		{"share:", short, "123", "share:=" + short},
		{"more:a:1:", long, "123", "more:a:1:#123"},
		{"ctx:", "notes/stages.md#012", "123", "ctx:=notes/stages.md#012"},
		{"fb:y:", strings.Repeat("é", 94), "9", "fb:y:=" + strings.Repeat("é", 94)}, // 100 characters, more bytes
	} {
		got := ref(c.prefix, c.text, c.key)
		if got != c.want {
			t.Errorf("ref(%q, %q) = %q, want %q", c.prefix, c.text, got, c.want)
		}
		if n := len([]rune(got)); n > 100 {
			t.Errorf("%q is %d long", got, n)
		}
	}
}

func TestStateCache(t *testing.T) {
	t.Parallel()
	c := newCache[state](3)
	for i := range 5 {
		c.put(fmt.Sprint(i), state{Question: fmt.Sprint("q", i)})
	}
	if _, ok := c.get("0"); ok {
		t.Error("oldest entry kept past the bound")
	}
	c.get("2") // 2 is now the most recent
	c.put("5", state{Question: "q5"})
	if _, ok := c.get("3"); ok {
		t.Error("least recently used entry kept")
	}
	if st, ok := c.get("2"); !ok || st.Question != "q2" {
		t.Error("recently used entry evicted")
	}
	for _, r := range []struct {
		ref            string
		q              string
		inline, exists bool
	}{
		{"=What?", "What?", true, true},
		{"#5", "q5", false, true},
		{"#0", "", false, false},
		{"=", "", true, false},
		{"junk", "", false, false},
	} {
		st, inline, ok := resolve(c, r.ref)
		if st.Question != r.q || inline != r.inline || ok != r.exists {
			t.Errorf("resolve(%q) = %q %v %v", r.ref, st.Question, inline, ok)
		}
	}
	c.put("", state{Question: "no key"})
	if _, ok := c.get(""); ok {
		t.Error("an empty key was stored")
	}
}
