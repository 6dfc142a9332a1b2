package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casebot/casebot/index"
)

// searchPageSize is how many passages /search lists at a time.
const searchPageSize = 5

// maxQuestionRunes matches the engine's limit (index.MaxQuestionRunes).
const maxQuestionRunes = index.MaxQuestionRunes

func (b *Bot) builtinCommands() []Command {
	one := 1.0
	return []Command{
		{
			Name: "ask", Description: "Ask a question; the answer quotes and cites the documents",
			Options: []Option{
				{Name: "question", Description: "Your question, e.g. What was stage 1?", Type: StringOption, Required: true, MaxLength: maxQuestionRunes},
				{Name: "private", Description: "Answer only to you (you can share it after)", Type: BooleanOption},
			},
			Limited: true,
			Private: func(r Request) bool { return r.Bool("private") },
			Run:     b.ask,
		},
		{
			Name: "search", Description: "List the passages that best match some words",
			Options: []Option{
				{Name: "query", Description: `Words to look for; "a phrase" in quotes, -word to leave a word out`, Type: StringOption, Required: true, MaxLength: maxQuestionRunes},
				{Name: "document", Description: "Search only this document", Type: StringOption, Autocomplete: true, MaxLength: 200},
			},
			Limited:  true,
			Run:      b.search,
			Complete: b.completeDocument,
		},
		{
			Name: "stage", Description: "What happened in one of the stages the documents number",
			Options:  []Option{{Name: "number", Description: "The stage's number", Type: IntegerOption, Required: true, Autocomplete: true, MinValue: &one}},
			Limited:  true,
			Run:      b.stage,
			Complete: b.completeStage,
		},
		{
			Name: "agency", Description: "What an agency or other body did, by name or acronym",
			Options:  []Option{{Name: "name", Description: "e.g. NIA", Type: StringOption, Required: true, Autocomplete: true, MaxLength: 200}},
			Limited:  true,
			Run:      b.agency,
			Complete: b.completeAgency,
		},
		{
			Name: "factors", Description: "The success factors the documents list",
			Limited: true,
			Run:     b.factors,
		},
		{
			Name: "sources", Description: "The documents I answer from, and the index version",
			Run: b.sources,
		},
		{
			Name: "cite", Description: "A reference to a document, ready to paste (APA style)",
			Options:  []Option{{Name: "source", Description: "The document", Type: StringOption, Required: true, Autocomplete: true, MaxLength: 200}},
			Run:      b.cite,
			Complete: b.completeDocument,
		},
		{
			Name: "help", Description: "What I can do",
			Private: func(Request) bool { return true },
			Run:     b.help,
		},
		{
			Name: lookUpCommand, Message: true,
			Description: "What the documents say about a message, answered only to you",
			Limited:     true,
			Private:     func(Request) bool { return true },
			Run:         b.lookUp,
		},
	}
}

// lookUpCommand is the message command's name, as a message's Apps menu
// shows it.
const lookUpCommand = "Find in documents"

// lookUp answers a message's text as a question, privately: a member
// checks what a classmate wrote against the documents without posting
// anything, and may share the answer after.
func (b *Bot) lookUp(ctx context.Context, r Request) (Reply, error) {
	q := withoutMarkup(strings.TrimSpace(r.Text))
	if q == "" {
		return Reply{}, userError{"That message has no text I can look up in the documents."}
	}
	return b.answer(ctx, "lookup", q, r.ID, answerOptions{Private: true})
}

func (b *Bot) builtinActions() []Action {
	return []Action{
		{Prefix: "ctx", Private: true, Run: b.showContext},
		{Prefix: "more", Private: true, Limited: true, Run: b.more},
		// A share posts in public and asks again: it counts like a
		// question, so clicking it over and over cannot flood a channel.
		{Prefix: "share", Limited: true, Run: b.share},
		{Prefix: "fb", Private: true, Limited: true, Run: b.feedback},
	}
}

func (b *Bot) ask(ctx context.Context, r Request) (Reply, error) {
	q := withoutMarkup(strings.TrimSpace(r.String("question")))
	if q == "" {
		return Reply{}, userErrorf("Ask me a question, for example: /ask question: %s", b.example(ctx))
	}
	return b.answer(ctx, "ask", q, r.ID, answerOptions{Private: r.Bool("private"), Asker: asker(r)})
}

// asker keys an asker's recent question: the same person in the same
// channel (or DM).
func asker(r Request) string {
	if r.User.ID == "" {
		return ""
	}
	return r.ChannelID + "/" + r.User.ID
}

