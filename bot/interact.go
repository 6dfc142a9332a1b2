package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Deadlines.
const (
	// responseDeadline is Discord's window for an interaction's first
	// response; the callback request must have been answered by then.
	responseDeadline = discordgo.InteractionDeadline
	// handlerTimeout bounds a handler unless its command says otherwise,
	// well inside the 15 minutes an interaction token may edit its response.
	handlerTimeout = 30 * time.Second
	// sendTimeout bounds an edit or a message sent after the first response.
	sendTimeout = 10 * time.Second
)

// requestFrom reads an interaction as a Request.
func requestFrom(i *discordgo.Interaction) Request {
	r := Request{ID: i.ID, GuildID: i.GuildID, ChannelID: i.ChannelID}
	if i.Member != nil {
		r.Permissions = i.Member.Permissions
		if i.Member.User != nil {
			r.User = User{ID: i.Member.User.ID, Name: i.Member.User.Username}
		}
	} else if i.User != nil {
		r.User = User{ID: i.User.ID, Name: i.User.Username}
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		r.Kind = KindCommand
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			r.Kind = KindAutocomplete
		}
		d, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return r
		}
		r.Command = d.Name
		r.Options = map[string]any{}
		if d.CommandType == discordgo.MessageApplicationCommand && d.Resolved != nil {
			if m := d.Resolved.Messages[d.TargetID]; m != nil {
				r.Text = m.Content
			}
		}
		for _, o := range d.Options {
			r.Options[o.Name] = o.Value
			if o.Focused {
				r.Focused = o.Name
			}
			id, _ := o.Value.(string)
			if o.Type != discordgo.ApplicationCommandOptionAttachment || d.Resolved == nil || d.Resolved.Attachments[id] == nil {
				continue
			}
			a := d.Resolved.Attachments[id]
			if r.Attachments == nil {
				r.Attachments = map[string]Attachment{}
			}
			r.Attachments[o.Name] = Attachment{Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, URL: a.URL}
		}
	case discordgo.InteractionMessageComponent:
		r.Kind = KindButton
		if d, ok := i.Data.(discordgo.MessageComponentInteractionData); ok {
			r.CustomID = d.CustomID
		}
		if i.Message != nil {
			r.Embeds = embedsFrom(i.Message.Embeds)
		}
	}
	return r
}

// embedsFrom reads the embeds of a message the bot sent.
func embedsFrom(es []*discordgo.MessageEmbed) []Embed {
	var out []Embed
	for _, e := range es {
		if e == nil {
			continue
		}
		x := Embed{Title: e.Title, Description: e.Description, Color: e.Color}
		if e.Footer != nil {
			x.Footer = e.Footer.Text
		}
		for _, f := range e.Fields {
			if f != nil {
				x.Fields = append(x.Fields, Field{Name: f.Name, Value: f.Value})
			}
		}
		out = append(out, x)
	}
	return out
}

// noMentions lets a message ping no one: not @everyone, not a role, not
// a user, whatever a document or question contains. "parse" must be an
// empty list; discordgo leaves it out of nothing else.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// wire is a Reply after Fit, in discordgo's types.
type wire struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	flags      discordgo.MessageFlags
}

// toWire fits a reply to Discord's limits and translates it.
func toWire(r Reply) wire {
	r = Fit(r)
	w := wire{content: r.Content, embeds: []*discordgo.MessageEmbed{}, components: []discordgo.MessageComponent{}}
	for _, e := range r.Embeds {
		me := &discordgo.MessageEmbed{Title: e.Title, Description: e.Description, Color: e.Color}
		if e.Footer != "" {
			me.Footer = &discordgo.MessageEmbedFooter{Text: e.Footer}
		}
		for _, f := range e.Fields {
			me.Fields = append(me.Fields, &discordgo.MessageEmbedField{Name: f.Name, Value: f.Value})
		}
		w.embeds = append(w.embeds, me)
	}
	for i := 0; i < len(r.Buttons); i += MaxButtonsPerRow {
		row := discordgo.ActionsRow{}
		for _, b := range r.Buttons[i:min(i+MaxButtonsPerRow, len(r.Buttons))] {
			row.Components = append(row.Components, discordgo.Button{Label: b.Label, CustomID: b.ID, Style: discordgo.ButtonStyle(b.Style)})
		}
		w.components = append(w.components, row)
	}
	if r.Private {
		w.flags = discordgo.MessageFlagsEphemeral
	}
	return w
}

// callback is the body of an interaction's first response.
func callback(typ discordgo.InteractionResponseType, r Reply) *discordgo.InteractionResponse {
	w := toWire(r)
	return &discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{
		Content: w.content, Embeds: w.embeds, Components: w.components, Flags: w.flags,
		AllowedMentions: noMentions(),
	}}
}

// deferral is a "thinking…" first response, private or not; the answer
// edits it later.
func deferral(private bool) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if private {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: d}
}

// choicesResponse answers autocomplete. It is built by hand because
// discordgo drops an empty choices list, and Discord wants the list.
func choicesResponse(r Reply) any {
	type choice struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	cs := []choice{}
	for _, c := range Fit(Reply{Choices: r.Choices}).Choices {
		cs = append(cs, choice(c))
	}
	return map[string]any{"type": discordgo.InteractionApplicationCommandAutocompleteResult, "data": map[string]any{"choices": cs}}
}

