package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Bot.
type Options struct {
	Engine Engine
	Logger *slog.Logger
	// DataDir holds feedback.jsonl and the salt its user hashes use.
	DataDir string
	// Rate is how many questions a user may ask a minute (default 5).
	Rate int
	// MaxUsers bounds the rate limiter's table (default 10000).
	MaxUsers int
	// DeferAfter is how long an answer may take before the interaction is
	// deferred and the answer edited in later (default 1.5 s; Discord
	// allows 3 s for the first response).
	DeferAfter time.Duration
	// CacheSize is how many replies' button state is kept (default 4096).
	CacheSize int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Reindexer is the corpus directory the admin commands change and
	// reindex; nil when the bot serves the embedded corpus, and they say so.
	Reindexer *Reindexer
	// AdminGuilds are the servers (guild ids) whose managers may run the
	// admin commands, which change the one corpus directory every server is
	// answered from; elsewhere, DMs included, they change nothing and say
	// so, and they are registered only there. None: any server's managers.
	AdminGuilds []string
	// MaxUploadBytes caps /add-document's files (default and at most
	// DefaultMaxUploadBytes, the largest document the corpus reads).
	MaxUploadBytes int64
	// Download fetches attachments (default: a client with a 1 minute
	// timeout). Not the API client: attachments are on Discord's CDN.
	Download *http.Client
	// Observe, when set, is told of every question answered (/ask, a
	// mention, /stage, /agency, /factors, a shared answer): the command,
	// whether the documents answered it, and how long the engine took.
	// casebot serve turns it into the latency histogram of /metrics.
	Observe func(command string, answered bool, took time.Duration)
}

// Bot answers requests. Its methods are safe for concurrent use; the
// gateway and HTTP transports call Handle from one goroutine a request.
type Bot struct {
	eng         Engine
	log         *slog.Logger
	reg         *Registry
	lim         *limiter
	rate        int
	fb          *feedbackLog
	cache       *cache[state]
	recent      *cache[recentQuestion] // each asker's last question, by channel and user
	seenMu      sync.Mutex
	seen        *cache[time.Time] // interaction ids the HTTP endpoint has run, when
	deferAfter  time.Duration
	now         func() time.Time
	stats       counters
	inflight    tracker
	rx          *Reindexer
	adminGuilds []string
	maxUpload   int64
	download    *http.Client
	observe     func(command string, answered bool, took time.Duration)
}

