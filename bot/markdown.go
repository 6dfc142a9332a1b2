package bot

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// markdown renders document text for Discord: characters Discord would
// read as formatting are escaped, so the passage shows as written; the
// ranges in hl (rune offsets into text, sorted, as index.Citation has
// them) are set in bold; links are wrapped in <> and never escaped or
// bolded inside. The documents are markdown themselves: their own bold
// markers ("**PPS** (Public Procurement Service)") are dropped rather than
// shown as asterisks, as they would clash with the highlights.
func markdown(text string, hl [][2]int) string {
	rs := []rune(text)
	links := linkRunes(text, rs)
	inLink := func(i int) (int, bool) {
		for _, l := range links {
			if i >= l[0] && i < l[1] {
				return l[1], true
			}
		}
		return 0, false
	}
	// The document's own "**" pairs, by the rune index they start at.
	var stars []int
	for i := 0; i+1 < len(rs); i++ {
		if _, ok := inLink(i); !ok && rs[i] == '*' && rs[i+1] == '*' {
			stars = append(stars, i)
			i++
		}
	}
	docBold := map[int]bool{}
	for _, i := range stars[:len(stars)/2*2] {
		docBold[i] = true
	}
	hl = clampRanges(hl, len(rs))

	var sb strings.Builder
	h := 0
	bold := false
	lineStart := true
	for i := 0; i < len(rs); {
		for h < len(hl) && hl[h][1] <= i {
			if bold {
				sb.WriteString("**")
				bold = false
			}
			h++
		}
		if end, ok := inLink(i); ok {
			if bold {
				sb.WriteString("**")
				bold = false
			}
			wrapped := i > 0 && rs[i-1] == '<'
			if !wrapped {
				sb.WriteByte('<')
			}
			sb.WriteString(string(rs[i:end]))
			if !wrapped {
				sb.WriteByte('>')
			}
			i = end
			lineStart = false
			continue
		}
		if docBold[i] {
			i += 2
			continue
		}
		if !bold && h < len(hl) && i >= hl[h][0] {
			sb.WriteString("**")
			bold = true
		}
		r := rs[i]
		switch {
		case strings.ContainsRune("\\*_~`|", r):
			sb.WriteByte('\\')
		case lineStart && (r == '>' || r == '#'):
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
		lineStart = r == '\n'
		i++
	}
	if bold {
		sb.WriteString("**")
	}
	return sb.String()
}

// linkRunes finds the links in text, as rune ranges of rs ([]rune(text)).
func linkRunes(text string, rs []rune) [][2]int {
	links := linkRe.FindAllStringIndex(text, -1)
	if len(links) == 0 {
		return nil
	}
	byteToRune := make(map[int]int, len(rs)+1)
	bi := 0
	for ri, r := range rs {
		byteToRune[bi] = ri
		bi += utf8.RuneLen(r)
	}
	byteToRune[bi] = len(rs)
	out := make([][2]int, len(links))
	for i, l := range links {
		out[i] = [2]int{byteToRune[l[0]], byteToRune[l[1]]}
	}
	return out
}

// clampRanges sorts and merges ranges and keeps them inside [0, n).
func clampRanges(hl [][2]int, n int) [][2]int {
	var out [][2]int
	for _, r := range hl {
		a, z := max(0, r[0]), min(n, r[1])
		if a < z {
			out = append(out, [2]int{a, z})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	merged := out[:0]
	for _, r := range out {
		if k := len(merged); k > 0 && r[0] <= merged[k-1][1] {
			merged[k-1][1] = max(merged[k-1][1], r[1])
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// quote puts text in a Discord block quote, line by line.
func quote(text string) string {
	return "> " + strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n> ")
}