// followUpWindow is how long after a question a follow-up's "it" may stand
// for what it asked about.
const followUpWindow = 10 * time.Minute

// markupRe finds Discord's markup for mentions of users, roles, channels
// and commands, custom emoji and timestamps ("<@123>", "<#456>",
// "<:thinking:789>", "<t:1700000000:R>"): no words of a question.
var markupRe = regexp.MustCompile(`<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[tTdDfFR])?|/[\w -]+:\d+|id:\w+)>`)

// withoutMarkup is a question without Discord's markup (markupRe).
func withoutMarkup(q string) string {
	if !strings.Contains(q, "<") {
		return q
	}
	// Fields also trims: a question of markup alone is empty.
	return strings.Join(strings.Fields(markupRe.ReplaceAllString(q, " ")), " ")
}

// remarkReply answers a message that is no question ("thanks", "you're
// the best", "help").
func (b *Bot) remarkReply(ctx context.Context) string {
	return "I answer questions about the documents, with quoted passages; that reads as a remark, so I did not search them. Ask me something about them, for example: " + b.example(ctx) + " (/help lists everything.)"
}

// example is a question to give as an example: "What was stage 1?" where
// the documents number stages, as the case study does, else one about the
// first document ("What is Tea in Ruritania about?"), so that a server
// answering from its own documents is not told to ask about the case
// study.
func (b *Bot) example(ctx context.Context) string {
	if st, err := b.eng.Stages(ctx); err == nil && len(st) > 0 {
		return fmt.Sprintf("What was stage %d?", st[0].N)
	}
	for _, d := range b.eng.Info().Docs {
		if t := strings.TrimSpace(d.Title); t != "" {
			return "What is " + markdown(cut(t, 80), nil) + " about?"
		}
	}
	return "What do the documents cover?"
}

// askMention answers a message that mentions the bot, or a DM.
func (b *Bot) askMention(ctx context.Context, r Request) (Reply, error) {
	q := withoutMarkup(strings.TrimSpace(r.Text))
	if q == "" {
		ask := "Ask me something about the documents, for example: " + b.example(ctx) + " (Or use /ask; /help lists everything.)"
		if r.ByRole {
			// Discord sends the text of a message that mentions the bot
			// without the message content intent; whether a mention of its
			// role counts is not documented, and the text may come empty.
			ask += " If you wrote a question, I did not get it: you mentioned my role. Pick me, the bot, in the @ menu, or use /ask."
		}
		return Reply{Content: ask}, nil
	}
	if strings.EqualFold(strings.Trim(q, " !?."), "help") {
		// "@casebot help", as most bots take it: the list of commands, in
		// the channel (a reply to a message cannot be private).
		rep, err := b.help(ctx, r)
		rep.Private = false
		return rep, err
	}
	return b.answer(ctx, "mention", q, r.ID, answerOptions{Mention: true, Asker: asker(r)})
}

// answer asks the engine and formats the answer, keeping what its buttons
// need under key.
func (b *Bot) answer(ctx context.Context, command, q, key string, o answerOptions) (Reply, error) {
	start := time.Now()
	followed := ""
	private := o.Private && !o.Mention
	if prev, ok := b.recent.get(o.Asker); ok && o.Asker != "" && b.now().Sub(prev.Asked) <= followUpWindow && (private || !prev.Private) {
		// "who launched it?" after "What is KONEPS?"; a question answered
		// privately is not made public by a public follow-up
		if fq, changed := index.FollowUp(q, prev.Question); changed {
			q, followed = fq, prev.Question
		}
	}
	a, err := b.eng.Ask(ctx, q, index.AskOptions{K: citationsPerPage})
	if err != nil {
		return Reply{}, err
	}
	b.asked(command, a.Answered, time.Since(start))
	if a.Remark {
		// "thanks, that was helpful": nothing was searched, so no passages
		// and no buttons, only what the bot is for.
		return Reply{Content: b.remarkReply(ctx), Private: private}, nil
	}
	if o.Asker != "" {
		b.recent.put(o.Asker, recentQuestion{Question: a.Question, Asked: b.now(), Private: private})
	}
	o.Key = key
	b.cache.put(key, state{Question: a.Question, Passages: passageIDs(a)})
	var rep Reply
	if len(a.Questions) > 0 {
		rep = questionsReply(a, b.eng.Info(), o)
	} else {
		rep = answerReply(a, b.eng.Info(), o)
	}
	if followed != "" && len(rep.Embeds) > 0 {
		rep.Embeds[0].Description = fmt.Sprintf("*Read as a follow-up to your question “%s”.*\n", markdown(followed, nil)) + rep.Embeds[0].Description
	}
	return rep, nil
}