// edit replaces the deferred response with the answer.
func edit(r Reply) *discordgo.WebhookEdit {
	w := toWire(r)
	return &discordgo.WebhookEdit{Content: &w.content, Embeds: &w.embeds, Components: &w.components, AllowedMentions: noMentions()}
}

// responder sends an interaction's responses: the first one, and an edit
// of it once a deferred answer is ready. The gateway sends both over REST;
// the HTTP endpoint writes the first into its HTTP response.
type responder interface {
	respond(ctx context.Context, body any) error
	edit(ctx context.Context, e *discordgo.WebhookEdit) error
}

// interact answers one interaction: within the first deadline if the
// answer is quick, else deferred first and edited in. received is when
// the interaction arrived; Discord's 3 seconds run from about then.
func (b *Bot) interact(ctx context.Context, i *discordgo.Interaction, out responder, received time.Time) {
	b.stats.requests.Add(1)
	req := requestFrom(i)
	log := b.log.With("interaction", i.ID, "kind", req.Kind, "command", req.Command)
	firstCtx, cancelFirst := context.WithDeadline(ctx, received.Add(responseDeadline))
	defer cancelFirst()

	if req.Kind == KindAutocomplete {
		// No deferring autocomplete: whatever is ready in time is the answer.
		actx, cancel := context.WithDeadline(ctx, received.Add(responseDeadline-time.Second))
		rep := b.Handle(actx, req)
		cancel()
		b.send(log, "autocomplete", out.respond(firstCtx, choicesResponse(rep)))
		return
	}

	private := b.Private(req)
	hctx, cancel := context.WithTimeout(ctx, b.timeout(req))
	defer cancel()
	done := make(chan Reply, 1)
	go func() { done <- b.Handle(hctx, req) }() // Handle recovers
	timer := time.NewTimer(time.Until(received.Add(b.deferAfter)))
	defer timer.Stop()
	select {
	case rep := <-done:
		b.send(log, "callback", out.respond(firstCtx, callback(discordgo.InteractionResponseChannelMessageWithSource, rep)))
	case <-timer.C:
		b.stats.deferred.Add(1)
		if err := out.respond(firstCtx, deferral(private)); err != nil {
			b.send(log, "deferral", err)
			return
		}
		rep := <-done
		ectx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		b.send(log, "edit", out.edit(ectx, edit(rep)))
	}
}

// timeout is how long r's handler may run.
func (b *Bot) timeout(r Request) time.Duration {
	if c, ok := b.reg.Command(r.Command); ok && r.Kind == KindCommand && c.Timeout > 0 {
		return c.Timeout
	}
	return handlerTimeout
}

// send logs and counts a response Discord did not take. Nothing else can
// be done about it: the user sees "the application did not respond".
func (b *Bot) send(log *slog.Logger, what string, err error) {
	if err == nil {
		return
	}
	b.stats.sendFailures.Add(1)
	log.Warn("response not delivered", "what", what, "err", err)
}

// restResponder sends an interaction's responses over Discord's REST API.
//
// discordgo keys its rate-limit buckets by URL and never forgets one, and
// an interaction's URLs hold its token: through Session.InteractionRespond
// every interaction would leave two buckets behind for good. Each
// interaction gets its own RateLimiter instead, and its buckets go with it.
type restResponder struct {
	b  *Bot
	s  *discordgo.Session
	i  *discordgo.Interaction
	rl *discordgo.RateLimiter
}

func newRESTResponder(b *Bot, s *discordgo.Session, i *discordgo.Interaction) *restResponder {
	return &restResponder{b: b, s: s, i: i, rl: discordgo.NewRatelimiter()}
}

func (r *restResponder) respond(ctx context.Context, body any) error {
	return r.call(ctx, "POST", discordgo.EndpointInteractionResponse(r.i.ID, r.i.Token), body)
}

func (r *restResponder) edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	return r.call(ctx, "PATCH", discordgo.EndpointWebhookMessage(r.i.AppID, r.i.Token, "@original"), e)
}

// call sends one request without discordgo's retry loop, which sleeps as
// long as a 429 says, as often as it says, while the user waits: a 429 is
// retried once, and only if the wait fits in ctx's deadline. Errors are
// cleaned of the interaction token, which the URL holds.
func (r *restResponder) call(ctx context.Context, method, url string, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		bucket := r.rl.LockBucket(strings.SplitN(url, "?", 2)[0])
		_, err = r.s.RequestWithLockedBucket(method, url, "application/json", data, bucket, 0,
			discordgo.WithRetryOnRatelimit(false), discordgo.WithContext(ctx))
		var rle *discordgo.RateLimitError
		if !errors.As(err, &rle) {
			return redact(err, r.i.Token)
		}
		r.b.stats.rateLimited.Add(1)
		wait := rle.RetryAfter
		if dl, ok := ctx.Deadline(); attempt > 0 || (ok && time.Until(dl) < wait+100*time.Millisecond) {
			return fmt.Errorf("discord rate limit (retry after %v)", wait)
		}
		r.b.log.Info("discord rate limit, retrying once", "interaction", r.i.ID, "retry_after", wait)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// redact removes a secret from an error's text (URLs in net/http errors
// carry interaction tokens).
func redact(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "[token]"))
}

// guard is deferred at the top of every goroutine the transports start:
// a panic there is logged and counted, and the bot goes on.
func (b *Bot) guard(what string) {
	if p := recover(); p != nil {
		b.stats.panics.Add(1)
		b.log.Error("panic", "in", what, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	}
}
