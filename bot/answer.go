package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/casebot/casebot/index"
)

// Embed colours.
const (
	colorAnswer   = 0x2b8a3e
	colorNotFound = 0x868e96
	colorInfo     = 0x1c7ed6
	colorError    = 0xc92a2a
)

// citationsPerPage is how many passages an answer shows at a time.
const citationsPerPage = 3

// userError is a refusal the user should read as is.
type userError struct{ msg string }

func (e userError) Error() string { return e.msg }

func userErrorf(format string, args ...any) error { return userError{fmt.Sprintf(format, args...)} }

// errExpired is a button whose state the bot no longer has.
var errExpired = userError{"This button has expired: I keep only recent answers in memory, and this one is gone (or I was restarted). Ask again with /ask."}

// errorReply is where errors become words.
func errorReply(err error) Reply {
	var ue userError
	msg := "Something went wrong on my side and it has been logged. Please try again in a moment."
	switch {
	case errors.As(err, &ue):
		msg = ue.msg
	case errors.Is(err, index.ErrEmptyQuestion):
		msg = "That question has no words I can search for: ask it in a few words, as you would ask a classmate."
	case errors.Is(err, index.ErrOnlyExclusions):
		msg = "Tell me some words to look for as well as the ones to leave out: /search query: procurement -covid"
	case errors.Is(err, context.DeadlineExceeded):
		msg = "That took too long to answer. Try a shorter or more specific question."
	}
	return Reply{Content: msg, Private: true}
}

// footer names the index the answer came from.
func footer(info index.Info) string {
	return "casebot · index v" + strconv.Itoa(info.Version)
}

// lines is "source:12-14", or "source:12" for one line.
func lines(c index.Citation) string {
	if c.LineEnd > c.LineStart {
		return fmt.Sprintf("%s:%d-%d", c.Source, c.LineStart, c.LineEnd)
	}
	return fmt.Sprintf("%s:%d", c.Source, c.LineStart)
}

// heading is "Title › Section", or the title alone.
func heading(c index.Citation) string {
	t := strings.TrimSpace(c.Title)
	if t == "" {
		t = c.Source
	}
	if s := strings.TrimSpace(c.Section); s != "" && s != t {
		t += " › " + s
	}
	return t
}

// citationField shows a passage: its number, where it comes from, and the
// passage itself with the matched words in bold.
func citationField(n int, c index.Citation, label string) Field {
	name := fmt.Sprintf("[%d] %s", n, heading(c))
	if label != "" {
		name = fmt.Sprintf("[%d] %s · %s", n, label, heading(c))
	}
	return Field{
		Name:  name,
		Value: code(lines(c)) + "\n" + columns(c.Columns) + quote(markdown(c.Text, c.Highlights)),
	}
}

// columns shows a table row's header row, in italics, on a line before the
// row: what its cells are. "" for no header.
func columns(cols string) string {
	if cols == "" {
		return ""
	}
	return "*" + markdown(cols, nil) + "*\n"
}

// answerText is the answer's quoted sentences, escaped for Discord, with
// the matched words in bold and each quote followed by the number of the
// citation it comes from ("[1]"), so the passage need not be quoted again
// below. num maps a citation's index in a.Citations to the number shown.
func answerText(a index.Answer, num func(int) int) string {
	parts := a.Parts()
	ref := func(i int) string {
		if n := num(parts[i].Citation); n > 0 {
			return " [" + strconv.Itoa(n) + "]"
		}
		return ""
	}
	if a.List {
		var out []string
		for i, p := range parts {
			out = append(out, index.ListItemPrefix+markdown(p.Text, p.Highlights)+ref(i))
		}
		return strings.Join(out, "\n")
	}
	var sb strings.Builder
	for i, p := range parts {
		switch {
		case i == 0:
		case parts[i-1].Citation == p.Citation:
			sb.WriteString(index.SameCitationSep)
		default:
			sb.WriteString(index.OtherCitationSep)
		}
		sb.WriteString(markdown(p.Text, p.Highlights))
		if i == len(parts)-1 || parts[i+1].Citation != p.Citation {
			sb.WriteString(ref(i))
		}
	}
	return columns(a.Columns()) + quote(sb.String())
}

// quotedField shows a passage the answer quotes: where it stands, and what
// the passage says beyond the quote, the quoted stretches marked […].
func quotedField(n int, c index.Citation, quoted []string) Field {
	v := code(lines(c)) + " · quoted above"
	if c.Columns != "" {
		v += "\n" + strings.TrimSuffix(columns(c.Columns), "\n")
	}
	if rest := unquoted(c, quoted); rest != "" {
		v += "\n" + quote(rest)
	}
	return Field{Name: fmt.Sprintf("[%d] %s", n, heading(c)), Value: v}
}

