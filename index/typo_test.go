package index

import (
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	long := strings.Repeat("informatization", 3) // longer than shortWord: the rows are allocated
	cases := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"stage", "stage", 2, 0},
		{"stge", "stage", 2, 1},   // a letter left out
		{"satge", "stage", 2, 1},  // two swapped
		{"stagee", "stage", 2, 1}, // one added
		{"stoge", "stage", 2, 1},  // one replaced
		{"egovernment", "government", 2, 1},
		{"whn", "when", 1, 1},
		{"koneps", "kisa", 1, 2}, // past the limit: limit + 1
		{"café", "cafe", 1, 1},   // runes, not bytes
		{"", "abc", 3, 3},
		{long, long + "s", 2, 1},
		{long, strings.Replace(long, "za", "az", 1), 2, 1},
		{long + "abc", long, 1, 2},
	}
	for _, c := range cases {
		if got := editDistance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}