func (b *Bot) search(ctx context.Context, r Request) (Reply, error) {
	q := strings.TrimSpace(r.String("query"))
	if q == "" {
		return Reply{}, userError{"Give me some words to look for, for example: /search query: procurement"}
	}
	st := state{Question: q}
	if want := strings.TrimSpace(r.String("document")); want != "" {
		d, ok := index.FindDoc(b.eng.Info().Docs, want)
		if !ok {
			return Reply{}, userErrorf("No document is called %q; /sources lists them.", want)
		}
		st.Source = d.Path
	}
	b.cache.put(r.ID, st)
	return b.searchPage(ctx, st, r.ID, 0, false)
}

// searchPage lists one page of passages, one line each.
func (b *Bot) searchPage(ctx context.Context, st state, key string, page int, private bool) (Reply, error) {
	q := st.Question
	cs, err := b.eng.Search(ctx, q, index.SearchOptions{K: (page+1)*searchPageSize + 1, Source: st.Source})
	if err != nil {
		return Reply{}, err
	}
	more := len(cs) > (page+1)*searchPageSize
	cs = cs[min(len(cs), page*searchPageSize):min(len(cs), (page+1)*searchPageSize)]
	title := "Search: " + q
	if st.Source != "" {
		title = "Search in " + st.Source + ": " + q
	}
	e := Embed{Title: title, Footer: footer(b.eng.Info()), Color: colorInfo}
	if len(cs) == 0 {
		e.Description = "No passage matches those words."
		if page > 0 {
			e.Description = "No more passages match those words."
		}
		return Reply{Embeds: []Embed{e}, Private: private}, nil
	}
	var sb strings.Builder
	for i, c := range cs {
		fmt.Fprintf(&sb, "**%d.** %s %s\n%s\n", page*searchPageSize+i+1, code(lines(c)), markdown(heading(c), nil), cut(markdown(c.Text, c.Highlights), 300))
	}
	e.Description = sb.String()
	rep := Reply{Embeds: []Embed{e}, Private: private}
	if more {
		id := ref("more:s:"+strconv.Itoa(page+1)+":", q, key)
		if st.Source != "" {
			id = "more:s:" + strconv.Itoa(page+1) + ":#" + key // the document is in the cache only
		}
		rep.Buttons = []Button{{Label: "More", ID: id, Style: Secondary}}
	}
	return rep, nil
}

// more shows the next page of an answer's passages or a search's.
// args: "a:PAGE:REF" or "s:PAGE:REF".
func (b *Bot) more(ctx context.Context, r Request) (Reply, error) {
	parts := strings.SplitN(r.CustomID, ":", 3)
	if len(parts) != 3 {
		return Reply{}, errExpired
	}
	page, err := strconv.Atoi(parts[1])
	if err != nil || page < 1 || page > 20 {
		return Reply{}, errExpired
	}
	st, _, ok := resolve(b.cache, parts[2])
	if !ok {
		return Reply{}, errExpired
	}
	if parts[0] == "s" {
		// This page's More button may refer to its query by this click's id.
		b.cache.put(r.ID, state{Question: st.Question, Source: st.Source})
		return b.searchPage(ctx, st, r.ID, page, true)
	}
	// The first page showed every passage the answer cites, which may be
	// more than citationsPerPage (a list cites each item): later pages
	// follow on from those, never repeating them.
	first, err := b.eng.Ask(ctx, st.Question, index.AskOptions{K: citationsPerPage})
	if err != nil {
		return Reply{}, err
	}
	shown := map[string]bool{}
	for _, c := range shownCitations(first) {
		shown[c.ID] = true
	}
	a, err := b.eng.Ask(ctx, st.Question, index.AskOptions{K: (page+1)*citationsPerPage + len(shown)})
	if err != nil {
		return Reply{}, err
	}
	var cs []index.Citation
	for _, c := range shownCitations(a) {
		if !shown[c.ID] {
			cs = append(cs, c)
		}
	}
	from := (page - 1) * citationsPerPage
	e := Embed{Title: "More passages: " + st.Question, Footer: footer(b.eng.Info()), Color: colorAnswer}
	if from >= len(cs) {
		e.Description = "There are no more passages for this question."
		return Reply{Embeds: []Embed{e}, Private: true}, nil
	}
	for i, c := range cs[from:min(len(cs), from+citationsPerPage)] {
		e.Fields = append(e.Fields, citationField(len(shown)+from+i+1, c, ""))
	}
	b.cache.put(r.ID, state{Question: st.Question})
	rep := Reply{Embeds: []Embed{e}, Private: true}
	if len(cs) > from+citationsPerPage {
		rep.Buttons = []Button{{Label: "More passages", ID: ref("more:a:"+strconv.Itoa(page+1)+":", st.Question, r.ID), Style: Secondary}}
	}
	return rep, nil
}