// elided stands for a stretch of a passage quoted in the answer.
const elided = "[…]"

// unquoted is a passage's text, for Discord, without the stretches the
// answer quotes (each left as […]); "" when nothing else is left.
func unquoted(c index.Citation, quoted []string) string {
	rs := []rune(c.Text)
	flat := []rune(strings.ReplaceAll(c.Text, "\n", " "))
	covered := make([]bool, len(rs))
	from := 0
	for _, q := range quoted {
		qr := []rune(q)
		at := runeIndex(flat, qr, from)
		if at < 0 {
			at = runeIndex(flat, qr, 0)
		}
		if at < 0 {
			continue
		}
		for i := at; i < at+len(qr); i++ {
			covered[i] = true
		}
		from = at + len(qr)
	}
	var out []string
	left := false
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && covered[j] == covered[i] {
			j++
		}
		if covered[i] {
			out = append(out, elided)
		} else if seg := string(rs[i:j]); strings.TrimFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) != "" {
			a := i
			for a < j && unicode.IsSpace(rs[a]) {
				a++
			}
			z := j
			for z > a && unicode.IsSpace(rs[z-1]) {
				z--
			}
			out = append(out, markdown(string(rs[a:z]), shift(c.Highlights, a, z-a)))
			left = true
		}
		i = j
	}
	if !left {
		return ""
	}
	return strings.Join(out, " ")
}

// runeIndex finds needle in hay at or after from, or -1.
func runeIndex(hay, needle []rune, from int) int {
	for i := from; i+len(needle) <= len(hay); i++ {
		if string(hay[i:i+len(needle)]) == string(needle) {
			return i
		}
	}
	return -1
}

// shift returns the ranges within [off, off+n) moved to start at 0.
func shift(hl [][2]int, off, n int) [][2]int {
	var out [][2]int
	for _, r := range hl {
		a, z := max(r[0]-off, 0), min(r[1]-off, n)
		if a < z {
			out = append(out, [2]int{a, z})
		}
	}
	return out
}

// corrections says which question words were read as others.
func corrections(a index.Answer) string {
	if len(a.Corrections) == 0 {
		return ""
	}
	var to []string
	for _, c := range a.Corrections {
		to = append(to, "*"+markdown(c.To, nil)+"*")
	}
	return "Showing results for " + strings.Join(to, ", ") + ".\n"
}

// answerOptions shape an answer reply.
type answerOptions struct {
	Title   string // default: the question
	Key     string // request id, for buttons whose state is cached
	Private bool   // ephemeral, with a Share button
	Mention bool   // a reply to a message: no Share, no ephemeral
	// Asker keys the asker's recent question (channel and user), so that a
	// follow-up's "it" can stand for what it asked about; "" for none.
	Asker string
	// Lead is a passage to cite first, whatever the answer cites.
	Lead *index.Citation
}

// answerReply formats an answer: the quoted sentences with matched words
// in bold, numbered citations, the index version, and the buttons.
func answerReply(a index.Answer, info index.Info, o answerOptions) Reply {
	e, cites := answerEmbed(a, info, o)
	r := Reply{Embeds: []Embed{e}, Private: o.Private && !o.Mention}
	if len(cites) > 0 {
		r.Buttons = append(r.Buttons, Button{Label: "Show context", ID: ref("ctx:", cites[0].ID, o.Key), Style: Secondary})
	}
	if a.Answered && len(cites) >= citationsPerPage {
		r.Buttons = append(r.Buttons, Button{Label: "More passages", ID: ref("more:a:1:", a.Question, o.Key), Style: Secondary})
	}
	r.Buttons = append(r.Buttons, verdictButtons(a.Question, o.Key, r.Private)...)
	return r
}