// New returns a bot with the built-in commands registered.
func New(o Options) (*Bot, error) {
	if o.Engine == nil {
		return nil, errors.New("bot: no engine")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Rate <= 0 {
		o.Rate = 5
	}
	if o.MaxUsers <= 0 {
		o.MaxUsers = 10000
	}
	if o.DeferAfter <= 0 {
		o.DeferAfter = 1500 * time.Millisecond
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 4096
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DataDir == "" {
		return nil, errors.New("bot: no data directory")
	}
	for _, g := range o.AdminGuilds {
		if g == "" {
			return nil, errors.New("bot: an admin guild id is empty")
		}
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if o.MaxUploadBytes > DefaultMaxUploadBytes {
		return nil, fmt.Errorf("bot: uploads of up to %d bytes: the corpus reads documents of up to %d", o.MaxUploadBytes, DefaultMaxUploadBytes)
	}
	if o.Download == nil {
		o.Download = &http.Client{Timeout: downloadTimeout}
	}
	fb, err := openFeedback(o.DataDir)
	if err != nil {
		return nil, err
	}
	b := &Bot{
		eng:         o.Engine,
		log:         o.Logger,
		reg:         NewRegistry(),
		lim:         newLimiter(o.Rate, o.MaxUsers),
		rate:        o.Rate,
		fb:          fb,
		cache:       newCache[state](o.CacheSize),
		recent:      newCache[recentQuestion](o.CacheSize),
		seen:        newCache[time.Time](o.CacheSize),
		deferAfter:  o.DeferAfter,
		now:         o.Now,
		rx:          o.Reindexer,
		adminGuilds: slices.Clone(o.AdminGuilds),
		maxUpload:   o.MaxUploadBytes,
		download:    o.Download,
		observe:     o.Observe,
	}
	if err := b.reg.Add(append(b.builtinCommands(), b.adminCommands()...)...); err != nil {
		return nil, err
	}
	if err := b.reg.Handle(b.builtinActions()...); err != nil {
		return nil, err
	}
	return b, nil
}

// Registry returns the bot's commands, for registering more before the
// bot starts serving.
func (b *Bot) Registry() *Registry { return b.reg }

// Handle answers one request. It is what a request's goroutine runs, so
// it recovers a panicking handler: the panic is logged and counted and the
// user gets an apology.
func (b *Bot) Handle(ctx context.Context, r Request) (rep Reply) {
	defer func() {
		if p := recover(); p != nil {
			b.stats.panics.Add(1)
			b.log.Error("handler panicked", "kind", r.Kind, "command", r.Command, "custom_id", r.CustomID,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			rep = errorReply(errors.New("panic"))
		}
	}()
	rep, err := b.handle(ctx, r)
	if err != nil {
		var ue userError
		if !errors.As(err, &ue) {
			b.stats.errors.Add(1)
			b.log.Error("handler failed", "kind", r.Kind, "command", r.Command, "custom_id", r.CustomID, "err", err)
		}
		return errorReply(err)
	}
	return rep
}

func (b *Bot) handle(ctx context.Context, r Request) (Reply, error) {
	switch r.Kind {
	case KindAutocomplete:
		c, ok := b.reg.Command(r.Command)
		if !ok || c.Complete == nil || !b.allowed(c, r) {
			return Reply{}, nil
		}
		choices, err := c.Complete(ctx, r)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Choices: choices}, nil
	case KindCommand:
		c, ok := b.reg.Command(r.Command)
		if !ok {
			return Reply{}, userErrorf("I do not know the command /%s any more; Discord may still be showing an old list. Try /help.", r.Command)
		}
		if err := b.refusal(c, r); err != nil {
			return Reply{}, err
		}
		if c.Limited {
			if rep, ok := b.throttle(r); !ok {
				return rep, nil
			}
		}
		return c.Run(ctx, r)
	case KindButton:
		a, args, ok := b.reg.Action(r.CustomID)
		if !ok {
			return Reply{}, errExpired
		}
		if a.Limited {
			if rep, ok := b.throttle(r); !ok {
				return rep, nil
			}
		}
		r.CustomID = args
		return a.Run(ctx, r)
	case KindMention:
		if rep, ok := b.throttle(r); !ok {
			if !b.lim.tell(r.User.ID) {
				return Reply{Silent: true}, nil
			}
			return rep, nil
		}
		return b.askMention(ctx, r)
	}
	// A kind of interaction casebot never asks for (a form's submission):
	// the user is told so, and it is no failure of the bot's.
	return Reply{}, userErrorf("casebot does not take this kind of interaction. Try /help.")
}

// throttle applies the per-user rate; when the user is over it, the
// reply is a polite private note.
func (b *Bot) throttle(r Request) (Reply, bool) {
	ok, wait := b.lim.allow(r.User.ID, b.now())
	if ok {
		return Reply{}, true
	}
	b.stats.throttled.Add(1)
	secs := int(math.Ceil(wait.Seconds()))
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	return Reply{Private: true, Content: fmt.Sprintf(
		"You are asking faster than I answer: up to %d questions a minute each, so everyone gets a turn. Please try again in %d %s.",
		b.rate, secs, unit)}, false
}

// Private reports whether the answer to r will be ephemeral, as far as
// it is known before the answer: a transport that defers must choose then.
func (b *Bot) Private(r Request) bool {
	switch r.Kind {
	case KindCommand:
		c, ok := b.reg.Command(r.Command)
		return !ok || !b.allowed(c, r) || (c.Private != nil && c.Private(r))
	case KindButton:
		a, _, ok := b.reg.Action(r.CustomID)
		return !ok || a.Private
	}
	return false
}

// Stats are the bot's counters since it started.
type Stats struct {
	Requests     int64 `json:"requests"`      // requests handled, of every kind
	Deferred     int64 `json:"deferred"`      // answers that took long enough to defer
	Throttled    int64 `json:"throttled"`     // requests over a user's rate
	Panics       int64 `json:"panics"`        // handlers that panicked
	Errors       int64 `json:"errors"`        // handlers that failed
	RateLimited  int64 `json:"rate_limited"`  // 429s from Discord
	SendFailures int64 `json:"send_failures"` // responses Discord did not take
	Refused      int64 `json:"refused"`       // HTTP requests refused (signature, size, age)
	Questions    int64 `json:"questions"`     // questions put to the engine
	Answered     int64 `json:"answered"`      // of which the documents answered
	Declined     int64 `json:"declined"`      // of which the documents do not cover
}

type counters struct {
	requests, deferred, throttled, panics, errors, rateLimited, sendFailures, refused atomic.Int64
	questions, answered, declined                                                     atomic.Int64
}

// asked counts a question the engine answered (or declined) in took.
func (b *Bot) asked(command string, answered bool, took time.Duration) {
	b.stats.questions.Add(1)
	if answered {
		b.stats.answered.Add(1)
	} else {
		b.stats.declined.Add(1)
	}
	if b.observe != nil {
		b.observe(command, answered, took)
	}
}

// Stats returns the counters.
func (b *Bot) Stats() Stats {
	c := &b.stats
	return Stats{
		Requests: c.requests.Load(), Deferred: c.deferred.Load(), Throttled: c.throttled.Load(),
		Panics: c.panics.Load(), Errors: c.errors.Load(), RateLimited: c.rateLimited.Load(),
		SendFailures: c.sendFailures.Load(), Refused: c.refused.Load(),
		Questions: c.questions.Load(), Answered: c.answered.Load(), Declined: c.declined.Load(),
	}
}

// tracker counts requests in flight, so shutdown can wait for them, and
// refuses new ones once shutdown has begun.
type tracker struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{}
}

// begin registers a request; false means the bot is shutting down.
func (t *tracker) begin() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.n++
	return true
}

func (t *tracker) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

// drain refuses new requests and waits until those in flight are done or
// ctx ends.
func (t *tracker) drain(ctx context.Context) error {
	t.mu.Lock()
	t.closed = true
	if t.n == 0 {
		t.mu.Unlock()
		return nil
	}
	if t.idle == nil {
		t.idle = make(chan struct{})
	}
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