// showContext shows a passage with the passages around it.
func (b *Bot) showContext(ctx context.Context, r Request) (Reply, error) {
	id := strings.TrimPrefix(r.CustomID, "=")
	if strings.HasPrefix(r.CustomID, "#") {
		// "#KEY", or "#KEY.N" for the N-th question of a message that asked several
		key, n := r.CustomID[1:], 0
		if dot := strings.LastIndexByte(key, '.'); dot >= 0 {
			v, err := strconv.Atoi(key[dot+1:])
			if err != nil || v < 0 {
				return Reply{}, errExpired
			}
			key, n = key[:dot], v
		}
		st, ok := b.cache.get(key)
		if !ok || n >= len(st.Passages) {
			return Reply{}, errExpired
		}
		id = st.Passages[n]
	}
	cs, err := b.eng.Context(ctx, id, 2)
	if err != nil || len(cs) == 0 {
		return Reply{}, userError{"That passage is no longer in the index (it may have been rebuilt). Ask again to get fresh citations."}
	}
	var center index.Citation
	var sb strings.Builder
	for _, c := range cs {
		if c.ID == id {
			center = c
			fmt.Fprintf(&sb, "**→ %s**\n%s\n", code(lines(c)), quote(markdown(c.Text, nil)))
			continue
		}
		fmt.Fprintf(&sb, "%s\n%s\n", code(lines(c)), quote(markdown(c.Text, nil)))
	}
	if center.ID == "" {
		center = cs[0]
	}
	e := Embed{Title: "Context: " + heading(center), Description: sb.String(), Footer: footer(b.eng.Info()), Color: colorInfo}
	return Reply{Embeds: []Embed{e}, Private: true}, nil
}

// share posts a private answer to the channel, for everyone.
func (b *Bot) share(ctx context.Context, r Request) (Reply, error) {
	st, _, ok := resolve(b.cache, r.CustomID)
	if !ok {
		if len(r.Embeds) == 0 {
			return Reply{}, errExpired
		}
		// The state is gone but the message is here: share it as it is.
		return Reply{Embeds: r.Embeds}, nil
	}
	return b.answer(ctx, "share", st.Question, r.ID, answerOptions{})
}

// feedback records a helpful / not helpful click. args: "y:REF" or "n:REF".
func (b *Bot) feedback(ctx context.Context, r Request) (Reply, error) {
	verdict, rest, _ := strings.Cut(r.CustomID, ":")
	if verdict != "y" && verdict != "n" {
		return Reply{}, errExpired
	}
	st, inline, ok := resolve(b.cache, rest)
	if !ok {
		return Reply{}, errExpired
	}
	if inline {
		// The passages were not in the button: the same question to the
		// same index cites the same passages.
		a, err := b.eng.Ask(ctx, st.Question, index.AskOptions{K: citationsPerPage})
		if err != nil {
			return Reply{}, err
		}
		st.Passages = passageIDs(a)
	}
	f := Feedback{
		Time:         b.now().UTC(),
		Helpful:      verdict == "y",
		Question:     st.Question,
		Passages:     st.Passages,
		User:         b.fb.hashUser(r.User.ID),
		IndexVersion: b.eng.Info().Version,
	}
	if f.Passages == nil {
		f.Passages = []string{}
	}
	if err := b.fb.add(f); err != nil {
		return Reply{}, err
	}
	msg := "Thanks! I noted that this answer helped."
	if !f.Helpful {
		msg = "Thanks! I noted that this answer did not help; it will be used to improve me."
	}
	return Reply{Content: msg, Private: true}, nil
}

func (b *Bot) factors(ctx context.Context, r Request) (Reply, error) {
	start := time.Now()
	t, err := b.eng.Factors(ctx, index.AskOptions{K: citationsPerPage})
	if err != nil {
		return Reply{}, err
	}
	b.asked("factors", t.Answer.Answered, time.Since(start))
	return b.topicReply(t, r.ID), nil
}

