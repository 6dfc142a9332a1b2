package index

import (
	"strings"
	"testing"
)

func TestSurfaceWords(t *testing.T) {
	text := "In May 1987, the Normans' 3 ships (Rouen) sailed on; Émile counted twelve sailings in the 1980s, " +
		"as in the 10th and 11th centuries, not the 5th."
	written, words := surfaceSplit(text), surfaceWords(text)
	if len(written) != len(words) {
		t.Fatalf("%d words, %d read", len(written), len(words))
	}
	kinds := map[string]uint8{}
	stems := map[string]string{}
	for i, w := range words {
		lower := strings.ToLower(written[i])
		kinds[lower] = w.kind
		stems[lower] = w.stem
	}
	for word, want := range map[string]uint8{
		"in":     0,
		"may":    surfaceYear, // a month
		"1987":   surfaceYear | surfaceNumber,
		"3":      surfaceNumber,
		"twelve": surfaceNumber,
		"1980s":  surfaceYear | surfaceNumber, // a decade
		"10th":   surfaceYear | surfaceNumber, // a century
		"11th":   surfaceYear | surfaceNumber,
		"5th":    surfaceNumber, // a rank
		"émile":  0,             // a Latin letter with a diacritic is a letter: one word
		"the":    0,
	} {
		if kinds[word] != want {
			t.Errorf("%q: kind %b, want %b", word, kinds[word], want)
		}
	}
	for word, want := range map[string]string{"sailed": "sail", "sailings": "sail", "émile": "émile", "ships": "ship", "counted": "count", "normans": "norman", "in": "in"} {
		if stems[word] != want {
			t.Errorf("%q: stem %q, want %q", word, stems[word], want)
		}
	}
}

// TestNearness: the kind of answer asked for beside the question's words
// measures more than the same words and a year apart.
func TestNearness(t *testing.T) {
	q := newNearQuestion("When did the Normans conquer England?", timeAnswer)
	beside := surfaceWords("The Normans conquered England in 1066, led by William.")
	apart := surfaceWords("The Normans conquered England. " + strings.Repeat("Much else happened then. ", 4) + "A charter dates from 1066.")
	none := surfaceWords("The Normans conquered England.")
	n1, d1, c1, _ := q.measure(beside, nil)
	n2, d2, c2, _ := q.measure(apart, nil)
	n3, d3, c3, _ := q.measure(none, nil)
	if !(n1 > n2 && d1 > d2 && c1 == 1 && c2 == 0) {
		t.Errorf("beside %.2f %.2f %.0f, apart %.2f %.2f %.0f: want beside nearer, denser and close", n1, d1, c1, n2, d2, c2)
	}
	if d1 != 1 {
		t.Errorf("beside: dense %.2f, want 1 (normans, conquer, england within %d words of 1066)", d1, nearWindow)
	}
	if n3 != 0 || d3 != 0 || c3 != 0 {
		t.Errorf("no year: %.2f %.2f %.0f, want 0", n3, d3, c3)
	}
	count := newNearQuestion("How many ships did the Normans sail?", numberAnswer)
	if n, d, _, _ := count.measure(surfaceWords("The Normans sailed 700 ships."), nil); n != 0.5 || d != 1 {
		t.Errorf("how many: near %.2f dense %.2f, want 0.5 (700 one word from sailed) and 1", n, d)
	}
	// Names are not measured: "who" and "what" ask for nothing these read.
	for _, want := range []answerType{personAnswer, thingAnswer, anyAnswer} {
		if n, _, _, _ := newNearQuestion("who ruled the Normans in 1066", want).measure(beside, nil); n != 0 {
			t.Errorf("%v: near %.2f, want 0", want, n)
		}
	}
}
