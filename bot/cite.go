package bot

import (
	"strings"
	"time"

	"github.com/casebot/casebot/index"
)

// reference is a document reference, rendered (title in italics) and plain.
type reference struct{ rendered, plain string }

// apa builds an APA-style reference from what the index knows of a
// document: author, date, title, and its first source URL.
//
//	Sear, M. J. (2021, July 15). *South Korea: The leading e-government country in Asia*.
//	*Agencies and bodies behind Korean e-government*. (n.d.). <https://…>
func apa(d index.DocInfo) reference {
	title := strings.TrimSpace(d.Title)
	if title == "" {
		title = d.Path
	}
	title = strings.TrimRight(title, ".")
	date := "(" + apaDate(d.Published) + ")."
	var r, p []string
	if a := apaAuthors(d.Author); a != "" {
		r = append(r, a, date, "*"+markdown(title, nil)+"*.")
		p = append(p, a, date, title+".")
	} else {
		// No author: the title takes the author's place.
		r = append(r, "*"+markdown(title, nil)+"*.", date)
		p = append(p, title+".", date)
	}
	if len(d.Sources) > 0 {
		r = append(r, "<"+d.Sources[0]+">")
		p = append(p, d.Sources[0])
	}
	return reference{rendered: strings.Join(r, " "), plain: strings.Join(p, " ")}
}

// apaDate turns 2021-07-15 into "2021, July 15"; no date is "n.d.".
func apaDate(s string) string {
	s = strings.TrimSpace(s)
	for _, f := range []struct{ in, out string }{
		{"2006-01-02", "2006, January 2"},
		{"2006-01", "2006, January"},
		{"2006", "2006"},
	} {
		if t, err := time.Parse(f.in, s); err == nil {
			return t.Format(f.out)
		}
	}
	if s == "" {
		return "n.d."
	}
	return s
}

// apaAuthors writes "Mohammad J Sear" as "Sear, M. J."; several authors
// (separated by " and ", ";" or "&") are joined APA's way.
func apaAuthors(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	s = strings.NewReplacer(" & ", ";", " and ", ";").Replace(s)
	var names []string
	for _, n := range strings.Split(s, ";") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, apaName(n))
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + ", & " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + ", & " + names[len(names)-1]
}

func apaName(n string) string {
	if strings.Contains(n, ",") {
		return n // already "Last, First"
	}
	words := strings.Fields(n)
	if len(words) < 2 {
		return n
	}
	last := words[len(words)-1]
	var initials []string
	for _, w := range words[:len(words)-1] {
		r := []rune(strings.Trim(w, "."))
		if len(r) > 0 {
			initials = append(initials, string(r[0])+".")
		}
	}
	return last + ", " + strings.Join(initials, " ")
}
