package discordtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// errClosed is returned by the Wait methods once the server is closed.
var errClosed = errors.New("discordtest: server closed")

// maxBodyBytes caps request bodies like Discord's upload limit does.
const maxBodyBytes = 25 << 20

// Option configures a Server.
type Option func(*config)

type config struct {
	botUser           User
	appID             string
	token             string
	heartbeat         time.Duration
	privilegedIntents int
}

// WithBotUser sets the user READY announces and the author of the bot's
// messages. The default is {ID: "999", Username: "casebot", Bot: true}.
func WithBotUser(u User) Option { return func(c *config) { c.botUser = u } }

// WithApplicationID sets the application id (default "app-1"). Webhook
// calls for interactions must use it, as on Discord.
func WithApplicationID(id string) Option { return func(c *config) { c.appID = id } }

// WithToken makes the fake accept only this bot token, with or without the
// "Bot " prefix: REST calls with another get 401 and an IDENTIFY with
// another is closed with 4004. By default any non-empty bot token passes.
func WithToken(token string) Option {
	return func(c *config) { c.token = strings.TrimPrefix(token, "Bot ") }
}

// WithHeartbeatInterval sets the heartbeat_interval sent in HELLO (default
// 45 s, as on Discord).
func WithHeartbeatInterval(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithPrivilegedIntents lets clients identify with these privileged intents
// (GUILD_MEMBERS 1<<1, GUILD_PRESENCES 1<<8, MESSAGE_CONTENT 1<<15), as
// enabling them in the Developer Portal would. Without it, an IDENTIFY
// asking for one is closed with 4014, as on Discord.
func WithPrivilegedIntents(mask int) Option { return func(c *config) { c.privilegedIntents = mask } }

// Server is a fake Discord: REST API, gateway and CDN on one loopback
// httptest server. All methods are safe for concurrent use.
type Server struct {
	tb    testing.TB
	cfg   config
	srv   *httptest.Server
	mux   *http.ServeMux
	wsURL string

	done chan struct{} // closed by Close
	wsWG sync.WaitGroup

	mu           sync.Mutex
	closed       bool
	changed      chan struct{} // closed and replaced whenever state changes
	ids          int64
	arrivals     int
	requests     []Request
	limits       []*rateLimit
	frames       []Frame
	conns        map[*gatewayConn]struct{}
	connCount    int
	sessions     map[string]*gatewaySession
	sessionCount int
	ready        int
	interactions map[string]*interactionState // by interaction id
	tokens       map[string]*interactionState // by interaction token
	messages     map[string]*Message
	commands     map[string][]map[string]any // by guild id, "" for global
	users        map[string]User
	dmChannels   map[string]string // user id -> DM channel id
	guildChans   map[string]string // guild id -> default channel id
	channelGuild map[string]string // channel id -> guild id
	guilds       map[string]*guild // guild id -> its roles, made on first use
	files        map[string]file   // URL path -> attachment
}

type file struct {
	body        []byte
	contentType string
}

type rateLimit struct {
	prefix string
	left   int
	after  time.Duration
}

// New starts a fake Discord on a loopback httptest server and registers
// Close with tb.Cleanup.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		botUser:   User{ID: "999", Username: "casebot", Discriminator: "0", Bot: true},
		appID:     "app-1",
		heartbeat: 45 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		tb:           tb,
		cfg:          cfg,
		done:         make(chan struct{}),
		changed:      make(chan struct{}),
		conns:        map[*gatewayConn]struct{}{},
		sessions:     map[string]*gatewaySession{},
		interactions: map[string]*interactionState{},
		tokens:       map[string]*interactionState{},
		messages:     map[string]*Message{},
		commands:     map[string][]map[string]any{},
		users:        map[string]User{cfg.botUser.ID: cfg.botUser},
		dmChannels:   map[string]string{},
		guildChans:   map[string]string{},
		channelGuild: map[string]string{},
		guilds:       map[string]*guild{},
		files:        map[string]file{},
	}
	s.mux = s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.wsURL = "ws://" + s.srv.Listener.Addr().String() + "/ws"
	tb.Cleanup(s.Close)
	return s
}

// URL returns the base URL, such as http://127.0.0.1:port. The REST API is
// under /api/v9/ and gateway discovery returns URL's host with ws://.
func (s *Server) URL() string { return s.srv.URL }

// BotUser returns the bot's own user, as READY announces it.
func (s *Server) BotUser() User { return s.cfg.botUser }

// ApplicationID returns the application id put into READY and interactions.
func (s *Server) ApplicationID() string { return s.cfg.appID }

// Close closes every gateway connection (close code 1001), waits for their
// goroutines and shuts the HTTP server down. Calling it again does nothing.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	conns := make([]*gatewayConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()

	for _, c := range conns {
		c.closeWith(1001, "discordtest: server closed")
	}
	s.wsWG.Wait()
	s.srv.Close()
}

// notifyLocked wakes everyone waiting for a change. Call with s.mu held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// wait blocks until cond, called with s.mu held, is true.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, ch, closed := cond(), s.changed, s.closed
		s.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return errClosed
		}
		select {
		case <-ch:
		case <-s.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) nextIDLocked() string {
	s.ids++
	return snowflake(s.ids)
}