func (b *Bot) stage(ctx context.Context, r Request) (Reply, error) {
	n, ok := r.Int("number")
	if !ok {
		return Reply{}, userError{"Give the stage as a number, for example /stage number: 1."}
	}
	start := time.Now()
	t, err := b.eng.Stage(ctx, n, index.AskOptions{K: citationsPerPage})
	var rangeErr index.StageRangeError
	switch {
	case errors.Is(err, index.ErrNoStages):
		return Reply{}, userError{"The documents do not number any stages."}
	case errors.As(err, &rangeErr):
		return Reply{}, userErrorf("The documents describe stages %d to %d; there is no stage %d.", rangeErr.First, rangeErr.Last, n)
	case err != nil:
		return Reply{}, err
	}
	b.asked("stage", t.Answer.Answered, time.Since(start))
	return b.topicReply(t, r.ID), nil
}

// topicReply formats a lookup's answer, keeping what its buttons need.
func (b *Bot) topicReply(t index.Topic, key string) Reply {
	b.cache.put(key, state{Question: t.Question, Passages: t.Passages()})
	return answerReply(t.Answer, b.eng.Info(), answerOptions{Title: cut(t.Title, 200), Key: key, Lead: t.Lead})
}

func (b *Bot) completeStage(ctx context.Context, r Request) ([]Choice, error) {
	stages, err := b.eng.Stages(ctx)
	if err != nil {
		return nil, err
	}
	typed := strings.TrimSpace(r.String("number"))
	var out []Choice
	for _, s := range stages {
		if typed != "" && !strings.HasPrefix(strconv.Itoa(s.N), typed) {
			continue
		}
		out = append(out, Choice{Name: cut(flatten(s.Label), MaxChoiceRunes), Value: s.N})
	}
	return out, nil
}

func (b *Bot) agency(ctx context.Context, r Request) (Reply, error) {
	name := strings.TrimSpace(r.String("name"))
	if name == "" {
		return Reply{}, userError{"Name an agency, for example /agency name: NIA."}
	}
	start := time.Now()
	t, err := b.eng.Agency(ctx, name, index.AskOptions{K: citationsPerPage})
	if err != nil {
		return Reply{}, err
	}
	b.asked("agency", t.Answer.Answered, time.Since(start))
	return b.topicReply(t, r.ID), nil
}

func (b *Bot) completeAgency(ctx context.Context, r Request) ([]Choice, error) {
	typed := strings.ToLower(strings.TrimSpace(r.String("name")))
	var prefix, rest []Choice
	for _, a := range b.eng.Agencies() {
		c := Choice{Name: cut(a.Short+": "+a.Long, MaxChoiceRunes), Value: a.Short}
		switch {
		case typed == "" || strings.HasPrefix(strings.ToLower(a.Short), typed):
			prefix = append(prefix, c)
		case strings.Contains(strings.ToLower(a.Long), typed):
			rest = append(rest, c)
		}
	}
	return append(prefix, rest...), nil
}

func (b *Bot) sources(ctx context.Context, r Request) (Reply, error) {
	info := b.eng.Info()
	e := Embed{
		Title: "Documents",
		Description: fmt.Sprintf("%d documents, %d passages. Index version %d, built %s.",
			len(info.Docs), info.Passages, info.Version, info.Built.UTC().Format("2006-01-02 15:04 MST")),
		Footer: footer(info),
		Color:  colorInfo,
	}
	for i, d := range info.Docs {
		if i == MaxFields-1 && len(info.Docs) > MaxFields {
			e.Fields = append(e.Fields, Field{Name: "…", Value: fmt.Sprintf("and %d more documents", len(info.Docs)-i)})
			break
		}
		v := fmt.Sprintf("%s · %s · %d passages", code(d.Path), d.Kind, d.Passages)
		if d.Author != "" {
			v += " · " + markdown(d.Author, nil)
		}
		if d.Published != "" {
			v += " · " + d.Published
		}
		e.Fields = append(e.Fields, Field{Name: docTitle(d), Value: v})
	}
	return Reply{Embeds: []Embed{e}}, nil
}

