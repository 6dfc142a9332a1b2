package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reply is what a handler answers: a message, or autocomplete choices. It
// knows nothing of how it travels (interaction callback, webhook edit,
// channel message); the transports translate it after Fit.
type Reply struct {
	Content string
	Embeds  []Embed
	Buttons []Button
	// Private replies are ephemeral: only the person who asked sees them.
	// A mention cannot be answered privately and ignores it.
	Private bool
	// Choices answers an autocomplete request; nothing else is sent then.
	Choices []Choice
	// Silent sends nothing: the answer to a message over its asker's rate
	// once they have been told (a reply to a message is public, and a
	// note per message would let one member flood a channel).
	Silent bool
}

// Embed is a message embed.
type Embed struct {
	Title       string
	Description string
	Fields      []Field
	Footer      string
	Color       int
}

// Field is a titled block of an embed.
type Field struct {
	Name, Value string
}

// Button is a message button that comes back to the bot as ID.
type Button struct {
	Label string
	ID    string // custom_id; see customid.go
	Style ButtonStyle
}

// ButtonStyle is Discord's button colour.
type ButtonStyle int

// Button styles, numbered as Discord numbers them.
const (
	Primary   ButtonStyle = 1
	Secondary ButtonStyle = 2
	Success   ButtonStyle = 3
	Danger    ButtonStyle = 4
)

// Choice is one autocomplete suggestion. Value is a string or an int.
type Choice struct {
	Name  string
	Value any
}

// Discord's limits on what a message may hold, counted in Unicode code
// points. Exceeding any of them gets the message refused with 400.
const (
	MaxContentRunes     = 2000
	MaxEmbeds           = 10
	MaxEmbedTitleRunes  = 256
	MaxDescriptionRunes = 4096
	MaxFields           = 25
	MaxFieldNameRunes   = 256
	MaxFieldValueRunes  = 1024
	MaxFooterRunes      = 2048
	MaxEmbedTotalRunes  = 6000 // titles, descriptions, fields and footers of all embeds together
	MaxButtons          = 25   // 5 action rows of 5
	MaxButtonsPerRow    = 5
	MaxButtonLabelRunes = 80
	MaxCustomIDRunes    = 100
	MaxChoices          = 25
	MaxChoiceRunes      = 100 // a choice's name, and a string value
)

// minKeepRunes is how short Fit cuts a text before it starts dropping
// fields instead.
const minKeepRunes = 80

// empty stands in for a field name or value that Discord requires and
// the reply left blank: a zero-width space.
const empty = "\u200b"

// Fit returns r cut down to what Discord accepts. It never fails: long
// texts are cut at a word boundary and end in "…" (bold markers and code
// spans closed, a cut link dropped), extra embeds, fields, buttons and
// choices are dropped, and while the embeds together exceed 6000
// characters the longest text (a quoted passage, usually) is shortened
// first. Bare links are wrapped in <> so Discord shows no preview. Fit is
// the only place that knows Discord's limits; every message goes through it.
func Fit(r Reply) Reply {
	out := Reply{Private: r.Private}
	out.Content = cut(wrapLinks(r.Content), MaxContentRunes)

	for i, e := range r.Embeds {
		if i == MaxEmbeds {
			break
		}
		f := Embed{
			Title:       cut(flatten(e.Title), MaxEmbedTitleRunes),
			Description: cut(wrapLinks(e.Description), MaxDescriptionRunes),
			Footer:      cut(e.Footer, MaxFooterRunes),
			Color:       e.Color,
		}
		for j, fl := range e.Fields {
			if j == MaxFields {
				break
			}
			f.Fields = append(f.Fields, Field{
				Name:  nonEmpty(cut(flatten(fl.Name), MaxFieldNameRunes)),
				Value: nonEmpty(cut(wrapLinks(fl.Value), MaxFieldValueRunes)),
			})
		}
		out.Embeds = append(out.Embeds, f)
	}
	shrinkEmbeds(out.Embeds)
	for len(out.Embeds) > 0 && embedsRunes(out.Embeds) > MaxEmbedTotalRunes {
		// Unreachable with the caps above (10 embeds can always shrink to
		// well under 6000); kept so Fit holds whatever the caps become.
		out.Embeds = out.Embeds[:len(out.Embeds)-1]
	}

	seen := map[string]bool{}
	for _, b := range r.Buttons {
		if len(out.Buttons) == MaxButtons {
			break
		}
		if b.ID == "" || utf8.RuneCountInString(b.ID) > MaxCustomIDRunes || seen[b.ID] {
			continue // a button Discord would refuse; the rest of the reply still goes
		}
		seen[b.ID] = true
		if b.Style < Primary || b.Style > Danger {
			b.Style = Secondary
		}
		b.Label = nonEmpty(cut(flatten(b.Label), MaxButtonLabelRunes))
		out.Buttons = append(out.Buttons, b)
	}

	for _, c := range r.Choices {
		if len(out.Choices) == MaxChoices {
			break
		}
		if s, ok := c.Value.(string); ok && (s == "" || utf8.RuneCountInString(s) > MaxChoiceRunes) {
			continue // a cut value would mean something else
		}
		name := cut(flatten(c.Name), MaxChoiceRunes)
		if strings.TrimSpace(name) == "" {
			continue
		}
		out.Choices = append(out.Choices, Choice{Name: name, Value: c.Value})
	}
	if out.Content == "" && len(out.Embeds) == 0 && len(out.Choices) == 0 {
		out.Content = "(nothing to show)" // Discord refuses an empty message
	}
	return out
}

