package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNameInvisibleCharacters: names that would show as another
// name, or hide part of themselves, are refused.
func TestNameInvisibleCharacters(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, in, want string // want "" means taken
	}{
		{"plain", "report.md", ""},
		{"accents and dashes", "Zürich_—_Bericht.md", ""},
		{"Korean", "한국_전자정부.md", ""},
		{"right-to-left override", "report\u202Etxt.md", "U+202E"},
		{"left-to-right embedding", "a\u202Ab.md", "U+202A"},
		{"right-to-left isolate", "a\u2067b.md", "U+2067"},
		{"left-to-right mark", "a\u200Eb.md", "U+200E"},
		{"arabic letter mark", "a\u061Cb.md", "U+061C"},
		{"zero-width space", "re\u200Bport.md", "U+200B"},
		{"zero-width joiner", "a\u200Db.md", "U+200D"},
		{"byte order mark", "\uFEFFreport.md", "U+FEFF"},
		{"soft hyphen", "re\u00ADport.md", "U+00AD"},
		{"bell", "bell\a.md", "control characters"},
		{"delete", "a\x7fb.md", "control characters"},
		{"C1 control", "a\u0085b.md", ""}, // NEL is white space: it becomes "_"
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := SafeName(c.in)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("SafeName(%q): %v, want it taken", c.in, err)
			case c.want != "" && err == nil:
				t.Errorf("SafeName(%q) = %q, want a refusal", c.in, got)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Errorf("SafeName(%q): %v, want it to say %q", c.in, err, c.want)
			}
		})
	}
}

// TestNameLength: every name SafeName takes can be stored and set
// aside for removal through the temporary names the bot uses, on a real
// file system; a longer name is refused with the limit in bytes.
func TestNameLength(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	taken := 0
	for _, unit := range []string{"a", "é", "한"} {
		for n := 200; n <= 260; n++ {
			base := strings.Repeat(unit, (n-len(".md"))/len(unit))
			in := base + strings.Repeat("x", n-len(".md")-len(base)) + ".md"
			name, err := SafeName(in)
			if err != nil {
				if len(in) <= MaxNameBytes || !strings.Contains(err.Error(), "names may be up to 239 bytes") {
					t.Errorf("%d bytes: %v", len(in), err)
				}
				continue
			}
			taken++
			p := filepath.Join(dir, name)
			if err := WriteFileAtomic(p, bytes.NewReader([]byte("# Doc\n\ntext\n"))); err != nil {
				t.Errorf("a name of %d bytes was taken but cannot be stored: %v", len(name), err)
				continue
			}
			aside := filepath.Join(dir, "."+name+".removing")
			if err := os.Rename(p, aside); err != nil {
				t.Errorf("a name of %d bytes cannot be set aside for removal: %v", len(name), err)
			}
			os.Remove(aside)
			os.Remove(p)
		}
	}
	if taken < 3*30 {
		t.Errorf("only %d of the names up to %d bytes were taken", taken, MaxNameBytes)
	}
}