func (b *Bot) cite(ctx context.Context, r Request) (Reply, error) {
	want := strings.TrimSpace(r.String("source"))
	info := b.eng.Info()
	d, ok := index.FindDoc(info.Docs, want)
	if !ok {
		return Reply{}, userErrorf("No document is called %q; /sources lists them.", want)
	}
	ref := apa(d)
	e := Embed{
		Title:       "Reference",
		Description: ref.rendered,
		Fields:      []Field{{Name: "Copy", Value: "```\n" + ref.plain + "\n```"}},
		Footer:      footer(info),
		Color:       colorInfo,
	}
	if len(d.Sources) > 1 {
		e.Fields = append(e.Fields, Field{Name: "The document's sources", Value: "<" + strings.Join(d.Sources, ">\n<") + ">"})
	}
	return Reply{Embeds: []Embed{e}}, nil
}

// completeDocument offers the documents whose title or path holds what is
// typed into the focused option (/cite's source, /search's document).
func (b *Bot) completeDocument(ctx context.Context, r Request) ([]Choice, error) {
	return b.documentChoices(r, docTitle), nil
}

// documentChoices are the autocomplete choices for the documents whose
// title or path holds what is typed into the focused option, each named
// by name.
func (b *Bot) documentChoices(r Request, name func(index.DocInfo) string) []Choice {
	typed := strings.ToLower(strings.TrimSpace(r.String(r.Focused)))
	docs := b.eng.Info().Docs
	var out []Choice
	for _, d := range docs {
		if typed != "" && !strings.Contains(strings.ToLower(d.Title+" "+d.Path), typed) {
			continue
		}
		if v, ok := docValue(docs, d); ok {
			out = append(out, Choice{Name: cut(name(d), MaxChoiceRunes), Value: v})
		}
	}
	return out
}

// docValue is what an autocomplete choice for d sends back: its path, or,
// when the path is longer than a choice value may be, its title if no
// other document has it (/cite and /remove-document take an exact title).
func docValue(docs []index.DocInfo, d index.DocInfo) (string, bool) {
	if utf8.RuneCountInString(d.Path) <= MaxChoiceRunes {
		return d.Path, true
	}
	t := strings.TrimSpace(d.Title)
	if t == "" || utf8.RuneCountInString(t) > MaxChoiceRunes {
		return "", false
	}
	for _, o := range docs {
		if o.Path != d.Path && strings.EqualFold(strings.TrimSpace(o.Title), t) {
			return "", false
		}
	}
	return t, true
}

// help lists the commands: everyone's, then, to a member who can use
// them, the admin commands. Options are named in italics, optional ones in
// brackets ("/ask *question* [*private*]"), never in Discord's own
// "name:" syntax, which reads as if it were to be typed.
func (b *Bot) help(ctx context.Context, r Request) (Reply, error) {
	var sb strings.Builder
	sb.WriteString("I answer questions about the documents with quoted, cited passages.\n\n")
	list := func(admin bool) {
		for _, c := range b.reg.Commands() {
			if c.Admin != admin || c.Message {
				continue
			}
			fmt.Fprintf(&sb, "**/%s**", c.Name)
			for _, o := range c.Options {
				name := "*" + strings.ReplaceAll(o.Name, "_", " ") + "*"
				if !o.Required {
					name = "[" + name + "]"
				}
				sb.WriteString(" " + name)
			}
			fmt.Fprintf(&sb, " — %s\n", strings.TrimSuffix(c.Description, " (admins)"))
		}
	}
	list(false)
	var admin []Command
	for _, c := range b.reg.Commands() {
		if c.Admin && b.allowed(c, r) {
			admin = append(admin, c)
		}
	}
	if len(admin) > 0 {
		sb.WriteString("\nFor members who can manage this server:\n")
		list(true)
		if b.rx == nil {
			sb.WriteString("(They need a corpus directory: casebot serve --corpus DIR.)\n")
		}
	}
	sb.WriteString("\nYou can also mention me with a question, or write to me directly; ask two or three things at once and I answer each. ")
	fmt.Fprintf(&sb, "To check a message against the documents, pick *Apps › %s* in its menu (right-click it, or press and hold). ", lookUpCommand)
	sb.WriteString("Ask about a document as a whole too (\"what is the article about?\", \"who wrote it?\"), or about a section by its heading. ")
	fmt.Fprintf(&sb, "Buttons under an answer show the passage in context, more passages, and let you say whether it helped. Everyone may ask %d questions a minute.", b.rate)
	e := Embed{Title: "casebot", Description: sb.String(), Footer: footer(b.eng.Info()), Color: colorInfo}
	return Reply{Embeds: []Embed{e}, Private: true}, nil
}

func docTitle(d index.DocInfo) string {
	if t := strings.TrimSpace(d.Title); t != "" {
		return t
	}
	return d.Path
}