// RateLimit makes the next n requests whose URL path starts with
// pathPrefix get HTTP 429, with the JSON body and X-RateLimit-* and
// Retry-After headers Discord sends, retry_after being retryAfter.
// Rules are checked in the order they were added.
func (s *Server) RateLimit(pathPrefix string, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = append(s.limits, &rateLimit{prefix: pathPrefix, left: n, after: retryAfter})
}

func (s *Server) takeRateLimit(path string) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.limits {
		if l.left > 0 && strings.HasPrefix(path, l.prefix) {
			l.left--
			return l.after, true
		}
	}
	return 0, false
}

// Requests returns every HTTP request the fake has answered, in arrival
// order, including the gateway's websocket upgrades.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// WaitRequest returns the first request, in arrival order, for which match
// is true, waiting for it if it has not arrived. The fake has already
// answered it; Status and Response say how. match runs without the
// server's lock held, so it may call the server.
func (s *Server) WaitRequest(ctx context.Context, match func(Request) bool) (Request, error) {
	for {
		s.mu.Lock()
		// A request can be inserted before the end (arrival order), so
		// every wake-up rescans from the start.
		reqs := append([]Request(nil), s.requests...)
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		for _, r := range reqs {
			if match(r) {
				return r.clone(), nil
			}
		}
		if closed {
			return Request{}, errClosed
		}
		select {
		case <-ch:
		case <-s.done:
		case <-ctx.Done():
			return Request{}, ctx.Err()
		}
	}
}

// Callback returns the accepted (2xx) initial response to the interaction,
// POST /api/v9/interactions/{id}/{token}/callback, waiting for it if needed.
func (s *Server) Callback(ctx context.Context, interactionID string) (Request, error) {
	prefix := "/api/v9/interactions/" + interactionID + "/"
	r, err := s.WaitRequest(ctx, func(r Request) bool {
		return r.Method == http.MethodPost && r.Status < 300 &&
			strings.HasPrefix(r.Path, prefix) && strings.HasSuffix(r.Path, "/callback")
	})
	if err != nil {
		return r, fmt.Errorf("callback of interaction %s: %w", interactionID, err)
	}
	return r, nil
}

// serveHTTP records every request, applies injected rate limits and the
// Authorization check, and routes the rest. The response is buffered so a
// request is recorded, with its answer, before the client sees the answer.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" || r.URL.Path == "/ws/" {
		s.serveGateway(w, r)
		return
	}
	s.mu.Lock()
	s.arrivals++
	seq := s.arrivals
	s.mu.Unlock()
	received := time.Now()

	rec := &capture{header: http.Header{}}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	switch {
	case err != nil:
		writeError(rec, http.StatusBadRequest, 0, "400: Bad Request")
	case len(body) > maxBodyBytes:
		writeError(rec, http.StatusRequestEntityTooLarge, 40005, "Request entity too large")
	default:
		r.Body = io.NopCloser(bytes.NewReader(body))
		if after, limited := s.takeRateLimit(r.URL.Path); limited {
			writeRateLimited(rec, r.URL.Path, after)
		} else if needsAuth(r) && !s.authorized(r.Header.Get("Authorization")) {
			writeError(rec, http.StatusUnauthorized, 0, "401: Unauthorized")
		} else {
			s.mux.ServeHTTP(rec, r)
		}
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}

	s.record(Request{
		Seq:      seq,
		Method:   r.Method,
		Path:     r.URL.Path,
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Body:     body,
		Status:   rec.status,
		Response: rec.body.Bytes(),
		Time:     received,
	})
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// record inserts r keeping arrival order.
func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := len(s.requests)
	for i > 0 && s.requests[i-1].Seq > r.Seq {
		i--
	}
	s.requests = append(s.requests, Request{})
	copy(s.requests[i+1:], s.requests[i:])
	s.requests[i] = r
	s.notifyLocked()
}

// needsAuth reports whether Discord requires a bot token for r. Interaction
// callbacks and webhooks are authorized by the token in their path, gateway
// discovery and the CDN by nothing.
func needsAuth(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case !strings.HasPrefix(p, "/api/"):
		return false
	case strings.HasPrefix(p, "/api/v9/interactions/"), strings.HasPrefix(p, "/api/v9/webhooks/"):
		return false
	case p == "/api/v9/gateway":
		return false
	}
	return true
}

func (s *Server) authorized(header string) bool {
	tok, ok := strings.CutPrefix(header, "Bot ")
	if !ok || tok == "" {
		return false
	}
	return s.cfg.token == "" || tok == s.cfg.token
}

func (s *Server) tokenOK(tok string) bool {
	tok = strings.TrimPrefix(tok, "Bot ")
	return tok != "" && (s.cfg.token == "" || tok == s.cfg.token)
}

func writeRateLimited(w http.ResponseWriter, path string, after time.Duration) {
	secs := after.Seconds()
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(after).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", "discordtest:"+url.PathEscape(path))
	h.Set("X-RateLimit-Scope", "user")
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": secs,
		"global":      false,
	})
}

// capture buffers a response.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

func (c *capture) Write(p []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(p)
}
