package bot

import (
	"testing"

	"github.com/casebot/casebot/index"
)

func TestAPA(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		doc            index.DocInfo
		rendered, copy string
	}{
		{
			index.DocInfo{Title: "South Korea: The leading e-government country in Asia", Author: "Mohammad J Sear", Published: "2021-07-15"},
			"Sear, M. J. (2021, July 15). *South Korea: The leading e-government country in Asia*.",
			"Sear, M. J. (2021, July 15). South Korea: The leading e-government country in Asia.",
		},
		{
			index.DocInfo{Title: "Agencies_and bodies.", Path: "notes/agencies.md", Sources: []string{"https://a.example/x", "https://b.example"}},
			`*Agencies\_and bodies*. (n.d.). <https://a.example/x>`,
			"Agencies_and bodies. (n.d.). https://a.example/x",
		},
		{
			index.DocInfo{Path: "notes/x.md", Author: "Ann Lee and Bo Kim & Cy Park", Published: "2020-03"},
			"Lee, A., Kim, B., & Park, C. (2020, March). *notes/x.md*.",
			"Lee, A., Kim, B., & Park, C. (2020, March). notes/x.md.",
		},
		{
			index.DocInfo{Title: "T", Author: "Lee, Ann", Published: "2019"},
			"Lee, Ann (2019). *T*.",
			"Lee, Ann (2019). T.",
		},
		{
			index.DocInfo{Title: "T", Author: "UNESCO", Published: "spring 2019"},
			"UNESCO (spring 2019). *T*.",
			"UNESCO (spring 2019). T.",
		},
	} {
		got := apa(c.doc)
		if got.rendered != c.rendered || got.plain != c.copy {
			t.Errorf("apa(%+v)\n got %q\n     %q\nwant %q\n     %q", c.doc, got.rendered, got.plain, c.rendered, c.copy)
		}
	}
}