// shrinkEmbeds cuts the longest texts of es, in place, until all of them
// together fit in MaxEmbedTotalRunes; when every text is already short it
// drops fields from the end.
func shrinkEmbeds(es []Embed) {
	for {
		over := embedsRunes(es) - MaxEmbedTotalRunes
		if over <= 0 {
			return
		}
		var longest *string
		n := 0
		for i := range es {
			if l := utf8.RuneCountInString(es[i].Description); l > n {
				longest, n = &es[i].Description, l
			}
			for j := range es[i].Fields {
				if l := utf8.RuneCountInString(es[i].Fields[j].Value); l > n {
					longest, n = &es[i].Fields[j].Value, l
				}
			}
		}
		if n > minKeepRunes {
			*longest = nonEmpty(cut(*longest, max(minKeepRunes, n-over)))
			continue
		}
		if !dropLast(es) {
			return
		}
	}
}

// dropLast removes the last field of the last embed that has one, or
// failing that empties the last embed's description and footer.
func dropLast(es []Embed) bool {
	for i := len(es) - 1; i >= 0; i-- {
		if k := len(es[i].Fields); k > 0 {
			es[i].Fields = es[i].Fields[:k-1]
			return true
		}
	}
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Description != "" || es[i].Footer != "" || es[i].Title != "" {
			es[i].Description, es[i].Footer, es[i].Title = "", "", ""
			return true
		}
	}
	return false
}

// embedsRunes counts the characters Discord adds up against the 6000 limit.
func embedsRunes(es []Embed) int {
	n := 0
	for _, e := range es {
		n += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer)
		for _, f := range e.Fields {
			n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
	}
	return n
}

func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return empty
	}
	return s
}

// flatten makes a one-line text: titles, names and labels have no room
// for line breaks.
func flatten(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// cut shortens s to at most n characters. The cut falls at a word boundary
// when there is one near, and ends in "…". Markdown the cut would leave
// open is closed, and a link it would break is dropped.
func cut(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 8 {
		return string([]rune(s)[:n])
	}
	const reserve = 6 // "…", "**" and a closing "`" or "||"… kept for the fix-ups
	rs := []rune(s)[:n-reserve]
	// Back up to a space if one is near, so no word is split.
	for i := len(rs) - 1; i >= 0 && i >= len(rs)-24; i-- {
		if unicode.IsSpace(rs[i]) {
			rs = rs[:i]
			break
		}
	}
	t := strings.TrimRightFunc(string(rs), unicode.IsSpace)
	// A link cut in two would point somewhere else: drop it.
	if i := strings.LastIndex(t, "<http"); i >= 0 && !strings.Contains(t[i:], ">") {
		t = strings.TrimRightFunc(t[:i], unicode.IsSpace)
	} else if m := bareLinkTail.FindStringIndex(t); m != nil {
		t = strings.TrimRightFunc(t[:m[0]], unicode.IsSpace)
	}
	// A trailing lone backslash would escape what follows.
	if k := len(t) - len(strings.TrimRight(t, `\`)); k%2 == 1 {
		t = t[:len(t)-1]
	}
	// What a cut leaves open is closed; an escaped mark ("\*", "\`", as
	// markdown writes a document's own) opens nothing.
	marks := escapedMark.ReplaceAllString(t, "")
	if strings.Count(marks, "```")%2 == 1 {
		return t + "…\n```" // "```" is 3, within reserve
	}
	if strings.Count(marks, "**")%2 == 1 {
		t += "**"
	}
	if strings.Count(strings.ReplaceAll(marks, "``", ""), "`")%2 == 1 {
		t += "`"
	}
	return t + "…"
}

// escapedMark is a backslash and the character it escapes.
var escapedMark = regexp.MustCompile(`\\.`)

var bareLinkTail = regexp.MustCompile(`https?://\S*$`)

// linkRe finds links; trailing punctuation is not part of them.
var linkRe = regexp.MustCompile(`https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"*_~|]`)

// codeRe finds code blocks and code spans, where <> would show as is.
var codeRe = regexp.MustCompile("(?s)```.*?```|`[^`\n]*`")

// wrapLinks puts <> around bare links, so Discord shows them without a
// preview card. Links already in <>, in a markdown link or in code are
// left alone.
func wrapLinks(s string) string {
	if !strings.Contains(s, "http") {
		return s
	}
	var sb strings.Builder
	last := 0
	for _, m := range codeRe.FindAllStringIndex(s, -1) {
		sb.WriteString(wrapBareLinks(s[last:m[0]]))
		sb.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	sb.WriteString(wrapBareLinks(s[last:]))
	return sb.String()
}

func wrapBareLinks(s string) string {
	var sb strings.Builder
	last := 0
	for _, m := range linkRe.FindAllStringIndex(s, -1) {
		a, z := m[0], m[1]
		if a > 0 && (s[a-1] == '<' || s[a-1] == '(') {
			continue
		}
		sb.WriteString(s[last:a])
		sb.WriteString("<")
		sb.WriteString(s[a:z])
		sb.WriteString(">")
		last = z
	}
	sb.WriteString(s[last:])
	return sb.String()
}
