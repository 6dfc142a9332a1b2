package corpus

import "testing"

// TestParseBoost: a boost that is not a positive finite number leaves the
// document at boost 1.
func TestParseBoost(t *testing.T) {
	for _, tt := range []struct {
		name, boost string
		want        float64
	}{
		{"unset", "", 1},
		{"set", "boost: 2.5", 2.5},
		{"large", "boost: 1e308", 1e308},
		{"zero", "boost: 0", 1},
		{"negative", "boost: -3", 1},
		{"nan", "boost: .nan", 1},
		{"infinite", "boost: .inf", 1},
		{"negative infinite", "boost: -.inf", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("doc.md", []byte("---\ntitle: Doc\n"+tt.boost+"\n---\n# Doc\n\nSome text.\n"))
			if err != nil {
				t.Fatal(err)
			}
			if d.Boost != tt.want {
				t.Errorf("Boost = %v, want %v", d.Boost, tt.want)
			}
		})
	}
}