// answerEmbed is the embed of an answer (answerReply) and the passages it
// cites, in the order shown: the answer's citations, or the closest
// passages when it is not answered.
func answerEmbed(a index.Answer, info index.Info, o answerOptions) (Embed, []index.Citation) {
	title := o.Title
	if title == "" {
		title = a.Question
	}
	e := Embed{Title: title, Footer: footer(info), Color: colorAnswer}
	var sb strings.Builder
	sb.WriteString(corrections(a))
	if a.Answered && a.Note != "" {
		// A question cut short is answered from what was read, and says so.
		sb.WriteString(markdown(a.Note, nil) + "\n")
	}
	cites := a.Citations
	if o.Lead != nil {
		cites = []index.Citation{*o.Lead}
		for _, c := range a.Citations {
			if c.ID != o.Lead.ID && len(cites) <= citationsPerPage {
				cites = append(cites, c)
			}
		}
	}
	label := ""
	// num gives the number shown for a citation of the answer.
	shown := map[string]int{}
	for i, c := range cites {
		shown[c.ID] = i + 1
	}
	num := func(i int) int {
		if i < 0 || i >= len(a.Citations) {
			return 0
		}
		return shown[a.Citations[i].ID]
	}
	// quoted holds, by citation id, the stretches the answer quotes.
	quoted := map[string][]string{}
	if a.Answered {
		for _, p := range a.Parts() {
			if p.Citation >= 0 && p.Citation < len(a.Citations) {
				id := a.Citations[p.Citation].ID
				quoted[id] = append(quoted[id], p.Text)
			}
		}
		sb.WriteString(answerText(a, num))
	} else {
		e.Color = colorNotFound
		note := "The documents do not cover this."
		if a.Note != "" && !strings.Contains(a.Note, "do not cover") {
			note += " " + a.Note
		}
		sb.WriteString(note)
		cites = a.Suggestions
		if len(cites) > 0 {
			sb.WriteString("\nThe closest passages, in case they help (low matches):")
		}
		label = "low match"
	}
	e.Description = sb.String()
	for i, c := range cites {
		if q, ok := quoted[c.ID]; ok {
			e.Fields = append(e.Fields, quotedField(i+1, c, q))
			continue
		}
		e.Fields = append(e.Fields, citationField(i+1, c, label))
	}
	return e, cites
}

// verdictButtons are the Helpful and Not helpful buttons of an answer to
// question, and Share for a private one.
func verdictButtons(question, key string, private bool) []Button {
	bs := []Button{
		{Label: "Helpful", ID: ref("fb:y:", question, key), Style: Success},
		{Label: "Not helpful", ID: ref("fb:n:", question, key), Style: Danger},
	}
	if private {
		bs = append(bs, Button{Label: "Share", ID: ref("share:", question, key), Style: Primary})
	}
	return bs
}

// maxFieldsPerQuestion is how many passages each answer of a message that
// asks several questions shows.
const maxFieldsPerQuestion = 2

// questionsReply formats the answer to a message that asks several
// questions: an embed for each, with its answer and its first passages,
// a Context button for each, and the verdict buttons for the message.
func questionsReply(a index.Answer, info index.Info, o answerOptions) Reply {
	r := Reply{Private: o.Private && !o.Mention}
	n := 0 // questions with a passage so far
	for i, q := range a.Questions {
		e, cites := answerEmbed(q, info, answerOptions{Key: o.Key})
		e.Fields = e.Fields[:min(len(e.Fields), maxFieldsPerQuestion)]
		if i < len(a.Questions)-1 {
			e.Footer = "" // the index version once, under the last
		}
		r.Embeds = append(r.Embeds, e)
		if len(cites) > 0 {
			// passageIDs keeps each question's first passage in this order,
			// so a cached button names it by its place: "ctx:#KEY.N".
			// Two questions citing the same passage first would give two
			// buttons one id, and Discord takes one: the second is named by
			// its place.
			id := ref("ctx:", cites[0].ID, o.Key)
			if strings.HasPrefix(id, "ctx:#") || slices.ContainsFunc(r.Buttons, func(b Button) bool { return b.ID == id }) {
				id = "ctx:#" + o.Key + "." + strconv.Itoa(n)
			}
			n++
			r.Buttons = append(r.Buttons, Button{Label: fmt.Sprintf("Context %d", i+1), ID: id, Style: Secondary})
		}
	}
	r.Buttons = append(r.Buttons, verdictButtons(a.Question, o.Key, r.Private)...)
	return r
}

// shownCitations are the passages an answer shows: its citations, or the
// closest passages when it is not answered.
func shownCitations(a index.Answer) []index.Citation {
	if !a.Answered {
		return a.Suggestions
	}
	return a.Citations
}

// passageIDs lists the ids of the passages an answer shows; for a message
// that asks several questions, the first passage of each answer.
func passageIDs(a index.Answer) []string {
	if len(a.Questions) > 0 {
		var ids []string
		for _, q := range a.Questions {
			if cs := shownCitations(q); len(cs) > 0 {
				ids = append(ids, cs[0].ID)
			}
		}
		return ids
	}
	cs := shownCitations(a)
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}
